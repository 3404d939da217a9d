"""Every supported encoding decodes to the original text; every bad file fails with a clear reason."""

import codecs
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.decode import MAX_BYTES, DecodeError, SourceText, decode_bytes, decode_file

TITLE_SIMPLIFIED = "关于执行国家组织冠脉支架集中带量采购中选结果的通知"
TITLE_TRADITIONAL = "關於執行國家組織冠脈支架集中帶量採購中選結果的通知"
LINE_SIMPLIFIED = "各市医疗保障局：现将有关事项通知如下。采购周期为2年。"
LINE_TRADITIONAL = "各市醫療保障局：現將有關事項通知如下。採購周期為2年。"
SHORT_SIMPLIFIED = "采购周期为2年。"
SHORT_TRADITIONAL = "採購周期為2年。"
NOTICE_SIMPLIFIED = f"{TITLE_SIMPLIFIED}\n{LINE_SIMPLIFIED}\n"
NOTICE_TRADITIONAL = f"{TITLE_TRADITIONAL}\n{LINE_TRADITIONAL}\n"


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
    pytest.param(b"<html>404</html>", "a.pdf", "the file holds a web page", id="html-named-pdf"),
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


@pytest.mark.parametrize(
    ("name", "reason"), [("missing.txt", "no such file or folder"), (".", "not a regular file: a folder")]
)
def test_unreadable_path_fails_with_its_reason(tmp_path, name: str, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
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
