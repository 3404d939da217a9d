"""When two mentions name the same document.

A 发文字号, a procurement-file code, or a title together with its issuer identify a
document for sure (strong keys). A bare title does not: every province issues a
关于执行国家组织…中选结果的通知, so a bare title only resolves when one document has it.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.docnumber import canonical_doc_number
from ingest.lines import DRAFT_MARKERS

_ISSUER_PREFIX = re.compile(r"^(?P<issuer>.+?)(?P<rest>关于.+)$")
_NOISE = re.compile(r"[\s《》〈〉“”\"'‘’「」]")
_DRAFT = re.compile(rf"[（(](?:{DRAFT_MARKERS})[)）]$")


def normal_title(title: str) -> str:
    return _DRAFT.sub("", _NOISE.sub("", unicodedata.normalize("NFKC", title)))


def title_parts(title: str) -> tuple[str | None, str]:
    """(issuer named in front of 关于, the title from 关于 on)."""
    title = normal_title(title)
    match = _ISSUER_PREFIX.match(title)
    return (match.group("issuer"), match.group("rest")) if match else (None, title)


def document_keys(
    doc_number: str | None, code: str | None, title: str | None, issuers: list[str]
) -> tuple[list[str], str | None]:
    """The strong keys of a notice or a mention, and its weak key (its bare title)."""
    keys = []
    if doc_number:
        keys.append("number:" + (canonical_doc_number(doc_number) or doc_number))
    if code:
        keys.append("code:" + code.upper())
    if not title:
        return keys, None
    named_issuer, rest = title_parts(title)
    keys += [f"title:{issuer}|{rest}" for issuer in {named_issuer, *issuers} - {None}]
    return keys, "title:" + rest
