"""Normalisation: layout debris out, phrases rejoined, and every character traceable."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.lines import LINE_ROLES, line_kind
from ingest.normalize import (
    _CLEANUP_MARK,
    _DEBRIS,
    _FULL_WIDTH,
    _LINE_END,
    _PAGE_NUMBER,
    LINE_END_MARKS,
    normalize,
)
from ingest.script import SCRIPT_CHARACTERS, character_sets_from_opencc, detect_script, has_traditional
from ingest.textmap import MappedText, strip, substitute

CASES = [
    ("traditional to simplified", "醫療保障局關於採購週期為3年", "医疗保障局关于采购周期为3年"),
    ("full-width digits, letters and percent", "自付比例１０％，编号ＧＨ－ＨＤ", "自付比例10%，编号GH－HD"),
    ("full-width decimal point", "１．５倍", "1.5倍"),
    ("lost full-width spaces", "????為貫徹落實", "为贯彻落实"),
    ("markdown stars", "(一) **加强组织领导**。", "(一)加强组织领导。"),
    ("Word bookmark", "[bookmark: _GoBack]（五）明确", "（五）明确"),
    ("spaces inside a phrase", "采购 期满，2024 年 5 月 27 日", "采购期满，2024年5月27日"),
    ("spaces between Latin words survive", "DRG 2.0 分组", "DRG 2.0分组"),
    ("page break inside a word", "配套工具产生的清\n\n洗消毒相关费用", "配套工具产生的清洗消毒相关费用"),
    ("page number line", "采购周期为\n\n— 2 —\n\n两年。", "采购周期为两年。"),
    ("page number 第N页", "执行。\n第 3 页 共 5 页\n二、要求", "执行。\n二、要求"),
    ("page number 共N页 第N页", "执行。\n共10页 第3页\n二、要求", "执行。\n二、要求"),
    ("page number N/M", "执行。\n3/10\n二、要求", "执行。\n二、要求"),
    ("page number -N-", "执行。\n-3-\n二、要求", "执行。\n二、要求"),
    ("heading keeps its line", "一、执行时间\n\n2024年5月31日起执行。", "一、执行时间\n2024年5月31日起执行。"),
    ("numbered item keeps its line", "附件：1.甲类结果\n2.乙类结果", "附件：1.甲类结果\n2.乙类结果"),
    ("title wrapped over two lines", "关于推进药品和医用耗材\n集中带量采购工作的通知\n各市医保局：", "关于推进药品和医用耗材集中带量采购工作的通知\n各市医保局："),
    ("issuer line stands alone", "山东省医疗保障局\n\n鲁医保函〔2024〕28号", "山东省医疗保障局\n鲁医保函〔2024〕28号"),
    (
        "wrapped body line ending like a title",
        "根据有关规定，现就辽宁省执行国\n家组织冠脉支架有关事项通知\n如下：",
        "根据有关规定，现就辽宁省执行国家组织冠脉支架有关事项通知如下：",
    ),
    (
        "a 28-character enumerated line is a wrapped paragraph",
        "一、2024年5月31日起，全市参加集采的公立医疗机构按规定执行集\n采中选结果。",
        "一、2024年5月31日起，全市参加集采的公立医疗机构按规定执行集采中选结果。",
    ),
    (
        "a title in quotes wrapped before its number",
        "根据《国家组织冠脉支架集中带量采购协议期满后接续采购文件》\n（编号：GH-HD2022-2）相关规定，现通知如下：",
        "根据《国家组织冠脉支架集中带量采购协议期满后接续采购文件》（编号：GH-HD2022-2）相关规定，现通知如下：",
    ),
    ("pinyin glosses", "醫(yī)療保障局關(guan) 於(yu)執行", "医疗保障局关于执行"),
    ("pinyin inside a document number", "醫(yī)保發〔2024〕31號", "医保发〔2024〕31号"),
    ("pinyin gloss with a space before its bracket", "衛生健康委員會(huì )關(guān)于", "卫生健康委员会关于"),
    ("codes in brackets are not pinyin", "采购文件(GH-HD2023-1)", "采购文件(GH-HD2023-1)"),
    ("literal backslash-n from a repost", "采购周期为2年。\\n二、工作要求", "采购周期为2年。\n二、工作要求"),
    ("masked number invents nothing", "鲁医保函〔**〕**号", "鲁医保函〔〕号"),
    ("carriage returns", "第一行。\r\n第二行。\r第三行。", "第一行。\n第二行。\n第三行。"),
    ("replacement and zero-width characters", "医\u200b疗\ufeff保\ufffd障", "医疗保障"),
    ("page break", "第一页。\f第二页。", "第一页。\n第二页。"),
]


@pytest.mark.parametrize(("case", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_normalized_text(case: str, source: str, expected: str) -> None:
    assert normalize(source).text == expected


def test_offsets_point_back_to_the_source() -> None:
    source = "????醫保辦發〔2024〕8號\n\n采購 周期為２年。"
    mapped = normalize(source)
    start = mapped.text.index("周期")
    source_start, source_end = mapped.source_span(start, start + 2)
    assert source[source_start:source_end] == "周期"
    number = mapped.text.index("医保办发")
    assert source[slice(*mapped.source_span(number, number + 4))] == "醫保辦發"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("各区县医疗保障局：现将有关事项通知如下。", "simplified"),
        ("各區縣醫療保障局：現將有關事項通知如下。", "traditional"),
        ("各區縣醫療保障局：现将有关事项通知如下，采购周期为两年，医疗机构按规定执行。", "mixed"),
    ],
)
def test_script_detection(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_the_script_characters_kept_are_what_the_installed_opencc_converts() -> None:
    """Should OpenCC change its tables, `python -m ingest.script` writes the file again."""
    traditional, simplified_only = SCRIPT_CHARACTERS.read_text(encoding="utf-8").splitlines()
    assert (traditional, simplified_only) == character_sets_from_opencc()
    assert {"醫", "療", "採", "購"} <= set(traditional) and {"医", "疗", "采", "购"} <= set(simplified_only)


notice_text = st.lists(
    st.sampled_from([*"采购周期为年月日醫療關於，。；：\n ?*　１２3%％[]《》（）〔〕一二三—-", "[bookmark: x]", "\n\n"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(notice_text)
def test_every_character_maps_into_the_source(source: str) -> None:
    mapped = normalize(source)
    assert len(mapped.offsets) == len(mapped.text) + 1
    assert all(0 <= offset <= len(source) for offset in mapped.offsets)
    assert list(mapped.offsets) == sorted(mapped.offsets)


@settings(max_examples=300, deadline=None)
@given(st.one_of(notice_text, st.text(max_size=200)))
def test_a_caller_that_knows_the_script_gets_what_one_that_does_not_gets(source: str) -> None:
    """Records ask has_traditional of a file once, for normalisation and script detection
    alike; converting a text that holds no traditional character must change nothing."""
    expected = normalize(source)
    assert normalize(source, has_traditional(source)) == expected
    assert normalize(source, traditional=True) == expected


pinyin_glossed = st.lists(
    st.sampled_from([*"醫療會采购", "(yī)", "（huì ）", " (liáo)", "— 3 —", "第2页", "3/10", "１０％", "ｂ", "??", "\u200b"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(notice_text, pinyin_glossed, st.text(max_size=200)))
def test_whatever_the_cleanup_passes_rewrite_holds_a_mark(source: str) -> None:
    """normalize skips the debris, page-number and full-width passes in a text without one
    of _CLEANUP_MARK, and the line-end pass in one without LINE_END_MARKS: which is right
    only while every match of theirs holds one."""
    for pattern in (_DEBRIS, _PAGE_NUMBER, _FULL_WIDTH):
        for match in pattern.finditer(source):
            assert _CLEANUP_MARK.search(match.group()), (pattern.pattern, match.group())
    assert all(match.group()[0] in LINE_END_MARKS for match in _LINE_END.finditer(source + "\r\n\\n\f"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalize_never_raises_and_is_idempotent(source: str) -> None:
    once = normalize(source).text
    assert normalize(once).text == once


notice_like = st.lists(
    st.sampled_from(
        [
            "山东省医疗保障局\n", "鲁医保函〔2024〕28号\n", "关于执行集采结果的通知\n", "各市医疗保障局：\n",
            "采购周期为2年。", "先行自付比例下降10%，", "按年度约定采购金额的50%预付。", "不高于最高中选价的1.5倍。",
            "根据《关于集采的通知》（医保发[2021]31号）要求，", "自2024年5月31日起执行。", "2024年5月22日印发\n",
            "醫療", "(yī)", "\n\n", "?", "**", "。", "，", "5月27日前", "二〇二四年", "《", "》", "（", "〔",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(notice_like, st.text(max_size=200)))
def test_records_never_raise_and_evidence_stays_valid(source: str) -> None:
    from ingest.source import SourceText
    from policygraph.records import notice_records
    from schema import FACT_FIELDS

    for record in notice_records(SourceText(source, "utf-8"), "x.txt", "0" * 64):
        for fact in (fact for name in FACT_FIELDS for fact in getattr(record, name)):
            evidence = fact.evidence
            assert record.text[evidence.start : evidence.end] == evidence.quote
            assert 0 <= evidence.source_start <= evidence.source_end <= len(source)


def substitute_per_character(text: str, offsets: list[int], pattern: re.Pattern[str], replacement: str):
    """What `substitute` does, written with one map entry per character."""
    pieces, new_offsets, position = [], [], 0
    for match in pattern.finditer(text):
        start, end = match.span()
        new = match.expand(replacement)
        pieces += (text[position:start], new)
        new_offsets += offsets[position:start]
        new_offsets += offsets[start:end] if len(new) == end - start else [offsets[start]] * len(new)
        position = end
    return "".join(pieces) + text[position:], new_offsets + offsets[position:]


REWRITES = [
    (r"a", ""), (r"b", "cc"), (r"x", "y"), (r"\n+", "\n"), (r"ab|ba", "z"), (r"^", "<"), (r"$", ">"),
    (r"(?<=a)", "-"), (r"c(b)", r"\1\1"), (r"y+", ""),
]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcxy\n", max_size=40),
    st.lists(st.sampled_from(REWRITES), max_size=5),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_the_map_is_kept_as_per_character(source: str, rewrites: list, start: int, end: int) -> None:
    """Runs stand for the map one entry per character would give, through any rewrites,
    slice and strip."""
    mapped, text, offsets = MappedText.identity(source), source, list(range(len(source) + 1))
    for pattern, replacement in rewrites:
        mapped = substitute(mapped, re.compile(pattern), replacement)
        text, offsets = substitute_per_character(text, offsets, re.compile(pattern), replacement)
        assert (mapped.text, list(mapped.offsets)) == (text, offsets)
        assert [mapped.offset(index) for index in range(len(text) + 1)] == offsets
    start, end = min(start, len(text)), min(max(start, end), len(text))
    sliced = mapped.slice(start, end)
    last = offsets[end - 1] + 1 if end > start else offsets[start]
    assert (sliced.text, list(sliced.offsets)) == (text[start:end], [*offsets[start:end], last])
    lead, kept_end = len(text) - len(text.lstrip("\n")), len(text.rstrip("\n"))
    assert list(strip(mapped, "\n").offsets) == [*offsets[lead:kept_end], offsets[-1]]


line_fragments = st.lists(
    st.sampled_from(
        [
            "山东省医疗保障局", "鲁医保函〔2024〕28号", "关于执行集采结果的通知", "（征求意见稿）", "2024年5月22日",
            "印发", "附件", "1", "：", "抄送", "（此件主动公开）", "一、", "(二)", "采购周期为2年", "。", "，", "文件", " ",
            "来源：", "发布时间：2024-05-23 09:30", "首页 > ", "成文日期：", "（湖北省医疗保障局代章）", "各有关单位",
            "联系人：", "公开方式：", "年", "月", "日", "正文：", "版权所有", "<p>", "(", ")",
        ]
    ),
    max_size=5,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(line_fragments)
def test_line_kind_is_the_first_kind_in_table_order(line: str) -> None:
    first = next((role.kind for role in LINE_ROLES if re.fullmatch(role.pattern, line.strip())), None)
    assert line_kind(line) == first
