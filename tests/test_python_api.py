"""The Python API gives a program what the command line gives it, as typed models: the
records a run writes, the summary it prints, the answers the query commands print with
--json, and their refusals as exceptions; and `import policygraph` loads none of it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

import policygraph
from graph import query
from graph.answers import FactRow, Rollout, SearchHit, ShownDocument, WalkStep
from policygraph.cli import main
from schema import NoticeRecord
from schema.codec import plain
from tests.conftest import CORPUS, SHARED
from tests.test_fuzz import pdf_file_of, word_file_of
from tests.test_html_docx import web_page

PROVINCIAL = "鲁医保函〔2024〕28号"
CITY = "聊医保函〔2024〕13号"
LIAONING = "辽医保〔2022〕80号"
SHANXI = "晋医保发〔2021〕22号"
CHONGQING = "sha256:1f5224b1341eb1b3"  # a notice without a 发文字号
SHANXI_TEXT = (CORPUS / "003_0cd56fd91030d65d.txt").read_text(encoding="utf-8")
WEB_REPOST = SHARED / "corpus-web" / "web_11.txt"  # a traditional repost amid site debris
HEAVY_MODULES = ("graph.query", "opencc", "pydantic", "spacy", "policygraph.pipeline")


# (file name, its bytes, the ids of the records a run writes for it)
FILES = [
    ("000_61ff265ac555f13c.txt", (CORPUS / "000_61ff265ac555f13c.txt").read_bytes(), [CITY, PROVINCIAL]),
    ("001_5bd8d455ddfe790f.txt", (CORPUS / "001_5bd8d455ddfe790f.txt").read_bytes(), [LIAONING]),
    ("002_3c2483d3016c1a44.txt", (CORPUS / "002_3c2483d3016c1a44.txt").read_bytes(), [CHONGQING]),
    ("003_0cd56fd91030d65d.txt", SHANXI_TEXT.encode(), [SHANXI]),
    ("shanxi.html", web_page("003_0cd56fd91030d65d", "gb2312"), [SHANXI]),
    ("shanxi.docx", word_file_of(SHANXI_TEXT), [SHANXI]),
    ("shanxi.pdf", pdf_file_of(SHANXI_TEXT), [SHANXI]),
    ("repeated.txt", "\n\n".join([SHANXI_TEXT] * 3).encode(), [SHANXI]),  # one record, its repeats copies
]


def written_by_run(tmp_path: Path, name: str, data: bytes) -> tuple[Path, list[dict]]:
    """The file, and the lines notices.jsonl holds after a run over it alone."""
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(data)
    policygraph.run(path, tmp_path / "out")
    lines = (tmp_path / "out" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    return path, [json.loads(line) for line in lines]


def cli_answer(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("name", "data", "ids"), FILES, ids=[name for name, _, _ in FILES])
def test_extract_gives_the_records_run_writes_for_the_same_file(
    tmp_path: Path, name: str, data: bytes, ids: list[str]
) -> None:
    path, lines = written_by_run(tmp_path, name, data)
    records = policygraph.extract(data, name=str(path))
    assert all(isinstance(record, NoticeRecord) for record in records)
    assert [plain(record) for record in records] == lines
    assert [record.id for record in records] == ids


def test_a_repeated_notice_is_extracted_as_one_record_with_its_repeats_as_copies() -> None:
    [record] = policygraph.extract("\n\n".join([SHANXI_TEXT] * 3), name="repeated.txt")
    assert [(copy.file, copy.start, copy.end) for copy in record.copies] == [
        ("repeated.txt", 3146, 6285),
        ("repeated.txt", 6290, 9429),
    ]
    assert (record.source.start, record.source.end) == (2, 3141)
    assert [fact.ratio for fact in record.prepayments] == [0.5, 0.3]


@pytest.mark.skipif(not WEB_REPOST.exists(), reason=f"the shared sets are not at {SHARED}")
def test_extract_reads_a_web_repost_as_run_does(tmp_path: Path) -> None:
    path, lines = written_by_run(tmp_path, WEB_REPOST.name, WEB_REPOST.read_bytes())
    [record] = policygraph.extract(WEB_REPOST.read_bytes(), name=str(path))
    assert plain(record) == lines[0]
    assert (record.id, record.script) == ("吕医保发〔2023〕28号", "traditional")


def test_text_is_extracted_as_its_utf8_bytes_from_an_unnamed_source() -> None:
    [record] = policygraph.extract(SHANXI_TEXT)
    assert record == policygraph.extract(SHANXI_TEXT.encode())[0]
    assert record.source.file == "<unnamed>"
    assert record.source.sha256 == hashlib.sha256(SHANXI_TEXT.encode()).hexdigest()
    assert (record.source.encoding, record.issue_date) == ("utf-8", date(2021, 12, 17))


BAD_FILES = [
    ("empty.txt", b"", "failed", "empty file"),
    ("binary.txt", b"\x00\x01" * 10, "failed", "binary file, not text: it contains NUL bytes and is not UTF-16"),
    ("page.pdf", b"<html><body>404</body></html>", "failed", "not a PDF: the name ends in .pdf but the file holds "
     "a web page, often the error page of a failed download; download it again"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "failed", None),
    ("no-notice.txt", "，".encode(), "failed", "no notice text found in the file"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "status", "reason"), BAD_FILES, ids=[name for name, *_ in BAD_FILES])
def test_bytes_without_a_notice_raise_cannot_read_with_the_reason_a_run_records(
    tmp_path: Path, name: str, data: bytes, status: str, reason: str | None
) -> None:
    path, lines = written_by_run(tmp_path, name, data)
    [entry] = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    with pytest.raises(policygraph.CannotRead) as refused:
        policygraph.extract(data, name=str(path))
    assert (refused.value.status, str(refused.value)) == (entry["status"], entry["error"])
    assert lines == [] and entry["status"] == status
    assert reason is None or entry["error"] == reason


def test_bytes_over_the_size_limit_are_refused_as_a_run_refuses_the_file() -> None:
    with pytest.raises(policygraph.CannotRead, match=r"^file too large: 20,971,521 bytes, the limit is 20,971,520"):
        policygraph.extract(bytes(20 * 1024 * 1024 + 1))


def test_run_summarises_as_the_command_does_and_a_rerun_finds_everything_unchanged(tmp_path: Path) -> None:
    first = policygraph.run([CORPUS], tmp_path / "out")
    again = policygraph.run(str(CORPUS), str(tmp_path / "out"))
    assert isinstance(first, policygraph.RunSummary)
    assert (first.files, first.notices, first.facts, first.failed, first.skipped, first.reused) == (5, 6, 47, 0, 0, 0)
    assert (again.files, again.notices, again.facts, again.reused) == (5, 6, 47, 5)


def test_run_into_a_file_raises_output_folder_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    with pytest.raises(policygraph.OutputFolderError, match=f"^the output folder {tmp_path / 'out'} is a file$"):
        policygraph.run(CORPUS, tmp_path / "out")


FACT_QUERIES = [
    ({"type": "prepayments"}, ["--type", "prepayments"]),
    ({"type": "prepayments", "since": "2022年1月1日"}, ["--type", "prepayments", "--since", "2022年1月1日"]),
    ({"type": "prepayments", "since": date(2021, 12, 17), "until": datetime(2021, 12, 17, 9, 30)},
     ["--type", "prepayments", "--since", "2021-12-17", "--until", "2021-12-17"]),
    ({"type": "self_pay_adjustments", "issuer": "山东"}, ["--type", "self_pay_adjustments", "--issuer", "山东"]),
    ({"type": "procurement_periods"}, ["--type", "procurement_periods"]),
]  # fmt: skip


@pytest.mark.parametrize(("asked", "argv"), FACT_QUERIES)
def test_facts_are_the_rows_the_command_prints_as_json(corpus_run: Path, capsys, asked: dict, argv: list) -> None:
    with policygraph.open(corpus_run) as database:
        rows = database.facts(**asked)
    assert all(isinstance(row, FactRow) for row in rows)
    assert [row.model_dump(mode="json") for row in rows] == cli_answer(capsys, "facts", *argv, "--out", str(corpus_run))


def test_facts_of_a_day_are_the_shanxi_notices_two_prepayments(corpus_run: Path) -> None:
    with policygraph.open(corpus_run) as database:
        rows = database.facts("prepayments", since="2021-12-17", until=date(2021, 12, 17))
    assert [(row.id, row.ratio, row.issue_date) for row in rows] == [
        (SHANXI, 0.5, date(2021, 12, 17)),
        (SHANXI, 0.3, date(2021, 12, 17)),
    ]


def test_a_date_in_no_form_the_command_reads_is_refused_with_its_message(corpus_run: Path) -> None:
    with policygraph.open(corpus_run) as database, pytest.raises(ValueError) as refused:
        database.facts("prepayments", since="2021/01/01")
    assert str(refused.value) == "'2021/01/01' is no date in a form read here: write YYYY-MM-DD or YYYY年M月D日"


@pytest.mark.parametrize("name", ["魯醫保函[2024]28號", CITY, CHONGQING])
def test_show_is_the_document_the_command_prints_as_json(corpus_run: Path, capsys, name: str) -> None:
    with policygraph.open(corpus_run) as database:
        shown = database.show(name)
    assert isinstance(shown, ShownDocument)
    assert shown.model_dump(mode="json", exclude_unset=True) == cli_answer(
        capsys, "show", name, "--out", str(corpus_run)
    )


def test_show_gives_the_facts_and_links_as_typed_fields(corpus_run: Path) -> None:
    with policygraph.open(corpus_run) as database:
        shown = database.show(PROVINCIAL)
    assert (shown.node, shown.in_corpus, shown.issue_date) == (PROVINCIAL, True, date(2024, 5, 22))
    assert [(link.node, link.relation) for link in shown.referenced_by] == [(CITY, "cites"), (CITY, "forwards")]
    assert shown.field_evidence["doc_number"].quote == PROVINCIAL


WALKS = [
    ("implementers", PROVINCIAL, [(CITY, 1, PROVINCIAL, "forwards")]),
    ("chain", CITY, [
        (PROVINCIAL, 1, CITY, "forwards"),
        ("ref:GH-HD2023-1", 2, PROVINCIAL, "implements"),
        ("ref:LH-HD2023-12", 2, PROVINCIAL, "implements"),
        ("ref:title:关于推进医用耗材集中带量采购医保资金结余留用工作的通知", 2, PROVINCIAL, "implements"),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("command", "name", "walked"), WALKS, ids=[command for command, *_ in WALKS])
def test_walks_are_the_steps_the_command_prints_as_json(
    corpus_run: Path, capsys, command: str, name: str, walked: list[tuple]
) -> None:
    with policygraph.open(corpus_run) as database:
        steps = getattr(database, command)(name)
    assert all(isinstance(step, WalkStep) for step in steps)
    assert [step.model_dump(mode="json") for step in steps] == cli_answer(
        capsys, command, name, "--out", str(corpus_run)
    )
    assert [(step.node, step.depth, step.via, step.relation) for step in steps] == walked


def test_rollout_is_the_table_the_command_prints_as_json(corpus_run: Path, capsys) -> None:
    with policygraph.open(corpus_run) as database:
        rollout = database.rollout("gh-hd2023-1")
    assert isinstance(rollout, Rollout)
    assert rollout.model_dump(mode="json") == cli_answer(capsys, "rollout", "GH-HD2023-1", "--out", str(corpus_run))
    assert [(row.province, row.city, row.doc_number) for row in rollout.rows] == [
        ("山东省", None, "鲁医保函〔2024〕28号"),
        ("山东省", "聊城市", "聊医保函〔2024〕13号"),
    ]
    assert len(rollout.missing) == 30


def test_search_is_the_hits_the_command_prints_as_json(corpus_run: Path, capsys) -> None:
    with policygraph.open(corpus_run) as database:
        hits = database.search("冠脉支架 接续")
    assert all(isinstance(hit, SearchHit) for hit in hits)
    assert [hit.model_dump(mode="json") for hit in hits] == cli_answer(
        capsys, "search", "冠脉支架", "接续", "--out", str(corpus_run)
    )
    assert [(hit.id, hit.issue_date) for hit in hits] == [(LIAONING, date(2022, 12, 26))]


def test_a_name_of_several_documents_is_ambiguous_and_of_none_not_found(corpus_run: Path) -> None:
    assert (policygraph.Ambiguous, policygraph.NotFound) == (query.Ambiguous, query.NotFound)
    with policygraph.open(corpus_run) as database:
        with pytest.raises(policygraph.Ambiguous) as ambiguous:
            database.show("集中带量采购")
        with pytest.raises(
            policygraph.NotFound, match=r"^no notice or referenced document matches '沪医保〔2099〕1号'$"
        ):
            database.chain("沪医保〔2099〕1号")
    assert {candidate.node for candidate in ambiguous.value.candidates} >= {PROVINCIAL, SHANXI}
    assert len(ambiguous.value.candidates) == 4


def test_open_on_a_folder_without_a_database_says_to_run_first(tmp_path: Path) -> None:
    with pytest.raises(policygraph.NoDatabase) as refused:
        policygraph.open(tmp_path)
    assert isinstance(refused.value, FileNotFoundError)
    database = tmp_path / "policygraph.sqlite"
    assert str(refused.value) == f"no database at {database}: run `policygraph run … --out {tmp_path}` first"
    assert not database.exists()


def test_a_damaged_database_raises_and_is_no_longer_vouched_for(tmp_path: Path) -> None:
    policygraph.run(CORPUS, tmp_path)
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 16  # begins as a database does
    (tmp_path / "policygraph.sqlite").write_bytes(damaged)
    with pytest.raises(sqlite3.DatabaseError, match=r"^file is not a database$"):
        policygraph.open(tmp_path)
    assert not (tmp_path / ".state.json").exists()
    policygraph.run(CORPUS, tmp_path)  # makes it again, rather than finding it current
    assert (tmp_path / "policygraph.sqlite.broken").read_bytes() == damaged
    with policygraph.open(tmp_path) as database:
        assert database.show(PROVINCIAL).node == PROVINCIAL


def test_the_connection_closes_with_the_block(corpus_run: Path) -> None:
    with policygraph.open(corpus_run) as database:
        assert database.search("冠脉支架")
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        database.search("冠脉支架")


def test_import_policygraph_loads_nothing_heavy_until_a_name_is_used() -> None:
    loaded = (
        "import sys, policygraph; policygraph.run; policygraph.open; "
        f"print([name for name in {HEAVY_MODULES!r} if name in sys.modules])"
    )
    child = subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True, timeout=60, check=True)
    assert child.stdout.strip() == "[]"
    assert set(policygraph.__all__) <= set(dir(policygraph))
    with pytest.raises(AttributeError, match="has no attribute 'nothing_such'"):
        policygraph.nothing_such  # noqa: B018
