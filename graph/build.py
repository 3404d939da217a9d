"""The notice graph: notices and the documents they reference, one node per document.

Notices are registered first, so a reference resolves to a notice wherever in the batch
that notice came from; references to a document outside the corpus meet in one external
node, which carries the best identifiers any mention gave. The graph is resolved in the
run's database, in input order, and kept there as the documents and edges tables: a
national batch has millions of identifying keys, more than a run should hold in memory.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import count, islice

import networkx as nx

from graph import store
from graph.identity import document_keys
from schema import NoticeRecord

EXTERNAL = "ref:"  # the id prefix of a document outside the corpus; notice ids are numbers or digests
BATCH = 1000
ORDERED_NOTICES = """
    SELECT n.id, n.doc_number, n.title, n.issuers FROM notices n JOIN files f ON f.path = n.file
    ORDER BY f.position, n.position"""
ORDERED_REFERENCES = """
    SELECT r.notice_id, r.relation, r.doc_number, r.title, r.code, r.quote, r.start, r."end"
    FROM "references" r JOIN notices n ON n.id = r.notice_id JOIN files f ON f.path = n.file
    ORDER BY f.position, n.position, r.rowid"""


class DocumentIndex:
    """Which node each key leads to: the first node registered with it (strong keys), or
    every node registered with it (weak keys), in temporary tables."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        for table, unique in (("strong_keys", "key"), ("weak_keys", "key, node")):
            connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (key, node, PRIMARY KEY ({unique}))")
            connection.execute(f"DELETE FROM temp.{table}")

    def register(self, node: str, keys: list[str], weak: str | None) -> None:
        self.register_all([(node, keys, weak)])

    def register_all(self, entries: list[tuple[str, list[str], str | None]]) -> None:
        """(node, strong keys, weak key) of each, in order: a key's first node keeps it."""
        strong = [(key, node) for node, keys, _ in entries for key in keys]
        self.connection.executemany("INSERT OR IGNORE INTO strong_keys VALUES (?, ?)", strong)
        weak = [(key, node) for node, _, key in entries if key]
        self.connection.executemany("INSERT OR IGNORE INTO weak_keys VALUES (?, ?)", weak)

    def resolve(self, keys: list[str], weak: str | None) -> str | None:
        """The node of the first key known, else the one node with the weak key."""
        if keys:
            marks = ", ".join("?" * len(keys))
            found = dict(self.connection.execute(f"SELECT key, node FROM strong_keys WHERE key IN ({marks})", keys))
            known = [found[key] for key in keys if key in found]
            if known or not weak:
                return known[0] if known else None
        if not weak:
            return None
        candidates = self.connection.execute("SELECT node FROM weak_keys WHERE key = ? LIMIT 2", (weak,)).fetchall()
        return candidates[0][0] if len(candidates) == 1 else None


def resolve_graph(connection: sqlite3.Connection) -> None:
    """Rewrites the documents and edges tables from the notices and references tables.

    Rows are written a batch at a time; only what a later reference's resolution reads
    (the index, external documents) is written as it is found."""
    connection.execute("DELETE FROM documents")
    connection.execute("DELETE FROM edges")
    index = DocumentIndex(connection)
    positions = count()
    for notices in _batches(connection.execute(ORDERED_NOTICES)):
        connection.executemany(
            "INSERT INTO documents VALUES (?, ?, 1, ?, ?, NULL)",
            [(notice_id, next(positions), doc_number, title) for notice_id, doc_number, title, _ in notices],
        )
        index.register_all(
            [(notice_id, *document_keys(doc_number, None, title, json.loads(issuers)))
             for notice_id, doc_number, title, issuers in notices]
        )  # fmt: skip
    edge_positions = count()
    for references in _batches(connection.execute(ORDERED_REFERENCES)):
        edges = [_resolved_edge(connection, index, reference, positions) for reference in references]
        connection.executemany(
            "INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*edge[:3], next(edge_positions), *edge[3:]) for edge in edges if edge],
        )


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def _resolved_edge(
    connection: sqlite3.Connection, index: DocumentIndex, reference: tuple, positions: count
) -> tuple | None:
    """The reference's edge (source, target, relation, quote, start, end), None for one to itself."""
    source, relation, doc_number, title, code, quote, start, end = reference
    keys, weak = document_keys(doc_number, code, title, [])
    target = index.resolve(keys, weak)
    if target is None:
        target = EXTERNAL + keys[0].split(":", 1)[1] if keys else EXTERNAL + (weak or "?")
        connection.execute(
            "INSERT OR IGNORE INTO documents VALUES (?, ?, 0, NULL, NULL, NULL)", (target, next(positions))
        )
    index.register(target, keys, weak)
    if target.startswith(EXTERNAL):  # an external document takes the best identifiers any mention gives
        connection.execute(
            """UPDATE documents SET doc_number = coalesce(nullif(doc_number, ''), ?),
               title = coalesce(nullif(title, ''), ?), code = coalesce(nullif(code, ''), ?) WHERE node = ?""",
            (doc_number, title, code, target),
        )
    return (source, target, relation, quote, start, end) if target != source else None


def nodes(connection: sqlite3.Connection) -> Iterator[dict]:
    """Each node with its attributes, in the order the graph found them."""
    rows = connection.execute(
        """SELECT d.node, d.in_corpus, d.doc_number, d.title, d.code, n.issuers, n.issue_date, n.file
           FROM documents d LEFT JOIN notices n ON n.id = d.node ORDER BY d.position"""
    )
    for node, in_corpus, doc_number, title, code, issuers, issue_date, file in rows:
        if in_corpus:
            yield {"id": node, "in_corpus": True, "doc_number": doc_number, "title": title,
                   "issuers": json.loads(issuers), "issue_date": issue_date, "file": file}  # fmt: skip
        else:
            yield {"id": node, "in_corpus": False, "doc_number": doc_number, "title": title, "code": code}


def edges(connection: sqlite3.Connection) -> Iterator[dict]:
    rows = connection.execute('SELECT source, target, relation, quote, start, "end" FROM edges ORDER BY position')
    for source, target, relation, quote, start, end in rows:
        yield {"source": source, "target": target, "key": relation, "relation": relation,
               "evidence": quote, "evidence_start": start, "evidence_end": end}  # fmt: skip


def networkx_graph(connection: sqlite3.Connection) -> nx.MultiDiGraph:
    """The resolved graph in memory, for analysis in Python."""
    graph = nx.MultiDiGraph()
    for node in nodes(connection):
        graph.add_node(node.pop("id"), **node)
    for edge in edges(connection):
        graph.add_edge(edge.pop("source"), edge.pop("target"), **edge)
    return graph


def build_graph(records: Iterable[NoticeRecord]) -> nx.MultiDiGraph:
    """The graph of `records` alone, resolved exactly as a run resolves it."""
    by_file: dict[str, list[NoticeRecord]] = {}
    for record in records:
        by_file.setdefault(record.source.file, []).append(record)
    connection = store.connect(":memory:")
    update = store.DatabaseUpdate(connection)
    for file, found in by_file.items():
        entry = {"path": file, "sha256": None, "status": "ok", "error": None}
        update.add_file(entry, False, [store.notice_rows(record, record.model_dump_json()) for record in found])
    update.finish()
    resolve_graph(connection)
    return networkx_graph(connection)
