"""The effective date: the day from which a notice's measures are executed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from extract.dates import calendar_date, find_dates
from extract.numerals import parse_number, to_int
from extract.sentences import Span

# A date is the effective date when it is followed by 起 and an execution verb later in
# the sentence (自2023年1月10日零时起统一执行), before the next date: a later date has its
# own verb (自10月25日起确认采购需求，11月1日起执行中选结果); or introduced as the execution time.
FROM_DATE = re.compile(r"^\s*(?:零时|0时|0点|零点|24时)?\s*(?:起|开始|之日起)")
EXECUTION_VERBS = re.compile(r"执行|实施|施行|落地|启用|生效|开始采购|使用中选")
# What is executed may be named in between (执行接续中选结果的时间为), but not how it went
# (报送执行情况的时间为…).
INTRODUCED_BY = re.compile(
    r"(?:执行|实施|施行|生效)(?:(?!情况|进度|率|到位)[^，,。；;的]{1,16}的)?(?:时间|日期|日)"
    r"(?:统一)?(?:确定为|定为|为|是|[:：])?\s*(?:自|从|于)?\s*$"
)
# … or when the verb follows the date at once, without 起 (本通知于2022年9月20日执行,
# 7月4日生效执行), or after a short 在… of where (于2025年1月1日在全市落地执行): unless the
# verb is done by then (执行到位, 执行到期), describes something (执行的批次, 执行情况), or
# the date is an end (截至…, 至…).
VERB_AT_ONCE = (
    r"\s*(?:零时|0时|0点|零点)?\s*(?:在[^，,。；;\d]{1,12}?)?(?:正式|统一|全面)?(?:落地)?(?:执行|实施|施行|生效)"
)
ON_DATE = re.compile(rf"^{VERB_AT_ONCE}(?:执行|实施|施行|生效)?(?!到位|完毕|结束|到期|期满|情况|进度|率|的)")
UNTIL_DATE = re.compile(r"(?:至|到|截至|截止)\s*$")
# A range's end (自2024年1月1日起至2025年12月31日) is no other date: the words after it are the range's.
RANGE_JOINT = re.compile(r"\s*(?:零时|0时)?\s*起?\s*(?:至|到|—|-|－|～|~)\s*")
# A cycle said to have run out (第一采购年度已到期, 协议期即将届满) is an earlier one: the
# dates before that in the sentence are when it started, not when this notice takes effect.
ENDED = re.compile(r"(?:已|即将|将)(?:到期|届满|期满|结束)")
# Every phrasing above names one of these: checked before looking for dates.
_MENTIONS = re.compile(rf"起|开始|时间|日期|执行日|实施日|施行日|生效日|日{VERB_AT_ONCE}")
# Each of those words holds one of these (日 of 日期, 执行日, …): extract_notice reads only the
# sentences holding one.
MENTION_CHARS = "起始间日"
# A date alone on its line: only a preposition before it, only 起 and an end mark after.
DATE_LINE_LEAD = re.compile(r"\s*(?:自|从|于)?\s*")
DATE_LINE_TAIL = re.compile(r"\s*(?:零时|0时)?\s*(?:起|开始)?\s*[。；;.]?\s*")
FROM_ISSUE = re.compile(r"自(?:印发|发布|公布|下发|发文|颁布)之日起(?:执行|实施|施行|生效)")
# A month without its day (自2022年1月起执行) starts on the month's first day.
YEAR_MONTH = re.compile(
    r"(?P<year>[0-9]{4}|[〇○零一二三四五六七八九]{4})年"
    r"(?P<month>[0-9]{1,2}|十[一二]?|[一二三四五六七八九])月(?![0-9一二三四五六七八九十]+[日号])"
)


def find_effective_date(sentences: Iterable[Span], default_year: int | None, issue_date: date | None) -> date | None:
    introducing: Span | None = None
    for sentence in sentences:
        if introducing and sentence.start == introducing.end + 1:
            below = _date_alone(sentence.text, default_year)
            if below:
                return below
        introducing = sentence if INTRODUCED_BY.search(sentence.text) else None
        if not _MENTIONS.search(sentence.text):
            continue
        found = _effective_in(sentence.text, default_year)
        if found:
            return found
        if issue_date and FROM_ISSUE.search(sentence.text):
            return issue_date
    return None


def _effective_in(sentence: str, default_year: int | None) -> date | None:
    ended = ENDED.search(sentence)
    dates = _dates(sentence, default_year)
    for (start, end, value), own_end in zip(dates, _own_ends(sentence, dates), strict=True):
        if ended and start < ended.start():
            continue
        before, after = sentence[:start], sentence[end:own_end]
        starts_from = FROM_DATE.match(after)
        if (starts_from and EXECUTION_VERBS.search(after)) or INTRODUCED_BY.search(before):
            return value
        if ON_DATE.match(after) and not UNTIL_DATE.search(before):
            return value
    return None


def _date_alone(line: str, default_year: int | None) -> date | None:
    """The date a line holds alone, as below an introduction that ends the line above it
    (执行接续中选结果的时间为\n2024年11月1日; 二、执行日期\n2025年1月1日起). extract_notice
    gives only lines holding a MENTION_CHARS character, so one without (2024-11-01) is not read."""
    dates = _dates(line, default_year)
    if not dates or not DATE_LINE_LEAD.fullmatch(line[: dates[0][0]]) or not set(MENTION_CHARS) & set(line):
        return None
    return dates[0][2] if DATE_LINE_TAIL.fullmatch(line[dates[0][1] :]) else None


def _own_ends(sentence: str, dates: list[tuple[int, int, date]]) -> list[int]:
    """Where the words of each date end: at the next date, unless that one ends its range."""
    ends = [len(sentence)] * len(dates)
    for index in range(len(dates) - 2, -1, -1):
        gap = sentence[dates[index][1] : dates[index + 1][0]]
        ends[index] = ends[index + 1] if RANGE_JOINT.fullmatch(gap) else dates[index + 1][0]
    return ends


def _dates(sentence: str, default_year: int | None) -> list[tuple[int, int, date]]:
    """Full dates and months without a day, in the order they are written."""
    found = [(match.start, match.end, match.value) for match in find_dates(sentence, default_year)]
    for match in YEAR_MONTH.finditer(sentence):
        year, month = to_int(parse_number(match.group("year"))), to_int(parse_number(match.group("month")))
        first_day = calendar_date(year, month, 1) if year is not None and month is not None else None
        if first_day:
            found.append((match.start(), match.end(), first_day))
    return sorted(found)
