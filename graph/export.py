"""The graph as files: node-link JSON for programs, GraphML for Gephi, yEd and Neo4j.

Both are streamed from the database node by node, so writing a national graph takes no
more memory than writing a small one. The JSON is what networkx's `node_link_data`
gives, a line per node and per edge.

Both are written from the database rows rather than from `nodes()` and `edges()`: a dict
per row and json.dumps or saxutils per value cost more than the writing itself. Each line
is formatted directly, and what the library functions would do for it (escape, quote,
encode) is done only when a value needs it.

A graph resolved by appending notices (graph.build) keeps every earlier notice's node and
every earlier edge as they were: its files copy those lines from the files written before,
where their writer marked the byte offsets of each part, and write only the rest.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, TextIO

from graph.build import Numbering, edge_rows, node_rows, numbering
from schema.jsonstream import ObjectWriter, json_value

LIST_SEPARATOR = "；"
GRAPHML_HEADER = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
"""
# (element, attribute, GraphML type): GraphML declares every attribute before the graph.
GRAPHML_KEYS = (
    ("node", "in_corpus", "boolean"), ("node", "doc_number", "string"), ("node", "title", "string"),
    ("node", "code", "string"), ("node", "issuers", "string"), ("node", "issue_date", "string"),
    ("node", "file", "string"), ("node", "copies", "string"), ("node", "conflicts", "string"),
    ("edge", "relation", "string"), ("edge", "evidence", "string"),
    ("edge", "evidence_start", "long"), ("edge", "evidence_end", "long"),
)  # fmt: skip
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
ATTRIBUTE_SPECIAL = re.compile('[&<>"]')  # what quoteattr changes in printable text
CACHED = 4096  # distinct issuer lists and relations kept encoded
OLD_EDGES = "SELECT count(*) FROM edges WHERE position < ?"


class Earlier(NamedTuple):
    """The file a graph was written to before its last notices were appended: the byte
    offsets its writer marked, `copy` (which puts a range of its bytes at the end of the
    stream being written), and how far the graph was numbered then."""

    marks: list[int]
    copy: Callable[[int, int], None]
    numbering: Numbering


def write_node_link_json(connection: sqlite3.Connection, stream: TextIO, earlier: Earlier | None = None) -> list[int]:
    """Each item as json.dumps(item, ensure_ascii=False, sort_keys=True) would write it. The
    marks it returns are where the edges begin and end, and where the nodes and the
    notices' nodes begin and end: the notices' nodes come first."""
    notices, first_notice, first_edge = _parts(connection, earlier)
    graph = ObjectWriter(stream, sort_keys=True)
    graph.member("directed", True)
    graph.begin_array("edges")
    marks = [mark(stream)]
    if earlier:
        earlier.copy(earlier.marks[0], earlier.marks[1])
        graph.copied_items(connection.execute(OLD_EDGES, (first_edge,)).fetchone()[0])
    graph.encoded_items(map(_edge_json, edge_rows(connection, first_edge)))
    marks.append(mark(stream))
    graph.end_array()
    graph.member("graph", {})
    graph.member("multigraph", True)
    graph.begin_array("nodes")
    marks.append(mark(stream))
    if earlier:
        earlier.copy(earlier.marks[2], earlier.marks[3])
        graph.copied_items(first_notice)
    graph.encoded_items(map(_node_json, node_rows(connection, first_notice, notices)))
    marks.append(mark(stream))
    graph.encoded_items(map(_node_json, node_rows(connection, notices)))
    graph.end_array()
    graph.close()
    return marks


def _parts(connection: sqlite3.Connection, earlier: Earlier | None) -> tuple[int, int, int]:
    """The notices (whose nodes come first), and the first notice and edge not in `earlier`."""
    resolved = numbering(connection)
    notices = resolved.notices if resolved else 0
    return (notices, earlier.numbering.notices, earlier.numbering.next_edge_position) if earlier else (notices, 0, 0)


def mark(stream: TextIO) -> int:
    """The byte offset the stream has reached."""
    stream.flush()
    return stream.tell()


def _edge_json(row: tuple) -> str:
    source, target, relation, quote, start, end = row
    relation = json_value(relation)
    return (
        f'{{"evidence": {json_value(quote)}, "evidence_end": {json_value(end)}, "evidence_start": {json_value(start)}, '
        f'"key": {relation}, "relation": {relation}, "source": {json_value(source)}, "target": {json_value(target)}}}'
    )


def _node_json(row: tuple) -> str:
    node, in_corpus, doc_number, title, code, issuers, issue_date, file, copies, conflicts = row
    if in_corpus:
        return (
            f'{{"conflicts": {_list_json(conflicts)}, "copies": {_list_json(copies)}, '
            f'"doc_number": {json_value(doc_number)}, "file": {json_value(file)}, "id": {json_value(node)}, '
            f'"in_corpus": true, "issue_date": {json_value(issue_date)}, "issuers": {_list_json(issuers)}, '
            f'"title": {json_value(title)}}}'
        )
    return (
        f'{{"code": {json_value(code)}, "doc_number": {json_value(doc_number)}, "id": {json_value(node)}, '
        f'"in_corpus": false, "title": {json_value(title)}}}'
    )


@lru_cache(maxsize=CACHED)
def _list_json(items: str) -> str:
    """A list the database holds as JSON, as json.dumps writes it. Issuer lists repeat
    across notices, and most lists of copies are empty: each is decoded and encoded once."""
    return json.dumps(json.loads(items), ensure_ascii=False)


def write_graphml(connection: sqlite3.Connection, stream: TextIO, earlier: Earlier | None = None) -> list[int]:
    """GraphML holds only scalars: lists are joined, missing values left out. The marks it
    returns are where the notices' nodes begin and end, and where the edges begin and end."""
    notices, first_notice, first_edge = _parts(connection, earlier)
    stream.write(GRAPHML_HEADER)
    for element, name, kind in GRAPHML_KEYS:
        stream.write(f'  <key id="{name}" for="{element}" attr.name="{name}" attr.type="{kind}" />\n')
    stream.write('  <graph edgedefault="directed">\n')
    marks = [mark(stream)]
    if earlier:
        earlier.copy(earlier.marks[0], earlier.marks[1])
    stream.writelines(map(_node_graphml, node_rows(connection, first_notice, notices)))
    marks.append(mark(stream))
    stream.writelines(map(_node_graphml, node_rows(connection, notices)))
    marks.append(mark(stream))
    if earlier:
        earlier.copy(earlier.marks[2], earlier.marks[3])
    stream.writelines(map(_edge_graphml, edge_rows(connection, first_edge)))
    marks.append(mark(stream))
    stream.write("  </graph>\n</graphml>\n")
    return marks


def _node_graphml(row: tuple) -> str:
    node, in_corpus, doc_number, title, code, issuers, issue_date, file, copies, conflicts = row
    if in_corpus:
        data = (
            f'      <data key="in_corpus">true</data>\n{_data("doc_number", doc_number)}{_data("title", title)}'
            f'      <data key="issuers">{_list_graphml(issuers)}</data>\n'
            f"{_data('issue_date', issue_date)}{_data('file', file)}"
            f'      <data key="copies">{_list_graphml(copies)}</data>\n'
            f'      <data key="conflicts">{_list_graphml(conflicts)}</data>\n'
        )
    else:
        data = (
            f'      <data key="in_corpus">false</data>\n{_data("doc_number", doc_number)}{_data("title", title)}'
            f"{_data('code', code)}"
        )
    return f"    <node id={_id(node)}>\n{data}    </node>\n"


def _edge_graphml(row: tuple) -> str:
    source, target, relation, quote, start, end = row
    return (
        f"    <edge source={_id(source)} target={_id(target)} {_relation_graphml(relation)}"
        f"{_data('evidence', quote)}{_data('evidence_start', start)}{_data('evidence_end', end)}    </edge>\n"
    )


@lru_cache(maxsize=CACHED)
def _relation_graphml(relation: str) -> str:
    """An edge's id attribute and relation element: relations are few. The id is not cleaned."""
    return f"id={_quoted(relation)}>\n{_data('relation', relation)}"


def _data(name: str, value: object) -> str:
    """The value's data element, nothing for a missing value; escaped as saxutils.escape does."""
    if value is None:
        return ""
    if value.__class__ is int:  # digits and a sign: nothing to clean or escape
        return f'      <data key="{name}">{value}</data>\n'
    return f'      <data key="{name}">{_text(value if value.__class__ is str else str(value))}</data>\n'


@lru_cache(maxsize=CACHED)
def _list_graphml(items: str) -> str:
    return _text(LIST_SEPARATOR.join(json.loads(items)))


def _text(text: str) -> str:
    """escape(_clean(text)), saxutils' escape being these three replacements."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _id(text: str) -> str:
    return _quoted(_clean(text))


def _quoted(text: str) -> str:
    """quoteattr(text), which for printable text without &, <, > or " is the text in double
    quotes. saxutils is imported only for the rest: it imports urllib.request, 15 ms of a
    run's start-up, and few graphs have such an id."""
    if text.isprintable() and not ATTRIBUTE_SPECIAL.search(text):
        return f'"{text}"'
    from xml.sax.saxutils import quoteattr

    return quoteattr(text)


def _clean(text: str) -> str:
    """Printable text holds none of NOT_XML's characters: only the rest is searched."""
    return text if text.isprintable() else NOT_XML.sub("", text)
