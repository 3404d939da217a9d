"""Writing a run's files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

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
