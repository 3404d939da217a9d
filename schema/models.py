"""The notice record of CONTRACT.md (version 2) as typed records.

These records are the boundary between extraction and everything downstream. They are
frozen standard dataclasses, so a run builds and writes them without a validation library:
msgspec writes them as JSON (schema.codec), and a run never imports pydantic, whose import
and model building cost more than a small batch's work. pydantic reads the same
annotations where a record must be checked: the JSON Schema in `notice.schema.json` is
generated from them (`python -m schema`), and the tests validate every kind of line the
pipeline writes against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

SCHEMA_VERSION = "2"
# The record's lists of facts, each fact with its evidence.
FACT_FIELDS = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")
# The record's fields read from a notice's layout, each with where it was read.
HEADER_FIELDS = ("doc_number", "title", "issuers", "issue_date")
HeaderField = Literal["doc_number", "title", "issuers", "issue_date"]
MAX_QUOTE_CHARS = 400
CONFIG = {"extra": "forbid"}  # read by pydantic, which validates records in tests and the JSON Schema


class Constrained:
    """Bounds on a value, in pydantic-core's terms (ge, le, gt, min_length, max_length,
    pattern), as pydantic reads them from an annotation. Written here rather than taken
    from annotated_types, whose import cost a run 7 ms for the few a record needs."""

    def __init__(self, **bounds: object) -> None:
        self.bounds = bounds

    def __get_pydantic_core_schema__(self, source: object, handler: Callable) -> dict:
        return {**handler(source), **self.bounds}


class Described:
    """A field's description in the JSON Schema, as pydantic reads it from an annotation."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __get_pydantic_json_schema__(self, core_schema: dict, handler: Callable) -> dict:
        return {**handler(core_schema), "description": self.text}


record = dataclass(frozen=True, slots=True, kw_only=True)
Offset = Annotated[int, Constrained(ge=0)]
Ratio = Annotated[float, Constrained(ge=0, le=1)]


@record
class Evidence:
    """The sentence that states a fact: `text[start:end] == quote` in the record's text."""

    __pydantic_config__ = CONFIG
    quote: Annotated[str, Constrained(min_length=1, max_length=MAX_QUOTE_CHARS)]
    start: Offset
    end: Offset
    source_start: Annotated[Offset | None, Described("span of the quote in the decoded source file")] = None
    source_end: Offset | None = None


@record
class FieldEvidence(Evidence):
    """Where a record field's value was read: the line or element that prints it."""

    element: Annotated[
        str,
        Described(
            "the element the value was read from (doc_number, title, issuer_mark, signature, signed_date, print_date, "
            "header_date, printer), or `metadata` for a field of the site's disclosure or page-info block"
        ),
    ]


@record
class Fact:
    __pydantic_config__ = CONFIG
    evidence: Evidence
    scope: Annotated[str | None, Described("what the fact covers, in the notice's words")] = None


@record
class ProcurementPeriod(Fact):
    months: Annotated[int, Constrained(ge=1)] | None
    extension_months: Annotated[int, Constrained(ge=1)] | None = None
    start: date | None = None
    end: date | None = None


@record
class Prepayment(Fact):
    ratio: Ratio | None
    basis: Annotated[str | None, Described("the amount the ratio is of")] = None


@record
class SelfPayAdjustment(Fact):
    ratio: Ratio | None
    mode: Literal["set", "decrease", "increase", "adjust"]
    population: str | None = None


PriceBasis = Literal[
    "selected_price", "max_selected_price", "avg_selected_price", "reference_price", "fixed_amount", "other"
]


@record
class PriceCap(Fact):
    basis: PriceBasis
    multiplier: Annotated[float, Constrained(gt=0)] | None = None
    amount_yuan: Annotated[float, Constrained(ge=0)] | None = None
    target: Annotated[str | None, Described("listing_price, payment_standard, purchase_price, …")] = None


@record
class Reference(Fact):
    doc_number: str | None = None
    title: str | None = None
    code: str | None = None
    relation: Literal["forwards", "implements", "cites"]


@record
class AttachmentRow:
    """A row of an attachment table (中选结果表) read from a PDF page."""

    __pydantic_config__ = CONFIG
    page: Annotated[int, Constrained(ge=1), Described("the 1-based page of the source PDF the table starts on")]
    product: str | None = None
    company: str | None = None
    specification: str | None = None
    price_yuan: Annotated[float, Constrained(ge=0)] | None = None
    cells: Annotated[dict[str, str], Described("the row as printed: column header → cell")]


@record
class Source:
    __pydantic_config__ = CONFIG
    file: str
    sha256: Annotated[str, Constrained(pattern=r"^[0-9a-f]{64}$")]
    start: Offset
    end: Offset
    encoding: Annotated[
        str | None, Described("how the file was read: utf-8, gb18030, big5, utf-16, pdf, pdf-ocr, html or docx")
    ] = None


RegionLevel = Literal["national", "alliance", "province", "city", "county"]


@record
class Region:
    """Where an issuer's notices apply; every part unknown stays null, never guessed."""

    __pydantic_config__ = CONFIG
    level: RegionLevel | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    evidence: Annotated[
        FieldEvidence | None,
        Described("where the place was read: the issuer's name, or the 发文字号 whose 机关代字 abbreviates it"),
    ] = None


@record
class Copy(Source):
    """Another place the same notice was read: a repost, the PDF of a web page, an attachment."""


@record
class NoticeRecord:
    __pydantic_config__ = CONFIG
    schema_version: Literal["2"] = SCHEMA_VERSION
    id: str
    source: Source
    script: Literal["simplified", "traditional", "mixed"]
    text: str
    title: str | None
    doc_number: str | None
    issuers: list[str]
    regions: Annotated[
        list[Region],
        Described("one per issuer, in the issuers' order; for a notice naming no issuer, the one its 发文字号 places"),
    ] = field(default_factory=list)
    copies: Annotated[
        list[Copy],
        Described(
            "the other files holding this notice (same number, same or near-same text); `source` is the most "
            "complete copy, the one the fields were read from"
        ),
    ] = field(default_factory=list)
    conflicts: Annotated[
        list[str], Described("ids of the records whose different text claims this record's number")
    ] = field(default_factory=list)
    status: Literal["final", "draft"]
    issue_date: date | None
    effective_date: date | None
    procurement_periods: list[ProcurementPeriod]
    prepayments: list[Prepayment]
    self_pay_adjustments: list[SelfPayAdjustment]
    price_caps: list[PriceCap]
    references: list[Reference]
    attachment_rows: list[AttachmentRow] = field(default_factory=list)
    field_evidence: Annotated[
        dict[HeaderField, FieldEvidence],
        Described("where doc_number, title, issuers and issue_date were read, each one found"),
    ] = field(default_factory=dict)
