"""Sentences and clauses with their offsets: the unit every fact is quoted by.

The contract's evidence is the sentence that states a fact, ended by 。；！？ or a line
end, and at most 400 characters; a longer sentence is quoted by the clauses around the fact.

A real sentence is at most a few hundred characters (the longest in the dev sets, 421), but
a page can hold a line of megabytes without a stop. Readers look around each fact in its
sentence (the clause before it, the dates after it), so a sentence of n characters holding
a fact every few characters costs them n² or worse: past MAX_SENTENCE_CHARS, a run without a
stop is read as consecutive sentences of at most that length, each cut after its last
comma or 、 where it has one, else after its last 》 (a list of document numbers or titles
is not cut inside one), which keeps all reading linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from schema import Evidence
from schema.models import MAX_QUOTE_CHARS

SENTENCE_ENDS = "。；！？;!?"
MAX_SENTENCE_CHARS = 1000
# Where a run too long for a sentence is cut, in order of preference, when it holds one.
RUN_CUTS = ("，,、", "》")
_SENTENCE = re.compile(
    rf"[^{SENTENCE_ENDS}\n]{{1,{MAX_SENTENCE_CHARS}}}(?![^{SENTENCE_ENDS}\n])[{SENTENCE_ENDS}]?"
    + "".join(rf"|[^{SENTENCE_ENDS}\n]{{0,{MAX_SENTENCE_CHARS - 1}}}[{cuts}]" for cuts in RUN_CUTS)
    + rf"|[^{SENTENCE_ENDS}\n]{{{MAX_SENTENCE_CHARS}}}"
)
_CLAUSE = re.compile(r"[^，,。；！？;!?\n]+[，,。；！？;!?]?")


class Span(NamedTuple):
    """A sentence or clause and its offsets in the notice text; a tuple, as there are many."""

    start: int
    end: int
    text: str


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """The sentences of `text[start:end]`, with offsets into `text`."""
    for match in _SENTENCE.finditer(text, start, len(text) if end is None else end):
        if match.group().strip():
            yield Span(match.start(), match.end(), match.group())


def sentences_holding(text: str, start: int, end: int, positions: Iterable[int]) -> Iterator[Span]:
    """The sentences of `text[start:end]` that hold one of the ascending `positions`, in order.

    Most of a notice states no fact, so rather than split all of it, splitting starts at the
    line of each position (a sentence never runs past a line end) or at the end of the last
    sentence yielded, whichever is later: no character is split twice, however long the
    line. Each position must be on a character that belongs to a sentence (not a line end
    or a lone 。), so the first sentence to end after it holds it.
    """
    held_end = start
    for position in positions:
        if position < held_end:
            continue
        line_start = max(held_end, text.rfind("\n", held_end, position) + 1)
        for match in _SENTENCE.finditer(text, line_start, end):
            if match.end() > position:
                held_end = match.end()
                yield Span(match.start(), held_end, match.group())
                break
        else:  # no sentence ends after it: nor after any later position
            return


def clauses(sentence: Span) -> Iterator[Span]:
    """The comma-separated clauses of a sentence, in text offsets."""
    for match in _CLAUSE.finditer(sentence.text):
        yield Span(sentence.start + match.start(), sentence.start + match.end(), match.group())


def evidence(text: str, sentence: Span, focus_start: int, focus_end: int) -> Evidence:
    """The sentence as evidence; when it is too long, the clauses around the focus."""
    start, end = sentence.start, sentence.end
    if end - start > MAX_QUOTE_CHARS:
        start, end = _window(sentence, focus_start, focus_end)
    return Evidence(quote=text[start:end], start=start, end=end)


def _window(sentence: Span, focus_start: int, focus_end: int) -> tuple[int, int]:
    parts = list(clauses(sentence))
    inside = [part for part in parts if part.end > focus_start and part.start < focus_end] or parts[:1]
    start, end = inside[0].start, inside[-1].end
    if end - start > MAX_QUOTE_CHARS:
        start = max(start, focus_start)
        end = min(start + MAX_QUOTE_CHARS, sentence.end)
    return start, end
