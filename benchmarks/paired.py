"""Commands timed whole, each in a fresh process, and compared in pairs (issue 15).

This machine is shared, and its speed drifts by 10-20% within minutes: a figure taken at
one moment set against one taken at another measures the drift as much as the code, and
a best-of-three flatters whichever side had the quiet minute. So a comparison runs its
two commands in turn, ABAB…, takes each ratio within a pair, and prints the median and
the min–max of every figure, wall time and CPU time side by side.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Trial:
    """One whole command, interpreter start-up included."""

    wall: float
    cpu: float  # user and system, the command's own and its workers'
    peak_mb: float  # the largest resident set of the command or any worker it waited for
    output: str


Pair = tuple[Trial, Trial]


def timed(command: Sequence[str]) -> Trial:
    """Run `command` from the project's folder. The child is reaped with os.wait4, which
    gives its own resource use: no earlier command counts in its CPU time or its peak."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=PROJECT, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read().decode("utf-8", "replace")
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command, printed)
    return Trial(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, printed)


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
