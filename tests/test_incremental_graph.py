"""A run that only appends notices resolves theirs alone, and writes the graph, the outputs
and the database a fresh run over every file writes; anything else resolves them all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import build, store
from policygraph import pipeline
from policygraph.pipeline import RunOptions, run
from tests.test_copies import database_content
from tests.test_reliability import outputs

ISSUERS = ("山东省医疗保障局", "济南市医疗保障局")
PRODUCTS = ("冠脉支架", "人工晶体", "人工关节")
NUMBERS = 5  # 鲁医保发〔2024〕1号 to 5号: notices take the first four, so the fifth is always outside
# How a notice names another: by title and number, or by its title alone (a weak key).
CUES = (
    "根据《{title}》（{number}）要求，现将有关事项通知如下。",
    "现将《{title}》（{number}）转发给你们，请认真贯彻执行。",
    "其他事项参照《{title}》执行。",
)
REFERENCE = st.tuples(st.sampled_from(CUES), st.integers(1, NUMBERS), st.sampled_from(PRODUCTS), st.booleans())
# (issuer, number or none, product, references, body): two notices alike but for the body
# claim one number with two texts; alike in all, they are copies.
NOTICE = st.tuples(
    st.sampled_from(ISSUERS), st.none() | st.integers(1, NUMBERS - 1), st.sampled_from(PRODUCTS),
    st.lists(REFERENCE, max_size=2), st.integers(1, 2),
)  # fmt: skip


def _title(product: str) -> str:
    return f"关于执行{product}集中带量采购中选结果的通知"


def _number(number: int) -> str:
    return f"鲁医保发〔2024〕{number}号"


def notice_text(issuer: str, number: int | None, product: str, references: list[tuple], body: int) -> str:
    mentions = [
        cue.format(title=(ISSUERS[0] if prefixed else "") + _title(mentioned), number=_number(mentioned_number))
        for cue, mentioned_number, mentioned, prefixed in references
    ]
    lines = [issuer, *([_number(number)] if number else []), _title(product), "各有关单位：", *mentions,
             f"一、采购周期为{body}年。", issuer, "2024年3月1日"]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_notices(folder: Path, notices: list[tuple], first: int, early: bool = False) -> None:
    """Each notice in a file of its own, named by its place: later notices sort after earlier
    ones, but for an `early` first one, which sorts just before the one before it."""
    folder.mkdir(exist_ok=True)
    for index, notice in enumerate(notices, first):
        name = f"{index - 1:02d}-.txt" if early and index == first else f"{index:02d}.txt"
        (folder / name).write_text(notice_text(*notice), encoding="utf-8")


def resolutions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """'all' or 'appended' for each resolution of the graph in this process, in turn."""
    taken: list[str] = []
    resolve_all, resolve_appended = build._resolve_all, build._resolve_appended

    def spied_all(*arguments: object) -> None:
        taken.append("all")
        resolve_all(*arguments)

    def spied_appended(*arguments: object) -> bool:
        appended = resolve_appended(*arguments)
        taken.extend(["appended"] if appended else [])
        return appended

    monkeypatch.setattr(build, "_resolve_all", spied_all)
    monkeypatch.setattr(build, "_resolve_appended", spied_appended)
    return taken


def assert_as_fresh(out: Path, inputs: Path) -> None:
    fresh = out.with_name("fresh")
    shutil.rmtree(fresh, ignore_errors=True)
    run([str(inputs)], fresh, RunOptions(force=True))
    assert outputs(out) == outputs(fresh)
    assert database_content(out) == database_content(fresh)


@settings(max_examples=80, deadline=None)
@given(st.lists(NOTICE, min_size=2, max_size=8), st.lists(st.integers(1, 7), min_size=1, max_size=2), st.booleans())
def test_notices_appended_day_after_day_give_what_one_fresh_run_gives(
    notices: list[tuple], cuts: list[int], early: bool
) -> None:
    """Notices citing each other and documents outside, numbers repeated by copies and by
    other texts, later notices that are the documents earlier ones cited, files that sort
    among the earlier ones: each day's run over the files so far writes what a fresh run
    over them writes."""
    days = [*sorted({min(cut, len(notices) - 1) for cut in cuts}), len(notices)]
    with tempfile.TemporaryDirectory() as work:
        inputs, out = Path(work) / "in", Path(work) / "out"
        write_notices(inputs, notices[: days[0]], 0)
        run([str(inputs)], out)
        for start, end in pairwise(days):
            write_notices(inputs, notices[start:end], start, early)
            run([str(inputs)], out)
            assert_as_fresh(out, inputs)


SHANDONG = (ISSUERS[0], 1, PRODUCTS[0], [], 1)
JINAN = (ISSUERS[1], 2, PRODUCTS[1], [(CUES[1], 1, PRODUCTS[0], True), (CUES[0], 4, PRODUCTS[2], True)], 1)


def test_a_notice_appended_citing_the_archive_is_resolved_alone(tmp_path: Path, monkeypatch) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    taken = resolutions(monkeypatch)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [(CUES[0], 1, PRODUCTS[0], False), *JINAN[3]], 2)], 2)
    run([str(inputs)], out)
    assert taken == ["appended"]
    assert_as_fresh(out, inputs)


@pytest.mark.parametrize(
    ("name", "notice"),
    [
        ("02.txt", (ISSUERS[0], 4, PRODUCTS[2], [], 1)),  # the document the archive cited as outside it
        ("02.txt", (ISSUERS[0], None, PRODUCTS[2], [], 1)),  # its title alone, which a reference resolved by
        ("02.txt", SHANDONG),  # a copy of a notice in the archive
        ("02.txt", (*SHANDONG[:-1], 2)),  # another text claiming its number
        ("00a.txt", (ISSUERS[1], 3, PRODUCTS[0], [], 1)),  # a new file before the archive's last
    ],
)
def test_a_notice_that_changes_what_was_resolved_has_every_notice_resolved_again(
    tmp_path: Path, monkeypatch, name: str, notice: tuple
) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, (*JINAN[:3], [(CUES[0], 4, PRODUCTS[2], False)], 1)], 0)
    run([str(inputs)], out)
    taken = resolutions(monkeypatch)
    (inputs / name).write_text(notice_text(*notice), encoding="utf-8")
    run([str(inputs)], out)
    assert taken == ["all"]
    assert_as_fresh(out, inputs)


def test_a_changed_or_removed_file_has_every_notice_resolved_again(tmp_path: Path, monkeypatch) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN, (ISSUERS[1], 3, PRODUCTS[2], [], 1)], 0)
    run([str(inputs)], out)
    taken = resolutions(monkeypatch)
    (inputs / "01.txt").unlink()
    run([str(inputs)], out)
    write_notices(inputs, [(*SHANDONG[:-1], 2)], 0)
    run([str(inputs)], out)
    assert taken == ["all", "all"]
    assert_as_fresh(out, inputs)


def _notice_lines_asked(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """From which rowid on each run in this process asked for the records of notices.jsonl."""
    asked: list[int | None] = []
    notice_lines = store.notice_lines

    def spied(connection: object, appended_from: int | None = None) -> object:
        asked.append(appended_from)
        return notice_lines(connection, appended_from)

    monkeypatch.setattr(store, "notice_lines", spied)
    return asked


def _copied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the outputs a run in this process copied bytes from."""
    names: list[str] = []
    copy_range = pipeline.copy_range

    def spied(source: Path, *arguments: object) -> None:
        names.append(source.name)
        copy_range(source, *arguments)

    monkeypatch.setattr(pipeline, "copy_range", spied)
    return names


def test_notices_appended_are_written_after_a_copy_of_the_records_before(tmp_path: Path, monkeypatch) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    asked, copied_from = _notice_lines_asked(monkeypatch), _copied(monkeypatch)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [], 2)], 2)
    run([str(inputs)], out)
    copied = shutil.copytree(out, tmp_path / "copied")  # as backups and the benchmark copy it: times kept
    write_notices(inputs, [(ISSUERS[1], 4, PRODUCTS[2], [], 1)], 3)
    run([str(inputs)], copied)
    assert asked == [3, 4]  # the rowid of the notice each run appended
    assert sorted(set(copied_from)) == ["graph.graphml", "graph.json", "manifest.json", "notices.jsonl"]
    assert_as_fresh(copied, inputs)


class Stopped(Exception):
    """A run stopped on its way: killed, or out of disk."""


def test_a_run_stopped_before_its_manifest_has_the_next_run_write_it_whole(tmp_path: Path, monkeypatch) -> None:
    """Stopped after the database took the new files, the run left the manifest as it was,
    which lists none of them: its entries cannot be copied as those of the files held."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [], 2)], 2)
    with monkeypatch.context() as stopping:
        stopping.setattr(pipeline, "manifest_entry_json", lambda entry: (_ for _ in ()).throw(Stopped()))
        with pytest.raises(Stopped):
            run([str(inputs)], out)
    write_notices(inputs, [(ISSUERS[1], 4, PRODUCTS[2], [], 1)], 3)
    copied_from = _copied(monkeypatch)
    run([str(inputs)], out)
    assert "manifest.json" not in copied_from and "notices.jsonl" in copied_from
    assert_as_fresh(out, inputs)


@pytest.mark.parametrize(
    "day",
    [
        lambda inputs, out: (out / "manifest.json").write_text("{}", encoding="utf-8"),
        lambda inputs, out: min(inputs.iterdir()).unlink(),  # its entry goes
        lambda inputs, out: write_notices(inputs, [(ISSUERS[1], 5, PRODUCTS[0], [], 1)], -1),  # before the others
    ],
    ids=["manifest edited", "file removed", "file before the others"],
)
def test_a_manifest_whose_entries_did_not_all_stay_is_written_whole(
    tmp_path: Path, monkeypatch, day: Callable[[Path, Path], object]
) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [], 2)], 2)
    day(inputs, out)
    copied_from = _copied(monkeypatch)
    run([str(inputs)], out)
    assert "manifest.json" not in copied_from
    assert_as_fresh(out, inputs)


@pytest.mark.parametrize("name", ["graph.json", "graph.graphml"])
def test_a_graph_file_changed_since_it_was_written_is_written_whole(tmp_path: Path, monkeypatch, name: str) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    (out / name).write_bytes((out / name).read_bytes().replace(b"true", b"false", 1))
    copied_from = _copied(monkeypatch)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [], 2)], 2)
    run([str(inputs)], out)
    assert name not in copied_from and "notices.jsonl" in copied_from
    assert_as_fresh(out, inputs)


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path.write_bytes(path.read_bytes().replace(b"}", b" }", 1)),  # edited
        lambda path: path.write_bytes(path.read_bytes()),  # the same bytes, another time
        lambda path: shutil.copy(path, path.with_name("copy")) and os.replace(path.with_name("copy"), path),
        lambda path: path.unlink(),
    ],
    ids=["edited", "rewritten", "replaced", "removed"],
)
def test_a_notices_file_changed_since_it_was_written_is_written_whole(
    tmp_path: Path, monkeypatch, change: Callable[[Path], object]
) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_notices(inputs, [SHANDONG, JINAN], 0)
    run([str(inputs)], out)
    change(out / "notices.jsonl")
    asked = _notice_lines_asked(monkeypatch)
    write_notices(inputs, [(ISSUERS[1], 3, PRODUCTS[1], [], 2)], 2)
    run([str(inputs)], out)
    assert asked == [None]
    assert_as_fresh(out, inputs)
