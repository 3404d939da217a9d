"""Read a PDF: the text of each page, the ruled tables of its attachments, and OCR for scans.

pdfium (pypdfium2) reads the text layer, several times faster than pdfminer, on which
pdfplumber builds. pdfium hands characters over in the order the page draws them, and
a header block is often drawn column by column, so lines are rebuilt from character
positions as pdfplumber builds them: one baseline is one line, read left to right, with
a space where a gap is wider than X_TOLERANCE. pdfplumber is kept for what needs its
layout analysis, the tables, and runs only on pages that draw lines or rectangles.

Debris that belongs to a page (running headers and footers, page numbers) is removed
here, while the page is still known. Pages are joined with "\f"; rejoining a sentence
that a page break cut in two is the normaliser's job.
"""

import ctypes
import functools
import io
import itertools
import math
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.lines import PAGE_NUMBER_FORMS
from ingest.source import DecodeError, NeedsOCR, SourceText, Table

MAX_PAGES = 500
PAGE_SEPARATOR = "\f"
PDF_EOF_MARKER = b"%%EOF"
PDF_EOF_WINDOW = 1024  # PDF readers look for %%EOF this close to the end of the file

PDF_TRUNCATED = "truncated PDF: no %%EOF marker at the end of the file; download it again"
PDF_CORRUPT = "corrupt PDF, cannot parse it: {detail}"
PDF_NO_PAGES = "PDF has no pages"
PDF_TOO_MANY_PAGES = "PDF has {pages:,} pages, the limit is {limit:,}"
PDF_NO_TEXT = "PDF has no text layer (scanned?); needs OCR"
PDF_UNMAPPED = "PDF text has no Unicode mapping (only (cid:N) glyph codes); needs OCR"
PDF_OCR_FOUND_NOTHING = "PDF has no usable text layer (scanned?) and OCR found no text in it"
OCR_FAILED = "OCR failed on page {page}: {detail}"
OCR_TIMED_OUT = "no result in {seconds} s"
# Why pdfium would not open a document, by its error code.
OPEN_FAILURES = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF: it needs a password to open",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF: unsupported encryption",
}
CORRUPT_DETAILS = {
    pdfium_c.FPDF_ERR_FORMAT: "not in PDF format or damaged",
    pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
}
UNKNOWN_DETAIL = "pdfium error {code}"
MAX_DETAIL_CHARS = 160

# Characters whose baselines differ by at most Y_TOLERANCE points share a line, and a gap
# wider than X_TOLERANCE points between two characters of a line is a space: pdfplumber's
# defaults, so that both read a page into the same lines.
Y_TOLERANCE = 3.0
X_TOLERANCE = 3.0
SPACE = " "
HYPHEN = "-"
HIGH_SURROGATES = range(0xD800, 0xDC00)
LOW_SURROGATES = range(0xDC00, 0xE000)

# Running headers and footers: a line among the first or last EDGE_LINES of a page that,
# with its numbers masked, stands there on at least RUNNING_SHARE of the pages (and on two).
# A line with more numbers than a page number and a page count is a table row, not a header.
EDGE_LINES = 2
RUNNING_SHARE = 0.5
MIN_RUNNING_PAGES = 2
MAX_RUNNING_NUMBERS = 2
# At the edge of a page, a bare number is a page number too.
EDGE_PAGE_NUMBER_FORMS = (*PAGE_NUMBER_FORMS, r"\d{1,4}")
_PAGE_NUMBER = re.compile("|".join(f"(?:{form})" for form in EDGE_PAGE_NUMBER_FORMS))
_NUMBER = re.compile(r"\d+")

# A table row is its header when at least MIN_HEADER_CELLS of its cells name a column with
# one of these words and no cell is a bare number.
HEADER_WORDS = (
    "序号",
    "产品",
    "药品",
    "通用名",
    "名称",
    "企业",
    "厂家",
    "规格",
    "型号",
    "剂型",
    "价格",
    "中选价",
    "单价",
)
MIN_HEADER_CELLS = 2
_NUMBER_CELL = re.compile(r"[\d.,，%％]+")
_CELL_LINE_BREAK = re.compile(r"\s*\n\s*")
_LATIN_LETTER = re.compile(r"[A-Za-z]")

TESSERACT = "tesseract"
OCR_LANGUAGE = "chi_sim"
OCR_DPI = 200  # a 16 pt character of an official document comes out 44 pixels high
# Page segmentation 6, one block read line by line across the page, reads a page as the
# text layer is read (issuer names side by side stay on one line); automatic segmentation
# (3) cut long title lines short and found nothing on a page of one line.
OCR_PAGE_SEGMENTATION = "6"
POINTS_PER_INCH = 72
OCR_SECONDS_PER_PAGE = 120


class Glyph(NamedTuple):
    char: str
    left: float
    right: float
    baseline: float


@dataclass(frozen=True)
class PageText:
    lines: list[str]
    mapped: int  # characters with a Unicode mapping
    unmapped: int  # glyph codes without one
    ruled: bool  # the page draws lines or rectangles, so it may hold a table


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> SourceText:
    """The text of a PDF, pages joined with "\\f", and its tables; a scan is OCR'd when tesseract can."""
    if PDF_EOF_MARKER not in data[-PDF_EOF_WINDOW:]:
        raise DecodeError(PDF_TRUNCATED)  # pdfium rebuilds a lost xref and would read half a file
    document = _open(data)
    try:
        page_count = len(document)
        if not page_count:
            raise DecodeError(PDF_NO_PAGES)
        if page_count > max_pages:
            raise DecodeError(PDF_TOO_MANY_PAGES.format(pages=page_count, limit=max_pages))
        pages = [_read_page(page) for page in _pages(document)]
        missing_text = _missing_text_reason(pages)
        if missing_text:
            return _ocr(document, missing_text)
    except pdfium.PdfiumError as err:
        raise DecodeError(_corrupt(err)) from err
    finally:
        document.close()
    text = _join_pages(_without_running_lines([page.lines for page in pages]))
    ruled_pages = [number for number, page in enumerate(pages, start=1) if page.ruled]
    return SourceText(text, "pdf", page_count, _read_tables(data, ruled_pages))


@functools.cache
def can_ocr() -> bool:
    """tesseract is on PATH and has the simplified-Chinese model (asked once a process)."""
    if shutil.which(TESSERACT) is None:
        return False
    try:
        listing = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return OCR_LANGUAGE in (listing.stdout + listing.stderr).split()  # older versions list on stderr


def _open(data: bytes) -> pdfium.PdfDocument:
    """Open with pdfium's own call: pypdfium2 reports a document without pages with pdfium's
    last error, which may be left over from an earlier file. pdfium reads `data` in place,
    so the caller keeps it alive while the document is open."""
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        detail = CORRUPT_DETAILS.get(code, UNKNOWN_DETAIL.format(code=code))
        raise DecodeError(OPEN_FAILURES.get(code) or PDF_CORRUPT.format(detail=detail))
    return pdfium.PdfDocument(raw)


def _corrupt(err: Exception) -> str:
    detail = " ".join(f"{type(err).__name__}: {err}".split())
    return PDF_CORRUPT.format(detail=detail[:MAX_DETAIL_CHARS])


def _pages(document: pdfium.PdfDocument) -> Iterator[pdfium.PdfPage]:
    """Each page, closed once read: a long PDF is not held in memory page by page."""
    for index in range(len(document)):
        page = document[index]
        try:
            yield page
        finally:
            page.close()


def _read_page(page: pdfium.PdfPage) -> PageText:
    textpage = page.get_textpage()  # held here: its finalizer closes the raw handle
    glyphs, unmapped = _glyphs(textpage.raw)  # pypdfium2's wrapper would cost a call on each use
    ruled = any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)))
    mapped = sum(glyph.char != SPACE for glyph in glyphs)
    return PageText(_lines(glyphs), mapped, unmapped, ruled)


def _glyphs(textpage: pdfium_c.FPDF_TEXTPAGE) -> tuple[list[Glyph], int]:
    """The characters drawn, with their positions, and the count of glyphs without a Unicode mapping."""
    glyphs: list[Glyph] = []
    unmapped = 0
    box, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    index, count = 0, pdfium_c.FPDFText_CountChars(textpage)
    while index < count:
        char, width = _char_at(textpage, index, count)
        if char is None:
            unmapped += 1
        elif char:
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
            glyphs.append(Glyph(char, box.left, box.right, y.value))
        index += width
    return glyphs, unmapped


def _char_at(textpage: pdfium_c.FPDF_TEXTPAGE, index: int, count: int) -> tuple[str | None, int]:
    """The character drawn at `index` ("" for none, None for a glyph without Unicode) and how many
    of pdfium's characters it takes.

    The spaces and line breaks pdfium adds where it guesses a word or a line ends are
    dropped: lines and gaps are measured instead. A space the page draws is kept, as
    pdfplumber keeps it, since it may be narrower than a gap. pdfium turns a hyphen that
    ends a line into a control code; it is a hyphen again here, as in a code such as
    GH-HD2023-1 broken after GH-. A character beyond the BMP comes as two surrogates.
    """
    if pdfium_c.FPDFText_HasUnicodeMapError(textpage, index):
        return None, 1
    code = pdfium_c.FPDFText_GetUnicode(textpage, index)
    if code in HIGH_SURROGATES and index + 1 < count:
        low = pdfium_c.FPDFText_GetUnicode(textpage, index + 1)
        if low in LOW_SURROGATES:
            return _join_surrogates(code, low), 2
    char = chr(code)
    if char.isspace():
        return ("" if pdfium_c.FPDFText_IsGenerated(textpage, index) else SPACE), 1
    if char.isprintable():
        return char, 1
    return (HYPHEN if pdfium_c.FPDFText_IsHyphen(textpage, index) else ""), 1


def _join_surrogates(high: int, low: int) -> str:
    return (chr(high) + chr(low)).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _lines(glyphs: list[Glyph]) -> list[str]:
    """Lines top to bottom, each read left to right; a run of close baselines is one line."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda glyph: -glyph.baseline):
        if rows and rows[-1][-1].baseline - glyph.baseline <= Y_TOLERANCE:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    lines = (_line_text(sorted(row, key=lambda glyph: glyph.left)) for row in rows)
    return [line for line in lines if line]  # a row of drawn spaces is no line


def _line_text(row: list[Glyph]) -> str:
    """Words end at a drawn space or a gap wider than X_TOLERANCE and are joined by one space."""
    parts = [row[0].char]
    for before, glyph in itertools.pairwise(row):
        if glyph.left - before.right > X_TOLERANCE:
            parts.append(SPACE)
        parts.append(glyph.char)
    return SPACE.join("".join(parts).split())


def _missing_text_reason(pages: list[PageText]) -> str | None:
    mapped = sum(page.mapped for page in pages)
    unmapped = sum(page.unmapped for page in pages)
    if not mapped and not unmapped:
        return PDF_NO_TEXT
    if unmapped > mapped:
        return PDF_UNMAPPED
    return None


def _join_pages(pages: list[list[str]]) -> str:
    return PAGE_SEPARATOR.join("\n".join(lines) for lines in pages)


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Each page without its running header and footer and its page number."""
    running_heads = _running_lines((lines[:EDGE_LINES] for lines in pages), len(pages))
    running_feet = _running_lines((lines[-EDGE_LINES:] for lines in pages), len(pages))
    return [_trim_edges(lines, running_heads, running_feet) for lines in pages]


def _running_lines(edges: Iterable[list[str]], page_count: int) -> set[str]:
    """The masked lines that stand at this edge of enough pages to be running headers (or footers)."""
    pages_per_line = Counter(line for edge in edges for line in {_masked(line) for line in edge})
    needed = max(MIN_RUNNING_PAGES, math.ceil(RUNNING_SHARE * page_count))
    return {
        line for line, count in pages_per_line.items() if count >= needed and line.count("#") <= MAX_RUNNING_NUMBERS
    }


def _masked(line: str) -> str:
    """The line without spaces and with each number as #: the running header of every page reads the same."""
    return _NUMBER.sub("#", "".join(line.split()))


def _trim_edges(lines: list[str], running_heads: set[str], running_feet: set[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < min(EDGE_LINES, end) and _is_page_debris(lines[start], running_heads):
        start += 1
    while len(lines) - end < EDGE_LINES and end > start and _is_page_debris(lines[end - 1], running_feet):
        end -= 1
    return lines[start:end]


def _is_page_debris(line: str, running: set[str]) -> bool:
    return _masked(line) in running or _PAGE_NUMBER.fullmatch(line.strip()) is not None


def _ocr(document: pdfium.PdfDocument, missing_text: str) -> SourceText:
    """Read a scan's pages with tesseract, or say that it needs OCR when tesseract cannot."""
    if not can_ocr():
        raise NeedsOCR(missing_text)
    pages = [_ocr_page(page, number) for number, page in enumerate(_pages(document), start=1)]
    if not any(pages):
        raise DecodeError(PDF_OCR_FOUND_NOTHING)
    return SourceText(_join_pages(_without_running_lines(pages)), "pdf-ocr", len(pages))


def _ocr_page(page: pdfium.PdfPage, number: int) -> list[str]:
    image = page.render(scale=OCR_DPI / POINTS_PER_INCH, grayscale=True).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG")
    command = [TESSERACT, "stdin", "stdout", "-l", OCR_LANGUAGE, "--dpi", str(OCR_DPI), "--psm", OCR_PAGE_SEGMENTATION]
    try:
        result = subprocess.run(command, input=png.getvalue(), capture_output=True, timeout=OCR_SECONDS_PER_PAGE)
    except subprocess.TimeoutExpired as err:
        detail = OCR_TIMED_OUT.format(seconds=OCR_SECONDS_PER_PAGE)
        raise DecodeError(OCR_FAILED.format(page=number, detail=detail)) from err
    if result.returncode:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[:MAX_DETAIL_CHARS]
        raise DecodeError(OCR_FAILED.format(page=number, detail=detail))
    text = result.stdout.decode("utf-8", "replace")
    return [line.strip() for line in text.splitlines() if line.strip()]  # tesseract ends a page with \f


def _read_tables(data: bytes, page_numbers: list[int]) -> tuple[Table, ...]:
    """The tables on the ruled pages.

    pdfminer (under pdfplumber) is stricter than pdfium: a PDF whose text pdfium has read
    is not failed because pdfminer cannot find its tables, whatever it raises.
    """
    if not page_numbers:
        return ()
    try:
        with pdfplumber.open(io.BytesIO(data), pages=page_numbers) as pdf:
            pieces = [piece for page in pdf.pages for piece in _page_tables(page)]
    except Exception:
        return ()
    return _join_continued(pieces)


def _page_tables(page: pdfplumber.page.Page) -> list[Table]:
    """The page's tables, each under its header row; rows above a header are a caption inside the grid."""
    try:
        tables = []
        for cells in page.extract_tables():
            rows = [row for row in (tuple(_clean_cell(cell) for cell in row) for row in cells) if any(row)]
            header_at = next((index for index, row in enumerate(rows) if _is_header(row)), None)
            if header_at is None and rows:
                tables.append(Table(page.page_number, (), tuple(rows)))
            elif header_at is not None:
                tables.append(Table(page.page_number, rows[header_at], tuple(rows[header_at + 1 :])))
        return tables
    finally:
        page.close()


def _clean_cell(cell: str | None) -> str:
    """A merged cell is None; a cell's text wrapped over lines is one string again."""
    return _CELL_LINE_BREAK.sub(_wrapped_line_joint, (cell or "").strip())


def _wrapped_line_joint(match: re.Match[str]) -> str:
    """Hanzi and numbers run on without a space; two Latin words keep one."""
    text, start, end = match.string, match.start(), match.end()
    between_words = _LATIN_LETTER.match(text[start - 1]) and _LATIN_LETTER.match(text[end])
    return " " if between_words else ""


def _is_header(row: tuple[str, ...]) -> bool:
    naming = sum(any(word in cell for word in HEADER_WORDS) for cell in row)
    return naming >= MIN_HEADER_CELLS and not any(_NUMBER_CELL.fullmatch(cell) for cell in row)


def _join_continued(pieces: list[Table]) -> tuple[Table, ...]:
    """One table per table, not per page.

    pdfplumber returns a table that runs over a page break as one table a page. The part
    on the next page is its first table, as wide, and has no header row or repeats it.
    """
    tables: list[Table] = []
    previous_page = 0
    for piece in pieces:
        if tables and _continues(tables[-1], previous_page, piece):
            table = tables[-1]
            tables[-1] = Table(table.page, table.header, table.rows + piece.rows)
        else:
            tables.append(piece)
        previous_page = piece.page
    return tuple(tables)


def _continues(table: Table, previous_page: int, piece: Table) -> bool:
    return piece.page == previous_page + 1 and piece.header in ((), table.header) and _width(piece) == _width(table)


def _width(table: Table) -> int:
    return len(table.header or table.rows[0])
