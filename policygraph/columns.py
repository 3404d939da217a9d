"""Which fields each kind of answer shows, in order: one table that the command line and
the web page both read, so neither imports the other."""

from __future__ import annotations

WALK_COLUMNS = ["depth", "relation", "doc_number", "title", "issuers", "issue_date"]
FACT_COLUMNS = {
    "procurement_periods": ["doc_number", "issuers", "issue_date", "months", "extension_months", "scope", "quote"],
    "prepayments": ["doc_number", "issuers", "issue_date", "ratio", "basis", "scope", "quote"],
    "self_pay_adjustments": ["doc_number", "issuers", "issue_date", "mode", "ratio", "population", "scope", "quote"],
    "price_caps": [
        "doc_number",
        "issuers",
        "issue_date",
        "basis",
        "multiplier",
        "amount_yuan",
        "target",
        "scope",
        "quote",
    ],
}
SEARCH_COLUMNS = ["doc_number", "title", "issuers", "issue_date"]
ROLLOUT_COLUMNS = [
    "province", "city", "issuers", "doc_number", "path", "relation", "issue_date", "effective_date",
    "procurement_periods",
]  # fmt: skip
