"""A daily increment: new and changed files beside an archive already read. A file whose
path, size and modification time are as the database recorded them is taken as it holds
it, without being opened, and the outputs are byte for byte those of a fresh run."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.kill_loop import distinct_copies
from graph import store
from policygraph import executors, pipeline, state
from policygraph.inputs import given_path, shown_path
from policygraph.outputs import SET_ASIDE_SUFFIX
from policygraph.pipeline import RunOptions, run
from tests.conftest import CORPUS
from tests.test_copies import database_content, search_answers
from tests.test_reliability import outputs

ARCHIVE = 12  # files
# What each migration from the 10th on added, undone: a database made now, taken back to
# how an earlier version of policygraph left it (graph.store.MIGRATIONS, counted from 1).
UNDO_MIGRATION = {
    10: ["ALTER TABLE files DROP COLUMN size", "ALTER TABLE files DROP COLUMN mtime_ns",
         "ALTER TABLE files DROP COLUMN pipeline"],
    11: ["DROP TABLE notice_keys"],
    12: ["DROP INDEX documents_position", "DROP INDEX edges_position"],
    13: ["DROP TABLE strong_keys", "DROP TABLE weak_keys", "DROP TABLE decisive_weak_keys", "DROP TABLE resolution"],
    14: ["DROP TABLE outputs"],
    15: ["DROP INDEX notices_manifest"],
}  # fmt: skip
# Names in GBK bytes, with backslashes, and in UTF-8 beside them: shown escaped, or not.
ODD_PREFIXES = (b"\xd6\\\xd6", b"a\\b", b"\xffz", b"\xc3\xa9")
SLOW = "关于执行集采结果的通知\n各有关单位：\n" + "采购周期为2年，" * 2000  # about 0.3 s to read


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files a run in this process opens."""
    names: list[str] = []
    read_file = pipeline.read_file

    def spied(path: str, *arguments: object) -> bytes:
        names.append(Path(path).name)
        return read_file(path, *arguments)

    monkeypatch.setattr(pipeline, "read_file", spied)
    return names


def a_day_passes(archive: Path) -> dict[str, str]:
    """One file changed, one removed, one touched but the same, one new: each by its name."""
    names = sorted(path.name for path in archive.iterdir())
    day = {"changed": names[1], "removed": names[2], "touched": names[3], "new": "new.txt"}
    changed = archive / day["changed"]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件：中选结果\n", encoding="utf-8")
    (archive / day["removed"]).unlink()
    touched = (archive / day["touched"]).stat()
    os.utime(archive / day["touched"], ns=(touched.st_atime_ns, touched.st_mtime_ns + 1_000_000_000))
    shutil.copy(CORPUS / "003_0cd56fd91030d65d.txt", archive / day["new"])
    return day


def assert_as_fresh(out: Path, inputs: Path, fresh: Path) -> None:
    run([str(inputs)], fresh, RunOptions(force=True))
    assert outputs(out) == outputs(fresh)
    assert database_content(out) == database_content(fresh)
    assert search_answers(out) == search_answers(fresh)


def test_an_increment_opens_only_what_changed_and_writes_what_a_fresh_run_writes(tmp_path: Path, opened) -> None:
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    run([str(archive)], out)
    day = a_day_passes(archive)
    opened.clear()
    summary = run([str(archive)], out)
    assert sorted(opened) == sorted([day["changed"], day["touched"], day["new"]])
    assert (summary.files, summary.reused) == (ARCHIVE, ARCHIVE - 2)  # the changed file and the new one are not
    assert_as_fresh(out, archive, tmp_path / "fresh")
    opened.clear()
    (archive / "newer.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    run([str(archive)], out)
    assert opened == ["newer.txt"], "the touched file's new time was recorded"


def _spied_executor(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """The names of the files handed to the executor `name`."""
    handed: list[str] = []
    executor = getattr(executors, name)

    def spied(work: Callable, items: list, *arguments: object):
        handed.extend(Path(item.path).name for item in items)
        return executor(work, items, *arguments)

    monkeypatch.setattr(executors, name, spied)
    return handed


def test_workers_are_handed_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    run([str(archive)], out, RunOptions(jobs=2))
    day = a_day_passes(archive)
    handed = _spied_executor(monkeypatch, "local")
    run([str(archive)], out, RunOptions(jobs=2))
    assert sorted(handed) == sorted([day["changed"], day["touched"], day["new"]])
    assert_as_fresh(out, archive, tmp_path / "fresh")


def test_a_dask_cluster_is_handed_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        options = RunOptions(scheduler=cluster.scheduler_address)
        run([str(archive)], out, options)
        day = a_day_passes(archive)
        handed = _spied_executor(monkeypatch, "dask")
        run([str(archive)], out, options)
    assert sorted(handed) == sorted([day["changed"], day["touched"], day["new"]])
    assert_as_fresh(out, archive, tmp_path / "fresh")


def test_a_file_that_timed_out_is_opened_again_under_a_larger_limit(tmp_path: Path, opened) -> None:
    archive, out = distinct_copies(tmp_path / "in", 2), tmp_path / "out"
    run([str(archive)], out)
    (archive / "slow.txt").write_text(SLOW, encoding="utf-8")
    assert run([str(archive)], out, RunOptions(seconds_per_file=0.02)).failed == 1  # the others are not opened
    opened.clear()
    summary = run([str(archive)], out)
    assert (opened, summary.failed) == (["slow.txt"], 0)
    assert_as_fresh(out, archive, tmp_path / "fresh")


def test_a_file_that_could_not_be_read_is_tried_again(tmp_path: Path, opened) -> None:
    """A failure with no digest (unreadable, or its worker died) was never cached: a re-run tries it."""
    archive, out = distinct_copies(tmp_path / "in", 2), tmp_path / "out"
    os.mkfifo(archive / "pipe")
    run([str(archive)], out)
    (archive / "new.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    opened.clear()
    assert run([str(archive)], out).failed == 1
    assert sorted(opened) == ["new.txt", "pipe"]


def test_another_pipeline_opens_every_file(tmp_path: Path, opened, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database's rows came from the pipeline that made them: another reads everything again."""
    archive, out = distinct_copies(tmp_path / "in", 3), tmp_path / "out"
    run([str(archive)], out)
    before = outputs(out)
    monkeypatch.setattr(state, "pipeline_digest", lambda: "another pipeline")
    opened.clear()
    run([str(archive)], out)
    assert not migrated_by_rebuilding(out)
    assert sorted(opened) == sorted(path.name for path in archive.iterdir())
    assert outputs(out) == before


def test_forced_opens_every_file(tmp_path: Path, opened) -> None:
    archive, out = distinct_copies(tmp_path / "in", 3), tmp_path / "out"
    run([str(archive)], out)
    opened.clear()
    run([str(archive)], out, RunOptions(force=True))
    assert sorted(opened) == sorted(path.name for path in archive.iterdir())


def test_a_database_from_before_sizes_and_times_were_recorded_is_read_whole_once(tmp_path: Path, opened) -> None:
    archive, out = distinct_copies(tmp_path / "in", 3), tmp_path / "out"
    run([str(archive)], out)
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as connection:
        taken_back_to(connection, 9)
    (archive / "new.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    opened.clear()
    run([str(archive)], out)
    assert sorted(opened) == sorted(path.name for path in archive.iterdir())
    assert_as_fresh(out, archive, tmp_path / "fresh")
    (archive / "newer.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    opened.clear()
    run([str(archive)], out)
    assert opened == ["newer.txt"]


@pytest.mark.parametrize(
    ("new", "moved"), [("zz_new.txt", 0), ("!new.txt", ARCHIVE)], ids=["after every other", "before every other"]
)
def test_an_increment_looks_up_no_file_it_keeps_and_writes_only_those_that_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new: str, moved: int
) -> None:
    """The run's files and the database's are paired in one pass, in their order: looking each
    up by its path, and writing each one's position, cost 2.5 s of an increment at 100,000."""
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    run([str(archive)], out)
    shutil.copy(CORPUS / "003_0cd56fd91030d65d.txt", archive / new)
    asked, statements = spied_database(monkeypatch)
    run([str(archive)], out)
    assert asked == [new]
    assert len([statement for statement in statements if statement.startswith("UPDATE files")]) == moved
    assert_as_fresh(out, archive, tmp_path / "fresh")


def spied_database(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The names of the files the run looks up by path, and the statements it executes."""
    asked: list[str] = []
    statements: list[str] = []
    recorded_files, connect = store.recorded_files, store.connect

    def looked_up(connection: sqlite3.Connection, paths) -> object:
        paths = list(paths)
        asked.extend(Path(path).name for path in paths)
        return recorded_files(connection, paths)

    def traced(*arguments: object, **options: object) -> sqlite3.Connection:
        connection = connect(*arguments, **options)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(store, "recorded_files", looked_up)
    monkeypatch.setattr(store, "connect", traced)
    return asked, statements


def test_names_in_no_encoding_and_with_backslashes_are_kept_in_their_order(tmp_path: Path, opened) -> None:
    """Such names are shown escaped (policygraph.inputs.shown_path), which does not keep
    their order: pairing the run's files with the database's compares the names as given."""
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    for prefix, path in zip(ODD_PREFIXES, sorted(archive.iterdir()), strict=False):
        os.rename(path, os.fsencode(archive) + b"/" + prefix + os.fsencode(path.name))
    run([str(archive)], out)
    shutil.copy(CORPUS / "003_0cd56fd91030d65d.txt", archive / "new.txt")
    opened.clear()
    run([str(archive)], out)
    assert opened == ["new.txt"]
    assert_as_fresh(out, archive, tmp_path / "fresh")


@given(st.lists(st.text(st.sampled_from("a\\x中/.é"), max_size=6) | st.binary(max_size=6).map(os.fsdecode)))
def test_a_name_as_shown_gives_the_name_as_given(names: list[str]) -> None:
    assert [given_path(shown_path(name)) for name in names] == names


def test_a_database_out_of_order_has_every_file_read_again(tmp_path: Path, opened) -> None:
    """Left so by no run of this version: each file is then looked up, and what the cache holds reused."""
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    run([str(archive)], out)
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as connection, connection:
        connection.execute("UPDATE files SET position = -position")
    (archive / "new.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    opened.clear()
    run([str(archive)], out)
    assert sorted(opened) == sorted(path.name for path in archive.iterdir())
    assert_as_fresh(out, archive, tmp_path / "fresh")


def test_a_database_from_before_keys_were_kept_derives_them_once(tmp_path: Path) -> None:
    """Its notices get the keys that identify them when the graph is next resolved; from then
    on each notice's keys come and go with it."""
    archive, out = distinct_copies(tmp_path / "in", ARCHIVE), tmp_path / "out"
    run([str(archive)], out)
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as connection:
        taken_back_to(connection, 10)
    a_day_passes(archive)
    run([str(archive)], out)
    assert not migrated_by_rebuilding(out)
    assert_as_fresh(out, archive, tmp_path / "fresh")  # the keys among the tables compared
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as connection:
        orphans = "SELECT count(*) FROM notice_keys WHERE node NOT IN (SELECT id FROM notices)"
        keyless = """SELECT count(*) FROM notices WHERE id NOT IN (SELECT node FROM notice_keys)
                     AND (coalesce(doc_number, '') != '' OR coalesce(title, '') != '')"""  # which have keys to give
        assert [connection.execute(query).fetchone()[0] for query in (orphans, keyless)] == [0, 0]


def taken_back_to(connection: sqlite3.Connection, version: int) -> None:
    """The database as version `version` of the schema left it, the migrations after it undone."""
    for migration in range(len(store.MIGRATIONS), version, -1):
        for statement in UNDO_MIGRATION[migration]:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()


def migrated_by_rebuilding(out: Path) -> bool:
    """Whether the run set the database aside, as it does one that no migration brings up to date."""
    return (out / (store.DATABASE_NAME + SET_ASIDE_SUFFIX)).exists()


def test_every_migration_tested_from_an_older_database_can_be_undone() -> None:
    """A migration added later must say how to undo it here, or the tests of older databases
    would migrate a database that already has what the migration adds, and fail to."""
    assert sorted(UNDO_MIGRATION) == list(range(10, len(store.MIGRATIONS) + 1))
