"""Text-layer PDFs of generated notices, drawn with reportlab's built-in CID font."""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpus import generate

LINES_PER_PAGE = 40
CHARACTERS_PER_LINE = 36


def write_pdfs(folder: Path, count: int) -> list[Path]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for notice in generate(count, seed=3):
        path = folder / notice.name.replace(".txt", ".pdf")
        page = canvas.Canvas(str(path))
        lines = [chunk for line in notice.text.splitlines() for chunk in _wrapped(line)]
        for start in range(0, len(lines), LINES_PER_PAGE):
            page.setFont("STSong-Light", 11)
            for number, line in enumerate(lines[start : start + LINES_PER_PAGE]):
                page.drawString(50, 800 - 19 * number, line)
            page.showPage()
        page.save()
        paths.append(path)
    return paths


def _wrapped(line: str) -> list[str]:
    return [line[i : i + CHARACTERS_PER_LINE] for i in range(0, len(line), CHARACTERS_PER_LINE)] or [""]
