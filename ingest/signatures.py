"""What a file is, told from its first bytes and its name before any reader of a format is
imported: the readers of web pages, PDFs and Word files cost 0.25 s of imports, which a
batch of plain-text notices never needs."""

from __future__ import annotations

import re

import webencodings

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Compound File Binary: old .doc, and password-protected .docx
DOCX_SUFFIX = ".docx"
OLD_DOC = "old Word .doc format is not supported; save as .docx"
PROTECTED_DOCX = "password-protected .docx is not supported; remove the password and save again"

# Pages declare a charset in a <meta> tag near the top; browsers read at most this far.
CHARSET_SCAN_BYTES = 4096
DECLARED_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Browsers read pages labelled GB2312 or GBK with the GBK decoder, and GB18030 is its
# superset; Big5 pages are Windows' Big5 in practice (as decode.py reads them too). Keyed by
# the Encoding Standard's names, which every label of these comes to.
CHARSET_SUPERSETS = {"gbk": "gb18030", "big5": "cp950"}
# The HTML standard's rules for a charset found in the page: a page that names UTF-16 there
# was read as ASCII to find it, so it is not UTF-16; x-user-defined is read as windows-1252.
DECLARED_INSTEAD = {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "windows-1252"}
# What the Encoding Standard makes of labels that are unsafe to decode (iso-2022-kr, hz-gb-2312):
# it reads nothing, so the declaration is ignored.
NO_TEXT_ENCODING = "replacement"
HTML_SNIFF_BYTES = 1024
HTML_SIGNATURE = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)


def looks_like_html(data: bytes) -> bool:
    """A saved page announces itself at the top, whatever its file name says."""
    return HTML_SIGNATURE.search(data[:HTML_SNIFF_BYTES]) is not None


def page_charset(data: bytes) -> str | None:
    """The codec for the charset the page declares, or None when it declares none a browser
    knows. Labels are looked up as browsers look them up (the Encoding Standard, through
    webencodings), not as Python codec names: those also name transforms (base64, zlib,
    rot13) and codecs no page is written in (utf-7, unicode_escape), which fail on a page's
    bytes or garble them."""
    match = DECLARED_CHARSET.search(data[:CHARSET_SCAN_BYTES])
    encoding = webencodings.lookup(match.group(1).decode("ascii")) if match else None
    if encoding is None or encoding.name == NO_TEXT_ENCODING:
        return None
    name = DECLARED_INSTEAD.get(encoding.name, encoding.name)
    return CHARSET_SUPERSETS.get(name) or webencodings.lookup(name).codec_info.name


def refuse_ole(name: str) -> str:
    """The reason to give for a Compound File Binary file, which Word writes for two things."""
    return PROTECTED_DOCX if name.lower().endswith(DOCX_SUFFIX) else OLD_DOC
