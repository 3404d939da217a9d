"""Clean a decoded notice into the text every extractor reads, keeping the offset map.

The order matters: debris first (so it cannot split a phrase), then script and width,
then white space, then lines broken by layout are rejoined, one paragraph per line.
"""

from __future__ import annotations

import re

from ingest.lines import CJK, OPENS_PARAGRAPH, PAGE_NUMBER_FORMS, PAGE_NUMBER_MARKS, TITLE_OPENING, line_kind
from ingest.script import to_simplified
from ingest.textmap import MappedText, strip, substitute, translate

HORIZONTAL_SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200a\u202f"
HORIZONTAL_SPACE = f"[{HORIZONTAL_SPACES}]"

PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"
# Characters that print as nothing, as a character class: the soft hyphen, zero-width spaces
# and joiners, the word joiner and invisible operators, the byte-order mark, and the marks,
# embeddings, overrides and isolates of bidirectional text. Pages copied from a browser or
# a Word file carry them inside words and numbers (鲁医保\u200b函〔2024〕28号).
INVISIBLE = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# Layout debris: (pattern, what it stands for) — removed outright.
DEBRIS = [
    (rf"(?<=[{CJK}])[ \t]*[(（][{PINYIN}]{{1,7}}[ \t]*[)）]", "pinyin glosses of converters: 醫(yī)療, 會(huì )"),
    (r"\[bookmark:[^\]]*\]", "Word bookmark anchors"),
    (r"\*{2,}", "markdown emphasis"),
    (r"\?+(?![A-Za-z0-9=&])|(?<![A-Za-z0-9/=&])\?+", "lost full-width spaces shown as ?"),
    (f"[\ufffd{INVISIBLE}]", "replacement and invisible characters"),
]
# Character classes: every debris match holds one of the marks and starts with one of
# the starts. A text without a mark skips the pass; in any other, the pattern looks for
# a start first, so that most positions cost one test instead of one per alternative.
DEBRIS_MARKS = f"{PINYIN}\\[*?\ufffd{INVISIBLE}"
DEBRIS_STARTS = f" \t(（\\[*?\ufffd{INVISIBLE}"

FULL_WIDTH_FOLD = {
    **{0xFF10 + i: str(i) for i in range(10)},
    **{0xFF21 + i: chr(ord("A") + i) for i in range(26)},
    **{0xFF41 + i: chr(ord("a") + i) for i in range(26)},
    0xFF05: "%",
}

# A line break is kept after a line that ends a paragraph or is a document element of
# its own (a title, a date, (此件主动公开): told apart by its kind), and before a line that
# opens one; every other break is layout and is removed.
PARAGRAPH_END = "。！？；：:;!?"
# Kinds of line that may wrap onto the next: a paragraph, and 附件：… naming a long title.
WRAPPABLE_KINDS = (None, "attachment")
# Kinds a line that continues a paragraph can have by chance (a wrapped addressee's tail
# ends in 企业：, a wrapped sentence's tail in 通知); every other kind stands alone, as does
# a title that opens as titles do (关于…, 转发…).
CONTINUATION_KINDS = (None, "attachment", "title", "addressee", "field")
# A paragraph keeps the kind it was last judged to have once it is longer than this: judged
# again on the whole paragraph at each break, a page of n lines without a stop cost n².
MAX_JUDGED_PARAGRAPH_CHARS = 1000


_DEBRIS = re.compile(f"(?=[{DEBRIS_STARTS}])(?:{'|'.join(f'(?:{pattern})' for pattern, _ in DEBRIS)})")
_DEBRIS_MARK = re.compile(f"[{DEBRIS_MARKS}]")
_PAGE_NUMBER = re.compile(
    rf"^{HORIZONTAL_SPACE}*(?:{'|'.join(PAGE_NUMBER_FORMS)}){HORIZONTAL_SPACE}*$", re.MULTILINE
)
_PAGE_NUMBER_MARK = re.compile(f"[{PAGE_NUMBER_MARKS}]")
# These open with a literal or a character class, not a lookaround or a repeat (`X+` is
# written `XX*`): the engine then scans for that character instead of trying the whole
# pattern at every position, and most passes find nothing in most files.
_LINE_END = re.compile(r"\r\n?|\f|\\r\\n|\\n")
# What every _LINE_END match starts with. A decoded file's line ends are \n already
# (ingest.decode), and looking for each of these is a tenth of the pattern's scan.
LINE_END_MARKS = ("\r", "\f", "\\")
_SPACE_RUN = re.compile(f"{HORIZONTAL_SPACE}{HORIZONTAL_SPACE}*")
_DECIMAL_POINT = re.compile(r"．(?<=\d．)(?=\d)")
_FULL_WIDTH = re.compile(f"[{''.join(map(chr, FULL_WIDTH_FOLD))}]")
_LINE_BREAKS = re.compile(r"\n(?:[ \t]*\n)*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_HAN = re.compile(f"[{CJK}]")
# A character each of the three passes above acts on (script conversion makes none of
# them): a text without one, as a notice's own text mostly is, skips them after one scan
# instead of three, each 1% of a run.
_CLEANUP_MARK = re.compile(f"[{DEBRIS_MARKS}{PAGE_NUMBER_MARKS}{''.join(map(chr, FULL_WIDTH_FOLD))}]")


def normalize(source: str, traditional: bool | None = None) -> MappedText:
    """The normalised text of `source`, with each character's source offset. `traditional`
    is has_traditional(source), when the caller has asked it."""
    mapped = MappedText.identity(source)
    if any(mark in source for mark in LINE_END_MARKS):
        mapped = substitute(mapped, _LINE_END, _line_end)
    marked = _CLEANUP_MARK.search(mapped.text) is not None
    if marked:
        mapped = _delete(mapped, _DEBRIS, _DEBRIS_MARK)
        mapped = _delete(mapped, _PAGE_NUMBER, _PAGE_NUMBER_MARK)
    mapped = to_simplified(mapped, traditional)
    if marked and _FULL_WIDTH.search(mapped.text):  # translating costs more than looking, and is rarely needed
        mapped = translate(mapped, FULL_WIDTH_FOLD)
    mapped = substitute(mapped, _DECIMAL_POINT, ".")
    if any(space in mapped.text for space in HORIZONTAL_SPACES):  # as for LINE_END_MARKS
        mapped = substitute(mapped, _SPACE_RUN, _space_between_words)
    mapped = _rejoin_lines(mapped)
    return strip(mapped, "\n")


def _delete(mapped: MappedText, pattern: re.Pattern[str], mark: re.Pattern[str]) -> MappedText:
    """Delete what `pattern` matches. A text without `mark`, a character every match
    holds, is left as it is: scanning for one costs a fraction of trying the pattern."""
    return substitute(mapped, pattern, "") if mark.search(mapped.text) else mapped


def _line_end(match: re.Match[str]) -> str:
    """One line end for CR LF, CR and a literal backslash-n left by a repost; a page break
    (form feed) is a blank line, as a page break is."""
    return "\n\n" if match.group() == "\f" else "\n"


def _space_between_words(match: re.Match[str]) -> str:
    """A space survives only between two Latin words or numbers (`DRG 2.0`)."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return " " if _ASCII_WORD.match(before or " ") and _ASCII_WORD.match(after or " ") else ""


def _rejoin_lines(mapped: MappedText) -> MappedText:
    """Remove the line breaks that layout put inside a paragraph.

    Each break is judged on the paragraph built so far, not on the physical line before
    it: a wrapped line such as `…有关事项通知` is a title only if the paragraph is.
    """
    paragraph_start = 0
    judged: dict[int, str | None] = {}  # a paragraph's start → its kind, as last judged

    def line_break(match: re.Match[str]) -> str:
        nonlocal paragraph_start
        if _breaks_inside_paragraph(match.string, paragraph_start, *match.span(), judged):
            return ""
        paragraph_start = match.end()
        return "\n"

    return substitute(mapped, _LINE_BREAKS, line_break)


def _breaks_inside_paragraph(
    text: str, paragraph_start: int, start: int, end: int, judged: dict[int, str | None]
) -> bool:
    """Whether the break `text[start:end]` is layout inside the paragraph begun at
    `paragraph_start`.

    The cheap tests come first and read single characters, as most breaks follow a full
    stop. A break is a maximal run of line ends, so the character before it is the
    paragraph's last and the text after it is empty only at the end.
    """
    if start == paragraph_start or end == len(text) or text[start - 1] in PARAGRAPH_END:
        return False
    if text[start - 1] == "." and _HAN.match(text, start - 2):  # a half-width full stop
        return False
    following_end = text.find("\n", end)
    following = text[end : following_end if following_end >= 0 else len(text)]
    if OPENS_PARAGRAPH.match(following):
        return False
    kind = _paragraph_kind(text, paragraph_start, start, judged)
    return kind in WRAPPABLE_KINDS and not _stands_alone(following, kind)


def _paragraph_kind(text: str, paragraph_start: int, start: int, judged: dict[int, str | None]) -> str | None:
    if start - paragraph_start <= MAX_JUDGED_PARAGRAPH_CHARS or paragraph_start not in judged:
        judged[paragraph_start] = line_kind(text[paragraph_start:start].replace("\n", ""))
    return judged[paragraph_start]


def _stands_alone(line: str, after: str | None) -> bool:
    """Whether a line is an element of its own, which the paragraph of kind `after` does not
    run on into. A body's name ends a paragraph cut mid-word (重庆市医疗保 / 障局办公室), but
    after a whole 附件 line it is the signature."""
    kind = line_kind(line)
    if kind == "issuer":
        return after is not None
    return kind not in CONTINUATION_KINDS or (kind == "title" and TITLE_OPENING.match(line) is not None)
