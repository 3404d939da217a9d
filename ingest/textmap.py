"""Text that remembers where each of its characters came from.

Every cleaning step rewrites the text; evidence must still point back into the file the
user has. A `MappedText` carries, for each character, its offset in the decoded source,
and every rewrite goes through this module (mostly `substitute`), which keeps that map
in step.

The map is stored as runs rather than an entry per character: a cleaning step edits a
handful of places in a long text, so it costs a few runs, not a copy of the whole map.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class MappedText:
    """`text` with the source offset of each character, and one more that marks the source end.

    Run k starts at text offset `starts[k]`, which comes from source offset `sources[k]`;
    each following character of the run comes from the source character after the last.
    """

    text: str
    starts: tuple[int, ...]
    sources: tuple[int, ...]

    @classmethod
    def identity(cls, source: str) -> MappedText:
        return cls(source, (0,), (0,))

    @property
    def offsets(self) -> tuple[int, ...]:
        """`offsets[i]` is the source offset of `text[i]`; one extra entry marks the source end."""
        ends = (*self.starts[1:], len(self.text) + 1)
        return tuple(
            offset
            for start, end, source in zip(self.starts, ends, self.sources, strict=True)
            for offset in range(source, source + end - start)
        )

    def offset(self, index: int) -> int:
        """The source offset of `text[index]`, or of the source end for `len(text)`."""
        if not 0 <= index <= len(self.text):
            raise IndexError(f"offset {index} outside text of length {len(self.text)}")
        run = bisect_right(self.starts, index) - 1
        return self.sources[run] + index - self.starts[run]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of `text[start:end]`: from its first character to past its last."""
        if end <= start:
            return self.offset(start), self.offset(start)
        return self.offset(start), self.offset(end - 1) + 1

    def slice(self, start: int, end: int) -> MappedText:
        """`text[start:end]`, ending where its last character ends in the source."""
        runs = _Runs()
        runs.copy(self, start, end)
        runs.add(self.source_span(start, end)[1], 1)
        return runs.mapped(self.text[start:end])


class _Runs:
    """The runs of a map being built from left to right. A run that merely continues the
    last one is not added, so that equal maps have equal runs."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.sources: list[int] = []
        self.length = 0

    def copy(self, mapped: MappedText, start: int, end: int) -> None:
        """Append the map of `mapped.text[start:end]`; `end` may be one past the text, for
        its source end."""
        if end <= start:
            return
        first = bisect_right(mapped.starts, start) - 1
        self._start(self.length, mapped.sources[first] + start - mapped.starts[first])
        # The runs after the first are whole, and none continues the one before it.
        shift = self.length - start
        for run in range(first + 1, len(mapped.starts)):
            if mapped.starts[run] >= end:
                break
            self.starts.append(mapped.starts[run] + shift)
            self.sources.append(mapped.sources[run])
        self.length += end - start

    def add(self, source: int, count: int) -> None:
        """Append `count` characters that all come from `source`."""
        for index in range(self.length, self.length + count):
            self._start(index, source)
        self.length += count

    def mapped(self, text: str) -> MappedText:
        return MappedText(text, tuple(self.starts), tuple(self.sources))

    def _start(self, start: int, source: int) -> None:
        if self.starts and self.sources[-1] + start - self.starts[-1] == source:
            return
        self.starts.append(start)
        self.sources.append(source)


def substitute(mapped: MappedText, pattern: re.Pattern[str], replacement: Replacement) -> MappedText:
    """`pattern.sub` that keeps the offset map.

    A replacement of the same length maps character to character (script conversion,
    width folding), so it leaves the map as it is; any other maps all its characters to
    the start of what it replaced.
    """
    text = mapped.text
    replace = replacement if callable(replacement) else _template(replacement)
    pieces: list[str] = []
    runs = _Runs()
    position = mapped_to = 0
    resized = False
    for match in pattern.finditer(text):
        start, end = match.span()
        new = replace(match)
        pieces += (text[position:start], new)
        position = end
        if len(new) != end - start:
            # Its first character maps as the first it replaces does; any others, the same.
            runs.copy(mapped, mapped_to, start + min(len(new), 1))
            if len(new) > 1:
                runs.add(mapped.offset(start), len(new) - 1)
            mapped_to, resized = end, True
    if not pieces:
        return mapped
    pieces.append(text[position:])
    if not resized:
        return MappedText("".join(pieces), mapped.starts, mapped.sources)
    runs.copy(mapped, mapped_to, len(text) + 1)
    return runs.mapped("".join(pieces))


def _template(replacement: str) -> Callable[[re.Match[str]], str]:
    """A string replacement as a function; only a backslash makes it a template, and
    expanding one is far slower than returning the string."""
    if "\\" in replacement:
        return lambda match: match.expand(replacement)
    return lambda match: replacement


def translate(mapped: MappedText, table: dict[int, str]) -> MappedText:
    """Character-for-character replacement: the map is unchanged."""
    return MappedText(mapped.text.translate(table), mapped.starts, mapped.sources)


def strip(mapped: MappedText, chars: str) -> MappedText:
    """`str.strip` that keeps the offset map, as `substitute` deleting the ends would.

    The text still ends at the source end, where a `slice` would end after the last kept
    character.
    """
    text = mapped.text
    start, end = len(text) - len(text.lstrip(chars)), len(text.rstrip(chars))
    if start == 0 and end == len(text):
        return mapped
    runs = _Runs()
    runs.copy(mapped, start, end)
    runs.add(mapped.offset(len(text)), 1)
    return runs.mapped(text[start:end])
