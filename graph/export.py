"""The graph as files: node-link JSON for programs, GraphML for Gephi, yEd and Neo4j."""

from __future__ import annotations

import io
import json

import networkx as nx

LIST_SEPARATOR = "；"


def node_link_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML holds only scalars: lists are joined, missing values left out."""
    flat = nx.MultiDiGraph()
    for node, attributes in graph.nodes(data=True):
        flat.add_node(node, **_scalars(attributes))
    for source, target, key, attributes in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **_scalars(attributes))
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def _scalars(attributes: dict) -> dict:
    flat = {}
    for name, value in attributes.items():
        if isinstance(value, list):
            flat[name] = LIST_SEPARATOR.join(value)
        elif value is not None:
            flat[name] = value
    return flat
