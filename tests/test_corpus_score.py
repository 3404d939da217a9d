"""Both shared sets against their hand annotations, scored by the shared scorer: the five
samples, and the real web reposts with the notices they reference."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from policygraph.pipeline import run
from tests.conftest import CORPUS, SCORER, SHARED


@dataclass(frozen=True)
class Target:
    """A set, its gold file, and what its score must reach."""

    corpus: Path
    gold: Path
    min_micro_f1: float
    min_field_f1: float
    notices: int
    edges: int


TARGETS = {
    "samples": Target(CORPUS, SHARED / "gold" / "seeds.json", 1.0, 1.0, notices=6, edges=1),
    "web": Target(SHARED / "corpus-web", SHARED / "gold" / "web.json", 0.95, 0.90, notices=29, edges=5),
}


@pytest.fixture(scope="module", params=list(TARGETS))
def scored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict]:
    target = TARGETS[request.param]
    if not SCORER.exists() or not target.gold.exists():
        pytest.skip(f"the shared scorer and gold are not at {SHARED}")
    folder = tmp_path_factory.mktemp(request.param)
    run([str(target.corpus)], folder / "out")
    report = folder / "report.json"
    command = [sys.executable, str(SCORER), "--gold", str(target.gold), "--pred", str(folder / "out"), "--json", str(report)]
    subprocess.run(command, check=True, capture_output=True)
    return target, json.loads(report.read_text(encoding="utf-8"))


def test_micro_f1_reaches_the_target(scored: tuple[Target, dict]) -> None:
    target, report = scored
    assert report["micro_f1"] >= target.min_micro_f1, report["problems"]


def test_no_field_below_the_floor(scored: tuple[Target, dict]) -> None:
    target, report = scored
    low = {name: field["f1"] for name, field in report["fields"].items() if field["f1"] < target.min_field_f1}
    assert not low, report["problems"]


def test_every_evidence_quote_is_at_its_offsets(scored: tuple[Target, dict]) -> None:
    _, report = scored
    assert report["provenance"] == 1.0
    assert report["evidence"] > 0


def test_every_notice_found_and_none_invented(scored: tuple[Target, dict]) -> None:
    target, report = scored
    assert (report["notices_found"], report["notices_gold"], report["extra_notices"]) == (target.notices, target.notices, 0)


def test_every_edge_is_in_the_graph(scored: tuple[Target, dict]) -> None:
    target, report = scored
    assert (report["graph_edges_found"], report["graph_edges_gold"]) == (target.edges, target.edges)
