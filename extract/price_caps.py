"""Price caps: an upper bound on a price or payment, or a payment standard set to something.

Two phrasings state one: a bound (不高于 / 不得超过 … X) and a payment standard fixed by
what it equals (以 X 为医保支付标准, 支付标准确定为 N 元). Which price X is decides the basis.
"""

from __future__ import annotations

import re

from extract.numerals import NUMBER, parse_number
from extract.sentences import Span, clauses, evidence
from schema import PriceCap

UPPER_BOUND = re.compile(r"最高不(?:得|应)?(?:超过|高于)|不(?:得|应|能)?(?:高于|超过|高出)")
# Payment standard equal to a price: 以中选价格作为医保支付标准, 以中选价格为基准确定医保支付标准.
STANDARD_FROM_PRICE = re.compile(
    r"(?:以|按|按照)(?P<object>[^，。；以]{1,24}?)(?:作为|为)(?:基准|依据|基础)?(?:确定|制定)?(?:医保)?支付标准"
    r"|(?:按|按照)(?P<object2>[^，。；]{1,24}?)(?:确定|制定)(?:医保)?支付标准"
)
STANDARD_AMOUNT = re.compile(
    rf"支付标准[^，。；\d]{{0,10}}?(?:确定为|定为|设定为|为|按)\s*(?P<amount>{NUMBER})\s*(?P<wan>万)?元"
)
# Basis by the first term, in this order of precedence, found in what is capped against.
BASES = [
    ("max_selected_price", r"最高中选价|最高中标价|最高有效申报价"),
    ("avg_selected_price", r"平均中选价|平均中标价"),
    ("reference_price", r"参考限价|挂网限价|限价"),
    ("selected_price", r"中选价|中选价格|中标价"),
    ("fixed_amount", rf"(?:{NUMBER})\s*万?元"),
]
TARGETS = [
    ("payment_standard", r"支付标准"),
    ("listing_price", r"挂网"),
    ("purchase_price", r"采购价|议价|采购"),
    ("retail_price", r"零售价|销售价"),
]
PRICE_WORDS = re.compile(r"价|元|支付标准|收费|费用")
MULTIPLIER = re.compile(rf"(?P<number>{NUMBER})\s*倍")
AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<wan>万)?元")

_BASES = [(basis, re.compile(pattern)) for basis, pattern in BASES]
_TARGETS = [(target, re.compile(pattern)) for target, pattern in TARGETS]
_BASE_TERMS = re.compile("|".join(pattern for _, pattern in BASES))


def find_price_caps(text: str, sentence: Span) -> list[PriceCap]:
    caps: list[PriceCap] = []
    for clause in clauses(sentence):
        caps.extend(_bounds(text, sentence, clause))
        caps.extend(_standards(text, sentence, clause))
    return _unique(caps)


def _bounds(text: str, sentence: Span, clause: Span) -> list[PriceCap]:
    caps = []
    for match in UPPER_BOUND.finditer(clause.text):
        subject, against = clause.text[: match.start()], clause.text[match.end() :]
        if not PRICE_WORDS.search(subject) and not PRICE_WORDS.search(against):
            continue
        basis = _basis(against)
        multiplier = MULTIPLIER.search(against)
        caps.append(
            PriceCap(
                basis=basis,
                multiplier=parse_number(multiplier.group("number")) if multiplier else None,
                amount_yuan=_amount(against) if basis == "fixed_amount" else None,
                target=_target(subject) or _target(_BASE_TERMS.sub("", against)),
                evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
            )
        )
    return caps


def _standards(text: str, sentence: Span, clause: Span) -> list[PriceCap]:
    caps = []
    for match in STANDARD_FROM_PRICE.finditer(clause.text):
        priced = match.group("object") or match.group("object2")
        if not PRICE_WORDS.search(priced):
            continue
        caps.append(_standard(text, sentence, clause, match, _basis(priced), None))
    for match in STANDARD_AMOUNT.finditer(clause.text):
        caps.append(_standard(text, sentence, clause, match, "fixed_amount", _amount(match.group())))
    return caps


def _standard(
    text: str, sentence: Span, clause: Span, match: re.Match[str], basis: str, amount: float | None
) -> PriceCap:
    return PriceCap(
        basis=basis,
        multiplier=None,
        amount_yuan=amount,
        target="payment_standard",
        evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
    )


def _basis(phrase: str) -> str:
    found = [(pattern.search(phrase), basis) for basis, pattern in _BASES]
    return next((basis for match, basis in found if match), "other")


def _amount(phrase: str) -> float | None:
    match = AMOUNT.search(phrase)
    if not match:
        return None
    value = parse_number(match.group("number"))
    return None if value is None else value * (10_000 if match.group("wan") else 1)


def _target(phrase: str) -> str | None:
    return next((target for target, pattern in _TARGETS if pattern.search(phrase)), None)


def _unique(caps: list[PriceCap]) -> list[PriceCap]:
    """One cap per stated bound: the two phrasings can describe the same one."""
    seen, unique = set(), []
    for cap in caps:
        key = (cap.evidence.start, cap.basis, cap.multiplier, cap.amount_yuan)
        if key not in seen:
            seen.add(key)
            unique.append(cap)
    return unique
