"""Per-file results kept between runs, so a re-run only processes what changed.

A result is keyed by the file's content digest and the pipeline's own digest (its code
and data), so changing either one redoes the file; a file that only moved is not redone.
"""

from __future__ import annotations

import json
from pathlib import Path

from policygraph.outputs import write_atomically
from policygraph.state import pipeline_digest
from schema import NoticeRecord

CACHE_FOLDER = ".cache"


class ResultCache:
    def __init__(self, out: Path) -> None:
        self.folder = out / CACHE_FOLDER

    def _path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}-{pipeline_digest()}.json"

    def load(self, sha256: str, shown_as: str) -> tuple[str, str | None, list[NoticeRecord]] | None:
        """(status, error, records) of an earlier run on the same content, re-attributed to
        the path it has now; None when there is none or it cannot be read."""
        try:
            entry = json.loads(self._path(sha256).read_text(encoding="utf-8"))
            records = [NoticeRecord.model_validate(record) for record in entry["records"]]
        except (OSError, ValueError, KeyError):
            return None
        return entry["status"], entry["error"], [_moved(record, shown_as) for record in records]

    def save(self, sha256: str, status: str, error: str | None, records: list[NoticeRecord]) -> None:
        entry = {"status": status, "error": error, "records": [record.model_dump(mode="json") for record in records]}
        write_atomically(self._path(sha256), json.dumps(entry, ensure_ascii=False), durable=False)


def _moved(record: NoticeRecord, shown_as: str) -> NoticeRecord:
    return record.model_copy(update={"source": record.source.model_copy(update={"file": shown_as})})
