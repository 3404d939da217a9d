"""What a run is asked to do and what it did, and what the last complete run read, so
that a re-run with nothing changed does nothing at all.

A run ends by recording a digest of every input file's path, size and modification time
(as make and rsync judge change), the pipeline's digest and the run's summary: a digest,
so the state of a national batch is a line, not a list. A later run over
the same files, unchanged, with the same pipeline, finds its outputs already current and
returns at once. This module imports only the standard library, so that answer costs
no more than walking the inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from array import array
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from policygraph.inputs import InputFiles, collect
from policygraph.outputs import OutputFolderError, claim, write_atomically

PIPELINE_PACKAGES = ("ingest", "extract", "schema", "graph", "policygraph")
STATE_NAME = ".state.json"
# graph.store.DATABASE_NAME is named here, not imported: this module stays light (a test
# keeps the two in step).
DATABASE_NAME = "policygraph.sqlite"
REQUIRED_OUTPUTS = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json", DATABASE_NAME)
SECONDS_PER_FILE = 120
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database
UNREADABLE = -1  # the size and time of an input that cannot be read
LINES_HASHED_TOGETHER = 1024  # of a fingerprint: one at a time cost 0.1 s of 100,000, all at once 12 MB


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 1
    force: bool = False
    seconds_per_file: float = SECONDS_PER_FILE
    progress: bool = False
    scheduler: str | None = None  # a Dask scheduler's address: run the files on that cluster


@dataclass(frozen=True)
class RunSummary:
    files: int
    notices: int
    facts: int
    failed: int
    skipped: int
    reused: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.files} files, {self.notices} notices, {self.facts} facts, {self.failed} failed, "
            f"{self.skipped} skipped ({self.reused} unchanged) in {self.seconds:.1f} s"
        )


@lru_cache(maxsize=1)
def pipeline_digest() -> str:
    """A digest of every source and data file a run's outputs depend on."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in PIPELINE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".txt", ".json"):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class Seen(NamedTuple):
    """A file as make and rsync judge change: its size and modification time."""

    size: int
    mtime_ns: int


class Sightings(Sequence):
    """Each input's Seen, or None for one that cannot be read, as it was before any file was
    read. Kept in two arrays of machine integers, 16 bytes a file: a list of Seen tuples took
    130, which at 100,000 files was 12 MB of a run's peak memory."""

    def __init__(self, items: InputFiles) -> None:
        """One stat a file and nothing more: 100,000 of them are a daily increment's floor."""
        self.sizes, self.times = array("q"), array("q")
        for path in items.paths():
            try:
                status = os.stat(path)
            except OSError:
                self.sizes.append(UNREADABLE)
                self.times.append(UNREADABLE)
                continue
            self.sizes.append(status.st_size)
            self.times.append(status.st_mtime_ns)

    def __len__(self) -> int:
        return len(self.sizes)

    def alike(self, index: int, size: int | None, mtime_ns: int | None) -> bool:
        """Whether the file at `index` was seen with this size and time: asked of every file
        a re-run holds, without making a Seen of it."""
        return self.sizes[index] == size and self.times[index] == mtime_ns and size != UNREADABLE

    def __getitem__(self, index: int) -> Seen | None:  # type: ignore[override]  # no slices: none is asked for
        size = self.sizes[index]
        return None if size == UNREADABLE else Seen(size, self.times[index])


def seen_now(path: str | Path) -> Seen | None:
    """The file's size and modification time now; None if it cannot be read."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return Seen(status.st_size, status.st_mtime_ns)


def fingerprint(items: InputFiles, seen: Sightings) -> str:
    """A digest of every input's path, size and modification time (or that it cannot be read).
    Its value is kept in each output folder's state: a new one would re-run every folder."""
    digest = hashlib.sha256()
    lines = (
        f"{path}\0{'unreadable' if size == UNREADABLE else f'{size} {mtime_ns}'}\n"
        for path, size, mtime_ns in zip(items.paths(), seen.sizes, seen.times, strict=True)
    )
    for chunk in iter(lambda: "".join(islice(lines, LINES_HASHED_TOGETHER)), ""):
        digest.update(chunk.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def unchanged(out: Path, files: str) -> RunSummary | None:
    """The last run's summary when its outputs are complete and nothing it read has changed."""
    try:
        state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("pipeline") != pipeline_digest() or state.get("files") != files:
        return None
    if not all((out / name).exists() for name in REQUIRED_OUTPUTS) or not _is_sqlite(out / DATABASE_NAME):
        return None
    return RunSummary(**{**state["summary"], "reused": state["summary"]["files"], "seconds": 0.0})


def _is_sqlite(path: Path) -> bool:
    """Whether the file begins as a database does: one replaced since the run by a file
    that is not a database is made again. Damage further in is found by the query that
    meets it, which then withdraws the state (`forget`)."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


@dataclass(frozen=True)
class Stock:
    """What a run over `inputs` finds, taken once: the input files, each as it was seen
    before any was read, their fingerprint, and the last run's summary where its outputs
    still stand for them (None: there is work)."""

    items: InputFiles
    seen: Sightings
    files: str
    settled: RunSummary | None


def take_stock(inputs: list[str], out: Path, force: bool, started: float) -> Stock:
    """Asked by a run holding `out` (claim): listing and fingerprinting 100,000 inputs costs
    0.6 s, so a run that goes on to work uses what this found rather than asking again."""
    items = collect(inputs, exclude=out)
    seen = Sightings(items)
    files = fingerprint(items, seen)
    summary = None if force else unchanged(out, files)
    return Stock(items, seen, files, summary and replace(summary, seconds=time.perf_counter() - started))


def settled(inputs: list[str], out: Path) -> RunSummary | None:
    """The last run's summary if a run over `inputs` would change nothing in `out`. Asked
    as a run, holding the folder: refused while another run writes it, and clearing what
    a killed one left, which a run that finds nothing else to do must clear too."""
    with claim(out):
        return take_stock(inputs, out, False, time.perf_counter()).settled


def settled_or_run(inputs: list[str], out: Path, options: RunOptions) -> RunSummary:
    """The last run's summary when a run would change nothing, else a run's: the pipeline's
    heavy imports come only when there is work to do. A database the run cannot write is
    an OutputFolderError, as a folder it cannot write is."""
    started = time.perf_counter()
    with claim(out):
        stock = take_stock(inputs, out, options.force, started)
        if stock.settled is not None:
            return stock.settled
        from policygraph.pipeline import run_stock

        try:
            return run_stock(stock, out, options, started)
        except sqlite3.Error as error:
            raise OutputFolderError(f"{out / DATABASE_NAME}: {error}") from error


def record(out: Path, files: str, summary: RunSummary) -> None:
    """Written last, after the manifest: a state file vouches for complete outputs."""
    state = {"pipeline": pipeline_digest(), "files": files, "summary": asdict(summary)}
    write_atomically(out / STATE_NAME, json.dumps(state, ensure_ascii=False))


def forget(out: Path) -> None:
    """The outputs are no longer vouched for: the next run rebuilds them instead of
    finding them current. A folder that cannot be written keeps its state."""
    with suppress(OSError):
        (out / STATE_NAME).unlink(missing_ok=True)
