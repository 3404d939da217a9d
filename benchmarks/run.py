"""The speed and memory benchmark (issues 5 and 15), printed as one table.

    python -m benchmarks.run [--sizes 1500 10000] [--pairs 5] [--pdfs 100] [--quick]

Every figure is a whole command in a fresh process, start-up included, and every ratio
is paired (benchmarks/paired.py says why): on a seeded corpus at each size, bare spaCy
(benchmarks/bare_spacy.py) and `policygraph run` on one worker, in turn; at the largest
size, one worker and two in turn; then the re-run over the unchanged corpus, the daily
increment (20 new notices beside the processed ones), the start-up of `run` on one file
and of `show`, PDF reading against bare pdfplumber with the machine's fonts and with
none (benchmarks/read_pdfs.py), peak memory at the largest size and at ten times it, and
the daily increment again beside that archive of ten times the largest size.
The machine is printed first: the figures hold for it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import generate, write
from benchmarks.paired import Pair, Trial, alternated, rates, ratios, span, timed, times
from benchmarks.pdfs import write_pdfs
from policygraph.state import PIPELINE_PACKAGES

DAILY_NOTICES = 20
SEED, MEMORY_SEED = 7, 11  # of the generated corpora: the one compared with spaCy, the one measured for memory
FONT_SETTINGS = {"machine's fonts": [], "no system fonts": ["--without-system-fonts"]}
QUICK = {"sizes": [200, 1_000], "pdfs": 10, "skip_memory": True}
# Pairs in each comparison: with 3, the median ratio at 10,000 notices moved from 3.56x to
# 4.11x between two runs of the same code on this shared machine.
PAIRS = 5
Row = tuple[str, str]


def main() -> None:
    args = _arguments()
    shutil.rmtree(args.work, ignore_errors=True)
    rows = [*_machine(), _file_system(args.work), _compiled_bytecode()]
    largest = max(args.sizes)
    for size in args.sizes:
        rows += _against_spacy(args.work, size, args.pairs)
    inputs, processed = args.work / f"text-{largest}", args.work / f"out-{largest}"
    rows += _two_workers(inputs, processed, args.pairs)
    rows += _rerun(inputs, processed, args.pairs)
    rows += _daily_increment(inputs, processed, largest, args.pairs)
    rows += _startup(args.work, processed, args.startup_runs)
    rows += _pdf(args.work / "pdf", args.pdfs, args.pairs)
    if not args.skip_memory:
        rows += _memory_and_a_large_archive(args.work, largest, args.pairs)
    rows.append(("load average at the end", _load_average()))
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_500, 10_000], help="notices in each corpus")
    parser.add_argument("--pairs", type=int, default=PAIRS, help=f"pairs in each comparison (at least 3; {PAIRS})")
    parser.add_argument("--pdfs", type=int, default=100, help="generated PDF notices")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-bench"))
    parser.add_argument("--skip-memory", action="store_true", help="skip the run at ten times the largest size")
    parser.add_argument("--quick", action="store_true", help="a small version: 200 and 1,000 notices, 10 PDFs")
    args = parser.parse_args()
    if args.quick:
        vars(args).update(QUICK)
    if args.pairs < 3:
        parser.error("--pairs: a median and a spread need at least 3 pairs")
    return args


def _machine() -> list[Row]:
    """What the figures were measured on; they say nothing of another machine."""
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return [
        ("machine", f"{model}, {os.cpu_count()} cores, {platform.freedesktop_os_release()['PRETTY_NAME']}, "
                    f"Linux {platform.release()}, Python {platform.python_version()}"),
        ("CJK fonts installed", _cjk_fonts()),
        ("load average at the start", _load_average()),
    ]  # fmt: skip


def _file_system(work: Path) -> Row:
    """A run that only appends notices copies the outputs it keeps into the new ones, with
    copy_file_range: XFS and btrfs make that a reflink, which costs nothing however large
    the outputs; ext4 copies every byte. The daily increment beside a large archive shows it."""
    work.mkdir(parents=True, exist_ok=True)
    found = shutil.which("findmnt") and subprocess.run(
        ["findmnt", "--noheadings", "--output", "FSTYPE", "--target", str(work)], capture_output=True, text=True
    )
    return ("file system of the work folder", found.stdout.strip() if found and found.returncode == 0 else "unknown")


def _compiled_bytecode() -> Row:
    """The project's modules compiled first, as pip compiles an installed package's and as
    spaCy's are: where PYTHONDONTWRITEBYTECODE is set (this machine sets it), an editable
    install would otherwise compile every module from source in every run, 0.07 s of
    `run`'s start-up."""
    root = Path(__file__).resolve().parents[1]
    packages = [str(root / package) for package in PIPELINE_PACKAGES]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)
    return ("bytecode", f"compiled first ({', '.join(PIPELINE_PACKAGES)})")


def _cjk_fonts() -> str:
    if not shutil.which("fc-list"):
        return "unknown (no fc-list)"
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    families = sorted({line.split(",")[0] for line in listed.splitlines() if line})
    return f"{len(families)} families ({', '.join(families[:3])}…)" if families else "none"


def _load_average() -> str:
    """Other work on the machine slows every figure; the load tells how much there was."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1, 5, 15 minutes)"


def _policygraph(*arguments: str | Path) -> list[str]:
    return [sys.executable, "-m", "policygraph.cli", *map(str, arguments)]


def _fresh_run(inputs: Path, out: Path, *options: str) -> Trial:
    """`policygraph run` into an empty output folder: a first run, nothing cached."""
    shutil.rmtree(out, ignore_errors=True)
    return timed(_policygraph("run", inputs, "--out", out, *options))


def _against_spacy(work: Path, size: int, pairs: int) -> list[Row]:
    """One worker against bare spaCy over the same files, both paying their start-up."""
    notices = generate(size)
    inputs = write(notices, work / f"text-{size}")
    characters = sum(len(notice.text) for notice in notices)
    spacy = [sys.executable, "-m", "benchmarks.bare_spacy", str(inputs)]
    measured = alternated(lambda: timed(spacy), lambda: _fresh_run(inputs, work / f"out-{size}"), pairs)
    bare, ours = _sides(measured)
    return [
        (f"{size:,} notices", f"{characters:,} characters; bare spaCy and `policygraph run` in turn, {pairs} pairs"),
        ("  bare spaCy", f"{times(bare)}; {rates(bare, characters, 'chars')}"),
        ("  policygraph, 1 worker", f"{times(ours)}; {rates(ours, characters, 'chars')}, "
                                    f"{rates(ours, size, 'notices')}"),
        ("  policygraph / spaCy", ratios(measured)),
        ("  peak memory, 1 worker", f"{span([trial.peak_mb for trial in ours], '{:,.0f}')} MB"),
    ]  # fmt: skip


def _two_workers(inputs: Path, out: Path, pairs: int) -> list[Row]:
    """Leaves `out` as one worker's run left it, for the re-run and the daily increment."""
    two_out = out.with_name(f"{out.name}-2-workers")
    measured = alternated(lambda: _fresh_run(inputs, out), lambda: _fresh_run(inputs, two_out, "--jobs", "2"), pairs)
    one, two = _sides(measured)
    return [
        ("two workers", f"{inputs.name}: 1 worker and 2 in turn, {pairs} pairs"),
        ("  policygraph, 1 worker", times(one)),
        ("  policygraph, 2 workers", times(two)),
        ("  2 workers / 1", ratios(measured)),
    ]


def _rerun(inputs: Path, out: Path, runs: int) -> list[Row]:
    """`run` again over unchanged files into complete outputs: it should return at once."""
    trials = [timed(_policygraph("run", inputs, "--out", out)) for _ in range(runs)]
    return [("re-run, unchanged", f"{times(trials)}, {runs} runs")]


def _daily_increment(inputs: Path, processed: Path, size: int, runs: int, seed: int = SEED) -> list[Row]:
    """A day's new notices beside the folder already processed: each trial starts from a
    copy of the processed outputs, so each pays for the new files and nothing else. The
    new notices are the corpus's next ones, forwarding notices already in it."""
    new = generate(size + DAILY_NOTICES, seed)[size:]
    write(new, inputs)
    snapshot, out = processed.with_name(f"{processed.name}-processed"), processed.with_name(f"{processed.name}-daily")
    shutil.copytree(processed, snapshot)
    trials = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(snapshot, out)
        os.sync()  # the copy's gigabytes reach the disk before the clock starts, not during the run
        trials.append(timed(_policygraph("run", inputs, "--out", out)))
    for notice in new:
        (inputs / notice.name).unlink()
    for folder in (snapshot, out):
        shutil.rmtree(folder)
    return [(f"daily increment, {DAILY_NOTICES} new", f"{times(trials)}, {runs} runs over {size:,} processed")]


def _startup(work: Path, processed: Path, runs: int) -> list[Row]:
    """What a command costs before it does anything: `run` on one file into an empty
    folder, and `show` on one notice of the processed corpus."""
    one_file = write(generate(1), work / "one-file")
    first_runs = [_fresh_run(one_file, work / "one-file-out") for _ in range(runs)]
    number = _a_document_number(processed)
    shows = [timed(_policygraph("show", number, "--out", processed)) for _ in range(runs)]
    return [
        ("start-up, `run` on 1 file", f"{times(first_runs)}, {runs} runs"),
        ("start-up, `show`", f"{times(shows)}, {runs} runs, {processed.name}"),
    ]


def _a_document_number(out: Path) -> str:
    from graph import store

    connection = store.connect(out / store.DATABASE_NAME)
    try:
        return connection.execute("SELECT doc_number FROM notices WHERE doc_number IS NOT NULL LIMIT 1").fetchone()[0]
    finally:
        connection.close()


def _pdf(folder: Path, count: int, pairs: int) -> list[Row]:
    """The project's PDF text path against bare pdfplumber, in turn, with the machine's
    fonts and with none; each round runs both settings, so that they meet the same drift
    too."""
    paths = write_pdfs(folder, count)
    pages = _pages(paths)
    measured: dict[str, list[Pair]] = {setting: [] for setting in FONT_SETTINGS}
    for _ in range(pairs):
        for setting, options in FONT_SETTINGS.items():
            measured[setting].append(_pdf_pair(folder, options))
    return [
        ("PDF", f"{count} generated notices, {pages:,} pages; pdfplumber and policygraph in turn, {pairs} pairs"),
        *(row for setting, pairs_in_setting in measured.items() for row in _pdf_rows(setting, pairs_in_setting, pages)),
        *_pdf_texts(folder, measured),
    ]  # fmt: skip


def _pdf_pair(folder: Path, options: list[str]) -> Pair:
    return _read_pdfs("pdfplumber", folder, options), _read_pdfs("policygraph", folder, options)


def _pdf_texts(folder: Path, measured: dict[str, list[Pair]]) -> list[Row]:
    """The text policygraph reads must not change with the fonts; bare pdfium's, which
    the fonts do change, shows that the second setting hides them."""
    ours = {_reported(trial)["sha256"] for pairs in measured.values() for _, trial in pairs}
    bare = {_reported(_read_pdfs("pdfium", folder, options))["sha256"] for options in FONT_SETTINGS.values()}
    return [
        ("  policygraph's text", "the same in both settings" if len(ours) == 1 else "DIFFERS between them"),
        ("  bare pdfium's text", "differs between them" if len(bare) == 2 else "the same in both"),
    ]


def _pdf_rows(setting: str, measured: list[Pair], pages: int) -> list[Row]:
    """Reading alone (imports excluded, as each reader reports it) and the whole command."""
    reading = [(_reading(plumber), _reading(ours)) for plumber, ours in measured]
    plumber, ours = _sides(reading)
    return [
        (f"  {setting}, pdfplumber", f"reading {times(plumber)}, {rates(plumber, pages, 'pages')}"),
        (f"  {setting}, policygraph", f"reading {times(ours)}, {rates(ours, pages, 'pages')}"),
        (f"  {setting}, policygraph / pdfplumber", f"reading {ratios(reading)}"),
        (f"  {setting}, whole commands", f"start-up included {ratios(measured)}"),
    ]


def _read_pdfs(reader: str, folder: Path, options: list[str]) -> Trial:
    return timed([sys.executable, "-m", "benchmarks.read_pdfs", reader, str(folder), *options])


def _reading(trial: Trial) -> Trial:
    """The reading alone, as the reader timed it."""
    reported = _reported(trial)
    return Trial(reported["wall"], reported["cpu"], trial.peak_mb, trial.output)


def _reported(trial: Trial) -> dict:
    return json.loads(trial.output)


def _pages(paths: list[Path]) -> int:
    import pypdfium2

    def count(path: Path) -> int:
        document = pypdfium2.PdfDocument(path)
        try:
            return len(document)
        finally:
            document.close()

    return sum(map(count, paths))


def _memory_and_a_large_archive(work: Path, size: int, runs: int) -> list[Row]:
    """Peak resident memory of a first run at the largest size and at ten times it: it
    should stay flat however large the batch. One run each: a peak does not drift as time
    does. The run at ten times the size is then the archive a daily increment joins."""
    smaller = _first_run_of_new_corpus(work, size)
    for folder in _memory_folders(work, size):
        shutil.rmtree(folder)
    larger = _first_run_of_new_corpus(work, 10 * size)
    inputs, out = _memory_folders(work, 10 * size)
    rows = [
        (f"peak memory, {size:,} notices", f"{smaller.peak_mb:,.0f} MB ({_one_run(smaller)})"),
        (f"peak memory, {10 * size:,} notices", f"{larger.peak_mb:,.0f} MB, {larger.peak_mb / smaller.peak_mb:.2f}x "
                                                f"({_one_run(larger)})"),
        *_daily_increment(inputs, out, 10 * size, runs, MEMORY_SEED),
    ]  # fmt: skip
    for folder in (inputs, out):
        shutil.rmtree(folder)
    return rows


def _first_run_of_new_corpus(work: Path, notices: int) -> Trial:
    """A corpus of its own (another seed). The inputs and outputs stay: 10·N files take
    room, and the caller removes them."""
    inputs, out = _memory_folders(work, notices)
    return _fresh_run(write(generate(notices, MEMORY_SEED), inputs), out)


def _memory_folders(work: Path, notices: int) -> tuple[Path, Path]:
    return work / f"memory-{notices}", work / f"memory-out-{notices}"


def _one_run(trial: Trial) -> str:
    return f"wall {trial.wall:.1f} s, CPU {trial.cpu:.1f} s, 1 run"


def _sides(pairs: list[Pair]) -> tuple[list[Trial], list[Trial]]:
    return [first for first, _ in pairs], [second for _, second in pairs]


if __name__ == "__main__":
    main()
