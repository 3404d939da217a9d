"""Numbers and percentages as notices write them: Arabic (possibly full-width) or Chinese numerals.

Regex sources (NUMBER, PERCENT) have no capturing groups so other modules can embed them;
the parse functions validate what a loose regex match only shapes.
"""

from __future__ import annotations

import re

DIGIT_VALUES = {
    "〇": 0, "○": 0, "◯": 0, "零": 0,
    "一": 1, "壹": 1,
    "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
MYRIAD = "万"
MYRIAD_VALUE = 10_000
DECIMAL_POINT = "点"
PERCENT_PREFIX = "百分之"
PERCENT_SIGNS = "%％"
RATIO_DIGITS = 10
# Numerals read digit by digit (二〇二四) are years and short codes. A longer run is no
# number a notice states, and past 4,300 digits Python refuses to make an int of it.
MAX_SPELLED_DIGITS = 20

FULL_WIDTH_FOLD = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

_ARABIC_DIGIT = "[0-9０-９]"
_ARABIC_POINT = "[.．]"
_CHINESE_DIGIT = "[" + "".join(DIGIT_VALUES) + "]"
_CHINESE_CHAR = "[" + "".join(DIGIT_VALUES) + "".join(UNIT_VALUES) + MYRIAD + "]"

ARABIC_NUMBER = (
    rf"{_ARABIC_DIGIT}{{1,3}}(?:,{_ARABIC_DIGIT}{{3}})+(?!{_ARABIC_DIGIT})(?:{_ARABIC_POINT}{_ARABIC_DIGIT}+)?"
    rf"|{_ARABIC_DIGIT}+(?:{_ARABIC_POINT}{_ARABIC_DIGIT}+)?"
)
CHINESE_NUMBER = rf"{_CHINESE_CHAR}+(?:{DECIMAL_POINT}{_CHINESE_DIGIT}+)?"
NUMBER = rf"(?:{ARABIC_NUMBER})|(?:{CHINESE_NUMBER})"
PERCENT = rf"(?:{ARABIC_NUMBER})\s*[{PERCENT_SIGNS}]|{PERCENT_PREFIX}\s*(?:{NUMBER})"

_ARABIC_RE = re.compile(ARABIC_NUMBER)
_PERCENT_RE = re.compile(PERCENT)


def parse_number(text: str) -> float | None:
    """Value of `text` when it is exactly one number, else None (callers test matches, not free text)."""
    candidate = text.strip()
    if _ARABIC_RE.fullmatch(candidate):
        return float(candidate.translate(FULL_WIDTH_FOLD).replace(",", ""))
    return _parse_chinese(candidate)


def parse_percent(text: str) -> float | None:
    """Percentage as a ratio (50% -> 0.5), rounded so 12.5% compares equal to 0.125."""
    candidate = text.strip()
    if not _PERCENT_RE.fullmatch(candidate):
        return None
    if candidate.startswith(PERCENT_PREFIX):
        number = parse_number(candidate.removeprefix(PERCENT_PREFIX))
    else:
        number = parse_number(candidate.rstrip(PERCENT_SIGNS))
    return None if number is None else round(number / 100, RATIO_DIGITS)


def to_int(value: float | None) -> int | None:
    """Whole numbers only: a fractional month or count is a misparse, not something to truncate."""
    if value is None or not value.is_integer():
        return None
    return int(value)


def _parse_chinese(text: str) -> float | None:
    integer_text, point, fraction_text = text.partition(DECIMAL_POINT)
    integer = _parse_chinese_integer(integer_text)
    if integer is None:
        return None
    if not point:
        return float(integer)
    fraction = _read_digit_string(fraction_text)
    if fraction is None:
        return None
    return float(f"{integer}.{fraction}")


def _parse_chinese_integer(text: str) -> int | None:
    """Either a digit-by-digit string (二〇二四, as in years) or positional numerals (二十四)."""
    digits = _read_digit_string(text)
    if digits is not None:
        return int(digits)
    high_text, myriad, low_text = text.partition(MYRIAD)
    if not myriad:
        return _parse_section(text)
    high = _parse_section(high_text)
    low = _parse_low_section(low_text)
    if high is None or low is None:
        return None
    return high * MYRIAD_VALUE + low


def _read_digit_string(text: str) -> str | None:
    """Arabic digits of a units-free numeral string, or None when it is empty, has units or is too long."""
    if not text or len(text) > MAX_SPELLED_DIGITS or any(char not in DIGIT_VALUES for char in text):
        return None
    return "".join(str(DIGIT_VALUES[char]) for char in text)


def _parse_low_section(text: str) -> int | None:
    """Below 万 a value under 1000 needs a leading 零: 一万零五 is 10005, while 一万五 (15000) is rejected."""
    if not text:
        return 0
    value = _parse_section(text)
    if value is not None and value < 1000 and DIGIT_VALUES.get(text[0]) != 0:
        return None
    return value


def _parse_section(text: str) -> int | None:
    """Positional numeral below 10000; units must descend, and a bare final digit needs 十 or 零 before it."""
    total = 0
    pending_digit: int | None = None
    last_unit = MYRIAD_VALUE
    after_zero = False
    for char in text:
        if char in UNIT_VALUES:
            unit = UNIT_VALUES[char]
            if unit >= last_unit:
                return None
            if pending_digit is None:
                if unit != 10 or (total and not after_zero):
                    return None
                pending_digit = 1
            total += pending_digit * unit
            last_unit, pending_digit, after_zero = unit, None, False
        elif char in DIGIT_VALUES and pending_digit is None:
            if DIGIT_VALUES[char] == 0:
                after_zero = True
            else:
                pending_digit = DIGIT_VALUES[char]
        else:
            return None
    return _close_section(total, pending_digit, last_unit, after_zero)


def _close_section(total: int, pending_digit: int | None, last_unit: int, after_zero: bool) -> int | None:
    if pending_digit is None:
        return None if after_zero or not total else total
    if total and last_unit > 10 and not after_zero:
        return None
    return total + pending_digit
