"""Split a normalised file into notices and find each notice's GB/T 9704 elements where they stand.

A notice reaches us inside a page: a site's banner, breadcrumbs and page-info lines above
it, its footer, licence lines and forum questions below, disclosure metadata anywhere. So
each notice is anchored on its core and read outwards, stepping over page furniture
(ingest/lines.py says what a line is) instead of stopping at it:

- the core is the 主送 line, and the body begins below it; without one, the body begins
  below the header, or at the first line that is not furniture;
- the header (发文机关标志, 发文字号, 标题) is gathered from the lines above the core, up to
  a breadcrumb (where a site's content begins) or, once an element is found, the first line
  that is neither an element nor furniture; a title printed twice is one title;
- the closing is anchored on the first date line after the body (成文日期, else the 印发
  line): 署名 and 附件说明 above it; 附注, 抄送, 印发 and the appendix below it, furniture
  between. With no date line it is read upwards from the notice's last line;
- the notice ends at the first furniture that only follows a notice (forum posts, related
  pages, a site's footer); a page listing several notices' titles holds none;
- lines of disclosure metadata and page information outside the body are kept, for the
  record's fields.

A page that lost its line breaks runs elements together on one line; a file whose notices
lack a 主送 or a closing is read again with such lines cut where each element begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from ingest.lines import (
    BREADCRUMB,
    CJK,
    DATE_LINE,
    DISCLOSURE_NOTE,
    DOC_NUMBER,
    FURNITURE_KINDS,
    METADATA_KINDS,
    NOTICE_END,
    SIGNATORIES,
    SIGNATORIES_BEFORE_DATE,
    line_kind,
)

# Lines a header can begin with; a notice starts at any that the next lines confirm.
HEADER_OPENERS = {"issuer", "doc_number", "title"}
HEADER_KINDS = {"issuer", "doc_number", "title", "draft_marker"}
# The element each kind of line is in a header: the nearest to the core of each is taken,
# but every issuer mark (a joint notice prints one body a line).
HEADER_ELEMENTS = {"doc_number": "doc_number", "title": "title", "draft_marker": "draft_marker", "date": "header_date"}
BRACKETS = ("（", "(")
# What a closing is anchored on, as elements.
CLOSING_DATES = frozenset({"signed_date", "print_date"})
# A signature's date, or the 印发 line's; a masked one (年3月日) still closes the body.
DATE_KINDS = ("date", "print_date", "masked_date")
ATTACHMENT_ITEM = re.compile(r"\d{1,2}[.、．].*")
# A body paragraph states something: it holds a sentence end and is longer than a site's slogan.
SENTENCE_END = re.compile(r"[。；！？;!?]")
MIN_PROSE_CHARS = 20
# Where a page that lost its line breaks ran one element into the next.
# A 一、 or （一） heading run on after a sentence or a colon: the cut is after the mark.
RUN_ON_HEADING = re.compile(r"[。；：:;](?=[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])")
# A signature and date (and a note) run on after the last sentence.
RUN_ON_CLOSING = re.compile(rf"\s*(?:{SIGNATORIES})?{DATE_LINE}(?P<note>{DISCLOSURE_NOTE})?\s*")
SENTENCE_ENDS = "。！!"
CLOSING_ENDS = ("日", ")", "）")
# A number, then a 主送 to the line's first colon (before any full stop), then the body.
RUN_ON_HEADER = re.compile(rf"(?P<number>{DOC_NUMBER}\s*)?(?P<addressee>[^。：:]{{2,200}}[：:])(?=\S)")
_HAS_CHINESE = re.compile(f"[{CJK}]")


class Line(NamedTuple):
    """A non-blank line of the normalised text; a tuple, as there are many of them."""

    start: int
    end: int
    text: str
    kind: str | None


@dataclass(frozen=True)
class Element:
    """One GB/T 9704 element (or a line of disclosure metadata): its kind and span in the notice text."""

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


def split_lines(text: str, run_on: bool = False) -> list[Line]:
    """The non-blank lines. With `run_on`, a line in which a page that lost its line breaks
    ran elements together (号 / 主送： / 一、… / 二、… / signature and date / (此件主动公开)) gives
    one line each."""
    lines, position = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            kind = line_kind(raw)
            cuts = _run_on_cuts(raw) if run_on and kind is None else None
            if cuts:
                lines += _parts(raw, position, cuts)
            else:
                lines.append(Line(position, position + len(raw), raw, kind))
        position += len(raw) + 1
    return lines


def _parts(raw: str, position: int, cuts: list[int]) -> list[Line]:
    bounds = [0, *cuts, len(raw)]
    parts = [(start, end) for start, end in pairwise(bounds) if raw[start:end].strip()]
    return [Line(position + start, position + end, raw[start:end], line_kind(raw[start:end])) for start, end in parts]


def _run_on_cuts(raw: str) -> list[int]:
    """Where the elements run together in a line begin, after its first. Most lines hold
    none, and are told so by looking for the marks each needs (a colon after a 主送, 、 or a
    bracket in a heading) and at their last character."""
    header = RUN_ON_HEADER.match(raw) if "：" in raw or ":" in raw else None
    heading = RUN_ON_HEADING.search(raw) if "、" in raw or "）" in raw or ")" in raw else None
    closing = raw.endswith(CLOSING_ENDS)
    if not (header or heading or closing):
        return []
    cuts = set(_header_cuts(header)) if header else set()
    if heading:
        cuts.update(match.end() for match in RUN_ON_HEADING.finditer(raw))
    if closing:
        cuts.update(_closing_cuts(raw))
    return sorted(cuts - {0, len(raw)})


def _header_cuts(header: re.Match[str]) -> list[int]:
    """Where a run-on line's leading number and 主送 end: 云医保〔2024〕112号各州（市）医疗保障局…：为贯彻…"""
    if line_kind(header["addressee"]) != "addressee":
        return []
    return [header.start("addressee"), header.end()]


def _closing_cuts(raw: str) -> list[int]:
    """Where a signature and date run on after the last sentence begin, and a note after them."""
    last_sentence = max(raw.rfind(mark) for mark in SENTENCE_ENDS) + 1
    closing = RUN_ON_CLOSING.fullmatch(raw, last_sentence) if last_sentence else None
    if closing is None:
        return []
    return [last_sentence, closing.start("note")] if closing["note"] else [last_sentence]


def find_notices(text: str) -> list[NoticeLayout]:
    """Each notice in a file's normalised text; a file with no recognisable header is one notice.

    A page that lost its line breaks shows as a notice without a 主送 line or without a
    closing: such a file is read again, its run-on lines cut into the elements they hold.
    Most files have both, and are read once."""
    if not _HAS_CHINESE.search(text):
        return []
    layouts = _layouts(split_lines(text))
    if all(_complete(layout) for layout in layouts):
        return layouts
    return _layouts(split_lines(text, run_on=True))


def _complete(layout: NoticeLayout) -> bool:
    kinds = {element.kind for element in layout.elements}
    return "addressee" in kinds and not kinds.isdisjoint(CLOSING_DATES)


def _layouts(lines: list[Line]) -> list[NoticeLayout]:
    if not lines:
        return []
    starts = _notice_starts(lines)
    layouts = []
    for number, first in enumerate(starts):
        last = starts[number + 1] - 1 if number + 1 < len(starts) else len(lines) - 1
        notice_lines = lines[first : last + 1]
        if _is_listing(notice_lines):
            continue
        start, end = notice_lines[0].start, notice_lines[-1].end
        layouts.append(NoticeLayout(start, end, _elements(_relative(notice_lines, start))))
    return layouts


def _is_listing(lines: list[Line]) -> bool:
    """A page listing notices (a 通知公告 column: titles and dates) holds none of its own: it
    names several different titles and has no 主送 and no body."""
    if any(line.kind == "addressee" for line in lines) or _first_prose(lines) < len(lines):
        return False
    return len({line.text[line.text.find("关于") :] for line in lines if line.kind == "title"}) > 1


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
    return bool(following) and following[0] == "addressee"


def _has_body(lines: list[Line]) -> bool:
    return any("。" in line.text and line.kind is None for line in lines)


def _elements(lines: list[Line]) -> list[Element]:
    """Header, 主送, body, closing and appendix, with the metadata lines around them."""
    first_prose = _first_prose(lines)
    addressee = _addressee(lines, first_prose)
    header_end = addressee if addressee is not None else first_prose
    header = _header(lines[:header_end])
    body_from = addressee + 1 if addressee is not None else _body_start(lines, header)
    content = lines[: _content_end(lines, body_from)]
    closing, body_to, tail_from, appendix_from = _closing(content, body_from)
    body_to = _without_trailing_furniture(lines, body_from, body_to)
    elements = header + ([_element("addressee", lines[addressee])] if addressee is not None else [])
    elements += _span("body", lines[body_from:body_to]) + closing
    elements += _span("appendix", _without_furniture_tail(content[appendix_from:]))
    metadata = [*lines[:header_end], *content[tail_from:appendix_from], *lines[len(content) :]]
    return elements + [_element("metadata", line) for line in metadata if line.kind in METADATA_KINDS]


def _content_end(lines: list[Line], body_from: int) -> int:
    """Where the notice ends: at the first furniture below its body that only follows a
    notice (a forum's posts, related pages, a site's footer), else at the last line."""
    return next(
        (
            index
            for index in range(body_from, len(lines))
            if lines[index].kind == "furniture" and NOTICE_END.search(lines[index].text)
        ),
        len(lines),
    )


def _addressee(lines: list[Line], first_prose: int) -> int | None:
    """The 主送 line: the first addressee with a line below it, before the body's first
    paragraph or right under a header (a repost's lead paragraph may stand above the notice)."""
    return next(
        (
            index
            for index in range(len(lines) - 1)
            if lines[index].kind == "addressee" and (index < first_prose or _under_header(lines, index))
        ),
        None,
    )


def _under_header(lines: list[Line], index: int) -> bool:
    above = next((line for line in reversed(lines[:index]) if line.kind not in FURNITURE_KINDS), None)
    return above is not None and above.kind in HEADER_KINDS


def _first_prose(lines: list[Line]) -> int:
    """The first body paragraph: a sentence of some length that is no element or furniture."""
    return next(
        (
            index
            for index, line in enumerate(lines)
            if line.kind is None and len(line.text) >= MIN_PROSE_CHARS and SENTENCE_END.search(line.text)
        ),
        len(lines),
    )


def _body_start(lines: list[Line], header: list[Element]) -> int:
    """Without a 主送 line, the body follows the header, else the furniture above it."""
    if header:
        last = max(element.end for element in header)
        return next((index for index, line in enumerate(lines) if line.start > last), len(lines))
    return next((index for index, line in enumerate(lines) if line.kind not in FURNITURE_KINDS), len(lines))


def _header(lines: list[Line]) -> list[Element]:
    """Header elements from the lines above the core, read upwards; in reading order.

    A body's name is the 发文机关标志 when the number is printed below it or it ends in 文件;
    otherwise it may be the site's banner, and is only a name. A date above the core is the
    成文日期 only in brackets under the title; bare, it is the page's."""
    nearest: dict[str, Line] = {}
    issuer_lines: list[Line] = []
    for line in reversed(lines):
        if line.kind in HEADER_ELEMENTS and (line.kind != "date" or line.text.startswith(BRACKETS)):
            nearest.setdefault(HEADER_ELEMENTS[line.kind], line)
        elif line.kind == "issuer":
            issuer_lines.append(line)
        elif line.kind == "attachment_mark":
            nearest.setdefault("attachment_mark", line)
        elif BREADCRUMB.search(line.text) or (
            line.kind not in FURNITURE_KINDS and line.kind != "date" and (nearest or issuer_lines)
        ):
            break
    number = nearest.get("doc_number")
    taken = [(line, _issuer_element(line, number)) for line in issuer_lines]
    taken += [(line, kind) for kind, line in nearest.items()]
    return [_element(kind, line) for line, kind in sorted(taken, key=lambda item: item[0].start)]


def _issuer_element(line: Line, number: Line | None) -> str:
    confirmed = line.text.endswith("文件") or (number is not None and number.start > line.start)
    return "issuer_mark" if confirmed else "issuer_name"


def _closing(lines: list[Line], body_from: int) -> tuple[list[Element], int, int, int]:
    """Closing elements; where the body ends; where the lines after the closing begin; and
    where the appendix begins (the end when there is none)."""
    date_at = _signature_date(lines, body_from)
    if date_at is None:
        appendix_from = _appendix_start(lines, body_from + 1)
        last = _last_non_furniture(lines, body_from, appendix_from)
        elements, body_to = _closing_upwards(lines, last, body_from)
        return elements, body_to, last + 1, appendix_from
    above, body_to = _closing_upwards(lines, date_at, body_from)
    appendix_from = _appendix_start(lines, date_at + 1)
    return above + _closing_below(lines, date_at + 1, appendix_from), body_to, date_at + 1, appendix_from


def _signature_date(lines: list[Line], body_from: int) -> int | None:
    """The first date line after the body begins that is not the body's own: a date under
    a heading or after a line ending in a colon (二、执行时间 / 2025年1月1日) is stated, not signed."""
    for index in range(body_from, len(lines)):
        if lines[index].kind in DATE_KINDS and not _introduced(lines[index - 1] if index > body_from else None):
            return index
    return None


def _introduced(previous: Line | None) -> bool:
    """Under a heading, after a colon, or after a sentence left unfinished."""
    if previous is None:
        return False
    unfinished = previous.kind is None and not SENTENCE_END.search(previous.text[-1])
    return unfinished or previous.kind == "heading" or previous.text.endswith((":", "："))


def _appendix_start(lines: list[Line], start: int) -> int:
    """The first 附件/附件N line standing alone from `start` on, else the end."""
    return next((index for index in range(start, len(lines)) if lines[index].kind == "attachment_mark"), len(lines))


def _last_non_furniture(lines: list[Line], start: int, end: int) -> int:
    return next((index for index in range(end - 1, start - 1, -1) if lines[index].kind not in FURNITURE_KINDS), end - 1)


def _closing_upwards(lines: list[Line], index: int, body_from: int) -> tuple[list[Element], int]:
    """Closing elements read upwards from line `index`, stepping over furniture, and where
    the body ends."""
    elements: list[Element] = []
    body_to = index + 1
    while index >= body_from:
        if lines[index].kind in FURNITURE_KINDS:
            index -= 1
            continue
        taken, consumed = _closing_element(lines, index, body_from)
        if not consumed:
            break
        elements = taken + elements
        index -= consumed
        body_to = index + 1
    return elements, body_to


def _closing_below(lines: list[Line], start: int, end: int) -> list[Element]:
    """附注, 抄送, 印发 and seal notes after the signature's date; the rest is furniture."""
    elements = []
    for index in range(start, end):
        kind = lines[index].kind
        if kind in ("note", "copy_to", "seal_note"):
            elements.append(_element(kind, lines[index]))
        elif kind == "print_date":
            elements += _closing_element(lines, index, start)[0]
    return elements


def _closing_element(lines: list[Line], index: int, body_from: int) -> tuple[list[Element], int]:
    """The closing element(s) ending at line `index`, in reading order, and how many
    lines they take; ([], 0) if none."""
    line = lines[index]
    if line.kind in DATE_KINDS:
        date_kind = "print_date" if line.kind == "print_date" else "signed_date"
        org_kind = "printer" if line.kind == "print_date" else "signature"
        above = _signature_lines_above(lines, index, body_from)
        orgs = [_element(org_kind if org.kind == "issuer" else org.kind, org) for org in above]
        return [*orgs, *_signatories_on_date_line(org_kind, line), _element(date_kind, line)], len(above) + 1
    if line.kind in ("note", "copy_to", "seal_note"):
        return [_element(line.kind, line)], 1
    if line.kind == "issuer":  # above a note, 抄送 or 印发 lines: a signature without its date
        return [_element("signature", line)], 1
    items = _attachment_block(lines, index, body_from)
    return [_element("attachments", item) for item in items], len(items)


def _signatories_on_date_line(kind: str, line: Line) -> list[Element]:
    """山东省医疗保障局办公室2024年5月22日印发: the bodies printed before the date."""
    match = SIGNATORIES_BEFORE_DATE.match(line.text)
    if not match:
        return []
    return [Element(kind, line.start, line.start + match.end(), match.group("signatories"))]


def _signature_lines_above(lines: list[Line], index: int, body_from: int) -> list[Line]:
    """The bodies signing above a date, one or several a line, with a seal note among them
    (湖北省…办公室 / (湖北省医疗保障局代章))."""
    above = index
    while above - 1 >= body_from and lines[above - 1].kind in ("issuer", "seal_note"):
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


def _without_trailing_furniture(lines: list[Line], start: int, end: int) -> int:
    """Where a span of lines ends once the furniture at its end is left out."""
    while end > start and lines[end - 1].kind in FURNITURE_KINDS:
        end -= 1
    return end


def _without_furniture_tail(lines: list[Line]) -> list[Line]:
    return lines[: _without_trailing_furniture(lines, 0, len(lines))]


def _span(kind: str, lines: list[Line]) -> list[Element]:
    if not lines:
        return []
    return [Element(kind, lines[0].start, lines[-1].end, "\n".join(line.text for line in lines))]


def _element(kind: str, line: Line) -> Element:
    return Element(kind, line.start, line.end, line.text)
