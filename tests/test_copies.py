"""Copies of one notice are one record; two texts claiming one number are both kept and
flagged; and what a run writes does not depend on what earlier runs over the folder saw."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph import query
from graph.store import DATABASE_NAME, connect
from policygraph.pipeline import RunOptions, run
from policygraph.web.app import create_app
from tests.conftest import CORPUS

SHANXI = (CORPUS / "003_0cd56fd91030d65d.txt").read_text(encoding="utf-8")
NUMBER = "晋医保发〔2021〕22号"
GENUINE_RATIO = "药品按医疗机构年度约定采购金额的50%预付给医疗机构"
FORGED = SHANXI.replace(GENUINE_RATIO, GENUINE_RATIO.replace("50%", "90%"))
# Cut off after the prepayment paragraph, as mirror sites cut long notices.
CUT_OFF = SHANXI[: SHANXI.index("逐步冲抵预付金。") + len("逐步冲抵预付金。")]
OUTPUTS = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json")


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]


def manifest(out: Path) -> dict[str, dict]:
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    return {Path(entry["path"]).name: entry for entry in files}


def written(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_cut_off_repost_is_a_copy_and_the_whole_notice_supplies_the_fields(tmp_path: Path) -> None:
    folder = written(tmp_path / "in", {"a-mirror.txt": CUT_OFF, "b-portal.txt": SHANXI})
    run([str(folder)], tmp_path / "out")
    [record] = records(tmp_path / "out")
    assert record["id"] == NUMBER and record["conflicts"] == []
    assert Path(record["source"]["file"]).name == "b-portal.txt"
    assert [Path(copy["file"]).name for copy in record["copies"]] == ["a-mirror.txt"]
    assert record["copies"][0]["end"] - record["copies"][0]["start"] < record["source"]["end"]
    assert [fact["ratio"] for fact in record["prepayments"]] == [0.5, 0.3]
    entries = manifest(tmp_path / "out")
    assert entries["a-mirror.txt"]["notices"] == entries["b-portal.txt"]["notices"] == [NUMBER]
    assert entries["a-mirror.txt"]["status"] == "ok" and not entries["a-mirror.txt"]["conflict"]


def test_a_forged_text_claiming_the_number_never_replaces_the_genuine_one(tmp_path: Path) -> None:
    folder = written(tmp_path / "in", {"genuine.txt": SHANXI, "forged.txt": FORGED})
    run([str(folder)], tmp_path / "out")
    by_file = {Path(record["source"]["file"]).name: record for record in records(tmp_path / "out")}
    genuine, forged = by_file["genuine.txt"], by_file["forged.txt"]
    assert genuine["id"].startswith(f"{NUMBER}#") and forged["id"].startswith(f"{NUMBER}#")
    assert len({genuine["id"], forged["id"]}) == 2 and len(genuine["id"]) == len(NUMBER) + 9
    assert (genuine["conflicts"], forged["conflicts"]) == ([forged["id"]], [genuine["id"]])
    assert [fact["ratio"] for fact in genuine["prepayments"]] == [0.5, 0.3]
    assert [fact["ratio"] for fact in forged["prepayments"]] == [0.9, 0.3]
    assert {name: entry["conflict"] for name, entry in manifest(tmp_path / "out").items()} == {
        "forged.txt": True,
        "genuine.txt": True,
    }
    nodes = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))["nodes"]
    assert {genuine["id"], forged["id"]} <= {node["id"] for node in nodes}


def test_a_file_of_one_notice_repeated_is_one_record_with_every_other_repeat_a_copy(tmp_path: Path) -> None:
    folder = written(tmp_path / "in", {"repeated.txt": "\n\n".join([SHANXI] * 30)})
    run([str(folder)], tmp_path / "out")
    [record] = records(tmp_path / "out")
    assert record["id"] == NUMBER and len(record["copies"]) == 29
    assert len({(copy["start"], copy["end"]) for copy in record["copies"]}) == 29
    assert manifest(tmp_path / "out")["repeated.txt"]["notices"] == [NUMBER] * 30


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ({"a.txt": SHANXI, "b.txt": CUT_OFF}, {"b.txt": CUT_OFF}),  # the record's file leaves: its copy stands in
        ({"a.txt": SHANXI}, {"a.txt": SHANXI, "b.txt": FORGED}),  # a forgery arrives
        ({"a.txt": SHANXI, "b.txt": FORGED}, {"a.txt": SHANXI}),  # the forgery leaves
        ({"a.txt": CUT_OFF, "b.txt": FORGED}, {"a.txt": SHANXI, "b.txt": FORGED}),  # a copy is completed
    ],
)
def test_a_rerun_after_files_come_and_go_writes_what_a_clean_run_writes(
    tmp_path: Path, first: dict[str, str], then: dict[str, str]
) -> None:
    folder = written(tmp_path / "in", first)
    run([str(folder)], tmp_path / "rerun")
    for path in folder.iterdir():
        path.unlink()
    written(folder, then)
    run([str(folder)], tmp_path / "rerun")
    run([str(folder)], tmp_path / "clean", RunOptions(force=True))
    for name in OUTPUTS:
        assert (tmp_path / "rerun" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


def test_the_notice_page_and_the_api_show_the_copies_and_the_conflict(tmp_path: Path) -> None:
    folder = written(tmp_path / "in", {"genuine.txt": SHANXI, "mirror.txt": CUT_OFF, "forged.txt": FORGED})
    run([str(folder)], tmp_path / "out")
    by_file = {Path(record["source"]["file"]).name: record for record in records(tmp_path / "out")}
    genuine, forged = by_file["genuine.txt"]["id"], by_file["forged.txt"]["id"]
    client = TestClient(create_app(tmp_path / "out" / DATABASE_NAME))
    shown = client.get(f"/api/documents/{quote(genuine, safe='')}").json()
    assert [copy["file"] for copy in shown["copies"]] == ["mirror.txt"]
    assert shown["conflicts"] == [forged]
    page = client.get(f"/notices/{quote(genuine, safe='')}").text
    assert "<li>mirror.txt</li>" in page
    assert f'<a href="/notices/{quote(forged, safe="")}">{forged}</a>' in page


SEARCHES = ("医保", "采购 通知", "%")


def database_content(out: Path) -> dict[str, list[tuple]]:
    """Every table's rows as queries see them: rowids are where SQLite put a row, not what it says."""
    tables = (
        "files", "notices", "facts", "references", "documents", "edges", "copies", "notice_keys", "strong_keys",
        "weak_keys", "decisive_weak_keys", "resolution",
    )  # fmt: skip
    with closing(connect(out / DATABASE_NAME)) as connection:
        return {table: sorted(map(tuple, connection.execute(f'SELECT * FROM "{table}"')), key=repr) for table in tables}


def search_answers(out: Path) -> list[list[str]]:
    with closing(connect(out / DATABASE_NAME)) as connection:
        return [[hit["id"] for hit in query.search(connection, words, 50)] for words in SEARCHES]


def test_a_rerun_database_answers_every_query_as_a_clean_one_does(tmp_path: Path) -> None:
    samples = sorted(CORPUS.glob("*.txt"))
    folder = written(tmp_path / "in", {path.name: path.read_text(encoding="utf-8") for path in samples})
    twin = samples[1].read_text(encoding="utf-8").replace("辽医保〔2022〕80号", "辽医保〔2022〕81号")
    written(folder, {"twin.txt": twin})  # issued the day sample 1 was: search must not order them by rowid
    run([str(folder)], tmp_path / "rerun")
    (folder / samples[0].name).unlink()
    (folder / samples[1].name).write_text(samples[1].read_text(encoding="utf-8") + "\n附件：中选结果\n", "utf-8")
    written(folder, {"late.txt": CUT_OFF, "later.txt": samples[0].read_text(encoding="utf-8")})
    run([str(folder)], tmp_path / "rerun")
    run([str(folder)], tmp_path / "clean")
    assert database_content(tmp_path / "rerun") == database_content(tmp_path / "clean")
    assert search_answers(tmp_path / "rerun") == search_answers(tmp_path / "clean")
    assert all(search_answers(tmp_path / "clean"))


def test_a_number_two_texts_claim_lists_both_to_choose_from(tmp_path: Path) -> None:
    folder = written(tmp_path / "in", {"genuine.txt": SHANXI, "forged.txt": FORGED})
    run([str(folder)], tmp_path / "out")
    client = TestClient(create_app(tmp_path / "out" / DATABASE_NAME))
    answer = client.get(f"/api/documents/{quote(NUMBER, safe='')}")
    assert answer.status_code == 300
    assert sorted(candidate["node"] for candidate in answer.json()["candidates"]) == sorted(
        record["id"] for record in records(tmp_path / "out")
    )
    page = client.get(f"/notices/{quote(NUMBER, safe='')}")
    assert page.status_code == 300 and page.text.count('<li><a href="/notices/') == 2


def _index_rows(out: Path) -> list[int]:
    """The text index's rows, which must be the notices' rows."""
    with closing(connect(out / DATABASE_NAME)) as connection:
        indexed = [rowid for (rowid,) in connection.execute("SELECT id FROM notice_words_docsize ORDER BY id")]
        assert indexed == [rowid for (rowid,) in connection.execute("SELECT rowid FROM notices ORDER BY rowid")]
        return indexed


def _found(out: Path, words: str) -> list[str]:
    with closing(connect(out / DATABASE_NAME)) as connection:
        return [hit["id"] for hit in query.search(connection, words)]


def test_a_notice_many_files_hold_is_indexed_for_search_once(tmp_path: Path, monkeypatch) -> None:
    """Its text-index row is written with the first file and kept when its copies are
    gathered; a text that wins over it is indexed in its place, and nothing stale stays."""
    texts = {f"mirror-{number}.txt": SHANXI for number in range(3)} | {"z-cut-off.txt": CUT_OFF}
    folded = []
    monkeypatch.setattr("graph.store.fold_case", lambda text: folded.append(text) or text.casefold())
    run([str(written(tmp_path / "in", texts))], tmp_path / "out")
    [record] = records(tmp_path / "out")
    assert len(record["copies"]) == 3 and folded.count(record["text"].replace("\0", "")) <= 1
    assert len(_index_rows(tmp_path / "out")) == 1
    assert _found(tmp_path / "out", "预付给医疗机构") == [NUMBER]
    written(tmp_path / "in", {"longer.txt": SHANXI + "\n附件：联系人及电话"})
    run([str(tmp_path / "in")], tmp_path / "out")
    assert len(_index_rows(tmp_path / "out")) == 1
    assert _found(tmp_path / "out", "联系人及电话") == [NUMBER]
