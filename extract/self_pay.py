"""Self-pay adjustments: the share a patient pays first (先行/首先自付比例) set or changed."""

from __future__ import annotations

import re

from extract.nlp import scope_of
from extract.numerals import NUMBER, PERCENT, parse_number, parse_percent
from extract.sentences import Span, clauses, evidence
from schema import SelfPayAdjustment

TRIGGER = re.compile(r"(?:先行|首先|个人)?自付(?:比例|比率)")
# Verb before a figure → mode; a figure with no verb sets the share.
MODE_VERBS = [
    ("decrease", r"下降|降低|减少|下调|调低|降"),
    ("increase", r"提高|上调|增加|调高|上升"),
]
SET_VERBS = (
    r"降至|降为|降低至|降低为|下调至|下调为|调整为|调整至|调整到|确定为|设定为|设为"
    r"|提高至|提高到|提高为|上调至|上调为|统一为|执行|按"
)
# A verb that changes the share without a figure: 调整个人先行自付比例.
FIGURELESS_VERBS = [
    ("adjust", r"调整|调节|完善"),
    ("decrease", r"降低|下调|调低|减少"),
    ("increase", r"提高|上调|调高"),
]
POPULATIONS = ["城乡居民", "城镇职工", "城镇居民", "职工", "居民", "离休人员", "参保人员", "参保患者", "患者"]
# The scope is the phrase after the last of these: 乙类先行支付比例与药品乙类 → 药品乙类.
SCOPE_BREAKS = re.compile(r".*(?:与|和|及|、|通过|调整|将|对|，)")
PERCENTAGE_POINTS = rf"(?:{NUMBER})\s*个?百分点"
ZERO = r"零"

_FIGURE = re.compile(
    rf"(?P<old>由|从)?\s*(?P<verb>{SET_VERBS}|{'|'.join(verbs for _, verbs in MODE_VERBS)})?\s*(?:了)?\s*"
    rf"(?P<figure>{PERCENT}|{PERCENTAGE_POINTS}|{ZERO}(?![\u4e00-\u9fff]))"
)
_VERB_MODES = [(mode, re.compile(rf"^(?:{verbs})$")) for mode, verbs in MODE_VERBS]
_FIGURELESS = [(mode, re.compile(rf"(?:{verbs})[^，。；]{{0,6}}$")) for mode, verbs in FIGURELESS_VERBS]
_FIGURELESS_AFTER = [(mode, re.compile(rf"^[^，。；\d%]{{0,4}}(?:{verbs})")) for mode, verbs in FIGURELESS_VERBS]
_POPULATION = re.compile("|".join(POPULATIONS))
FIGURE_WINDOW = 16


def find_self_pay(text: str, sentence: Span) -> list[SelfPayAdjustment]:
    facts = []
    for clause in clauses(sentence):
        for trigger in TRIGGER.finditer(clause.text):
            facts.extend(_adjustments(text, sentence, clause, trigger))
    return facts


def _adjustments(text: str, sentence: Span, clause: Span, trigger: re.Match[str]) -> list[SelfPayAdjustment]:
    before, after = clause.text[: trigger.start()], clause.text[trigger.end() :]
    window = after[:FIGURE_WINDOW]
    next_trigger = TRIGGER.search(window)
    if next_trigger:
        window = window[: next_trigger.start()]
    figures = [match for match in _FIGURE.finditer(window) if not match.group("old")]
    common = {
        "population": _population(before),
        "scope": _scope(before),
        "evidence": evidence(text, sentence, clause.start + trigger.start(), clause.start + trigger.end()),
    }
    if figures:
        return [
            SelfPayAdjustment(ratio=_ratio(match.group("figure")), mode=_mode(match), **common) for match in figures
        ]
    mode = _figureless_mode(before, after)
    return [SelfPayAdjustment(ratio=None, mode=mode, **common)] if mode else []


def _ratio(figure: str) -> float | None:
    if figure == ZERO:
        return 0.0
    if "百分点" in figure:
        points = parse_number(re.sub(r"\s*个?百分点", "", figure))
        return None if points is None else round(points / 100, 10)
    return parse_percent(figure)


def _mode(match: re.Match[str]) -> str:
    verb = match.group("verb") or ""
    return next((mode for mode, pattern in _VERB_MODES if pattern.match(verb)), "set")


def _figureless_mode(before: str, after: str) -> str | None:
    for mode, pattern in _FIGURELESS:
        if pattern.search(before):
            return mode
    return next((mode for mode, pattern in _FIGURELESS_AFTER if pattern.search(after)), None)


def _population(before: str) -> str | None:
    found = list(_POPULATION.finditer(before))
    return found[-1].group() if found else None


def _scope(before: str) -> str | None:
    scope = scope_of(_POPULATION.sub("", SCOPE_BREAKS.sub("", before)))
    return scope if scope and len(scope) > 1 else None
