"""What decoding a file yields: its source text and tables, or the reason it cannot be read.

These live apart from decode.py so that the readers decode.py dispatches to (ingest/pdf.py)
can build and raise them without importing decode.py back.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A ruled table of a PDF, such as the 中选结果表 attached to a notice, one cell a string."""

    page: int  # the 1-based page the table starts on; it may run on over the next pages
    header: tuple[str, ...]  # the column names; () when no row reads as a header
    rows: tuple[tuple[str, ...], ...]  # the rows under the header, on all its pages


@dataclass(frozen=True)
class SourceText:
    text: str  # the decoded text; for a PDF, pages joined with "\f" (form feed)
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "pdf", "pdf-ocr", "html" or "docx"
    pages: int | None = None  # page count for a PDF, else None
    tables: tuple[Table, ...] = ()  # a PDF's ruled tables, in page order


class DecodeError(Exception):
    """The file cannot be read as a notice; str(err) is a one-line reason a person can act on."""


class NeedsOCR(DecodeError):
    """A PDF has no usable text layer and no OCR engine is installed: a scan, not a failed download."""
