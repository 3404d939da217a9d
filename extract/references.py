"""References to other documents: by title (《…》), 发文字号 or procurement-file code,
and what this notice does with them (forwards, implements, cites)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.sentences import Span, evidence
from ingest.docnumber import OPEN_BRACKETS, canonical_doc_number, find_doc_numbers
from schema import Reference

# A title names a document only if it ends like one (a 《…清单》 or 《…合同》 does not); the
# instructions a procurement office issues with its notices are documents too (操作说明, 填报须知).
DOCUMENT_ENDINGS = (
    "通知|意见|方案|办法|规定|决定|文件|批复|公告|通告|函|纲要|规划|细则|规则|指南|条例|法|通报|报告|纪要|指引|措施|规范"
    "|说明|须知|手册|章程"
)
CODE = r"[A-Z]{2,}[A-Z0-9]*(?:-[A-Z0-9]+)+(?:/[A-Z0-9]+)*"
# Cue words before a reference, nearest first wins; a forwarding verb anywhere in the clause
# wins over all: 转发给你们, 转给你们, 转送, 转去, 转交.
RELATION_CUES = [
    ("implements", r"根据|依据|依照|按照|遵照|贯彻落实|贯彻|落实|执行|按"),
    ("cites", r"参照|参考|详见|参见|见|对照"),
]
FORWARD_CUES = re.compile(r"转发|转给|转送|转去|转交")

# A title may quote another one level deep: 《关于印发《…办法》的通知》 is the notice.
_TITLE = re.compile(r"《(?P<title>(?:[^《》\n]|《[^《》\n]*》){2,150})》")
# An identifier in brackets; a 发文字号 inside brings its own bracketed year.
_ID = r"(?:[^（()）〔〕\[\]【】［］\n]|[〔\[【(（［]\d{4}[〕\]】)）］])"
_TRAILING_ID = re.compile(rf"[（(\[【［]\s*(?:编号|文号)?[：:]?\s*(?P<id>{_ID}{{3,40}})\s*[）)\]】］]$")
# The identifier may be followed in its brackets by more: （宁医保发〔2024〕2号，以下简称《通知》）.
_FOLLOWING_ID = re.compile(
    rf"^\s*[（(\[【［]\s*(?:编号|文号)?[：:]?\s*(?P<id>{_ID}{{3,40}}?)\s*(?:[，,；;][^（()）\[\]【】［］\n]{{0,40}})?[）)\]】］]"
)
# A 发文字号 has its year in brackets: 〔2024〕.
_BRACKETED_YEAR = re.compile(rf"[{re.escape(OPEN_BRACKETS)}]\s*(?:19|20)\d\d")
# A reference is a 《title》 or a 发文字号 with its bracketed year: checked before the costly patterns.
_MENTIONS = re.compile(rf"《|{_BRACKETED_YEAR.pattern}")
# So every reference holds one of these: extract_notice reads only the sentences holding one.
MENTION_CHARS = "《" + OPEN_BRACKETS
_CODE = re.compile(rf"^{CODE}$")
_DOCUMENT = re.compile(rf"(?:{DOCUMENT_ENDINGS})(?:[（(][^（）()]{{1,8}}[)）])*$")
# 《试点方案》 after 以下简称 is a short name for a document already referenced, and so is
# every later mention of it in the notice (我区制定了《试点方案》).
_SHORT_NAME = re.compile(r"简称[：:“\"]?$")
SHORT_NAME_WORD = "简称"
# 以下简称《试点方案》: a short name is a few words between any of these.
SHORT_NAME_DEFINITION = re.compile(SHORT_NAME_WORD + r"[：:]?[《“\"]")
SHORT_NAME_CLOSE = re.compile(r"[》”\"]")
MAX_SHORT_NAME_CHARS = 40
# A title that is only a kind of document (《通知》, 《采购文件》, 《实施方案》) names none: it is
# a short name, or the notice speaking of itself.
_GENERIC_TITLE = re.compile(rf"(?:本|该|此|上述)?(?:采购|招标|集采|实施|工作)?(?:{DOCUMENT_ENDINGS})")
_CUES = [(relation, re.compile(cues)) for relation, cues in RELATION_CUES]
_CLAUSE_BREAK = re.compile(r"[，,：:]")
# Mentions of one title differ in what separates its joint issuers (关于转发《山西省医疗保障局
# 山西省财政厅…》 above 现将《山西省医疗保障局、山西省财政厅…》) and in spacing.
_TITLE_SEPARATORS = re.compile(r"[、，,\s]")


@dataclass(frozen=True)
class Identifiers:
    title: str | None = None
    doc_number: str | None = None
    code: str | None = None


def find_references(
    text: str, sentence: Span, own_doc_number: str | None, short_names: dict[str, int]
) -> list[Reference]:
    """`short_names` are found once for the whole notice: a short name may be defined
    anywhere before the title that uses it."""
    if not _MENTIONS.search(sentence.text):
        return []
    found = []
    covered: list[tuple[int, int]] = []
    for match in _TITLE.finditer(sentence.text):
        before = sentence.start + match.start()
        defined_at = short_names.get(match.group("title"), before + 1)
        if _SHORT_NAME.search(sentence.text, 0, match.start()) or defined_at <= before:
            continue
        ids, end = _title_reference(sentence.text, match)
        if ids is None:
            continue
        covered.append((match.start(), end))
        found.append((match.start(), end, ids))
    for start, end, number in _untitled_doc_numbers(sentence.text, covered):
        if number != own_doc_number:
            found.append((start, end, Identifiers(doc_number=number)))
    return [
        Reference(
            doc_number=ids.doc_number,
            title=ids.title,
            code=ids.code,
            relation=_relation(sentence.text, start, end),
            evidence=evidence(text, sentence, sentence.start + start, sentence.start + end),
        )
        for start, end, ids in sorted(found, key=lambda item: item[0])
        if ids.doc_number is None or ids.doc_number != own_doc_number or ids.title
    ]


def title_key(title: str) -> str:
    """A title as every mention of its document writes it: without separators or spaces."""
    return _TITLE_SEPARATORS.sub("", title)


def title_parts(title: str) -> tuple[str | None, str]:
    """(the issuer named in front of 关于, the title's key from 关于 on)."""
    key = title_key(title)
    opening = key.find("关于")
    return (key[:opening], key[opening:]) if opening > 0 else (None, key)


def defined_short_names(text: str) -> dict[str, int]:
    """Each name 简称 defines in a notice, and where its first definition ends.

    Found once a notice: looked for apart for each title, the text before the title was
    searched again (with a pattern compiled for it), n² in a notice of many titles."""
    defined: dict[str, int] = {}
    for definition in SHORT_NAME_DEFINITION.finditer(text):
        name_start = definition.end()
        for close in SHORT_NAME_CLOSE.finditer(text, name_start, name_start + MAX_SHORT_NAME_CHARS + 1):
            defined.setdefault(text[name_start : close.start()], close.end())
    return defined


def _untitled_doc_numbers(sentence: str, covered: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The 发文字号 outside the titles' references (`covered`, each from its 《).

    A number's issuer code cannot reach back past a 《, so a number whose bracketed year is
    inside a title's reference is inside it too: the costly search for numbers is left out
    when every bracketed year is, as in the usual 《…》（医保发〔2020〕35号）.
    """

    def outside(position: int) -> bool:
        return not any(start <= position < end for start, end in covered)

    if not any(outside(match.start()) for match in _BRACKETED_YEAR.finditer(sentence)):
        return []
    return [(start, end, number) for start, end, number in find_doc_numbers(sentence) if outside(start)]


def _title_reference(sentence: str, match: re.Match[str]) -> tuple[Identifiers | None, int]:
    """The identifiers of 《title》 with any number or code inside or right after it."""
    title, inner_id = match.group("title"), None
    trailing = _TRAILING_ID.search(title)
    if trailing:
        title, inner_id = title[: trailing.start()].strip(), trailing.group("id")
    following = _FOLLOWING_ID.match(sentence[match.end() :])
    after_id = following.group("id") if following else None
    end = match.end() + (following.end() if following else 0)
    doc_number, code = _classify(inner_id)
    if after_id:
        after_number, after_code = _classify(after_id)
        doc_number, code = doc_number or after_number, code or after_code
    named = None if _GENERIC_TITLE.fullmatch(title) else title
    if not (doc_number or code or (named and _DOCUMENT.search(named))):
        return None, end
    return Identifiers(title=named, doc_number=doc_number, code=code), end


def _classify(identifier: str | None) -> tuple[str | None, str | None]:
    """(doc number, code) from a bracketed identifier; either may be None."""
    if not identifier:
        return None, None
    identifier = identifier.strip()
    if _CODE.match(identifier):
        return None, identifier
    return canonical_doc_number(identifier), None


def _relation(sentence: str, start: int, end: int) -> str:
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    next_break = _CLAUSE_BREAK.search(sentence, end)
    clause_end = next_break.start() if next_break else len(sentence)
    if FORWARD_CUES.search(sentence, clause_start, clause_end):
        return "forwards"
    before = _TITLE.sub(lambda match: "□" * len(match.group()), sentence[:start])
    nearest = [(match.start(), relation) for relation, cue in _CUES for match in cue.finditer(before)]
    return max(nearest)[1] if nearest else "cites"
