"""The Neo4j import files: headers neo4j-admin reads, and every relationship's ends exist."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph import neo4j, store


def test_import_files_are_complete_and_consistent(corpus_run: Path) -> None:
    connection = store.connect(corpus_run / store.DATABASE_NAME)
    try:
        files = neo4j.import_files(connection)
        counts = {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                  for table in ("documents", "facts", "edges")}  # fmt: skip
    finally:
        connection.close()
    tables = {name: list(csv.reader(io.StringIO(text))) for name, text in files.items() if name.endswith(".csv")}
    assert tables["documents.csv"][0] == neo4j.DOCUMENT_HEADER
    assert tables["references.csv"][0] == neo4j.REFERENCE_HEADER
    documents = {row[0] for row in tables["documents.csv"][1:]}
    facts = {row[0] for row in tables["facts.csv"][1:]}
    assert (len(documents), len(facts), len(tables["references.csv"]) - 1) == (
        counts["documents"], counts["facts"], counts["edges"],
    )  # fmt: skip
    assert all(row[0] in documents and row[1] in documents for row in tables["references.csv"][1:])
    assert all(row[0] in documents and row[1] in facts for row in tables["has_fact.csv"][1:])
    assert {row[2] for row in tables["references.csv"][1:]} == {"FORWARDS", "IMPLEMENTS", "CITES"}
    assert "CREATE CONSTRAINT document_id" in files["constraints.cypher"]
