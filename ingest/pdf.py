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

import collections
import contextlib
import ctypes
import functools
import io
import itertools
import logging
import math
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest import pdf_fonts
from ingest.lines import PAGE_NUMBER_FORMS
from ingest.pdf_guard import check_expansion
from ingest.source import DecodeError, NeedsOCR, SourceText, Table

# pdfminer warns on the console about fonts it cannot measure (a browser's printed page has
# many); what it cannot read costs only tables, which _read_tables already accounts for.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
# A font a PDF does not embed is stood in for by one of ours, never by the machine's fonts:
# the same text on every machine, and no 20 MB CJK font loaded for each page.
pdf_fonts.install()

MAX_PAGES = 500
PAGE_SEPARATOR = "\f"
PDF_EOF_MARKER = b"%%EOF"
PDF_EOF_WINDOW = 1024  # PDF readers look for %%EOF this close to the end of the file

PDF_TRUNCATED = "truncated PDF: the file stops before the PDF's end-of-file mark; download it again"
PDF_HEADER_ONLY = "not a PDF: the file starts as a PDF does but holds no PDF objects"
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")  # `12 0 obj`: what a PDF is made of
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
MAX_FORM_DEPTH = 15  # forms inside forms are searched for ruling lines this deep, as pypdfium2 does

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


@dataclass(frozen=True)
class PageText:
    lines: list[str]
    mapped: int  # characters with a Unicode mapping
    unmapped: int  # glyph codes without one
    ruled: bool  # the page draws lines or rectangles, so it may hold a table


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> SourceText:
    """The text of a PDF, pages joined with "\\f", and its tables; a scan is OCR'd when tesseract can."""
    if PDF_EOF_MARKER not in data[-PDF_EOF_WINDOW:]:  # pdfium rebuilds a lost xref and would read half a file
        raise DecodeError(PDF_TRUNCATED if PDF_OBJECT.search(data) else PDF_HEADER_ONLY)
    check_expansion(data)  # before pdfium or pdfminer inflates a decompression bomb into memory
    document = _open(data)
    try:
        page_count = len(document)
        if not page_count:
            raise DecodeError(PDF_NO_PAGES)
        if page_count > max_pages:
            raise DecodeError(PDF_TOO_MANY_PAGES.format(pages=page_count, limit=max_pages))
        pages = [_read_page(document, index) for index in range(page_count)]
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


# A page has hundreds of characters and pdfium is asked about each with calls of its own,
# on which ctypes spends longer than pdfium does. These calls are made cheaper three ways:
# no argument types are declared, so ctypes passes handles (ctypes pointers), indices
# (small ints) and out-parameters (pointers made by byref) as they are instead of checking
# them; the GIL is kept, as releasing and taking it again costs more than the call; and
# map() makes the calls for all characters without a Python frame for each.
def _quick(function, restype: type = ctypes.c_int):
    """pdfium's `function`, called without declared argument types and without releasing the GIL."""
    quick = ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)
    quick.argtypes = None
    return quick


_COUNT_CHARS = _quick(pdfium_c.FPDFText_CountChars)
_HAS_UNICODE_MAP_ERROR = _quick(pdfium_c.FPDFText_HasUnicodeMapError)
_GET_UNICODE = _quick(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_IS_GENERATED = _quick(pdfium_c.FPDFText_IsGenerated)
_IS_HYPHEN = _quick(pdfium_c.FPDFText_IsHyphen)
_GET_LOOSE_CHAR_BOX = _quick(pdfium_c.FPDFText_GetLooseCharBox)
_GET_CHAR_ORIGIN = _quick(pdfium_c.FPDFText_GetCharOrigin)
_PAGE_OBJECTS = (
    _quick(pdfium_c.FPDFPage_CountObjects),
    _quick(pdfium_c.FPDFPage_GetObject, pdfium_c.FPDF_PAGEOBJECT),
)
_FORM_OBJECTS = (
    _quick(pdfium_c.FPDFFormObj_CountObjects),
    _quick(pdfium_c.FPDFFormObj_GetObject, pdfium_c.FPDF_PAGEOBJECT),
)
_GET_OBJECT_TYPE = _quick(pdfium_c.FPDFPageObj_GetType)
RECT_LEFT, RECT_RIGHT, RECT_FIELDS = 0, 2, 4  # an FS_RECTF is four floats: left, top, right, bottom


class Glyphs(NamedTuple):
    """The characters drawn on a page, each with its left and right edge and its baseline."""

    chars: list[str]
    lefts: list[float]
    rights: list[float]
    baselines: list[float]


class _Buffers(threading.local):
    """What pdfium writes the characters' boxes and baselines into, with a pointer to each item
    made once: making them for each page cost as much as the calls that fill them. One set a
    thread, grown to the longest page read so far."""

    def __init__(self) -> None:
        self.unused_x = ctypes.byref(ctypes.c_double())  # the box has the left edge
        self._allocate(0)

    def fit(self, count: int) -> None:
        if count > self.size:
            self._allocate(count)

    def _allocate(self, count: int) -> None:
        self.size = count
        self.boxes = (ctypes.c_float * (RECT_FIELDS * count))()
        self.baselines = (ctypes.c_double * count)()
        self.box_pointers = _item_pointers(self.boxes, RECT_FIELDS)
        self.baseline_pointers = _item_pointers(self.baselines, 1)


def _item_pointers(array: ctypes.Array, fields: int) -> list:
    """A pointer to each item of `fields` numbers in `array`."""
    size = fields * ctypes.sizeof(array._type_)
    return list(map(ctypes.byref, itertools.repeat(array), range(0, ctypes.sizeof(array), size)))


_BUFFERS = _Buffers()


def _read_page(document: pdfium.PdfDocument, index: int) -> PageText:
    with _loaded_page(document, index) as (page, textpage):
        indices, chars, unmapped = _drawn_chars(textpage)
        glyphs = Glyphs(chars, *_positions(textpage, indices))
        ruled = _draws_paths(page)
    mapped = len(chars) - chars.count(SPACE)
    return PageText(_lines(glyphs), mapped, unmapped, ruled)


@contextlib.contextmanager
def _loaded_page(document: pdfium.PdfDocument, index: int) -> Iterator[tuple[pdfium_c.FPDF_PAGE, ctypes.c_void_p]]:
    """The page and its text page as pdfium's own handles, closed when read; pypdfium2's
    wrappers would add a finalizer and bookkeeping to each."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            yield page, ctypes.cast(textpage, ctypes.c_void_p)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _drawn_chars(textpage: ctypes.c_void_p) -> tuple[list[int], list[str], int]:
    """The indices and characters of the glyphs drawn, and the count of glyphs without a Unicode mapping.

    Most characters are what pdfium says they are; the few that are not, a glyph without a
    mapping, a space, a control code or half of a surrogate pair, are settled one by one.
    """
    count = _COUNT_CHARS(textpage)
    unmapped = list(map(_HAS_UNICODE_MAP_ERROR, itertools.repeat(textpage, count), range(count)))
    codes = list(map(_GET_UNICODE, itertools.repeat(textpage, count), range(count)))
    if max(codes, default=0) > sys.maxunicode:  # the code of a glyph without Unicode may be any number
        codes = [0 if error else code for code, error in zip(codes, unmapped, strict=True)]
    chars = list(map(chr, codes))
    unsettled = [index for index, char in enumerate(chars) if char.isspace() or not char.isprintable()]
    if any(unmapped):
        unsettled = sorted({*unsettled, *itertools.compress(range(count), unmapped)})
    unmapped_count, low_surrogate_at = 0, -1
    for index in unsettled:
        if index == low_surrogate_at:
            continue
        if unmapped[index]:
            chars[index] = ""
            unmapped_count += 1
        elif codes[index] in HIGH_SURROGATES and index + 1 < count and codes[index + 1] in LOW_SURROGATES:
            chars[index], chars[index + 1] = _join_surrogates(codes[index], codes[index + 1]), ""
            low_surrogate_at = index + 1
        else:
            chars[index] = _settle(textpage, index, chars[index])
    return list(itertools.compress(range(count), chars)), list(filter(None, chars)), unmapped_count


def _settle(textpage: ctypes.c_void_p, index: int, char: str) -> str:
    """The character drawn for a space or a control code at `index`, "" for none.

    The spaces and line breaks pdfium adds where it guesses a word or a line ends are
    dropped: lines and gaps are measured instead. A space the page draws is kept, as
    pdfplumber keeps it, since it may be narrower than a gap. pdfium turns a hyphen that
    ends a line into a control code; it is a hyphen again here, as in a code such as
    GH-HD2023-1 broken after GH-.
    """
    if char.isspace():
        return "" if _IS_GENERATED(textpage, index) else SPACE
    return HYPHEN if _IS_HYPHEN(textpage, index) else ""


def _join_surrogates(high: int, low: int) -> str:
    """A character beyond the BMP comes from pdfium as two surrogates."""
    return (chr(high) + chr(low)).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _positions(textpage: ctypes.c_void_p, indices: list[int]) -> tuple[list[float], list[float], list[float]]:
    """The left and right edges and the baselines of the characters at `indices`."""
    count, buffers = len(indices), _BUFFERS
    buffers.fit(count)
    _call_each(_GET_LOOSE_CHAR_BOX, itertools.repeat(textpage), indices, buffers.box_pointers)
    xs = itertools.repeat(buffers.unused_x)
    _call_each(_GET_CHAR_ORIGIN, itertools.repeat(textpage), indices, xs, buffers.baseline_pointers)
    boxes, end = buffers.boxes, RECT_FIELDS * count
    return boxes[RECT_LEFT:end:RECT_FIELDS], boxes[RECT_RIGHT:end:RECT_FIELDS], buffers.baselines[:count]


def _call_each(function, *arguments: Iterable) -> None:
    collections.deque(map(function, *arguments), maxlen=0)


def _draws_paths(parent, objects: tuple = _PAGE_OBJECTS, level: int = 0) -> bool:
    """The page (or the form) `parent`, or a form on it, draws lines or rectangles; forms are
    searched, and failures raised, as pypdfium2's get_objects does."""
    count_objects, get_object = objects
    count = count_objects(parent)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for index in range(count):
        pageobject = get_object(parent, index)
        if not pageobject:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = _GET_OBJECT_TYPE(pageobject)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            return True
        nested = kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < MAX_FORM_DEPTH - 1
        if nested and _draws_paths(pageobject, _FORM_OBJECTS, level + 1):
            return True
    return False


def _lines(glyphs: Glyphs) -> list[str]:
    """Lines top to bottom, each read left to right. Words end at a drawn space or at a gap
    wider than X_TOLERANCE, and are joined by one space."""
    chars, lefts, rights = glyphs.chars, glyphs.lefts, glyphs.rights
    lines = []
    for row in _rows(glyphs):
        gapped = [
            SPACE + chars[glyph] if lefts[glyph] - rights[before] > X_TOLERANCE else chars[glyph]
            for before, glyph in itertools.pairwise(row)
        ]
        line = SPACE.join((chars[row[0]] + "".join(gapped)).split())
        if line:  # a row of drawn spaces is no line
            lines.append(line)
    return lines


def _rows(glyphs: Glyphs) -> list[list[int]]:
    """The glyphs a line at a time, top to bottom, each line left to right; a line is a run
    of baselines each at most Y_TOLERANCE below the one before."""
    baselines = glyphs.baselines
    heights = [-baseline for baseline in baselines]
    rows: list[list[int]] = []
    above = math.nan  # the first glyph starts a line
    for glyph in sorted(range(len(heights)), key=heights.__getitem__):
        baseline = baselines[glyph]
        if above - baseline <= Y_TOLERANCE:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
        above = baseline
    for row in rows:
        row.sort(key=glyphs.lefts.__getitem__)
    return rows


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
