"""Notices drawn as text-layer PDFs the way GB/T 9704 lays them out: 28 characters a line,
22 lines a page, a running header and a `— N —` page number, with reportlab's built-in
CID font (no font file needed). The benchmark times these; the tests check that a
notice read back from its PDF gives the same facts as its text."""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpus import generate

CHARACTERS_PER_LINE = 28
LINES_PER_PAGE = 22
FONT = "STSong-Light"


def render_pdf(text: str, path: Path, running_header: str = "医疗保障局文件") -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    lines = [chunk for line in text.splitlines() for chunk in _wrapped(line.strip())]
    page = canvas.Canvas(str(path))
    for number, first in enumerate(range(0, len(lines), LINES_PER_PAGE), start=1):
        page.setFont(FONT, 9)
        page.drawString(250, 810, running_header)
        page.setFont(FONT, 15)
        for row, line in enumerate(lines[first : first + LINES_PER_PAGE]):
            page.drawString(70, 760 - 31 * row, line)
        page.setFont(FONT, 10)
        page.drawString(285, 40, f"— {number} —")
        page.showPage()
    page.save()
    return path


def write_pdfs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render_pdf(notice.text, folder / notice.name.replace(".txt", ".pdf")) for notice in generate(count, seed=3)]


def _wrapped(line: str) -> list[str]:
    return [line[i : i + CHARACTERS_PER_LINE] for i in range(0, len(line), CHARACTERS_PER_LINE)] or [""]
