"""Rows of attachment tables (中选结果表) as typed values: product, company, specification, price.

Tables name their columns many ways; a column is recognised by the first pattern its
header matches, in this order, so 中选企业 is a company and not a price.
"""

from __future__ import annotations

import re

from extract.numerals import parse_number
from ingest.source import Table
from schema import AttachmentRow

COLUMNS = [
    ("company", r"企业|公司|厂家|厂商"),
    ("specification", r"规格|型号|剂型|包装|材质"),
    ("price_yuan", r"价格|价|金额"),
    ("product", r"产品|药品|品名|通用名|名称|品种|耗材"),
]
PRICE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")

_COLUMNS = [(name, re.compile(pattern)) for name, pattern in COLUMNS]


def attachment_rows(tables: tuple[Table, ...]) -> list[AttachmentRow]:
    return [_row(table, cells) for table in tables if table.header for cells in table.rows if any(cells)]


def _row(table: Table, cells: tuple[str, ...]) -> AttachmentRow:
    named = dict(zip(table.header, cells, strict=False))
    values: dict[str, str | None] = dict.fromkeys(name for name, _ in COLUMNS)
    for header, cell in named.items():
        column = next((name for name, pattern in _COLUMNS if pattern.search(header)), None)
        if column and values[column] is None and cell:
            values[column] = cell
    return AttachmentRow(
        page=table.page,
        product=values["product"],
        company=values["company"],
        specification=values["specification"],
        price_yuan=_price(values["price_yuan"]),
        cells=named,
    )


def _price(cell: str | None) -> float | None:
    match = PRICE.search(cell or "")
    return parse_number(match.group().replace(",", "")) if match else None
