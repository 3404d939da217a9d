"""Where the per-file work runs: in this process, in local worker processes, or on a Dask
cluster. Every executor yields outcomes in input order, so outputs do not depend on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
CHUNK = 4


def local(work: Callable[[Item], Outcome], items: list[Item], jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, items, chunksize=CHUNK)


def dask(work: Callable[[Item], Outcome], items: list[Item], scheduler: str) -> Iterator[Outcome]:
    """The files on a Dask cluster; records, graph and outputs are merged here, on the client.

    Workers read the input files and write the result cache themselves, so both paths
    must be the same on every worker (a shared file system, or a cluster on this machine).
    """
    from distributed import Client

    with Client(scheduler) as client:
        futures = client.map(work, items, pure=False)
        for future in futures:
            yield future.result()
            future.release()
