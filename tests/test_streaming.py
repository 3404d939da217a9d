"""A run's memory stays flat: outputs are written item by item, work is handed out a little at a time."""

from __future__ import annotations

import io
import json
import os
from concurrent.futures import Future
from pathlib import Path

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from graph import store
from graph.build import build_graph
from graph.export import write_graphml, write_node_link_json
from policygraph import executors
from schema.jsonstream import ObjectWriter
from schema.validate import validated_object

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4), st.lists(JSON_VALUES, max_size=4))
def test_a_streamed_object_reads_back_whole_with_a_line_per_member_and_item(members: dict, items: list) -> None:
    members.pop("items", None)
    stream = io.StringIO()
    writer = ObjectWriter(stream)
    for name, value in members.items():
        writer.member(name, value)
    writer.array("items", items)
    writer.close()
    lines = stream.getvalue().split("\n")[:-1]  # not splitlines(): JSON leaves U+2028 and the like unescaped
    assert json.loads(stream.getvalue()) == {**members, "items": items}
    assert len(lines) == 3 + len(members) + len(items) + bool(items)
    item_lines = lines[-2 - len(items) : -2] if items else []
    assert [json.loads(line.strip().rstrip(",")) for line in item_lines] == items


def test_the_graph_files_hold_the_resolved_graph(corpus_run: Path) -> None:
    with store.connect(corpus_run / store.DATABASE_NAME) as connection:
        as_json, as_graphml = io.StringIO(), io.StringIO()
        write_node_link_json(connection, as_json)
        write_graphml(connection, as_graphml)
    records = [json.loads(line) for line in (corpus_run / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = build_graph(validated_object(record) for record in records)
    assert json.loads(as_json.getvalue()) == nx.node_link_data(expected, edges="edges")
    read_back = nx.read_graphml(io.BytesIO(as_graphml.getvalue().encode("utf-8")))
    assert sorted(read_back.edges()) == sorted((source, target) for source, target, _ in expected.edges)
    assert read_back.nodes["鲁医保函〔2024〕28号"]["in_corpus"] is True


def test_work_is_handed_out_a_few_chunks_at_a_time() -> None:
    taken = []

    def items():
        for number in range(1000):
            taken.append(number)
            yield number

    window = 3
    outcomes = executors._in_order(lambda chunk: _done(list(chunk)), items(), window)
    for outcome in outcomes:
        assert len(taken) - outcome <= window * executors.CHUNK
    assert len(taken) == 1000


def _done(value: list) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _dies_on_seven(chunk: tuple[int, ...]) -> list[int]:
    """Work that kills its own process on one item, as a crash in a native library would."""
    if 7 in chunk:
        os._exit(70)
    return [item * 10 for item in chunk]


def test_an_item_that_kills_its_worker_fails_alone_and_the_rest_go_on() -> None:
    outcomes = list(executors.local(_dies_on_seven, list(range(100)), 2, crashed=lambda item: -item))
    assert outcomes == [-7 if item == 7 else item * 10 for item in range(100)]
