"""Text that remembers where each of its characters came from.

Every cleaning step rewrites the text; evidence must still point back into the file the
user has. A `MappedText` carries, for each character, its offset in the decoded source,
and every rewrite goes through `substitute`, which keeps that map in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class MappedText:
    """`offsets[i]` is the source offset of `text[i]`; one extra entry marks the source end."""

    text: str
    offsets: tuple[int, ...]

    @classmethod
    def identity(cls, source: str) -> MappedText:
        return cls(source, tuple(range(len(source) + 1)))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of `text[start:end]`: from its first character to past its last."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], (*self.offsets[start:end], self.source_span(start, end)[1]))


def substitute(mapped: MappedText, pattern: re.Pattern[str], replacement: Replacement) -> MappedText:
    """`pattern.sub` that keeps the offset map.

    A replacement of the same length maps character to character (script conversion,
    width folding); any other maps all its characters to the start of what it replaced.
    """
    text, offsets = mapped.text, mapped.offsets
    pieces: list[str] = []
    new_offsets: list[int] = []
    position = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        new_offsets.extend(offsets[position:start])
        new = replacement(match) if callable(replacement) else match.expand(replacement)
        pieces.append(new)
        if len(new) == end - start:
            new_offsets.extend(offsets[start:end])
        else:
            new_offsets.extend([offsets[start]] * len(new))
        position = end
    if position == 0 and not pieces:
        return mapped
    pieces.append(text[position:])
    new_offsets.extend(offsets[position:])
    return MappedText("".join(pieces), tuple(new_offsets))


def translate(mapped: MappedText, table: dict[int, str]) -> MappedText:
    """Character-for-character replacement: the map is unchanged."""
    return MappedText(mapped.text.translate(table), mapped.offsets)
