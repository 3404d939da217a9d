"""Disclosure metadata and page information: the fields a site prints about a notice.

Government portals print an information-disclosure block above a notice (索引号, 发布机构,
成文日期, 文号, 标题, 有效性 …), one field a line or several run together on one; reposting
sites print page information (来源, 发布时间). Each field is read with the span of its value,
so that a record field taken from it carries evidence like any other. What the value means
(a date, a body's name) is extraction's to decide; the notice's printed elements win over it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.lines import BARE_KEYS, METADATA_KEYS, keys_pattern
from ingest.structure import Element

# Where a field's value ends: the next key, or the end of the line. A key is followed by a
# colon, or by its value at once where a table's cells ran together (lines.BARE_KEYS).
_KEY = re.compile(
    rf"(?P<key>{keys_pattern(METADATA_KEYS)})\s*[:：]\s*"
    rf"|(?P<bare>{keys_pattern(BARE_KEYS)})(?=[^\s:：])"
    rf"|^(?P<opening>{keys_pattern(METADATA_KEYS)})(?=[^\s:：])"
)
_VALUE_PADDING = " \t|｜,，;；"


class MetadataField(NamedTuple):
    """A field's name in the record (doc_number, issue_date, issuer …), the key it was
    printed under, its value, and the value's span in the notice text."""

    name: str
    key: str
    value: str
    start: int
    end: int


def read_metadata(elements: list[Element]) -> list[MetadataField]:
    """The fields of the metadata lines that supply one of the record's, in reading order."""
    return [field for element in elements for field in _fields(element)]


def _fields(element: Element) -> list[MetadataField]:
    text = element.text
    keys = list(_KEY.finditer(text))
    value_ends = [key.start() for key in keys[1:]] + [len(text)]
    fields = []
    for key, end in zip(keys, value_ends[: len(keys)], strict=True):
        printed = key["key"] or key["bare"] or key["opening"]
        name, start = METADATA_KEYS[printed], key.end()
        while end > start and text[end - 1] in _VALUE_PADDING:
            end -= 1
        if name and end > start:
            fields.append(MetadataField(name, printed, text[start:end], element.start + start, element.start + end))
    return fields
