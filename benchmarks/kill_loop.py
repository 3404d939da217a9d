"""Runs killed with SIGKILL at random points, and the output folder checked after each:
it opens, and a restart gives, byte for byte, the outputs of a run never killed.

    python -m benchmarks.kill_loop [--quick] [--seed 12] [--work /tmp/policygraph-kill-loop]

(a) Fresh runs over the bundled corpus (30), each killed in its first 100 ms. (b) A run
over a batch of distinct files (3,000: the samples again, made unique by trailing blank
lines) killed at random points of its course (10): each kill is of a run over a fresh
folder and a `--force` run over complete outputs in turn, so that kills land both where
a run builds a folder and where it replaces one. After each kill the database, if there
is one, must open and answer a search, and `policygraph run` must restart to outputs
identical to the clean run's (notices.jsonl, graph.json, graph.graphml, manifest.json),
leaving no temporary behind.

Runs are forked from this process, which has loaded the pipeline: a run's first 100 ms
are then its work on the folder (the lock, the cache, the database's migrations, the
first files), not the interpreter's start-up, which writes nothing. `--quick` is the
test suite's small version.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import random
import shutil
import signal
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from extract.nlp import segmenter
from graph import query, store
from policygraph.cli import main as policygraph
from policygraph.state import pipeline_digest

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
OUTPUT_FILES = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json")
SEARCH_WORDS = "冠脉支架"
FRESH_KILL_WINDOW = 0.1  # seconds: a fresh run is killed this early, where it makes the folder and the database
SQLITE_HEADER_BYTES = 100
USER_VERSION_BYTES = slice(60, 64)  # where SQLite's file header keeps PRAGMA user_version, big-endian
FULL = {"fresh": 30, "files": 3_000, "kills": 10}
QUICK = {"fresh": 3, "files": 60, "kills": 2}


@dataclass(frozen=True)
class Kill:
    """What one kill left, and what the check found: `problem` is None when all was well."""

    left: str
    problem: str | None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few kills on a small batch, for the test suite")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-kill-loop"))
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    shutil.rmtree(args.work, ignore_errors=True)
    rng = random.Random(args.seed)
    _warm_up()
    fresh = _fresh_runs(args.work / "small", sizes["fresh"], rng)
    _report(fresh, "fresh folders open and restart identical")
    batch = _batch_runs(args.work / "large", sizes["files"], sizes["kills"], rng)
    _report(batch, f"kills of a {sizes['files']:,}-file run: folder opens and restart identical")


def _warm_up() -> None:
    """What every run imports, loads and computes, done here once: a forked run's first
    milliseconds are then its own work."""
    importlib.import_module("policygraph.pipeline")
    segmenter()
    pipeline_digest()


def _fresh_runs(work: Path, count: int, rng: random.Random) -> list[Kill]:
    clean = _clean_run(CORPUS, work / "clean")
    kills = []
    for _ in range(count):
        out = work / "killed"
        shutil.rmtree(out, ignore_errors=True)
        kills.append(_kill_and_check(CORPUS, out, [], rng.uniform(0, FRESH_KILL_WINDOW), clean))
    return kills


def _batch_runs(work: Path, files: int, count: int, rng: random.Random) -> list[Kill]:
    corpus = distinct_copies(work / "in", files)
    started = time.perf_counter()
    clean = _clean_run(corpus, work / "clean")
    seconds = time.perf_counter() - started
    out = work / "killed"
    kills = []
    for number in range(count):
        if number % 2 == 0:
            shutil.rmtree(out, ignore_errors=True)
        extra = [] if number % 2 == 0 else ["--force"]
        kills.append(_kill_and_check(corpus, out, extra, rng.uniform(0, seconds), clean))
    return kills


def distinct_copies(folder: Path, count: int) -> Path:
    """`count` distinct files: each sample again, made unique by trailing blank lines."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted(CORPUS.glob("*.txt"))
    for number in range(count):
        sample = samples[number % len(samples)]
        text = sample.read_text(encoding="utf-8") + "\n" * (number + 1)
        (folder / f"{number:04d}_{sample.name}").write_text(text, encoding="utf-8")
    return folder


def _clean_run(corpus: Path, out: Path) -> dict[str, bytes]:
    code, said = _quietly(["run", str(corpus), "--out", str(out)])
    if code != 0:
        raise SystemExit(f"the clean run failed ({code}): {said}")
    return _outputs(out)


def _kill_and_check(corpus: Path, out: Path, extra: list[str], after: float, clean: dict[str, bytes]) -> Kill:
    run = ["run", str(corpus), "--out", str(out), *extra]
    child = os.fork()
    if child == 0:
        _run_and_exit(run)
    time.sleep(after)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    left = _what_was_left(out)
    return Kill(left, _opens(out) or _restarts(corpus, out, clean))


def _run_and_exit(arguments: list[str]) -> None:
    """The forked run; whatever happens, the child ends here and never returns to the loop.

    tqdm's lock is a semaphore shared with the process it was forked from: a run killed
    holding it would stop this process's next run for good, so the run gets its own."""
    code = 1
    try:
        tqdm.set_lock(threading.RLock())
        silent = os.open(os.devnull, os.O_WRONLY)
        os.dup2(silent, 1)
        os.dup2(silent, 2)
        code = policygraph(arguments)
    finally:
        os._exit(code)


def _what_was_left(out: Path) -> str:
    """Read from the file's header, as opening the database would roll a hot journal back."""
    database = out / store.DATABASE_NAME
    if not database.exists():
        return "no database yet"
    with database.open("rb") as stream:
        header = stream.read(SQLITE_HEADER_BYTES)
    version = int.from_bytes(header[USER_VERSION_BYTES], "big") if len(header) == SQLITE_HEADER_BYTES else 0
    journal = ", and a transaction to roll back" if Path(f"{database}-journal").exists() else ""
    return f"a database at version {version} of {len(store.MIGRATIONS)}{journal}"


def _opens(out: Path) -> str | None:
    """None if the database the kill left opens and answers, or if there is none yet."""
    database = out / store.DATABASE_NAME
    if not database.exists():
        return None
    try:
        with closing(store.connect(database)) as connection:
            query.search(connection, SEARCH_WORDS)
    except sqlite3.Error as error:
        return f"the database does not open: {error}"
    return None


def _restarts(corpus: Path, out: Path, clean: dict[str, bytes]) -> str | None:
    code, said = _quietly(["run", str(corpus), "--out", str(out)])
    if code != 0:
        return f"the restart failed ({code}): {said}"
    differing = [name for name, content in _outputs(out).items() if content != clean[name]]
    if differing:
        return f"the restart differs from the clean run in {', '.join(differing)}"
    temporaries = sorted(path.name for path in out.glob(".*.tmp"))
    if temporaries:
        return f"temporaries left: {', '.join(temporaries)}"
    return _opens(out) if (out / store.DATABASE_NAME).exists() else "the restart made no database"


def _quietly(arguments: list[str]) -> tuple[int, str]:
    """The command's exit code and what it printed; an exception is a failure to report, not to stop at."""
    said = io.StringIO()
    with redirect_stdout(said), redirect_stderr(said):
        try:
            code = policygraph(arguments)
        except Exception as error:
            return 1, f"{type(error).__name__}: {error}"
    return code, said.getvalue().strip()


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() if (out / name).exists() else b"" for name in OUTPUT_FILES}


def _report(kills: list[Kill], what: str) -> None:
    good = sum(kill.problem is None for kill in kills)
    print(f"{good}/{len(kills)} {what}")
    left = Counter(kill.left for kill in kills)
    print("  the kills left: " + "; ".join(f"{description} ({count})" for description, count in sorted(left.items())))
    for kill in kills:
        if kill.problem:
            print(f"  after a kill that left {kill.left}: {kill.problem}")


if __name__ == "__main__":
    main()
