"""Re-runs, workers, time limits and a run killed midway: nothing lost, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from hashlib import sha256
from pathlib import Path

import pytest

from benchmarks.kill_loop import distinct_copies
from graph import store
from policygraph import state
from policygraph.cache import CACHE_PATH, open_cache
from policygraph.executors import CHUNK
from policygraph.outcome import FileOutcome
from policygraph.outputs import UMASK
from policygraph.pipeline import RunOptions, run
from tests.conftest import CORPUS, PROJECT

OUTPUT_FILES = ("notices.jsonl", "graph.json", "graph.graphml", "manifest.json")


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def cached_results(out: Path) -> int:
    """How many results a run has committed to its cache so far."""
    try:
        with closing(sqlite3.connect((out / CACHE_PATH).resolve().as_uri() + "?mode=ro", uri=True)) as connection:
            return connection.execute("SELECT count(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_rerun_reuses_unchanged_files_and_writes_the_same(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run([str(CORPUS)], out)
    before = outputs(out)
    again = run([str(CORPUS)], out)
    assert (first.reused, again.reused) == (0, 5)
    assert outputs(out) == before
    forced = run([str(CORPUS)], out, RunOptions(force=True))
    assert forced.reused == 0
    assert outputs(out) == before


def test_outputs_are_readable_as_any_file_the_user_writes(tmp_path: Path) -> None:
    run([str(CORPUS)], tmp_path / "out")
    expected = 0o666 & ~UMASK
    assert {name: (tmp_path / "out" / name).stat().st_mode & 0o777 for name in OUTPUT_FILES} == dict.fromkeys(
        OUTPUT_FILES, expected
    )


def test_a_settled_rerun_does_nothing_until_a_file_or_an_output_changes(tmp_path: Path) -> None:
    corpus, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(CORPUS, corpus)
    run([str(corpus)], out)
    written = {name: (out / name).stat().st_mtime_ns for name in OUTPUT_FILES}
    assert state.settled([str(corpus)], out).reused == 5
    run([str(corpus)], out)
    assert {name: (out / name).stat().st_mtime_ns for name in OUTPUT_FILES} == written
    (out / "graph.json").unlink()
    assert state.settled([str(corpus)], out) is None
    run([str(corpus)], out)
    os.utime(corpus / "001_5bd8d455ddfe790f.txt", ns=(1, 1))
    assert state.settled([str(corpus)], out) is None
    assert store.DATABASE_NAME in state.REQUIRED_OUTPUTS


def test_a_moved_file_is_reused_under_its_new_path(tmp_path: Path) -> None:
    source = tmp_path / "a" / "notice.txt"
    source.parent.mkdir()
    shutil.copy(CORPUS / "001_5bd8d455ddfe790f.txt", source)
    run([str(source)], tmp_path / "out")
    moved = tmp_path / "b" / "renamed.txt"
    moved.parent.mkdir()
    source.rename(moved)
    summary = run([str(moved)], tmp_path / "out")
    record = json.loads((tmp_path / "out" / "notices.jsonl").read_text(encoding="utf-8"))
    assert summary.reused == 1
    assert record["source"]["file"] == str(moved)


def test_workers_give_identical_outputs(tmp_path: Path) -> None:
    corpus = distinct_copies(tmp_path / "in", 12)
    run([str(corpus)], tmp_path / "one", RunOptions(jobs=1))
    run([str(corpus)], tmp_path / "two", RunOptions(jobs=2))
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_worker_processes_write_the_cache_that_the_next_run_reuses(tmp_path: Path) -> None:
    corpus, out = distinct_copies(tmp_path / "in", 40), tmp_path / "out"
    run([str(corpus)], out, RunOptions(jobs=2))
    assert cached_results(out) == 40
    (corpus / "new.txt").write_text("关于执行集中带量采购结果的通知\n正文。", encoding="utf-8")
    assert run([str(corpus)], out, RunOptions(jobs=2)).reused == 40


def test_a_cache_of_the_earlier_layout_is_dropped_and_its_files_read_again(tmp_path: Path) -> None:
    """Layout 3 held each record as a JSON string inside the entry: such an entry is never
    taken for a record, whatever it held, and the run writes what a fresh one writes."""
    fresh, out = tmp_path / "fresh", tmp_path / "out"
    run([str(CORPUS)], fresh)
    (out / CACHE_PATH).parent.mkdir(parents=True)
    with closing(sqlite3.connect(out / CACHE_PATH)) as connection, connection:
        connection.executescript(
            "CREATE TABLE results (sha256 TEXT, pipeline TEXT, file TEXT, status TEXT, error TEXT, notices TEXT, "
            "time_limit REAL); PRAGMA user_version = 3;"
        )
        connection.executemany(
            "INSERT INTO results VALUES (?, ?, ?, 'ok', NULL, ?, NULL)",
            [(sha256(path.read_bytes()).hexdigest(), state.pipeline_digest(), str(path), '[["x", "{}", 0]]')
             for path in CORPUS.iterdir()],
        )  # fmt: skip
    assert run([str(CORPUS)], out).reused == 0
    assert outputs(out) == outputs(fresh)


def test_opening_the_cache_drops_the_results_of_every_other_pipeline_and_keeps_this_ones(tmp_path: Path) -> None:
    """Digests sort on both sides of this pipeline's: the drop asks for both ranges."""
    open_cache(tmp_path).close()
    pipelines = ["0" * 16, state.pipeline_digest(), "f" * 16, ""]
    with closing(sqlite3.connect(tmp_path / CACHE_PATH)) as connection, connection:
        connection.executemany(
            "INSERT INTO results VALUES (?, ?, 'a.txt', 'failed', 'no notice text found in the file', '[]', NULL)",
            [(f"{number:064}", pipeline) for number, pipeline in enumerate(pipelines)],
        )
    open_cache(tmp_path).close()
    with closing(sqlite3.connect(tmp_path / CACHE_PATH)) as connection:
        assert connection.execute("SELECT pipeline FROM results").fetchall() == [(state.pipeline_digest(),)]


def test_a_cached_result_taken_for_a_moved_file_is_what_a_fresh_run_writes(tmp_path: Path) -> None:
    """The cached records are re-attributed to the path the content has now."""
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(CORPUS, before)
    run([str(before)], tmp_path / "out")
    before.rename(after)
    assert run([str(after)], tmp_path / "out").reused == 5
    run([str(after)], tmp_path / "fresh")
    assert outputs(tmp_path / "out") == outputs(tmp_path / "fresh")


def test_a_worker_on_another_machine_leaves_the_cache_alone(tmp_path: Path, monkeypatch) -> None:
    """WAL, which lets processes share the cache, needs them all on one machine."""
    cache = open_cache(tmp_path)
    monkeypatch.setattr("socket.gethostname", lambda: "another-machine")
    cache.save(FileOutcome("a.txt", "0" * 64, "failed", "no notice text found in the file"))
    cache.commit()
    assert cached_results(tmp_path) == 0


def test_a_file_over_its_time_limit_fails_alone_and_is_retried(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run([str(CORPUS)], out, RunOptions(seconds_per_file=0.0005))
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert summary.failed >= 1
    assert all(entry["error"].startswith("timed out") for entry in entries if entry["status"] == "failed")
    retried = run([str(CORPUS)], out)
    assert (retried.failed, retried.reused) == (0, 5 - summary.failed)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = distinct_copies(tmp_path / "in", 3 * CHUNK)  # results are committed a chunk at a time
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    run([str(corpus)], clean)
    command = [sys.executable, "-m", "policygraph.cli", "run", str(corpus), "--out", str(killed)]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and cached_results(killed) < 10:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "manifest.json").exists(), "the run was killed before it wrote its outputs"
    summary = run([str(corpus)], killed)
    assert summary.reused >= 10
    assert outputs(killed) == outputs(clean)
