"""Answers as files officers take into Excel: CSV and .xlsx, with the labels of the page.

Numbers stay numbers a spreadsheet can sort and sum: a unit moves from the cell to the
heading (采购周期（月） 24), a share is a percentage (50%, which Excel reads as 0.5), and
every row ends with the notice's id, so that each can be traced back to its record.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from policygraph.labels import UNIT_HEADINGS, VALUE_LABELS, heading, shown
from policygraph.render import named

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_BOM = "\ufeff"  # without it Excel reads a UTF-8 CSV as the machine's code page: Chinese turns to noise
TRACE_COLUMN = "id"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMATS = {True: "0%", False: "0.0#%"}  # by whether the share is a whole percent
DATE_FORMAT = "yyyy-mm-dd"
COLUMN_CHARS = {"title": 40, "quote": 60, "issuers": 24, "scope": 16, "basis": 16}  # widths in the sheet
DEFAULT_COLUMN_CHARS = 12


def download_columns(columns: list[str]) -> list[str]:
    return [*columns, TRACE_COLUMN] if TRACE_COLUMN not in columns else columns


def download_heading(column: str, fact_type: str | None = None) -> str:
    return UNIT_HEADINGS.get(column) or heading(column, fact_type=fact_type)


def cell(column: str, row: dict) -> object:
    """A value for a spreadsheet: numbers and dates as themselves, words as the page shows them."""
    value = named(row, column)
    if isinstance(value, bool | list | dict) or value in VALUE_LABELS.get(column, {}):
        return shown(column, value)
    return value


def as_csv(rows: list[dict], columns: list[str], fact_type: str | None = None) -> str:
    columns = download_columns(columns)
    written = io.StringIO()
    writer = csv.writer(written, lineterminator="\r\n")  # RFC 4180, as Excel writes it
    writer.writerow([download_heading(column, fact_type) for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(column, cell(column, row)) for column in columns])
    return EXCEL_BOM + written.getvalue()


def rollout_csv(rollout: dict, columns: list[str]) -> str:
    """One sheet of every province: the notices carrying the document out, then a row naming
    each province-level division with none."""
    rows = [{**row, "id": row["node"]} for row in rollout["rows"]]
    return as_csv(rows + [{"province": province} for province in rollout["missing"]], columns)


def _csv_cell(column: str, value: object) -> object:
    if value is None:
        return ""
    if column == "ratio":
        return shown(column, value)
    return _inert(value) if isinstance(value, str) else value


def _inert(text: str) -> str:
    """Text as Excel shows it, never as a formula it runs: a quote or title from a reposted
    page is untrusted, and a cell starting =, +, -, @ (or a tab or return before them) is a
    formula to Excel. A leading apostrophe makes it text, and Excel does not show it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_xlsx(rows: list[dict], columns: list[str], fact_type: str | None = None, sheet: str = "policygraph") -> bytes:
    import xlsxwriter  # 0.13 s of imports, for the one request that downloads a sheet

    columns = download_columns(columns)
    written = io.BytesIO()
    with xlsxwriter.Workbook(written, {"in_memory": True, "strings_to_numbers": False}) as workbook:
        formats = {
            "heading": workbook.add_format({"bold": True}),
            **{whole: workbook.add_format({"num_format": shape}) for whole, shape in PERCENT_FORMATS.items()},
            "date": workbook.add_format({"num_format": DATE_FORMAT}),
        }
        worksheet = workbook.add_worksheet(sheet[:31])  # Excel's limit on a sheet's name
        for number, column in enumerate(columns):
            worksheet.write_string(0, number, download_heading(column, fact_type), formats["heading"])
            worksheet.set_column(number, number, COLUMN_CHARS.get(column, DEFAULT_COLUMN_CHARS))
        for line, row in enumerate(rows, start=1):
            for number, column in enumerate(columns):
                _write(worksheet, line, number, column, cell(column, row), formats)
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, len(rows), len(columns) - 1)
    return written.getvalue()


def _write(worksheet: object, line: int, number: int, column: str, value: object, formats: dict) -> None:
    if value is None:
        return
    if column.endswith("_date") and isinstance(value, str):
        worksheet.write_datetime(line, number, date.fromisoformat(value), formats["date"])
    elif isinstance(value, int | float):
        shape = formats[_is_whole_percent(value)] if column == "ratio" else None
        worksheet.write_number(line, number, value, shape)
    else:
        worksheet.write_string(line, number, str(value))


def _is_whole_percent(ratio: float) -> bool:
    return round(ratio * 100, 6).is_integer()
