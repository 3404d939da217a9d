import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.numerals import NUMBER, PERCENT, parse_number, parse_percent, to_int

CHINESE_DIGITS = "零一二三四五六七八九"
SECTION_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def render_section(n: int) -> str:
    """Standard positional reading of 1..9999, with 零 for skipped places."""
    parts = []
    pending_zero = False
    for unit, name in SECTION_UNITS:
        digit = n // unit % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(CHINESE_DIGITS[digit] + name)
    return "".join(parts)


def render_chinese(n: int) -> str:
    if n == 0:
        return "零"
    if n < 10_000:
        text = render_section(n)
        return text[1:] if 10 <= n < 20 else text
    high, low = divmod(n, 10_000)
    text = render_chinese(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + render_section(low)
    return text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24", 24.0),
        ("0", 0.0),
        ("1000", 1000.0),
        ("1,000", 1000.0),
        ("12,345.5", 12345.5),
        ("1.5", 1.5),
        ("１０", 10.0),
        ("１．５", 1.5),
        (" 24 ", 24.0),
        ("三", 3.0),
        ("十", 10.0),
        ("十二", 12.0),
        ("十五", 15.0),
        ("二十", 20.0),
        ("二十四", 24.0),
        ("三百", 300.0),
        ("一百零五", 105.0),
        ("一百一十", 110.0),
        ("一千零一", 1001.0),
        ("一千零一十", 1010.0),
        ("两", 2.0),
        ("两千", 2000.0),
        ("零", 0.0),
        ("〇", 0.0),
        ("二〇二四", 2024.0),
        ("二○二四", 2024.0),
        ("二零二四", 2024.0),
        ("一点五", 1.5),
        ("零点二五", 0.25),
        ("十二点五", 12.5),
        ("一万", 10000.0),
        ("一万零五", 10005.0),
        ("十万", 100000.0),
        ("三万四千五百", 34500.0),
        ("叁拾", 30.0),
        ("壹佰贰拾叁", 123.0),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "2年",
        "24%",
        "1,0000",
        "1.",
        ".5",
        "点五",
        "一点",
        "一百五",
        "一万五",
        "五千三",
        "十十",
        "百",
        "万",
        "一千零",
        "三个",
        "2四",
    ],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", 0.5),
        ("50％", 0.5),
        ("15％", 0.15),
        ("12.5%", 0.125),
        ("0%", 0.0),
        ("100%", 1.0),
        ("50 %", 0.5),
        ("１２．５％", 0.125),
        ("百分之五十", 0.5),
        ("百分之十二点五", 0.125),
        ("百分之零", 0.0),
        ("百分之12.5", 0.125),
    ],
)
def test_parse_percent(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["50", "百分之", "%", "五十%", "50%以上", "百分之五十以上", "abc"])
def test_parse_percent_rejects(text):
    assert parse_percent(text) is None


@pytest.mark.parametrize(("value", "expected"), [(3.0, 3), (0.0, 0), (1.5, None), (None, None)])
def test_to_int(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("采购量为1,000片", "1,000"),
        ("降幅12.5个百分点", "12.5"),
        ("共二十四个品种", "二十四"),
        ("第１０批", "１０"),
    ],
)
def test_number_pattern_finds_span(text, expected):
    assert re.search(NUMBER, text).group() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("价格降幅不低于50%的", "50%"),
        ("报量的百分之十二点五以内", "百分之十二点五"),
        ("占比１５％，", "１５％"),
    ],
)
def test_percent_pattern_finds_span(text, expected):
    assert re.search(PERCENT, text).group() == expected


def test_patterns_have_no_capturing_groups():
    assert re.compile(NUMBER).groups == 0
    assert re.compile(PERCENT).groups == 0


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (15, "十五"),
        (105, "一百零五"),
        (1010, "一千零一十"),
        (150_000, "十五万"),
        (10_015, "一万零一十五"),
    ],
)
def test_renderer_writes_standard_forms(n, expected):
    assert render_chinese(n) == expected


@given(st.integers(min_value=0, max_value=99_999))
def test_chinese_rendering_round_trips(n):
    assert parse_number(render_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_and_full_width_round_trip(n):
    assert parse_number(str(n)) == n
    assert parse_number(str(n).translate(FULL_WIDTH)) == n


@given(st.integers(min_value=0, max_value=100_000))
def test_percent_is_ratio(n):
    assert parse_percent(f"{n}%") == n / 100


@settings(max_examples=300)
@given(st.text())
def test_parse_functions_never_raise(text):
    parse_number(text)
    parse_percent(text)


def test_every_rendering_below_100000_parses_back():
    assert [n for n in range(100_000) if parse_number(render_chinese(n)) != n] == []
