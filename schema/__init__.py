"""The output record: typed models and the JSON Schema generated from them."""

from schema.models import (
    SCHEMA_VERSION,
    Evidence,
    NoticeRecord,
    Prepayment,
    PriceCap,
    ProcurementPeriod,
    Reference,
    SelfPayAdjustment,
    Source,
)

__all__ = [
    "SCHEMA_VERSION",
    "Evidence",
    "NoticeRecord",
    "Prepayment",
    "PriceCap",
    "ProcurementPeriod",
    "Reference",
    "SelfPayAdjustment",
    "Source",
]
