"""Fuzzing: nothing a notice or a file can hold makes extraction fail, misquote or write a bad record.

The hand-written tests check what notices say; these check what no input may do. Inputs are
built from real fragments (fact phrasings, dates, document numbers, numbers of any size)
mixed with what files carry by accident (control and invisible characters, stray brackets,
very long runs), so that most examples reach the fact extractors' value checks instead of
stopping at the notice finder. The examples are derandomized and bounded, so CI sees the
same ones on every run; `python -m benchmarks.fuzz` runs the same strategies for longer.
"""

from __future__ import annotations

import io
import json
import operator
import re
from functools import cache
from pathlib import Path

import docx
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.numerals import parse_number, parse_percent, to_int
from ingest.source import SourceText
from policygraph.cache import ResultCache, open_cache
from policygraph.inputs import InputFile
from policygraph.outcome import FileOutcome
from policygraph.pipeline import process_file
from policygraph.records import notice_records
from schema import FACT_FIELDS
from schema.codec import read_record, record_line
from schema.jsonschema import SCHEMA_PATH
from schema.models import MAX_QUOTE_CHARS
from schema.validate import validated
from tests.test_html_docx import word_bytes

# Examples of many kilobytes, some slow to read, are what these tests are for.
FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCUMENTED_STATUSES = {"ok", "failed", "skipped", "needs_ocr"}
INTERNAL_ERROR = "internal error"
SECONDS_PER_FILE = 60.0
# Characters of a repeated run. CI's stay short, so that a reader whose cost grows faster than
# its input does not make the suite slow; benchmarks.fuzz runs long ones to find such readers.
LONG_RUN = 1_000
SOURCE_FILE = "fuzz.txt"
SOURCE_SHA256 = "0" * 64

# --- the vocabulary -------------------------------------------------------------------------

# Of PLAUSIBLE_WEIGHT + 1 values drawn, PLAUSIBLE_WEIGHT are of the kind notices write.
PLAUSIBLE_WEIGHT = 3
PLAUSIBLE_NUMBERS = ("1.5", "2", "3", "5", "10", "15", "20", "30", "50", "80", "100", "409.7", "两", "三", "十", "一百")
DAY_WORDS = ("一", "十", "十二", "二十九", "三十", "三十一", "十三")
TO_FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
CHINESE_NUMERALS = "〇○零一二三四五六七八九十百千万两点"
YEAR_NUMERALS = "〇○零一二三四五六七八九"
BRACKETS = ("〔〕", "[]", "【】", "()", "（）", "［］", "〈〉", "  ")
PUNCTUATION = "〔〕[]【】()（）［］《》“”‘’「」<>。，；：！？、…—-·/\\%％*#&@"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000\u2028\u2029\u202e\u00ad\ufffd"
CONTROL = "".join(map(chr, range(0x20))) + "\x7f\x85"
SEPARATORS = ("", "", "。", "，", "；", "\n", "\n", "\r\n", "\n\n", "\f", " ", "\u3000", "：")
ISSUERS = (
    "国家医疗保障局",
    "山东省医疗保障局",
    "浙江省医疗保障局",
    "上海市医疗保障局",
    "國家醫療保障局",
    "某某市医保局",
)
NUMBER_PREFIXES = ("医保发", "鲁医保函", "国医保办发", "浙医保联发", "川医保规", "醫保發", "")
TOPICS = ("做好药品集中带量采购工作", "执行国家组织冠脉支架集中带量采购中选结果", "调整先行自付比例", "采購週期")
# Fact phrasings as notices write them; {slot}s are filled from SLOTS below.
FACT_PHRASES = (
    "采购周期为{n}年",
    "采购周期为{n}个月",
    "协议期为{n}年半",
    "以{n}年为一个采购周期",
    "采购周期为{n}年，自{d}至{d}",
    "协议期自{d}起至{d}止",
    "采购周期为{d}至{d}",
    "中选结果自{d}起执行，周期为{n}年",
    "协议期满后续签{n}年",
    "采购周期延长至{n}年",
    "本次集中带量采购执行周期{n}个月",
    "二、采购周期\n{d}至{d}",
    "于{d}起执行，采购周期至{d}",
    "採購週期為{n}年",
    "医保基金预付比例为{p}",
    "按医疗机构年度约定采购金额的{p}预付",
    "预付金额不低于年度约定采购金额的{p}",
    "预拨{p}的医保资金",
    "完成约定采购量的{p}后冲抵预付金",
    "將醫保預付金的{p}預付給醫療機構",
    "职工先行自付比例下降{p}",
    "先行自付比例调整为{p}",
    "个人自付比例提高到{p}",
    "先行自付比例统一调整为：职工医保{p}，居民医保{p}",
    "职工和居民先行自付比例分别为{p}和{p}",
    "乙类先行自付比例降低{n}个百分点",
    "先行自付比例由{p}调整为{p}",
    "首先自付比例下调{p}",
    "不设先行自付比例",
    "调整个人先行自付比例",
    "挂网价格不高于中选价格的{n}倍",
    "不得高于同品种最高中选价的{n}倍或{n}元",
    "以中选价格作为医保支付标准",
    "医保支付标准确定为{n}元",
    "支付标准为每支{n}万元",
    "最高支付限额为{n}元",
    "最高限额分别为半顺应性扩张球囊{n}元/个，非顺应性扩张球囊{n}元/个",
    "挂网限价为同组最高中选价的{n}倍",
    "医保基金支付金额不超过{n}元",
    "采购价不超过{n}元",
    "自{d}起执行",
    "本通知自{d}起施行",
    "执行时间为{d}",
    "执行接续中选结果的时间为\n{d}",
    "本通知于{d}执行",
    "自{d}零时起统一执行",
    "自印发之日起执行",
    "根据《{t}》（{dn}）要求",
    "现将《{t}》转发给你们",
    "按照{dn}文件要求",
    "为贯彻落实《{t}》精神",
    "参照{dn}执行",
    "详见采购文件GH-HD{n}-{n}",
)
HEADER_PHRASES = (
    "{i}\n{dn}\n关于{topic}的通知\n各市医疗保障局：",
    "{i}文件\n{dn}\n\n{i}关于{topic}的通知\n\n各市、县（区）医疗保障局：",
    "{i}关于{topic}的通知",
    "{dn}",
    "各市医疗保障局：",
    "（征求意见稿）",
    "{i}文件",
    "关于{topic}的通知",
)
SIGNATURE = "特此通知。\n\n{i}\n{d}"
CLOSING_PHRASES = (
    "{i}\n{d}\n（此件公开发布）",
    "特此通知。",
    "{i}",
    "{d}",
    "（此件公开发布）",
    "附件：{n}.中选结果表",
    "抄送：{i}",
    "问：采购周期是{n}年吗？",
)


def _full_width_sometimes(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(strategy, st.booleans()).map(lambda pair: pair[0].translate(TO_FULL_WIDTH) if pair[1] else pair[0])


def _usually(plausible: st.SearchStrategy[str], anything: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly what notices write, so that facts are found and their values checked; else anything."""
    return st.one_of(*[plausible] * PLAUSIBLE_WEIGHT, anything)


def _numbers() -> st.SearchStrategy[str]:
    """Small numbers most often, as notices write them, and any size, sign and script."""
    plausible = st.one_of(st.integers(0, 12).map(str), st.sampled_from(PLAUSIBLE_NUMBERS))
    anything = st.one_of(
        st.integers(min_value=-(10**40), max_value=10**400).map(str),
        st.builds("{}.{}".format, st.integers(0, 10**6), st.integers(0, 10**6)),
        st.integers(1000, 10**12).map("{:,}".format),
        st.text(alphabet=CHINESE_NUMERALS, min_size=1, max_size=8),
    )
    return _full_width_sometimes(_usually(plausible, anything))


def _percents() -> st.SearchStrategy[str]:
    number = _numbers()
    anything = st.one_of(
        st.builds("{}{}".format, number, st.sampled_from(("%", "％", " %", ""))),
        st.builds("百分之{}".format, number),
        st.builds("{}个百分点".format, number),
    )
    return _usually(st.integers(0, 100).map("{}%".format), anything)


def _dates() -> st.SearchStrategy[str]:
    """Dates of every form notices use, with any year, month and day, possible or not."""
    year = _usually(
        st.sampled_from(("2023", "2024", "2025", "2019", "二〇二四", "二○二五")),
        st.one_of(
            st.integers(0, 99999).map(str),
            st.integers(0, 9999).map("{:04d}".format),
            st.text(alphabet=YEAR_NUMERALS, min_size=4, max_size=4),
        ),
    )
    month = _usually(st.integers(1, 12).map(str), st.integers(0, 99).map(str))
    day = _usually(st.integers(1, 28).map(str), st.one_of(st.integers(0, 99).map(str), st.sampled_from(DAY_WORDS)))
    forms = st.sampled_from(
        (
            "{y}年{m}月{d}日",
            "{y}-{m}-{d}",
            "{y}/{m}/{d}",
            "{y}.{m}.{d}",
            "{m}月{d}日",
            "{y}年{m}月",
            "{y} 年 {m} 月 {d} 号",
        )
    )
    written = st.builds(lambda form, y, m, d: form.format(y=y, m=m, d=d), forms, year, month, day)
    return _full_width_sometimes(written)


def _document_numbers() -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, brackets, year, number: f"{prefix}{brackets[0]}{year}{brackets[1]}{number}号",
        st.sampled_from(NUMBER_PREFIXES),
        st.sampled_from(BRACKETS),
        _usually(st.sampled_from(("2024", "2019")), st.integers(0, 99999).map(str)),
        _numbers(),
    )


def _hanzi(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=max_size)


@cache
def _slots() -> dict[str, st.SearchStrategy[str]]:
    titles = st.one_of(
        st.builds("{}关于{}的通知".format, st.sampled_from(ISSUERS), st.sampled_from(TOPICS)),
        st.builds("{}的通知".format, _hanzi()),
    )
    return {
        "n": _numbers(),
        "p": _percents(),
        "d": _dates(),
        "dn": _document_numbers(),
        "t": titles,
        "i": st.sampled_from(ISSUERS),
        "topic": _usually(st.sampled_from(TOPICS), _hanzi()),
    }


def _filled(template: str) -> st.SearchStrategy[str]:
    """A phrase with each {slot} drawn afresh: 采购周期为{n}年 → 采购周期为10000年."""
    parts = re.split(r"\{(\w+)\}", template)
    drawn = [st.just(part) if index % 2 == 0 else _slots()[part] for index, part in enumerate(parts)]
    return st.tuples(*drawn).map("".join)


def _phrases(templates: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(templates).flatmap(_filled)


def _noise(long_run: int) -> st.SearchStrategy[str]:
    """What real files carry besides sentences, up to runs of `long_run` characters."""
    return st.one_of(
        _hanzi(),
        st.text(max_size=20),
        st.text(alphabet=CONTROL + INVISIBLE, min_size=1, max_size=5),
        st.text(alphabet=PUNCTUATION, min_size=1, max_size=5),
        st.builds(
            lambda run, times: (run * times)[:long_run],
            st.one_of(st.sampled_from(("采购周期", "的", "1", "（", "\n", "。", " ", "自付比例", "一")), _hanzi(3)),
            st.integers(1, long_run),
        ),
    )


@st.composite
def notice_texts(draw: st.DrawFn, long_run: int = LONG_RUN) -> str:
    """A notice's header, a body of fact phrasings and noise, and its closing, joined by any separators."""
    pieces = [
        *draw(st.lists(_phrases(HEADER_PHRASES), max_size=3)),
        *draw(st.lists(st.one_of(_phrases(FACT_PHRASES), _phrases(FACT_PHRASES), _noise(long_run)), max_size=10)),
        *draw(st.lists(_phrases(CLOSING_PHRASES), max_size=2)),
        draw(_usually(_filled(SIGNATURE), st.just(""))),
    ]
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + separator for piece, separator in zip(pieces, separators, strict=True))


NUMERAL_CHARACTERS = CHINESE_NUMERALS + "0123456789０１２３４５６７８９.．,%％"
# Numerals as long as a run of them may be: past 4,300 digits Python refuses to make an int.
LONG_NUMERAL_RUN = 10_000


def numerals() -> st.SearchStrategy[str]:
    """What a number pattern may match, of any length: 百分之 and runs of numerals included."""
    run = st.builds(operator.mul, st.sampled_from(NUMERAL_CHARACTERS), st.integers(1, LONG_NUMERAL_RUN))
    body = st.lists(st.one_of(st.text(NUMERAL_CHARACTERS, max_size=12), run), min_size=1, max_size=4)
    return st.tuples(st.sampled_from(("", "百分之")), body.map("".join)).map("".join)


# --- files made of such texts ------------------------------------------------------------------

CODECS = ("utf-8", "utf-8-sig", "gb18030", "big5", "utf-16")
SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".md", "", ".TXT", ".PDF")
NAME_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")
PLAIN_STEMS = ("通知", "-", ".hidden", " ", "a" * 300)
NAME_BYTES = 255
# What XML (Word) and the PDF font can hold; the rest is dropped before the file is made.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
PDF_FONT = "STSong-Light"  # reportlab's own CID font: it draws hanzi without a font file
PDF_FONT_SIZE = 12
PDF_LINE_CHARS = 40
PDF_LINES_PER_PAGE = 50
PDF_LEFT, PDF_TOP, PDF_LINE_HEIGHT = 40, 800, 15  # points on an A4 page
OVERWRITTEN_BYTES = 16


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


def _web_page(text: str, charset: str) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in text.replace("&", "&amp;").replace("<", "&lt;").splitlines())
    page = f'<html><head><meta charset="{charset}"><title>通知</title></head><body><div>{body}</div></body></html>'
    return _encoded(page, charset)


def word_file_of(text: str) -> bytes:
    """The text as a Word file, a paragraph a line (characters XML cannot hold left out)."""
    document = docx.Document()
    for line in _NOT_IN_XML.sub("", text).splitlines():
        document.add_paragraph(line)
    return word_bytes(document)


def pdf_file_of(text: str) -> bytes:
    """The text drawn line by line, long lines wrapped, as a PDF with a text layer."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    stream = io.BytesIO()
    page = canvas.Canvas(stream)
    printable = "".join(char for char in text if char == "\n" or (char.isprintable() and ord(char) <= 0xFFFF))
    lines = [
        line[i : i + PDF_LINE_CHARS]
        for line in printable.splitlines()
        for i in range(0, len(line) or 1, PDF_LINE_CHARS)
    ]
    for first in range(0, len(lines), PDF_LINES_PER_PAGE):
        page.setFont(PDF_FONT, PDF_FONT_SIZE)
        for row, line in enumerate(lines[first : first + PDF_LINES_PER_PAGE]):
            page.drawString(PDF_LEFT, PDF_TOP - PDF_LINE_HEIGHT * row, line)
        page.showPage()
    page.save()
    return stream.getvalue()


@st.composite
def _damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The file as made, cut short, or with a few bytes overwritten (a broken download)."""
    damage = draw(st.sampled_from(("none", "none", "cut", "overwrite")))
    if damage == "none" or not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    if damage == "cut":
        return data[:at]
    return data[:at] + draw(st.binary(min_size=1, max_size=OVERWRITTEN_BYTES)) + data[at + OVERWRITTEN_BYTES :]


def _made_files(long_run: int) -> dict[str, st.SearchStrategy[bytes]]:
    """Each kind of file a notice comes in, by the suffix it is usually named with."""
    texts = notice_texts(long_run=long_run)
    return {
        ".txt": st.builds(_encoded, texts, st.sampled_from(CODECS)),
        ".html": st.builds(_web_page, texts, st.sampled_from(("utf-8", "gb18030", "big5"))),
        ".docx": texts.map(word_file_of),
        ".pdf": texts.map(pdf_file_of),
        ".bin": st.binary(max_size=2_000),
    }


@st.composite
def named_files(draw: st.DrawFn, long_run: int = LONG_RUN) -> tuple[str, bytes]:
    """A file of any kind, damaged or not, under a name that usually ends in its kind's suffix,
    and may be anything a folder can hold that decodes (how undecodable bytes are shown is the
    input listing's business): spaces, line breaks, right-to-left marks, leading dots."""
    made = _made_files(long_run)
    kind = draw(st.sampled_from(sorted(made)))
    content = draw(made[kind].flatmap(_damaged))
    suffix = draw(_usually(st.just(kind), st.sampled_from(SUFFIXES)))
    stem = draw(st.one_of(st.text(NAME_CHARACTERS, min_size=1, max_size=60), st.sampled_from(PLAIN_STEMS)))
    return _fitted(stem, suffix), content


def _fitted(stem: str, suffix: str) -> str:
    """The name cut to what a folder can hold: 255 bytes, and never `.` or `..`."""
    while len((stem + suffix).encode()) > NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix if stem.strip(".") else f"notice{suffix}"


# --- the properties ------------------------------------------------------------------------------


@cache
def _schema_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), validate_formats=True)


def assert_records_sound(text: str) -> None:
    """Every record of `text` quotes its own text, within the limit, and is written as the schema says."""
    for record in notice_records(SourceText(text, "utf-8"), SOURCE_FILE, SOURCE_SHA256):
        quoted = [fact.evidence for name in FACT_FIELDS for fact in getattr(record, name)]
        placed = [region.evidence for region in record.regions if region.evidence]
        for evidence in [*quoted, *record.field_evidence.values(), *placed]:
            assert record.text[evidence.start : evidence.end] == evidence.quote
            assert 0 < len(evidence.quote) <= MAX_QUOTE_CHARS
        line = record_line(record)
        _schema_validator().validate(json.loads(line))
        assert validated(line) == record, "the line written breaks the contract's constraints"
        assert read_record(line) == record, "the line written reads back as another record"


def assert_numerals_parse(text: str) -> None:
    """Parsing a numeral gives a number or None, whatever its length: it never raises."""
    to_int(parse_number(text))
    parse_percent(text)


def assert_outcome_documented(outcome: FileOutcome) -> None:
    """A file ends in a documented status, with a one-line reason a person can act on when it is not ok."""
    assert outcome.status in DOCUMENTED_STATUSES
    assert (outcome.error is None) == (outcome.status == "ok")
    assert not (outcome.error or "").startswith(INTERNAL_ERROR), outcome.error
    assert "\n" not in (outcome.error or "")


def outcome_of(
    folder: Path, cache: ResultCache, name: str, content: bytes, seconds: float = SECONDS_PER_FILE
) -> FileOutcome:
    """The outcome of `content` saved as `name`, as a run gets it: read from the folder, then cached."""
    path = folder / name
    path.write_bytes(content)
    try:
        outcome = process_file(InputFile(str(path)), cache, force=True, seconds=seconds)
        cache.commit()
        return outcome
    finally:
        path.unlink()


@FUZZ_SETTINGS
@given(notice_texts())
def test_no_notice_text_breaks_extraction(text: str) -> None:
    assert_records_sound(text)


@FUZZ_SETTINGS
@given(numerals())
def test_no_numeral_breaks_parsing(text: str) -> None:
    assert_numerals_parse(text)


@pytest.fixture(scope="module")
def file_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ResultCache]:
    folder = tmp_path_factory.mktemp("fuzzed_files")
    return folder, open_cache(folder / "out")


@FUZZ_SETTINGS
@given(named_files())
def test_no_file_gets_an_undocumented_outcome(file_folder: tuple[Path, ResultCache], named: tuple[str, bytes]) -> None:
    assert_outcome_documented(outcome_of(*file_folder, *named))
