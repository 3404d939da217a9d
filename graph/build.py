"""The notice graph: notices and the documents they reference, one node per document.

Notices are registered first, so a reference resolves to a notice wherever in the batch
that notice came from; references to a document outside the corpus meet in one external
node, which carries the best identifiers any mention gave. The graph is resolved in the
run's database, in input order, and kept there as the documents and edges tables: a
national batch has millions of identifying keys, more than a run should hold in memory.

The key index stays in the database too, beside how far documents and edges were numbered:
a daily increment appends a few notices after 100,000, and when no key of theirs can
change what was resolved before them, only their notices and references are resolved.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import count, islice
from typing import TYPE_CHECKING, NamedTuple

from graph import store
from graph.identity import document_keys
from schema import NoticeRecord
from schema.codec import record_line

if TYPE_CHECKING:
    import networkx as nx

EXTERNAL = "ref:"  # the id prefix of a document outside the corpus; notice ids are numbers or digests
BATCH = 1000
# Distinct mentions whose keys are kept: a national act is cited everywhere, and most other
# mentions once. 8,192 held 8 MB once a national archive filled them, 7 MB of the peak that
# resolving 100,000 notices added; at 2,048 the acts cited everywhere still stay.
CACHED = 2048
INDEX_TABLES = ("strong_keys", "weak_keys", "decisive_weak_keys")
RESOLUTION = "SELECT notices, next_position, next_edge_position FROM resolution"
RECORD_RESOLUTION = "INSERT INTO resolution VALUES (?, ?, ?)"
DECISIVE = "INSERT OR IGNORE INTO decisive_weak_keys VALUES (?)"
# Every notice is a document, numbered in input order.
NOTICE_DOCUMENTS = """
    INSERT INTO documents SELECT n.id, row_number() OVER (ORDER BY f.position, n.position) - 1, 1, n.doc_number,
    n.title, NULL FROM notices n JOIN files f ON f.path = n.file"""
# The notices from rowid :first on, numbered after the :held notices before them.
APPENDED_DOCUMENTS = """
    INSERT INTO documents SELECT n.id, :held + row_number() OVER (ORDER BY f.position, n.position) - 1, 1,
    n.doc_number, n.title, NULL FROM notices n JOIN files f ON f.path = n.file WHERE n.rowid >= :first"""
# Documents outside the corpus come after every notice: after the :held notices, before :appended more.
SHIFTED_EXTERNALS = "UPDATE documents SET position = position + :appended WHERE position >= :held AND NOT in_corpus"
# A strong key is registered by the first notice in input order that has it; a weak key by every one.
NOTICE_STRONG_KEYS = """
    INSERT OR IGNORE INTO strong_keys SELECT k.key, k.node FROM notice_keys k JOIN documents d ON d.node = k.node
    WHERE k.strong ORDER BY d.position"""
NOTICE_WEAK_KEYS = "INSERT OR IGNORE INTO weak_keys SELECT key, node FROM notice_keys WHERE NOT strong"
APPENDED_STRONG_KEYS = """
    INSERT OR IGNORE INTO strong_keys SELECT k.key, k.node FROM notices n CROSS JOIN documents d ON d.node = n.id
    CROSS JOIN notice_keys k ON k.node = n.id WHERE n.rowid >= ? AND k.strong ORDER BY d.position"""
APPENDED_WEAK_KEYS = """
    INSERT OR IGNORE INTO weak_keys SELECT k.key, k.node FROM notices n CROSS JOIN notice_keys k ON k.node = n.id
    WHERE n.rowid >= ? AND NOT k.strong"""
# What would make appended notices change what was resolved before them: an id that is a
# document's already, or a notice's id marked as outside the corpus (a reference resolved
# to it would fill in its number or title, as an outside document's); a strong key the
# index holds that no earlier notice has as its own (a reference registered it, and a
# reference could have been resolved by it); a weak key a reference was resolved by, or
# left unresolved for want of (IndexView.resolve). An earlier notice's own strong key stays
# that notice's. CROSS JOIN: from the few new notices to their keys, not from every key to
# its notice.
APPENDED_CONFLICTS = """
    SELECT EXISTS (SELECT 1 FROM notices n JOIN documents d ON d.node = n.id WHERE n.rowid >= :first)
        OR EXISTS (SELECT 1 FROM documents WHERE node >= 'ref:' AND node < 'ref;' AND in_corpus)
        OR EXISTS (SELECT 1 FROM notices n CROSS JOIN notice_keys k ON k.node = n.id
                   JOIN strong_keys s ON s.key = k.key WHERE n.rowid >= :first AND k.strong
                   AND NOT EXISTS (SELECT 1 FROM notice_keys own WHERE own.node = s.node AND own.key = s.key
                                   AND own.strong))
        OR EXISTS (SELECT 1 FROM notices n CROSS JOIN notice_keys k ON k.node = n.id
                   JOIN decisive_weak_keys w ON w.key = k.key WHERE n.rowid >= :first AND NOT k.strong)"""
# Notices written before their keys were kept (store, migration 11).
KEYLESS_NOTICES = """
    SELECT id, doc_number, title, issuers FROM notices n
    WHERE NOT EXISTS (SELECT 1 FROM notice_keys k WHERE k.node = n.id)"""
# In the order of their notices, which the documents table holds once notices are registered:
# reading it spares a second walk through the notices' rows, whose position comes after their
# text. CROSS JOIN keeps SQLite from scanning all references and looking each notice up. Those
# of the notices from position ? on.
ORDERED_REFERENCES = """
    SELECT r.notice_id, r.relation, r.doc_number, r.title, r.code, r.quote, r.start, r."end"
    FROM documents d CROSS JOIN "references" r ON r.notice_id = d.node WHERE d.in_corpus AND d.position >= ?
    ORDER BY d.position, r.rowid"""
# Of the positions from the first ? up to the second.
NODE_ROWS = """
    SELECT d.node, d.in_corpus, d.doc_number, d.title, d.code, n.issuers, n.issue_date, n.file, n.copies, n.conflicts
    FROM documents d LEFT JOIN notices n ON n.id = d.node WHERE d.position >= ? AND d.position < ?
    ORDER BY d.position"""
EDGE_ROWS = 'SELECT source, target, relation, quote, start, "end" FROM edges WHERE position >= ? ORDER BY position'
EVERY_POSITION = 2**63 - 1  # beyond the last
# The node of each key that has one; of a weak key, its lowest and highest node (NULL if it has
# none), two seeks however many notices share a bare title. `marks` is a mark per key.
STRONG_NODES = "SELECT key, node FROM strong_keys WHERE key IN ({marks})"
WEAK_NODES = """
    SELECT column1, (SELECT min(node) FROM weak_keys WHERE key = column1),
    (SELECT max(node) FROM weak_keys WHERE key = column1) FROM (VALUES {marks})"""
IDENTIFIERS = """
    UPDATE documents SET doc_number = coalesce(nullif(doc_number, ''), ?), title = coalesce(nullif(title, ''), ?),
    code = coalesce(nullif(code, ''), ?) WHERE node = ?"""


class DocumentIndex:
    """Which node each key leads to: the first node registered with it (strong keys), or
    every node registered with it (weak keys), in tables kept from one resolution to the next."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def clear(self) -> None:
        for table in INDEX_TABLES:
            self.connection.execute(f"DELETE FROM {table}")

    def register_notices(self) -> None:
        """Every notice's keys as kept with it, in input order, as register_all would: the
        documents table numbers the notices by then."""
        self.connection.execute(NOTICE_STRONG_KEYS)
        self.connection.execute(NOTICE_WEAK_KEYS)

    def register_appended(self, first_rowid: int) -> None:
        """The keys of the notices from rowid `first_rowid` on, as register_notices would."""
        self.connection.execute(APPENDED_STRONG_KEYS, (first_rowid,))
        self.connection.execute(APPENDED_WEAK_KEYS, (first_rowid,))

    def register_all(self, entries: list[tuple[str, list[str], str | None]]) -> None:
        """(node, strong keys, weak key) of each, in order: a key's first node keeps it."""
        strong = ((key, node) for node, keys, _ in entries for key in keys)
        self.connection.executemany("INSERT OR IGNORE INTO strong_keys VALUES (?, ?)", strong)
        weak = ((key, node) for node, _, key in entries if key)
        self.connection.executemany("INSERT OR IGNORE INTO weak_keys VALUES (?, ?)", weak)

    def note_decisive(self, weak_keys: set[str]) -> None:
        """A notice appended later with one of these weak keys is resolved with all the others."""
        self.connection.executemany(DECISIVE, ((key,) for key in weak_keys))

    def view(self, mentions: list[tuple[list[str], str | None]]) -> IndexView:
        """The index as it stands for the keys of `mentions`, read a few hundred keys a query."""
        strong = store.select_in(self.connection, STRONG_NODES, {key for keys, _ in mentions for key in keys})
        weak = store.select_in(self.connection, WEAK_NODES, {key for _, key in mentions if key}, "(?)")
        return IndexView(
            dict(strong), {key: (low,) if low == high else (low, high) for key, low, high in weak if low is not None}
        )


class IndexView:
    """The index for one batch's keys, kept as the index would be while the batch registers
    nodes: a batch reads the index in a few queries and writes it in two, not a query per reference.

    `strong` maps a key to its node; `weak` a key to its one node, or to two or more of its
    nodes, which is all resolution needs to know. `registered` is what the index may lack;
    `decisive`, the weak keys whose nodes decided a reference of the batch."""

    def __init__(self, strong: dict[str, str], weak: dict[str, tuple[str, ...]]) -> None:
        self.strong = strong
        self.weak = weak
        self.registered: list[tuple[str, list[str], str | None]] = []
        self.decisive: set[str] = set()

    def resolve(self, keys: list[str], weak: str | None) -> str | None:
        """The node of the first key known, else the one node with the weak key. A weak key
        with none or one node decides the reference; one with two or more, which only ever
        gains nodes, leaves it unresolved whatever other node takes the key."""
        for key in keys:
            if key in self.strong:
                return self.strong[key]
        found = self.weak.get(weak, ()) if weak else ()
        if weak and len(found) < 2:
            self.decisive.add(weak)
        return found[0] if len(found) == 1 else None

    def register(self, node: str, keys: list[str], weak: str | None) -> None:
        """As DocumentIndex.register_all would, noting for it only the keys the index may lack."""
        new = []
        for key in keys:
            if key not in self.strong:
                self.strong[key] = node
                new.append(key)
        new_weak = weak if weak and node not in self.weak.get(weak, ()) else None
        if new_weak:
            self.weak[new_weak] = (*self.weak.get(new_weak, ()), node)
        self.registered.append((node, new, new_weak))


def resolve_graph(connection: sqlite3.Connection, appended_from: int | None = None) -> Numbering | None:
    """Brings the documents and edges tables up to date with the notices and references tables.

    `appended_from` is the first rowid of the notices a run appended after all the others,
    when it changed nothing else (store.DatabaseUpdate.appended_from): if no key of theirs
    changes what the last resolution found, they are resolved alone, and the graph is what
    resolving every notice again would make; the graph's numbering before is returned, for
    its files to keep what they held of it. Otherwise every notice is resolved again."""
    index = DocumentIndex(connection)
    before = numbering(connection)
    if appended_from is not None and before is not None and _resolve_appended(connection, index, appended_from, before):
        return before
    _resolve_all(connection, index)
    return None


def numbering(connection: sqlite3.Connection) -> Numbering | None:
    """How far the last resolution numbered the graph; None before any."""
    row = connection.execute(RESOLUTION).fetchone()
    return Numbering(*row) if row else None


def _resolve_all(connection: sqlite3.Connection, index: DocumentIndex) -> None:
    """Notices are registered in SQL from the keys kept with them. References are resolved a
    batch at a time: a batch reads the index once for all its keys and resolves against
    that view, which it keeps up to date as it goes, so a reference finds an external node
    that an earlier one in the same batch registered."""
    connection.execute("DELETE FROM documents")
    connection.execute("DELETE FROM edges")
    index.clear()
    _keep_keys_of_older_notices(connection)
    notices = connection.execute(NOTICE_DOCUMENTS).rowcount
    index.register_notices()
    _resolve_references(connection, index, 0, Numbering(notices, notices, 0))


def _resolve_appended(
    connection: sqlite3.Connection, index: DocumentIndex, first_rowid: int, resolved: Numbering
) -> bool:
    """Whether the notices from `first_rowid` on could be resolved alone, having done so;
    `resolved`, how far the last resolution numbered the graph.

    Every notice is registered before any reference is resolved, so resolving them all again
    would resolve the earlier references against an index holding the new notices' keys:
    they are resolved alone only when no earlier reference could have found one of those
    keys. The earlier documents, the index and the edges then stand as they are, but for
    the documents outside the corpus, which come after the new notices."""
    if connection.execute(APPENDED_CONFLICTS, {"first": first_rowid}).fetchone()[0]:
        return False
    appended = connection.execute(APPENDED_DOCUMENTS, {"held": resolved.notices, "first": first_rowid}).rowcount
    connection.execute(SHIFTED_EXTERNALS, {"appended": appended, "held": resolved.notices})
    index.register_appended(first_rowid)
    after = Numbering(resolved.notices + appended, resolved.next_position + appended, resolved.next_edge_position)
    _resolve_references(connection, index, resolved.notices, after)
    return True


class Numbering(NamedTuple):
    """How far a resolution numbered the graph: its notices, the position its next
    document outside the corpus takes, its next edge's. Positions a duplicate took are
    skipped, not given again, so they are counted rather than found from the tables."""

    notices: int
    next_position: int
    next_edge_position: int


def _resolve_references(
    connection: sqlite3.Connection, index: DocumentIndex, from_position: int, numbering: Numbering
) -> None:
    """Resolves the references of the notices from `from_position` on, numbering what they
    find from where `numbering` says, and records where it leaves off for the next run."""
    positions, edge_positions = count(numbering.next_position), count(numbering.next_edge_position)
    for references in _batches(_tuples(connection, ORDERED_REFERENCES, (from_position,))):
        _add_references(connection, index, references, positions, edge_positions)
    connection.execute("DELETE FROM resolution")
    connection.execute(RECORD_RESOLUTION, (numbering.notices, next(positions), next(edge_positions)))


def _keep_keys_of_older_notices(connection: sqlite3.Connection) -> None:
    """Keys for the notices a database from before migration 11 holds without them (and,
    each time, for the rare notice with no number and no title, which has none)."""
    for notices in _batches(_tuples(connection, KEYLESS_NOTICES)):
        rows = [row for notice_id, doc_number, title, issuers in notices
                for row in store.key_rows(notice_id, doc_number, title, json.loads(issuers))]  # fmt: skip
        connection.executemany("INSERT INTO notice_keys VALUES (?, ?, ?)", rows)


def _add_references(
    connection: sqlite3.Connection, index: DocumentIndex, references: list[tuple], positions: count,
    edge_positions: count,
) -> None:  # fmt: skip
    """Resolves a batch in order against the index's view, then writes what it found.

    External documents are inserted before their identifiers are updated; every update's
    node exists by then, as it did when updates ran a reference at a time."""
    mentions = [_mention_keys(doc_number, code, title) for _, _, doc_number, title, code, *_ in references]
    view = index.view(mentions)
    externals, identifiers, edges = [], {}, []
    for reference, (keys, weak) in zip(references, mentions, strict=True):
        source, relation, doc_number, title, code, quote, start, end = reference
        target = view.resolve(keys, weak)
        if target is None:
            target = EXTERNAL + keys[0].split(":", 1)[1] if keys else EXTERNAL + (weak or "?")
            externals.append((target, next(positions)))
        view.register(target, keys, weak)
        if target.startswith(EXTERNAL):  # an external document takes the best identifiers any mention gives
            identifiers[target] = _first_given(identifiers.get(target), (doc_number, title, code))
        if target != source:
            edges.append((source, target, relation, next(edge_positions), quote, start, end))
    connection.executemany("INSERT OR IGNORE INTO documents VALUES (?, ?, 0, NULL, NULL, NULL)", externals)
    index.register_all(view.registered)
    index.note_decisive(view.decisive)
    connection.executemany(IDENTIFIERS, [(*values, node) for node, values in identifiers.items()])
    connection.executemany("INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)", edges)


def _first_given(earlier: tuple | None, mention: tuple) -> tuple:
    """What IDENTIFIERS leaves when run with `earlier`'s values and then `mention`'s, as one
    run: each field's first value that is neither NULL nor '', else the later value."""
    if earlier is None:
        return mention
    if None not in earlier and "" not in earlier:
        return earlier
    return tuple(
        later if first is None or first == "" else first for first, later in zip(earlier, mention, strict=True)
    )


@lru_cache(maxsize=CACHED)
def _mention_keys(doc_number: str | None, code: str | None, title: str | None) -> tuple[list[str], str | None]:
    """A reference's keys; the same document is cited by many notices. Callers leave the list as it is."""
    return document_keys(doc_number, code, title, [])


def _tuples(connection: sqlite3.Connection, query: str, parameters: tuple = ()) -> sqlite3.Cursor:
    """The query's rows as plain tuples, which unpack faster than the connection's sqlite3.Row."""
    cursor = connection.cursor()
    cursor.row_factory = None
    return cursor.execute(query, parameters)


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def node_rows(connection: sqlite3.Connection, start: int = 0, end: int = EVERY_POSITION) -> sqlite3.Cursor:
    """(id, in_corpus, doc_number, title, code, issuers, issue_date, file, copies' files,
    conflicting ids) of each node, lists as JSON, in the order the graph found them; of
    the positions from `start` up to `end`."""
    return _tuples(connection, NODE_ROWS, (start, end))


def edge_rows(connection: sqlite3.Connection, start: int = 0) -> sqlite3.Cursor:
    """(source, target, relation, quote, start, end) of each edge, in the order the graph
    found them, from the position `start` on."""
    return _tuples(connection, EDGE_ROWS, (start,))


def nodes(connection: sqlite3.Connection) -> Iterator[dict]:
    """Each node with its attributes, in the order the graph found them."""
    for node, in_corpus, doc_number, title, code, issuers, issue_date, file, copies, conflicts in node_rows(connection):
        if in_corpus:
            yield {"id": node, "in_corpus": True, "doc_number": doc_number, "title": title,
                   "issuers": json.loads(issuers), "issue_date": issue_date, "file": file,
                   "copies": json.loads(copies), "conflicts": json.loads(conflicts)}  # fmt: skip
        else:
            yield {"id": node, "in_corpus": False, "doc_number": doc_number, "title": title, "code": code}


def edges(connection: sqlite3.Connection) -> Iterator[dict]:
    for source, target, relation, quote, start, end in edge_rows(connection):
        yield {"source": source, "target": target, "key": relation, "relation": relation,
               "evidence": quote, "evidence_start": start, "evidence_end": end}  # fmt: skip


def networkx_graph(connection: sqlite3.Connection) -> nx.MultiDiGraph:
    """The resolved graph in memory, for analysis in Python; networkx is imported here, as a
    run, which streams the graph from the database, never needs its 0.11 s of imports."""
    import networkx as nx

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
        update.add_file(entry, False, [store.notice_rows(record, record_line(record)) for record in found])
    update.finish()
    resolve_graph(connection)
    return networkx_graph(connection)
