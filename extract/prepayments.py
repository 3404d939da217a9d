"""Prepayments: the share of an annual amount the insurance fund advances (预付, 预拨).

Only a clause that names the prepayment and states its share yields a fact: a mention
such as 落实医保基金预付 carries no figure a downstream system could compare.
"""

from __future__ import annotations

import re

from extract.numerals import PERCENT, parse_percent
from extract.sentences import Span, clauses, evidence
from schema import Prepayment

PREPAYMENT_WORDS = re.compile(r"预付|预拨|预先拨付|提前拨付")
# 按/将 <basis> 的 50%: the amount the share is of, with qualifiers in front dropped.
BASIS = re.compile(
    rf"(?:按|按照|将|以|根据)(?:不低于|不少于|不超过|不高于|原则上)?(?P<basis>[^，。；]{{2,50}}?)的?\s*(?:{PERCENT})"
)
QUALIFIERS = ("不低于", "不少于", "不超过", "不高于", "原则上", "约")
_PERCENT = re.compile(PERCENT)
_SELF_PAY = re.compile(r"自付")


def find_prepayments(text: str, sentence: Span) -> list[Prepayment]:
    if not PREPAYMENT_WORDS.search(sentence.text):
        return []
    facts = []
    for clause in clauses(sentence):
        if not PREPAYMENT_WORDS.search(clause.text) or _SELF_PAY.search(clause.text):
            continue
        for match in _PERCENT.finditer(clause.text):
            facts.append(
                Prepayment(
                    ratio=parse_percent(match.group()),
                    basis=_basis(clause.text[: match.end()]),
                    evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
                )
            )
    return facts


def _basis(before_share: str) -> str | None:
    matches = list(BASIS.finditer(before_share))
    if not matches:
        return None
    basis = matches[-1].group("basis")
    for qualifier in QUALIFIERS:
        basis = basis.removeprefix(qualifier)
    return basis or None
