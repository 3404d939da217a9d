"""`policygraph run` over good and bad files: every file accounted for, the batch never stops."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path, PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policygraph.cli import main
from policygraph.inputs import _suffix
from schema import FACT_FIELDS
from tests.conftest import CORPUS, file_records

NOTICE = (CORPUS / "001_5bd8d455ddfe790f.txt").read_text(encoding="utf-8")
TRADITIONAL = (CORPUS / "002_3c2483d3016c1a44.txt").read_text(encoding="utf-8")


def manifest(out: Path) -> dict[str, dict]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {Path(entry["path"]).name: entry for entry in data["files"]}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]


def comparable(record: dict, layout_free: bool = False) -> dict:
    """A record less what depends on the file rather than the notice: its source and the
    evidence offsets into that source. `layout_free` also leaves out the text and the
    offsets into it: where a page wraps a line right after 。, nothing tells a wrap from
    a paragraph end, so the text may keep a line break the typed file does not have."""
    dropped = ("source", "id", "text") if layout_free else ("source", "id")
    kept = {key: value for key, value in record.items() if key not in dropped}
    evidence_keys = ("quote",) if layout_free else ("quote", "start", "end")
    for name in FACT_FIELDS:
        for fact in kept[name]:
            fact["evidence"] = {key: fact["evidence"][key] for key in evidence_keys}
    kept["field_evidence"] = {
        name: {key: read[key] for key in ("element", *evidence_keys)} for name, read in kept["field_evidence"].items()
    }
    for region in kept["regions"]:
        if region["evidence"]:
            region["evidence"] = {key: region["evidence"][key] for key in ("element", *evidence_keys)}
    return kept


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "utf8.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "bom.txt").write_text(NOTICE, encoding="utf-8-sig")
    (folder / "sub" / "gbk.txt").write_bytes(NOTICE.encode("gb18030"))
    (folder / "utf16.txt").write_text(NOTICE, encoding="utf-16")
    (folder / "big5.txt").write_bytes(TRADITIONAL.replace("?", "").encode("big5", errors="strict"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_bad_files_are_reported_and_the_batch_goes_on(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(batch), "--out", str(out)]) == 0
    entries = manifest(out)
    assert {name: entry["status"] for name, entry in entries.items()} == {
        "utf8.txt": "ok",
        "bom.txt": "ok",
        "gbk.txt": "ok",
        "utf16.txt": "ok",
        "big5.txt": "ok",
        "empty.txt": "failed",
        "binary.txt": "failed",
        "broken.pdf": "failed",
        "picture.png": "skipped",
    }
    assert entries["empty.txt"]["error"].endswith("empty file")
    assert "binary" in entries["binary.txt"]["error"]
    assert all(entry["error"] for entry in entries.values() if entry["status"] != "ok")
    assert all(len(entry["sha256"]) == 64 for entry in entries.values() if entry["status"] != "skipped")


def test_every_encoding_gives_the_same_facts(batch: Path) -> None:
    readable = ("utf8.txt", "bom.txt", "gbk.txt", "utf16.txt", "big5.txt")
    by_file = {
        path.name: comparable(record)
        for name in readable
        for path in batch.rglob(name)
        for record in file_records(path)
    }
    assert by_file["bom.txt"] == by_file["utf8.txt"]
    assert by_file["gbk.txt"] == by_file["utf8.txt"]
    assert by_file["utf16.txt"] == by_file["utf8.txt"]
    assert by_file["big5.txt"]["effective_date"] == "2025-08-29"


def test_pdf_gives_the_same_facts_as_text(tmp_path: Path) -> None:
    reportlab = pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    del reportlab
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [
        "辽宁省医疗保障局文件",
        "辽医保〔2022〕80号",
        "关于执行国家组织冠脉支架集中带量采购期满接续中选结果的通知",
        "各市医疗保障局：",
        "全省医疗机构自2023年1月10日零时起统一执行。",
        "采购周期为三年。采购周期内，每年签订采购协议。",
        "非中选产品支付标准全省统一确定为1000元。",
        "辽宁省医疗保障局办公室",
        "2022年12月26日印发",
    ]
    pdf = tmp_path / "in" / "notice.pdf"
    pdf.parent.mkdir()
    page = canvas.Canvas(str(pdf))
    page.setFont("STSong-Light", 10)
    for number, line in enumerate(lines):
        page.drawString(40, 800 - 20 * number, line)
    page.save()
    (tmp_path / "in" / "notice.txt").write_text("\n\n".join(lines), encoding="utf-8")
    [from_pdf] = [comparable(record) for record in file_records(pdf)]
    [from_text] = [comparable(record) for record in file_records(pdf.with_suffix(".txt"))]
    assert from_pdf == from_text
    assert from_pdf["effective_date"] == "2023-01-10"
    assert [cap["amount_yuan"] for cap in from_pdf["price_caps"]] == [1000]


def test_nothing_processable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["run", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out")]) == 1
    assert manifest(tmp_path / "out")["empty.txt"]["status"] == "failed"


def test_unreadable_file_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    locked = tmp_path / "locked.txt"
    locked.write_text(NOTICE, encoding="utf-8")
    locked.chmod(0)
    main(["run", str(locked), "--out", str(tmp_path / "out")])
    assert manifest(tmp_path / "out")["locked.txt"]["status"] == "failed"


def test_summary_line(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", str(batch), "--out", str(tmp_path / "out")])
    assert capsys.readouterr().out.strip().startswith("9 files, 2 notices, "), "four encodings of one notice are one"


def test_every_sample_as_a_laid_out_pdf_gives_the_same_facts(tmp_path: Path) -> None:
    """Each sample drawn 28 characters a line with a running header and page numbers: the
    layout debris is gone and every wrapped line rejoined, so the records match field by field."""
    pytest.importorskip("reportlab")
    from benchmarks.pdfs import render_pdf

    texts, pdfs = tmp_path / "text", tmp_path / "pdf"
    texts.mkdir()
    pdfs.mkdir()
    for sample in sorted(CORPUS.glob("*.txt")):
        shutil.copy(sample, texts / sample.name)
        render_pdf(sample.read_text(encoding="utf-8"), pdfs / sample.name.replace(".txt", ".pdf"))
    main(["run", str(texts), "--out", str(tmp_path / "from-text")])
    main(["run", str(pdfs), "--out", str(tmp_path / "from-pdf")])
    from_text = [comparable(record, layout_free=True) for record in records(tmp_path / "from-text")]
    from_pdf = [comparable(record, layout_free=True) for record in records(tmp_path / "from-pdf")]
    assert len(from_pdf) == 6
    for text_record, pdf_record in zip(from_text, from_pdf, strict=True):
        assert pdf_record == text_record


@given(st.lists(st.sampled_from(["a", ".", "b", "/", "PDF", "txt", "公告"]), max_size=8))
def test_a_files_suffix_is_the_one_pathlib_gives(parts: list[str]) -> None:
    path = str(PurePath("folder/" + "".join(parts)))  # listed paths come normalized, as Path gives them
    assert _suffix(path) == PurePath(path).suffix
