"""From a decoded file to contract records: one per notice found in it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from extract.header import Read
from extract.notice import extract_notice
from extract.regions import PlacedIssuer
from extract.tables import attachment_rows
from ingest.normalize import normalize
from ingest.script import Script, detect_script, has_traditional
from ingest.source import SourceText, Table
from ingest.structure import NoticeLayout, find_notices
from ingest.textmap import MappedText
from schema import FACT_FIELDS, Evidence, FieldEvidence, NoticeRecord, Region, Source
from schema.models import MAX_QUOTE_CHARS

PAGE_BREAK = "\f"
# The notice's own words decide its script, not the page around it (a simplified spam
# banner above a traditional repost).
SCRIPT_ELEMENTS = ("title", "addressee", "body", "signature")


def notice_records(source: SourceText, file: str, sha256: str) -> list[NoticeRecord]:
    traditional = has_traditional(source.text)
    normalized = normalize(source.text, traditional)
    layouts = find_notices(normalized.text)
    notices = [normalized.slice(layout.start, layout.end) for layout in layouts]
    spans = [mapped.source_span(0, len(mapped.text)) for mapped in notices]
    tables = _tables_by_notice(source, spans)
    return [
        _record(mapped, layout, source, file, sha256, tables[number], traditional)
        for number, (mapped, layout) in enumerate(zip(notices, layouts, strict=True))
    ]


def _tables_by_notice(source: SourceText, spans: list[tuple[int, int]]) -> list[tuple[Table, ...]]:
    """Each table goes to the notice whose text holds the page the table starts on, else the last."""
    if not source.tables:
        return [() for _ in spans]
    page_starts = [0] + [match.end() for match in re.finditer(PAGE_BREAK, source.text)]
    found: list[list[Table]] = [[] for _ in spans]
    for table in source.tables:
        offset = page_starts[min(table.page, len(page_starts)) - 1]
        owner = next((number for number, (start, end) in enumerate(spans) if start <= offset < end), len(spans) - 1)
        found[owner].append(table)
    return [tuple(tables) for tables in found]


def _record(
    mapped: MappedText,
    layout: NoticeLayout,
    source: SourceText,
    file: str,
    sha256: str,
    tables: tuple[Table, ...],
    traditional: bool,
) -> NoticeRecord:
    start, end = mapped.source_span(0, len(mapped.text))
    facts = extract_notice(mapped.text, layout)
    return NoticeRecord(
        id=facts.doc_number or text_digest_id(mapped.text),
        source=Source(file=file, sha256=sha256, start=start, end=end, encoding=source.encoding),
        script=_script(source.text, mapped, layout) if traditional else "simplified",
        text=mapped.text,
        title=facts.title,
        doc_number=facts.doc_number,
        issuers=facts.issuers,
        regions=[_region(placed, mapped) for placed in facts.regions],
        status=facts.status,
        issue_date=facts.issue_date,
        effective_date=facts.effective_date,
        **{name: _with_source_spans(getattr(facts, name), mapped) for name in FACT_FIELDS},
        attachment_rows=attachment_rows(tables),
        field_evidence={name: _field_evidence(read, mapped) for name, read in facts.field_sources.items()},
    )


def _script(source_text: str, mapped: MappedText, layout: NoticeLayout) -> Script:
    """The script of the source from the notice's first own element to its last."""
    own = [element for element in layout.elements if element.kind in SCRIPT_ELEMENTS]
    start, end = (min(e.start for e in own), max(e.end for e in own)) if own else (0, len(mapped.text))
    source_start, source_end = mapped.source_span(start, end)
    return detect_script(source_text[source_start:source_end])


def _region(placed: PlacedIssuer, mapped: MappedText) -> Region:
    if placed.read is None:
        return placed.region
    return replace(placed.region, evidence=_field_evidence(placed.read, mapped))


def _field_evidence(read: Read, mapped: MappedText) -> FieldEvidence:
    end = min(read.end, read.start + MAX_QUOTE_CHARS)
    source_start, source_end = mapped.source_span(read.start, end)
    return FieldEvidence(
        element=read.element,
        quote=mapped.text[read.start : end],
        start=read.start,
        end=end,
        source_start=source_start,
        source_end=source_end,
    )


def text_digest_id(text: str) -> str:
    """The id of a notice without a number: the same text read from two files is one notice."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _with_source_spans(facts: list, mapped: MappedText) -> list:
    return [replace(fact, evidence=_located(fact.evidence, mapped)) for fact in facts]


def _located(evidence: Evidence, mapped: MappedText) -> Evidence:
    """Built afresh rather than by dataclasses.replace, which reads the fields' definitions
    for every copy: a third of the cost of locating a notice's facts."""
    source_start, source_end = mapped.source_span(evidence.start, evidence.end)
    start, end = evidence.start, evidence.end
    return Evidence(quote=evidence.quote, start=start, end=end, source_start=source_start, source_end=source_end)
