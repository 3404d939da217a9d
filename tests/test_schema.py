"""The committed JSON Schema is the one the records' annotations generate, every output line fits
it, and the lines are written byte for byte as pydantic wrote them before msgspec did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from schema import Evidence, NoticeRecord, Prepayment, PriceCap, ProcurementPeriod
from schema.codec import plain, read_record, record_line
from schema.jsonschema import SCHEMA_PATH, generate
from schema.validate import validated

LARGEST_PLAIN_FLOAT = 1e16  # where both encoders turn to exponents, which they spell apart


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == generate(), "run: python -m schema"


def test_every_output_line_validates(corpus_run: Path) -> None:
    lines = (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        record = validated(line)
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


def test_a_record_is_written_as_pydantic_writes_it(corpus_run: Path) -> None:
    """msgspec writes the lines pydantic wrote before it: the same bytes, record for record."""
    for line in (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines():
        record = read_record(line)
        assert record_line(record).decode() == line
        assert TypeAdapter(NoticeRecord).dump_json(record).decode() == line


@settings(max_examples=200, deadline=None)
@given(
    quote=st.text(min_size=1, max_size=20),
    ratio=st.floats(min_value=0, max_value=1),
    amount=st.floats(min_value=0, allow_infinity=False),
    start=st.dates(),
)
def test_any_text_and_number_is_written_as_pydantic_writes_it(
    quote: str, ratio: float, amount: float, start: date
) -> None:
    """Control characters, U+2028, surrogates' neighbours, tiny floats: both encoders escape and
    print them alike. From 1e16 up, msgspec writes 1e16 where pydantic wrote 1e+16, the same
    number in JSON; no amount a notice states comes near it (price_caps bounds its amounts)."""
    evidence = Evidence(quote=quote, start=0, end=len(quote))
    facts = [
        Prepayment(evidence=evidence, ratio=ratio, basis=quote),
        PriceCap(evidence=evidence, basis="fixed_amount", amount_yuan=amount),
        ProcurementPeriod(evidence=evidence, months=24, start=start),
    ]
    for fact in facts:
        ours, pydantics = record_line(fact).decode(), TypeAdapter(type(fact)).dump_json(fact).decode()
        assert json.loads(ours) == json.loads(pydantics) == plain(fact)
        if amount < LARGEST_PLAIN_FLOAT:
            assert ours == pydantics


def test_the_contract_refuses_what_breaks_it(corpus_run: Path) -> None:
    """The constraints the records' annotations carry are checked, as the JSON Schema states them."""
    lines = (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    good = next(record for record in map(json.loads, lines) if record["prepayments"])
    broken = [
        {**good, "source": {**good["source"], "sha256": "not a digest"}},
        {**good, "source": {**good["source"], "start": -1}},
        {**good, "prepayments": [{**good["prepayments"][0], "ratio": 1.5}]},
        {**good, "unknown_field": 1},
        {**good, "status": "maybe"},
    ]
    for record in broken:
        with pytest.raises(ValidationError):
            validated(json.dumps(record, ensure_ascii=False))
    assert validated(json.dumps(good, ensure_ascii=False)) == read_record(json.dumps(good, ensure_ascii=False))


def test_a_run_writes_its_records_without_pydantic(tmp_path: Path) -> None:
    """pydantic's import and model building cost more than a small batch's work: a run never loads it."""
    notice = tmp_path / "in" / "notice.txt"
    notice.parent.mkdir()
    notice.write_text(Path("corpus").joinpath(sorted(os.listdir("corpus"))[0]).read_text(encoding="utf-8"))
    script = (
        "import sys; from policygraph.cli import main; "
        f"main(['run', {str(notice.parent)!r}, '--out', {str(tmp_path / 'out')!r}]); "
        "print('pydantic' in sys.modules)"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert child.stdout.strip().splitlines()[-1] == "False"
    assert [
        validated(line).id for line in (tmp_path / "out" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    ] == ["聊医保函〔2024〕13号", "鲁医保函〔2024〕28号"]
