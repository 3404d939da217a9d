"""The per-file work on a Dask cluster (a local one the test starts): identical outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.pipeline import RunOptions, run
from tests.conftest import CORPUS

distributed = pytest.importorskip("distributed")
OUTPUTS = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json")


def test_a_cluster_run_equals_a_local_run(tmp_path: Path) -> None:
    run([str(CORPUS)], tmp_path / "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run([str(CORPUS)], tmp_path / "cluster", RunOptions(scheduler=cluster.scheduler_address))
    assert (summary.files, summary.notices, summary.failed) == (5, 6, 0)
    for name in OUTPUTS:
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
