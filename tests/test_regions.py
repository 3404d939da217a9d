"""Issuers and document numbers placed in China's administrative divisions (issue 14): every
issuer the shared sets annotate, the abbreviations numbers open with, and the unknown left unknown."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from extract.gazetteer import mainland_provinces, province_named
from extract.regions import PROVINCE_ABBREVIATIONS, issuer_region, number_region
from schema import Region
from tests.conftest import SHARED, file_records

GOLD_SETS = (SHARED / "gold" / "seeds.json", SHARED / "gold" / "web.json")
NATIONAL = Region(level="national")
ALLIANCE = Region(level="alliance")
UNKNOWN = Region()


def province(name: str) -> Region:
    return Region(level="province", province=name)


def city(province_name: str, city_name: str) -> Region:
    return Region(level="city", province=province_name, city=city_name)


# Every issuer name the hand annotations accept, and the region it is placed in.
GOLD_ISSUERS = {
    "国家组织药品联合采购办公室": NATIONAL,
    "山东省医疗保障局": province("山东省"),
    "辽宁省医疗保障局": province("辽宁省"),
    "辽宁省医疗保障局办公室": province("辽宁省"),
    "重庆市医疗保障局": province("重庆市"),
    "重庆市医疗保障局办公室": province("重庆市"),
    "山西省医疗保障局": province("山西省"),
    "山西省财政厅": province("山西省"),
    "山西省卫生健康委员会": province("山西省"),
    "山西省药品监督管理局": province("山西省"),
    "浙江省药械采购中心": province("浙江省"),
    "天津市医药采购中心": province("天津市"),
    "湖北省药械集中采购部门联席会议办公室": province("湖北省"),
    "湖北省医疗保障局": province("湖北省"),
    "四川省药械招标采购服务中心": province("四川省"),
    "内蒙古自治区医药采购中心": province("内蒙古自治区"),
    "内蒙古自治区医疗保障局": province("内蒙古自治区"),
    "内蒙古自治区医疗保障局办公室": province("内蒙古自治区"),
    "广东省医疗保障局": province("广东省"),
    "贵州省医疗保障局": province("贵州省"),
    "上海市医药集中招标采购事务管理所": province("上海市"),
    "安徽省医疗保障局": province("安徽省"),
    "安徽省医保局": province("安徽省"),
    "聊城市医疗保障局": city("山东省", "聊城市"),
    "深圳市医疗保障局": city("广东省", "深圳市"),
    "青岛市医疗保障局": city("山东省", "青岛市"),
    "莆田市医疗保障局": city("福建省", "莆田市"),
    "莆田市卫生健康委员会": city("福建省", "莆田市"),
    "莆田市市场监督管理局": city("福建省", "莆田市"),
    "揭阳市医疗保障局": city("广东省", "揭阳市"),
    "汕头市医疗保障局": city("广东省", "汕头市"),
    "肇庆市医疗保障局": city("广东省", "肇庆市"),
    "吕梁市医疗保障局": city("山西省", "吕梁市"),
    "潍坊市医疗保障局": city("山东省", "潍坊市"),
    "长治市医疗保障局": city("山西省", "长治市"),
    "长治市卫生健康委员会": city("山西省", "长治市"),
    "长治市市场监督管理局": city("山西省", "长治市"),
    "韶关市医疗保障局": city("广东省", "韶关市"),
}
# Every number the hand annotations give, and what its abbreviation alone tells.
GOLD_NUMBERS = {
    "鲁医保函〔2024〕28号": province("山东省"),
    "聊医保函〔2024〕13号": city("山东省", "聊城市"),
    "吕医保发〔2023〕28号": city("山西省", "吕梁市"),
    "吕医保发〔2022〕5号": city("山西省", "吕梁市"),
    "潍医保发〔2021〕42号": city("山东省", "潍坊市"),
    "粤医保函〔2023〕146号": province("广东省"),
    "粤医保函〔2025〕113号": province("广东省"),
    "沪药事药械〔2022〕4号": province("上海市"),
    "川医保规〔2020〕8号": province("四川省"),
    # 晋 is 山西, and also opens 晋城 and 晋中: the province is known, not the level.
    "晋医保发〔2021〕22号": Region(province="山西省"),
    "晋医保发〔2023〕9号": Region(province="山西省"),
    # 辽 is 辽宁, and opens 辽阳 (辽宁) and 辽源 (吉林); 内 is 内蒙古 and opens 内江 (四川).
    "辽医保〔2022〕80号": UNKNOWN,
    "内医保办字〔2023〕37号": UNKNOWN,
    "内药采中心字〔**〕**号": UNKNOWN,
}


def _gold_notices() -> list[dict]:
    missing = [gold for gold in GOLD_SETS if not gold.exists()]
    if missing:
        pytest.skip(f"the shared gold is not at {SHARED}")
    return [notice for gold in GOLD_SETS for notice in json.loads(gold.read_text(encoding="utf-8"))["notices"]]


def _alternatives(value: object) -> list[str]:
    return [item for item in (value if isinstance(value, list) else [value]) if item]


def test_every_issuer_of_the_shared_sets_is_listed_here() -> None:
    names = {name for notice in _gold_notices() for issuer in notice["issuers"] for name in issuer}
    assert names == set(GOLD_ISSUERS)


def test_every_number_of_the_shared_sets_is_listed_here() -> None:
    numbers = {number for notice in _gold_notices() for number in _alternatives(notice["doc_number"])}
    assert numbers == set(GOLD_NUMBERS)


@pytest.mark.parametrize(("name", "region"), GOLD_ISSUERS.items())
def test_each_issuer_of_the_shared_sets_is_placed(name: str, region: Region) -> None:
    assert issuer_region(name) == region


@pytest.mark.parametrize(("number", "region"), GOLD_NUMBERS.items())
def test_each_number_of_the_shared_sets_is_placed_as_far_as_its_abbreviation_tells(number: str, region: Region) -> None:
    assert number_region(number) == region


def test_a_number_never_contradicts_its_issuer() -> None:
    """Where a notice has both, what its number tells is a part of where its lead issuer is."""
    for notice in _gold_notices():
        for number in _alternatives(notice["doc_number"]):
            told = {key: value for key, value in asdict(number_region(number)).items() if value is not None}
            for name in notice["issuers"][0] if notice["issuers"] else []:
                assert told.items() <= asdict(issuer_region(name)).items(), (number, name)


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("国家医疗保障局", NATIONAL),
        ("国务院办公厅", NATIONAL),
        ("省际联盟集中带量采购办公室", ALLIANCE),
        ("广东联盟药品集中采购办公室", ALLIANCE),
        ("山东医保局", province("山东省")),
        ("广西壮族自治区医疗保障局", province("广西壮族自治区")),
        ("广西医疗保障局", province("广西壮族自治区")),
        ("吉林省医疗保障局", province("吉林省")),
        ("吉林市医疗保障局", city("吉林省", "吉林市")),
        ("东莞市医疗保障局", city("广东省", "东莞市")),
        ("延边朝鲜族自治州医疗保障局", city("吉林省", "延边朝鲜族自治州")),
        ("寿光市医疗保障局", Region(level="county", province="山东省", city="潍坊市", county="寿光市")),
        ("山东省济南市历城区医疗保障局", Region(level="county", province="山东省", city="济南市", county="历城区")),
        ("北京市朝阳区医疗保障局", Region(level="county", province="北京市", county="朝阳区")),
        ("仙桃市医疗保障局", Region(level="county", province="湖北省", county="仙桃市")),
    ],
)
def test_national_alliance_and_placed_bodies(name: str, region: Region) -> None:
    assert issuer_region(name) == region


@pytest.mark.parametrize(
    "name",
    [
        "医疗保障局",  # no place
        "朝阳区医疗保障局",  # 北京's and 长春's
        "药方舟",  # a site, not a body
        "中山大学附属第一医院",  # 中山 alone is no name: 中山市 is
    ],
)
def test_a_name_that_places_nowhere_stays_unknown(name: str) -> None:
    assert issuer_region(name) == UNKNOWN


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("医保发〔2019〕56号", NATIONAL),
        ("国医保电〔2021〕1号", NATIONAL),
        ("汕医保〔2022〕101号", Region(province="广东省")),  # 汕头 or 汕尾
        ("青医保发〔2024〕3号", UNKNOWN),  # 青海 or 青岛
        ("〔2024〕3号", UNKNOWN),
    ],
)
def test_numbers_of_national_bodies_and_of_shared_initials(number: str, region: Region) -> None:
    assert number_region(number) == region


def test_every_abbreviation_names_a_province_of_the_gazetteer() -> None:
    assert {name for name in PROVINCE_ABBREVIATIONS.values() if province_named(name) is None} == set()
    assert set(PROVINCE_ABBREVIATIONS.values()) == set(mainland_provinces())


def test_the_mainland_has_31_province_level_divisions() -> None:
    provinces = mainland_provinces()
    assert (len(provinces), provinces[0], provinces[-1]) == (31, "北京市", "新疆维吾尔自治区")
    assert "香港特别行政区" not in provinces


def test_a_notice_without_issuer_is_placed_by_its_number_with_that_evidence(tmp_path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "吕医保发〔2022〕5号\n\n关于做好药品集中带量采购工作的通知\n\n各县医疗保障局：\n\n现将有关事项通知如下。\n"
    )
    [record] = file_records(notice)
    assert record["issuers"] == []
    [region] = record["regions"]
    assert (region["level"], region["province"], region["city"]) == ("city", "山西省", "吕梁市")
    assert (region["evidence"]["element"], region["evidence"]["quote"]) == ("doc_number", "吕医保发〔2022〕5号")


def test_each_issuer_has_its_own_name_as_evidence(tmp_path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "莆田市医疗保障局 莆田市卫生健康委员会\n\n关于做好药品集中带量采购工作的通知\n\n各县医疗保障局：\n\n"
        "现将有关事项通知如下。\n\n莆田市医疗保障局    莆田市卫生健康委员会\n2024年5月1日\n"
    )
    [record] = file_records(notice)
    quotes = [region["evidence"]["quote"] for region in record["regions"]]
    assert quotes == ["莆田市医疗保障局", "莆田市卫生健康委员会"]
    assert all(region["city"] == "莆田市" for region in record["regions"])
