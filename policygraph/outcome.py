"""What the per-file work hands back to the run: plain data, cheap to send between processes.

Workers make each notice's line of notices.jsonl and its database rows, so that the one
process writing the outputs only writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.store import NoticeRows, notice_rows
from schema import FACT_FIELDS, NoticeRecord
from schema.codec import read_record, record_line

TIMED_OUT = "timed out"


class CannotRead(Exception):
    """A file that gives no notice, with the one-line reason its manifest entry gives: a
    program reading a file through the Python API is told what a run would record."""

    def __init__(self, reason: str, status: str = "failed", time_limit: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # failed, or needs_ocr: a scan, and no OCR engine here
        self.time_limit = time_limit  # seconds: the limit it ran out of, when it timed out


@dataclass(frozen=True)
class NoticeOutput:
    id: str
    line: bytes  # the record as JSON in UTF-8, one line of notices.jsonl
    facts: int
    rows: NoticeRows | None = None  # None when it came from the cache: made again only if needed

    def database_rows(self) -> NoticeRows:
        return self.rows or notice_rows(read_record(self.line), self.line)


def notice_output(record: NoticeRecord) -> NoticeOutput:
    line = record_line(record)
    facts = sum(len(getattr(record, name)) for name in FACT_FIELDS)
    return NoticeOutput(record.id, line, facts, notice_rows(record, line))


@dataclass
class FileOutcome:
    file: str
    sha256: str | None
    status: str  # ok, failed, skipped, or needs_ocr (a scan, and no OCR engine here)
    error: str | None = None
    notices: list[NoticeOutput] = field(default_factory=list)
    reused: bool = False
    time_limit: float | None = None  # seconds: the limit it ran out of, when it timed out

    @property
    def timed_out(self) -> bool:
        """A timeout says only that the file needs more than its limit: it is remembered
        with the limit, and tried again under a larger one."""
        return (self.error or "").startswith(TIMED_OUT)

    def manifest_entry(self) -> dict:
        return {
            "path": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error,
            "notices": [notice.id for notice in self.notices],
        }
