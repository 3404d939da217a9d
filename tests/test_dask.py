"""The per-file work on a Dask cluster (a local one the test starts): identical outputs,
the same time limits, and a file that kills its worker fails alone."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from policygraph import executors
from policygraph.pipeline import RunOptions, run
from tests.conftest import CORPUS

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")
OUTPUTS = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json")


def test_a_cluster_run_equals_a_local_run(tmp_path: Path) -> None:
    run([str(CORPUS)], tmp_path / "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run([str(CORPUS)], tmp_path / "cluster", RunOptions(scheduler=cluster.scheduler_address))
    assert (summary.files, summary.notices, summary.failed) == (5, 6, 0)
    for name in OUTPUTS:
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_a_file_over_its_time_limit_times_out_on_a_cluster_as_it_does_here(tmp_path: Path) -> None:
    """Dask runs tasks in worker threads, which SIGALRM never reaches: the limit must hold
    there too, or the same batch gives other outputs on a cluster."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "slow.txt").write_text("关于执行集采结果的通知\n各有关单位：\n" + "采购周期为2年，" * 20000, encoding="utf-8")
    options = RunOptions(seconds_per_file=0.1)
    run([str(corpus)], tmp_path / "local", options)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run([str(corpus)], tmp_path / "cluster", replace(options, scheduler=cluster.scheduler_address))
    entries = [json.loads((tmp_path / out / "manifest.json").read_text())["files"] for out in ("local", "cluster")]
    assert [(entry["status"], entry["error"]) for entry in entries[0]] == [("failed", "timed out: over 0.1 s for this file")]
    assert entries[1] == entries[0]


def _dies_on_seven(chunk: tuple[int, ...]) -> list[int]:
    """Work that kills its own process on one item, as a crash in a native library would."""
    if 7 in chunk:
        os._exit(70)
    return [item * 10 for item in chunk]


def test_an_item_that_kills_its_dask_worker_fails_alone_and_the_rest_go_on() -> None:
    """Dask would retry the task on other workers first (allowed-failures, 3 by default):
    with none allowed, the test needs only the one death to see the item fail."""
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        outcomes = list(executors.dask(_dies_on_seven, list(range(20)), cluster.scheduler_address, lambda item: -item))
    assert outcomes == [-7 if item == 7 else item * 10 for item in range(20)]
