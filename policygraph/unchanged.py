"""Files a re-run takes as the database holds them, without opening them.

A daily increment re-runs over an archive already read: reading, hashing and looking up
10,000 unchanged files in the cache cost 1.1 s of a 2.6 s run, and ten times that at
100,000. A file whose path, size and modification time are what the database recorded
from before it was last read, and whose rows came from this pipeline, is taken to be the
file those rows came from, as make and rsync judge change (and as `state` judges a whole
run): its rows stay, and its manifest entry is the one the database holds. Which files
these are is settled in the process writing the database before any work is handed out,
so workers never see them.

The run's files come in their paths' order (policygraph.inputs), and the database holds
the last run's files at their positions in that run, so one pass through both pairs them,
as a merge join does: no file is looked up by its path, and none is held in memory.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from graph import store
from policygraph.inputs import InputFiles, given_path
from policygraph.outcome import TIMED_OUT
from policygraph.state import Sightings

NOT_HELD = -1  # the position of a file the database does not hold


class OutOfOrder(Exception):
    """The database's files are out of their paths' order, which no run of this version leaves."""


class Unchanged:
    """Each of a run's files paired with the database's record of it: whether the run takes
    it as held (a byte per file), and its position in the last run (8 bytes per file), as a
    batch may have 100,000 of them. `gone`: the files the database holds that the run does
    not. `force`: no file is taken as held, each is read again."""

    def __init__(
        self, connection: sqlite3.Connection, items: InputFiles, seen: Sightings, pipeline: str, force: bool
    ) -> None:
        self.items = items
        self.flags = bytearray(len(items))
        self.held_at = array("q", [NOT_HELD]) * len(items)
        self.gone: list[str] = []
        try:
            self._pair(_in_order(store.files_in_order(connection, pipeline, TIMED_OUT)), seen, force)
        except OutOfOrder:
            self._read_all(connection)

    def _pair(self, in_order: Iterator[_Held], seen: Sightings, force: bool) -> None:
        """One pass through both, as a merge join; 100,000 files go round this loop, so
        what it reads is held in locals."""
        flags, held_at, gone = self.flags, self.held_at, self.gone
        skip_reason, alike = self.items.skip_reason, seen.alike
        file = next(in_order, None)
        for index, path in enumerate(self.items.paths()):
            while file is not None and file.given_as < path:
                gone.append(file.path)
                file = next(in_order, None)
            if file is not None and file.given_as == path:
                held_at[index] = file.position
                # Taken as held: its rows can stand for it, and it has the size and time it had
                # when read (a file that cannot be read now has neither).
                flags[index] = (
                    not force and file.rows_stand and alike(index, file.size, file.mtime_ns) and not skip_reason(path)
                )
                file = next(in_order, None)
        while file is not None:
            gone.append(file.path)
            file = next(in_order, None)

    def _read_all(self, connection: sqlite3.Connection) -> None:
        """Files held out of order cannot be paired in one pass: every file is read again
        (its cached result reused), and every held one given up until the run places it."""
        self.flags = bytearray(len(self.items))
        self.held_at = array("q", [NOT_HELD]) * len(self.items)
        self.gone = [path for (path, *_) in store.files_in_order(connection, "", TIMED_OUT)]

    def to_read(self) -> InputFiles:
        """The files the run must read, in input order."""
        if 1 not in self.flags:
            return self.items
        return self.items.picked(not unchanged for unchanged in self.flags)


class _Held(NamedTuple):
    """A file the database holds (store.files_in_order), with the path it was given as."""

    given_as: str  # the path as a run is given it, which orders the run's files
    path: str
    size: int | None
    mtime_ns: int | None
    position: int
    rows_stand: bool  # made by this pipeline, from a result a re-run would not try again


def _in_order(rows: Iterable[tuple]) -> Iterator[_Held]:
    previous = ""
    for row in rows:
        file = _Held(given_path(row[0]), *row)
        if file.given_as < previous:
            raise OutOfOrder(file.path)
        previous = file.given_as
        yield file
