"""Self-pay adjustments: the share a patient pays first (先行/首先自付比例) set or changed."""

from __future__ import annotations

import re

from extract.nlp import scope_of
from extract.numerals import NUMBER, PERCENT, parse_number, parse_percent
from extract.sentences import Span, clauses, evidence
from schema import SelfPayAdjustment

TRIGGER = re.compile(r"(?:先行|首先|个人)?自付(?:比例|比率)")
# Every trigger holds this: extract_notice reads only the sentences that do.
MENTION_CHARS = "自"
# Verb before a figure → mode; a figure with no verb sets the share.
MODE_VERBS = [
    ("decrease", r"下降|降低|减少|下调|调低|调减|降"),
    ("increase", r"提高|上调|增加|调高|调增|上升"),
]
SET_VERBS = (
    r"降至|降为|降低至|降低为|下调至|下调为|调整为|调整至|调整到|确定为|设定为|设为"
    r"|调减至|调减为|调增至|调增为|提高至|提高到|提高为|上调至|上调为|统一为|执行|按"
)
# A verb that changes the share without a figure: 调整个人先行自付比例. A share abolished
# (不设先行自付比例, 取消…) is set to zero.
FIGURELESS_VERBS = [
    ("zero", r"不设置?|取消|免除"),
    ("adjust", r"调整|调节|完善"),
    ("decrease", r"降低|下调|调低|调减|减少"),
    ("increase", r"提高|上调|调高|调增"),
]
# A verb negated changes nothing: 不作调整, 暂不调整, 不再降低.
NEGATION = r"(?<!不)(?<!不作)(?<!不予)(?<!不再)(?<!无需)(?<!不得)"
# Who pays: a named insurance scheme's members first; 参保人员 and 患者 only where none is named
# (城乡居民医保参保患者 → 城乡居民). The scheme's name (职工医保) is part of the population.
POPULATIONS = ["城乡居民", "城镇职工", "城镇居民", "职工", "居民", "离休人员"]
GENERIC_POPULATIONS = ["参保人员", "参保患者", "患者"]
SCHEME = r"(?:基本医疗保险|医疗保险|医保)?"
# 分别下调5个百分点和10个百分点: a figure joined to the one before shares its verb.
JOINED_FIGURES = re.compile(r"^[和及与、,，]$")
# The scope is the phrase after the last of these: 乙类先行支付比例与药品乙类 → 药品乙类.
SCOPE_BREAKS = re.compile(r".*(?:与|和|及|、|通过|调整|将|对|，)")
PERCENTAGE_POINTS = rf"(?:{NUMBER})\s*个?百分点"
# 零, or a bare 0 (为0) that is not part of another number.
ZERO = r"零|(?<![\d.])0(?![\d.%])"
ZERO_FIGURES = ("零", "0")
# A share paid first runs from none (0%) to all (100%: 提高到100% leaves an item wholly to the
# patient), and a change cannot move it by more than all of it. A figure outside (下降150%)
# is a misread: the adjustment stands, its figure unknown.
SHARE_RANGE = (0.0, 1.0)

_FIGURE = re.compile(
    rf"(?P<old>由|从)?\s*(?P<verb>{SET_VERBS}|{'|'.join(verbs for _, verbs in MODE_VERBS)})?\s*(?:了)?\s*"
    rf"(?P<figure>{PERCENT}|{PERCENTAGE_POINTS}|{ZERO}(?![\u4e00-\u9fff]))"
)
_VERB_MODES = [(mode, re.compile(rf"^(?:{verbs})$")) for mode, verbs in MODE_VERBS]
_FIGURELESS = [(mode, re.compile(rf"{NEGATION}(?:{verbs})[^，。；]{{0,6}}$")) for mode, verbs in FIGURELESS_VERBS]
# After the share, a verb that names its figure next (调整为, 下调至, 降低**%) whose figure is
# not there had it stripped or masked on the way to the page: that gives nothing.
FIGURE_EXPECTED = r"\s*(?:为|至|成|到(?!位)|%|个?百分点)"
_FIGURELESS_AFTER = [
    (mode, re.compile(rf"^[^，。；\d%]{{0,4}}{NEGATION}(?:{verbs})(?!{FIGURE_EXPECTED})"))
    for mode, verbs in FIGURELESS_VERBS
]
# 职工和居民先行自付比例分别为5%和10%: the populations named take the figures in turn.
RESPECTIVELY = "分别"
# A colon may open a list of populations, each with its figure, which runs past commas
# (先行自付比例统一调整为：职工医保5%，居民医保10%); the verb before the colon sets the mode.
LIST_LEAD = re.compile(r"\s*(?P<verb>[^，,。；;：:\d%]{0,8})[：:]")
_SET_VERB_END = re.compile(rf"(?:{SET_VERBS})$")
_MODE_VERB_ENDS = [(mode, re.compile(rf"(?:{verbs})$")) for mode, verbs in MODE_VERBS]
_POPULATION = re.compile(rf"(?:{'|'.join(POPULATIONS)}){SCHEME}")
_LISTED_FIGURE = re.compile(
    rf"\s*(?P<population>{_POPULATION.pattern})(?:{'|'.join(GENERIC_POPULATIONS)})?\s*为?\s*"
    rf"(?P<figure>{PERCENT}|{PERCENTAGE_POINTS}|{ZERO}(?![\u4e00-\u9fff]))\s*(?:[，,、；;]|和|及)?"
)
_GENERIC_POPULATION = re.compile("|".join(GENERIC_POPULATIONS))
_SCHEME_SUFFIX = re.compile(rf"{SCHEME}$")
FIGURE_WINDOW = 16


def find_self_pay(text: str, sentence: Span) -> list[SelfPayAdjustment]:
    if not TRIGGER.search(sentence.text):
        return []
    facts = []
    for clause in clauses(sentence):
        for trigger in TRIGGER.finditer(clause.text):
            listed = _listed(text, sentence, clause, trigger)
            facts.extend(listed or _adjustments(text, sentence, clause, trigger))
    return facts


def _listed(text: str, sentence: Span, clause: Span, trigger: re.Match[str]) -> list[SelfPayAdjustment]:
    """The populations listed after a colon, one adjustment each; none when no list follows."""
    lead = LIST_LEAD.match(sentence.text, clause.start - sentence.start + trigger.end())
    items: list[re.Match[str]] = []
    position = lead.end() if lead else len(sentence.text)
    while item := _LISTED_FIGURE.match(sentence.text, position):
        items.append(item)
        position = item.end()
    if not items:
        return []
    mode = _lead_mode(lead.group("verb")) if lead else "set"
    common = {
        "mode": mode,
        "scope": _scope(clause.text[: trigger.start()]),
        "evidence": evidence(text, sentence, clause.start + trigger.start(), clause.start + trigger.end()),
    }
    return [
        SelfPayAdjustment(
            ratio=_ratio(item.group("figure")),
            population=_named(item.group("population"))[0],
            **common,
        )
        for item in items
    ]


def _lead_mode(verb: str) -> str:
    """The mode of the verb before a list: 调整为 and the like set the share, 下调 decreases it."""
    if _SET_VERB_END.search(verb):
        return "set"
    return next((mode for mode, pattern in _MODE_VERB_ENDS if pattern.search(verb)), "set")


def _adjustments(text: str, sentence: Span, clause: Span, trigger: re.Match[str]) -> list[SelfPayAdjustment]:
    before, after = clause.text[: trigger.start()], clause.text[trigger.end() :]
    window = after[:FIGURE_WINDOW]
    next_trigger = TRIGGER.search(window)
    if next_trigger:
        window = window[: next_trigger.start()]
    figures = [match for match in _FIGURE.finditer(window) if not match.group("old")]
    earlier = sentence.text[: clause.start - sentence.start]
    populations = _populations(before, window, len(figures), earlier)
    common = {
        "scope": _scope(before),
        "evidence": evidence(text, sentence, clause.start + trigger.start(), clause.start + trigger.end()),
    }
    if figures:
        return [
            SelfPayAdjustment(ratio=_ratio(match.group("figure")), mode=mode, population=population, **common)
            for match, mode, population in zip(figures, _modes(window, figures), populations, strict=True)
        ]
    mode = _figureless_mode(before, after)
    if mode == "zero":
        return [SelfPayAdjustment(ratio=0.0, mode="set", population=populations[0], **common)]
    return [SelfPayAdjustment(ratio=None, mode=mode, population=populations[0], **common)] if mode else []


def _ratio(figure: str) -> float | None:
    ratio = _figure_value(figure)
    return ratio if ratio is not None and SHARE_RANGE[0] <= ratio <= SHARE_RANGE[1] else None


def _figure_value(figure: str) -> float | None:
    if figure in ZERO_FIGURES:
        return 0.0
    if "百分点" in figure:
        points = parse_number(re.sub(r"\s*个?百分点", "", figure))
        return None if points is None else round(points / 100, 10)
    return parse_percent(figure)


def _modes(window: str, figures: list[re.Match[str]]) -> list[str]:
    modes: list[str] = []
    for index, match in enumerate(figures):
        verb = match.group("verb") or ""
        joined = index and not verb and JOINED_FIGURES.match(window[figures[index - 1].end() : match.start()])
        modes.append(modes[-1] if joined else next((mode for mode, rx in _VERB_MODES if rx.match(verb)), "set"))
    return modes


def _figureless_mode(before: str, after: str) -> str | None:
    for mode, pattern in _FIGURELESS:
        if pattern.search(before):
            return mode
    return next((mode for mode, pattern in _FIGURELESS_AFTER if pattern.search(after)), None)


def _populations(before: str, window: str, figures: int, earlier: str) -> list[str | None]:
    """One population per figure: the last one named, or each in turn where 分别 pairs them.
    A clause that names none takes those named earlier in its sentence
    (参保职工使用中选产品，先行自付比例调整为5%; 职工和居民使用中选药品的，先行自付比例分别…)."""
    found = _named(before) or _named(earlier)
    if figures > 1 and RESPECTIVELY in window and len(found) == figures:
        return found
    found = found or [match.group() for match in _GENERIC_POPULATION.finditer(before)]
    return [found[-1] if found else None] * max(figures, 1)


def _named(phrase: str) -> list[str]:
    """The insurance schemes' populations named in `phrase`, without the scheme's name."""
    return [_SCHEME_SUFFIX.sub("", match.group()) for match in _POPULATION.finditer(phrase)]


def _scope(before: str) -> str | None:
    scope = scope_of(_GENERIC_POPULATION.sub("", _POPULATION.sub("", _after_last_break(before))))
    return scope if scope and len(scope) > 1 else None


def _after_last_break(phrase: str) -> str:
    """One match from the start, not a substitution: after the match, or in a phrase without
    a break, a substitution tried the pattern's run to the end from every character (n²)."""
    found = SCOPE_BREAKS.match(phrase)
    return phrase[found.end() :] if found else phrase
