"""The one font pdfium is given for every font a PDF names but does not embed.

Left to itself, pdfium stands in for such a font with one it finds among the machine's
fonts, and reading the text then depends on what the machine has installed: without a
CJK font, a Chinese character has no glyph, so no box, and a text object of one such
character has no width; pdfium drops it from the page's text, and a line of one
character, "方" at the top of a page, vanishes. With fonts-noto-cjk installed every page
loads glyphs from a 20 MB font, four times the cost of reading the page.

The text itself never comes from the stand-in: the PDF maps its codes to Unicode and
gives each character's advance (its /W or /Widths). All a stand-in has to give is a
glyph with a box, so pdfium is handed FILLER, a font built here whose every code point
is one em square, in place of any font it would look for. The machine's fonts are
never consulted, and every machine reads a PDF into the same text.

The font is TrueType: FreeType, inside pdfium, reads it; its cmap is a format 13
(many-to-one) table that maps every code point, U+0000 to U+10FFFF, to the one square.
"""

import ctypes
import functools
import struct

import pypdfium2.raw as pdfium_c

FACE_NAME = b"PolicygraphFiller"
UNITS_PER_EM = 1000
ASCENT, DESCENT = 880, -120  # the em square sits on the baseline as a CJK glyph does
LAST_CODE_POINT = 0x10FFFF
SQUARE_GLYPH = 1  # glyph 0 is .notdef, empty
GLYPH_COUNT = 2
CHARSET_ANSI = 0  # what the font says it covers when pdfium asks; pdfium then takes it for any text
SYSFONTINFO_VERSION = 1  # the interface without the callbacks that version 2 adds

# A font handle is an opaque pointer to pdfium; there is one font, so one handle.
FILLER_HANDLE = 1
WHOLE_FONT = 0  # GetFontData's table tag for the whole font file


def install() -> None:
    """Make pdfium take FILLER for every font a PDF does not embed (once a process)."""
    pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(_font_info()))


@functools.cache
def _font_info() -> pdfium_c.FPDF_SYSFONTINFO:
    """pdfium's font lookup, answered with FILLER whatever it asks for. Cached: pdfium keeps
    the pointer, so the structure and its callbacks must live as long as the process."""
    info_type = pdfium_c.FPDF_SYSFONTINFO
    callback = {name: kind for name, kind in info_type._fields_}
    return info_type(
        version=SYSFONTINFO_VERSION,
        Release=callback["Release"](_ignore),
        EnumFonts=callback["EnumFonts"](_ignore_with),
        MapFont=callback["MapFont"](_map_font),
        GetFont=callback["GetFont"](_get_font),
        GetFontData=callback["GetFontData"](_get_font_data),
        GetFaceName=callback["GetFaceName"](_get_face_name),
        GetFontCharset=callback["GetFontCharset"](_get_font_charset),
        DeleteFont=callback["DeleteFont"](_ignore_with),
    )


def _ignore(_info) -> None:
    """Nothing to release: the structure lives as long as the process."""


def _ignore_with(_info, _argument) -> None:
    """No fonts to list to pdfium, and the one font is never deleted."""


def _map_font(_info, _weight, _italic, _charset, _pitch_family, _face, exact) -> int:
    if exact:
        exact[0] = 0  # a stand-in, not the font asked for
    return FILLER_HANDLE


def _get_font(_info, _face) -> int:
    return FILLER_HANDLE


def _get_font_data(_info, _font, table: int, buffer, size: int) -> int:
    """The whole font file, copied when pdfium's buffer holds it; pdfium asks for single tables
    (a TrueType collection's header) only to find one, and FILLER is no collection."""
    if table != WHOLE_FONT:
        return 0
    data = filler_font()
    if buffer and size >= len(data):
        ctypes.memmove(buffer, data, len(data))
    return len(data)


def _get_face_name(_info, _font, buffer, size: int) -> int:
    name = FACE_NAME + b"\0"
    if buffer and size >= len(name):
        ctypes.memmove(buffer, name, len(name))
    return len(name)


def _get_font_charset(_info, _font) -> int:
    return CHARSET_ANSI


@functools.cache
def filler_font() -> bytes:
    """FILLER as a TrueType file: the tables FreeType needs to load a face and a glyph."""
    square = _square_glyph()
    tables = {
        b"cmap": _cmap(),
        b"glyf": square,
        b"head": _head(),
        b"hhea": _hhea(),
        b"hmtx": struct.pack(">HhHh", UNITS_PER_EM, 0, UNITS_PER_EM, 0),
        b"loca": struct.pack(">HHH", 0, 0, len(square) // 2),  # short offsets count 2-byte words
        b"maxp": struct.pack(">IHHHHHHHHHHHHHH", 0x00010000, GLYPH_COUNT, 4, 1, 0, 0, 2, *[0] * 8),
        b"name": struct.pack(">HHH", 0, 0, 6),  # no records: pdfium takes the face name from GetFaceName
        b"post": struct.pack(">IIhhIIIII", 0x00030000, 0, 0, 0, 1, 0, 0, 0, 0),  # no glyph names
    }
    return _sfnt(tables)


def _square_glyph() -> bytes:
    """One closed contour of four on-curve points, the em square above the descent."""
    left, right, bottom, top = 0, UNITS_PER_EM, DESCENT, ASCENT
    on_curve = 0x01
    header = struct.pack(">hhhhh", 1, left, bottom, right, top)
    contour_ends = struct.pack(">HH", 3, 0)  # last point of the one contour; no instructions
    flags = bytes([on_curve] * 4)
    xs = struct.pack(">hhhh", left, right - left, 0, left - right)  # each a step from the last point
    ys = struct.pack(">hhhh", bottom, 0, top - bottom, 0)
    return header + contour_ends + flags + xs + ys  # even-sized, as short offsets need


def _cmap() -> bytes:
    windows, unicode_full = 3, 10
    subtable_offset = 4 + 8
    groups = struct.pack(">III", 0, LAST_CODE_POINT, SQUARE_GLYPH)
    subtable = struct.pack(">HHIII", 13, 0, 16 + len(groups), 0, 1) + groups
    return struct.pack(">HHHHI", 0, 1, windows, unicode_full, subtable_offset) + subtable


def _head() -> bytes:
    magic, long_offsets_no = 0x5F0F3CF5, 0
    left_to_right = 2
    return struct.pack(
        ">IIIIHHqqhhhhHHhhh",
        0x00010000,  # version
        0x00010000,  # font revision
        0,  # checksum adjustment: FreeType does not check it
        magic,
        0,  # flags
        UNITS_PER_EM,
        0,  # created
        0,  # modified
        0,
        DESCENT,
        UNITS_PER_EM,
        ASCENT,  # the font's box: the square's
        0,  # style
        8,  # smallest readable size in pixels
        left_to_right,
        long_offsets_no,
        0,  # glyph data format
    )


def _hhea() -> bytes:
    return struct.pack(
        ">IhhhHhhhhhhhhhhhH",
        0x00010000,
        ASCENT,
        DESCENT,
        0,  # line gap
        UNITS_PER_EM,  # widest advance
        0,  # least left side bearing
        0,  # least right side bearing
        UNITS_PER_EM,  # widest extent
        1,  # caret slope rise: upright
        0,  # caret slope run
        0,  # caret offset
        0,
        0,
        0,
        0,  # reserved
        0,  # metric data format
        GLYPH_COUNT,  # advances given for every glyph
    )


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """The tables in one TrueType file: the header, a directory sorted by tag, each table
    padded to four bytes."""
    count = len(tables)
    search_range = 16 * 2 ** (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, search_range, count.bit_length() - 1, 16 * count - search_range)
    offset = len(header) + 16 * count
    directory, bodies = b"", b""
    for tag in sorted(tables):
        body = tables[tag]
        directory += struct.pack(">4sIII", tag, _checksum(body), offset + len(bodies), len(body))
        bodies += body + b"\0" * (-len(body) % 4)
    return header + directory + bodies


def _checksum(table: bytes) -> int:
    padded = table + b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
