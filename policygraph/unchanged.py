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
from collections.abc import Iterator
from typing import NamedTuple

from graph import store
from policygraph.inputs import InputFile, InputFiles, given_path
from policygraph.outcome import TIMED_OUT
from policygraph.state import Seen, Sightings

NOT_HELD = -1  # the position of a file the database does not hold


class OutOfOrder(Exception):
    """The database's files are not in their paths' order, as a run of this version leaves them."""


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
            self._pair(store.files_in_order(connection), seen, pipeline, force)
        except OutOfOrder:
            self._read_all(connection)

    def _pair(self, held: Iterator[store.RecordedFile], seen: Sightings, pipeline: str, force: bool) -> None:
        in_order = _in_order(held)
        file = next(in_order, None)
        for index, item in enumerate(self.items):
            while file is not None and file.given_as < item.path:
                self.gone.append(file.recorded.path)
                file = next(in_order, None)
            if file is not None and file.given_as == item.path:
                self.held_at[index] = file.recorded.position
                self.flags[index] = not force and _stands(item, seen[index], file.recorded, pipeline)
                file = next(in_order, None)
        while file is not None:
            self.gone.append(file.recorded.path)
            file = next(in_order, None)

    def _read_all(self, connection: sqlite3.Connection) -> None:
        """Files held out of order cannot be paired in one pass: every file is read again
        (its cached result reused), and every held one given up until the run places it."""
        self.flags = bytearray(len(self.items))
        self.held_at = array("q", [NOT_HELD]) * len(self.items)
        self.gone = [recorded.path for recorded in store.files_in_order(connection)]

    def to_read(self) -> InputFiles:
        """The files the run must read, in input order."""
        if 1 not in self.flags:
            return self.items
        return self.items.picked(not unchanged for unchanged in self.flags)


class _Held(NamedTuple):
    given_as: str  # the path as a run is given it, which orders the run's files
    recorded: store.RecordedFile


def _in_order(held: Iterator[store.RecordedFile]) -> Iterator[_Held]:
    previous = ""
    for recorded in held:
        given_as = given_path(recorded.path)
        if given_as < previous:
            raise OutOfOrder(recorded.path)
        previous = given_as
        yield _Held(given_as, recorded)


def _stands(item: InputFile, now: Seen | None, recorded: store.RecordedFile, pipeline: str) -> bool:
    """Whether the database's record of the file stands for it as it is now: the same size
    and time under the same pipeline, and a result a re-run would not try again."""
    if now is None or item.skip_reason:
        return False
    seen_alike = (recorded.size, recorded.mtime_ns) == (now.size, now.mtime_ns)
    return seen_alike and recorded.pipeline == pipeline and _kept(recorded)


def _kept(recorded: store.RecordedFile) -> bool:
    """Whether a re-run would take the file's result from the cache rather than try it
    again: a file that could not be read, or whose worker died, has no digest (it was never
    cached), and a file that ran out of time is tried again under a larger limit."""
    return recorded.sha256 is not None and not (recorded.error or "").startswith(TIMED_OUT)
