"""The sample corpus against its hand annotations, scored by the shared scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLD, SCORER

MIN_MICRO_F1 = 0.95
MIN_FIELD_F1 = 0.85


@pytest.fixture(scope="module")
def report(corpus_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not SCORER.exists():
        pytest.skip(f"the shared scorer is not at {SCORER}")
    path = tmp_path_factory.mktemp("score") / "report.json"
    command = [sys.executable, str(SCORER), "--gold", str(GOLD), "--pred", str(corpus_run), "--json", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return json.loads(path.read_text(encoding="utf-8"))


def test_micro_f1_reaches_the_target(report: dict) -> None:
    assert report["micro_f1"] >= MIN_MICRO_F1, report["problems"]


def test_no_field_below_the_floor(report: dict) -> None:
    low = {name: field["f1"] for name, field in report["fields"].items() if field["f1"] < MIN_FIELD_F1}
    assert not low, report["problems"]


def test_every_evidence_quote_is_at_its_offsets(report: dict) -> None:
    assert report["provenance"] == 1.0
    assert report["evidence"] > 0


def test_every_notice_found_and_none_invented(report: dict) -> None:
    assert (report["notices_found"], report["notices_gold"], report["extra_notices"]) == (6, 6, 0)


def test_the_forwarding_edge_is_in_the_graph(report: dict) -> None:
    assert (report["graph_edges_found"], report["graph_edges_gold"]) == (1, 1)
