"""Shared fixtures: the bundled corpus, the shared scorer, and one run over the corpus."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest

from ingest.decode import decode_bytes
from policygraph.pipeline import run
from policygraph.records import notice_records
from schema.codec import plain

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
def app(corpus_run: Path):
    """The web application over the corpus run, for every test that asks it questions."""
    from policygraph.web.app import create_app

    return create_app(corpus_run / "policygraph.sqlite")


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    return TestClient(app)


@pytest.fixture(scope="session")
def corpus_records(corpus_run: Path) -> list[dict]:
    lines = (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def file_records(path: Path) -> list[dict]:
    """The records one file gives when read alone: in a run beside its copies it would be one of them."""
    data = path.read_bytes()
    source = decode_bytes(data, path.name)
    return [plain(record) for record in notice_records(source, path.name, sha256(data).hexdigest())]


def record_by_number(records: list[dict], number: str) -> dict:
    return next(record for record in records if record["doc_number"] == number)
