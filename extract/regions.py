"""Where a notice applies: each issuer's administrative division, read from its name, and
for a notice whose issuer is not named, or named without a place, from its 发文字号.

A body's name opens with its place (山东省医疗保障局, 聊城市医疗保障局, 寿光市…), which the
gazetteer knows; national bodies and provincial alliances are named by what they are. A
document's number opens with its issuer's 机关代字, whose first character is its place's
abbreviation (鲁医保函, 聊医保函): it is the lead issuer's number, as joint notices carry the
lead body's. A name or an abbreviation that fits several places gives the part they share,
else nothing: a place is read, never guessed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extract.gazetteer import Division, cities_starting_with, named_at_start, province_named
from extract.header import Read
from schema import Region

NATIONAL_BODY_PREFIXES = ("国家", "国务院", "中华人民共和国")  # 国家医疗保障局, 国家组织药品联合采购办公室
ALLIANCE_MARKERS = ("联盟", "省际", "跨省")  # 广东联盟, 省际联盟采购办公室: no one place
# The 机关代字 of national bodies, which name no place: the State Council's and its
# ministries' (国办发, 国医保办发, 国卫), and the 国家医疗保障局's own (医保发, 医保办发, 医保函).
NATIONAL_NUMBER_PREFIXES = ("国", "医保")
# The abbreviations (简称) province-level bodies open their numbers with. A gazetteer gives
# names, not these; two provinces have two each in use (川 and 蜀, 黔 and 贵 …), and 内蒙古's
# bodies write 内 (内医保办字) as well as the official 蒙.
PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区", "内": "内蒙古自治区",
    "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省",
    "闽": "福建省", "赣": "江西省", "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省",
    "桂": "广西壮族自治区", "琼": "海南省", "渝": "重庆市", "川": "四川省", "蜀": "四川省", "黔": "贵州省",
    "贵": "贵州省", "滇": "云南省", "云": "云南省", "藏": "西藏自治区", "陕": "陕西省", "秦": "陕西省",
    "甘": "甘肃省", "陇": "甘肃省", "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}  # fmt: skip
UNKNOWN = Region()


class PlacedIssuer(NamedTuple):
    """An issuer's region and where what it was read from is printed: the issuer's name, or
    the number; None where nothing was read."""

    region: Region
    read: Read | None


def notice_regions(text: str, issuers: Read | None, doc_number: Read | None) -> list[PlacedIssuer]:
    """One per issuer; the lead issuer's from the number where its name places it nowhere, and
    for a notice that names no issuer, the one its number places."""
    placed = [_placed_issuer(text, name, issuers) for name in issuers.value] if issuers else []
    by_number = _placed_number(doc_number) if doc_number else None
    if by_number is None:
        return placed
    if not placed:
        return [by_number]
    if placed[0].region == UNKNOWN:
        placed[0] = by_number
    return placed


def _placed_issuer(text: str, name: str, issuers: Read) -> PlacedIssuer:
    region = issuer_region(name)
    return PlacedIssuer(region, _where_named(text, name, issuers) if region != UNKNOWN else None)


def _where_named(text: str, name: str, issuers: Read) -> Read:
    """The issuer's own name among those read, which may break it across spaces or lines;
    the whole read where it is not printed as such (a site's metadata abbreviates)."""
    printed = re.compile(r"\s*".join(map(re.escape, name))).search(text, issuers.start, issuers.end)
    return Read(name, issuers.element, printed.start(), printed.end()) if printed else issuers


def _placed_number(doc_number: Read) -> PlacedIssuer | None:
    region = number_region(doc_number.value)
    return PlacedIssuer(region, doc_number) if region != UNKNOWN else None


def issuer_region(name: str) -> Region:
    if name.startswith(NATIONAL_BODY_PREFIXES):
        return Region(level="national")
    if any(marker in name for marker in ALLIANCE_MARKERS):
        return Region(level="alliance")
    division = _division_named(name)
    return _region(division) if division else UNKNOWN


def _division_named(name: str) -> Division | None:
    """The deepest division the name opens with, place inside place (山东省济南市历城区…),
    as far as each is one division: 朝阳区 alone is in 北京 and in 长春."""
    found: Division | None = None
    rest = name
    while True:
        length, divisions = named_at_start(rest, within=found)
        if len(divisions) != 1:
            return found
        found, rest = divisions[0], rest[length:]


def number_region(doc_number: str) -> Region:
    """The place a number's first character abbreviates: a province-level division's (鲁), or a
    prefecture's first character (聊 for 聊城). Counties are not read: nearly every character
    opens some county's name. Where the character fits places in several provinces (辽 for
    辽宁, 辽阳 and 吉林's 辽源), nothing is known; in one province only, that province is."""
    if doc_number.startswith(NATIONAL_NUMBER_PREFIXES):
        return Region(level="national")
    initial = doc_number[:1]
    province = province_named(PROVINCE_ABBREVIATIONS[initial]) if initial in PROVINCE_ABBREVIATIONS else None
    candidates = [*([province] if province else []), *cities_starting_with(initial)]
    provinces = {candidate.province for candidate in candidates}
    if len(provinces) != 1:
        return UNKNOWN
    return _region(candidates[0]) if len(candidates) == 1 else Region(province=provinces.pop())


def _region(division: Division) -> Region:
    return Region(level=division.level, province=division.province, city=division.city, county=division.county)
