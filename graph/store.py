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
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: the query commands open the database without them
    import networkx as nx

    from schema import NoticeRecord
    from schema.models import Fact

DATABASE_NAME = "policygraph.sqlite"
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
]


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    migrate(connection)
    return connection


def migrate(connection: sqlite3.Connection) -> int:
    """Apply the migrations the database has not seen; returns its version after."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with connection:
            connection.executescript(script)
            connection.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


class DatabaseUpdate:
    """A run's changes, file by file, in one transaction: only files the run did not
    reuse unchanged are rewritten; files no longer in the run are dropped; documents and
    edges, which depend on the whole batch, are rewritten whole at the end."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.known = {row["path"]: row["sha256"] for row in connection.execute("SELECT path, sha256 FROM files")}
        self.seen: set[str] = set()

    def add_file(self, entry: dict, reused: bool, records: list[NoticeRecord]) -> None:
        """`entry` is the file's manifest entry; `reused`, whether the run took it from its cache."""
        path = entry["path"]
        self.seen.add(path)
        if reused and self.known.get(path) == entry["sha256"]:
            return
        _forget_file(self.connection, path)
        self.connection.execute(
            "INSERT INTO files (path, sha256, status, error) VALUES (:path, :sha256, :status, :error)",
            {key: entry[key] for key in ("path", "sha256", "status", "error")},
        )
        for record in records:
            _insert_notice(self.connection, record)

    def finish(self, graph: nx.MultiDiGraph) -> None:
        for path in set(self.known) - self.seen:
            _forget_file(self.connection, path)
        _replace_graph(self.connection, graph)
        self.connection.commit()


def _forget_file(connection: sqlite3.Connection, path: str) -> None:
    connection.execute("DELETE FROM notice_words WHERE rowid IN (SELECT rowid FROM notices WHERE file = ?)", (path,))
    connection.execute("DELETE FROM notices WHERE file = ?", (path,))
    connection.execute("DELETE FROM files WHERE path = ?", (path,))


def _insert_notice(connection: sqlite3.Connection, record: NoticeRecord) -> None:
    connection.execute("DELETE FROM notice_words WHERE rowid IN (SELECT rowid FROM notices WHERE id = ?)", (record.id,))
    issuers = json.dumps(record.issuers, ensure_ascii=False)
    inserted = connection.execute(
        "INSERT OR REPLACE INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id, record.source.file, record.doc_number, record.title, issuers, record.status, record.script,
            _iso(record.issue_date), _iso(record.effective_date), record.text, record.model_dump_json(),
        ),
    )  # fmt: skip
    connection.execute(
        "INSERT INTO notice_words (rowid, id, title, text) VALUES (?, ?, ?, ?)",
        (inserted.lastrowid, record.id, record.title or "", record.text),
    )
    connection.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_fact_row(record.id, fact_type, fact) for fact_type in FACT_TYPES for fact in getattr(record, fact_type)],
    )
    connection.executemany(
        'INSERT INTO "references" VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
            (record.id, ref.relation, ref.doc_number, ref.title, ref.code, ref.evidence.quote, ref.evidence.start,
             ref.evidence.end)
            for ref in record.references
        ],
    )  # fmt: skip


def _fact_row(notice_id: str, fact_type: str, fact: Fact) -> tuple:
    values = fact.model_dump(mode="json")
    evidence = fact.evidence
    return (
        notice_id, fact_type, *(values.get(column) for column in FACT_COLUMNS), fact.scope, evidence.quote,
        evidence.start, evidence.end, json.dumps(values, ensure_ascii=False),
    )  # fmt: skip


def _replace_graph(connection: sqlite3.Connection, graph: nx.MultiDiGraph) -> None:
    connection.execute("DELETE FROM documents")
    connection.execute("DELETE FROM edges")
    connection.executemany(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
        [
            (node, int(bool(data.get("in_corpus"))), data.get("doc_number"), data.get("title"), data.get("code"))
            for node, data in graph.nodes(data=True)
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?, ?, ?)",
        [
            (source, target, edge["relation"], edge["evidence"], edge["evidence_start"], edge["evidence_end"])
            for source, target, edge in graph.edges(data=True)
        ],
    )


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None
