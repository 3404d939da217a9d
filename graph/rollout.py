"""Where a document is carried out: every notice implementing or forwarding it, however
many steps down (a province's notice, then its cities' notices forwarding that one), each
placed where its lead issuer is, and the mainland's province-level divisions without one.

This is what a national procurement file (GH-HD2023-1) is asked: which provinces and
cities have acted on it, from when and for how long, and which have not as far as the
corpus shows. A province counts as having acted when the document itself or any notice
of its rollout was issued there.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

from extract.gazetteer import mainland_provinces
from graph.query import Document, implementers, resolve
from graph.store import select_in

# A notice's place is its lead issuer's: the first of its regions.
NOTICE_PLACES = """
    SELECT n.id, n.effective_date, r.level, r.province, r.city, r.county
    FROM notices n LEFT JOIN regions r ON r.notice_id = n.id AND r.position = 0 WHERE n.id IN ({marks})"""
NOTICE_PERIODS = """
    SELECT notice_id, fact FROM facts WHERE type = 'procurement_periods' AND notice_id IN ({marks})
    ORDER BY notice_id, start"""
PERIOD_FIELDS = ("months", "extension_months", "start", "end")
NO_PLACE = {"effective_date": None, "level": None, "province": None, "city": None, "county": None}
ABOVE_PROVINCES = ("national", "alliance")


def rollout(connection: sqlite3.Connection, name: str) -> dict:
    """{"target", "rows", "missing"}, as graph/answers.py's Rollout describes each field:
    plain values, as every query answers, which the command line prints without pydantic."""
    target = resolve(connection, name)
    walk = implementers(connection, target.node)
    nodes = [step["node"] for step in walk]
    places = _places(connection, [target.node, *nodes])
    periods = _periods(connection, nodes)
    paths = _paths(target, walk)
    rows = [_row(step, places.get(step["node"], NO_PLACE), paths[step["node"]], periods) for step in walk]
    provinces = mainland_provinces()
    rows.sort(key=lambda row: (_place_order(row, provinces), row["path"]))
    acted = {row["province"] for row in rows} | {places.get(target.node, NO_PLACE)["province"]}
    missing = [province for province in provinces if province not in acted]
    return {"target": asdict(target), "rows": rows, "missing": missing}


def _places(connection: sqlite3.Connection, nodes: list[str]) -> dict[str, dict]:
    return {row["id"]: dict(row) for row in select_in(connection, NOTICE_PLACES, nodes)}


def _periods(connection: sqlite3.Connection, nodes: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for notice_id, fact in select_in(connection, NOTICE_PERIODS, nodes):
        values = json.loads(fact)
        found.setdefault(notice_id, []).append({field: values.get(field) for field in PERIOD_FIELDS})
    return found


def _paths(target: Document, walk: list[dict]) -> dict[str, list[str]]:
    """Each notice's path, through the notice it was first reached from: the walk lists a
    notice after the one it came from, as it orders by depth."""
    paths = {target.node: [target.doc_number or target.code or target.node]}
    for step in walk:
        paths[step["node"]] = [*paths[step["via"]], step["doc_number"] or step["node"]]
    return paths


def _row(step: dict, place: dict, path: list[str], periods: dict[str, list[dict]]) -> dict:
    return {
        "node": step["node"],
        "doc_number": step["doc_number"],
        "title": step["title"],
        "issuers": step["issuers"],
        "level": place["level"],
        "province": place["province"],
        "city": place["city"],
        "county": place["county"],
        "relation": step["relation"],
        "path": path,
        "issue_date": step["issue_date"],
        "effective_date": place["effective_date"],
        "procurement_periods": periods.get(step["node"], []),
    }


def _place_order(row: dict, provinces: list[str]) -> int:
    """National and alliance bodies' notices first, then province by province in code order
    (a province's own before its cities', as their paths are longer), then those placed nowhere."""
    if row["province"] in provinces:
        return provinces.index(row["province"])
    return -1 if row["level"] in ABOVE_PROVINCES else len(provinces)
