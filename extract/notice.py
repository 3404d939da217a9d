"""All facts of one notice, from its normalised text and layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extract import header
from extract.effective import find_effective_date
from extract.periods import find_periods
from extract.prepayments import find_prepayments
from extract.price_caps import find_price_caps
from extract.references import find_references
from extract.self_pay import find_self_pay
from extract.sentences import Span, sentences
from ingest.structure import NoticeLayout
from schema import Prepayment, PriceCap, ProcurementPeriod, Reference, SelfPayAdjustment

# Facts are read from these elements; the rest (issuer marks, numbers, signatures, 抄送)
# name the notice itself and would only yield false references.
FACT_ELEMENTS = ("title", "body", "attachments", "appendix")


@dataclass
class NoticeFacts:
    title: str | None
    doc_number: str | None
    issuers: list[str]
    status: str
    issue_date: date | None
    effective_date: date | None = None
    procurement_periods: list[ProcurementPeriod] = field(default_factory=list)
    prepayments: list[Prepayment] = field(default_factory=list)
    self_pay_adjustments: list[SelfPayAdjustment] = field(default_factory=list)
    price_caps: list[PriceCap] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


def extract_notice(text: str, layout: NoticeLayout) -> NoticeFacts:
    facts = NoticeFacts(
        title=header.title(layout),
        doc_number=header.doc_number(layout),
        issuers=header.issuers(layout),
        status=header.status(layout),
        issue_date=header.issue_date(layout),
    )
    year = _reference_year(facts)
    spans = _fact_sentences(text, layout)
    facts.effective_date = find_effective_date(spans, year, facts.issue_date)
    for sentence in spans:
        facts.procurement_periods += find_periods(text, sentence, year)
        facts.prepayments += find_prepayments(text, sentence)
        facts.self_pay_adjustments += find_self_pay(text, sentence)
        facts.price_caps += find_price_caps(text, sentence)
        facts.references += find_references(text, sentence, facts.doc_number)
    facts.references = merge_references(facts.references)
    return facts


def _reference_year(facts: NoticeFacts) -> int | None:
    """The year a date written without one (5月27日前) belongs to."""
    if facts.issue_date:
        return facts.issue_date.year
    if facts.doc_number and "〔" in facts.doc_number:
        return int(facts.doc_number.split("〔")[1][:4])
    return None


def _fact_sentences(text: str, layout: NoticeLayout) -> list[Span]:
    regions = sorted((element.start, element.end) for element in layout.elements if element.kind in FACT_ELEMENTS)
    return [sentence for start, end in regions for sentence in sentences(text, start, end)]


def merge_references(references: list[Reference]) -> list[Reference]:
    """One reference per document and relation; a bare number following its titled
    mention in the same sentence is the same reference."""
    merged: list[Reference] = []
    for reference in references:
        twin = next(
            (kept for kept in merged if kept.relation == reference.relation and _same_document(kept, reference)), None
        )
        if twin is None:
            merged.append(reference)
        else:
            merged[merged.index(twin)] = twin.model_copy(
                update={key: getattr(twin, key) or getattr(reference, key) for key in ("doc_number", "title", "code")}
            )
    return merged


def _same_document(a: Reference, b: Reference) -> bool:
    return any(
        getattr(a, key) is not None and getattr(a, key) == getattr(b, key) for key in ("doc_number", "title", "code")
    )
