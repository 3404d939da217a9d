"""Where the per-file work runs: in this process, in local worker processes, or on a Dask
cluster. Every executor yields outcomes in input order, so outputs do not depend on it.

Work is handed out in chunks, and only a few chunks per worker are in flight at a time:
results wait in memory only until the writer takes them, however large the batch. The
work takes a whole chunk and gives its outcomes, so that it can finish the chunk as one
(the run commits a chunk's results to its cache together). A file that kills its worker
process (a crash in a native library, memory exhausted) fails alone: the chunks in
flight are run again a file at a time, and the file that kills a worker again gets
`crashed(file)` as its outcome.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
CHUNK = 64  # files: the cache takes a commit per chunk, and commits cost more than rows
CHUNKS_IN_FLIGHT_PER_WORKER = 4


Work = Callable[[tuple[Item, ...]], list[Outcome]]  # a chunk of items to their outcomes, in order


def local(work: Work, items: Sequence[Item], jobs: int, crashed: Callable[[Item], Outcome]) -> Iterator[Outcome]:
    """With one job the work runs in this process, where nothing can catch a crash."""
    if jobs <= 1 or len(items) <= 1:
        for chunk in _chunks(items):
            yield from work(chunk)
        return
    from concurrent.futures.process import BrokenProcessPool  # its import costs a one-job run 6 ms

    workers = _Workers(jobs)

    def rerun(chunks: list[tuple[Item, ...]]) -> list[Outcome]:
        """In a fresh pool, where the file that breaks it again is the culprit."""
        workers.restart()
        run_one = lambda item: workers.pool.submit(work, (item,)).result()[0]  # noqa: E731
        return _each_alone(chunks, run_one, BrokenProcessPool, crashed, workers.restart)

    try:
        submit = lambda chunk: workers.pool.submit(work, chunk)  # noqa: E731
        yield from _in_order(submit, items, jobs * CHUNKS_IN_FLIGHT_PER_WORKER, BrokenProcessPool, rerun)
    finally:
        workers.pool.shutdown(cancel_futures=True)


def dask(work: Work, items: Sequence[Item], scheduler: str, crashed: Callable[[Item], Outcome]) -> Iterator[Outcome]:
    """The files on a Dask cluster; records, graph and outputs are merged here, on the client.

    Workers read the input files themselves, so their paths must be the same on every
    worker (a shared file system, or a cluster on this machine); workers on this machine
    also use the result cache, those elsewhere process every file they are given. Dask
    retries a task whose worker died on another worker; a file that kills them all fails.
    """
    from distributed import Client, KilledWorker

    with Client(scheduler) as client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        submit = lambda chunk: client.submit(work, chunk, pure=False)  # noqa: E731
        run_one = lambda item: client.submit(work, (item,), pure=False).result()[0]  # noqa: E731
        rerun = lambda chunks: _each_alone(chunks, run_one, KilledWorker, crashed)  # noqa: E731
        yield from _in_order(submit, items, workers * CHUNKS_IN_FLIGHT_PER_WORKER, KilledWorker, rerun)


class _Workers:
    """A process pool, replaced when a worker dies: the pool is then broken for good."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool = self._new_pool()

    def restart(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=self.jobs)


def _each_alone(
    chunks: list[tuple[Item, ...]],
    run_one: Callable[[Item], Outcome],
    crash: type[Exception],
    crashed: Callable[[Item], Outcome],
    after_crash: Callable[[], None] = lambda: None,
) -> list[Outcome]:
    """The chunks' items a file at a time; an item whose run raises `crash` gets `crashed(item)`."""
    outcomes = []
    for item in (item for chunk in chunks for item in chunk):
        try:
            outcomes.append(run_one(item))
        except crash:
            outcomes.append(crashed(item))
            after_crash()
    return outcomes


def _in_order(
    submit: Callable[[tuple], Future],
    items: Iterable[Item],
    window: int,
    crash: type[Exception] | None = None,
    rerun: Callable[[list[tuple]], list[Outcome]] | None = None,
) -> Iterator[Outcome]:
    """Results in input order, with at most `window` chunks submitted and not yet taken.

    When taking a chunk raises `crash`, it and every chunk still in flight go to `rerun`."""
    pending: deque[tuple[tuple, Future]] = deque()

    def take() -> list[Outcome]:
        chunk, future = pending.popleft()
        try:
            return future.result()
        except Exception as error:
            if crash is None or rerun is None or not isinstance(error, crash):
                raise
            chunks = [chunk, *(waiting for waiting, _ in pending)]
            pending.clear()
            return rerun(chunks)

    for chunk in _chunks(items):
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            yield from take()
    while pending:
        yield from take()


def _chunks(items: Iterable[Item]) -> Iterator[tuple[Item, ...]]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, CHUNK)):
        yield chunk
