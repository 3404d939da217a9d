"""The run's database as the questions open it, for the command line and the Python API
alike: they say the same when there is none, and both stop vouching for one that is damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graph import store
from policygraph import state


class NoDatabase(FileNotFoundError):
    """No run has written the folder's database yet; the message says how to make it."""


def open_database(out: Path) -> sqlite3.Connection:
    """Never made afresh: an empty database would answer every question with nothing."""
    database = out / store.DATABASE_NAME
    if not database.exists():
        raise NoDatabase(f"no database at {database}: run `policygraph run … --out {out}` first")
    return store.connect(database)


def disowned(out: Path, error: sqlite3.Error) -> bool:
    """Whether the error is the database's own damage, which the run's state then no longer
    vouches for, so that the next run rebuilds the database rather than finding it current."""
    if not store.unusable(error):
        return False
    state.forget(out)
    return True
