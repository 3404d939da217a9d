"""PDFs built to exhaust memory: decompression bombs are refused before pdfium inflates them.

The bombs are made here, small on disk, without compressing what they expand to: a
megabyte of zeros compressed once and ended with a full flush is a piece of deflate data
that can be repeated, so a bomb of any size costs only copying its pieces.
"""

import base64
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from ingest import pdf, pdf_guard
from ingest.decode import DecodeError
from ingest.pdf_lzw import lzw_expanded_size
from policygraph.cli import main
from tests.test_pdf import assemble_pdf

MEGABYTE = 1024 * 1024
ADLER_MODULUS = 65521
LZW_CLEAR, LZW_END, LZW_FIRST_TABLE_CODE, LZW_FIRST_WIDTH = 256, 257, 258, 9
LZW_TABLE_CODES = 3800  # codes 258 to 4057: a code is at most 12 bits, 4095
PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (Notice) Tj ET"
HELVETICA = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
NOTICE = (
    "辽宁省医疗保障局\n辽医保〔2022〕80号\n关于执行集中带量采购中选结果的通知\n各市医疗保障局：\n"
    "全省医疗机构自2023年1月10日起执行，采购周期为三年。\n辽宁省医疗保障局\n2022年12月26日\n"
)
REFUSED_STREAM = "PDF refused: a compressed stream in it would expand to over {limit} MB (a decompression bomb?)"
REFUSED_STREAMS = "PDF refused: its compressed streams would expand to over {limit} MB (a decompression bomb?)"
# A bomb of 2 GB read by a process that may map 1 GB: pdfium ran out of memory and aborted it.
BOMB_BYTES = 2048 * MEGABYTE
ADDRESS_SPACE_LIMIT = 1024 * MEGABYTE
READ_UNDER_A_MEMORY_LIMIT = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]),) * 2)\n"
    "from ingest.pdf import read_pdf\n"
    "from ingest.source import DecodeError\n"
    "try:\n"
    "    read_pdf(open(sys.argv[1], 'rb').read())\n"
    "except DecodeError as error:\n"
    "    print(error)\n"
)


def _zlib_of_zeros(size: int) -> bytes:
    """zlib data that inflates to `size` zero bytes (a whole number of megabytes)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate: the pieces go inside one header
    piece = compressor.compress(bytes(MEGABYTE)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_empty_block = b"\x03\x00"
    adler32_of_zeros = (size % ADLER_MODULUS) << 16 | 1  # zeros leave the sum at 1 and add 1 to the sum of sums
    return b"\x78\xda" + piece * (size // MEGABYTE) + final_empty_block + adler32_of_zeros.to_bytes(4, "big")


def _lzw(literals: bytes, zero_runs: int = 0) -> bytes:
    """LZW data, EarlyChange 1, of the literals, then of zero_runs tables' worth of zeros: a code
    for each zero string one longer than the last, about 8 MB a table."""
    codes: list[tuple[int, int]] = []  # (code, its width)
    width, table = LZW_FIRST_WIDTH, 0

    def emit(code: int) -> None:
        nonlocal width, table
        codes.append((code, width))
        if code == LZW_CLEAR:
            width, table = LZW_FIRST_WIDTH, 0
        elif len(codes) > 1 and codes[-2][0] != LZW_CLEAR:  # every code after the first adds one to the table
            table += 1
            width = {253: 10, 765: 11, 1789: 12}.get(table, width)

    emit(LZW_CLEAR)
    for literal in literals:
        emit(literal)
    for _ in range(zero_runs):
        emit(LZW_CLEAR)
        emit(0)
        for code in range(LZW_FIRST_TABLE_CODE, LZW_FIRST_TABLE_CODE + LZW_TABLE_CODES):
            emit(code)
    emit(LZW_END)
    bits = sum(code_width for _, code_width in codes)
    packed = 0
    for code, code_width in codes:
        packed = packed << code_width | code
    padding = -bits % 8
    return (packed << padding).to_bytes((bits + padding) // 8, "big")


def pdf_of_streams(*streams: tuple[bytes, bytes], resources: bytes = b"") -> bytes:
    """A one-page PDF whose content is the streams, each (its dictionary's entries, its data)."""
    first_stream = 4
    contents = b" ".join(b"%d 0 R" % number for number in range(first_stream, first_stream + len(streams)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << %s >> /Contents [%s] >>" % (resources, contents),
        *(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data) for entries, data in streams),
    ]
    return assemble_pdf(objects)


def flate_of_zeros(size: int) -> tuple[bytes, bytes]:
    return b"/Filter /FlateDecode", _zlib_of_zeros(size)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits of 8 MB, so that a bomb is refused after inflating 8 MB, not 256."""
    monkeypatch.setattr(pdf_guard, "MAX_STREAM_BYTES", 8 * MEGABYTE)
    monkeypatch.setattr(pdf_guard, "MAX_EXPANDED_BYTES", 8 * MEGABYTE)


def _refusal(data: bytes) -> str:
    with pytest.raises(DecodeError) as refused:
        pdf.read_pdf(data)
    return str(refused.value)


@pytest.mark.usefixtures("small_limits")
def test_a_flate_bomb_fails_with_its_reason_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(pdf_of_streams(flate_of_zeros(16 * MEGABYTE)))
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    assert main(["run", str(folder), "--out", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    outcomes = {Path(entry["path"]).name: (entry["status"], entry["error"]) for entry in manifest["files"]}
    assert outcomes == {
        "bomb.pdf": ("failed", REFUSED_STREAM.format(limit=8)),
        "notice.txt": ("ok", None),
    }


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limits are POSIX")
def test_a_bomb_is_refused_within_a_memory_limit_that_pdfium_ran_out_of(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_of_streams(flate_of_zeros(BOMB_BYTES)))
    command = [sys.executable, "-c", READ_UNDER_A_MEMORY_LIMIT, str(bomb), str(ADDRESS_SPACE_LIMIT)]
    run = subprocess.run(command, capture_output=True, timeout=120)
    assert (run.returncode, run.stdout.decode().strip()) == (0, REFUSED_STREAM.format(limit=256))


@pytest.mark.usefixtures("small_limits")
def test_streams_each_under_the_limit_are_refused_together() -> None:
    data = pdf_of_streams(*[flate_of_zeros(3 * MEGABYTE)] * 3)
    assert _refusal(data) == REFUSED_STREAMS.format(limit=8)


@pytest.mark.usefixtures("small_limits")
def test_a_larger_file_may_expand_to_its_ratio() -> None:
    """Nine megabytes of streams is over the 8 MB floor but under 100 times a file padded to 100 KB."""
    padding = (b"", bytes(range(256)) * 400)
    assert pdf_guard.check_expansion(pdf_of_streams(*[flate_of_zeros(3 * MEGABYTE)] * 3, padding)) is None


@pytest.mark.usefixtures("small_limits")
def test_a_chain_of_flate_filters_is_counted_at_its_last_output() -> None:
    twice = zlib.compress(_zlib_of_zeros(16 * MEGABYTE))
    assert _refusal(pdf_of_streams((b"/Filter [/FlateDecode /FlateDecode]", twice))) == REFUSED_STREAM.format(limit=8)


def test_a_chain_of_more_flate_filters_than_a_pdf_needs_is_refused() -> None:
    data = b"BT ET"
    for _ in range(pdf_guard.MAX_FLATE_CHAIN + 1):
        data = zlib.compress(data)
    assert _refusal(pdf_of_streams((b"/Filter /FlateDecode", data))) == pdf_guard.CHAIN_TOO_LONG


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (b"/Filter [/ASCII85Decode /FlateDecode]", lambda data: base64.a85encode(data, wrapcol=72) + b"~>"),
        (b"/Filter [/AHx /Fl]", lambda data: base64.b16encode(data) + b">"),
    ],
)
def test_a_bomb_under_a_text_encoding_is_refused(filters: bytes, encode) -> None:
    assert _refusal(pdf_of_streams((filters, encode(_zlib_of_zeros(16 * MEGABYTE))))) == REFUSED_STREAM.format(limit=8)


@pytest.mark.usefixtures("small_limits")
def test_a_bomb_whose_filter_is_an_indirect_object_is_refused() -> None:
    """The data is zlib data: it is inflated whatever the dictionary says."""
    assert _refusal(pdf_of_streams((b"/Filter 9 0 R", _zlib_of_zeros(16 * MEGABYTE)))) == REFUSED_STREAM.format(limit=8)


@pytest.mark.usefixtures("small_limits")
def test_the_words_of_a_stream_in_a_string_do_not_hide_it() -> None:
    data = pdf_of_streams((b"/Title (>> stream\n) /Filter /FlateDecode", _zlib_of_zeros(16 * MEGABYTE)))
    assert _refusal(data) == REFUSED_STREAM.format(limit=8)


@pytest.mark.parametrize(
    ("filters", "encoded"),
    [(b"/Filter /FlateDecode", zlib.compress(PAGE_TEXT)), (b"/Filter /LZWDecode", _lzw(PAGE_TEXT))],
)
def test_a_page_of_text_within_the_limits_is_read(filters: bytes, encoded: bytes) -> None:
    assert pdf.read_pdf(pdf_of_streams((filters, encoded), resources=HELVETICA)).text == "Notice"


@pytest.mark.usefixtures("small_limits")
def test_an_lzw_bomb_is_refused() -> None:
    assert _refusal(pdf_of_streams((b"/Filter /LZWDecode", _lzw(b"", zero_runs=2)))) == REFUSED_STREAM.format(limit=8)


def test_lzw_data_is_counted_at_the_size_it_decodes_to() -> None:
    """A table of zero strings 1, 2, ... 3801 bytes long, after the page's text: pdfium draws the text."""
    encoded = _lzw(PAGE_TEXT, zero_runs=1)
    data = pdf_of_streams((b"/Filter /LZWDecode", encoded), resources=HELVETICA)
    zeros = sum(range(1, LZW_TABLE_CODES + 2))
    assert lzw_expanded_size(encoded, 0, len(encoded), 1, 100 * MEGABYTE) == len(PAGE_TEXT) + zeros
    assert pdf.read_pdf(data).text == "Notice"
