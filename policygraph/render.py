"""Query results for people (aligned tables, wide Chinese characters counted right, labels
and values as `labels` writes them) or for programs (--json)."""

from __future__ import annotations

import json

from policygraph.labels import CHINESE, ENGLISH, FACT_TYPE_LABELS, fact_type_label, heading, shown

MAX_CELL_CHARS = 48


def as_json(result: object) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def as_table(rows: list[dict], columns: list[str], language: str = CHINESE, fact_type: str | None = None) -> str:
    if not rows:
        return "（未找到）" if language == CHINESE else "(nothing found)"
    from tabulate import tabulate  # 40 ms of imports, which `run`, a re-run above all, never needs

    cells = [[_cut(shown(column, named(row, column), language)) for column in columns] for row in rows]
    return tabulate(cells, headers=[heading(column, language, fact_type) for column in columns])


def named(row: dict, column: str) -> object:
    """A notice without a 发文字号 is named by its id, which `show` takes: no empty cell."""
    value = row.get(column)
    if column == "doc_number" and value is None:
        return row.get("id") or row.get("node")
    return value


def as_card(document: dict, language: str = CHINESE) -> str:
    """One document: its fields, then each fact with the sentence it came from, fact types
    in the record's order."""
    lines = [
        f"{heading(key, language)}: {shown(key, document[key], language)}"
        for key in _CARD_FIELDS
        if document.get(key) is not None
    ]
    for field in FACT_TYPE_LABELS:
        for fact in document.get(field) or []:
            lines.append(f"[{fact_type_label(field, language)}] {fact_summary(fact, field, language)}")
            lines.append(f"    «{fact['evidence']['quote']}»")
    for direction, key in (("referenced_by", "referenced_by"), ("references", "references_documents")):
        for link in document.get(key) or []:
            relation = shown("relation", link["relation"], language)
            lines.append(f"{_DIRECTIONS[language][direction]}: {relation} {named(link, 'doc_number') or link['title']}")
    return "\n".join(lines)


_CARD_FIELDS = (
    "node", "doc_number", "title", "code", "issuers", "status", "issue_date", "effective_date", "script", "in_corpus",
)  # fmt: skip
_DIRECTIONS = {
    CHINESE: {"referenced_by": "被引用", "references": "引用"},
    ENGLISH: {"referenced_by": "referenced by", "references": "references"},
}


def fact_summary(fact: dict, fact_type: str, language: str = CHINESE) -> str:
    """A fact's known values, each after its label, what it covers last:
    预付比例 50%；预付基数 医疗机构年度约定采购金额；适用范围 药品."""
    known = [(key, value) for key, value in fact.items() if key not in ("evidence", "scope") and value is not None]
    known += [("scope", fact["scope"])] if fact.get("scope") else []
    separator = "；" if language == CHINESE else "; "
    return separator.join(f"{heading(key, language, fact_type)} {shown(key, value, language)}" for key, value in known)


def as_rollout(rollout: dict, columns: list[str], language: str = CHINESE) -> str:
    """The notices carrying the document out, then the province-level divisions with none."""
    table = as_table(rollout["rows"], columns, language)
    missing = rollout["missing"]
    said = _MISSING[language].format(count=len(missing), provinces="、".join(missing))
    return f"{table}\n\n{said}"


_MISSING = {
    CHINESE: "尚无执行通知的省级行政区（{count} 个）：{provinces}",
    ENGLISH: "{count} province-level divisions with no notice in the corpus: {provinces}",
}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"
