"""Procurement periods: how long a procurement or agreement cycle runs, in months."""

from __future__ import annotations

import re
from datetime import date

from extract.dates import find_dates
from extract.nlp import scope_of
from extract.numerals import NUMBER, parse_number
from extract.sentences import Span, evidence, sentences
from schema import ProcurementPeriod

# 采购周期 / 协议期限 / 采购协议期 / 采购合同期限 …: the cycle named, its subject just before it.
# 执行周期 / 执行期限 / 执行期 is how long results are executed; 执行期间 is while they are.
EXECUTION = "执行"
CYCLE = (
    rf"(?P<subject>采购|协议|集采|采购协议|采购合同|购销合同|{EXECUTION}(?=周期|期限|期(?!间)))"
    r"(?:周期|期限|协议期|期)"
)
# 周期 alone, opening a clause, is the cycle of what the sentence is about; after another word
# it is that word's (结算周期, 考核周期).
NAMED_CYCLE = rf"(?:{CYCLE}|周期(?<![^，,；;：:、\s]周期))"
# What the sentence is about is a procurement when it says, before the bare 周期, that one is
# executed: a procurement word, then in the same clause an execution word
# (中选结果自2022年4月15日起执行，周期为2年); 按月结算，周期为1个月 is not.
EXECUTED_SUBJECT = re.compile(r"中选|集采|采购")
EXECUTION_WORD = re.compile(r"执行|实施|施行")
CLAUSE_END = re.compile(r"[，,]")
# An execution's cycle is a procurement's when the sentence names one before it (本次集中采购执行
# 周期, 中选结果执行周期); 医保支付标准执行周期 is not.
PROCUREMENT_BEFORE = re.compile(r"中选|集采|采购|带量")
# What may stand between the cycle and its length: 为, 原则上为, 暂定为, 不少于 (a least length
# is the one the notice commits to), …
LINK = r"(?:为期|原则上|一般|暂定|统一|均|确定|定|设定|为|是|共|不少于|不低于|至少|[:：])*"
# A length, not the year of a date or a year's name: 协议期为2024年5月27日…, 2024年度.
LENGTH = rf"(?P<number>{NUMBER})(?P<unit>个?月|年)(?P<half>半)?(?![0-9一二三四五六七八九十]{{1,2}}月|度)"
# The length said first: (以)2年为一个采购周期. Only a named cycle: 以1个月为一个周期 is as
# likely a settlement's.
LENGTH_FIRST = rf"{LENGTH}为(?:一个|1个|一)?{CYCLE}"
# 续签1年 adds a length; 延长至3年 states the total the cycle is extended to.
EXTENSION = rf"(?:延长|延期|续签|续约|顺延)[^，。；\d]{{0,4}}?(?P<to>至|到)?(?P<number>{NUMBER})(?P<unit>个?月|年)"
MONTHS_PER_UNIT = {"年": 12, "月": 1, "个月": 1}
GENERIC_SUBJECTS = {"采购", "协议", "集采", "采购协议", "采购合同", "购销合同"}
# No procurement or agreement cycle runs ten years: a longer "length", or a range of dates
# that long (2000年1月1日至2099年12月31日), is a misread number.
MAX_MONTHS = 120
AVERAGE_DAYS_PER_MONTH = 30.44
# What may stand between a cycle and its dates ((自, ，从), and how far its range may run.
DATE_RANGE_LEAD = re.compile(r"[（(，,:：]?(?:自|从|即)?")
DATE_RANGE_CHARS = 60
# A cycle given by its last day (采购周期至2025年12月31日) starts where the sentence's
# execution starts (于2023年7月1日起执行…); without that start its length is unknown,
# and it is no procurement period of the contract's (a length in months).
UNTIL = re.compile(r"(?:至|到|截至|截止到?)")
STARTS_AT = re.compile(r"(?:零时|0时)?(?:起|开始)")

# A heading that only names the cycle (二、采购周期) states it on the next line, by its dates
# (2024年4月20日至2025年4月19日) or its length.
HEADING_NUMBER = r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"

_CYCLE = re.compile(NAMED_CYCLE)
_HEADING = re.compile(rf"\s*{HEADING_NUMBER}?\s*{NAMED_CYCLE}\s*[:：]?\s*")
_LINE_LENGTH = re.compile(rf"\s*{LINK}{LENGTH}")
# Every cycle (周期, 期限, 协议期, 期) holds this: extract_notice reads only the sentences that do.
MENTION_CHARS = "期"
_PERIOD = re.compile(rf"{NAMED_CYCLE}{LINK}{LENGTH}")
_LENGTH_FIRST = re.compile(LENGTH_FIRST)
_DATED_PERIOD = re.compile(rf"{NAMED_CYCLE}{LINK}(?:自|从)?")
_EXTENSION = re.compile(EXTENSION)


def find_periods(text: str, sentence: Span, default_year: int | None) -> list[ProcurementPeriod]:
    """Cycles given by length, then cycles given by their dates alone that no length covers."""
    if not _CYCLE.search(sentence.text):
        return []
    if _HEADING.fullmatch(sentence.text):
        below = _period_below(text, sentence, default_year)
        return [below] if below else []
    found = [*_PERIOD.finditer(sentence.text), *_LENGTH_FIRST.finditer(sentence.text)]
    named_by_dates = list(_DATED_PERIOD.finditer(sentence.text))
    bare = any(not match.group("subject") for match in (*found, *named_by_dates))
    executed = _first_execution_end(sentence.text) if bare else None
    lengths = sorted((match for match in found if _of_procurement(sentence.text, executed, match)), key=re.Match.start)
    covered = {_cycle_start(match) for match in lengths}
    periods = [_period(text, sentence, match, default_year) for match in lengths]
    dated = [
        match
        for match in named_by_dates
        if _cycle_start(match) not in covered and _of_procurement(sentence.text, executed, match)
    ]
    starts = _execution_starts(sentence.text[: max(match.start() for match in dated)], default_year) if dated else []
    periods += [_dated_period(text, sentence, match, default_year, starts) for match in dated]
    return [period for period in periods if period is not None]


def _first_execution_end(sentence: str) -> int | None:
    """The end of the first execution word that follows a procurement word in its clause.

    Found once a sentence, for all its bare cycles: looked for in front of each, lazily from
    each procurement word to its clause's end, it cost a sentence of them n² or more. A
    clause's first procurement word is followed by its earliest execution word, and a
    clause whose first one is not is passed over whole."""
    position = 0
    while subject := EXECUTED_SUBJECT.search(sentence, position):
        clause_end = CLAUSE_END.search(sentence, subject.end())
        position = clause_end.start() if clause_end else len(sentence)
        executed = EXECUTION_WORD.search(sentence, subject.end(), position)
        if executed:
            return executed.end()
    return None


def _of_procurement(sentence: str, executed: int | None, match: re.Match[str]) -> bool:
    """A cycle named by a procurement's subject is a procurement's; an execution's when the
    sentence names a procurement before it; a bare 周期 when one is executed before it
    (`executed`: where the sentence first says so)."""
    subject = match.group("subject")
    if subject == EXECUTION:
        return bool(PROCUREMENT_BEFORE.search(sentence, 0, match.start("subject")))
    return bool(subject) or (executed is not None and executed <= match.start())


def _period_below(text: str, heading: Span, default_year: int | None) -> ProcurementPeriod | None:
    """The cycle a heading names, from the first sentence of the line below it, its evidence.
    A line that names a cycle itself is read as any other sentence is."""
    if not text.startswith("\n", heading.end):
        return None
    line_end = text.find("\n", heading.end + 1)
    line = next(sentences(text, heading.end + 1, len(text) if line_end < 0 else line_end), None)
    if line is None or _CYCLE.search(line.text):
        return None
    length = _LINE_LENGTH.match(line.text)
    tail = line.text[length.end() :] if length else line.text
    start, end = _date_range(tail, default_year)
    months = _months(length.group("number"), length.group("unit"), bool(length.group("half"))) if length else None
    if months is None and start and end:
        months = _months_between(start, end)
    if months is None:
        return None
    return ProcurementPeriod(months=months, start=start, end=end, evidence=evidence(text, line, line.start, line.end))


def _cycle_start(match: re.Match[str]) -> int:
    """Where the cycle is named, whether the length comes after it or before."""
    return match.start("subject") if match.group("subject") else match.start()


def _period(text: str, sentence: Span, match: re.Match[str], default_year: int | None) -> ProcurementPeriod | None:
    months = _months(match.group("number"), match.group("unit"), bool(match.group("half")))
    if months is None:
        return None
    tail = sentence.text[match.end() :]
    extension = _EXTENSION.search(tail)
    start, end = _date_range(tail, default_year)
    return ProcurementPeriod(
        months=months,
        extension_months=_extension(extension, months) if extension else None,
        start=start,
        end=end,
        scope=_scope(sentence.text, match),
        evidence=evidence(text, sentence, sentence.start + match.start(), sentence.start + match.end()),
    )


def _dated_period(
    text: str, sentence: Span, match: re.Match[str], default_year: int | None, starts: list[tuple[int, date]]
) -> ProcurementPeriod | None:
    """A cycle given by its dates alone: 采购周期为2024年1月1日至2025年12月31日, or by its
    last day after the day execution starts."""
    start, end = _date_range(sentence.text[match.end() :], default_year)
    if not start and not end:
        start = next((day for mark_end, day in reversed(starts) if mark_end <= match.start()), None)
        end = _until(sentence.text, match, default_year)
    if not start or not end or end <= start:
        return None
    months = _months_between(start, end)
    if months is None:
        return None
    focus = sentence.start + match.start()
    return ProcurementPeriod(
        months=months,
        start=start,
        end=end,
        scope=_scope(sentence.text, match),
        evidence=evidence(text, sentence, focus, focus + len(match.group())),
    )


def _until(sentence: str, match: re.Match[str], default_year: int | None) -> date | None:
    until = UNTIL.match(sentence, match.end())
    dates = find_dates(sentence[until.end() : until.end() + DATE_RANGE_CHARS], default_year) if until else []
    return dates[0].value if dates and dates[0].start == 0 else None


def _execution_starts(before: str, default_year: int | None) -> list[tuple[int, date]]:
    """The dates the text before the last cycle says execution starts on: where each one's
    起 ends, and the date. Found once a sentence: found in front of each cycle, the sentence
    was read again for every cycle in it."""
    return [
        (mark.end(), found.value)
        for found in find_dates(before, default_year)
        if (mark := STARTS_AT.match(before, found.end))
    ]


def _months_between(start: date, end: date) -> int | None:
    """Whole months from the first day to the last, both included: 4月20日至次年4月19日 is 12;
    None past the longest cycle."""
    months = max(round(((end - start).days + 1) / AVERAGE_DAYS_PER_MONTH), 1)
    return months if months <= MAX_MONTHS else None


def _extension(match: re.Match[str], months: int) -> int | None:
    added = _months(match.group("number"), match.group("unit"))
    if added is None or not match.group("to"):
        return added
    return added - months if added > months else None


def _months(number: str, unit: str, half: bool = False) -> int | None:
    value = parse_number(number)
    if value is None or value <= 0:
        return None
    months = value * MONTHS_PER_UNIT[unit] + (6 if half else 0)
    return round(months) if float(months).is_integer() and months <= MAX_MONTHS else None


def _date_range(tail: str, default_year: int | None) -> tuple[date | None, date | None]:
    """The first two dates, when they follow at once ((自2024年1月1日至…): dates further on
    belong to something else said in the same sentence (首年协议期为…). A range that ends
    before it starts is a misread one: neither date is the cycle's."""
    dates = find_dates(tail[:DATE_RANGE_CHARS], default_year)
    if len(dates) < 2 or not DATE_RANGE_LEAD.fullmatch(tail[: dates[0].start]):
        return None, None
    start, end = dates[0].value, dates[1].value
    return (start, end) if start < end else (None, None)


def _scope(sentence: str, match: re.Match[str]) -> str | None:
    """The words before the cycle's subject in its clause (药品采购周期): none before a bare 周期
    or a length said first (…起2年为一个采购周期), where they tell when, not what."""
    if not match.group("subject") or match.start("subject") != match.start():
        return None
    clause_start = max(sentence.rfind(mark, 0, match.start()) for mark in "，,；;：:") + 1
    # 执行 is what is done, not what: 集中带量采购执行周期 covers 集中带量采购.
    end = match.start("subject") if match.group("subject") == EXECUTION else match.end("subject")
    scope = scope_of(sentence[clause_start:end])
    return None if scope is None or scope in GENERIC_SUBJECTS else scope
