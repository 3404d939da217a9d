"""The `policygraph` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policygraph.pipeline import SECONDS_PER_FILE, RunOptions, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policygraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="extract notices, facts and the graph from files and folders")
    run_parser.add_argument("inputs", nargs="+", help="files, or folders read recursively")
    run_parser.add_argument("--out", type=Path, default=Path("outputs"), help="where to write (default: outputs)")
    run_parser.add_argument("--jobs", type=int, default=1, help="worker processes (default: 1)")
    run_parser.add_argument("--force", action="store_true", help="redo files whose results are already cached")
    run_parser.add_argument(
        "--seconds-per-file", type=float, default=SECONDS_PER_FILE, help=f"per-file limit (default: {SECONDS_PER_FILE})"
    )
    args = parser.parse_args(argv)
    options = RunOptions(args.jobs, args.force, args.seconds_per_file, progress=sys.stderr.isatty())
    summary = run(args.inputs, args.out, options)
    print(summary.line())
    return 0 if summary.files and summary.failed + summary.skipped < summary.files else 1


if __name__ == "__main__":
    sys.exit(main())
