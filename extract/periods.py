"""Procurement periods: how long a procurement or agreement cycle runs, in months."""

from __future__ import annotations

import re
from datetime import date

from extract.dates import find_dates
from extract.nlp import scope_of
from extract.numerals import NUMBER, parse_number
from extract.sentences import Span, evidence
from schema import ProcurementPeriod

# 采购周期 / 协议期限 / 采购协议期 …: the cycle named, its subject just before it.
CYCLE = r"(?P<subject>采购|协议|集采|采购协议)(?:周期|期限|协议期|期)"
# What may stand between the cycle and its length: 为, 原则上为, 暂定为, …
LINK = r"(?:为期|原则上|一般|暂定|统一|均|确定|定|设定|为|是|共|[:：])*"
LENGTH = rf"(?P<number>{NUMBER})(?P<unit>个?月|年)(?P<half>半)?"
EXTENSION = rf"(?:延长|延期|续签|续约|顺延)[^，。；\d]{{0,4}}?(?P<number>{NUMBER})(?P<unit>个?月|年)"
MONTHS_PER_UNIT = {"年": 12, "月": 1, "个月": 1}
GENERIC_SUBJECTS = {"采购", "协议", "集采", "采购协议"}
AVERAGE_DAYS_PER_MONTH = 30.44

_PERIOD = re.compile(rf"{CYCLE}{LINK}{LENGTH}")
_DATED_PERIOD = re.compile(rf"{CYCLE}{LINK}(?:自|从)?")
_EXTENSION = re.compile(EXTENSION)


def find_periods(text: str, sentence: Span, default_year: int | None) -> list[ProcurementPeriod]:
    periods = [_period(text, sentence, match, default_year) for match in _PERIOD.finditer(sentence.text)]
    if not periods:
        periods = _dated_periods(text, sentence, default_year)
    return [period for period in periods if period is not None]


def _period(text: str, sentence: Span, match: re.Match[str], default_year: int | None) -> ProcurementPeriod | None:
    months = _months(match.group("number"), match.group("unit"), bool(match.group("half")))
    if months is None:
        return None
    tail = sentence.text[match.end() :]
    extension = _EXTENSION.search(tail)
    start, end = _date_range(tail, default_year)
    return ProcurementPeriod(
        months=months,
        extension_months=_months(extension.group("number"), extension.group("unit")) if extension else None,
        start=start,
        end=end,
        scope=_scope(sentence.text, match),
        evidence=evidence(text, sentence, sentence.start + match.start(), sentence.start + match.end()),
    )


def _dated_periods(text: str, sentence: Span, default_year: int | None) -> list[ProcurementPeriod | None]:
    """A cycle given by its dates alone: 采购周期为2024年1月1日至2025年12月31日."""
    match = _DATED_PERIOD.search(sentence.text)
    if not match:
        return []
    start, end = _date_range(sentence.text[match.end() :], default_year, adjacent=True)
    if not start or not end or end <= start:
        return []
    months = round(((end - start).days + 1) / AVERAGE_DAYS_PER_MONTH)
    focus = sentence.start + match.start()
    return [
        ProcurementPeriod(
            months=max(months, 1),
            start=start,
            end=end,
            scope=_scope(sentence.text, match),
            evidence=evidence(text, sentence, focus, focus + len(match.group())),
        )
    ]


def _months(number: str, unit: str, half: bool = False) -> int | None:
    value = parse_number(number)
    if value is None or value <= 0:
        return None
    months = value * MONTHS_PER_UNIT[unit] + (6 if half else 0)
    return round(months) if float(months).is_integer() else None


def _date_range(tail: str, default_year: int | None, adjacent: bool = False) -> tuple[date | None, date | None]:
    dates = find_dates(tail[:60], default_year)
    if len(dates) < 2 or (adjacent and dates[0].start > 2):
        return None, None
    return dates[0].value, dates[1].value


def _scope(sentence: str, match: re.Match[str]) -> str | None:
    clause_start = max(sentence.rfind(mark, 0, match.start()) for mark in "，,；;：:") + 1
    scope = scope_of(sentence[clause_start : match.end("subject")])
    return None if scope is None or scope in GENERIC_SUBJECTS else scope
