"""The output folder always opens: whatever a killed run, another run or the folder itself
left there, the next run works and the query commands answer or say what to do."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from benchmarks import kill_loop
from graph import query, store
from policygraph.cache import CACHE_PATH
from policygraph.cli import main
from policygraph.outputs import LOCK_NAME, claim
from policygraph.pipeline import RunOptions, run
from policygraph.state import settled
from tests.conftest import CORPUS, PROJECT
from tests.test_reliability import cached_results, outputs

# Linux's prctl(2) and capabilities(7): a process without these obeys files' modes, root too.
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
NOT_A_DATABASE = b"not a database, whatever its name says\n"


def notices_in_database(out: Path) -> int:
    with closing(store.connect(out / store.DATABASE_NAME)) as connection:
        return connection.execute("SELECT count(*) FROM notices").fetchone()[0]


def test_a_migration_that_fails_midway_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """Half a migration, committed, was a database no later run could migrate."""
    path = tmp_path / store.DATABASE_NAME
    with closing(sqlite3.connect(path)) as earlier:
        for script in store.MIGRATIONS[:3]:
            earlier.executescript(script)
        earlier.execute("CREATE TABLE ordered_documents (node TEXT)")  # migration 4 alters two tables before making it
        earlier.execute("PRAGMA user_version = 3")
        earlier.commit()
    with pytest.raises(sqlite3.DatabaseError, match="table ordered_documents already exists"):
        store.connect(path)
    with closing(sqlite3.connect(path)) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(files)")]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    assert (columns, version) == (["path", "sha256", "status", "error"], 3)


def test_a_run_rebuilds_a_database_a_killed_migration_left_half_made(tmp_path: Path, corpus_run: Path) -> None:
    """The state a SIGKILL in a run's first milliseconds left: `table files already exists` for ever after."""
    out = tmp_path / "out"
    out.mkdir()
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as half_made:
        half_made.execute("CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT, status TEXT NOT NULL, error TEXT)")
    run([str(CORPUS)], out, RunOptions(force=True))
    assert outputs(out) == outputs(corpus_run)
    assert notices_in_database(out) == 6
    assert (out / f"{store.DATABASE_NAME}.broken").exists()


def test_a_database_that_is_not_one_is_set_aside_and_rebuilt_from_the_cache(tmp_path: Path) -> None:
    """Every file is reused from the cache, and still every file's rows reach the new database."""
    out = tmp_path / "out"
    run([str(CORPUS)], out)
    (out / store.DATABASE_NAME).write_bytes(NOT_A_DATABASE)
    summary = run([str(CORPUS)], out)
    assert (summary.files, summary.reused) == (5, 5)
    assert notices_in_database(out) == 6
    assert (out / f"{store.DATABASE_NAME}.broken").read_bytes() == NOT_A_DATABASE


def damage_notices(out: Path) -> None:
    """Overwrites the notices table's first page: the database opens, and fails where it is read."""
    database = out / store.DATABASE_NAME
    with closing(sqlite3.connect(database)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'notices'").fetchone()[0]
    with database.open("r+b") as damaged:
        damaged.seek((root - 1) * page_size)
        damaged.write(b"\xff" * page_size)


def test_a_database_found_damaged_midway_is_set_aside_and_rebuilt(tmp_path: Path, corpus_run: Path) -> None:
    """Damage past the first page shows only when the run reads there, after the database opened."""
    out = tmp_path / "out"
    run([str(CORPUS)], out)
    damage_notices(out)
    run([str(CORPUS)], out, RunOptions(force=True))
    assert outputs(out) == outputs(corpus_run)
    assert notices_in_database(out) == 6


def test_damage_a_query_meets_makes_the_next_run_rebuild(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without it, the query would send the user to a run that finds its outputs current and does nothing."""
    out = tmp_path / "out"
    run([str(CORPUS)], out)
    damage_notices(out)
    assert main(["search", "冠脉支架", "--out", str(out)]) == 2
    assert "database disk image is malformed" in capsys.readouterr().err
    assert run([str(CORPUS)], out).reused == 5
    assert notices_in_database(out) == 6


def test_a_result_cache_that_is_not_a_database_is_made_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / CACHE_PATH).parent.mkdir(parents=True)
    (out / CACHE_PATH).write_bytes(NOT_A_DATABASE)
    assert run([str(CORPUS)], out).notices == 6
    assert cached_results(out) == 5
    assert (out / f"{CACHE_PATH}.broken").read_bytes() == NOT_A_DATABASE


def test_a_database_of_a_newer_version_is_not_taken_for_this_one(tmp_path: Path) -> None:
    path = tmp_path / store.DATABASE_NAME
    with closing(sqlite3.connect(path)) as newer:
        newer.execute("PRAGMA user_version = 99")
    with pytest.raises(store.UnusableDatabase, match="made by a newer policygraph: version 99"):
        store.connect(path)


@pytest.mark.parametrize("command", [["search", "冠脉"], ["show", "鲁医保函〔2024〕28号"], ["serve"]])
def test_a_query_on_a_broken_database_says_to_run_again(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / store.DATABASE_NAME
    database.write_bytes(NOT_A_DATABASE)
    assert main([*command, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"{database} cannot be read (file is not a database): "
        f"run `policygraph run … --out {tmp_path}` again to rebuild it\n"
    )


def test_a_database_left_by_a_failed_migration_answers_after_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([str(CORPUS)], out)
    with closing(sqlite3.connect(out / store.DATABASE_NAME)) as connection:
        connection.execute("PRAGMA user_version = 0")
    run([str(CORPUS)], out, RunOptions(force=True))
    with closing(store.connect(out / store.DATABASE_NAME)) as connection:
        assert [row["doc_number"] for row in query.search(connection, "冠脉支架")][:1] == ["辽医保〔2022〕80号"]


HOLD_THE_FOLDER = """import sys, time
from pathlib import Path
from policygraph.outputs import claim
with claim(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_run_on_one_folder_is_refused_until_the_first_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not `database is locked` after a wait, nor two runs writing one folder; and the lock
    dies with its holder, however it dies."""
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_FOLDER, str(out)], cwd=PROJECT, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        assert main(["run", str(CORPUS), "--out", str(out)]) == 2
        assert capsys.readouterr().err == (
            f"policygraph run: another run is using {out} (pid {holder.pid}): wait for it to end, or stop it\n"
        )
    finally:
        holder.kill()
        holder.wait()
    assert main(["run", str(CORPUS), "--out", str(out)]) == 0


def test_a_process_forked_by_a_run_does_not_keep_its_folder_locked(tmp_path: Path) -> None:
    """A worker process outlives a killed run until it notices; it must not hold the lock meanwhile."""
    forked, told = os.pipe()
    with claim(tmp_path):
        worker = os.fork()
        if worker == 0:
            os.write(told, b"!")  # after the fork's handlers ran
            time.sleep(30)
            os._exit(0)
        os.read(forked, 1)
    try:
        with claim(tmp_path):
            assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    finally:
        os.kill(worker, signal.SIGKILL)
        os.waitpid(worker, 0)
        os.close(forked)
        os.close(told)


def test_a_run_removes_the_temporaries_a_killed_run_left(tmp_path: Path) -> None:
    """Even a run with nothing else to do; files of other names stay."""
    out = tmp_path / "out"
    run([str(CORPUS)], out)
    left = [".manifest.json.k2j4h5g1.tmp", ".notices.jsonl.ab_d1234.tmp", "..state.json.zzzzzzzz.tmp", ".state.json.tmp"]
    others = ["notes.tmp", ".my.tmp", "manifest.json.k2j4h5g1.tmp", ".graph.json.short.tmp"]
    for name in left + others:
        (out / name).write_text("half", encoding="utf-8")
    assert main(["run", str(CORPUS), "--out", str(out)]) == 0
    assert sorted(path.name for path in out.glob("*.tmp")) == sorted(others)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda base: (base / "outputs").write_text(""), "the output folder {out} is a file"),
        (lambda base: (base / "outputs").mkdir(mode=0o555), "cannot write in the output folder {out}: Permission denied"),
    ],
    ids=["a file", "read-only"],
)
def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path: Path, make: Callable, reason: str) -> None:
    """Run as a user would (root writes anywhere): a line on stderr, exit code 2, no traceback."""
    make(tmp_path)
    out = tmp_path / "outputs"
    finished = run_as_a_user([sys.executable, "-m", "policygraph.cli", "run", str(CORPUS), "--out", str(out)])
    assert (finished.returncode, finished.stderr) == (2, f"policygraph run: {reason.format(out=out)}\n")


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a file").write_text("")
    out = tmp_path / "a file" / "outputs"
    assert main(["run", str(CORPUS), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"policygraph run: cannot make the output folder {out}: Not a directory\n"


def run_as_a_user(command: list[str]) -> subprocess.CompletedProcess:
    """The command without root's power to write where a folder's mode forbids it."""
    try:
        return subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, preexec_fn=_drop_root_overrides)
    except subprocess.SubprocessError:
        pytest.skip("cannot drop root's capabilities here")


def _drop_root_overrides() -> None:
    if os.geteuid() != 0:
        return
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def test_an_output_folder_inside_an_input_folder_is_not_read(tmp_path: Path) -> None:
    """Else a second run read the first's outputs as notices, and never found itself current."""
    corpus = tmp_path / "in"
    shutil.copytree(CORPUS, corpus)
    out = corpus / "outputs"
    run([str(corpus)], out)
    again = run([str(corpus)], out, RunOptions(force=True))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (again.files, again.skipped) == (5, 0)
    assert [entry["path"] for entry in manifest["files"]] == sorted(str(path) for path in corpus.glob("*.txt"))
    assert settled([str(corpus)], out).reused == 5


def test_runs_killed_at_random_points_leave_folders_that_open_and_restart_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SIGKILL loop's small version; `python -m benchmarks.kill_loop` is the full one."""
    kill_loop.main(["--quick", "--work", str(tmp_path)])
    counts = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert counts == [
        "3/3 fresh folders open and restart identical",
        f"2/2 kills of a {kill_loop.QUICK['files']}-file run: folder opens and restart identical",
    ]
