"""Files for `neo4j-admin database import full`, for teams that outgrow one machine.

Documents (notices and the documents they reference) and facts become nodes; references
and facts hang on relationships. A Cypher script adds the constraints and indexes the
import itself cannot create.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

ARRAY_DELIMITER = ";"
DOCUMENT_HEADER = [
    "id:ID(Document)", "doc_number", "title", "code", "issuers:string[]", "status", "issue_date:date",
    "effective_date:date", "in_corpus:boolean", ":LABEL",
]  # fmt: skip
FACT_HEADER = [
    "id:ID(Fact)", "type", "months:int", "extension_months:int", "ratio:double", "mode", "population", "basis",
    "multiplier:double", "amount_yuan:double", "target", "scope", "quote", ":LABEL",
]  # fmt: skip
REFERENCE_HEADER = [":START_ID(Document)", ":END_ID(Document)", ":TYPE", "evidence"]
HAS_FACT_HEADER = [":START_ID(Document)", ":END_ID(Fact)", ":TYPE"]
CONSTRAINTS = """// Run after the import: neo4j-admin cannot create these.
CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT fact_id IF NOT EXISTS FOR (f:Fact) REQUIRE f.id IS UNIQUE;
CREATE INDEX document_number IF NOT EXISTS FOR (d:Document) ON (d.doc_number);
CREATE INDEX notice_issue_date IF NOT EXISTS FOR (n:Notice) ON (n.issue_date);
CREATE INDEX fact_type IF NOT EXISTS FOR (f:Fact) ON (f.type);
CREATE FULLTEXT INDEX document_title IF NOT EXISTS FOR (d:Document) ON EACH [d.title];
"""
IMPORT_COMMAND = (
    "neo4j-admin database import full --array-delimiter='{delimiter}' "
    "--nodes=documents.csv --nodes=facts.csv --relationships=references.csv --relationships=has_fact.csv neo4j"
)


def import_files(connection: sqlite3.Connection) -> dict[str, str]:
    """The import files by name, with their contents."""
    script = f"// Import: {IMPORT_COMMAND.format(delimiter=ARRAY_DELIMITER)}\n{CONSTRAINTS}"
    return {
        "documents.csv": _csv([DOCUMENT_HEADER, *_documents(connection)]),
        "facts.csv": _csv([FACT_HEADER, *_facts(connection)]),
        "references.csv": _csv([REFERENCE_HEADER, *_references(connection)]),
        "has_fact.csv": _csv([HAS_FACT_HEADER, *_has_fact(connection)]),
        "constraints.cypher": script,
    }


def _documents(connection: sqlite3.Connection) -> list[list]:
    rows = connection.execute(
        """SELECT d.node, d.doc_number, d.title, d.code, n.issuers, n.status, n.issue_date, n.effective_date,
                  d.in_corpus FROM documents d LEFT JOIN notices n ON n.id = d.node ORDER BY d.node"""
    )
    return [
        [
            row["node"], row["doc_number"], row["title"], row["code"],
            ARRAY_DELIMITER.join(json.loads(row["issuers"])) if row["issuers"] else "", row["status"],
            row["issue_date"], row["effective_date"], "true" if row["in_corpus"] else "false",
            "Document;Notice" if row["in_corpus"] else "Document",
        ]
        for row in rows
    ]  # fmt: skip


def _fact_rows(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """Facts with an id stable across re-imports: the notice's id and the fact's place in it."""
    return connection.execute(
        """SELECT notice_id || '#' || ROW_NUMBER() OVER (PARTITION BY notice_id ORDER BY rowid) AS fact_id, *
           FROM facts ORDER BY notice_id, rowid"""
    ).fetchall()


def _facts(connection: sqlite3.Connection) -> list[list]:
    return [
        [
            row["fact_id"], row["type"], row["months"], row["extension_months"], row["ratio"], row["mode"],
            row["population"], row["basis"], row["multiplier"], row["amount_yuan"], row["target"], row["scope"],
            row["quote"], "Fact",
        ]
        for row in _fact_rows(connection)
    ]  # fmt: skip


def _has_fact(connection: sqlite3.Connection) -> list[list]:
    return [[row["notice_id"], row["fact_id"], "HAS_FACT"] for row in _fact_rows(connection)]


def _references(connection: sqlite3.Connection) -> list[list]:
    rows = connection.execute("SELECT source, target, relation, quote FROM edges ORDER BY source, target, relation")
    return [[row["source"], row["target"], row["relation"].upper(), row["quote"]] for row in rows]


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue()
