"""PDF input: the text layer in reading order, page debris out, tables, scans, and bad files."""

import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as DrawnTable

from ingest import pdf
from ingest.decode import DecodeError, NeedsOCR, SourceText, Table, decode_bytes, decode_file
from ingest.normalize import normalize

CID_FONT = "STSong-Light"
TITLE = "关于执行国家组织冠脉支架集中带量采购中选结果的通知"
LINE_SIMPLIFIED = "各市医疗保障局：现将有关事项通知如下。采购周期为2年。"
LINE_TRADITIONAL = "各市醫療保障局：現將有關事項通知如下。採購周期為2年。"
SHORT_SIMPLIFIED = "采购周期为2年。"
SHORT_TRADITIONAL = "採購周期為2年。"
NOTICE_PAGES = ((TITLE, LINE_SIMPLIFIED), (LINE_TRADITIONAL, SHORT_SIMPLIFIED))
PASSWORD = "secret"

# (x, y, text, font size): one string drawn on a page, y from the bottom.
Placed = tuple[float, float, str, float]
BODY_SIZE = 12
LINE_PITCH = 20
TOP_LINE = 760


@pytest.fixture(scope="module", autouse=True)
def cid_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _stacked(lines: Iterable[str], top: float = TOP_LINE) -> list[Placed]:
    return [(72, top - LINE_PITCH * number, line, BODY_SIZE) for number, line in enumerate(lines)]


def _draw(pages: Iterable[Sequence[Placed]], encrypt: str | None = None, pagesize=A4) -> bytes:
    """One page per entry; a page with nothing placed gets a bare rectangle."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=pagesize, encrypt=encrypt)
    for placed in pages:
        for x, y, text, size in placed:
            sheet.setFont(CID_FONT, size)
            sheet.drawString(x, y, text)
        if not placed:
            sheet.rect(72, 500, 200, 100)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _draw_lines(pages: Iterable[Sequence[str]], encrypt: str | None = None) -> bytes:
    return _draw((_stacked(lines) for lines in pages), encrypt)


@pytest.fixture
def without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "can_ocr", lambda: False)


# --- the text layer ---


def test_text_round_trips_through_the_cid_font(tmp_path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(_draw_lines(NOTICE_PAGES))
    expected = "\f".join("\n".join(lines) for lines in NOTICE_PAGES)
    assert decode_file(path) == SourceText(text=expected, encoding="pdf", pages=2)


def test_a_page_without_text_keeps_its_place() -> None:
    data = _draw_lines([(SHORT_SIMPLIFIED,), (), (SHORT_TRADITIONAL,)])
    assert decode_bytes(data) == SourceText(f"{SHORT_SIMPLIFIED}\f\f{SHORT_TRADITIONAL}", "pdf", pages=3)


def test_pdf_is_recognised_by_magic_not_name() -> None:
    assert decode_bytes(_draw_lines(NOTICE_PAGES), "download.bin").pages == 2


# Drawn out of reading order: the header block column by column, a line in three pieces,
# a number set a little above the baseline, Latin words with a space between them, and a
# code broken after a hyphen (pdfium marks a hyphen at a line end as a control code).
LAYOUT = [
    (72, 800, "山东省医疗保障局", 12),
    (72, 780, "山东省工业和信息化厅", 12),
    (300, 800, "山东省卫生健康委员会", 12),
    (300, 780, "山东省市场监督管理局", 12),
    (72, 740, "正文", 12),
    (102, 740, "第二行", 12),
    (72, 720, "采购周期为", 12),
    (132, 720.5, "2", 12),
    (140, 720, "年。", 12),
    (72, 700, "按DRG 2.0分组（一）", 12),
    (72, 680, "醫療保障局關於採購", 16),
    (72, 660, "编号：GH-", 12),
    (72, 640, "HD2023-1", 12),
]
LAYOUT_LINES = [
    "山东省医疗保障局 山东省卫生健康委员会",
    "山东省工业和信息化厅 山东省市场监督管理局",
    "正文 第二行",
    "采购周期为2年。",
    "按DRG 2.0分组（一）",
    "醫療保障局關於採購",
    "编号：GH-",
    "HD2023-1",
]


def test_lines_are_read_in_layout_order_as_pdfplumber_reads_them() -> None:
    data = _draw([LAYOUT])
    with pdfplumber.open(io.BytesIO(data)) as reference:
        assert reference.pages[0].extract_text().split("\n") == LAYOUT_LINES
    assert pdf.read_pdf(data).text.split("\n") == LAYOUT_LINES


def test_a_character_beyond_the_basic_plane_is_one_character() -> None:
    """𬌗 (U+2C317, as in 咬𬌗) comes from pdfium as two surrogates."""
    assert pdf.read_pdf(_pdf_with_to_unicode({1: "𬌗", 2: "中"}, b"<00010002>")).text == "𬌗中"


def test_glyphs_without_unicode_are_dropped_from_the_text() -> None:
    """Glyph 2 has no mapping: it is left out, and one of two glyphs unmapped is still a text layer."""
    assert pdf.read_pdf(_pdf_with_to_unicode({1: "中"}, b"<00010002>")).text == "中"


@pytest.mark.usefixtures("without_ocr")
def test_a_page_mostly_of_glyphs_without_unicode_needs_ocr() -> None:
    with pytest.raises(NeedsOCR, match=re.escape(pdf.PDF_UNMAPPED)):
        pdf.read_pdf(_pdf_with_to_unicode({1: "中"}, b"<000100020003>"))


def test_a_page_with_more_characters_than_the_pages_before_it_is_read_whole() -> None:
    """Pages share the buffers pdfium writes character positions into; a longer page grows them."""
    pages = [(SHORT_SIMPLIFIED,), tuple(f"{number}、{LINE_SIMPLIFIED}" for number in range(30)), (SHORT_TRADITIONAL,)]
    assert pdf.read_pdf(_draw_lines(pages)).text == "\f".join("\n".join(lines) for lines in pages)


# --- page debris ---

RUNNING_HEADER = "山东省医疗保障局"
BODIES = (
    (TITLE, "各市医疗保障局："),
    ("现将有关事项通知如下。", "一、执行时间"),
    ("2024年5月31日起执行。", "特此通知。"),
)
PAGE_NUMBER_FORMS = [
    "— {n} —",
    "-{n}-",
    "第{n}页",
    "第 {n} 页 共 {total} 页",
    "{n}/{total}",
    "共{total}页 第{n}页",
    "{n}",
]


def _page(number: int, total: int, body: Sequence[str], header: str | None, footer: str | None) -> list[Placed]:
    placed = _stacked(body)
    if header:
        placed.insert(0, (250, 810, header, 9))
    if footer:
        placed.append((280, 40, footer.format(n=number, total=total), 10))
    return placed


def _paged(bodies: Sequence[Sequence[str]], footer: str | None, header: str | None = RUNNING_HEADER) -> bytes:
    """Every page but the first carries the running header, as official documents print them."""
    total = len(bodies)
    return _draw(
        _page(number, total, body, header if number > 1 else None, footer)
        for number, body in enumerate(bodies, start=1)
    )


@pytest.mark.parametrize("footer", PAGE_NUMBER_FORMS)
def test_running_headers_and_page_numbers_are_removed_exactly(footer: str) -> None:
    assert pdf.read_pdf(_paged(BODIES, footer)).text == "\f".join("\n".join(body) for body in BODIES)


@pytest.mark.parametrize("footer", PAGE_NUMBER_FORMS)
def test_a_page_number_goes_from_a_single_page_too(footer: str) -> None:
    assert pdf.read_pdf(_paged(BODIES[:1], footer)).text == "\n".join(BODIES[0])


def test_lines_that_repeat_but_carry_content_stay() -> None:
    """A line with more numbers than a page footer has, and a repeated line inside the body."""
    last = "采购周期为2年，自2024年1月1日起执行。"
    bodies = [("一、总体要求", RUNNING_HEADER, last), ("二、工作任务", RUNNING_HEADER, last)]
    assert pdf.read_pdf(_paged(bodies, footer=None, header=None)).text == "\f".join("\n".join(b) for b in bodies)


def test_a_sentence_cut_by_a_page_break_is_whole_after_normalising() -> None:
    bodies = [
        (TITLE, "各市医疗保障局："),
        ("现将国家组织冠脉支架集中带量采购中选结果的执行",),
        ("有关事项通知如下。", "特此通知。"),
    ]
    text = pdf.read_pdf(_paged(bodies, "— {n} —")).text
    assert "中选结果的执行\f有关事项通知如下。" in text
    assert "现将国家组织冠脉支架集中带量采购中选结果的执行有关事项通知如下。" in normalize(text).text


# --- tables ---

COLUMNS = ("序号", "产品名称", "生产企业", "规格型号", "中选价格（元）")
WRAPPED_ROWS = [
    (("1", "人工晶体A", "某某公司", "单焦点", "1200.00"), ("1", "人工晶体A", "某某公司", "单焦点", "1200.00")),
    (
        ("2", "人工晶体\nB", "某某\n公司", "多焦点\n非球面", "2,350.00"),
        ("2", "人工晶体B", "某某公司", "多焦点非球面", "2,350.00"),
    ),
    (
        ("3", "Tecnis\nOne", "Johnson\nVision", "ZCB00", "980.50"),
        ("3", "Tecnis One", "Johnson Vision", "ZCB00", "980.50"),
    ),
]
FILLER_ROWS = [
    (str(number), f"人工晶体{number}", "某某公司", "单焦点", f"{1000 + number}.00") for number in range(4, 41)
]


def _table_pdf(repeat_header: int) -> bytes:
    buffer = io.BytesIO()
    drawn = DrawnTable([COLUMNS, *(drawn for drawn, _ in WRAPPED_ROWS), *FILLER_ROWS], repeatRows=repeat_header)
    drawn.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), CID_FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    )
    SimpleDocTemplate(buffer, pagesize=A5).build([drawn])
    return buffer.getvalue()


@pytest.mark.parametrize("repeat_header", [0, 1], ids=["header-once", "header-on-each-page"])
def test_a_table_over_two_pages_is_one_table_under_its_header(repeat_header: int) -> None:
    source = pdf.read_pdf(_table_pdf(repeat_header))
    assert source.pages == 2
    rows = tuple(read for _, read in WRAPPED_ROWS) + tuple(FILLER_ROWS)
    assert source.tables == (Table(page=1, header=COLUMNS, rows=rows),)


def test_a_page_without_ruling_is_not_searched_for_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("pdfplumber opened a PDF that draws no lines")

    monkeypatch.setattr(pdf.pdfplumber, "open", refuse)
    assert pdf.read_pdf(_paged(BODIES, "— {n} —")).tables == ()


def test_ruling_drawn_inside_a_form_xobject_marks_the_page_for_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[list[int]] = []

    def record(stream, pages):
        searched.append(pages)
        raise RuntimeError("recorded")  # read_pdf finds no tables when pdfplumber fails

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.beginForm("grid")
    sheet.rect(72, 500, 200, 100)
    sheet.endForm()
    for _ in range(2):
        sheet.setFont(CID_FONT, BODY_SIZE)
        sheet.drawString(72, TOP_LINE, SHORT_SIMPLIFIED)
        if sheet.getPageNumber() == 1:
            sheet.doForm("grid")
        sheet.showPage()
    sheet.save()
    monkeypatch.setattr(pdf.pdfplumber, "open", record)
    assert pdf.read_pdf(buffer.getvalue()).tables == ()
    assert searched == [[1]]


# --- fonts the PDF does not embed ---

# A line of one character, as a line wrapped one character short of a sentence's end leaves.
ONE_CHARACTER_LINES = ("医疗机构、中选企业及配送企业三", "方", "应及时签订购销协议。")
READ_IN_A_NEW_PROCESS = (
    "import sys\n"
    "from ingest.pdf import read_pdf\n"
    "sys.stdout.buffer.write(read_pdf(open(sys.argv[1], 'rb').read()).text.encode())\n"
)
# pdfium started again with its font search pointed at an empty folder: a machine without fonts.
WITHOUT_THE_MACHINES_FONTS = (
    "import ctypes, sys\n"
    "import pypdfium2.raw as pdfium_c\n"
    "pdfium_c.FPDF_DestroyLibrary()\n"
    "folder = ctypes.create_string_buffer(sys.argv[2].encode())\n"
    "paths = (ctypes.POINTER(ctypes.c_char) * 2)(ctypes.cast(folder, ctypes.POINTER(ctypes.c_char)), None)\n"
    "config = pdfium_c.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=paths, m_pIsolate=None, m_v8EmbedderSlot=0)\n"
    "pdfium_c.FPDF_InitLibraryWithConfig(config)\n"
)


def _text_in_a_new_process(script: str, *arguments: Path) -> str:
    run = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    return run.stdout.decode("utf-8")


def test_text_of_fonts_not_embedded_does_not_depend_on_the_machines_fonts(tmp_path: Path) -> None:
    """STSong-Light is named, never embedded: pdfium stands in for it. Without a stand-in that
    has a glyph for "方", its text object had no width and pdfium dropped the line."""
    path = tmp_path / "notice.pdf"
    path.write_bytes(_draw_lines([ONE_CHARACTER_LINES]))
    no_fonts = tmp_path / "no-fonts"
    no_fonts.mkdir()
    expected = "\n".join(ONE_CHARACTER_LINES)
    assert _text_in_a_new_process(READ_IN_A_NEW_PROCESS, path) == expected
    assert _text_in_a_new_process(WITHOUT_THE_MACHINES_FONTS + READ_IN_A_NEW_PROCESS, path, no_fonts) == expected


# --- scans ---

SCANNED_LINES = ("山东省医疗保障局", "采购周期为两年")


def _cjk_font_file() -> str | None:
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.rstrip(": ") for line in listing.stdout.splitlines() if line.strip())
    return files[0] if files else None


def _scan(lines: Sequence[str], font_file: str) -> bytes:
    """A page that is one picture of the lines, as a scanner makes it, with no text layer."""
    font = ImageFont.truetype(font_file, 56)
    picture = Image.new("L", (1000, 110 * len(lines) + 60), 255)
    drawing = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        drawing.text((40, 40 + 110 * number), line, font=font, fill=0)
    buffer = io.BytesIO()
    size = (picture.width / 2, picture.height / 2)
    sheet = canvas.Canvas(buffer, pagesize=size)
    sheet.drawImage(ImageReader(picture), 0, 0, *size)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _blank_pages() -> bytes:
    return _draw([[], []], pagesize=(300, 200))


@pytest.mark.usefixtures("without_ocr")
def test_a_scan_needs_ocr_when_tesseract_is_missing() -> None:
    with pytest.raises(NeedsOCR, match=r"^PDF has no text layer \(scanned\?\); needs OCR$"):
        decode_bytes(_blank_pages(), "scan.pdf")


needs_tesseract = pytest.mark.skipif(not pdf.can_ocr(), reason="tesseract with chi_sim is not installed")


@needs_tesseract
def test_a_scan_is_read_by_ocr() -> None:
    font_file = _cjk_font_file()
    if font_file is None:
        pytest.skip("no font with Chinese glyphs to draw the scan with")
    source = pdf.read_pdf(_scan(SCANNED_LINES, font_file))
    assert (source.encoding, source.pages) == ("pdf-ocr", 1)
    assert normalize(source.text).text.split("\n") == list(SCANNED_LINES)


@needs_tesseract
def test_a_scan_of_blank_pages_fails_after_ocr() -> None:
    with pytest.raises(DecodeError, match=re.escape(pdf.PDF_OCR_FOUND_NOTHING)):
        pdf.read_pdf(_blank_pages())


# --- bad files ---


def assemble_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF with an exact xref table; objects[0] becomes object 1, the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_offset)
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


def _pdf_with_glyph_codes(codes: bytes, to_unicode: bytes | None) -> bytes:
    """Glyph ids of an Identity-H font, drawn in one Tj, mapped to Unicode by to_unicode if given."""
    content = b"BT /F1 12 Tf 72 700 Td %s Tj ET" % codes
    mapping = b" /ToUnicode 7 0 R" if to_unicode else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoUnicode /Encoding /Identity-H"
        b" /DescendantFonts [5 0 R]%s >>" % mapping,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoUnicode"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor << /Type /FontDescriptor /FontName /NoUnicode /Flags 4"
        b" /FontBBox [0 0 1000 1000] >> >>",
        _stream(content),
    ]
    return assemble_pdf(objects + ([_stream(to_unicode)] if to_unicode else []))


def _pdf_with_to_unicode(mapping: dict[int, str], codes: bytes) -> bytes:
    entries = b" ".join(
        b"<%04X> <%s>" % (code, text.encode("utf-16-be").hex().encode()) for code, text in mapping.items()
    )
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test def"
        b" 1 begincodespacerange <0000> <FFFF> endcodespacerange"
        b" %d beginbfchar %s endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    ) % (len(mapping), entries)
    return _pdf_with_glyph_codes(codes, cmap)


def _first_half(notice: bytes) -> bytes:
    return notice[: len(notice) // 2]


def _first_half_with_eof_marker(notice: bytes) -> bytes:
    return _first_half(notice) + b"\n%%EOF\n"


def _encrypted(notice: bytes) -> bytes:
    return _draw_lines(NOTICE_PAGES, encrypt=PASSWORD)


def _rectangles_only(notice: bytes) -> bytes:
    return _draw_lines([(), ()])


def _glyph_codes_only(notice: bytes) -> bytes:
    return _pdf_with_glyph_codes(b"<0001000200030004>", to_unicode=None)


def _no_pages(notice: bytes) -> bytes:
    return assemble_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _no_page_tree(notice: bytes) -> bytes:
    return assemble_pdf([b"<< /Type /Catalog >>"])


BAD_PDFS = [
    pytest.param(_first_half, DecodeError, "truncated PDF: the file stops before", id="truncated"),
    pytest.param(_first_half_with_eof_marker, DecodeError, "corrupt PDF, cannot parse it: ", id="corrupt"),
    pytest.param(_encrypted, DecodeError, "encrypted PDF: it needs a password to open", id="encrypted"),
    pytest.param(_rectangles_only, NeedsOCR, "PDF has no text layer (scanned?); needs OCR", id="no-text"),
    pytest.param(_glyph_codes_only, NeedsOCR, "PDF text has no Unicode mapping", id="cid-codes-only"),
    pytest.param(_no_pages, DecodeError, "PDF has no pages", id="no-pages"),
    pytest.param(_no_page_tree, DecodeError, "PDF has no pages", id="no-page-tree"),
]


@pytest.mark.usefixtures("without_ocr")
@pytest.mark.parametrize(("build", "error", "reason"), BAD_PDFS)
def test_bad_pdfs_fail_with_their_reason(build: Callable[[bytes], bytes], error: type, reason: str) -> None:
    with pytest.raises(DecodeError, match="^" + re.escape(reason)) as caught:
        decode_bytes(build(_draw_lines(NOTICE_PAGES)), "notice.pdf")
    assert caught.type is error


def test_an_empty_page_tree_is_reported_after_an_encrypted_file() -> None:
    """pdfium keeps its last error across files; an empty PDF must not inherit 'encrypted'."""
    with pytest.raises(DecodeError, match="encrypted"):
        pdf.read_pdf(_encrypted(b""))
    with pytest.raises(DecodeError, match=f"^{pdf.PDF_NO_PAGES}$"):
        pdf.read_pdf(_no_pages(b""))


def test_too_many_pages_are_refused_with_count_and_limit() -> None:
    assert pdf.MAX_PAGES == 500
    with pytest.raises(DecodeError, match=r"^PDF has 3 pages, the limit is 2$"):
        pdf.read_pdf(_paged(BODIES, "— {n} —"), max_pages=2)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_pdf_bodies_decode_or_raise_decode_error(body: bytes) -> None:
    try:
        assert decode_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n").encoding in ("pdf", "pdf-ocr")
    except DecodeError as err:
        assert "\n" not in str(err)
