"""The `policygraph` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policygraph.pipeline import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policygraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="extract notices, facts and the graph from files and folders")
    run_parser.add_argument("inputs", nargs="+", help="files, or folders read recursively")
    run_parser.add_argument("--out", type=Path, default=Path("outputs"), help="where to write (default: outputs)")
    args = parser.parse_args(argv)
    summary = run(args.inputs, args.out, progress=sys.stderr.isatty())
    print(summary.line())
    return 0 if summary.files and summary.failed + summary.skipped < summary.files else 1


if __name__ == "__main__":
    sys.exit(main())
