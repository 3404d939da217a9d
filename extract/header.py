"""Record fields read from a notice's layout: number, title, issuers, status, issue date."""

from __future__ import annotations

import re
from datetime import date

from extract.dates import find_dates
from ingest.docnumber import canonical_doc_number
from ingest.lines import DRAFT_MARKERS
from ingest.structure import Element, NoticeLayout

# An issuing body ends with one of these; a joint header names several in a row.
ORGANISATION = re.compile(
    r"[\u4e00-\u9fff（）()]+?(?:委员会|办公厅|办公室|人民政府|政府|中心|局|厅|委|部(?!队)|院)(?!员会|办公|室|厅)"
)
ISSUER_MARK_SUFFIX = re.compile(r"\s*文件$")
TITLE_PREFIX_ISSUER = re.compile(r"^(?P<issuers>.+?)关于")
_DRAFT = re.compile(rf"\s*[（(]?(?:{DRAFT_MARKERS})[)）]?\s*$")
_DRAFT_ANYWHERE = re.compile(DRAFT_MARKERS)


def doc_number(layout: NoticeLayout) -> str | None:
    element = layout.first("doc_number")
    return canonical_doc_number(element.text) if element else None


def title(layout: NoticeLayout) -> str | None:
    element = layout.first("title")
    if element is None:
        return None
    return _DRAFT.sub("", re.sub(r"\s+", "", element.text)) or None


def status(layout: NoticeLayout) -> str:
    header = [layout.first(kind) for kind in ("title", "draft_marker")]
    drafted = any(element and _DRAFT_ANYWHERE.search(element.text) for element in header)
    return "draft" if drafted else "final"


def issuers(layout: NoticeLayout) -> list[str]:
    """From the header mark, else the signature, else a title that names its issuer, else
    the office that printed it (印发机关: a last resort, since it is usually the issuer's office)."""
    for kind in ("issuer_mark", "signature"):
        names = _organisations(layout.all(kind))
        if names:
            return names
    element = layout.first("title")
    prefix = TITLE_PREFIX_ISSUER.match(element.text) if element else None
    return split_organisations(prefix.group("issuers")) if prefix else _organisations(layout.all("printer"))


def _organisations(elements: list[Element]) -> list[str]:
    return [name for element in elements for name in split_organisations(ISSUER_MARK_SUFFIX.sub("", element.text))]


def split_organisations(text: str) -> list[str]:
    names = [match.group() for match in ORGANISATION.finditer(re.sub(r"\s+", "", text))]
    return list(dict.fromkeys(names))


def issue_date(layout: NoticeLayout) -> date | None:
    """成文日期 from the signature, else the 印发 date."""
    for kind in ("signed_date", "print_date"):
        element = layout.first(kind)
        dates = find_dates(element.text) if element else []
        if dates:
            return dates[0].value
    return None
