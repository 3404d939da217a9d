"""Every supported encoding decodes to the original text; every bad file fails with a clear reason."""

import codecs
import io
import re
from collections.abc import Callable, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.decode import MAX_BYTES, DecodeError, SourceText, decode_bytes, decode_file

TITLE_SIMPLIFIED = "关于执行国家组织冠脉支架集中带量采购中选结果的通知"
TITLE_TRADITIONAL = "關於執行國家組織冠脈支架集中帶量採購中選結果的通知"
LINE_SIMPLIFIED = "各市医疗保障局：现将有关事项通知如下。采购周期为2年。"
LINE_TRADITIONAL = "各市醫療保障局：現將有關事項通知如下。採購周期為2年。"
SHORT_SIMPLIFIED = "采购周期为2年。"
SHORT_TRADITIONAL = "採購周期為2年。"
NOTICE_SIMPLIFIED = f"{TITLE_SIMPLIFIED}\n{LINE_SIMPLIFIED}\n"
NOTICE_TRADITIONAL = f"{TITLE_TRADITIONAL}\n{LINE_TRADITIONAL}\n"

CID_FONT = "STSong-Light"
PDF_PAGES = (
    (TITLE_SIMPLIFIED, LINE_SIMPLIFIED),
    (LINE_TRADITIONAL, SHORT_SIMPLIFIED),
)
PASSWORD = "secret"


def _case(text: str, codec: str, encoding: str, case_id: str, bom: bytes = b""):
    return pytest.param(bom + text.encode(codec), text, encoding, id=case_id)


ROUND_TRIPS = [
    _case(NOTICE_SIMPLIFIED, "utf-8", "utf-8", "utf8-simplified"),
    _case(NOTICE_TRADITIONAL, "utf-8", "utf-8", "utf8-traditional"),
    _case(NOTICE_SIMPLIFIED, "utf-8-sig", "utf-8-sig", "utf8-bom-simplified"),
    _case(NOTICE_TRADITIONAL, "utf-8-sig", "utf-8-sig", "utf8-bom-traditional"),
    _case(NOTICE_SIMPLIFIED, "gb18030", "gb18030", "gb18030-simplified"),
    _case(LINE_SIMPLIFIED, "gb18030", "gb18030", "gb18030-simplified-line"),
    _case(SHORT_SIMPLIFIED, "gb18030", "gb18030", "gb18030-simplified-short"),
    _case(NOTICE_TRADITIONAL, "gb18030", "gb18030", "gb18030-traditional"),
    _case(LINE_TRADITIONAL, "gb18030", "gb18030", "gb18030-traditional-line"),
    _case(SHORT_TRADITIONAL, "gb18030", "gb18030", "gb18030-traditional-short"),
    _case(NOTICE_SIMPLIFIED, "gbk", "gb18030", "gbk-simplified"),
    _case(LINE_SIMPLIFIED, "gbk", "gb18030", "gbk-simplified-line"),
    _case(SHORT_SIMPLIFIED, "gbk", "gb18030", "gbk-simplified-short"),
    _case(LINE_TRADITIONAL, "gbk", "gb18030", "gbk-traditional-line"),
    _case(NOTICE_TRADITIONAL, "big5", "big5", "big5-traditional"),
    _case(LINE_TRADITIONAL, "big5", "big5", "big5-traditional-line"),
    _case(SHORT_TRADITIONAL, "big5", "big5", "big5-traditional-short"),
    _case(LINE_TRADITIONAL, "cp950", "big5", "cp950-traditional-line"),
    _case(NOTICE_SIMPLIFIED, "utf-16-le", "utf-16", "utf16le-bom-simplified", codecs.BOM_UTF16_LE),
    _case(NOTICE_TRADITIONAL, "utf-16-be", "utf-16", "utf16be-bom-traditional", codecs.BOM_UTF16_BE),
    _case(SHORT_SIMPLIFIED, "utf-16-le", "utf-16", "utf16le-bom-short", codecs.BOM_UTF16_LE),
    _case(NOTICE_SIMPLIFIED, "utf-16-le", "utf-16", "utf16le-no-bom-simplified"),
    _case(NOTICE_TRADITIONAL, "utf-16-be", "utf-16", "utf16be-no-bom-traditional"),
    _case(SHORT_TRADITIONAL, "utf-16-le", "utf-16", "utf16le-no-bom-short"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), ROUND_TRIPS)
def test_decodes_to_the_original_text(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == SourceText(text=text, encoding=encoding, pages=None)


AMBIGUOUS_BYTES = [
    pytest.param(SHORT_SIMPLIFIED, "gbk", "gb18030", "cp950", "粒劃笚ぶ峈2爛﹝", id="gbk-line"),
    pytest.param("采购", "gbk", "gb18030", "cp950", "粒劃", id="gbk-word"),
    pytest.param("採購", "big5", "big5", "gb18030", "蹦潦", id="big5-word"),
    pytest.param("醫療", "big5", "big5", "gb18030", "洛励", id="big5-word-2"),
    pytest.param("地", "gbk", "gb18030", "cp950", "華", id="tie-goes-to-gb18030"),
]


@pytest.mark.parametrize(("text", "codec", "encoding", "other_codec", "other_reading"), AMBIGUOUS_BYTES)
def test_picks_the_reading_with_common_characters(
    text: str, codec: str, encoding: str, other_codec: str, other_reading: str
) -> None:
    data = text.encode(codec)
    assert data.decode(other_codec) == other_reading
    assert decode_bytes(data) == SourceText(text, encoding)


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "big5", "utf-16"])
def test_unifies_line_endings_only(codec: str) -> None:
    raw = "第一條\r\n第二條\r第三條\n\t第四條　（全角空格）\n"
    assert decode_bytes(raw.encode(codec)).text == "第一條\n第二條\n第三條\n\t第四條　（全角空格）\n"


def test_decode_file_reads_the_file(tmp_path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(NOTICE_SIMPLIFIED.encode("gbk"))
    assert decode_file(path) == SourceText(text=NOTICE_SIMPLIFIED, encoding="gb18030")


def test_max_bytes_default_is_20_mib() -> None:
    assert MAX_BYTES == 20 * 1024 * 1024


@pytest.fixture(scope="module")
def cid_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _draw_pdf(font: str, pages: Iterable[tuple[str, ...]], encrypt: str | None = None) -> bytes:
    """One page per entry: each line drawn with drawString, or a bare rectangle for an empty entry."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for lines in pages:
        pdf.setFont(font, 12)
        for number, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * number, line)
        if not lines:
            pdf.rect(72, 500, 200, 100)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def notice_pdf(cid_font: str) -> bytes:
    return _draw_pdf(cid_font, PDF_PAGES)


def test_pdf_text_round_trips_through_the_cid_font(notice_pdf: bytes, tmp_path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(notice_pdf)
    expected = "\f".join("\n".join(lines) for lines in PDF_PAGES)
    assert decode_file(path) == SourceText(text=expected, encoding="pdf", pages=2)


def test_pdf_keeps_a_page_without_text_in_its_place(cid_font: str) -> None:
    pdf = _draw_pdf(cid_font, [(SHORT_SIMPLIFIED,), (), (SHORT_TRADITIONAL,)])
    assert decode_bytes(pdf) == SourceText(f"{SHORT_SIMPLIFIED}\f\f{SHORT_TRADITIONAL}", "pdf", pages=3)


def test_pdf_is_recognised_by_magic_not_name(notice_pdf: bytes) -> None:
    assert decode_bytes(notice_pdf, "download.bin").pages == 2


def _assemble_pdf(objects: list[bytes]) -> bytes:
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


def _pdf_without_unicode_mapping() -> bytes:
    """Glyph ids in an Identity-H font with no ToUnicode map: pdfminer can only say (cid:N)."""
    content = b"BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET"
    return _assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /NoUnicode /Encoding /Identity-H"
            b" /DescendantFonts [5 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoUnicode"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            b" /FontDescriptor << /Type /FontDescriptor /FontName /NoUnicode /Flags 4"
            b" /FontBBox [0 0 1000 1000] >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        ]
    )


def _pdf_without_pages() -> bytes:
    return _assemble_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _first_half(notice_pdf: bytes, font: str) -> bytes:
    return notice_pdf[: len(notice_pdf) // 2]


def _first_half_with_eof_marker(notice_pdf: bytes, font: str) -> bytes:
    return _first_half(notice_pdf, font) + b"\n%%EOF\n"


def _encrypted(notice_pdf: bytes, font: str) -> bytes:
    return _draw_pdf(font, PDF_PAGES, encrypt=PASSWORD)


def _rectangles_only(notice_pdf: bytes, font: str) -> bytes:
    return _draw_pdf(font, [(), ()])


def _glyph_codes_only(notice_pdf: bytes, font: str) -> bytes:
    return _pdf_without_unicode_mapping()


def _no_pages(notice_pdf: bytes, font: str) -> bytes:
    return _pdf_without_pages()


BAD_PDFS = [
    pytest.param(_first_half, "truncated PDF: no %%EOF marker", id="truncated"),
    pytest.param(_first_half_with_eof_marker, "corrupt PDF, cannot parse it: ", id="corrupt"),
    pytest.param(_encrypted, "encrypted PDF: it needs a password to open", id="encrypted"),
    pytest.param(_rectangles_only, "PDF has no text layer (scanned?); needs OCR", id="no-text"),
    pytest.param(_glyph_codes_only, "PDF text has no Unicode mapping", id="cid-codes-only"),
    pytest.param(_no_pages, "PDF has no pages", id="no-pages"),
]


@pytest.mark.parametrize(("build", "reason"), BAD_PDFS)
def test_bad_pdfs_fail_with_their_reason(
    build: Callable[[bytes, str], bytes], reason: str, notice_pdf: bytes, cid_font: str
) -> None:
    with pytest.raises(DecodeError, match="^notice.pdf: " + re.escape(reason)):
        decode_bytes(build(notice_pdf, cid_font), "notice.pdf")


BAD_BYTES = [
    pytest.param(b"", "", "empty file", id="empty"),
    pytest.param(b" \r\n\t\n  ", "", "empty file", id="whitespace"),
    pytest.param("\u3000\n".encode("gb18030"), "", "empty file", id="ideographic-space"),
    pytest.param(codecs.BOM_UTF8, "", "empty file", id="bom-only"),
    pytest.param(
        bytes.fromhex("8a00f3c3007f1b9c00e5d2ff0001fe77") * 8,
        "",
        "binary file, not text: it contains NUL",
        id="nul",
    ),
    pytest.param(b"\x00\x01\x02", "", "binary file, not text: it contains NUL", id="nul-odd-length"),
    pytest.param(
        b"text\x1b\x01\x02\x03\x04\x05\x06\x07 more",
        "",
        "binary file, not text: 47% of the decoded",
        id="controls",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + b"\x00\xd8",
        "",
        "UTF-16 little-endian byte-order mark but the rest is not",
        id="bad-bom",
    ),
    pytest.param(b"\xff\xfa\x80\x80 notice", "", "cannot decode: the bytes are not valid", id="undecodable"),
    pytest.param(b"\xfe\xfe" * 20, "", "cannot decode: the bytes read as garbage", id="garbled"),
    pytest.param(
        LINE_SIMPLIFIED.encode(), "notice.PDF", "not a PDF: the name ends in .pdf", id="text-named-pdf"
    ),
    pytest.param(b"<html>404</html>", "a.pdf", r"starts with b'<html>404</html>'", id="html-named-pdf"),
]


@pytest.mark.parametrize(("data", "name", "reason"), BAD_BYTES)
def test_bad_bytes_fail_with_their_reason(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data, name)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_error_message_names_the_file(tmp_path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"")
    with pytest.raises(DecodeError, match=f"^{re.escape(str(path))}: empty file$"):
        decode_file(path)


def test_too_large_file_is_refused_with_size_and_limit(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1600)
    with pytest.raises(DecodeError, match="file too large: 1,600 bytes, the limit is 1,000 bytes"):
        decode_file(path, max_bytes=1000)


def test_file_at_the_limit_is_read(tmp_path) -> None:
    path = tmp_path / "exact.txt"
    path.write_bytes(LINE_SIMPLIFIED.encode())
    assert decode_file(path, max_bytes=path.stat().st_size).text == LINE_SIMPLIFIED


@pytest.mark.parametrize(("name", "reason"), [("missing.txt", "No such file"), (".", "Is a directory")])
def test_unreadable_path_fails_with_the_os_reason(tmp_path, name: str, reason: str) -> None:
    with pytest.raises(DecodeError, match=f"cannot read file: {reason}"):
        decode_file(tmp_path / name)


NOTICE_ALPHABET = st.characters(categories=("L", "N", "P", "Zs")) | st.sampled_from("\n\t")


@given(st.text(NOTICE_ALPHABET, min_size=1).filter(str.strip))
def test_any_utf8_notice_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == SourceText(text=text, encoding="utf-8")


@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        assert isinstance(decode_bytes(data).text, str)
    except DecodeError as err:
        assert "\n" not in str(err)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_pdf_bodies_decode_or_raise_decode_error(body: bytes) -> None:
    try:
        assert decode_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n").encoding == "pdf"
    except DecodeError as err:
        assert "\n" not in str(err)
