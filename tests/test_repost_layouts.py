"""Metamorphic: every notice of both shared sets, re-laid the ways reposting sites and portals lay
notices out, gives every field and fact that its plain layout gives.

Each layout is a function of a file's text and of where the plain run found the notice's
number, title and signature (their field_evidence, in source offsets): breadcrumb and
page-info lines on top, a disclosure metadata block on top (filled with the notice's own
values), a site footer below, the title before the number, a plain signature after an 附件
line, half-width punctuation, traditional script, paragraphs indented with U+3000 or NBSP and
blank lines doubled, and all of them at once. Records are compared field by field, facts by
their values and by their quotes in one normal form (simplified, width-folded, no white space).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
from opencc import OpenCC

from ingest.decode import decode_bytes
from policygraph.records import notice_records
from schema import FACT_FIELDS, NoticeRecord
from tests.conftest import SHARED

SETS = (SHARED / "corpus", SHARED / "corpus-web", SHARED / "corpus-web" / "targets")
FILES = sorted(path for folder in SETS if folder.is_dir() for path in folder.glob("*.txt"))
_S2T, _T2S = OpenCC("s2t"), OpenCC("t2s")

BREADCRUMB = "首页 > 政务公开 > 通知公告\n发布时间：2024-05-23 09:30  信息来源：本网  浏览次数：1024\n【字体：大 中 小】 打印本页 分享到：\n"
FOOTER = (
    "\n相关链接：国家医疗保障局 | 省人民政府\n网站地图 | 联系我们 | 免责声明\n"
    "版权所有：某某医药信息网 技术支持：某某网络科技有限公司\n网站标识码：3700000001 鲁ICP备05000001号-1\n"
)
ATTACHMENT_LINE = "附件：中选产品清单.xlsx\n"
HALF_WIDTH = str.maketrans("，：；（）！？", ",:;()!?")
INDENTS = ("\u3000\u3000", "\u00a0\u00a0")


def plain_records(path: Path) -> tuple[str, list[NoticeRecord]]:
    source = decode_bytes(path.read_bytes(), path.name)
    return source.text, notice_records(source, path.name, "0" * 64)


def source_line(text: str, read) -> tuple[int, int]:
    """The span of the source line holding a field's evidence."""
    start = text.rfind("\n", 0, read.source_start) + 1
    end = text.find("\n", read.source_end)
    return start, len(text) if end < 0 else end + 1


def with_breadcrumb(text: str, records: list[NoticeRecord]) -> str:
    return BREADCRUMB + text


def with_disclosure_block(text: str, records: list[NoticeRecord]) -> str:
    """The first notice's own values, as a portal prints them above it."""
    record = records[0]
    fields = [
        "索引号：11370000MB1234567X/2024-00012  主题分类：医疗保障",
        f"发布机构：{record.issuers[0]}" if record.issuers else "",
        f"成文日期：{record.issue_date.isoformat()}" if record.issue_date else "",
        f"文号：{record.doc_number}" if record.doc_number else "",
        "有效性：有效",
    ]
    return "\n".join(field for field in fields if field) + "\n" + text


def with_footer(text: str, records: list[NoticeRecord]) -> str:
    return text + FOOTER


def title_then_number(text: str, records: list[NoticeRecord]) -> str:
    """The number line moved below the title line, in every notice printing both in that order."""
    for record in reversed(records):
        number, title = record.field_evidence.get("doc_number"), record.field_evidence.get("title")
        if not number or not title or number.element != "doc_number" or number.source_start > title.source_start:
            continue
        (number_start, number_end), (title_start, title_end) = source_line(text, number), source_line(text, title)
        if number_end > title_start:
            continue
        title_line = text[title_start:title_end] if text[title_start:title_end].endswith("\n") else text[title_start:title_end] + "\n"
        text = text[:number_start] + text[number_end:title_start] + title_line + text[number_start:number_end] + text[title_end:]
    return text


def attachment_before_signature(text: str, records: list[NoticeRecord]) -> str:
    """An 附件 line above every signature (or date, where none signs)."""
    for record in reversed(records):
        signed = record.field_evidence.get("issuers") if "signature" in _elements(record) else None
        signed = signed or _signed_date(record)
        if signed:
            start, _ = source_line(text, signed)
            text = text[:start] + ATTACHMENT_LINE + text[start:]
    return text


def _elements(record: NoticeRecord) -> set[str]:
    return {read.element for read in record.field_evidence.values()}


def _signed_date(record: NoticeRecord):
    read = record.field_evidence.get("issue_date")
    return read if read and read.element == "signed_date" else None


def half_width(text: str, records: list[NoticeRecord]) -> str:
    return text.translate(HALF_WIDTH)


def traditional(text: str, records: list[NoticeRecord]) -> str:
    return _S2T.convert(text)


def indented_and_spaced(text: str, records: list[NoticeRecord]) -> str:
    lines = text.split("\n")
    return "\n\n".join(INDENTS[number % 2] + line if line.strip() else line for number, line in enumerate(lines))


def all_at_once(text: str, records: list[NoticeRecord]) -> str:
    """The layouts that need the plain offsets first, then those that do not."""
    text = attachment_before_signature(title_then_number(text, records), records)
    text = with_breadcrumb(with_disclosure_block(with_footer(text, records), records), records)
    return indented_and_spaced(traditional(half_width(text, records), records), records)


LAYOUTS: dict[str, Callable[[str, list[NoticeRecord]], str]] = {
    "breadcrumb and page info on top": with_breadcrumb,
    "disclosure metadata on top": with_disclosure_block,
    "site footer below": with_footer,
    "title then number": title_then_number,
    "signature after an attachment line": attachment_before_signature,
    "half-width punctuation": half_width,
    "traditional script": traditional,
    "indented, blank lines doubled": indented_and_spaced,
    "all at once": all_at_once,
}
SCRIPT_CHANGING = {"traditional script", "all at once"}


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _T2S.convert(text)))


def comparable(record: NoticeRecord, keep_script: bool) -> dict:
    fields = {
        "doc_number": record.doc_number,
        "title": norm(record.title),
        "issuers": [norm(issuer) for issuer in record.issuers],
        "issue_date": record.issue_date,
        "effective_date": record.effective_date,
        "status": record.status,
        "script": record.script if keep_script else None,
    }
    for name in FACT_FIELDS:
        fields[name] = [_fact(fact) for fact in getattr(record, name)]
    return fields


def _fact(fact) -> dict:
    values = {key: value for key, value in asdict(fact).items() if key != "evidence"}
    values = {key: norm(value) if isinstance(value, str) else value for key, value in values.items()}
    return {**values, "quote": norm(fact.evidence.quote)}


@pytest.mark.skipif(not FILES, reason=f"the shared sets are not at {SHARED}")
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_repost_layout_gives_what_the_plain_layout_gives(path: Path, layout: str) -> None:
    text, plain = plain_records(path)
    relaid = decode_bytes(LAYOUTS[layout](text, plain).encode("utf-8"), path.name)
    records = notice_records(relaid, path.name, "0" * 64)
    keep_script = layout not in SCRIPT_CHANGING
    assert [comparable(record, keep_script) for record in records] == [comparable(record, keep_script) for record in plain]
