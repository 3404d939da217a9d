"""What the command line accepts as a date or a number, checked where it is read.

An option that means nothing (a date in a form the database cannot compare, a depth of
0, a negative time limit) is refused with a line naming the form it takes, exit 2,
rather than answered with nothing or with everything.
"""

from __future__ import annotations

import argparse
import math
import re
from datetime import date

DATE_FORMS = "YYYY-MM-DD or YYYY年M月D日"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CHINESE_DATE = re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日")


def query_date(text: str) -> str:
    """`iso_date` as argparse wants it: argparse shows an ArgumentTypeError's own message,
    and of a ValueError only the option's name."""
    try:
        return iso_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def iso_date(text: str) -> str:
    """An issue date as the database holds it (ISO), from either form officers write."""
    text = text.strip()
    chinese = CHINESE_DATE.fullmatch(text)
    if chinese is None and not ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is no date in a form read here: write {DATE_FORMS}")
    try:
        day = (
            date(int(chinese["year"]), int(chinese["month"]), int(chinese["day"]))
            if chinese
            else date.fromisoformat(text)
        )
    except ValueError as error:
        raise ValueError(f"{text!r} is no date: {error}") from error
    return day.isoformat()


def positive_int(text: str) -> int:
    """A count of steps, workers or a port: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def positive_seconds(text: str) -> float:
    """A time limit: a number of seconds above 0 that a timer can count."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value < math.inf):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value
