"""Query results for people (aligned tables, wide Chinese characters counted right) or
for programs (--json)."""

from __future__ import annotations

import json

MAX_CELL_CHARS = 48


def as_json(result: object) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def as_table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "(nothing found)"
    from tabulate import tabulate  # 40 ms of imports, which `run`, a re-run above all, never needs

    cells = [[_cell(_shown(row, column)) for column in columns] for row in rows]
    return tabulate(cells, headers=columns)


def _shown(row: dict, column: str) -> object:
    """A notice without a 发文字号 is named by its id, which `show` takes: no empty cell."""
    value = row.get(column)
    if column == "doc_number" and value is None:
        return row.get("id") or row.get("node")
    return value


def as_card(document: dict, fact_fields: tuple[str, ...]) -> str:
    """One document: its fields, then each fact with the sentence it came from."""
    lines = [f"{key}: {_cell(document.get(key), None)}" for key in _CARD_FIELDS if document.get(key) is not None]
    for field in fact_fields:
        for fact in document.get(field) or []:
            values = {key: value for key, value in fact.items() if key != "evidence" and value is not None}
            lines.append(f"[{field}] {values}\n    «{fact['evidence']['quote']}»")
    for title, key in (("referenced by", "referenced_by"), ("references", "references_documents")):
        for link in document.get(key) or []:
            lines.append(f"{title}: {link['relation']} {link['doc_number'] or link['title'] or link['node']}")
    return "\n".join(lines)


_CARD_FIELDS = (
    "node", "doc_number", "title", "code", "issuers", "status", "issue_date", "effective_date", "script", "in_corpus",
)  # fmt: skip


def _cell(value: object, limit: int | None = MAX_CELL_CHARS) -> str:
    if value is None:
        return ""
    text = "、".join(value) if isinstance(value, list) else str(value)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
