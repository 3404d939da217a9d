"""Shared fixtures: the bundled corpus, the shared scorer, and one run over the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policygraph.pipeline import run

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
SHARED = PROJECT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus_run")
    run([str(CORPUS)], out)
    return out


@pytest.fixture(scope="session")
def corpus_records(corpus_run: Path) -> list[dict]:
    lines = (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def record_by_number(records: list[dict], number: str) -> dict:
    return next(record for record in records if record["doc_number"] == number)
