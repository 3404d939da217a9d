"""The output record: typed models and the JSON Schema generated from them."""

from schema.models import (
    FACT_FIELDS,
    HEADER_FIELDS,
    SCHEMA_VERSION,
    AttachmentRow,
    Copy,
    Evidence,
    FieldEvidence,
    NoticeRecord,
    Prepayment,
    PriceCap,
    ProcurementPeriod,
    Reference,
    Region,
    SelfPayAdjustment,
    Source,
)

__all__ = [
    "FACT_FIELDS",
    "HEADER_FIELDS",
    "SCHEMA_VERSION",
    "AttachmentRow",
    "Copy",
    "Evidence",
    "FieldEvidence",
    "NoticeRecord",
    "Prepayment",
    "PriceCap",
    "ProcurementPeriod",
    "Reference",
    "Region",
    "SelfPayAdjustment",
    "Source",
]
