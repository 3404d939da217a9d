"""A run: every input file through ingest and extraction, then the graph and the outputs.

One bad file never stops a batch: whatever goes wrong with a file becomes its entry in
the manifest, and the run goes on. Files are independent, so they run in worker
processes; results are merged in input order, so any number of workers gives the same
outputs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from extract.nlp import segmenter
from graph import store
from graph.build import Numbering, resolve_graph
from graph.export import Earlier, mark, write_graphml, write_node_link_json
from ingest.decode import DecodeError, NeedsOCR, decode_bytes
from ingest.reading import read_file
from policygraph import executors, state
from policygraph.cache import CACHE_PATH, CachedResult, ResultCache, open_cache
from policygraph.inputs import InputFile, shown_path
from policygraph.outcome import TIMED_OUT, CannotRead, FileOutcome, NoticeOutput, notice_output
from policygraph.outputs import atomic_file, claim, copy_range, set_aside
from policygraph.records import notice_records
from policygraph.state import RunOptions, RunSummary, pipeline_digest
from policygraph.timelimit import FileTimeout, effective_limit, time_limit
from policygraph.unchanged import Unchanged
from schema import NoticeRecord
from schema.jsonstream import ObjectWriter, json_value

MANIFEST_VERSION = "2"
LOG = logging.getLogger(__name__)
NO_NOTICE_TEXT = "no notice text found in the file"
WORKER_DIED = "the worker process died while reading this file (a crash in a native library, or out of memory)"
Result = TypeVar("Result")


def run(inputs: list[str], out: Path, options: RunOptions | None = None) -> RunSummary:
    options = options or RunOptions()
    started = time.perf_counter()
    with claim(out):
        stock = state.take_stock(inputs, out, options.force, started)
        return stock.settled or run_stock(stock, out, options, started)


def run_stock(stock: state.Stock, out: Path, options: RunOptions, started: float) -> RunSummary:
    """The run over what `take_stock` found, by a caller holding `out`."""
    outputs = _written(stock, out, options)
    summary = replace(outputs.summary, seconds=time.perf_counter() - started)
    if not outputs.timed_out:
        state.record(out, stock.files, summary)
    return summary


def _written(stock: state.Stock, out: Path, options: RunOptions) -> RunOutputs:
    """The outputs, written a second time when the database proved unusable on the way."""
    try:
        return _write_outputs(stock, out, options)
    except sqlite3.DatabaseError as error:
        if not store.unusable(error):
            raise
        _set_aside(out / store.DATABASE_NAME, error)
    return _write_outputs(stock, out, options)


def _write_outputs(stock: state.Stock, out: Path, options: RunOptions) -> RunOutputs:
    """Every file's outcome into the outputs. The database is opened, and migrated, before
    any output is begun: one that cannot be used then fails the attempt before it writes.
    Unless forced, a file the database holds as it is now is kept without being read, and
    only the others are handed to the workers."""
    cache = _open_cache(out)
    store.connect(out / store.DATABASE_NAME).close()
    work = partial(process_files, cache=cache, force=options.force, seconds=options.seconds_per_file)
    with RunOutputs(out) as outputs, closing(cache):
        unchanged = Unchanged(outputs.connection, stock.items, stock.seen, state.pipeline_digest(), options.force)
        outputs.drop(unchanged.gone)
        to_read = unchanged.to_read()
        read = _with_progress(_read(work, to_read, options, cache), len(to_read), options.progress)
        for index, path in enumerate(stock.items.paths()):
            if unchanged.flags[index]:
                outputs.keep(unchanged.held_at[index], shown_path(path))
            else:
                outputs.add(next(read), stock.seen[index])
        outputs.finish()
    return outputs


def _with_progress(outcomes: Iterator[FileOutcome], total: int, shown: bool) -> Iterator[FileOutcome]:
    """A progress bar when one is asked for; tqdm is imported only then (0.015 s)."""
    if not shown:
        return outcomes
    from tqdm import tqdm

    return tqdm(outcomes, total=total, unit="file", leave=False)


def _open_cache(out: Path) -> ResultCache:
    """The result cache, made afresh when the one there is not a database this version can use."""
    try:
        return open_cache(out)
    except sqlite3.DatabaseError as error:
        if not store.unusable(error):
            raise
        _set_aside(out / CACHE_PATH, error)
        return open_cache(out)


def _set_aside(database: Path, error: sqlite3.DatabaseError) -> None:
    """Derived data, made again by this run; kept for a look, and said so."""
    kept = set_aside(database)
    LOG.warning("%s could not be used (%s): set aside as %s, and made again", database, error, kept.name)


def _read(
    work: partial, items: Sequence[InputFile], options: RunOptions, cache: ResultCache
) -> Iterator[FileOutcome]:
    """The outcomes of reading `items`, in their order: here, in local workers or on a cluster."""
    if options.scheduler:
        return executors.dask(work, items, options.scheduler, _crashed)
    if options.jobs > 1 and cache.empty:
        segmenter()  # every file with facts needs jieba: its shelf is opened here, once for the workers forked later
    return executors.local(work, items, options.jobs, _crashed)


def _crashed(item: InputFile) -> FileOutcome:
    """A file whose worker process died while reading it; not cached, so tried again next run."""
    return FileOutcome(item.shown_as, None, "failed", WORKER_DIED)


class RunOutputs:
    """Everything a run writes, fed one file at a time, holding nothing per file in memory.

    Files go into the database as they come. At the end, copies of one notice are
    gathered into one record, the graph is resolved, and notices.jsonl, the graph and the
    manifest are streamed from the database and renamed into place, the manifest last: a
    manifest vouches for complete outputs. A run that dies leaves the previous outputs as
    they were.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.summary = RunSummary(0, 0, 0, 0, 0, 0, 0.0)
        self.reused = 0
        self.timed_out = False

    def __enter__(self) -> RunOutputs:
        self._stack = ExitStack()
        self.connection = store.connect(self.out / store.DATABASE_NAME)
        self._stack.callback(self.connection.close)
        self.database = store.DatabaseUpdate(self.connection, state.pipeline_digest())
        return self

    def __exit__(self, *failure: object) -> None:
        self._stack.__exit__(*failure)

    def add(self, outcome: FileOutcome, seen: state.Seen | None) -> None:
        """`seen`: the file's size and modification time from before it was read."""
        rows = (notice.database_rows() for notice in outcome.notices)
        self.database.add_file(outcome.manifest_entry(), outcome.reused, rows, seen)
        self.reused += outcome.reused
        self.timed_out = self.timed_out or outcome.timed_out

    def drop(self, paths: list[str]) -> None:
        """Files the database holds that are not in this run."""
        self.database.drop(paths)

    def keep(self, held_at: int, path: str) -> None:
        """A file taken as the database holds it (policygraph.unchanged), at `held_at` in the
        run that wrote it."""
        self.database.keep(held_at, path)
        self.reused += 1

    def finish(self) -> None:
        self.database.finish()
        appended_from = self.database.appended_from
        before = resolve_graph(self.connection, appended_from)
        self._write_notices(appended_from)
        self._write_graph("graph.json", write_node_link_json, before)
        self._write_graph("graph.graphml", write_graphml, before)
        self._write_manifest()
        self.summary = self._summary()
        self._stack.close()

    def _summary(self) -> RunSummary:
        """Counted in the database, which holds the files the run kept without their outcomes."""
        statuses = store.file_statuses(self.connection)
        notices, facts = store.counts(self.connection)
        failed, skipped = statuses["failed"] + statuses["needs_ocr"], statuses["skipped"]
        return RunSummary(statuses.total(), notices, facts, failed, skipped, self.reused, 0.0)

    def _write_notices(self, appended_from: int | None) -> None:
        """notices.jsonl; when the run only appended notices and the file is as written with
        the database's rows, it is copied and the new records written after it."""
        path = self.out / "notices.jsonl"
        if appended_from is not None and self._as_written(path) is None:
            appended_from = None
        with atomic_file(path, binary=True) as stream:
            if appended_from is not None:
                copy_range(path, stream, 0, path.stat().st_size)
            stream.writelines(line + b"\n" for line in store.notice_lines(self.connection, appended_from))
        store.record_output(self.connection, path)

    def _write_graph(self, name: str, write: Callable, before: Numbering | None) -> None:
        """A graph file; when the graph only appended notices (numbered `before` as it was)
        and the file is as written with the database's rows, what it holds of them is copied."""
        path = self.out / name
        marks = self._as_written(path) if before else None
        with atomic_file(path) as stream:
            earlier = Earlier(marks, partial(copy_range, path, stream), before) if marks else None
            marks = write(self.connection, stream, earlier)
        store.record_output(self.connection, path, marks)

    def _as_written(self, path: Path) -> list[int] | None:
        """The byte offsets its writer marked in the output at `path`, if it is as written
        with the database's rows; None if it is not, or was never written. As written means
        the size and modification time its writer recorded, as make and rsync judge change
        (a copy that keeps its time, as backups make, is the same file)."""
        written = store.written_output(self.connection, path.name)
        return written.marks if written and state.seen_now(path) == (written.size, written.mtime_ns) else None

    def _write_manifest(self) -> None:
        """The manifest, last, once the database is committed: a manifest vouches for complete
        outputs. When the first files are as the database held them before the run, and the
        manifest as written with them, their entries are copied. Its record is withdrawn in
        the commit and made again once it is in place, so a run stopped between leaves none."""
        path = self.out / "manifest.json"
        held = self.database.files_as_held
        marks = self._as_written(path) if held else None
        copied = held if marks else 0
        store.forget_output(self.connection, path.name)
        self.connection.commit()
        with atomic_file(path) as stream:
            manifest = ObjectWriter(stream)
            manifest.member("manifest_version", MANIFEST_VERSION)
            manifest.member("pipeline", pipeline_digest())
            manifest.begin_array("files")
            entries_begin = mark(stream)
            if marks and copied:
                copy_range(path, stream, marks[0], marks[1])
                manifest.copied_items(copied)
            manifest.encoded_items(map(manifest_entry_json, store.manifest_entries(self.connection, copied)))
            entries_end = mark(stream)
            manifest.end_array()
            manifest.close()
        store.record_output(self.connection, path, [entries_begin, entries_end])
        self.connection.commit()


def manifest_entry_json(entry: dict) -> str:
    """json.dumps(entry, ensure_ascii=False) of a manifest entry, formatted directly: a dict
    through json's encoder cost a third of writing the manifest of 100,000 files."""
    notices = ", ".join(map(json_value, entry["notices"]))
    return (
        f'{{"path": {json_value(entry["path"])}, "sha256": {json_value(entry["sha256"])}, '
        f'"status": {json_value(entry["status"])}, "error": {json_value(entry["error"])}, '
        f'"notices": [{notices}], "conflict": {"true" if entry["conflict"] else "false"}}}'
    )


def process_files(items: tuple[InputFile, ...], cache: ResultCache, force: bool, seconds: float) -> list[FileOutcome]:
    """A chunk of files, whose new results reach the cache in one commit."""
    outcomes = [process_file(item, cache, force, seconds) for item in items]
    cache.commit()
    return outcomes


def process_file(item: InputFile, cache: ResultCache, force: bool, seconds: float) -> FileOutcome:
    """One file to its outcome, reusing an earlier run's result for unchanged content.
    A file that ran out of time is remembered with its limit, so that a re-run does not
    pay the limit again: only a larger limit tries it again."""
    if item.skip_reason:
        return FileOutcome(item.shown_as, None, "skipped", item.skip_reason)
    try:
        data = read_file(item.path)
    except DecodeError as error:
        return FileOutcome(item.shown_as, None, "failed", str(error))
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = None if force else cache.load(sha256, item.shown_as)
    if earlier and not _ran_out_of_a_smaller_limit(earlier, seconds):
        return _reused(item, sha256, earlier)
    outcome = _extract(item, data, sha256, seconds)
    cache.save(outcome)
    return outcome


def _ran_out_of_a_smaller_limit(earlier: CachedResult, seconds: float) -> bool:
    return earlier.time_limit is not None and earlier.time_limit < effective_limit(seconds)


def _reused(item: InputFile, sha256: str, earlier: CachedResult) -> FileOutcome:
    error = earlier.error
    if earlier.time_limit is not None:
        error = f"{error} in an earlier run; tried again only under a larger limit"
    status, notices = earlier.status, earlier.notices
    return FileOutcome(item.shown_as, sha256, status, error, notices, reused=True, time_limit=earlier.time_limit)


def _extract(item: InputFile, data: bytes, sha256: str, seconds: float) -> FileOutcome:
    try:
        notices = guarded(partial(_notice_outputs, data, item.shown_as, sha256), seconds)
    except CannotRead as failure:
        return FileOutcome(item.shown_as, sha256, failure.status, failure.reason, time_limit=failure.time_limit)
    return FileOutcome(item.shown_as, sha256, "ok", notices=notices)


def _notice_outputs(data: bytes, file: str, sha256: str) -> list[NoticeOutput]:
    return [notice_output(record) for record in file_records(data, file, sha256)]


def file_records(data: bytes, file: str, sha256: str) -> list[NoticeRecord]:
    """A file's records as read, before copies of one notice are gathered; a DecodeError for
    a file that gives none."""
    source = decode_bytes(data, os.path.basename(file))
    records = notice_records(source, file, sha256)
    if not records:
        raise DecodeError(NO_NOTICE_TEXT)
    return records


def guarded(work: Callable[[], Result], seconds: float) -> Result:
    """The work on one file, within `seconds`: whatever stops it is CannotRead, with the
    reason its manifest entry gives, for one bad file must not stop the batch. A function,
    not a context manager: a timeout landing between a context manager's frames escapes it."""
    try:
        with time_limit(seconds):
            return work()
    except NeedsOCR as error:
        raise CannotRead(str(error), "needs_ocr") from error
    except DecodeError as error:
        raise CannotRead(str(error)) from error
    except FileTimeout:
        raise CannotRead(f"{TIMED_OUT}: over {seconds:g} s for this file", time_limit=seconds) from None
    except Exception as error:
        raise CannotRead(_internal_error(error)) from error


def _internal_error(error: Exception) -> str:
    """A manifest reason is one line: a library's message may run over several."""
    first_line = next(iter(str(error).splitlines()), "")
    return f"internal error: {type(error).__name__}: {first_line}"
