"""Record fields read from a notice's layout: number, title, issuers, status, issue date.

Each is read from the notice's printed elements first; disclosure metadata and page
information (ingest/metadata.py) only fill what the printed notice leaves empty, as a
site's block can lag, abbreviate or be wrong (a spam site puts its own name as 发布机构).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from extract.dates import find_dates, parse_site_date
from ingest.docnumber import canonical_doc_number, find_doc_numbers
from ingest.lines import DOC_NUMBER, DRAFT_MARKERS, ISSUERS_MAX_CHARS, SEAL_NOTE, SITE_TAG, line_kind
from ingest.lines import TITLE_NUMBER as TITLE_NUMBER_FORM
from ingest.metadata import read_metadata
from ingest.structure import Element, NoticeLayout

# An issuing body ends with one of these; a joint header names several in a row. A name is
# no longer than a line of issuers: an unbounded name was looked for from every character
# of a run without a suffix to the run's end (n² on a long title or metadata value).
ORGANISATION = re.compile(
    rf"[\u4e00-\u9fff（）()]{{1,{ISSUERS_MAX_CHARS}}}?"
    r"(?:委员会|办公厅|办公室|人民政府|政府|中心|局|厅|委|部(?![队门])|院|所(?![属有在需以得])|处(?![理置罚]))"
    r"(?!员会|办公|室|厅)"
)
# What follows a body's name on its line without being a body: 文件, a seal note.
NOT_A_BODY = re.compile(rf"\s*文件$|{SEAL_NOTE}")
# 山东省医疗保障局关于…; not the bodies inside a quoted title (关于转发《山西省医疗保障局关于…》).
# A title opening 转发 names the other document's issuer, not this one's.
TITLE_PREFIX_ISSUER = re.compile(r"^(?!转发|印发)(?P<issuers>[^《》“”<>]+?)关于")
# What a site adds to a title: its region tag in front (【浙江】, [江西]), the posting date behind ((2022.07.04)).
SITE_TITLE_TAG = re.compile(rf"^{SITE_TAG}|[（(]\d{{4}}[-.．/]\d{{1,2}}[-.．/]\d{{1,2}}[)）]$")
# A body's name says where it is: 国家…, …省…, …市…, 自治区, 兵团 ….
PLACED = re.compile(r"国家|国务院|[省市县区州盟旗]|兵团")
# A site's name for a body is the body: 潍坊市医疗保障局官网.
SITE_SUFFIX = re.compile(r"(?:官方网站|门户网站|官网|网站)$")
NUMBER_END = "号"
# A number printed on the title's line, behind it or in front of it.
TITLE_NUMBER = re.compile(rf"{TITLE_NUMBER_FORM}$|^{DOC_NUMBER}\s*")
_DRAFT = re.compile(rf"\s*[（(]?(?:{DRAFT_MARKERS})[)）]?\s*$")
_DRAFT_ANYWHERE = re.compile(DRAFT_MARKERS)


class Read(NamedTuple):
    """A field's value and where it was read: the element's kind (or `metadata`) and the
    span of what prints it in the notice text."""

    value: Any
    element: str
    start: int
    end: int


def doc_number(layout: NoticeLayout) -> Read | None:
    """The number line's, else the number printed after the title on its line, else the metadata's."""
    for element in (layout.first("doc_number"), layout.first("title")):
        number = _printed_number(element) if element else None
        if number:
            return number
    return _first_of_metadata(layout, "doc_number", canonical_doc_number)


def _printed_number(element: Element) -> Read | None:
    """The number a number line prints, or the number on the title's line. Every number
    ends in 号: a title without one is not searched."""
    if NUMBER_END not in element.text:
        return None
    title_number = TITLE_NUMBER.search(element.text) if element.kind == "title" else None
    numbers = find_doc_numbers(element.text) if element.kind != "title" or title_number else []
    if not numbers:
        return None
    start, end, number = numbers[0] if title_number and title_number.start() == 0 else numbers[-1]
    return Read(number, element.kind, element.start + start, element.start + end)


def title(layout: NoticeLayout) -> Read | None:
    element = layout.first("title")
    if element is not None:
        cleaned = _clean_title(element.text)
        return Read(cleaned, element.kind, element.start, element.end) if cleaned else None
    return _first_of_metadata(layout, "title", _title_named)


def _title_named(value: str) -> str | None:
    return _clean_title(value) if line_kind(value) == "title" else None


def _clean_title(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    if NUMBER_END in text:
        text = TITLE_NUMBER.sub("", text)
    return _DRAFT.sub("", SITE_TITLE_TAG.sub("", text)) or None


def status(layout: NoticeLayout) -> str:
    header = [layout.first(kind) for kind in ("title", "draft_marker")]
    drafted = any(element and _DRAFT_ANYWHERE.search(element.text) for element in header)
    return "draft" if drafted else "final"


def issuers(layout: NoticeLayout) -> Read | None:
    """From the header mark, else the signature, else a title that names its issuer, else
    the office that printed it (印发机关: usually the issuer's office), else a body's name
    above the title that no number confirms as a mark (often the site's banner), else the
    body a site names as publisher or source, if it is one."""
    for kind in ("issuer_mark", "signature"):
        found = _organisations(layout.all(kind))
        if found:
            return found
    element = layout.first("title")
    prefix = TITLE_PREFIX_ISSUER.match(SITE_TITLE_TAG.sub("", element.text)) if element else None
    named = _organisations_named(prefix.group("issuers")) if prefix else None
    if element and named:
        return Read(named, element.kind, element.start, element.end)
    for kind in ("printer", "issuer_name"):
        found = _organisations(layout.all(kind))
        if found:
            return found
    return _first_of_metadata(layout, "issuer", _organisations_named)


def _organisations(elements: list[Element]) -> Read | None:
    names = [name for element in elements for name in split_organisations(NOT_A_BODY.sub("", element.text))]
    if not names:
        return None
    return Read(list(dict.fromkeys(names)), elements[0].kind, elements[0].start, elements[-1].end)


def _organisations_named(value: str) -> list[str] | None:
    """The bodies a text names, when it names nothing else (not a site such as 药方舟, nor a
    company) and each says where it is (not a division such as 医药价格和招标采购处)."""
    text = SITE_SUFFIX.sub("", re.sub(r"\s+", "", value))
    names = split_organisations(text)
    whole = bool(names) and "".join(names) == text
    return names if whole and all(PLACED.search(name) for name in names) else None


def split_organisations(text: str) -> list[str]:
    names = [match.group() for match in ORGANISATION.finditer(re.sub(r"\s+", "", text))]
    return list(dict.fromkeys(names))


def issue_date(layout: NoticeLayout) -> Read | None:
    """成文日期 from the signature, else the 印发 date, else a date printed in the header,
    else the 成文日期 of the disclosure metadata."""
    for kind in ("signed_date", "print_date", "header_date"):
        element = layout.first(kind)
        dates = find_dates(element.text) if element else []
        if element and dates:
            return Read(dates[0].value, element.kind, element.start + dates[0].start, element.start + dates[0].end)
    return _first_of_metadata(layout, "issue_date", parse_site_date)


def _first_of_metadata(layout: NoticeLayout, name: str, interpret: Callable[[str], Any]) -> Read | None:
    """The first metadata field named `name` whose value `interpret` makes something of."""
    for field in read_metadata(layout.all("metadata")):
        value = interpret(field.value) if field.name == name else None
        if value:
            return Read(value, "metadata", field.start, field.end)
    return None
