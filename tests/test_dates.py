import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.dates import DATE, DateMatch, find_dates, parse_date, parse_site_date

CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_small(n: int) -> str:
    """Positional reading of 1..31, as months and days are written."""
    tens, ones = divmod(n, 10)
    tens_text = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return tens_text + (CHINESE_DIGITS[ones] if ones else "")


def chinese_date(day: datetime.date) -> str:
    year = "".join(CHINESE_DIGITS[int(digit)] for digit in str(day.year))
    return f"{year}年{chinese_small(day.month)}月{chinese_small(day.day)}日"


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("2024年5月31日", (2024, 5, 31)),
        ("2024年05月31日", (2024, 5, 31)),
        ("2024 年 5 月 27 日", (2024, 5, 27)),
        ("2025 \n年 5 月 31 日", (2025, 5, 31)),
        ("２０２４年５月３１日", (2024, 5, 31)),
        ("二〇二四年五月三十一日", (2024, 5, 31)),
        ("二○二四年五月三十一日", (2024, 5, 31)),
        ("二零二四年十二月一日", (2024, 12, 1)),
        ("二〇二三年十月二十日", (2023, 10, 20)),
        ("2024年5月31号", (2024, 5, 31)),
        ("2024-05-31", (2024, 5, 31)),
        ("2024-5-31", (2024, 5, 31)),
        ("2024/5/31", (2024, 5, 31)),
        ("2024.5.31", (2024, 5, 31)),
        ("2024.05.31", (2024, 5, 31)),
        ("2024年2月29日", (2024, 2, 29)),
        (" 2024年5月31日 ", (2024, 5, 31)),
    ],
)
def test_parse_date(span, expected):
    assert parse_date(span) == datetime.date(*expected)


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("5月27日", (2024, 5, 27)),
        ("五月二十七日", (2024, 5, 27)),
        ("12月31号", (2024, 12, 31)),
        ("十一月十日", (2024, 11, 10)),
    ],
)
def test_parse_date_without_year_uses_default(span, expected):
    assert parse_date(span, default_year=2024) == datetime.date(*expected)
    assert parse_date(span) is None


@pytest.mark.parametrize(
    "span",
    [
        "2024年2月30日",
        "2023年2月29日",
        "2024年13月1日",
        "2024-13-01",
        "2024年5月32日",
        "2025年8月29日起",
        "5月27日前",
        "鲁医保函〔2024〕28号",
        "(2024)28号",
        "28号",
        "2024年",
        "2年",
        "第6个月",
        "2024-01/02",
        "",
        "abc",
    ],
)
def test_parse_date_rejects(span):
    assert parse_date(span, default_year=2024) is None


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("全省医疗机构自2023年1月10日零时起统一执行。", [(7, 17, (2023, 1, 10), True)]),
        ("以上批次均自2025年8月29日起执行", [(6, 16, (2025, 8, 29), True)]),
        ("2024年5月22日印发", [(0, 10, (2024, 5, 22), True)]),
        ("请于5月27日前完成报量", [(2, 7, (2024, 5, 27), False)]),
        ("请于5月27日前完成，6月1日起执行", [(2, 7, (2024, 5, 27), False), (11, 15, (2024, 6, 1), False)]),
        ("二〇二四年\n五月三十一日起", [(0, 12, (2024, 5, 31), True)]),
        ("自2024年5月1日起至次年4月30日", [(1, 10, (2024, 5, 1), True)]),
        ("二〇二四年五月三十一日之日起", [(0, 11, (2024, 5, 31), True)]),
        (
            "协议期为2024年5月27日—2025年5月31日",
            [(4, 14, (2024, 5, 27), True), (15, 25, (2025, 5, 31), True)],
        ),
        ("2024年5月27日至2025年5月31日", [(0, 10, (2024, 5, 27), True), (11, 21, (2025, 5, 31), True)]),
        ("2024.5.27-2025.5.31", [(0, 9, (2024, 5, 27), True), (10, 19, (2025, 5, 31), True)]),
        ("2024-05-27-2025-05-31", [(0, 10, (2024, 5, 27), True), (11, 21, (2025, 5, 31), True)]),
        ("依据鲁医保函〔2024〕28号，自2024年6月1日起", [(17, 26, (2024, 6, 1), True)]),
    ],
)
def test_find_dates(text, spans):
    expected = [DateMatch(start, end, datetime.date(*ymd), has_year) for start, end, ymd, has_year in spans]
    assert find_dates(text, default_year=2024) == expected


def test_find_dates_offsets_cover_exactly_the_date():
    text = "全省医疗机构自2023年1月10日零时起统一执行。"
    (match,) = find_dates(text)
    assert text[match.start : match.end] == "2023年1月10日"


def test_find_dates_skips_year_less_dates_without_default_year():
    assert find_dates("请于5月27日前完成，2024年6月1日起执行") == [
        DateMatch(11, 20, datetime.date(2024, 6, 1), True)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "鲁医保函〔2024〕28号",
        "(2024)28号",
        "（2024）28号",
        "28号",
        "2024年",
        "2024年度",
        "2年",
        "第6个月",
        "2024年2月30日",
        "13月5日",
        "24年5月1日",
        "2024-01/02",
        "12024年5月1日",
        # The year is said before the month-day, not as the notice's: no date is guessed.
        "续签时间统一调整至同年7月1日起",
        "每年1月1日前报送",
        "下一年度7月1日起",
        "当年 3月1日",
        # A year stripped or masked on the way to the page (自**年1月20日 loses its **).
        "全省公立医疗机构自年1月20日起统一执行",
        "自20年3月1日起执行",
    ],
)
def test_find_dates_ignores_non_dates(text):
    assert find_dates(text, default_year=2024) == []


def test_date_pattern_has_no_capturing_groups_and_stops_before_suffix():
    assert re.compile(DATE).groups == 0
    assert re.search(DATE, "自2025年8月29日零时起").group() == "2025年8月29日"


dates_in_range = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2035, 12, 31))


@given(dates_in_range)
def test_written_forms_round_trip(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(chinese_date(day)) == day
    assert parse_date(day.isoformat()) == day


@given(dates_in_range)
def test_find_dates_locates_date_in_sentence(day):
    text = f"自{chinese_date(day)}起执行"
    assert find_dates(text) == [DateMatch(1, len(text) - 3, day, True)]


@settings(max_examples=300)
@given(st.text(), st.one_of(st.none(), st.integers(min_value=-10_000, max_value=10_000)))
def test_never_raises(text, default_year):
    find_dates(text, default_year)
    parse_date(text, default_year)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022/07/04 09:30", datetime.date(2022, 7, 4)),
        ("2021.10.18", datetime.date(2021, 10, 18)),
        ("2019/3/19", datetime.date(2019, 3, 19)),
        ("2022-12-26 09:05:53", datetime.date(2022, 12, 26)),
        ("2023年08月15日 10:30", datetime.date(2023, 8, 15)),
        ("二〇二一年十月十八日", datetime.date(2021, 10, 18)),
        ("2020-13-45", None),
        ("有效", None),
        ("2023年3月", None),
    ],
)
def test_a_site_s_timestamp_is_read_by_dateparser(value, expected):
    assert parse_site_date(value) == expected
