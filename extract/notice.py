"""All facts of one notice, from its normalised text and layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from types import ModuleType
from typing import Any

from extract import effective, header, periods, prepayments, price_caps, references, self_pay
from extract.regions import PlacedIssuer, notice_regions
from extract.sentences import Span, sentences_holding
from ingest.structure import NoticeLayout
from schema import HEADER_FIELDS, Prepayment, PriceCap, ProcurementPeriod, Reference, SelfPayAdjustment

# Facts are read from these elements; the rest (issuer marks, numbers, signatures, 抄送)
# name the notice itself and would only yield false references.
FACT_ELEMENTS = ("title", "body", "attachments", "appendix")
# Every sentence stating a fact holds one of its kind's MENTION_CHARS.
_KINDS = (effective, periods, prepayments, self_pay, price_caps, references)
_ANY_MENTION = re.compile("[{}]".format(re.escape("".join(kind.MENTION_CHARS for kind in _KINDS))))
# A question states no fact: a forum reply's 续签的采购周期是2年吗？, an interpretation's 问：….
QUESTION_ENDS = ("？", "?", "吗", "呢")
# A region of fact elements, and where in it mention characters are (position, character).
Region = tuple[int, int, list[tuple[int, str]]]


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
    regions: list[PlacedIssuer] = field(default_factory=list)  # one per issuer
    # Where each field read from the layout was found, for the record's field_evidence.
    field_sources: dict[str, header.Read] = field(default_factory=dict)


def extract_notice(text: str, layout: NoticeLayout) -> NoticeFacts:
    read = {name: getattr(header, name)(layout) for name in HEADER_FIELDS}
    facts = NoticeFacts(
        title=_value(read["title"]),
        doc_number=_value(read["doc_number"]),
        issuers=_value(read["issuers"]) or [],
        status=header.status(layout),
        issue_date=_value(read["issue_date"]),
        field_sources={name: source for name, source in read.items() if source},
        regions=notice_regions(text, read["issuers"], read["doc_number"]),
    )
    year = _reference_year(facts)
    regions = [(start, end, _mentions(text, start, end)) for start, end in _fact_regions(layout)]

    asks = any(mark in text for mark in QUESTION_ENDS)

    def sentences_of(kind: ModuleType) -> Iterator[Span]:
        """The sentences that may state a fact of `kind`: those holding one of its MENTION_CHARS
        that ask nothing (a notice without a question mark or particle is not searched for one)."""
        held = _sentences_holding_any(text, regions, kind.MENTION_CHARS)
        return (sentence for sentence in held if not sentence.text.rstrip().endswith(QUESTION_ENDS)) if asks else held

    facts.effective_date = effective.find_effective_date(sentences_of(effective), year, facts.issue_date)
    facts.procurement_periods = [f for s in sentences_of(periods) for f in periods.find_periods(text, s, year)]
    facts.prepayments = [f for s in sentences_of(prepayments) for f in prepayments.find_prepayments(text, s)]
    facts.self_pay_adjustments = [f for s in sentences_of(self_pay) for f in self_pay.find_self_pay(text, s)]
    facts.price_caps = [f for s in sentences_of(price_caps) for f in price_caps.find_price_caps(text, s)]
    short_names = references.defined_short_names(text)
    found = [
        f for s in sentences_of(references) for f in references.find_references(text, s, facts.doc_number, short_names)
    ]
    facts.references = [reference for reference in merge_references(found) if not _names_itself(reference, facts)]
    return facts


def _names_itself(reference: Reference, facts: NoticeFacts) -> bool:
    """A notice quoting its own title (《关于…的通知》政策解读, 简明问答) cites no other document:
    a cited title without a number that is the notice's own, with its issuer or none in front."""
    if reference.relation != "cites" or reference.doc_number or not reference.title or not facts.title:
        return False
    issuer, bare = references.title_parts(reference.title)
    return bare == references.title_parts(facts.title)[1] and (issuer is None or issuer in facts.issuers)


def _value(read: header.Read | None) -> Any:
    return read.value if read else None


def _reference_year(facts: NoticeFacts) -> int | None:
    """The year a date written without one (5月27日前) belongs to."""
    if facts.issue_date:
        return facts.issue_date.year
    if facts.doc_number and "〔" in facts.doc_number:
        return int(facts.doc_number.split("〔")[1][:4])
    return None


def _fact_regions(layout: NoticeLayout) -> list[tuple[int, int]]:
    return sorted((element.start, element.end) for element in layout.elements if element.kind in FACT_ELEMENTS)


def _mentions(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Where the mention characters of all kinds are in `text[start:end]`, in one search."""
    return [(match.start(), match.group()) for match in _ANY_MENTION.finditer(text, start, end)]


def _sentences_holding_any(text: str, regions: list[Region], chars: str) -> Iterator[Span]:
    """The sentences of the regions holding one of `chars`.

    Every sentence stating a kind of fact holds one of that kind's MENTION_CHARS, and its
    reader, given only these, checks its own patterns on them: one search for the characters
    of all kinds replaces a pattern search per kind and sentence, and the rest of the notice,
    most of it, is never split into sentences. They are split as they are read, so a reader
    that stops at its first fact (the effective date) leaves the rest unsplit.
    """
    for start, end, mentions in regions:
        positions = [position for position, char in mentions if char in chars]
        yield from sentences_holding(text, start, end, positions)


def merge_references(references: list[Reference]) -> list[Reference]:
    """One reference per document and relation; a bare number following its titled
    mention in the same sentence is the same reference.

    A reference joins the first one kept that shares a key of its document (title, number
    or code): the keys are looked up, not compared with every reference kept, which on a
    notice citing thousands of documents cost n²."""
    merged: list[Reference] = []
    first_holding: dict[tuple[str, str, str], int] = {}  # a document's key → the first reference kept with it
    for reference in references:
        keys = _document_keys(reference)
        held = [first_holding[key] for key in keys if key in first_holding]
        if held:
            position = min(held)
            twin = merged[position]
            merged[position] = replace(
                twin, **{key: getattr(twin, key) or getattr(reference, key) for key in ("doc_number", "title", "code")}
            )
            keys = _document_keys(merged[position])
        else:
            position = len(merged)
            merged.append(reference)
        for key in keys:
            first_holding[key] = min(first_holding.get(key, position), position)
    return merged


def _document_keys(reference: Reference) -> list[tuple[str, str, str]]:
    """What tells its document, within its relation: the title as every mention writes it,
    the number, the code."""
    relation = reference.relation
    keys = [(relation, "title", references.title_key(reference.title))] if reference.title else []
    if reference.doc_number is not None:
        keys.append((relation, "doc_number", reference.doc_number))
    if reference.code is not None:
        keys.append((relation, "code", reference.code))
    return keys
