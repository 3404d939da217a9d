"""The Python API: what the command line does, for a program in the same process, without
writing files for it or parsing what it prints.

Each function imports what it needs when called: reading notices loads jieba, asking a
database loads pydantic, and a run with nothing to do needs neither.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from policygraph.state import SECONDS_PER_FILE, RunOptions, RunSummary, settled_or_run

if TYPE_CHECKING:
    from policygraph.questions import RunDatabase
    from schema import NoticeRecord

UNNAMED = "<unnamed>"  # the source file of records read from bytes given without a name
NO_TIME_LIMIT = math.inf  # a limit takes SIGALRM, which is the calling program's to use


def extract(text_or_bytes: str | bytes, name: str | None = None) -> list[NoticeRecord]:
    """The records `policygraph run` writes to notices.jsonl for a file holding these bytes
    (a str: its UTF-8) and named `name`, which is the records' source file and whose suffix
    tells the format where the bytes do not. CannotRead, with the reason a run's manifest
    would give, for bytes that hold no notice."""
    from graph.copies import gathered
    from ingest.reading import MAX_BYTES, TOO_LARGE
    from policygraph.outcome import CannotRead
    from policygraph.pipeline import file_records, guarded

    data = text_or_bytes.encode() if isinstance(text_or_bytes, str) else bytes(text_or_bytes)
    if len(data) > MAX_BYTES:  # what a run refuses to read
        raise CannotRead(TOO_LARGE.format(size=len(data), limit=MAX_BYTES))
    sha256 = hashlib.sha256(data).hexdigest()
    return guarded(lambda: gathered(file_records(data, name or UNNAMED, sha256)), NO_TIME_LIMIT)


def run(
    inputs: str | os.PathLike | Iterable[str | os.PathLike],
    out: str | os.PathLike,
    jobs: int = 1,
    force: bool = False,
    seconds_per_file: float = SECONDS_PER_FILE,
) -> RunSummary:
    """`policygraph run INPUTS --out OUT`: the same outputs, and nothing redone for files
    unchanged since the last run. OutputFolderError, in a line, for a folder or database the
    run cannot use; a file that cannot be read is `failed` in the manifest, as in any run."""
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    options = RunOptions(jobs, force, seconds_per_file)
    return settled_or_run([os.fspath(path) for path in paths], Path(out), options)


def open(out: str | os.PathLike) -> RunDatabase:
    """The database a run wrote in `out`, for the questions the query commands answer;
    NoDatabase when no run has written it."""
    from policygraph.questions import RunDatabase

    return RunDatabase(Path(out))
