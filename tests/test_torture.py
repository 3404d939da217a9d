"""A batch of hostile and broken files beside good ones: the run finishes, every file is in
the manifest with the right status, and the good files' outputs are as without the bad."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest.pdf import can_ocr
from policygraph import pipeline
from policygraph.pipeline import RunOptions, run
from tests.conftest import CORPUS
from tests.test_pdf_limits import MEGABYTE, flate_of_zeros, pdf_of_streams

OUTPUTS = ("notices.jsonl", "graph.json", "graph.graphml")
FIFTY_MEGABYTES = 50 * 1024 * 1024


def _pdf(path: Path, draw, **canvas_options) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), **canvas_options)
    draw(page)
    page.save()


def _write_text(page) -> None:
    page.setFont("STSong-Light", 12)
    page.drawString(50, 800, "各市医疗保障局：采购周期为2年。")


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))


def _bad_files(folder: Path) -> dict[str, str]:
    """Writes the bad files; returns each one's expected status."""
    folder.mkdir()
    good_pdf = folder / "source.pdf"
    _pdf(good_pdf, _write_text)
    pdf_bytes = good_pdf.read_bytes()
    good_pdf.unlink()
    scan_status = "failed" if can_ocr() else "needs_ocr"
    files: dict[str, tuple[bytes | None, str]] = {
        "empty.txt": (b"", "failed"),
        "whitespace.txt": (b" \n\t\n\xe3\x80\x80\n", "failed"),
        "binary.txt": (bytes(range(256)) * 64, "failed"),
        "invalid-utf8.txt": (b"\x80\x81\xfe\xff\xc0\xc1" * 200, "failed"),
        "no-chinese.txt": (b"hello world, this is not a notice\n", "failed"),
        "only-debris.txt": ("????\n**\n[bookmark: _GoBack]\n— 2 —\n".encode(), "failed"),
        "truncated.pdf": (pdf_bytes[: len(pdf_bytes) // 2], "failed"),
        "html-named.pdf": (b"<html><body>404 Not Found</body></html>", "failed"),
        "old-word.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "failed"),
        "not-a-zip.docx": (b"this is not a zip file", "failed"),
        "empty.html": (b"", "failed"),
        "picture.png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "skipped"),
        "unreadable.txt": (bytes(range(256)) * 4, "failed"),
        "encrypted.pdf": (None, "failed"),
        "scan.pdf": (None, scan_status),
        "bomb.docx": (None, "failed"),
        "huge.txt": (None, "failed"),
        "broken-link.txt": (None, "failed"),
        "loop": (None, "skipped"),
        "pipe.txt": (None, "failed"),
        "zero.txt": (None, "failed"),
        "link-a.txt": (None, "failed"),
        "link-b.txt": (None, "failed"),
        "fake.pdf": (b"%PDF-1.7 fake", "failed"),
        "flate-bomb.pdf": (pdf_of_streams(flate_of_zeros(300 * MEGABYTE)), "failed"),
    }
    for name, (content, _) in files.items():
        if content is not None:
            (folder / name).write_bytes(content)
    _pdf(folder / "encrypted.pdf", _write_text, encrypt="secret")
    _pdf(folder / "scan.pdf", lambda page: page.rect(100, 100, 300, 300, fill=1))
    _zip_bomb(folder / "bomb.docx")
    with (folder / "huge.txt").open("wb") as stream:
        stream.truncate(FIFTY_MEGABYTES)
    (folder / "broken-link.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "link-a.txt").symlink_to(folder / "link-b.txt")
    (folder / "link-b.txt").symlink_to(folder / "link-a.txt")
    (folder / "unreadable.txt").chmod(0)
    return {name: status for name, (_, status) in files.items()}


@pytest.fixture(scope="module")
def torture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    pytest.importorskip("reportlab")
    root = tmp_path_factory.mktemp("torture")
    good = root / "good"
    good.mkdir()
    for name in ("000_61ff265ac555f13c.txt", "002_3c2483d3016c1a44.txt"):
        shutil.copy(CORPUS / name, good / name)
    expected = _bad_files(root / "bad")
    yield good, root / "bad", expected
    (root / "bad" / "unreadable.txt").chmod(0o600)


def test_every_bad_file_has_its_status_and_a_reason(torture, tmp_path: Path) -> None:
    good, bad, expected = torture
    summary = run([str(good), str(bad)], tmp_path / "out")
    entries = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    statuses = {Path(entry["path"]).name: entry["status"] for entry in entries}
    assert statuses == {**expected, "000_61ff265ac555f13c.txt": "ok", "002_3c2483d3016c1a44.txt": "ok"}
    reasons = {Path(entry["path"]).name: entry["error"] for entry in entries if entry["status"] != "ok"}
    assert all(reason and "\n" not in reason and not reason.startswith("internal error") for reason in reasons.values())
    assert reasons["empty.txt"] == reasons["empty.html"] == "empty file", "a message names no other file"
    assert len(expected) >= 15
    assert summary.notices == 3


def test_good_outputs_are_as_without_the_bad_files(torture, tmp_path: Path) -> None:
    good, bad, _ = torture
    run([str(good)], tmp_path / "alone")
    run([str(good), str(bad)], tmp_path / "with-bad")
    for name in OUTPUTS:
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "with-bad" / name).read_bytes(), name


HOSTILE_NOTICE = """{issuer}
{number}
关于执行集中带量采购中选结果的通知
各医疗机构：
{body}
{issuer}
2024年6月1日
"""
# Notices a hostile or unlucky source writes: each is read, none fails the file or the batch,
# and each takes no longer than an ordinary notice.
HOSTILE_BODIES = {
    "implausible.txt": "医保基金预付比例为120%。中选产品居民自付比例下降150%。采购周期为0年。",
    "issuer-run.txt": "医疗保障局" * 40,
    "period-run.txt": "采购周期为2年" * 2000,
    "numbers.txt": "、".join(f"鲁医保函〔2024〕{number}号" for number in range(1, 4001)) + "。",
    "no-stop.txt": "医保基金按不低于年度约定采购金额的百分之三十预付给医疗机构" * 4000,
}


def _hostile_notice(number: int, body: str) -> str:
    return HOSTILE_NOTICE.format(issuer="测试市医疗保障局", number=f"测医保〔2024〕{number}号", body=body)


def _hostile_notices(folder: Path) -> list[Path]:
    """HOSTILE_BODIES, a notice under a GBK file name, and a page declaring charset=base64."""
    folder.mkdir()
    for number, (name, body) in enumerate(HOSTILE_BODIES.items(), start=1):
        (folder / name).write_text(_hostile_notice(number, body), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), "中文.txt".encode("gbk")), "wb") as stream:
        stream.write(_hostile_notice(90, "采购周期为2年。").encode())
    paragraphs = "".join(f"<p>{line}</p>" for line in _hostile_notice(91, "采购周期为3年。").splitlines())
    page = f"<html><head><meta charset=base64></head><body>{paragraphs}</body></html>"
    (folder / "charset.html").write_bytes(page.encode("gbk"))
    return sorted(folder.iterdir())


def test_hostile_notices_are_read_beside_good_ones_whose_records_stay_the_same(torture, tmp_path: Path) -> None:
    good, _, _ = torture
    hostile = _hostile_notices(tmp_path / "hostile")
    run([str(good)], tmp_path / "alone")
    summary = run([str(good), str(hostile[0].parent)], tmp_path / "with-hostile", RunOptions(seconds_per_file=20))
    entries = json.loads((tmp_path / "with-hostile" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert [(entry["status"], entry["error"]) for entry in entries] == [("ok", None)] * (len(hostile) + 2)
    assert summary.notices == 3 + len(hostile)
    lines = (tmp_path / "with-hostile" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    good_lines = [line for line in lines if f'"file":"{good}' in line]
    assert good_lines == (tmp_path / "alone" / "notices.jsonl").read_text(encoding="utf-8").splitlines()


def test_attachment_table_rows_reach_the_record(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from ingest.decode import decode_bytes
    from policygraph.records import notice_records

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "result.pdf"
    rows = [["序号", "产品名称", "生产企业", "规格型号", "中选价格（元）"], ["1", "人工晶体A", "某某公司", "单焦点", "1,200.00"]]
    table = Table(rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    source = decode_bytes(path.read_bytes(), path.name)
    (record,) = notice_records(source, str(path), "0" * 64)
    (row,) = record.attachment_rows
    assert (row.page, row.product, row.company, row.specification, row.price_yuan) == (
        1, "人工晶体A", "某某公司", "单焦点", 1200.0,
    )  # fmt: skip


def test_an_internal_error_is_one_line_in_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*_: object) -> None:
        raise ValueError("1 validation error for Prepayment\nratio\n  Input should be less than or equal to 1")

    monkeypatch.setattr(pipeline, "notice_records", fails)
    shutil.copy(CORPUS / "000_61ff265ac555f13c.txt", tmp_path / "notice.txt")
    run([str(tmp_path / "notice.txt")], tmp_path / "out")
    [entry] = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert entry["error"] == "internal error: ValueError: 1 validation error for Prepayment"
