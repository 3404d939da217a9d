"""Words: jieba with a domain dictionary, for what a fact covers.

Regex tables find a fact and its values; jieba's words give what the fact covers (its
scope) on word boundaries, so a scope never starts or ends inside a word. Without the
domain dictionary jieba splits 集中/带量/采购 and 先行/自付/比例. Only the short phrase in
front of a fact is ever segmented.

jieba is called directly: spaCy's blank `zh` with the jieba segmenter gives the same
words (its tokenizer keeps jieba's words and makes spaces of the blank ones, which a scope
drops), but importing and building it cost 0.7 s of CPU, more than reading a day's small
batch. spaCy's role is `policygraph.spacy_pipe`: extraction as a pipeline component.
"""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path

from extract.dictionary import ShelvedDictionary, shelved_tokenizer

DOMAIN_TERMS = Path(__file__).with_name("data") / "domain_terms.txt"
# Words that can open the phrase before a fact without belonging to what it covers.
LEADING_FILLERS = {
    "本次", "此次", "本批", "该批", "相关", "有关", "其中", "以上", "上述", "对", "将", "和", "及", "与", "的",
    "在", "按", "按照", "其", "各", "所有", "全部", "均", "本", "该", "中", "内", "期间", "原则上", "个人",
}  # fmt: skip
SCOPE_MAX_CHARS = 60
# Only the end of a phrase, twice what a scope keeps, is segmented: what lies further back
# never reaches a scope, and a sentence of 1,000 characters is not segmented for 60.
SCOPE_PHRASE_CHARS = 2 * SCOPE_MAX_CHARS


@lru_cache(maxsize=1)
def segmenter() -> ShelvedDictionary:
    """jieba over its shelved dictionary (extract/dictionary.py), with the domain terms.

    What was loaded before this is kept from the garbage collector's walks: a worker forked
    from here would otherwise copy the memory it shares with its parent."""
    segmenter = shelved_tokenizer()
    segmenter.admit(DOMAIN_TERMS.read_text(encoding="utf-8"))
    segmenter.tokenizer.load_userdict(str(DOMAIN_TERMS))
    gc.freeze()
    return segmenter


def tokens(text: str) -> list[str]:
    """jieba's words in accurate mode, as spaCy's tokenizer with the jieba segmenter takes them."""
    words = segmenter()
    words.admit(text)
    return [word for word in words.tokenizer.cut(text, cut_all=False) if word]


@lru_cache(maxsize=4096)
def scope_of(phrase: str) -> str | None:
    """What a fact covers: the phrase before it, without leading fillers or punctuation.

    Remembered: notices put the same few phrases before their facts (中选产品, 本次集中带量采购),
    and segmenting them again was the costliest step of reading a fact."""
    words = [word for word in tokens(phrase.strip()[-SCOPE_PHRASE_CHARS:]) if word.strip()]
    while words and (words[0] in LEADING_FILLERS or not words[0][0].isalnum()):
        words.pop(0)
    while words and (words[-1] in LEADING_FILLERS or not words[-1][0].isalnum()):
        words.pop()
    scope = "".join(words)
    return scope[-SCOPE_MAX_CHARS:] if scope else None
