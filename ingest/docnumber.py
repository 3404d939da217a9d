"""发文字号: find them in running text and write them one way.

Sources bracket the year every way (〔〕 [] 【】 () （） ［］ ﹝﹞) and sometimes write
第N号; the contract's canonical form is `鲁医保函〔2024〕28号`.
"""

from __future__ import annotations

import re

OPEN_BRACKETS = "〔[【(（［﹝〖"
CLOSE_BRACKETS = "〕]】)）］﹞〗"
# Words that stand before a number in a sentence but are not part of its issuer code:
# the code is what follows the last of them (按汕医保〔2022〕101号 is 汕医保〔2022〕101号).
# Verbs and prepositions that introduce a document; no issuer code holds one. Single
# characters only where no place abbreviation does (not 于 of 于都, 即 of 即墨, 将 of 将乐).
BOUNDARY_WORDS = (
    "根据", "按照", "依据", "依照", "参照", "贯彻", "落实", "转发", "印发", "详见",
    "见", "和", "及", "与", "的", "文件",
    "按", "执行", "遵照", "对照", "参考", "结合", "废止", "继续", "以", "对", "在", "为", "由",
)
# A body's name run into its number (按照市医疗保障局渝医保发〔2024〕52号) ends in one of these,
# and the code is what follows: unless only a document's kind does, as the body's mark is
# then part of the code (湘药采中心字, 医保中心函).
ORGANISATION_SUFFIXES = ("局", "厅", "中心", "办公室", "政府", "委员会")
MIN_CODE_AFTER_BODY = 2
MAX_CODE_CHARS = 8

DOC_NUMBER = re.compile(
    rf"(?P<code>[\u4e00-\u9fff]{{1,{MAX_CODE_CHARS}}})\s*[{re.escape(OPEN_BRACKETS)}]\s*(?P<year>(?:19|20)\d\d)\s*"
    rf"[{re.escape(CLOSE_BRACKETS)}]\s*第?\s*(?P<serial>\d{{1,5}})\s*号"
)

_SPACE = re.compile(r"\s+")
_BODY_END = re.compile("|".join(ORGANISATION_SUFFIXES))


def canonical(code: str, year: str, serial: str) -> str:
    return f"{code}〔{year}〕{int(serial)}号"


def find_doc_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical form) of each 发文字号 in `text`."""
    found = []
    for match in DOC_NUMBER.finditer(text):
        code, start = _issuer_code(match.group("code"), match.start("code"))
        found.append((start, match.end(), canonical(code, match.group("year"), match.group("serial"))))
    return found


def canonical_doc_number(text: str) -> str | None:
    """The canonical form of a text that is one 发文字号, else None."""
    match = DOC_NUMBER.fullmatch(_SPACE.sub("", text))
    if not match:
        return None
    code, _ = _issuer_code(match.group("code"), 0)
    return canonical(code, match.group("year"), match.group("serial"))


def _issuer_code(run: str, start: int) -> tuple[str, int]:
    """The issuer code within the run of characters before the bracket, and its start."""
    head = run[:-1]
    cut = max((head.rfind(word) + len(word) for word in BOUNDARY_WORDS if word in head), default=0)
    cut = max(cut, _after_body(run))
    return run[cut:], start + cut


def _after_body(run: str) -> int:
    """Where the code starts after a body's name run on into it, else 0."""
    ends = (match.end() for match in _BODY_END.finditer(run))
    return max((end for end in ends if len(run) - end >= MIN_CODE_AFTER_BODY), default=0)
