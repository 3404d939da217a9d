"""The SQLite database beside a run's outputs: notices, facts, references, edges, files.

Compliance officers query it without code (`policygraph show`, `implementers`, …); the
JSON files stay the interface for machines. Full-text search uses FTS5 trigrams, which
find any substring of three characters or more without segmenting Chinese into words.
Migrations are numbered SQL scripts applied in order, and the database records the last
one applied.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: the query commands open the database without them
    from schema import NoticeRecord
    from schema.models import Fact

DATABASE_NAME = "policygraph.sqlite"
INSERT_BATCH = 256  # files
IN_LIST_SIZE = 500  # values bound in one query, within the 999 that older SQLite builds allow
FACT_TYPES = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps")
# Typed columns every fact type may fill; the whole fact is kept as JSON beside them.
FACT_COLUMNS = (
    "months", "extension_months", "ratio", "mode", "population", "basis", "multiplier", "amount_yuan", "target",
)

MIGRATIONS: list[str] = [
    """
    CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT, status TEXT NOT NULL, error TEXT);
    CREATE TABLE notices (
        id TEXT PRIMARY KEY, file TEXT NOT NULL, doc_number TEXT, title TEXT, issuers TEXT NOT NULL,
        status TEXT NOT NULL, script TEXT NOT NULL, issue_date TEXT, effective_date TEXT,
        text TEXT NOT NULL, record TEXT NOT NULL
    );
    CREATE INDEX notices_file ON notices (file);
    CREATE INDEX notices_doc_number ON notices (doc_number);
    CREATE INDEX notices_issue_date ON notices (issue_date);
    CREATE TABLE facts (
        notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE, type TEXT NOT NULL,
        months INTEGER, extension_months INTEGER, ratio REAL, mode TEXT, population TEXT, basis TEXT,
        multiplier REAL, amount_yuan REAL, target TEXT, scope TEXT,
        quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, fact TEXT NOT NULL
    );
    CREATE INDEX facts_type ON facts (type, notice_id);
    CREATE TABLE "references" (
        notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE, relation TEXT NOT NULL,
        doc_number TEXT, title TEXT, code TEXT, quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
    );
    CREATE INDEX references_notice ON "references" (notice_id);
    CREATE TABLE documents (
        node TEXT PRIMARY KEY, in_corpus INTEGER NOT NULL, doc_number TEXT, title TEXT, code TEXT
    );
    CREATE INDEX documents_doc_number ON documents (doc_number);
    CREATE TABLE edges (
        source TEXT NOT NULL, target TEXT NOT NULL, relation TEXT NOT NULL,
        quote TEXT, start INTEGER, "end" INTEGER, PRIMARY KEY (source, target, relation)
    );
    CREATE INDEX edges_target ON edges (target, relation);
    CREATE VIRTUAL TABLE notice_words USING fts5 (id UNINDEXED, title, text, tokenize = 'unicode61');
    """,
    # Trigrams instead of jieba words: substring search needs no segmentation, which cost
    # more than extraction itself (2.3 s of 5.7 s on 400 notices).
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (id UNINDEXED, title, text, tokenize = 'trigram');
    INSERT INTO notice_words SELECT id, coalesce(title, ''), text FROM notices;
    """,
    # Deleting a file's rows scanned the whole facts table and the whole text index per
    # file, which made a re-run over changed files quadratic. Facts get an index on their
    # notice, and each notice's index row shares the notice's rowid.
    """
    CREATE INDEX facts_notice ON facts (notice_id);
    DELETE FROM notice_words;
    INSERT INTO notice_words (rowid, id, title, text) SELECT rowid, id, coalesce(title, ''), text FROM notices;
    """,
    # The graph is resolved in the database rather than in memory, so that a run's
    # memory stays flat however large the batch. Resolution follows input order, which
    # files and notices now record, and documents and edges keep the order they were
    # found in. Their rows are kept, in the order they were written, so that a database
    # answers queries before its next run.
    """
    ALTER TABLE files ADD COLUMN position INTEGER;
    ALTER TABLE notices ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE ordered_documents (
        node TEXT PRIMARY KEY, position INTEGER NOT NULL, in_corpus INTEGER NOT NULL,
        doc_number TEXT, title TEXT, code TEXT
    );
    INSERT INTO ordered_documents SELECT node, rowid, in_corpus, doc_number, title, code FROM documents;
    DROP TABLE documents;
    ALTER TABLE ordered_documents RENAME TO documents;
    CREATE INDEX documents_doc_number ON documents (doc_number);
    CREATE TABLE ordered_edges (
        source TEXT NOT NULL, target TEXT NOT NULL, relation TEXT NOT NULL, position INTEGER NOT NULL,
        quote TEXT, start INTEGER, "end" INTEGER, PRIMARY KEY (source, target, relation)
    );
    INSERT INTO ordered_edges SELECT source, target, relation, rowid, quote, start, "end" FROM edges;
    DROP TABLE edges;
    ALTER TABLE ordered_edges RENAME TO edges;
    CREATE INDEX edges_target ON edges (target, relation);
    """,
    # The text index folds case itself (fold_case, also applied to queries) and asks FTS5
    # not to, and merges its segments less eagerly: indexing 10,000 notices took 1.0 s,
    # now 0.7 s, for the same answers and the same query speed.
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (
        id UNINDEXED, title, text, tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO notice_words (notice_words, rank) VALUES ('automerge', 8);
    INSERT INTO notice_words (rowid, id, title, text)
        SELECT rowid, id, fold_case(coalesce(title, '')), fold_case(text) FROM notices;
    """,
    # The text index gathers 16 MB of terms in memory before writing them out, not 1 MB:
    # fewer, larger segments to write and merge made indexing 10,000 notices 0.75 s → 0.55 s.
    """
    INSERT INTO notice_words (notice_words, rank) VALUES ('hashsize', 16777216);
    """,
    # The text index keeps no copy of the text (contentless): a search joins notices on
    # the rowid they share, and the notices table holds the text already. 40 MB of a 200 MB
    # database per 10,000 notices. A row is removed by repeating what was indexed.
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (
        title, text, tokenize = 'trigram case_sensitive 1', content = ''
    );
    INSERT INTO notice_words (notice_words, rank) VALUES ('automerge', 8);
    INSERT INTO notice_words (notice_words, rank) VALUES ('hashsize', 16777216);
    INSERT INTO notice_words (rowid, title, text)
        SELECT rowid, fold_case(coalesce(title, '')), fold_case(text) FROM notices;
    """,
]


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    connection.create_function("fold_case", 1, fold_case, deterministic=True)
    migrate(connection)
    return connection


def fold_case(text: str) -> str:
    """Text as the full-text index holds it and queries look for it."""
    return text.lower()


def migrate(connection: sqlite3.Connection) -> int:
    """Apply the migrations the database has not seen; returns its version after."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with connection:
            connection.executescript(script)
            connection.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


NOTICE_COLUMNS = (
    "id", "file", "doc_number", "title", "issuers", "status", "script", "issue_date", "effective_date", "text",
    "record",
)  # fmt: skip
TITLE, TEXT = NOTICE_COLUMNS.index("title"), NOTICE_COLUMNS.index("text")
INSERTS = (
    f"INSERT INTO notices (rowid, {', '.join(NOTICE_COLUMNS)}, position) VALUES (?{', ?' * (len(NOTICE_COLUMNS) + 1)})",
    "INSERT INTO notice_words (rowid, title, text) VALUES (?, ?, ?)",
    "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    'INSERT INTO "references" VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
)


@dataclass(frozen=True)
class NoticeRows:
    """A notice as database rows, made where the record is made (in a worker), so that the
    process writing the database only inserts them. The text index's row is made by that
    process: folding case is cheaper than sending the text a second time."""

    notice: tuple  # NOTICE_COLUMNS
    facts: list[tuple]
    references: list[tuple]


def notice_rows(record: NoticeRecord, line: str) -> NoticeRows:
    """`line` is the record as JSON, as notices.jsonl holds it."""
    issuers = json.dumps(record.issuers, ensure_ascii=False)
    return NoticeRows(
        notice=(
            record.id, record.source.file, record.doc_number, record.title, issuers, record.status, record.script,
            _iso(record.issue_date), _iso(record.effective_date), record.text, line,
        ),
        facts=[_fact_row(record.id, kind, fact) for kind in FACT_TYPES for fact in getattr(record, kind)],
        references=[
            (record.id, ref.relation, ref.doc_number, ref.title, ref.code, ref.evidence.quote, ref.evidence.start,
             ref.evidence.end)
            for ref in record.references
        ],
    )  # fmt: skip


@dataclass(frozen=True)
class _WaitingFile:
    entry: dict
    reused: bool
    rows: Iterable[NoticeRows]
    position: int


class DatabaseUpdate:
    """A run's changes, file by file, in one transaction.

    Only files the run did not reuse unchanged are rewritten; every file the run reads
    gets its position in the run, and files without one at the end are no longer in the
    run and are dropped. Files wait until a few hundred have come, and are then looked up
    and inserted together, one statement per table: nothing is kept in memory beyond them.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.files = 0
        connection.execute("UPDATE files SET position = NULL")
        self.next_rowid = connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM notices").fetchone()[0]
        self.waiting: list[_WaitingFile] = []

    def add_file(self, entry: dict, reused: bool, rows: Iterable[NoticeRows]) -> None:
        """`entry` is the file's manifest entry; `reused`, whether the run took it from its
        cache; `rows` is only read when the file's rows must be written."""
        self.waiting.append(_WaitingFile(entry, reused, rows, self.files))
        self.files += 1
        if len(self.waiting) >= INSERT_BATCH:
            self.flush()

    def flush(self) -> None:
        """The waiting files, in order: a file reused unchanged only takes its new position;
        any other replaces what the database held for its path."""
        waiting, self.waiting = self.waiting, []
        paths = [file.entry["path"] for file in waiting]
        known = dict(select_in(self.connection, "SELECT path, sha256 FROM files WHERE path IN ({marks})", paths))
        batch = _PendingRows()
        for file in waiting:
            path, sha256 = file.entry["path"], file.entry["sha256"]
            if file.reused and path in known and known[path] == sha256:
                batch.positions.append((file.position, path))
                continue
            if path in known:
                _forget_file(self.connection, path)
            batch.files.append((path, sha256, file.entry["status"], file.entry["error"], file.position))
            for number, rows in enumerate(file.rows):
                if rows.notice[0] in batch.ids:  # the same 发文字号 twice: the later one replaces the earlier
                    self._insert(batch)
                    batch = _PendingRows()
                batch.add(self.next_rowid, rows, number)
                self.next_rowid += 1
        self._insert(batch)

    def _insert(self, batch: _PendingRows) -> None:
        """A notice with the id of one already there replaces it. The earlier one is deleted
        first rather than by INSERT OR REPLACE, which with foreign keys on made every insert
        ten times as slow (0.77 s against 0.07 s for 5,000)."""
        earlier = list(select_in(self.connection, "SELECT rowid FROM notices WHERE id IN ({marks})", batch.ids))
        if earlier:
            _forget_words(self.connection, earlier)
            self.connection.executemany("DELETE FROM notices WHERE rowid = ?", earlier)
        self.connection.executemany("UPDATE files SET position = ? WHERE path = ?", batch.positions)
        self.connection.executemany(
            "INSERT INTO files (path, sha256, status, error, position) VALUES (?, ?, ?, ?, ?)", batch.files
        )
        for statement, rows in zip(INSERTS, (batch.notices, batch.words, batch.facts, batch.references), strict=True):
            self.connection.executemany(statement, rows)

    def finish(self) -> None:
        """Drops the files this run did not read; the caller rebuilds the graph and commits."""
        self.flush()
        gone = [row["path"] for row in self.connection.execute("SELECT path FROM files WHERE position IS NULL")]
        for path in gone:
            _forget_file(self.connection, path)


@dataclass
class _PendingRows:
    positions: list[tuple] = field(default_factory=list)
    files: list[tuple] = field(default_factory=list)
    notices: list[tuple] = field(default_factory=list)
    words: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    references: list[tuple] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def add(self, rowid: int, rows: NoticeRows, position: int) -> None:
        notice = rows.notice
        self.notices.append((rowid, *notice, position))
        self.words.append((rowid, fold_case(notice[TITLE] or ""), fold_case(notice[TEXT])))
        self.facts += rows.facts
        self.references += rows.references
        self.ids.add(notice[0])


def select_in(connection: sqlite3.Connection, query: str, values: Iterable, mark: str = "?") -> Iterator[tuple]:
    """`query`'s rows for a list of values, its `{marks}` a mark per value, a few hundred
    values at a time. Bound, not passed as one JSON array: json_each cuts text at a NUL."""
    values = iter(values)
    while chunk := list(islice(values, IN_LIST_SIZE)):
        yield from connection.execute(query.format(marks=", ".join([mark] * len(chunk))), chunk)


def _forget_file(connection: sqlite3.Connection, path: str) -> None:
    rowids = connection.execute("SELECT rowid FROM notices WHERE file = ?", (path,)).fetchall()
    _forget_words(connection, rowids)
    connection.execute("DELETE FROM notices WHERE file = ?", (path,))
    connection.execute("DELETE FROM files WHERE path = ?", (path,))


def _forget_words(connection: sqlite3.Connection, rowids: list[tuple[int]]) -> None:
    """Before the notices go: the contentless index forgets a row when told the values it
    indexed, which are the notice's, folded as they were. One rowid at a time: FTS5 scans
    its whole table for `rowid IN (SELECT …)`, which made every insert cost more than the last."""
    connection.executemany(
        """INSERT INTO notice_words (notice_words, rowid, title, text)
           SELECT 'delete', rowid, fold_case(coalesce(title, '')), fold_case(text) FROM notices WHERE rowid = ?""",
        rowids,
    )


def _fact_row(notice_id: str, fact_type: str, fact: Fact) -> tuple:
    values = fact.model_dump()  # the typed columns hold scalars, the same in Python and in JSON
    evidence = fact.evidence
    return (
        notice_id, fact_type, *(values.get(column) for column in FACT_COLUMNS), fact.scope, evidence.quote,
        evidence.start, evidence.end, fact.model_dump_json(),
    )  # fmt: skip


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None
