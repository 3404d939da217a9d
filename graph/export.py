"""The graph as files: node-link JSON for programs, GraphML for Gephi, yEd and Neo4j.

Both are streamed from the database node by node, so writing a national graph takes no
more memory than writing a small one. The JSON is what networkx's `node_link_data`
gives, a line per node and per edge.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from graph.build import edges, nodes
from schema.jsonstream import ObjectWriter

LIST_SEPARATOR = "；"
GRAPHML_HEADER = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
"""
# (element, attribute, GraphML type): GraphML declares every attribute before the graph.
GRAPHML_KEYS = (
    ("node", "in_corpus", "boolean"), ("node", "doc_number", "string"), ("node", "title", "string"),
    ("node", "code", "string"), ("node", "issuers", "string"), ("node", "issue_date", "string"),
    ("node", "file", "string"), ("edge", "relation", "string"), ("edge", "evidence", "string"),
    ("edge", "evidence_start", "long"), ("edge", "evidence_end", "long"),
)  # fmt: skip
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def write_node_link_json(connection: sqlite3.Connection, stream: TextIO) -> None:
    graph = ObjectWriter(stream, sort_keys=True)
    graph.member("directed", True)
    graph.array("edges", edges(connection))
    graph.member("graph", {})
    graph.member("multigraph", True)
    graph.array("nodes", nodes(connection))
    graph.close()


def write_graphml(connection: sqlite3.Connection, stream: TextIO) -> None:
    """GraphML holds only scalars: lists are joined, missing values left out."""
    stream.write(GRAPHML_HEADER)
    for element, name, kind in GRAPHML_KEYS:
        stream.write(f'  <key id="{name}" for="{element}" attr.name="{name}" attr.type="{kind}" />\n')
    stream.write('  <graph edgedefault="directed">\n')
    for node in nodes(connection):
        stream.write(f"    <node id={quoteattr(_clean(node.pop('id')))}>\n{_data(node)}    </node>\n")
    for edge in edges(connection):
        ends = f"source={quoteattr(_clean(edge.pop('source')))} target={quoteattr(_clean(edge.pop('target')))}"
        stream.write(f"    <edge {ends} id={quoteattr(edge.pop('key'))}>\n{_data(edge)}    </edge>\n")
    stream.write("  </graph>\n</graphml>\n")


def _data(attributes: dict) -> str:
    return "".join(f'      <data key="{name}">{escape(value)}</data>\n' for name, value in _scalars(attributes))


def _scalars(attributes: dict) -> Iterator[tuple[str, str]]:
    for name, value in attributes.items():
        if isinstance(value, bool):
            yield name, str(value).lower()
        elif isinstance(value, list):
            yield name, _clean(LIST_SEPARATOR.join(value))
        elif value is not None:
            yield name, _clean(str(value))


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)
