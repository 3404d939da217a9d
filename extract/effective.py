"""The effective date: the day from which a notice's measures are executed."""

from __future__ import annotations

import re
from datetime import date

from extract.dates import find_dates
from extract.sentences import Span

# A date is the effective date when it is followed by 起 and an execution verb later in
# the sentence (自2023年1月10日零时起统一执行), or introduced as the execution time.
FROM_DATE = re.compile(r"^\s*(?:零时|0时|0点|零点|24时)?\s*(?:起|开始|之日起)")
EXECUTION_VERBS = re.compile(r"执行|实施|施行|落地|启用|生效|开始采购|使用中选")
INTRODUCED_BY = re.compile(r"(?:执行|实施|施行|生效)(?:时间|日期)(?:为|是|[:：])?\s*(?:自|从|于)?\s*$")
# A year that depends on something else is not the notice's own date: 同年7月1日起.
RELATIVE_YEAR = re.compile(r"(?:同年|次年|当年|每年|下一年度|下年度|下年)$")
FROM_ISSUE = re.compile(r"自(?:印发|发布|公布|下发)之日起(?:执行|实施|施行|生效)")


def find_effective_date(sentences: list[Span], default_year: int | None, issue_date: date | None) -> date | None:
    for sentence in sentences:
        found = _effective_in(sentence.text, default_year)
        if found:
            return found
        if issue_date and FROM_ISSUE.search(sentence.text):
            return issue_date
    return None


def _effective_in(sentence: str, default_year: int | None) -> date | None:
    for match in find_dates(sentence, default_year):
        before, after = sentence[: match.start], sentence[match.end :]
        if not match.has_year and RELATIVE_YEAR.search(before):
            continue
        starts_from = FROM_DATE.match(after)
        if (starts_from and EXECUTION_VERBS.search(after)) or INTRODUCED_BY.search(before):
            return match.value
    return None
