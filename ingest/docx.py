"""Turn a Word .docx file into the text of its notice, one paragraph per line.

python-docx opens and checks the package. Its Paragraph.text reads only a paragraph's
direct runs, which loses text a reviewer inserted with tracked changes (w:ins) and text
in content controls, so the body's XML is walked here: deleted text (w:del, w:moveFrom)
is left out, inserted text kept, and the fallback copy Word stores beside every text box
(mc:Fallback) skipped so a text box is read once.

A .docx is a zip archive, and a small archive can unpack to gigabytes; the archive's own
directory is checked before anything is unpacked.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from lxml import etree

from ingest.source import DecodeError

MAIN_DOCUMENT = "word/document.xml"
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Word's XML compresses about 5 to 30 to 1; deflate's ceiling, reached by zip bombs, is about 1000.
MAX_COMPRESSION_RATIO = 200
MAX_DETAIL_CHARS = 160

NOT_ZIP = "not a Word .docx file: the content is not a zip archive (it starts with {start!r})"
NO_MAIN_DOCUMENT = f"not a Word .docx file: the zip archive has no {MAIN_DOCUMENT}"
TOO_BIG_UNPACKED = "refusing .docx: it would unpack to {size:,} bytes, the limit is {limit:,} bytes (zip bomb?)"
TOO_COMPRESSED = (
    "refusing .docx: it is compressed {ratio:,.0f} to 1, beyond the {limit} to 1 a Word document reaches (zip bomb?)"
)
CORRUPT = "corrupt .docx, cannot parse it: {detail}"

MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Subtrees whose text is not part of the document as it now reads.
SKIPPED = {qn("w:del"), qn("w:moveFrom"), f"{{{MARKUP_COMPATIBILITY}}}Fallback", qn("w:txbxContent")}
# Run content that stands for a character.
CHARACTERS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
TEXT = qn("w:t")
PARAGRAPH, TABLE, ROW, CELL = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
TEXT_BOX = qn("w:txbxContent")
# Block-level wrappers whose paragraphs and tables belong to the flow around them.
BLOCK_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo")}
CELL_SEPARATOR = "\t"


def docx_to_text(data: bytes) -> str:
    """The document's paragraphs and table rows, one per line."""
    _check_archive(data)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as err:  # python-docx raises KeyError, ValueError, lxml errors... on bad packages
        detail = " ".join(f"{type(err).__name__}: {err}".split())
        raise DecodeError(CORRUPT.format(detail=detail[:MAX_DETAIL_CHARS])) from err
    return "\n".join(line for line in _block_lines(body) if line.strip())


def _check_archive(data: bytes) -> None:
    """Refuse what is not a Word archive, or would unpack to far more than a document does."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as err:
        raise DecodeError(NOT_ZIP.format(start=data[:8])) from err
    if MAIN_DOCUMENT not in {member.filename for member in members}:
        raise DecodeError(NO_MAIN_DOCUMENT)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DecodeError(TOO_BIG_UNPACKED.format(size=unpacked, limit=MAX_UNPACKED_BYTES))
    ratio = unpacked / len(data)
    if ratio > MAX_COMPRESSION_RATIO:
        raise DecodeError(TOO_COMPRESSED.format(ratio=ratio, limit=MAX_COMPRESSION_RATIO))


def _block_lines(container: etree._Element) -> Iterator[str]:
    """Lines of the paragraphs and tables in a body, cell, text box or content control, in order."""
    for child in container:
        if child.tag == PARAGRAPH:
            yield from _paragraph_lines(child)
        elif child.tag == TABLE:
            yield from _table_lines(child)
        elif child.tag in BLOCK_WRAPPERS:
            yield from _block_lines(child)


def _paragraph_lines(paragraph: etree._Element) -> Iterator[str]:
    """Text boxes anchored in the paragraph first (they hold banners such as the issuer's
    name), then the paragraph's own text; a line break inside it starts a new line."""
    for text_box in _text_boxes(paragraph):
        yield from _block_lines(text_box)
    yield from "".join(_run_text(paragraph)).split("\n")


def _text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if child.tag == TEXT_BOX:
            yield child
        elif child.tag not in SKIPPED:
            yield from _text_boxes(child)


def _run_text(element: etree._Element) -> Iterator[str]:
    for child in element:
        if child.tag == TEXT:
            yield child.text or ""
        elif child.tag in CHARACTERS:
            yield CHARACTERS[child.tag]
        elif child.tag not in SKIPPED:
            yield from _run_text(child)


def _table_lines(table: etree._Element) -> Iterator[str]:
    """A data row (one line per cell) becomes one line of tab-separated cells; a layout row,
    whose cells hold several paragraphs, gives each its own line."""
    for row in _children(table, ROW):
        cells = [[line for line in _block_lines(cell) if line.strip()] for cell in _children(row, CELL)]
        if all(len(lines) <= 1 for lines in cells):
            yield CELL_SEPARATOR.join(lines[0] if lines else "" for lines in cells)
        else:
            yield from (line for lines in cells for line in lines)


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with the tag, also those wrapped in a content control or custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _children(child, tag)
