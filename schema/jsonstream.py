"""Large JSON documents written one array item at a time.

The graph and the manifest of a national batch hold hundreds of thousands of items;
writing them as they come keeps a run's memory flat. The text is laid out exactly as
`json.dumps(document, ensure_ascii=False, indent=1)` would lay it out, so readers and
diffs see the same files as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO


def dumps(value: object, depth: int = 0, sort_keys: bool = False) -> str:
    """`value` as json.dumps(indent=1) writes it when nested `depth` levels deep."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=sort_keys)
    return text.replace("\n", "\n" + " " * depth)  # a newline in the text is always layout: strings escape theirs


class ObjectWriter:
    """A top-level JSON object whose members are written in order, arrays item by item."""

    def __init__(self, stream: TextIO, sort_keys: bool = False) -> None:
        self.stream = stream
        self.sort_keys = sort_keys
        self.members = 0
        self.items = 0  # of the array being written

    def member(self, name: str, value: object) -> None:
        self._name(name)
        self.stream.write(dumps(value, 1, self.sort_keys))

    def array(self, name: str, items: Iterable[object]) -> None:
        self.begin_array(name)
        for item in items:
            self.item(item)
        self.end_array()

    def begin_array(self, name: str) -> None:
        self._name(name)
        self.items = 0

    def item(self, value: object) -> None:
        self.stream.write(("," if self.items else "[") + "\n  " + dumps(value, 2, self.sort_keys))
        self.items += 1

    def end_array(self) -> None:
        self.stream.write("\n ]" if self.items else "[]")

    def close(self) -> None:
        self.stream.write("\n}\n" if self.members else "{}\n")

    def _name(self, name: str) -> None:
        self.stream.write(("," if self.members else "{") + "\n " + json.dumps(name, ensure_ascii=False) + ": ")
        self.members += 1
