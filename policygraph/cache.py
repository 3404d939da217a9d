"""Per-file results kept between runs, so a re-run only processes what changed.

A result is keyed by the file's content digest and the pipeline's own digest (its code
and data), so changing either one redoes the file; a file that only moved is not redone.
Results live in one SQLite file rather than a file each, which a batch of a hundred
thousand notices would pay for in file creation. Workers only read it; the run's own
process writes it, committing every few dozen files so that a killed run keeps what
it has done.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from policygraph.outcome import NoticeOutput
from policygraph.state import pipeline_digest
from schema import NoticeRecord

CACHE_PATH = Path(".cache") / "results.sqlite"
COMMIT_EVERY = 32  # files: a commit without fsync costs little
Result = tuple[str, str | None, list[NoticeOutput]]  # status, error, notices
# Rows are appended and found through an index: with the digest as the table's own key,
# each insert landed on a random page of the whole table, which cost twice as much.
CACHE_LAYOUT = 2
LAYOUTS = f"""
    DROP TABLE IF EXISTS results;
    CREATE TABLE results (sha256 TEXT, pipeline TEXT, file TEXT, status TEXT, error TEXT, notices TEXT);
    CREATE UNIQUE INDEX results_key ON results (sha256, pipeline);
    PRAGMA user_version = {CACHE_LAYOUT};
"""


class ResultCache:
    """The reading side, one connection per worker process, opened on first use.

    A first run, or the first after the pipeline changed, finds nothing: it then does not
    ask, as a lookup in a database being written costs about 35 µs."""

    def __init__(self, out: Path) -> None:
        self.path = (out / CACHE_PATH).resolve()
        self._connection: sqlite3.Connection | None = None
        self.empty = self._lookup("SELECT 1 FROM results WHERE pipeline = ? LIMIT 1", (pipeline_digest(),)) is None
        self.close()  # each process opens its own

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_connection": None}

    def load(self, sha256: str, shown_as: str) -> Result | None:
        """An earlier run's result for the same content, re-attributed to the path it has now."""
        if self.empty:
            return None
        row = self._lookup(
            "SELECT file, status, error, notices FROM results WHERE sha256 = ? AND pipeline = ?",
            (sha256, pipeline_digest()),
        )
        if row is None:
            return None
        file, status, error, notices = row
        found = [NoticeOutput(*notice) for notice in json.loads(notices)]
        return status, error, found if file == shown_as else [_moved(notice, shown_as) for notice in found]

    def _lookup(self, query: str, parameters: tuple) -> tuple | None:
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self.path.as_uri() + "?mode=ro", uri=True)
            return self._connection.execute(query, parameters).fetchone()
        except sqlite3.Error:  # no cache yet, or one being replaced: the file is simply processed
            return None


class CacheWriter:
    """The writing side, in the run's own process."""

    def __init__(self, out: Path) -> None:
        folder = (out / CACHE_PATH).parent
        folder.mkdir(parents=True, exist_ok=True)
        for earlier in folder.glob("*.json"):  # the cache of earlier versions: a file per input
            earlier.unlink(missing_ok=True)
        self.connection = sqlite3.connect(out / CACHE_PATH)
        self.connection.execute("PRAGMA journal_mode = WAL")  # workers read while this process writes
        self.connection.execute("PRAGMA synchronous = OFF")  # a cache: an entry lost is only redone
        if self.connection.execute("PRAGMA user_version").fetchone()[0] != CACHE_LAYOUT:
            self.connection.executescript(LAYOUTS)  # a cache of another layout is dropped, not migrated
        self.connection.execute("DELETE FROM results WHERE pipeline != ?", (pipeline_digest(),))  # never read again
        self.connection.commit()
        self.pending = 0

    def save(self, sha256: str, file: str, status: str, error: str | None, notices: list[NoticeOutput]) -> None:
        entries = json.dumps([[notice.id, notice.line, notice.facts] for notice in notices], ensure_ascii=False)
        self.connection.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
            (sha256, pipeline_digest(), file, status, error, entries),
        )
        self.pending += 1
        if self.pending >= COMMIT_EVERY:
            self.connection.commit()
            self.pending = 0

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()


def _moved(notice: NoticeOutput, shown_as: str) -> NoticeOutput:
    record = NoticeRecord.model_validate_json(notice.line)
    moved = record.model_copy(update={"source": record.source.model_copy(update={"file": shown_as})})
    return NoticeOutput(notice.id, moved.model_dump_json(), notice.facts)
