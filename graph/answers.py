"""What graph.query answers, as pydantic models: the web API's OpenAPI description says
with them exactly what each field holds (FastAPI checks every answer against them), and the
Python API hands them to programs. The queries themselves answer plain dicts: the command
line prints those without loading pydantic."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from graph.store import FACT_TYPES
from schema.models import (
    AttachmentRow,
    Copy,
    FieldEvidence,
    HeaderField,
    Prepayment,
    PriceCap,
    ProcurementPeriod,
    Reference,
    Region,
    SelfPayAdjustment,
    Source,
)

FactType = Literal[FACT_TYPES]  # the tuple spreads into the allowed values
Relation = Literal["forwards", "implements", "cites"]


class SearchHit(BaseModel):
    id: str
    doc_number: str | None
    title: str | None
    issuers: list[str]
    issue_date: date | None


class Link(BaseModel):
    """An edge seen from one end: the document at the other end, and the sentence that makes the link."""

    node: str
    relation: Relation
    quote: str | None
    doc_number: str | None
    title: str | None
    in_corpus: bool


class ShownDocument(BaseModel):
    """A notice of the corpus with all its record's fields but the text, or a document only
    referenced, of which just the number, title and code are known."""

    node: str
    in_corpus: bool
    doc_number: str | None
    title: str | None
    code: str | None = None
    id: str | None = None
    schema_version: str | None = None
    source: Source | None = None
    script: str | None = None
    issuers: list[str] = []
    regions: list[Region] = []
    copies: list[Copy] = []
    conflicts: list[str] = []
    status: str | None = None
    issue_date: date | None = None
    effective_date: date | None = None
    procurement_periods: list[ProcurementPeriod] = []
    prepayments: list[Prepayment] = []
    self_pay_adjustments: list[SelfPayAdjustment] = []
    price_caps: list[PriceCap] = []
    references: list[Reference] = []
    attachment_rows: list[AttachmentRow] = []
    field_evidence: dict[HeaderField, FieldEvidence] = {}
    referenced_by: list[Link]
    references_documents: list[Link]


class WalkStep(BaseModel):
    """A document reached by following forwards/implements edges, `depth` steps away, `via` the one before."""

    node: str
    depth: int
    via: str
    relation: Relation
    doc_number: str | None
    title: str | None
    in_corpus: bool
    issuers: list[str]
    issue_date: date | None


class FactRow(BaseModel):
    """One fact and its notice; the typed columns a fact type does not use are null."""

    id: str
    doc_number: str | None
    title: str | None
    issuers: list[str]
    issue_date: date | None
    effective_date: date | None
    months: int | None
    extension_months: int | None
    ratio: float | None
    mode: str | None
    population: str | None
    basis: str | None
    multiplier: float | None
    amount_yuan: float | None
    target: str | None
    scope: str | None
    quote: str


class Period(BaseModel):
    months: int | None
    extension_months: int | None
    start: date | None
    end: date | None


class RolloutRow(BaseModel):
    """A notice carrying the document out, placed where its lead issuer is; `path` runs from
    the document down to it, each named by number, code or id."""

    node: str
    doc_number: str | None
    title: str | None
    issuers: list[str]
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    relation: Literal["forwards", "implements"]
    path: list[str]
    issue_date: date | None
    effective_date: date | None
    procurement_periods: list[Period]


class RolloutTarget(BaseModel):
    node: str
    in_corpus: bool
    doc_number: str | None
    title: str | None
    code: str | None = None


class Rollout(BaseModel):
    """Who carries a document out, where and from when, and the mainland's province-level
    divisions with no notice of it in the corpus."""

    target: RolloutTarget
    rows: list[RolloutRow]
    missing: list[str]
