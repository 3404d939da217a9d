"""The notice graph: notices and the documents they reference, one node per document.

Notices are registered first, so a reference resolves to a notice wherever in the batch
that notice came from; references to a document outside the corpus meet in one external
node, which carries the best identifiers any mention gave.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.identity import strong_keys, weak_key
from schema import NoticeRecord, Reference


class DocumentIndex:
    """Which node each key leads to."""

    def __init__(self) -> None:
        self.strong: dict[str, str] = {}
        self.weak: dict[str, set[str]] = {}

    def register(self, node: str, keys: list[str], weak: str | None) -> None:
        for key in keys:
            self.strong.setdefault(key, node)
        if weak:
            self.weak.setdefault(weak, set()).add(node)

    def resolve(self, keys: list[str], weak: str | None) -> str | None:
        found = next((self.strong[key] for key in keys if key in self.strong), None)
        if found or not weak:
            return found
        candidates = self.weak.get(weak, set())
        return next(iter(candidates)) if len(candidates) == 1 else None


def build_graph(records: Iterable[NoticeRecord]) -> nx.MultiDiGraph:
    records = list(records)
    graph = nx.MultiDiGraph()
    index = DocumentIndex()
    for record in records:
        _add_notice(graph, index, record)
    for record in records:
        for reference in record.references:
            _add_reference(graph, index, record, reference)
    return graph


def _add_notice(graph: nx.MultiDiGraph, index: DocumentIndex, record: NoticeRecord) -> None:
    graph.add_node(
        record.id,
        in_corpus=True,
        doc_number=record.doc_number,
        title=record.title,
        issuers=list(record.issuers),
        issue_date=record.issue_date.isoformat() if record.issue_date else None,
        file=record.source.file,
    )
    index.register(
        record.id, strong_keys(record.doc_number, None, record.title, record.issuers), weak_key(record.title)
    )


def _add_reference(graph: nx.MultiDiGraph, index: DocumentIndex, record: NoticeRecord, reference: Reference) -> None:
    keys = strong_keys(reference.doc_number, reference.code, reference.title, [])
    weak = weak_key(reference.title)
    target = index.resolve(keys, weak)
    if target is None:
        target = "ref:" + keys[0].split(":", 1)[1] if keys else "ref:" + (weak or "?")
        graph.add_node(target, in_corpus=False, doc_number=None, title=None, code=None)
    index.register(target, keys, weak)
    _fill_identifiers(graph.nodes[target], reference)
    if target == record.id or graph.has_edge(record.id, target, key=reference.relation):
        return
    graph.add_edge(
        record.id,
        target,
        key=reference.relation,
        relation=reference.relation,
        evidence=reference.evidence.quote,
        evidence_start=reference.evidence.start,
        evidence_end=reference.evidence.end,
    )


def _fill_identifiers(node: dict, reference: Reference) -> None:
    if node.get("in_corpus"):
        return
    for key in ("doc_number", "title", "code"):
        if not node.get(key):
            node[key] = getattr(reference, key)
