"""Prepayments: the share of an annual amount the insurance fund advances (预付, 预拨).

Only a clause that names the prepayment and states its share yields a fact: a mention
such as 落实医保基金预付 carries no figure a downstream system could compare.
"""

from __future__ import annotations

import re

from extract.nlp import scope_of
from extract.numerals import PERCENT, parse_percent
from extract.sentences import Span, clauses, evidence
from schema import Prepayment

PREPAYMENT_WORDS = re.compile(r"预付|预拨|预先拨付|提前拨付")
# Each of those words holds one of these: extract_notice reads only the sentences holding one.
MENTION_CHARS = "预拨"
# The amount a share is of is what stands between the last of these and 的 <share>:
# 按 / 预拨 / 不低于 医疗机构年度约定采购金额 的 30%. 预付金 and 预付款 are amounts, not openers;
# a one-character opener is not the first or last character of a word (以上, 作为, 按月).
BASIS_OPENERS = re.compile(
    r"按照|依据|根据|预付(?![金款])|预拨(?![金款])|拨付|不低于|不少于|不超过|不高于|原则上"
    r"|按(?![月季期时]|年(?!度))|将|以(?![上下内外及来后前])|(?<![作成])为(?![期主准])"
)
BASIS_END = re.compile(r"的?\s*$")
# A share that is waited for (完成约定采购量的50%后冲抵) is a condition, not the share advanced.
CONDITION_BEFORE = re.compile(r"(?:完成|达到|超过|使用)[^，。；]{0,20}$")
CONDITION_AFTER = re.compile(r"^(?:以上)?(?:后|时|之后)")
_PERCENT = re.compile(PERCENT)
MIN_BASIS_CHARS = 2
# A share advanced runs from none (0%) to all of the amount (100%, 全额预付). A figure
# outside, or one that reads as no number (百分之万零), states no share: no prepayment fact.
SHARE_RANGE = (0.0, 1.0)
_SELF_PAY = re.compile(r"自付")
# What a share is advanced for heads its stretch of the clause, before 按: 药品按…的50%,
# 医用耗材按照30%. Who advances it (医保经办机构按…, 市医保局按…) is not what it is for, and
# a subject that must or may do something (经办机构应按…) is one who acts.
SCOPE_HEAD = re.compile(r"^[、和及与]?(?P<scope>[^按]{2,16}?)(?P<modal>应当|应|须|需|要|可)?(?:分别|均|统一)?按照?")
PAYERS = re.compile(r"(?:医保|基金|局|中心|机构|部门|单位|地区|统筹区)$")


def find_prepayments(text: str, sentence: Span) -> list[Prepayment]:
    if not PREPAYMENT_WORDS.search(sentence.text):
        return []
    facts = []
    for clause in clauses(sentence):
        if not PREPAYMENT_WORDS.search(clause.text) or _SELF_PAY.search(clause.text):
            continue
        previous_end = 0
        for match in _PERCENT.finditer(clause.text):
            if _is_condition(clause.text[previous_end : match.start()], clause.text[match.end() :]):
                continue
            ratio = parse_percent(match.group())
            if not _is_share(ratio):
                previous_end = match.end()
                continue
            facts.append(
                Prepayment(
                    ratio=ratio,
                    basis=_basis(clause.text[previous_end : match.start()]),
                    scope=_scope(clause.text[previous_end : match.start()]),
                    evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
                )
            )
            previous_end = match.end()
    return facts


def _is_share(ratio: float | None) -> bool:
    return ratio is not None and SHARE_RANGE[0] <= ratio <= SHARE_RANGE[1]


def _is_condition(before_share: str, after_share: str) -> bool:
    return bool(CONDITION_BEFORE.search(before_share) and CONDITION_AFTER.match(after_share))


def _basis(before_share: str) -> str | None:
    """The amount named just before a share (its own, not an earlier share's): a share
    written without 的 in front (按30%) is of no amount stated."""
    if not BASIS_END.search(before_share).group().startswith("的"):
        return None
    phrase = BASIS_END.sub("", before_share)
    openers = list(BASIS_OPENERS.finditer(phrase))
    basis = phrase[openers[-1].end() :] if openers else ""
    return basis if len(basis) >= MIN_BASIS_CHARS else None


def _scope(before_share: str) -> str | None:
    head = SCOPE_HEAD.match(before_share)
    scope = scope_of(head.group("scope")) if head and not head.group("modal") else None
    return None if scope is None or PAYERS.search(scope) else scope
