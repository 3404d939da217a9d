"""The fast graph code gives what the plain rules give.

Resolution reads the index a batch at a time and the exporters (and the manifest's writer)
format rows directly; both are checked against the straightforward versions they replaced,
on inputs made to collide: few doc numbers, titles and codes, and text full of what XML and
JSON must escape.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from itertools import count
from unittest import mock
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from graph import build, store
from graph.build import EXTERNAL, edges, nodes, resolve_graph
from graph.export import GRAPHML_HEADER, GRAPHML_KEYS, LIST_SEPARATOR, write_graphml, write_node_link_json
from graph.identity import document_keys
from policygraph.pipeline import manifest_entry_json
from schema.jsonstream import ObjectWriter

DOC_NUMBERS = st.sampled_from([None, "", "国医保发〔2020〕1号", "国医保发[2020]1号", "医保发〔2021〕3号"])
TITLES = st.sampled_from([
    None, "", "关于执行中选结果的通知", "国家医疗保障局关于执行中选结果的通知", "《关于执行中选结果的通知》",
    "河南省医疗保障局关于开展带量采购的通知", "关于开展带量采购的通知",
])  # fmt: skip
CODES = st.sampled_from([None, "", "GY-HD2020-1", "gy-hd2020-1"])
ISSUERS = st.lists(st.sampled_from(["国家医疗保障局", "河南省医疗保障局"]), max_size=2, unique=True)
NOTICES = st.lists(st.tuples(DOC_NUMBERS, TITLES, ISSUERS), min_size=1, max_size=8)
MENTIONS = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(["forwards", "implements"]), DOC_NUMBERS, TITLES, CODES),
    max_size=20,
)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TEXT = st.text(
    st.sampled_from("a关 &<>\"'\n\r\t\x00\x0b\x1f\ufffe\uffff\u2028\\") | st.characters(exclude_categories=("Cs",))
)
NUMBERS = st.none() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(NOTICES, MENTIONS, st.randoms(use_true_random=False))
def test_batched_resolution_matches_resolving_one_reference_at_a_time(notices, mentions, random) -> None:
    notices = [(f"n{number}", *notice) for number, notice in enumerate(notices)]
    references = [
        (notices[notice % len(notices)][0], relation, doc_number, title, code, f"quote {number}", number, number + 1)
        for number, (notice, relation, doc_number, title, code) in enumerate(mentions)
    ]
    references.sort(key=lambda reference: int(reference[0][1:]))  # in input order, as the run reads them
    expected = _resolved_one_at_a_time(notices, references)
    for batch in (1, 2, 3, build.BATCH):
        connection = _database(notices, references, random)
        with mock.patch.object(build, "BATCH", batch):
            resolve_graph(connection)
        assert _tables(connection) == expected, batch


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(TEXT, st.booleans(), st.none() | TEXT, st.none() | TEXT, st.none() | TEXT,
                       st.lists(TEXT, max_size=3), st.none() | TEXT, TEXT), unique_by=lambda node: node[0]),
    st.lists(st.tuples(TEXT, TEXT, TEXT, st.none() | TEXT, NUMBERS, NUMBERS), unique_by=lambda edge: edge[:3]),
)  # fmt: skip
def test_the_graph_files_are_written_as_from_nodes_and_edges(documents: list, links: list) -> None:
    connection = store.connect(":memory:")
    for position, (node, in_corpus, doc_number, title, code, issuers, issue_date, file) in enumerate(documents):
        connection.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                           (node, position, in_corpus, doc_number, title, code))  # fmt: skip
        if in_corpus:
            connection.execute(
                "INSERT INTO notices (id, file, issuers, status, script, issue_date, text, record) "
                "VALUES (?, ?, ?, 'final', 'simplified', ?, '', '{}')",
                (node, file, json.dumps(issuers, ensure_ascii=False), issue_date),
            )
    connection.executemany(
        "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(source, target, relation, position, quote, start, end)
         for position, (source, target, relation, quote, start, end) in enumerate(links)],
    )  # fmt: skip
    as_json, as_graphml = io.StringIO(), io.StringIO()
    write_node_link_json(connection, as_json)
    write_graphml(connection, as_graphml)
    assert as_json.getvalue() == _json_from_dicts(connection)
    assert as_graphml.getvalue() == _graphml_from_dicts(connection)


def _resolved_one_at_a_time(notices: list[tuple], references: list[tuple]) -> tuple[list, list]:
    """The documents and edges tables as the rules make them, one reference at a time in memory."""
    strong: dict[str, str] = {}
    weak: dict[str, set[str]] = {}
    documents: dict[str, list] = {}
    found_edges: dict[tuple, tuple] = {}
    positions, edge_positions = count(), count()

    def register(node: str, keys: list[str], weak_key: str | None) -> None:
        for key in keys:
            strong.setdefault(key, node)
        if weak_key:
            weak.setdefault(weak_key, set()).add(node)

    for notice_id, doc_number, title, issuers in notices:
        documents[notice_id] = [notice_id, next(positions), 1, doc_number, title, None]
        register(notice_id, *document_keys(doc_number, None, title, issuers))
    for source, relation, doc_number, title, code, quote, start, end in references:
        keys, weak_key = document_keys(doc_number, code, title, [])
        known = [strong[key] for key in keys if key in strong]
        candidates = weak.get(weak_key, set()) if weak_key and not known else set()
        target = known[0] if known else next(iter(candidates)) if len(candidates) == 1 else None
        if target is None:
            target = EXTERNAL + keys[0].split(":", 1)[1] if keys else EXTERNAL + (weak_key or "?")
            documents.setdefault(target, [target, next(positions), 0, None, None, None])
        register(target, keys, weak_key)
        if target.startswith(EXTERNAL):
            row = documents[target]
            row[3:] = [
                old if old not in (None, "") else new
                for old, new in zip(row[3:], (doc_number, title, code), strict=True)
            ]
        if target != source:
            row = (source, target, relation, next(edge_positions), quote, start, end)
            found_edges.setdefault((source, target, relation), row)
    return sorted(map(tuple, documents.values()), key=lambda row: row[1]), sorted(
        found_edges.values(), key=lambda row: row[3]
    )


def _database(notices: list[tuple], references: list[tuple], random) -> sqlite3.Connection:
    """Notices in files of two, and their references, inserted out of order: only positions
    give the input order, and rowids only the order of a notice's references."""
    connection = store.connect(":memory:")
    order = list(range(len(notices)))
    random.shuffle(order)
    for number in order:
        notice_id, doc_number, title, issuers = notices[number]
        file = f"file{number // 2}"
        connection.execute("INSERT OR IGNORE INTO files (path, status, position) VALUES (?, 'ok', ?)",
                           (file, number // 2))  # fmt: skip
        connection.execute(
            "INSERT INTO notices (id, file, doc_number, title, issuers, status, script, text, record, position) "
            "VALUES (?, ?, ?, ?, ?, 'final', 'simplified', '', '{}', ?)",
            (notice_id, file, doc_number, title, json.dumps(issuers, ensure_ascii=False), number % 2),
        )
    by_insertion = sorted(references, key=lambda reference: order.index(int(reference[0][1:])))
    connection.executemany('INSERT INTO "references" VALUES (?, ?, ?, ?, ?, ?, ?, ?)', by_insertion)
    return connection


def _tables(connection: sqlite3.Connection) -> tuple[list, list]:
    return tuple(
        [tuple(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY position")]
        for table in ("documents", "edges")
    )


def _json_from_dicts(connection: sqlite3.Connection) -> str:
    """The node-link JSON as json.dumps writes each dict of nodes() and edges()."""
    stream = io.StringIO()
    graph = ObjectWriter(stream, sort_keys=True)
    graph.member("directed", True)
    graph.array("edges", edges(connection))
    graph.member("graph", {})
    graph.member("multigraph", True)
    graph.array("nodes", nodes(connection))
    graph.close()
    return stream.getvalue()


def _graphml_from_dicts(connection: sqlite3.Connection) -> str:
    """The GraphML as saxutils writes each dict of nodes() and edges()."""
    lines = [GRAPHML_HEADER]
    lines += [f'  <key id="{name}" for="{element}" attr.name="{name}" attr.type="{kind}" />\n'
              for element, name, kind in GRAPHML_KEYS]  # fmt: skip
    lines.append('  <graph edgedefault="directed">\n')
    for node in nodes(connection):
        lines.append(f"    <node id={quoteattr(_clean(node.pop('id')))}>\n{_data(node)}    </node>\n")
    for edge in edges(connection):
        ends = f"source={quoteattr(_clean(edge.pop('source')))} target={quoteattr(_clean(edge.pop('target')))}"
        lines.append(f"    <edge {ends} id={quoteattr(edge.pop('key'))}>\n{_data(edge)}    </edge>\n")
    lines.append("  </graph>\n</graphml>\n")
    return "".join(lines)


def _data(attributes: dict) -> str:
    elements = []
    for name, value in attributes.items():
        if isinstance(value, bool):
            text = str(value).lower()
        elif isinstance(value, list):
            text = _clean(LIST_SEPARATOR.join(value))
        elif value is not None:
            text = _clean(str(value))
        else:
            continue
        elements.append(f'      <data key="{name}">{escape(text)}</data>\n')
    return "".join(elements)


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.none() | TEXT, TEXT, st.none() | TEXT, st.lists(TEXT, max_size=4), st.booleans())
def test_a_manifest_entry_is_written_as_json_writes_it(path, sha256, status, error, notices, conflict) -> None:
    entry = {"path": path, "sha256": sha256, "status": status, "error": error, "notices": notices, "conflict": conflict}
    assert manifest_entry_json(entry) == json.dumps(entry, ensure_ascii=False)
