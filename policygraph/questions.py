"""A run's database, held open for a program's questions: the answers the query commands
print with --json, as the models of graph.answers, so that a program reads fields, not JSON."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from graph import query
from graph.answers import FactRow, FactType, Rollout, SearchHit, ShownDocument, WalkStep
from policygraph.database import disowned, open_database
from policygraph.options import iso_date

Answer = TypeVar("Answer")


class RunDatabase:
    """One connection for every question until `close` or the end of a with-block; like
    any sqlite3 connection, it is for the thread that opened it. A document is named as on
    the command line: a 发文字号 in any script and brackets, an id, or words of its title;
    NotFound or Ambiguous when that names no document or several."""

    def __init__(self, out: Path) -> None:
        self.out = out
        with self._damage_disowned():
            self._connection = open_database(out)

    def __enter__(self) -> RunDatabase:
        return self

    def __exit__(self, *failure: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def show(self, name: str) -> ShownDocument:
        return ShownDocument.model_validate(self._ask(query.show, name))

    def implementers(self, name: str, depth: int = query.MAX_DEPTH) -> list[WalkStep]:
        return [WalkStep.model_validate(step) for step in self._ask(query.implementers, name, depth)]

    def chain(self, name: str, depth: int = query.MAX_DEPTH) -> list[WalkStep]:
        return [WalkStep.model_validate(step) for step in self._ask(query.chain, name, depth)]

    def facts(
        self,
        type: FactType,
        issuer: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
    ) -> list[FactRow]:
        """`since` and `until` bound the issue date, each a date or a string in a form the
        command line takes; ValueError for a string in no such form, or an unknown type."""
        rows = self._ask(query.facts, type, issuer, _iso_day(since), _iso_day(until))
        return [FactRow.model_validate(row) for row in rows]

    def search(self, words: str) -> list[SearchHit]:
        """Notices holding every space-separated word; QueryTooLarge past a search's bounds."""
        return [SearchHit.model_validate(hit) for hit in self._ask(query.search, words)]

    def rollout(self, name: str) -> Rollout:
        """Who carries the document out, where and from when, and the provinces with none."""
        from graph.rollout import rollout  # the gazetteer, only for this question

        return Rollout.model_validate(self._ask(rollout, name))

    def _ask(self, question: Callable[..., Answer], *args: object) -> Answer:
        with self._damage_disowned():
            return question(self._connection, *args)

    @contextmanager
    def _damage_disowned(self) -> Iterator[None]:
        """A database found damaged is no longer vouched for, as on the command line: the
        next run rebuilds it rather than finding it current."""
        try:
            yield
        except sqlite3.Error as error:
            disowned(self.out, error)
            raise


def _iso_day(day: date | str | None) -> str | None:
    """A day as the database compares it: a datetime's time would make it a later string."""
    if day is None:
        return None
    if isinstance(day, str):
        return iso_date(day)
    if isinstance(day, datetime):
        day = day.date()
    return day.isoformat()
