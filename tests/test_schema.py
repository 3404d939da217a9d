"""The committed JSON Schema is the one the models generate, and every output line fits it."""

from __future__ import annotations

import json
from pathlib import Path

from schema import NoticeRecord
from schema.jsonschema import SCHEMA_PATH, generate


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == generate(), "run: python -m schema"


def test_every_output_line_validates(corpus_run: Path) -> None:
    lines = (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        record = NoticeRecord.model_validate_json(line)
        assert record.schema_version == "2"
        assert "\\u" not in line, "Chinese is written as is, not ASCII-escaped"


def test_every_evidence_span_quotes_its_text(corpus_records: list[dict]) -> None:
    fields = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")
    for record in corpus_records:
        for fact in (fact for name in fields for fact in record[name]):
            evidence = fact["evidence"]
            assert record["text"][evidence["start"] : evidence["end"]] == evidence["quote"]
            assert 0 < len(evidence["quote"]) <= 400


def test_evidence_points_back_into_the_source_file(corpus_records: list[dict]) -> None:
    record = next(record for record in corpus_records if record["script"] == "traditional")
    source = Path(record["source"]["file"]).read_text(encoding="utf-8")
    fact = record["prepayments"][0]
    quoted = source[fact["evidence"]["source_start"] : fact["evidence"]["source_end"]]
    assert "醫保預付金的50%預付給醫療機構" in quoted


def test_schema_names_the_contract_fields() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(schema["required"]) >= {
        "id", "source", "script", "text", "title", "doc_number", "issuers", "status", "issue_date",
        "effective_date", "procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references",
    }  # fmt: skip
