"""Per-file results kept between runs, so a re-run only processes what changed.

A result is keyed by the file's content digest and the pipeline's own digest (its code
and data), so changing either one redoes the file; a file that only moved is not redone.
Results live in one SQLite file rather than a file each, which a batch of a hundred
thousand notices would pay for in file creation. Each process that does the per-file
work writes its own results, a chunk of files per commit, so that a killed run keeps
what it has done and the one process writing the run's outputs does not also write
the cache. Only processes on the machine holding the cache use it: SQLite's WAL, which
lets them read and write side by side, does not work across machines.
"""

from __future__ import annotations

import socket
import sqlite3
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import msgspec

from policygraph.outcome import FileOutcome, NoticeOutput
from policygraph.state import pipeline_digest
from schema.codec import read_record, record_line

CACHE_PATH = Path(".cache") / "results.sqlite"
WAIT_FOR_WRITERS = 60.0  # seconds: a writer holds the lock for one chunk's insert
# Rows are appended and found through an index: with the digest as the table's own key,
# each insert landed on a random page of the whole table, which cost twice as much. A
# timeout is kept with the limit it ran out of (time_limit, NULL for any other result).
# A file's notices are one JSON array of [id, record, facts], each record as its line
# (layout 4; layout 3 held each line as a JSON string, escaped again and again unescaped).
# Results of another pipeline are found through an index on it (layout 5): without one,
# looking for them read the whole table, 0.1 s of a day's increment beside 100,000.
CACHE_LAYOUT = 5
ENTRIES = msgspec.json.Decoder(list[tuple[str, msgspec.Raw, int]])
LAYOUTS = f"""
    DROP TABLE IF EXISTS results;
    CREATE TABLE results (
        sha256 TEXT, pipeline TEXT, file TEXT, status TEXT, error TEXT, notices TEXT, time_limit REAL
    );
    CREATE UNIQUE INDEX results_key ON results (sha256, pipeline);
    CREATE INDEX results_pipeline ON results (pipeline);
    PRAGMA user_version = {CACHE_LAYOUT};
"""


def open_cache(out: Path) -> ResultCache:
    """The run's cache, made ready by the run's own process before any worker uses it."""
    folder = (out / CACHE_PATH).parent
    folder.mkdir(parents=True, exist_ok=True)
    for earlier in folder.glob("*.json"):  # the cache of earlier versions: a file per input
        earlier.unlink(missing_ok=True)
    with sqlite3.connect(out / CACHE_PATH) as connection:
        connection.execute("PRAGMA journal_mode = WAL")  # kept by the file: every process reads and writes
        if connection.execute("PRAGMA user_version").fetchone()[0] != CACHE_LAYOUT:
            connection.executescript(LAYOUTS)  # a cache of another layout is dropped, not migrated
        connection.execute(  # never read again; `!=` would not use the index
            "DELETE FROM results WHERE pipeline < :pipeline OR pipeline > :pipeline", {"pipeline": pipeline_digest()}
        )
    connection.close()
    return ResultCache(out)


class CachedResult(NamedTuple):
    status: str
    error: str | None
    notices: list[NoticeOutput]
    time_limit: float | None  # seconds: the limit it ran out of, when it timed out


class ResultCache:
    """One connection per process, opened on first use.

    A first run, or the first after the pipeline changed, finds nothing: it then does not
    ask, as a lookup in a database being written costs about 35 µs."""

    def __init__(self, out: Path) -> None:
        self.path = (out / CACHE_PATH).resolve()
        self.host = socket.gethostname()
        self._connection: sqlite3.Connection | None = None
        self._unsaved: list[tuple] = []
        self.empty = self._lookup("SELECT 1 FROM results WHERE pipeline = ? LIMIT 1", (pipeline_digest(),)) is None
        self.close()  # each process opens its own

    def close(self) -> None:
        self.commit()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_connection": None, "_unsaved": []}

    def load(self, sha256: str, shown_as: str) -> CachedResult | None:
        """An earlier run's result for the same content, re-attributed to the path it has now."""
        if self.empty:
            return None
        row = self._lookup(
            "SELECT file, status, error, notices, time_limit FROM results WHERE sha256 = ? AND pipeline = ?",
            (sha256, pipeline_digest()),
        )
        if row is None:
            return None
        file, status, error, notices, time_limit = row
        found = [NoticeOutput(notice_id, bytes(line), facts) for notice_id, line, facts in ENTRIES.decode(notices)]
        moved = found if file == shown_as else [_moved(notice, shown_as) for notice in found]
        return CachedResult(status, error, moved, time_limit)

    def save(self, outcome: FileOutcome) -> None:
        """Held until `commit`, so that the write lock, which other workers wait for, is
        held for one insert and not while the files are processed."""
        entries = b"[%b]" % b",".join(
            b"[%b,%b,%d]" % (record_line(notice.id), notice.line, notice.facts) for notice in outcome.notices
        )
        key = (outcome.sha256, pipeline_digest())
        self._unsaved.append((*key, outcome.file, outcome.status, outcome.error, entries, outcome.time_limit))

    def commit(self) -> None:
        """Writes what `save` holds; a result that cannot be written is only redone next time."""
        rows, self._unsaved = self._unsaved, []
        with suppress(sqlite3.Error):
            if rows and (connection := self._connect()):
                with connection:
                    connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def _lookup(self, query: str, parameters: tuple) -> tuple | None:
        try:
            connection = self._connect()
            return connection.execute(query, parameters).fetchone() if connection else None
        except sqlite3.Error:  # no cache yet, or one being replaced: the file is simply processed
            return None

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None and socket.gethostname() == self.host and self.path.exists():
            self._connection = sqlite3.connect(self.path, timeout=WAIT_FOR_WRITERS)
            self._connection.execute("PRAGMA synchronous = OFF")  # a cache: an entry lost is only redone
        return self._connection


def _moved(notice: NoticeOutput, shown_as: str) -> NoticeOutput:
    record = read_record(notice.line)
    moved = replace(record, source=replace(record.source, file=shown_as))
    return NoticeOutput(notice.id, record_line(moved), notice.facts)
