"""Query latency on a generated corpus, as compliance officers would meet it.

    python -m benchmarks.queries [--notices 10000] [--samples 200]

Runs the pipeline once (two workers), then times `show`, `implementers`, `facts`,
`search` and `rollout` on documents drawn at random (the rollout's among the documents
notices implement), each on a fresh connection as a command would open it, and prints p50
and p95 in milliseconds; then `policygraph rollout` as a whole command, start-up included,
on the document with the most implementers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpus import generate, write
from graph import query, store
from graph.rollout import rollout
from policygraph.pipeline import RunOptions, run

ISSUERS = ["山东", "辽宁", "广东", "浙江"]
COMMAND_RUNS = 20
IMPLEMENTED = """SELECT target, count(*) AS implementers FROM edges WHERE relation = 'implements'
                 GROUP BY target ORDER BY implementers DESC, target"""
FACT_TYPES = ["prepayments", "procurement_periods", "self_pay_adjustments", "price_caps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-queries"))
    args = parser.parse_args()
    folder, out = args.work / "in", args.work / "out"
    if not (out / store.DATABASE_NAME).exists():
        write(generate(args.notices), folder)
        run([str(folder)], out, RunOptions(jobs=2))
    database = out / store.DATABASE_NAME
    numbers = _numbers(database)
    implemented = _implemented(database)
    rng = random.Random(5)
    questions = {
        "show": lambda db: query.show(db, rng.choice(numbers)),
        "implementers": lambda db: query.implementers(db, rng.choice(numbers)),
        "facts": lambda db: query.facts(db, rng.choice(FACT_TYPES), issuer=rng.choice(ISSUERS)),
        "search": lambda db: query.search(db, rng.choice(["冠脉支架", "人工关节 预付", "集采"])),
        "rollout": lambda db: rollout(db, rng.choice(implemented)[0]),
    }
    print(f"{len(numbers):,} numbered notices in {database}")
    for name, ask in questions.items():
        times = [_timed(database, ask) for _ in range(args.samples)]
        cuts = statistics.quantiles(times, n=20)
        print(f"{name:<13} p50 {statistics.median(times):7.2f} ms   p95 {cuts[18]:7.2f} ms")
    _whole_rollout(out, *implemented[0])


def _implemented(database: Path) -> list[tuple[str, int]]:
    connection = store.connect(database)
    try:
        return [tuple(row) for row in connection.execute(IMPLEMENTED)]
    finally:
        connection.close()


def _whole_rollout(out: Path, node: str, implementers: int) -> None:
    """What an officer waits for: the command, from start-up to the last line printed."""
    command = [sys.executable, "-m", "policygraph.cli", "rollout", node, "--out", str(out)]
    times = []
    for _ in range(COMMAND_RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"policygraph rollout {node} ({implementers} implementing notices, their forwards too): "
        f"p50 {statistics.median(times):.0f} ms, min {min(times):.0f}, max {max(times):.0f} over {COMMAND_RUNS} runs"
    )


def _numbers(database: Path) -> list[str]:
    connection = store.connect(database)
    try:
        return [row[0] for row in connection.execute("SELECT doc_number FROM notices WHERE doc_number IS NOT NULL")]
    finally:
        connection.close()


def _timed(database: Path, ask) -> float:
    started = time.perf_counter()
    connection = store.connect(database)
    try:
        ask(connection)
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
