"""The speed and memory benchmark of issue 5, printed as one table.

    python -m benchmarks.run [--notices 10000] [--pdfs 20] [--work /tmp/policygraph-bench]

Generates a seeded corpus, then measures: the pipeline on one and two workers (the best
of three runs each) against bare spaCy (blank zh, jieba) over the same texts, both as
the run reports its own time (spaCy's is timed the same way, after loading) and with the
command's start-up; the most two workers could give, by Amdahl's law, with the run's
serial parts; what N more notices cost, without the costs a run pays once; the per-file
work alone on one and two workers, and the one process writing the outputs alone; time
per stage; PDF pages/s against bare pdfplumber; peak memory at N and 10·N notices (each
in a fresh process); and a re-run of the unchanged corpus.
"""

from __future__ import annotations

import argparse
import io
import pickle
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import generate, write
from benchmarks.pdfs import write_pdfs

PROJECT = Path(__file__).resolve().parents[1]
PDF_PASSES = 3
RUN_PASSES = 3  # this machine's speed drifts by 10-20% between runs: the best of three
PEAK_OF_CHILD = """import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"""
RUN_SECONDS = re.compile(r"in (\d+(?:\.\d+)?) s$", re.MULTILINE)  # the end of `policygraph run`'s summary line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-bench"))
    parser.add_argument("--skip-memory", action="store_true", help="skip the 10·N memory run")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    rows: list[tuple[str, str]] = []
    texts = _corpus(args.work / "text", args.notices)
    characters = sum(len(text) for text in texts)
    rows.append(("corpus", f"{len(texts):,} notices, {characters:,} characters"))
    one = _best_run(args.work / "text", args.work / "out1")
    two = _best_run(args.work / "text", args.work / "out2", "--jobs", "2")
    load, pipe = _bare_spacy(texts)
    rows += _throughput(args.work, len(texts), characters, (load, pipe), one, two)
    rows += _serial_bound(args.work / "out1", load, one)
    rows += _marginal(args.work, args.notices, one, two)
    rows += _worker_scaling(args.work / "text", characters, args.work)
    rows += _stages(texts)
    rows += _pdf(args.work / "pdf", args.pdfs)
    if not args.skip_memory:
        rows += _memory(args.work, args.notices)
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))


def _corpus(folder: Path, count: int) -> list[str]:
    notices = generate(count)
    write(notices, folder)
    return [notice.text for notice in notices]


@dataclass(frozen=True)
class Timing:
    wall: float  # the whole command, interpreter start-up and imports included
    run: float  # the run as it reports itself: from reading the inputs to the last output


def _best_run(inputs: Path, out: Path, *options: str) -> Timing:
    """The fastest of RUN_PASSES first runs, each into an empty output folder."""
    timings = []
    for _ in range(RUN_PASSES):
        shutil.rmtree(out, ignore_errors=True)
        timings.append(_timed_run(inputs, out, *options))
    return Timing(min(timing.wall for timing in timings), min(timing.run for timing in timings))


def _timed_run(inputs: Path, out: Path, *options: str) -> Timing:
    started = time.perf_counter()
    command = [sys.executable, "-m", "policygraph.cli", "run", str(inputs), "--out", str(out), *options]
    finished = subprocess.run(command, check=True, cwd=PROJECT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return Timing(wall, float(RUN_SECONDS.search(finished.stdout).group(1)))


def _throughput(
    work: Path, notices: int, characters: int, spacy_seconds: tuple[float, float], one: Timing, two: Timing
) -> list[tuple[str, str]]:
    """`spacy_seconds`: bare spaCy's time to load, and to run over the same texts."""
    rerun = _timed_run(work / "text", work / "out1")
    load, pipe = spacy_seconds
    spacy, spacy_with_load = characters / pipe, characters / (load + pipe)
    rate = characters / one.run
    return [
        ("pipeline, 1 worker", f"{notices / one.run:,.0f} notices/s, {rate:,.0f} chars/s "
                               f"(run {one.run:.1f} s; {one.wall:.1f} s with start-up)"),
        ("pipeline, 2 workers", f"{characters / two.run / 2:,.0f} chars/s per worker (run {two.run:.1f} s; "
                                f"{two.wall:.1f} s with start-up), {one.run / two.run:.2f}x one worker"),
        ("bare spaCy nlp.pipe", f"{spacy:,.0f} chars/s once loaded; {spacy_with_load:,.0f} chars/s counting "
                                f"its {load:.1f} s to load spaCy and jieba"),
        ("pipeline / spaCy", f"{rate / spacy_with_load:.2f}x, both counting their loading (the run loads spaCy "
                             f"and jieba itself); {rate / spacy:.2f}x against spaCy once loaded; "
                             f"{characters / one.wall / spacy:.2f}x counting the command's start-up too"),
        ("re-run, unchanged", f"{rerun.wall:.2f} s with start-up, {one.wall / rerun.wall:.0f}x faster than the first"),
    ]  # fmt: skip


def _serial_bound(out: Path, load: float, one: Timing) -> list[tuple[str, str]]:
    """The most two workers can give by Amdahl's law, with no cost for running in parallel:
    a run's serial parts (loading spaCy and jieba before the first file; resolving the
    graph, in input order, and writing it after the last) take as long on two workers."""
    from graph import store
    from graph.build import resolve_graph
    from graph.export import write_graphml, write_node_link_json

    connection = store.connect(out / store.DATABASE_NAME)
    started = time.perf_counter()
    resolve_graph(connection)
    write_node_link_json(connection, io.StringIO())
    write_graphml(connection, io.StringIO())
    graph = time.perf_counter() - started
    connection.close()  # without committing: the run's database stays as the run left it
    serial = load + graph
    bound = one.run / (serial + (one.run - serial) / 2)
    return [
        ("two workers at most", f"{bound:.2f}x one worker by Amdahl's law: {serial:.1f} s of the {one.run:.1f} s run "
                                f"is serial (loading spaCy and jieba {load:.1f} s, the graph {graph:.1f} s)"),
    ]  # fmt: skip


def _marginal(work: Path, count: int, one: Timing, two: Timing) -> list[tuple[str, str]]:
    """What N more notices cost: runs over 2·N notices (the same N, then N more) less the
    runs over N. Costs a run pays once, whatever its size (loading spaCy and jieba,
    starting workers), cancel out; what is left is what decides a national batch's time."""
    write(generate(2 * count), work / "double")
    one_more = _best_run(work / "double", work / "double1").run - one.run
    two_more = _best_run(work / "double", work / "double2", "--jobs", "2").run - two.run
    return [
        (f"each further {count:,} notices", f"1 worker {one_more:.1f} s, 2 workers {two_more:.1f} s: "
                                            f"{one_more / two_more:.2f}x one worker"),
    ]  # fmt: skip


def _worker_scaling(inputs: Path, characters: int, work: Path) -> list[tuple[str, str]]:
    """The per-file work alone, without the one process that writes every output: how far
    the workers themselves scale. spaCy is loaded before, so no worker loads it again. Then
    that one writer alone: how far it lets any number of workers scale."""
    from functools import partial

    from extract.nlp import pipeline
    from policygraph import executors
    from policygraph.cache import ResultCache
    from policygraph.inputs import collect
    from policygraph.pipeline import process_files

    pipeline()
    items = collect([str(inputs)])
    per_file = partial(process_files, cache=ResultCache(inputs / "no-cache"), force=True, seconds=120)
    seconds = {}
    for jobs in (1, 2):
        started = time.perf_counter()
        for _ in executors.local(per_file, items, jobs, crashed=lambda item: None):  # none expected
            pass  # not kept: a growing heap would slow the garbage collector, and the work with it
        seconds[jobs] = time.perf_counter() - started
    outcomes = list(executors.local(per_file, items, 1, crashed=lambda item: None))
    notices = sum(len(outcome.notices) for outcome in outcomes)
    writer = _writer_seconds(outcomes, work / "writer")
    return [
        ("per-file work, 1 worker", f"{characters / seconds[1]:,.0f} chars/s ({seconds[1]:.1f} s)"),
        ("per-file work, 2 workers", f"{characters / seconds[2]:,.0f} chars/s ({seconds[2]:.1f} s), "
                                     f"{seconds[1] / seconds[2]:.2f}x one worker"),
        ("the one writer", f"{notices / writer:,.0f} notices/s ({writer:.1f} s, the graph included), the per-file "
                           f"work of {seconds[1] / writer:.1f} workers: no run is faster, whatever its workers"),
    ]  # fmt: skip


def _writer_seconds(outcomes: list, out: Path) -> float:
    """The run's own process taking every result and writing every output, the results
    received as from workers: pickled a chunk at a time, read back by the writer."""
    from policygraph.executors import CHUNK
    from policygraph.pipeline import RunOutputs

    sent = [pickle.dumps(outcomes[start : start + CHUNK]) for start in range(0, len(outcomes), CHUNK)]
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with RunOutputs(out) as outputs:
        for chunk in sent:
            for outcome in pickle.loads(chunk):
                outputs.add(outcome)
        outputs.finish()
    return time.perf_counter() - started


def _bare_spacy(texts: list[str]) -> tuple[float, float]:
    """Seconds to load the pipeline (importing spaCy, reading jieba's dictionary), and to run it."""
    started = time.perf_counter()
    from extract.nlp import pipeline

    nlp = pipeline()
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return loaded - started, time.perf_counter() - loaded


def _stages(texts: list[str]) -> list[tuple[str, str]]:
    """Seconds per stage over the corpus, in-process (imports and start-up excluded)."""
    from extract.notice import extract_notice
    from ingest.decode import decode_bytes
    from ingest.normalize import normalize
    from ingest.script import detect_script
    from ingest.structure import find_notices

    totals = dict.fromkeys(("decode", "normalize", "script", "structure", "extract"), 0.0)
    for text in texts:
        data = text.encode("utf-8")
        clock = time.perf_counter()
        decoded = decode_bytes(data).text
        totals["decode"] += (now := time.perf_counter()) - clock
        normalized = normalize(decoded)
        totals["normalize"] += (clock := time.perf_counter()) - now
        detect_script(decoded)
        totals["script"] += (now := time.perf_counter()) - clock
        layouts = find_notices(normalized.text)
        totals["structure"] += (clock := time.perf_counter()) - now
        for layout in layouts:
            extract_notice(normalized.text[layout.start : layout.end], layout)
        totals["extract"] += time.perf_counter() - clock
    return [(f"stage: {name}", f"{seconds:.2f} s") for name, seconds in totals.items()]


def _pdf(folder: Path, count: int) -> list[tuple[str, str]]:
    """Both readers warmed up on one file first (pdfium scans the system's fonts on its first
    page, pdfplumber imports lazily), then the best of PDF_PASSES passes each."""
    import pdfplumber

    from ingest.decode import decode_bytes

    paths = write_pdfs(folder, count)

    def plumber(path: Path) -> int:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
            return len(pdf.pages)

    pages = sum(map(plumber, paths))
    bare = _best_pass(plumber, paths)
    ours = _best_pass(lambda path: decode_bytes(path.read_bytes(), path.name), paths)
    return [
        ("PDF, bare pdfplumber", f"{pages / bare:,.0f} pages/s ({pages} pages, best of {PDF_PASSES})"),
        ("PDF, policygraph decode", f"{pages / ours:,.0f} pages/s, {bare / ours:.1f}x pdfplumber"),
    ]


def _best_pass(read: Callable[[Path], object], paths: list[Path]) -> float:
    read(paths[0])
    passes = []
    for _ in range(PDF_PASSES):
        started = time.perf_counter()
        for path in paths:
            read(path)
        passes.append(time.perf_counter() - started)
    return min(passes)


def _memory(work: Path, count: int) -> list[tuple[str, str]]:
    """Peak resident memory of a whole run at N and at 10·N notices, each in a fresh process."""
    peaks = []
    for size in (count, 10 * count):
        folder = work / f"memory-{size}"
        write(generate(size, seed=11), folder)
        peaks.append(_peak_megabytes(folder, work / f"memory-out-{size}"))
        shutil.rmtree(folder)
    return [
        (f"peak memory, {count:,} notices", f"{peaks[0]:,.0f} MB"),
        (f"peak memory, {10 * count:,} notices", f"{peaks[1]:,.0f} MB, {peaks[1] / peaks[0]:.2f}x"),
    ]


def _peak_megabytes(inputs: Path, out: Path) -> float:
    """A run's peak, measured by a parent of its own so that no earlier run counts."""
    command = [sys.executable, "-m", "policygraph.cli", "run", str(inputs), "--out", str(out)]
    parent = [sys.executable, "-c", PEAK_OF_CHILD, *command]
    finished = subprocess.run(parent, check=True, cwd=PROJECT, capture_output=True, text=True)
    return int(finished.stdout.split()[-1]) / 1024


if __name__ == "__main__":
    main()
