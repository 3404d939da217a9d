"""The questions compliance officers ask of the database, as plain functions over SQLite.

A document is named however a person writes it: a 发文字号 in either script and any
brackets, a procurement file's code, a record id, or words of its title.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from opencc import OpenCC

from graph.store import FACT_TYPES, fold_case
from ingest.docnumber import canonical_doc_number

LINKING_RELATIONS = ("forwards", "implements")
MAX_DEPTH = 50
TRIGRAM = 3  # FTS5 trigrams match terms this long; shorter ones are matched with LIKE
# What one search may cost: each short term scans every notice's text, each character of a
# long one intersects a trigram's list of notices, so the cost grows with terms × notices.
# The costliest search built at these bounds on 10,000 notices (20 two-character terms, each
# in every text and late in it) took 0.5 s of CPU; one long term of 200 characters, 0.15 s.
MAX_TERMS = 20  # different terms
MAX_TERMS_CHARS = 200  # characters of all terms together: a pasted title fits
LIKE_ESCAPE = "\\"  # marks the next character of a LIKE pattern as itself, not a wildcard
LIKE_WILDCARDS = ("%", "_")
LIKE_HOLDING = f"LIKE ? ESCAPE '{LIKE_ESCAPE}'"  # with a pattern made by _holding
CANDIDATES_SHOWN = 10  # documents listed when a name matches several
# A procurement file's code (GH-HD2023-1) names it as its number would, in either case.
BY_ID_NUMBER_OR_CODE = """
    SELECT * FROM documents WHERE node IN (:name, :wanted) OR doc_number = :number OR code = :wanted COLLATE NOCASE
    ORDER BY node NOT IN (:name, :wanted), position"""


class NotFound(LookupError):
    """No document answers to what the user wrote."""


class Ambiguous(LookupError):
    """Several documents answer to what the user wrote: which one is for the user to say."""

    def __init__(self, name: str, candidates: list[Document]) -> None:
        self.candidates = candidates
        named = "; ".join(f"{found.doc_number or found.node} {found.title or ''}".strip() for found in candidates)
        super().__init__(f"{len(candidates)} documents match {name!r}, name one of them: {named}")


class QueryTooLarge(ValueError):
    """A search beyond the bounds of one request; the message names the bound, so the user can shorten it."""

    def __init__(self, bound: str, limit: int, found: int) -> None:
        self.bound, self.limit, self.found = bound, limit, found
        super().__init__(f"a search takes at most {limit} {bound}; this one has {found}")


@dataclass(frozen=True)
class Document:
    node: str
    in_corpus: bool
    doc_number: str | None
    title: str | None
    code: str | None = None


def simplified(text: str) -> str:
    """What a person typed, as the database holds it: simplified, width-folded, no NULs."""
    return _to_simplified()(unicodedata.normalize("NFKC", text.replace("\0", ""))).strip()


@cache
def _to_simplified() -> Callable[[str], str]:
    """OpenCC's converter, made on the first name asked for: `run` imports this module with
    the command line, and building the converter cost it 5 ms."""
    return OpenCC("t2s").convert


def resolve(connection: sqlite3.Connection, name: str) -> Document:
    """The document `name` means: by id, by 发文字号 or procurement code, else by words of its title."""
    wanted = simplified(name)
    number = canonical_doc_number(wanted)
    rows = connection.execute(BY_ID_NUMBER_OR_CODE, {"name": name, "wanted": wanted, "number": number}).fetchall()
    notices = [row for row in rows if row["in_corpus"]] or rows  # two notices may claim one number
    row = _the_one(name, notices, exact=lambda row: row["node"] in (name, wanted))
    if row is None:
        try:
            row = _by_title(connection, wanted)
        except QueryTooLarge as error:
            raise NotFound(f"no notice or referenced document matches {name!r}; as title words, {error}") from error
    if row is None:
        raise NotFound(f"no notice or referenced document matches {name!r}")
    return _document(row)


def _document(row: sqlite3.Row) -> Document:
    return Document(row["node"], bool(row["in_corpus"]), row["doc_number"], row["title"], row["code"])


def _the_one(name: str, rows: list[sqlite3.Row], exact: Callable[[sqlite3.Row], bool]) -> sqlite3.Row | None:
    """The first row where it is `exact` or alone; several others are for the user to choose from."""
    if not rows:
        return None
    if len(rows) == 1 or exact(rows[0]):
        return rows[0]
    raise Ambiguous(name, [_document(row) for row in rows[:CANDIDATES_SHOWN]])


def _by_title(connection: sqlite3.Connection, wanted: str) -> sqlite3.Row | None:
    terms = search_terms(wanted)
    if not terms:
        return None
    condition, parameters = _text_condition(terms, ("title",))
    hits = connection.execute(
        f"""SELECT d.* FROM notice_words w JOIN notices n ON n.rowid = w.rowid JOIN documents d ON d.node = n.id
            WHERE {condition} ORDER BY length(n.title), n.id LIMIT {CANDIDATES_SHOWN}""",
        parameters,
    ).fetchall()
    if hits:
        return _the_one(wanted, hits, exact=lambda row: simplified(row["title"] or "") == wanted)
    return connection.execute(
        f"SELECT * FROM documents WHERE title {LIKE_HOLDING} ORDER BY in_corpus DESC, position LIMIT 1",
        (_holding(wanted),),
    ).fetchone()


def search_terms(text: str) -> list[str]:
    """The different space-separated terms of a query, within the bounds of one search.

    Quotes would end an FTS5 phrase, so they go. A term repeated, in any case, asks nothing
    more and is dropped. Terms past the bounds are refused rather than ignored: a search
    promises notices holding every term."""
    by_folded: dict[str, str] = {}
    for term in (term.replace('"', "") for term in text.split()):
        if term:
            by_folded.setdefault(fold_case(term), term)
    different = list(by_folded.values())
    if len(different) > MAX_TERMS:
        raise QueryTooLarge("different terms", MAX_TERMS, len(different))
    characters = sum(map(len, different))
    if characters > MAX_TERMS_CHARS:
        raise QueryTooLarge("characters of terms", MAX_TERMS_CHARS, characters)
    return different


def _holding(text: str) -> str:
    """A LIKE pattern for values holding `text` as it is written: a person who types `_` or `%`
    means that character, and as a wildcard it would match every notice."""
    for character in (LIKE_ESCAPE, *LIKE_WILDCARDS):
        text = text.replace(character, LIKE_ESCAPE + character)
    return f"%{text}%"


def _text_condition(terms: list[str], columns: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL over `notice_words w JOIN notices n` requiring every term in one of `columns`.
    Terms long enough for trigrams use the index; shorter ones are matched with LIKE on
    the notices table: LIKE on the FTS5 trigram table itself crashes SQLite 3.40 for some
    pairs of short terms."""
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    conditions, parameters = ["1"], []
    if long_terms:
        conditions.append("notice_words MATCH ?")
        phrases = " AND ".join(f'"{fold_case(term)}"' for term in long_terms)
        parameters.append(f"{{{' '.join(columns)}}} : ({phrases})")
    for term in (term for term in terms if len(term) < TRIGRAM):
        conditions.append("(" + " OR ".join(f"coalesce(n.{column}, '') {LIKE_HOLDING}" for column in columns) + ")")
        parameters += [_holding(term)] * len(columns)
    return " AND ".join(conditions), parameters


def show(connection: sqlite3.Connection, name: str) -> dict:
    """A document with its facts and evidence, what it references and what references it."""
    document = resolve(connection, name)
    shown: dict = {"node": document.node, "in_corpus": document.in_corpus}
    shown.update(connection.execute("SELECT doc_number, title, code FROM documents WHERE node = ?", (document.node,))
                 .fetchone())  # fmt: skip  (a notice's procurement code, too, when a reference gave it one)
    notice = connection.execute("SELECT record FROM notices WHERE id = ?", (document.node,)).fetchone()
    if notice:
        record = json.loads(notice["record"])
        shown.update({key: value for key, value in record.items() if key != "text"})
    shown["referenced_by"] = _linked(connection, "target", document.node)
    shown["references_documents"] = _linked(connection, "source", document.node)
    return shown


def _linked(connection: sqlite3.Connection, end: str, node: str) -> list[dict]:
    other = "source" if end == "target" else "target"
    rows = connection.execute(
        f"""SELECT e.{other} AS node, e.relation, e.quote, d.doc_number, d.title, d.in_corpus
            FROM edges e JOIN documents d ON d.node = e.{other} WHERE e.{end} = ? ORDER BY e.{other}, e.relation""",
        (node,),
    )
    return [_answer(row) for row in rows]


def implementers(connection: sqlite3.Connection, name: str, depth: int = MAX_DEPTH) -> list[dict]:
    """Who forwards or implements the document, and who forwards or implements those, …"""
    return _walk(connection, resolve(connection, name).node, "target", "source", depth)


def chain(connection: sqlite3.Connection, name: str, depth: int = MAX_DEPTH) -> list[dict]:
    """What the document forwards or implements, up to documents that do neither."""
    return _walk(connection, resolve(connection, name).node, "source", "target", depth)


def _walk(connection: sqlite3.Connection, start: str, near: str, far: str, depth: int) -> list[dict]:
    relations = ", ".join(f"'{relation}'" for relation in LINKING_RELATIONS)
    rows = connection.execute(
        f"""WITH RECURSIVE walk (node, via, relation, depth) AS (
                SELECT {far}, {near}, relation, 1 FROM edges WHERE {near} = :start AND relation IN ({relations})
                UNION
                SELECT e.{far}, e.{near}, e.relation, walk.depth + 1 FROM edges e JOIN walk ON e.{near} = walk.node
                WHERE walk.depth < :depth AND e.relation IN ({relations})
            )
            SELECT walk.node, MIN(walk.depth) AS depth, walk.via, walk.relation, d.doc_number, d.title, d.in_corpus,
                   n.issuers, n.issue_date
            FROM walk JOIN documents d ON d.node = walk.node LEFT JOIN notices n ON n.id = walk.node
            WHERE walk.node != :start GROUP BY walk.node ORDER BY depth, walk.node""",
        {"start": start, "depth": depth},
    )
    return [_answer(row) for row in rows]


def facts(
    connection: sqlite3.Connection,
    fact_type: str,
    issuer: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[dict]:
    """One row per fact of a type, with its notice, for comparing across notices."""
    if fact_type not in FACT_TYPES:
        raise ValueError(f"unknown fact type {fact_type!r}; one of {', '.join(FACT_TYPES)}")
    rows = connection.execute(
        f"""SELECT n.id, n.doc_number, n.title, n.issuers, n.issue_date, n.effective_date, f.months, f.extension_months,
                  f.ratio, f.mode, f.population, f.basis, f.multiplier, f.amount_yuan, f.target, f.scope, f.quote
           FROM facts f JOIN notices n ON n.id = f.notice_id
           WHERE f.type = :type AND (:issuer IS NULL OR n.issuers LIKE :issuer ESCAPE '{LIKE_ESCAPE}')
             AND (:since IS NULL OR n.issue_date >= :since) AND (:until IS NULL OR n.issue_date <= :until)
           ORDER BY n.issue_date, n.id, f.start""",
        {"type": fact_type, "issuer": _holding(simplified(issuer)) if issuer else None, "since": since, "until": until},
    )
    return [_answer(row) for row in rows]


def search(connection: sqlite3.Connection, text: str, limit: int = 20) -> list[dict]:
    """Notices whose title or text holds every space-separated term of `text` (either script)."""
    terms = search_terms(simplified(text))
    if not terms:
        return []
    condition, parameters = _text_condition(terms, ("title", "text"))
    rows = connection.execute(
        f"""SELECT n.id, n.doc_number, n.title, n.issuers, n.issue_date FROM notice_words w
            JOIN notices n ON n.rowid = w.rowid WHERE {condition} ORDER BY n.issue_date DESC, n.id LIMIT ?""",
        [*parameters, limit],
    )
    return [_answer(row) for row in rows]


def _answer(row: sqlite3.Row) -> dict:
    """A row with each field of the JSON type it has in every answer: issuers a list, in_corpus a boolean."""
    found = dict(row)
    if "issuers" in found:
        found["issuers"] = json.loads(found["issuers"]) if found["issuers"] else []
    if "in_corpus" in found:
        found["in_corpus"] = bool(found["in_corpus"])
    return found
