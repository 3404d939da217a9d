"""Refuse a PDF whose compressed streams would expand beyond what reading it may take, before pdfium opens it.

pdfium inflates each stream it reads whole, into memory: a 4 MB PDF whose page content is
zlib of 4 GB of zeros took a run to 5.4 GB. A notice's streams expand a few times over, a
scan's images some tens of times; a decompression bomb, a thousand times and more.

So each stream is inflated here first, a chunk at a time, its output counted and thrown
away, and the count stops at the limit: the check holds no more than a chunk, and costs
a bomb no more than its limit's worth of inflating. Streams are found in the bytes, not
through a parser, since a parser is what the bomb is aimed at: every `obj` whose `>>` is
followed by `stream`. The stream is inflated when its data is zlib data, whatever its
dictionary says (a /Filter may be an indirect object), and inflated again while the
output is zlib data, as a chain of FlateDecode filters is. Data under an ASCIIHex or
ASCII85 filter is decoded first, which at most quadruples it.

LZW data (rare since PDF 1.2) is counted by ingest/pdf_lzw.py when the dictionary names
LZWDecode first. Not covered: the streams of an encrypted PDF, which are not zlib data
until decrypted. pdfium caps RunLength output at 20 MB itself.
"""

import binascii
import itertools
import re
import struct
import zlib
from collections.abc import Iterable, Iterator

from ingest.pdf_lzw import lzw_expanded_size
from ingest.source import DecodeError

MEGABYTE = 1024 * 1024
# No stream may expand beyond MAX_STREAM_BYTES: pdfium holds a stream twice while inflating
# it. All streams together may expand to MAX_EXPANSION_RATIO times the file's size, and any
# file to MAX_EXPANDED_BYTES: a long scan whose pages are Flate images expands some tens of
# times over, and is refused by neither.
MAX_STREAM_BYTES = 256 * MEGABYTE
MAX_EXPANDED_BYTES = 256 * MEGABYTE
MAX_EXPANSION_RATIO = 100
MAX_FLATE_CHAIN = 4  # FlateDecode filters in a row; a chain of more is only ever a bomb
CHUNK_BYTES = MEGABYTE  # what the check holds of a stream at once

STREAM_TOO_BIG = "PDF refused: a compressed stream in it would expand to over {limit:,} MB (a decompression bomb?)"
STREAMS_TOO_BIG = "PDF refused: its compressed streams would expand to over {limit:,} MB (a decompression bomb?)"
CHAIN_TOO_LONG = (
    f"PDF refused: a stream in it is compressed more than {MAX_FLATE_CHAIN} times over (a decompression bomb?)"
)

PDF_WHITESPACE = b"\0\t\n\f\r "
DIGITS = b"0123456789"
# An object starts "12 0 obj"; "obj" is searched for as it is, many times faster than a
# pattern that starts with the numbers, and the two bytes before it are checked.
_OBJ = re.compile(rb"obj")
_STREAM = re.compile(rb">>[\0\t\n\f\r ]*stream(?:\r\n|\n|\r)")


def _first_filter(*names: bytes) -> re.Pattern[bytes]:
    """A stream dictionary whose first filter is one of `names` (a filter's full and short name)."""
    return re.compile(rb"/Filter[\0\t\n\f\r ]*\[?[\0\t\n\f\r ]*/(?:%s)(?![A-Za-z0-9])" % b"|".join(names))


_HEX_FIRST = _first_filter(b"ASCIIHexDecode", b"AHx")
_ASCII85_FIRST = _first_filter(b"ASCII85Decode", b"A85")
_LZW_FIRST = _first_filter(b"LZWDecode", b"LZW")
_NO_EARLY_CHANGE = re.compile(rb"/EarlyChange[\0\t\n\f\r ]+0(?![0-9.])")
HEX_END, ASCII85_END = b">", b"~>"
# ASCII85: five characters from "!" (0) to "u" (84) are four bytes; "z" is four zero bytes.
ASCII85_GROUP, ASCII85_BASE, ASCII85_ZERO_GROUP = 5, 85, b"z"
_ASCII85_DIGIT = bytes((code - ord("!")) % 256 for code in range(256))


def check_expansion(data: bytes) -> None:
    """Raise DecodeError when the PDF's streams would expand past the limits above."""
    total_limit = max(MAX_EXPANDED_BYTES, MAX_EXPANSION_RATIO * len(data))
    total = 0
    for size in _stream_sizes(data, min(MAX_STREAM_BYTES, total_limit)):
        if size > MAX_STREAM_BYTES:
            raise DecodeError(STREAM_TOO_BIG.format(limit=MAX_STREAM_BYTES // MEGABYTE))
        total += size
        if total > total_limit:
            raise DecodeError(STREAMS_TOO_BIG.format(limit=total_limit // MEGABYTE))


def _stream_sizes(data: bytes, limit: int) -> Iterator[int]:
    """The expanded size of each stream, counted to at most limit + 1."""
    starts = [match.end() for match in _OBJ.finditer(data) if _is_object_start(data, match.start())]
    for start, end in itertools.pairwise([*starts, len(data)]):
        yield _object_stream_size(data, start, end, limit)


def _is_object_start(data: bytes, obj_at: int) -> bool:
    """`obj` follows a generation number and a space, as an object's header has it ("endobj" does not)."""
    return obj_at >= 2 and data[obj_at - 1] in PDF_WHITESPACE and data[obj_at - 2] in DIGITS


def _object_stream_size(data: bytes, start: int, end: int, limit: int) -> int:
    """The expanded size of the stream of the object between start and end, 0 for none.

    The first `>> stream` whose data inflates is the stream's start: a string in the
    dictionary may hold the same words.
    """
    for keyword in _STREAM.finditer(data, start, end):
        dictionary = data[start : keyword.start()]
        if _LZW_FIRST.search(dictionary):
            early_change = 0 if _NO_EARLY_CHANGE.search(dictionary) else 1
            size = lzw_expanded_size(data, keyword.end(), end, early_change, limit)
        else:
            size = _counted(_expanded(_encoded_pieces(data, keyword.end(), dictionary)), limit)
        if size:
            return size
    return 0


def _encoded_pieces(data: bytes, start: int, dictionary: bytes) -> Iterator[memoryview]:
    """The stream's data a chunk at a time, from start to the end of the file (zlib data
    ends itself), decoded first when its first filter is a text encoding."""
    if _HEX_FIRST.search(dictionary):
        data, start = _hex_decoded(data, start), 0
    elif _ASCII85_FIRST.search(dictionary):
        data, start = _ascii85_decoded(data, start), 0
    view = memoryview(data)
    return (view[offset : offset + CHUNK_BYTES] for offset in range(start, len(data), CHUNK_BYTES))


def _hex_decoded(data: bytes, start: int) -> bytes:
    digits = data[start : _end(data, start, HEX_END)].translate(None, PDF_WHITESPACE)
    try:
        return binascii.unhexlify(digits + b"0" * (len(digits) % 2))  # an odd last digit is followed by 0
    except binascii.Error:
        return b""


def _ascii85_decoded(data: bytes, start: int) -> bytes:
    """The bytes of the ASCII85 text at start; three times faster than base64.a85decode, which
    reportlab's content streams (ASCII85 over Flate) made the main cost of the check."""
    text = data[start : _end(data, start, ASCII85_END)].translate(None, PDF_WHITESPACE)
    text = text.replace(ASCII85_ZERO_GROUP, b"!" * ASCII85_GROUP)
    padding = -len(text) % ASCII85_GROUP
    digits = (text + b"u" * padding).translate(_ASCII85_DIGIT)
    groups = zip(*[iter(digits)] * ASCII85_GROUP, strict=True)
    values = [_ascii85_value(group) & 0xFFFFFFFF for group in groups]  # an invalid group wraps as pdfium's does
    decoded = struct.pack(f">{len(values)}I", *values)
    return decoded[: len(decoded) - padding]


def _ascii85_value(group: tuple[int, ...]) -> int:
    value = 0
    for digit in group:
        value = value * ASCII85_BASE + digit
    return value


def _end(data: bytes, start: int, marker: bytes) -> int:
    """Where a text-encoded stream ends: at its end-of-data marker, or with the file."""
    end = data.find(marker, start)
    return len(data) if end < 0 else end


def _expanded(pieces: Iterable[bytes], links: int = 0) -> Iterator[bytes]:
    """The output of the chain of FlateDecode filters on pieces, a chunk at a time; nothing
    when pieces are not zlib data."""
    pieces = iter(pieces)
    head = next(pieces, b"")
    if not _is_zlib(head):
        return
    inflated = _inflated(itertools.chain([head], pieces))
    first = next(inflated, b"")
    if not _is_zlib(first):
        yield first
        yield from inflated
    elif links + 1 < MAX_FLATE_CHAIN:
        yield from _expanded(itertools.chain([first], inflated), links + 1)
    else:
        raise DecodeError(CHAIN_TOO_LONG)


def _inflated(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The zlib data in pieces inflated, at most CHUNK_BYTES at a time, up to its end or the
    first byte that breaks it."""
    inflater = zlib.decompressobj()
    for piece in pieces:
        pending = piece
        while pending and not inflater.eof:
            try:
                output = inflater.decompress(pending, CHUNK_BYTES)
            except zlib.error:
                return
            if not output:
                break  # all of the piece went in, none came out yet
            yield output
            pending = inflater.unconsumed_tail
        if inflater.eof:
            return


def _counted(chunks: Iterator[bytes], limit: int) -> int:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            break
    return size


def _is_zlib(head: bytes) -> bool:
    """The first two bytes are a zlib header: deflate, a window of at most 32 KB, and a check
    that makes the pair a multiple of 31 (RFC 1950)."""
    if len(head) < 2:
        return False
    method, window = head[0] & 0x0F, head[0] >> 4
    return method == 8 and window <= 7 and (head[0] << 8 | head[1]) % 31 == 0
