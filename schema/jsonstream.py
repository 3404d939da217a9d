"""Large JSON documents written one array item at a time.

The graph and the manifest of a national batch hold hundreds of thousands of items;
writing them as they come keeps a run's memory flat. Each member and each array item
has a line of its own: readable, easy to diff and grep, and written by json's C encoder
(an indented layout goes through the pure-Python one, which took 0.8 s of a run over
10,000 notices).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from json.encoder import encode_basestring
from typing import TextIO

ITEMS_PER_WRITE = 1000  # items already encoded, joined into one write


def json_value(value: object) -> str:
    """json.dumps(value, ensure_ascii=False) of a database value, for items formatted
    directly: json's own C string encoder for text, int's repr for integers as json uses
    it; json.dumps only for the rare rest."""
    if value.__class__ is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    return int.__repr__(value) if value.__class__ is int else json.dumps(value, ensure_ascii=False)


class ObjectWriter:
    """A top-level JSON object whose members are written in order, arrays item by item."""

    def __init__(self, stream: TextIO, sort_keys: bool = False) -> None:
        self.stream = stream
        self.sort_keys = sort_keys
        self.members = 0
        self.items = 0  # of the array being written

    def member(self, name: str, value: object) -> None:
        self._name(name)
        self.stream.write(self._dumps(value))

    def array(self, name: str, items: Iterable[object]) -> None:
        self.begin_array(name)
        for item in items:
            self.item(item)
        self.end_array()

    def begin_array(self, name: str) -> None:
        self._name(name)
        self.items = 0

    def item(self, value: object) -> None:
        self._write_items([self._dumps(value)])

    def encoded_items(self, texts: Iterable[str]) -> None:
        """Items that are JSON text already, laid out as `item` lays them out."""
        texts = iter(texts)
        while chunk := list(islice(texts, ITEMS_PER_WRITE)):
            self._write_items(chunk)

    def copied_items(self, count: int) -> None:
        """`count` items of the array being written that the caller put in the stream itself,
        laid out as `item` lays them out (copied from a file this writer wrote)."""
        self.items += count

    def end_array(self) -> None:
        self.stream.write("\n ]" if self.items else "[]")

    def close(self) -> None:
        self.stream.write("\n}\n" if self.members else "{}\n")

    def _write_items(self, encoded: list[str]) -> None:
        self.stream.write(("," if self.items else "[") + "\n  " + ",\n  ".join(encoded))
        self.items += len(encoded)

    def _name(self, name: str) -> None:
        self.stream.write(("," if self.members else "{") + "\n " + json.dumps(name, ensure_ascii=False) + ": ")
        self.members += 1

    def _dumps(self, value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=self.sort_keys)
