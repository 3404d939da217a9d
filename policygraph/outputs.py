"""Writing a run's files so that a reader never sees half of one, and moving aside a
database the run cannot use."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

SET_ASIDE_SUFFIX = ".broken"
# SQLite's files beside a database, which belong to it: a journal left behind would be
# played into the next database of that name.
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")
UMASK = os.umask(0o022)
os.umask(UMASK)  # read once, at import: the temporary file below is created private (0600)


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    """A stream written beside the target, flushed to disk, then renamed over it in one
    step when the block ends; if the block fails, the target is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~UMASK)  # readable as any file the user writes, by downstream systems too
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, content: str) -> None:
    with atomic_file(path) as stream:
        stream.write(content)


def set_aside(database: Path) -> Path:
    """Moves a SQLite database out of the way, with its companions, where it can still be
    looked at; one set aside earlier is replaced, so that damage that recurs fills no disk.
    The database first: a journal beside no database is not played into a new one."""
    kept = database.with_name(database.name + SET_ASIDE_SUFFIX)
    for suffix in ("", *SQLITE_COMPANIONS):
        Path(f"{kept}{suffix}").unlink(missing_ok=True)
    for suffix in ("", *SQLITE_COMPANIONS):
        if Path(f"{database}{suffix}").exists():
            os.replace(f"{database}{suffix}", f"{kept}{suffix}")
    return kept
