"""From a decoded file to contract records: one per notice found in it."""

from __future__ import annotations

import hashlib

from extract.notice import extract_notice
from ingest.normalize import normalize
from ingest.script import detect_script
from ingest.structure import NoticeLayout, find_notices
from ingest.textmap import MappedText
from schema import Evidence, NoticeRecord, Source

FACT_FIELDS = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")


def notice_records(source_text: str, file: str, sha256: str) -> list[NoticeRecord]:
    normalized = normalize(source_text)
    return [
        _record(normalized.slice(layout.start, layout.end), layout, source_text, file, sha256)
        for layout in find_notices(normalized.text)
    ]


def _record(mapped: MappedText, layout: NoticeLayout, source_text: str, file: str, sha256: str) -> NoticeRecord:
    start, end = mapped.source_span(0, len(mapped.text))
    facts = extract_notice(mapped.text, layout)
    return NoticeRecord(
        id=facts.doc_number or _digest_id(sha256, start, end),
        source=Source(file=file, sha256=sha256, start=start, end=end),
        script=detect_script(source_text[start:end]),
        text=mapped.text,
        title=facts.title,
        doc_number=facts.doc_number,
        issuers=facts.issuers,
        status=facts.status,
        issue_date=facts.issue_date,
        effective_date=facts.effective_date,
        **{name: _with_source_spans(getattr(facts, name), mapped) for name in FACT_FIELDS},
    )


def _digest_id(sha256: str, start: int, end: int) -> str:
    return "sha256:" + hashlib.sha256(f"{sha256}:{start}:{end}".encode()).hexdigest()[:16]


def _with_source_spans(facts: list, mapped: MappedText) -> list:
    return [fact.model_copy(update={"evidence": _located(fact.evidence, mapped)}) for fact in facts]


def _located(evidence: Evidence, mapped: MappedText) -> Evidence:
    source_start, source_end = mapped.source_span(evidence.start, evidence.end)
    return evidence.model_copy(update={"source_start": source_start, "source_end": source_end})

