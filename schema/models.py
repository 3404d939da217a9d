"""The notice record of CONTRACT.md (version 2) as typed models.

These models are the boundary between extraction and everything downstream: the JSON
Schema in `notice.schema.json` is generated from them (`python -m schema`), and every
line the pipeline writes is validated against them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2"
# The record's lists of facts, each fact with its evidence.
FACT_FIELDS = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")
# The record's fields read from a notice's layout, each with where it was read.
HEADER_FIELDS = ("doc_number", "title", "issuers", "issue_date")
HeaderField = Literal["doc_number", "title", "issuers", "issue_date"]
MAX_QUOTE_CHARS = 400


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(Model):
    """The sentence that states a fact: `text[start:end] == quote` in the record's text."""

    quote: str = Field(min_length=1, max_length=MAX_QUOTE_CHARS)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_start: int | None = Field(default=None, ge=0, description="span of the quote in the decoded source file")
    source_end: int | None = Field(default=None, ge=0)


class FieldEvidence(Evidence):
    """Where a record field's value was read: the line or element that prints it."""

    element: str = Field(
        description="the element the value was read from (doc_number, title, issuer_mark, signature, signed_date, "
        "print_date, header_date, printer), or `metadata` for a field of the site's disclosure or page-info block"
    )


class Fact(Model):
    evidence: Evidence
    scope: str | None = Field(default=None, description="what the fact covers, in the notice's words")


class ProcurementPeriod(Fact):
    months: int | None = Field(ge=1)
    extension_months: int | None = Field(default=None, ge=1)
    start: date | None = None
    end: date | None = None


class Prepayment(Fact):
    ratio: float | None = Field(ge=0, le=1)
    basis: str | None = Field(default=None, description="the amount the ratio is of")


class SelfPayAdjustment(Fact):
    ratio: float | None = Field(ge=0, le=1)
    mode: Literal["set", "decrease", "increase", "adjust"]
    population: str | None = None


PriceBasis = Literal[
    "selected_price", "max_selected_price", "avg_selected_price", "reference_price", "fixed_amount", "other"
]


class PriceCap(Fact):
    basis: PriceBasis
    multiplier: float | None = Field(default=None, gt=0)
    amount_yuan: float | None = Field(default=None, ge=0)
    target: str | None = Field(default=None, description="listing_price, payment_standard, purchase_price, …")


class Reference(Fact):
    doc_number: str | None = None
    title: str | None = None
    code: str | None = None
    relation: Literal["forwards", "implements", "cites"]


class AttachmentRow(Model):
    """A row of an attachment table (中选结果表) read from a PDF page."""

    page: int = Field(ge=1, description="the 1-based page of the source PDF the table starts on")
    product: str | None = None
    company: str | None = None
    specification: str | None = None
    price_yuan: float | None = Field(default=None, ge=0)
    cells: dict[str, str] = Field(description="the row as printed: column header → cell")


class Source(Model):
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    encoding: str | None = Field(
        default=None, description="how the file was read: utf-8, gb18030, big5, utf-16, pdf, pdf-ocr, html or docx"
    )


RegionLevel = Literal["national", "alliance", "province", "city", "county"]


class Region(Model):
    """Where an issuer's notices apply; every part unknown stays null, never guessed."""

    level: RegionLevel | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    evidence: FieldEvidence | None = Field(
        default=None,
        description="where the place was read: the issuer's name, or the 发文字号 whose 机关代字 abbreviates it",
    )


class Copy(Source):
    """Another place the same notice was read: a repost, the PDF of a web page, an attachment."""


class NoticeRecord(Model):
    schema_version: Literal["2"] = SCHEMA_VERSION
    id: str
    source: Source
    script: Literal["simplified", "traditional", "mixed"]
    text: str
    title: str | None
    doc_number: str | None
    issuers: list[str]
    regions: list[Region] = Field(
        default_factory=list,
        description="one per issuer, in the issuers' order; for a notice naming no issuer, the one its 发文字号 places",
    )
    copies: list[Copy] = Field(
        default_factory=list,
        description="the other files holding this notice (same number, same or near-same text); `source` is the "
        "most complete copy, the one the fields were read from",
    )
    conflicts: list[str] = Field(
        default_factory=list, description="ids of the records whose different text claims this record's number"
    )
    status: Literal["final", "draft"]
    issue_date: date | None
    effective_date: date | None
    procurement_periods: list[ProcurementPeriod]
    prepayments: list[Prepayment]
    self_pay_adjustments: list[SelfPayAdjustment]
    price_caps: list[PriceCap]
    references: list[Reference]
    attachment_rows: list[AttachmentRow] = Field(default_factory=list)
    field_evidence: dict[HeaderField, FieldEvidence] = Field(
        default_factory=dict, description="where doc_number, title, issuers and issue_date were read, each one found"
    )
