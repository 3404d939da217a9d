"""Sentences and clauses with their offsets: the unit every fact is quoted by.

The contract's evidence is the sentence that states a fact, ended by 。；！？ or a line
end, and at most 400 characters; a longer sentence is quoted by the clauses around the fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from schema import Evidence
from schema.models import MAX_QUOTE_CHARS

_SENTENCE = re.compile(r"[^。；！？;!?\n]+[。；！？;!?]?")
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

    Most of a notice states no fact, so rather than split all of it, only the line around
    each position is split: a sentence never runs past a line end. Each position must be on
    a character that belongs to a sentence (not a line end or a lone 。), so the first
    sentence of its line to end after it holds it.
    """
    held_end = start
    for position in positions:
        if position < held_end:
            continue
        line_start = max(start, text.rfind("\n", start, position) + 1)
        line_end = text.find("\n", position, end)
        for match in _SENTENCE.finditer(text, line_start, end if line_end < 0 else line_end):
            if match.end() > position:
                held_end = match.end()
                yield Span(match.start(), held_end, match.group())
                break


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
