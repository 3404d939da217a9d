"""Read one input file's bytes, whatever its path turns out to lead to.

A folder of notices can hold anything a file system can: a named pipe, which blocks whoever
opens it until a writer comes; a link to a device such as /dev/zero, which never ends and
reports a size of 0; links that loop, or lead nowhere. Only regular files are read. A file
is opened without blocking and checked once it is open, so that nothing can take its place
between the check and the read. It is read to one byte past the size limit, whatever size
it reports: a /proc file reports 0, and a file still being written grows.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ingest.source import DecodeError

MAX_BYTES: int = 20 * 1024 * 1024
READ_CHUNK = 1024 * 1024  # after the first read, which asks for the size the file reports
# O_NONBLOCK: opening a named pipe waits for a writer otherwise. O_NOCTTY: a terminal
# reached through a link must not become this process's controlling terminal.
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC

TOO_LARGE = "file too large: {size:,} bytes, the limit is {limit:,} bytes"
GREW_TOO_LARGE = "file too large: more than the limit of {limit:,} bytes"
NOT_REGULAR = "not a regular file: {kind}, which holds no notice"
NO_SUCH_FILE = "no such file or folder"
BROKEN_LINK = "a broken link: the file it points to does not exist"
LINK_LOOP = "a link that loops: following it leads back to a link already followed (or through over 40 links)"
UNREADABLE = "cannot read file: {reason}"
# What a path that is not a regular file is, told by its mode.
FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
UNKNOWN_KIND = "neither a file nor a folder"


def read_file(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, or a DecodeError whose message says in a line why there are none."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError as error:
        raise DecodeError(_cannot_open(path, error)) from error
    try:
        return _read_regular(descriptor, max_bytes)
    except OSError as error:
        raise DecodeError(UNREADABLE.format(reason=error.strerror or error)) from error
    finally:
        os.close(descriptor)


def _read_regular(descriptor: int, max_bytes: int) -> bytes:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        raise DecodeError(NOT_REGULAR.format(kind=_kind(status.st_mode)))
    if status.st_size > max_bytes:  # refused before reading, with the size it has
        raise DecodeError(TOO_LARGE.format(size=status.st_size, limit=max_bytes))
    data = _read_to_limit(descriptor, status.st_size, max_bytes)
    if len(data) > max_bytes:
        raise DecodeError(GREW_TOO_LARGE.format(limit=max_bytes))
    return data


def _read_to_limit(descriptor: int, reported_size: int, max_bytes: int) -> bytes:
    """To the end, or to one byte past the limit. The first read asks for one byte more
    than the reported size, so that a file read whole takes one read and one to see the
    end: asking for the limit itself would allocate 20 MiB for every file."""
    chunks = []
    left = max_bytes + 1
    wanted = min(reported_size + 1, left)
    while left and (chunk := os.read(descriptor, wanted)):
        chunks.append(chunk)
        left -= len(chunk)
        wanted = min(READ_CHUNK, left)
    return b"".join(chunks)


def _cannot_open(path: str | Path, error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return BROKEN_LINK if os.path.islink(path) else NO_SUCH_FILE
    if error.errno == errno.ELOOP:
        return LINK_LOOP
    if error.errno == errno.ENXIO:  # a socket, or a device without a driver: nothing to open
        return NOT_REGULAR.format(kind=_kind_of(path))
    return UNREADABLE.format(reason=error.strerror or error)


def _kind_of(path: str | Path) -> str:
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return UNKNOWN_KIND


def _kind(mode: int) -> str:
    return next((kind for is_kind, kind in FILE_KINDS if is_kind(mode)), UNKNOWN_KIND)
