"""The fuzz suite of tests/test_fuzz.py run for a given time, with fresh examples each round.

    python -m benchmarks.fuzz [--minutes 10] [--work /tmp/policygraph-fuzz]

CI runs a fixed, small set of examples; this looks further. It takes the properties in
turn (notice texts through extraction, files through the per-file path, numerals through
their parser) in short rounds of random examples until the time is up, and prints how
many examples it tried, the failures and the slow inputs. Each failure is shrunk by hypothesis and its minimal
input saved under --work, as is each input that took longer than SLOW_SECONDS: a slow
input is not shrunk (shrinking would run it hundreds of times), only kept and timed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Verbosity, given, seed, settings
from hypothesis import strategies as st

from policygraph.cache import open_cache
from policygraph.timelimit import FileTimeout, time_limit
from tests.test_fuzz import (
    assert_numerals_parse,
    assert_outcome_documented,
    assert_records_sound,
    named_files,
    notice_texts,
    numerals,
    outcome_of,
)

ROUND_EXAMPLES = 25  # a round overruns the time by at most this many examples (and a shrink)
SLOW_SECONDS = 2.0  # per example: a notice of 20,000 characters takes milliseconds, a PDF of it a second
LONG_RUN = 20_000  # characters: longer runs than CI's, where superlinear work shows
FILE_LONG_RUN = 5_000  # a file's text is also drawn into a PDF or a Word file, which costs per character
# Unattended and random: a health check would only stop a round that may still find something.
ROUND_SETTINGS = settings(
    deadline=None,
    database=None,
    report_multiple_bugs=False,
    verbosity=Verbosity.quiet,
    suppress_health_check=list(HealthCheck),
)


class SlowInput(Exception):
    """An example ran past SLOW_SECONDS: kept and timed, not shrunk."""


@dataclass
class Tally:
    work: Path
    examples: int = 0  # generated; the runs that shrink a failure are counted apart
    shrinks: int = 0
    failures: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def keep(self, kind: str, value: Any, save: Callable[[Path, Any], Path]) -> Path | None:
        """Saves an input once, whatever round finds it again; None when it was saved before."""
        digest = hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        if digest in self.seen:
            return None
        self.seen.add(digest)
        return save(self.work / f"{kind}-{digest}", value)


def _save_text(stem: Path, text: str) -> Path:
    path = stem.with_suffix(".txt")
    path.write_text(text, encoding="utf-8")
    return path


def _save_file(stem: Path, named: tuple[str, bytes]) -> Path:
    """In a folder of its own, under the name it was tested with: `policygraph run FOLDER` replays it."""
    name, content = named
    stem.mkdir(exist_ok=True)
    (stem / name).write_bytes(content)
    return stem


@dataclass(frozen=True)
class Property:
    kind: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    save: Callable[[Path, Any], Path]


def _text_check(text: str) -> None:
    try:
        with time_limit(SLOW_SECONDS):
            assert_records_sound(text)
    except FileTimeout as timeout:
        raise SlowInput from timeout


def _file_check(folder: Path) -> Callable[[tuple[str, bytes]], None]:
    cache = open_cache(folder / "out")

    def check(named: tuple[str, bytes]) -> None:
        outcome = outcome_of(folder, cache, *named, seconds=SLOW_SECONDS)
        if outcome.timed_out:
            raise SlowInput
        assert_outcome_documented(outcome)

    return check


def _properties(work: Path) -> list[Property]:
    files = work / "files"
    files.mkdir(parents=True, exist_ok=True)
    return [
        Property("text", notice_texts(long_run=LONG_RUN), _text_check, _save_text),
        Property("file", named_files(FILE_LONG_RUN), _file_check(files), _save_file),
        Property("numeral", numerals(), assert_numerals_parse, _save_text),
    ]


def _round(prop: Property, tally: Tally, round_seed: int) -> None:
    """ROUND_EXAMPLES random examples of one property; a failure is shrunk, then saved and printed."""
    failing: list[Any] = []

    def example(value: Any) -> None:
        if failing:  # a round stops generating at its first failure: what follows shrinks it
            tally.shrinks += 1
        else:
            tally.examples += 1
        started = time.perf_counter()
        try:
            prop.check(value)
        except SlowInput:
            _slow(prop, tally, value, time.perf_counter() - started)
        except Exception:
            failing.append(value)
            raise

    test = seed(round_seed)(settings(ROUND_SETTINGS, max_examples=ROUND_EXAMPLES)(given(prop.strategy)(example)))
    try:
        test()
    except Exception as error:  # the minimal example is the last one replayed
        saved = tally.keep(prop.kind, failing[-1], prop.save) if failing else None
        reason = _reason(error)
        if saved:
            tally.failures.append(f"{prop.kind}: {reason} → {saved}")
            print(f"FAIL {tally.failures[-1]}", flush=True)


def _reason(error: Exception) -> str:
    """The exception's type and first line: a pydantic error runs on for a dozen lines."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def _slow(prop: Property, tally: Tally, value: Any, seconds: float) -> None:
    saved = tally.keep(f"slow-{prop.kind}", value, prop.save)
    if saved:
        tally.slow.append(f"{prop.kind}: over {seconds:.1f} s → {saved}")
        print(f"SLOW {tally.slow[-1]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-fuzz"))
    parser.add_argument("--seed", type=int, default=None, help="the first round's seed (default: random)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    tally = Tally(args.work)
    properties = _properties(args.work)
    seeds = random.Random(args.seed)
    stop = time.monotonic() + args.minutes * 60
    rounds = 0
    while time.monotonic() < stop:
        _round(properties[rounds % len(properties)], tally, seeds.randrange(2**32))
        rounds += 1
    failures, slow = len(tally.failures), len(tally.slow)
    print(
        f"{tally.examples} examples ({tally.shrinks} more runs shrinking failures) in {rounds} rounds: "
        f"{failures} failures, {slow} slow inputs"
    )
    for line in (*tally.failures, *tally.slow):
        print(f"  {line}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
