"""Split a normalised file into notices and find each notice's GB/T 9704 elements.

Works line by line on normalised text (one paragraph per line): the header is read from
the top (发文机关标志, 发文字号, 标题), the closing from the bottom (附件说明, 署名, 成文日期,
附注, 抄送, 印发机关和印发日期), and what lies between is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ingest.lines import ADDRESSEE, CJK, SIGNATORIES_BEFORE_DATE, line_kind

HEADER_KINDS = {"issuer", "doc_number", "title", "draft_marker"}
# Lines a header can begin with; a notice starts at any that the next lines confirm.
HEADER_OPENERS = {"issuer", "doc_number", "title"}
ATTACHMENT_ITEM = re.compile(r"\d{1,2}[.、．].*")
ADDRESSEE_MAX_CHARS = 200
_HAS_CHINESE = re.compile(f"[{CJK}]")


class Line(NamedTuple):
    """A non-blank line of the normalised text; a tuple, as there are many of them."""

    start: int
    end: int
    text: str
    kind: str | None


@dataclass(frozen=True)
class Element:
    """One GB/T 9704 element: its kind and span in the notice text."""

    kind: str
    start: int
    end: int
    text: str


@dataclass
class NoticeLayout:
    """Where a notice lies in the file's normalised text (`start`, `end`), and its
    elements, whose offsets are relative to the notice's own text."""

    start: int
    end: int
    elements: list[Element] = field(default_factory=list)

    def all(self, kind: str) -> list[Element]:
        return [element for element in self.elements if element.kind == kind]

    def first(self, kind: str) -> Element | None:
        return next(iter(self.all(kind)), None)


def split_lines(text: str) -> list[Line]:
    lines, position = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(position, position + len(raw), raw, line_kind(raw)))
        position += len(raw) + 1
    return lines


def find_notices(text: str) -> list[NoticeLayout]:
    """Each notice in a file's normalised text; a file with no recognisable header is one notice."""
    lines = split_lines(text)
    if not lines or not _HAS_CHINESE.search(text):
        return []
    starts = _notice_starts(lines)
    layouts = []
    for number, first in enumerate(starts):
        last = starts[number + 1] - 1 if number + 1 < len(starts) else len(lines) - 1
        notice_lines = lines[first : last + 1]
        start, end = notice_lines[0].start, notice_lines[-1].end
        layouts.append(NoticeLayout(start, end, _elements(_relative(notice_lines, start))))
    return layouts


def _relative(lines: list[Line], origin: int) -> list[Line]:
    """The lines with offsets from `origin`, where their notice begins."""
    if not origin:
        return lines
    return [Line(line.start - origin, line.end - origin, line.text, line.kind) for line in lines]


def _notice_starts(lines: list[Line]) -> list[int]:
    """Line indexes where a notice begins: the first line, and every later header that
    follows a notice with a body of its own (a forwarded notice, an attachment)."""
    starts = [0]
    for index in range(1, len(lines)):
        if not _opens_header(lines, index) or not _has_body(lines[starts[-1] : index]):
            continue
        previous = lines[index - 1]
        if previous.kind in HEADER_KINDS:
            continue
        starts.append(index - 1 if previous.kind == "attachment_mark" else index)
    return starts


def _opens_header(lines: list[Line], index: int) -> bool:
    kind = lines[index].kind
    if kind not in HEADER_OPENERS:
        return False
    following = [line.kind for line in lines[index + 1 : index + 3]]
    if kind == "issuer":
        return "doc_number" in following or "title" in following[:1]
    if kind == "doc_number":
        return "title" in following[:1]
    return bool(following) and _is_addressee(lines[index + 1])


def _has_body(lines: list[Line]) -> bool:
    return any("。" in line.text and line.kind is None for line in lines)


def _is_addressee(line: Line) -> bool:
    return len(line.text) <= ADDRESSEE_MAX_CHARS and bool(ADDRESSEE.fullmatch(line.text))


def _elements(lines: list[Line]) -> list[Element]:
    """Header, body and closing; the attachments printed after the closing (附件1, its
    table, …) are an appendix, so the signature above them is still found."""
    header, body_from = _header(lines)
    appendix_from = _appendix_start(lines, body_from)
    closing, body_to = _closing(lines[:appendix_from], body_from)
    elements = header + _span("body", lines[body_from:body_to]) + closing
    return elements + _span("appendix", lines[appendix_from:])


def _appendix_start(lines: list[Line], body_from: int) -> int:
    """The first 附件/附件N line standing alone after the body has begun, else the end."""
    return next(
        (index for index in range(body_from + 1, len(lines)) if lines[index].kind == "attachment_mark"), len(lines)
    )


def _span(kind: str, lines: list[Line]) -> list[Element]:
    if not lines:
        return []
    return [Element(kind, lines[0].start, lines[-1].end, "\n".join(line.text for line in lines))]


def _header(lines: list[Line]) -> tuple[list[Element], int]:
    """Header elements from the top, and the index of the first line after them."""
    kinds = {"issuer": "issuer_mark", "doc_number": "doc_number", "title": "title", "draft_marker": "draft_marker"}
    elements, index = [], 0
    while index < len(lines):
        line = lines[index]
        if line.kind == "attachment_mark" and index == 0:
            elements.append(_element("attachment_mark", line))
        elif line.kind in kinds and not (line.kind == "title" and elements and elements[-1].kind == "title"):
            elements.append(_element(kinds[line.kind], line))
        else:
            break
        index += 1
    if index < len(lines) and _is_addressee(lines[index]) and index <= len(elements) + 1:
        elements.append(_element("addressee", lines[index]))
        index += 1
    return elements, index


def _closing(lines: list[Line], body_from: int) -> tuple[list[Element], int]:
    """Closing elements read upwards from the last line, and where the body ends."""
    elements: list[Element] = []
    index = len(lines) - 1
    while index >= body_from:
        taken, consumed = _closing_element(lines, index, body_from)
        if not consumed:
            break
        elements = taken + elements
        index -= consumed
    return elements, index + 1


def _closing_element(lines: list[Line], index: int, body_from: int) -> tuple[list[Element], int]:
    """The closing element(s) ending at line `index`, in reading order, and how many
    lines they take; ([], 0) if none."""
    line = lines[index]
    if line.kind in ("print_date", "date"):
        date_kind = "print_date" if line.kind == "print_date" else "signed_date"
        org_kind = "printer" if line.kind == "print_date" else "signature"
        orgs = [_element(org_kind, org) for org in _issuer_lines_above(lines, index, body_from)]
        return [*orgs, *_signatories_on_date_line(org_kind, line), _element(date_kind, line)], len(orgs) + 1
    if line.kind in ("note", "copy_to"):
        return [_element(line.kind, line)], 1
    items = _attachment_block(lines, index, body_from)
    return [_element("attachments", item) for item in items], len(items)


def _signatories_on_date_line(kind: str, line: Line) -> list[Element]:
    """山东省医疗保障局办公室2024年5月22日印发: the bodies printed before the date."""
    match = SIGNATORIES_BEFORE_DATE.match(line.text)
    if not match:
        return []
    return [Element(kind, line.start, line.start + match.end(), match.group("signatories"))]


def _issuer_lines_above(lines: list[Line], index: int, body_from: int) -> list[Line]:
    above = index
    while above - 1 >= body_from and lines[above - 1].kind == "issuer":
        above -= 1
    return lines[above:index]


def _attachment_block(lines: list[Line], index: int, body_from: int) -> list[Line]:
    """附件说明: a line starting 附件, with the numbered items that continue it."""
    first = index
    while first >= body_from and ATTACHMENT_ITEM.fullmatch(lines[first].text) and "。" not in lines[first].text:
        first -= 1
    if first >= body_from and lines[first].text.startswith("附件") and lines[first].kind == "attachment":
        return lines[first : index + 1]
    return []


def _element(kind: str, line: Line) -> Element:
    return Element(kind, line.start, line.end, line.text)
