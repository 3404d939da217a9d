"""Files a re-run takes as the database holds them, without opening them.

A daily increment re-runs over an archive already read: reading, hashing and looking up
10,000 unchanged files in the cache cost 1.1 s of a 2.6 s run, and ten times that at
100,000. A file whose path, size and modification time are what the database recorded
from before it was last read, and whose rows came from this pipeline, is taken to be the
file those rows came from, as make and rsync judge change (and as `state` judges a whole
run): its rows stay, and its manifest entry is the one the database holds. Which files
these are is settled in the process writing the database before any work is handed out,
so workers never see them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import compress

from graph import store
from policygraph.inputs import InputFile
from policygraph.outcome import TIMED_OUT, FileOutcome
from policygraph.state import Seen, Sightings

BATCH = store.IN_LIST_SIZE  # files looked up in one query


class Unchanged:
    """Which of a run's files the database holds as they are now: found once, before the
    work is handed out, and kept as a byte per file, as a batch may have 100,000 of them."""

    def __init__(self, connection: sqlite3.Connection, items: list[InputFile], seen: Sightings, pipeline: str) -> None:
        self.connection = connection
        self.items = items
        self.flags = bytearray(self._stand(seen, pipeline))

    def _stand(self, seen: Sightings, pipeline: str) -> Iterator[bool]:
        """For each file, whether it is unchanged: the database is asked a few hundred at a time."""
        for start in range(0, len(self.items), BATCH):
            chunk = self.items[start : start + BATCH]
            recorded = self._recorded(chunk)
            for index, item in enumerate(chunk, start):
                yield _stands(item, seen[index], recorded.get(item.shown_as), pipeline)

    def to_read(self) -> list[InputFile]:
        """The files the run must read, in input order."""
        return self.items.picked(not unchanged for unchanged in self.flags)

    def outcomes(self, read: Iterator[FileOutcome]) -> Iterator[FileOutcome]:
        """Every file's outcome in input order: the database's entry for an unchanged file,
        and for any other the next of `read`, the outcomes of `to_read`."""
        for start in range(0, len(self.items), BATCH):
            chunk, flags = self.items[start : start + BATCH], self.flags[start : start + BATCH]
            recorded = self._recorded(compress(chunk, flags))
            for item, unchanged in zip(chunk, flags, strict=True):
                yield _as_recorded(recorded[item.shown_as]) if unchanged else next(read)

    def _recorded(self, items: Iterable[InputFile]) -> dict[str, store.RecordedFile]:
        return {file.path: file for file in store.recorded_files(self.connection, (item.shown_as for item in items))}


def _stands(item: InputFile, now: Seen | None, recorded: store.RecordedFile | None, pipeline: str) -> bool:
    """Whether the database's record of the file stands for it as it is now: the same size
    and time under the same pipeline, and a result a re-run would not try again."""
    if recorded is None or now is None or item.skip_reason:
        return False
    seen_alike = (recorded.size, recorded.mtime_ns) == (now.size, now.mtime_ns)
    return seen_alike and recorded.pipeline == pipeline and _kept(recorded)


def _kept(recorded: store.RecordedFile) -> bool:
    """Whether a re-run would take the file's result from the cache rather than try it
    again: a file that could not be read, or whose worker died, has no digest (it was never
    cached), and a file that ran out of time is tried again under a larger limit."""
    return recorded.sha256 is not None and not (recorded.error or "").startswith(TIMED_OUT)


def _as_recorded(recorded: store.RecordedFile) -> FileOutcome:
    """An unchanged file's outcome: its notices are in the database already, so none comes with it."""
    return FileOutcome(recorded.path, recorded.sha256, recorded.status, recorded.error, reused=True, unopened=True)
