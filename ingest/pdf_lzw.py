"""How many bytes a PDF's LZW data expands to, counted without expanding it.

pdfium decodes an LZWDecode stream whole, into a buffer it grows without a cap below
4 GB, and an LZW code stands for up to some four thousand bytes: LZW is a decompression
bomb as zlib is, and zlib's bounded inflate does not read it. Counting needs no bytes:
each code stands for a string one byte longer than the string of the code before it
was added to the table, so a table of lengths is all that is kept.

The codes are read as pdfium reads them: 9 bits wide to begin with, one bit wider as the
table reaches 512, 1024 and 2048 codes (one code sooner with EarlyChange, the default),
256 clears the table and 257 ends the data.
"""

CLEAR, END_OF_DATA, FIRST_TABLE_CODE = 256, 257, 258
LITERALS = 256
FIRST_WIDTH = 9
# The table size, counted from FIRST_TABLE_CODE and plus EarlyChange, at which codes widen,
# and at which pdfium stops adding codes.
WIDER_AT = {512 - FIRST_TABLE_CODE: 10, 1024 - FIRST_TABLE_CODE: 11, 2048 - FIRST_TABLE_CODE: 12}
FULL_AT = 4094
WINDOW_BYTES = 3  # a code of at most 12 bits starts within the first byte of three


def lzw_expanded_size(data: bytes, start: int, end: int, early_change: int, limit: int) -> int:
    """The size of the LZW data between start and end once decoded, counted to at most limit + 1."""
    lengths: list[int] = []  # the length of the string of each table code, FIRST_TABLE_CODE on
    width, size, previous = FIRST_WIDTH, 0, 0
    position, end_bit = 8 * start, 8 * end
    while position + width <= end_bit and size <= limit:
        code = _code_at(data, position, width)
        position += width
        if code == CLEAR:
            lengths.clear()
            width, previous = FIRST_WIDTH, 0
            continue
        length = 0 if code == END_OF_DATA else _string_length(code, lengths, previous)
        if not length:
            break  # the end of the data, or a code pdfium cannot decode either
        size += length
        if previous and len(lengths) + early_change < FULL_AT:
            lengths.append(previous + 1)
            width = WIDER_AT.get(len(lengths) + early_change, width)
        previous = length
    return size


def _code_at(data: bytes, position: int, width: int) -> int:
    byte, bit = divmod(position, 8)
    window = int.from_bytes(data[byte : byte + WINDOW_BYTES].ljust(WINDOW_BYTES, b"\0"), "big")
    return (window >> (8 * WINDOW_BYTES - bit - width)) & ((1 << width) - 1)


def _string_length(code: int, lengths: list[int], previous: int) -> int:
    """The length of the string `code` (a literal or a table code) stands for. pdfium reads a
    code past the table as the code being added, the previous string and its first byte."""
    if code < LITERALS:
        return 1
    index = code - FIRST_TABLE_CODE
    if index < len(lengths):
        return lengths[index]
    return previous + 1 if previous else 0
