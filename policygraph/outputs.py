"""The output folder: held by one run at a time, written so that a reader never sees
half of a file, and rid of what a killed run left half-written and of a database the
run cannot use."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TextIO

LOCK_NAME = ".lock"
# atomic_file's temporaries: "." + the file's name + "." + mkstemp's eight characters + ".tmp"
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
EARLIER_TEMPORARIES = (".state.json.tmp",)  # named by versions before the state was written by atomic_file
SET_ASIDE_SUFFIX = ".broken"
# SQLite's files beside a database, which belong to it: a journal left behind would be
# played into the next database of that name.
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")
COPY_BUFFER = 1 << 20  # bytes read at a time where the kernel cannot copy a range of a file itself
UMASK = os.umask(0o022)
os.umask(UMASK)  # read once, at import: the temporary file below is created private (0600)
_held_locks: set[int] = set()


class OutputFolderError(Exception):
    """The output folder cannot be used; the message says why, in one line."""


@contextmanager
def claim(out: Path) -> Iterator[None]:
    """The output folder for this run alone until the block ends: made if missing, locked
    against other runs, and rid of the temporaries a killed run left (which only the
    lock makes safe: they may be another run's, being written). The lock is the kernel's
    (flock), so it ends with its process, however that ends."""
    descriptor = _lock(out)
    try:
        _remove_temporaries(out)
        yield
    finally:
        _held_locks.discard(descriptor)
        os.ftruncate(descriptor, 0)  # no pid once no run holds it
        os.close(descriptor)


def _lock(out: Path) -> int:
    """The lock file's descriptor, locked, holding this process's id for a run refused."""
    _make_folder(out)
    try:
        descriptor = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise OutputFolderError(f"cannot write in the output folder {out}: {error.strerror}") from error
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(descriptor)
        raise OutputFolderError(f"another run is using {out} (pid {holder}): wait for it to end, or stop it") from None
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
    _held_locks.add(descriptor)
    return descriptor


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputFolderError(f"the output folder {out} is a file") from None
    except OSError as error:
        raise OutputFolderError(f"cannot make the output folder {out}: {error.strerror}") from error


def _forget_held_locks() -> None:
    """A process forked while a run holds its folder (a worker) drops its copy of the lock:
    a worker that outlives a killed run would otherwise keep the folder locked."""
    for descriptor in _held_locks:
        os.close(descriptor)
    _held_locks.clear()


os.register_at_fork(after_in_child=_forget_held_locks)


def _remove_temporaries(out: Path) -> None:
    """Only files of this module's naming; one that cannot be removed does no harm."""
    for entry in os.scandir(out):
        if TEMPORARY.fullmatch(entry.name) or entry.name in EARLIER_TEMPORARIES:
            with suppress(OSError):
                os.unlink(entry.path)


@contextmanager
def atomic_file(path: Path, binary: bool = False) -> Iterator[TextIO | BinaryIO]:
    """A stream written beside the target, flushed to disk, then renamed over it in one
    step when the block ends; if the block fails, the target is left as it was. Text is
    written in UTF-8; a binary stream takes bytes already encoded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~UMASK)  # readable as any file the user writes, by downstream systems too
        with os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copy_range(source: Path, stream: TextIO | BinaryIO, start: int, end: int) -> None:
    """Bytes `start` to `end` of `source` put at the end of `stream`, a file's: by the kernel
    where it can (copy_file_range, on Linux; 650 MB in 0.2 s), else through a buffer."""
    stream.flush()
    with source.open("rb") as copied:
        copied.seek(start)
        left = end - start
        while left:
            done = _copy_some(copied.fileno(), stream.fileno(), left)
            if not done:
                raise OSError(f"{source} is shorter than when it was written")
            left -= done
    stream.seek(0, os.SEEK_END)  # the stream's own count of where it is lags behind the copy


def _copy_some(source: int, target: int, count: int) -> int:
    """Bytes copied of the next `count`: through a buffer on a system without copy_file_range
    (macOS), or a file system or kernel that refuses it."""
    if hasattr(os, "copy_file_range"):
        with suppress(OSError):
            return os.copy_file_range(source, target, count)
    data = os.read(source, min(count, COPY_BUFFER))
    view = memoryview(data)
    while view:
        view = view[os.write(target, view) :]
    return len(data)


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
