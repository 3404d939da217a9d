"""Commands timed whole, each in a fresh process, and compared in pairs (issue 15).

This machine is shared, and its speed drifts by 10-20% within minutes: a figure taken at
one moment set against one taken at another measures the drift as much as the code, and
a best-of-three flatters whichever side had the quiet minute. So a comparison runs its
two commands in turn, ABAB…, takes each ratio within a pair, and prints the median and
the min–max of every figure, wall time and CPU time side by side.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# A command started straight from the benchmark would count the benchmark's memory in its
# peak: Linux keeps, across exec, the resident high-water mark of the image the child was
# started from, and a benchmark holding 100,000 generated notices is 360 MB. A small
# launcher starts the command instead, and reports what the command alone used.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    report.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


@dataclass(frozen=True)
class Trial:
    """One whole command, interpreter start-up included."""

    wall: float
    cpu: float  # user and system, the command's own and its workers'
    peak_mb: float  # the largest resident set of the command or any worker it waited for
    output: str


Pair = tuple[Trial, Trial]


def timed(command: Sequence[str]) -> Trial:
    """Run `command` from the project's folder, through LAUNCHER, which reaps it with
    os.wait4: its own resource use, no earlier command's and not the benchmark's."""
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as report:
        launched = [sys.executable, "-c", LAUNCHER, report.name, *map(str, command)]
        subprocess.run(launched, cwd=PROJECT, stdout=output, stderr=subprocess.STDOUT, check=True)
        wall, cpu, peak_kb, returncode = report.read().split()
        output.seek(0)
        printed = output.read().decode("utf-8", "replace")
    if int(returncode):
        raise subprocess.CalledProcessError(int(returncode), command, printed)
    return Trial(float(wall), float(cpu), int(peak_kb) / 1024, printed)


def alternated(first: Callable[[], Trial], second: Callable[[], Trial], pairs: int) -> list[Pair]:
    """`first` then `second`, `pairs` times over: both sides meet the same drift."""
    return [(first(), second()) for _ in range(pairs)]


def span(values: Sequence[float], template: str = "{:.2f}") -> str:
    """The median, and the min–max beside it."""
    middle, low, high = (template.format(value) for value in (statistics.median(values), min(values), max(values)))
    return f"{middle} ({low}–{high})"


def times(trials: Sequence[Trial]) -> str:
    return f"wall {span([trial.wall for trial in trials])} s, CPU {span([trial.cpu for trial in trials])} s"


def rates(trials: Sequence[Trial], amount: float, unit: str) -> str:
    """`amount` (characters, notices, pages) a wall-clock second."""
    return f"{span([amount / trial.wall for trial in trials], '{:,.0f}')} {unit}/s"


def ratios(pairs: Sequence[Pair]) -> str:
    """How many times faster the second command of each pair is than the first, by wall
    and by CPU time; each ratio is taken within its pair."""
    wall = span([first.wall / second.wall for first, second in pairs], "{:.2f}x")
    cpu = span([first.cpu / second.cpu for first, second in pairs], "{:.2f}x")
    return f"{wall} by wall time, {cpu} by CPU time"
