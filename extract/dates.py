"""Calendar dates in notices: 2024年5月31日, 二〇二四年五月三十一日, 2024-05-31, and year-less 5月27日.

In a notice's sentences the span is isolated by regex and built with datetime.date, which also
rejects impossible days. dateparser is not called there: on an isolated, numeral-normalised span it
adds nothing, and on the raw spans it fails (二〇二四年…, 2025年8月29日起) or misreads them (5月27日前
came back as 2026-05-29). It is called on what it is right for: a value a site prints as one
timestamp (发布时间：2022/07/04 09:30, 成文日期：2021.10.18), in the many formats sites use.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from extract.numerals import parse_number, to_int

YEAR_MARK = "年"
MONTH_MARK = "月"
DAY_MARKS = "日号"
ISO_SEPARATORS = ("-－", "/／", ".．")

_ARABIC_DIGIT = "[0-9０-９]"
_YEAR_NUMERALS = "〇○◯零一二三四五六七八九"
_NUMERAL_CHARS = "0-9０-９" + _YEAR_NUMERALS + "十"
_SMALL_NUMERAL = "[一二三四五六七八九]"

_ARABIC_YEAR = rf"(?<!{_ARABIC_DIGIT}){_ARABIC_DIGIT}{{4}}"
_CHINESE_YEAR = rf"(?<![{_YEAR_NUMERALS}])[{_YEAR_NUMERALS}]{{4}}"
_MONTH = rf"{_ARABIC_DIGIT}{{1,2}}|十[一二]?|{_SMALL_NUMERAL}"
_DAY = rf"{_ARABIC_DIGIT}{{1,2}}|三十一?|二?十{_SMALL_NUMERAL}?|{_SMALL_NUMERAL}"
_MONTH_DAY = rf"(?:{_MONTH})\s*{MONTH_MARK}\s*(?:{_DAY})\s*[{DAY_MARKS}]"
_WRITTEN_DATE = rf"(?:{_ARABIC_YEAR}|{_CHINESE_YEAR})\s*{YEAR_MARK}\s*{_MONTH_DAY}"
_ISO_DATE = "|".join(
    rf"{_ARABIC_YEAR}\s*[{re.escape(separator)}]\s*{_ARABIC_DIGIT}{{1,2}}"
    rf"\s*[{re.escape(separator)}]\s*{_ARABIC_DIGIT}{{1,2}}(?!{_ARABIC_DIGIT})"
    for separator in ISO_SEPARATORS
)
# A month-day glued to a numeral is part of something else, not year-less. One right after
# 年 (or 年度) has its year said there, and not as the notice's: a short year (24年5月1日),
# a year in words (同年, 次年, 每年, 下一年度), or a year stripped or masked on the way to
# the page (自年1月20日, 20**年): taking the notice's year for it would be a guess.
_YEARLESS_DATE = (
    rf"(?<![{_NUMERAL_CHARS}])(?<!{YEAR_MARK})(?<!{YEAR_MARK}\s)(?<!{YEAR_MARK}度){_MONTH_DAY}"
)
DATE = rf"{_WRITTEN_DATE}|{_ISO_DATE}|{_YEARLESS_DATE}"
# The years a notice's dates fall in: its own and those it looks back to (离休 rules date
# service from 1937) or ahead to (cycles end a few years on). A year outside (0001, 9999)
# is a misread or a placeholder, not a date a notice states.
PLAUSIBLE_YEARS = range(1900, 2100)

# Every date opens with a numeral: looking ahead for one first lets a search skip to where
# a date may begin, instead of trying each form at every character (a tenth of the cost).
_DATE_RE = re.compile(rf"(?=[{_NUMERAL_CHARS}])(?:{DATE})")
_FIELD_SEPARATOR_RE = re.compile(
    rf"[{YEAR_MARK}{MONTH_MARK}{DAY_MARKS}{re.escape(''.join(ISO_SEPARATORS))}\s]+"
)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    value: datetime.date
    has_year: bool


def parse_date(span: str, default_year: int | None = None) -> datetime.date | None:
    """Date of a span that is exactly one date (no suffix such as 起); year-less spans need default_year."""
    span = span.strip()
    resolved = _resolve(span, default_year) if _DATE_RE.fullmatch(span) else None
    return None if resolved is None else resolved[0]


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """Every valid date in `text`; impossible dates and year-less ones without default_year are skipped."""
    matches = []
    for match in _DATE_RE.finditer(text):
        resolved = _resolve(match.group(), default_year)
        if resolved is not None:
            matches.append(DateMatch(match.start(), match.end(), *resolved))
    return matches


def _resolve(span: str, default_year: int | None) -> tuple[datetime.date, bool] | None:
    """The date of a span that `_DATE_RE` matches whole, and whether the span gives its year."""
    fields = [to_int(parse_number(field)) for field in _FIELD_SEPARATOR_RE.split(span) if field]
    has_year = len(fields) == 3
    year, month, day = fields if has_year else [default_year, *fields]
    if year is None or month is None or day is None:
        return None
    value = calendar_date(year, month, day)
    return None if value is None else (value, has_year)


def calendar_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, when a notice can state it: a day the calendar has (not 2月30日) in a plausible year."""
    if year not in PLAUSIBLE_YEARS:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# A site's timestamp is year-month-day (2019/3/19, 2021.10.18); a value missing a part is no date.
SITE_DATE_SETTINGS = {
    "DATE_ORDER": "YMD",
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
}
SITE_DATE_LANGUAGES = ["zh", "en"]


def parse_site_date(value: str) -> datetime.date | None:
    """The date of a metadata value that is one timestamp, else of the first date written in it
    (二〇二一年十月十八日, which dateparser does not read). Imported on first use: a run whose
    files carry no metadata never loads dateparser."""
    import dateparser

    parsed = dateparser.parse(value, languages=SITE_DATE_LANGUAGES, settings=SITE_DATE_SETTINGS)
    if parsed is not None:
        return parsed.date() if parsed.year in PLAUSIBLE_YEARS else None
    found = find_dates(value)
    return found[0].value if found else None
