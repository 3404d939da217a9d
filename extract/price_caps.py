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
# A bound may offer alternatives, each a cap of its own: 不高于其中选价格的1.5倍或同品种最高中选价.
ALTERNATIVES = re.compile(r"或者|或是|或")
# Payment standard equal to a price: 以中选价格作为(该通用名药品的)医保支付标准,
# 以中选价格为基准确定医保支付标准, 按中选价格确定支付标准, 以…企业最高中选价设定医保支付标准.
# The price may be named at length: 以“六省二区”组织冠脉扩张球囊集中带量采购企业最高中选价.
STANDARD_FROM_PRICE = re.compile(
    r"(?:以|按|按照)(?P<object>[^，。；以]{1,40}?)(?:作为|为|设定|确定|制定)(?:[^，。；以]{1,12}的)?"
    r"(?:基准|依据|基础)?(?:确定|制定)?(?:医保)?支付标准"
    r"|(?:按|按照)(?P<object2>[^，。；]{1,40}?)(?:确定|制定|设定)(?:医保)?支付标准"
)
# The same said from the standard: 医保支付标准(原则上)按中选价格确定, 支付标准为中选价格.
STANDARD_IS_PRICE = re.compile(
    r"支付标准(?:原则上|统一|暂|均)*(?:确定为|定为|为|按照|按|参照|以)(?P<object>[^，。；]{1,24}?)"
    r"(?:确定|执行|制定|为准)?(?:[，。；]|$)"
    r"|支付标准(?:原则上|统一|均)*与(?P<object2>[^，。；]{1,24}?)(?:保持|相)一致"
)
STANDARD_AMOUNT = re.compile(
    rf"支付标准[^，。；\d]{{0,10}}?(?:确定为|定为|设定为|为|按)\s*(?:每[^\d，。；]{{1,3}})?"
    rf"(?P<amount>{NUMBER})\s*(?P<wan>万)?元"
)
# A limit set to amounts, one cap each: 最高限额分别为半顺应性扩张球囊409.7元/个，非顺应性扩张球囊
# 410元/个; 最高支付限额为5000元; 挂网价格上限为…. 支付标准 lists them after 分别 (one amount is
# STANDARD_AMOUNT's).
LIMIT = re.compile(
    r"(?:(?P<quota>限额|上限)|限价|(?P<standard>支付标准))(?:标准)?(?P<each>分别)?(?:确定为|设定为|调整为|定为|为|是)"
)
# … or to a price, times a multiple: 挂网限价为同组最高中选价的1.5倍, 最高支付限额为中选价格.
LIMIT_TO_PRICE = re.compile(r"[:：]?\s*(?P<object>[^，,；;。]{1,30})")
# A 限额 or 上限 is a cap when its clause says it limits a payment or a price (纳入医保支付的最高限额);
# 单次采购限额 is a threshold.
PAID = re.compile(r"支付|结算|报销")
# An item of such a list: what it is for, its amount and unit, and what separates it from the next.
LISTED_AMOUNT = re.compile(
    rf"\s*(?P<name>[^，,、；;。\d元]{{0,30}}?)(?P<number>{NUMBER})\s*(?P<wan>万)?元(?:/[^，,、；;。\s]{{1,3}})?"
    rf"\s*(?:[，,、]|和|及)?"
)
# Basis by the first term, in this order of precedence, found in what is capped against.
# 最高有效申报价 (the tender's ceiling on bids) is none of the contract's bases: it is `other`.
# 中选价 may name what was selected in between: 中选产品价格, 中选药品的最高价; the 2019
# notices call it 集中采购价格.
SELECTED = r"中[选标](?:产品|药品|耗材)?的?"
BASES = [
    ("max_selected_price", rf"最高中[选标]价|{SELECTED}最高价"),
    ("avg_selected_price", rf"平均中[选标]价|{SELECTED}平均价"),
    ("reference_price", r"参考限价|挂网限价|限价"),
    ("selected_price", rf"{SELECTED}价|集中采购价|集采价"),
    ("fixed_amount", rf"(?:{NUMBER})\s*万?元"),
]
TARGETS = [
    ("payment_standard", r"支付标准"),
    ("listing_price", r"挂网"),
    ("purchase_price", r"采购价|议价|采购"),
    ("retail_price", r"零售价|销售价"),
]
PRICE_WORDS = re.compile(r"价|支付标准|收费|费用")
# A bound in 元 on what is bought in total (年度采购金额不超过50万元的品种) or advanced (预付金额)
# is a threshold for a rule, not a price; one on what the fund pays (医保基金支付金额不超过5万元) is a cap.
TOTALS = re.compile(r"采购(?:金额|总额|额|量)|(?:年度|年)(?:金额|总额)|预算|预付|预拨")
CLAUSE_BREAK = re.compile(r"[，,；;：:]")
MULTIPLE = "倍"
MULTIPLIER = re.compile(rf"(?P<number>{NUMBER})\s*{MULTIPLE}")
AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<wan>万)?元")
# A cap is set near the price it is based on (notices write 1.2 to 3倍): 0倍 caps nothing,
# and a hundredfold is a misread figure. A cap whose multiple is outside is of unknown size.
MULTIPLIER_RANGE = (0.0, 100.0)  # above the first, up to the second
# An amount capped is a price or a payment: above nothing, and below 一亿元 (the dearest
# products capped cost a few hundred thousand yuan). An amount outside is a misread figure.
AMOUNT_RANGE_YUAN = (0.0, 100_000_000.0)  # above the first, below the second

# A sentence without one of these words holds no cap: checked before the costly patterns.
_MENTIONS = re.compile(r"高于|超过|高出|支付标准|限额|限价|上限")
# Each of those words holds one of these: extract_notice reads only the sentences holding one.
MENTION_CHARS = "高超准限"
_BASES = [(basis, re.compile(pattern)) for basis, pattern in BASES]
_TARGETS = [(target, re.compile(pattern)) for target, pattern in TARGETS]
_BASE_TERMS = re.compile("|".join(pattern for _, pattern in BASES))


def find_price_caps(text: str, sentence: Span) -> list[PriceCap]:
    if not _MENTIONS.search(sentence.text):
        return []
    caps: list[PriceCap] = []
    for clause in clauses(sentence):
        caps.extend(_bounds(text, sentence, clause))
        caps.extend(_standards(text, sentence, clause))
    caps.extend(_limits(text, sentence))
    return _unique(caps)


def _bounds(text: str, sentence: Span, clause: Span) -> list[PriceCap]:
    caps = []
    for match in UPPER_BOUND.finditer(clause.text):
        subject, against = clause.text[: match.start()], clause.text[match.end() :]
        if not _bounds_price(subject, against):
            continue
        target = _target(subject) or _target(_BASE_TERMS.sub("", against))
        for alternative in _alternatives(against):
            basis = _basis(alternative)
            if _unknown_size(alternative, basis):
                continue
            caps.append(
                PriceCap(
                    basis=basis,
                    multiplier=_multiple(alternative),
                    amount_yuan=_amount(alternative) if basis == "fixed_amount" else None,
                    target=target,
                    evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
                )
            )
    return caps


def _alternatives(against: str) -> list[str]:
    """What a bound offers: its alternatives when two or more name a price or an amount, else
    all of it as one (不高于同品种或同组中选价, 不高于中选价或暂停挂网 offer one)."""
    priced = [part for part in ALTERNATIVES.split(against) if PRICE_WORDS.search(part) or AMOUNT.search(part)]
    return priced if len(priced) > 1 else [against]


def _standards(text: str, sentence: Span, clause: Span) -> list[PriceCap]:
    caps = []
    for match in STANDARD_FROM_PRICE.finditer(clause.text):
        priced = match.group("object") or match.group("object2")
        if PRICE_WORDS.search(priced) and not _unknown_size(priced, _basis(priced)):
            caps.append(_standard(text, sentence, clause, match, priced))
    for match in STANDARD_IS_PRICE.finditer(clause.text):
        priced = match.group("object") or match.group("object2")
        if _basis(priced) not in ("other", "fixed_amount") and not _unknown_size(priced, _basis(priced)):
            caps.append(_standard(text, sentence, clause, match, priced))
    for match in STANDARD_AMOUNT.finditer(clause.text):
        if not _unknown_size(match.group(), "fixed_amount"):
            caps.append(_standard(text, sentence, clause, match, match.group()))
    return caps


def _limits(text: str, sentence: Span) -> list[PriceCap]:
    """A limit set to amounts: each amount listed after it, which may run past a comma
    (分别为A 409.7元/个，B 410元/个). Not a limit on a total bought or advanced."""
    caps = []
    for match in LIMIT.finditer(sentence.text):
        subject = CLAUSE_BREAK.split(sentence.text[: match.start()])[-1]
        if not _limits_price(match, subject):
            continue
        target = "payment_standard" if match.group("standard") else _target(subject)
        items = _listed(sentence.text, match.end(), several=bool(match.group("each")))
        for item in items:
            if _unknown_size(item.group(), "fixed_amount"):
                continue
            focus = sentence.start + item.start("number")
            caps.append(
                PriceCap(
                    basis="fixed_amount",
                    amount_yuan=_amount(item.group()),
                    target=target,
                    evidence=evidence(text, sentence, focus, sentence.start + item.end()),
                )
            )
        if not items:
            caps.extend(_limit_to_price(text, sentence, match, target))
    return caps


def _limit_to_price(text: str, sentence: Span, match: re.Match[str], target: str | None) -> list[PriceCap]:
    """A limit set to a price term, times any multiple."""
    priced = LIMIT_TO_PRICE.match(sentence.text, match.end())
    phrase = priced.group("object") if priced else ""
    basis = _basis(phrase)
    if basis in ("other", "fixed_amount") or _unknown_size(phrase, basis):
        return []
    focus = sentence.start + match.start()
    return [
        PriceCap(
            basis=basis,
            multiplier=_multiple(phrase),
            target=target,
            evidence=evidence(text, sentence, focus, sentence.start + priced.end()),
        )
    ]


def _limits_price(match: re.Match[str], subject: str) -> bool:
    """Whether a limit caps a price: not a single 支付标准 (STANDARD_AMOUNT reads it), nor a
    限额 its clause does not say is on a payment or a price, nor one on a total."""
    if match.group("standard") and not match.group("each"):
        return False
    if match.group("quota") and not (PAID.search(subject) or PRICE_WORDS.search(subject)):
        return False
    return not TOTALS.search(subject)


def _listed(sentence: str, start: int, several: bool) -> list[re.Match[str]]:
    """The amounts listed from `start`: one, or after 分别 each one while the items are alike,
    all named or all bare (80元、90元，其中医保基金支付60元 lists two)."""
    items: list[re.Match[str]] = []
    while (item := LISTED_AMOUNT.match(sentence, start)) and (
        not items or bool(item.group("name").strip()) == bool(items[0].group("name").strip())
    ):
        items.append(item)
        if not several:
            break
        start = item.end()
    return items


def _standard(text: str, sentence: Span, clause: Span, match: re.Match[str], priced: str) -> PriceCap:
    """A payment standard equal to `priced`: a price (times a multiple) or an amount in 元."""
    basis = _basis(priced)
    return PriceCap(
        basis=basis,
        multiplier=_multiple(priced),
        amount_yuan=_amount(priced) if basis == "fixed_amount" else None,
        target="payment_standard",
        evidence=evidence(text, sentence, clause.start + match.start(), clause.start + match.end()),
    )


def _unknown_size(phrase: str, basis: str) -> bool:
    """Whether a cap's size is unknown, so that it is no cap at all: a multiple whose number was
    stripped or masked on the way to the page (中选价的**倍 reads 中选价的倍), or one, or an
    amount in 元, that no cap can have (0倍, 0元, a figure of a hundred digits)."""
    if MULTIPLE in phrase and _multiple(phrase) is None:
        return True
    return basis == "fixed_amount" and _amount(phrase) is None


def _multiple(phrase: str) -> float | None:
    """The multiple a phrase caps at (1.5 for 中选价的1.5倍), when it is one a cap can have."""
    match = MULTIPLIER.search(phrase)
    value = parse_number(match.group("number")) if match else None
    return value if value is not None and MULTIPLIER_RANGE[0] < value <= MULTIPLIER_RANGE[1] else None


def _bounds_price(subject: str, against: str) -> bool:
    """A bound is on a price when either side names one, or it caps an amount in 元 that is not a total."""
    if PRICE_WORDS.search(subject) or PRICE_WORDS.search(against):
        return True
    return bool(AMOUNT.search(against)) and not TOTALS.search(subject)


def _basis(phrase: str) -> str:
    found = [(pattern.search(phrase), basis) for basis, pattern in _BASES]
    return next((basis for match, basis in found if match), "other")


def _amount(phrase: str) -> float | None:
    """The amount in 元 a phrase names, when it is one a cap can have."""
    match = AMOUNT.search(phrase)
    value = parse_number(match.group("number")) if match else None
    if value is None:
        return None
    yuan = value * (10_000 if match.group("wan") else 1)
    return yuan if AMOUNT_RANGE_YUAN[0] < yuan < AMOUNT_RANGE_YUAN[1] else None


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
