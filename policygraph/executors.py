"""Where the per-file work runs: in this process, in local worker processes, or on a Dask
cluster. Every executor yields outcomes in input order, so outputs do not depend on it.

Work is handed out in chunks, and only a few chunks per worker are in flight at a time:
results wait in memory only until the writer takes them, however large the batch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
CHUNK = 16
CHUNKS_IN_FLIGHT_PER_WORKER = 4


def local(work: Callable[[Item], Outcome], items: list[Item], jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        submit = lambda chunk: pool.submit(run_chunk, work, chunk)  # noqa: E731
        yield from _in_order(submit, items, jobs * CHUNKS_IN_FLIGHT_PER_WORKER)


def dask(work: Callable[[Item], Outcome], items: list[Item], scheduler: str) -> Iterator[Outcome]:
    """The files on a Dask cluster; records, graph and outputs are merged here, on the client.

    Workers read the input files and the result cache themselves, so both paths must be
    the same on every worker (a shared file system, or a cluster on this machine).
    """
    from distributed import Client

    with Client(scheduler) as client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        submit = lambda chunk: client.submit(run_chunk, work, chunk, pure=False)  # noqa: E731
        yield from _in_order(submit, items, workers * CHUNKS_IN_FLIGHT_PER_WORKER)


def run_chunk(work: Callable[[Item], Outcome], chunk: tuple[Item, ...]) -> list[Outcome]:
    return [work(item) for item in chunk]


def _in_order(submit: Callable[[tuple], Future], items: Iterable[Item], window: int) -> Iterator[Outcome]:
    """Results in input order, with at most `window` chunks submitted and not yet taken."""
    pending: deque[Future] = deque()
    for chunk in _chunks(items):
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _chunks(items: Iterable[Item]) -> Iterator[tuple[Item, ...]]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, CHUNK)):
        yield chunk
