"""The `policygraph` command: `run` extracts; `show`, `implementers`, `chain`, `facts`,
`search` and `rollout` query the database a run wrote; `serve` browses it in a web browser."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from graph import neo4j, query, store
from policygraph import state
from policygraph.columns import FACT_COLUMNS, ROLLOUT_COLUMNS, SEARCH_COLUMNS, WALK_COLUMNS
from policygraph.database import NoDatabase, disowned, open_database
from policygraph.labels import CHINESE, LANGUAGES
from policygraph.options import DATE_FORMS, positive_int, positive_seconds, query_date
from policygraph.outputs import OutputFolderError, write_atomically
from policygraph.render import as_card, as_json, as_rollout, as_table
from policygraph.state import SECONDS_PER_FILE, RunOptions

DEFAULT_OUT = Path("outputs")
FAILURES_SHOWN = 3  # reasons printed after a run; the manifest holds them all
FONT_LISTER = "fc-list"
NO_CHINESE_FONT = (
    "no Chinese font is installed on this machine: a browser here would show the pages' Chinese as boxes "
    "(Debian or Ubuntu: apt-get install fonts-noto-cjk)"
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `policygraph facts … | head` read what it wanted and left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit would raise again
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policygraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="extract notices, facts and the graph from files and folders")
    run_parser.add_argument("inputs", nargs="+", help="files, or folders read recursively")
    run_parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: outputs)")
    run_parser.add_argument("--jobs", type=positive_int, default=1, help="worker processes (default: 1)")
    run_parser.add_argument("--force", action="store_true", help="redo files whose results are already cached")
    run_parser.add_argument(
        "--executor", choices=("local", "dask"), default="local", help="where files are processed (default: local)"
    )
    run_parser.add_argument("--scheduler", help="with --executor dask: the scheduler's address, e.g. tcp://host:8786")
    run_parser.add_argument(
        "--seconds-per-file",
        type=positive_seconds,
        default=SECONDS_PER_FILE,
        help=f"per-file limit (default: {SECONDS_PER_FILE})",
    )
    run_parser.set_defaults(handler=_run)
    serve_parser = commands.add_parser("serve", help="browse the database in a web browser, with a JSON API under /api")
    serve_parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the run's output folder")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_parser.add_argument("--port", type=positive_int, default=8000, help="port to listen on (default: 8000)")
    serve_parser.set_defaults(handler=_serve)
    export_parser = commands.add_parser("export-neo4j", help="write neo4j-admin import files and a Cypher script")
    export_parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the run's output folder")
    export_parser.add_argument("--to", type=Path, help="where to write (default: OUT/neo4j)")
    export_parser.add_argument("--json", action="store_true", help="print the files written as JSON")
    export_parser.set_defaults(handler=_query(_export_neo4j, lambda written, a: "\n".join(written)))
    for name, helptext, add_arguments, answer, render in QUERIES:
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the run's output folder (default: outputs)")
        shape = sub.add_mutually_exclusive_group()
        shape.add_argument("--json", action="store_true", help="print JSON, for programs")
        if render is not _card:
            shape.add_argument("--csv", action="store_true", help="print CSV with the table's headings, for Excel")
        sub.add_argument("--lang", choices=LANGUAGES, default=CHINESE, help="labels in Chinese (default) or English")
        add_arguments(sub)
        sub.set_defaults(handler=_query(answer, render))
    return parser


def _run(args: argparse.Namespace) -> int:
    """Anything that stops the run before it can start, or the outputs from being written,
    is one line and exit code 2: what a user reads, not a traceback."""
    if args.executor == "dask" and not args.scheduler:
        print("--executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    scheduler = args.scheduler if args.executor == "dask" else None
    options = RunOptions(args.jobs, args.force, args.seconds_per_file, sys.stderr.isatty(), scheduler)
    try:
        summary = state.settled_or_run(args.inputs, args.out, options)
    except (OutputFolderError, OSError) as error:
        print(f"policygraph run: {error}", file=sys.stderr)
        return 2
    print(summary.line())
    if summary.failed:
        _tell_failures(args.out)
    return 0 if summary.files and summary.failed + summary.skipped < summary.files else 1


def _tell_failures(out: Path) -> None:
    """The first few reasons on the terminal, and where the rest are."""
    try:
        files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return
    failed = [entry for entry in files if entry["status"] in ("failed", "needs_ocr")]
    for entry in failed[:FAILURES_SHOWN]:
        print(f"  {entry['path']}: {entry['error']}", file=sys.stderr)
    rest = len(failed) - FAILURES_SHOWN
    where = f"{rest} more in" if rest > 0 else "every file's outcome is in"
    print(f"  {where} {out / 'manifest.json'}", file=sys.stderr)


def _export_neo4j(connection: object, args: argparse.Namespace) -> list[str]:
    folder = args.to or args.out / "neo4j"
    written = []
    for name, content in neo4j.import_files(connection).items():
        write_atomically(folder / name, content)
        written.append(str(folder / name))
    return written


def _serve(args: argparse.Namespace) -> int:
    """Imports the web stack here, so that the other commands start without it."""
    connection = _open(args.out)
    if connection is None:
        return 2
    connection.close()
    import uvicorn

    from policygraph.web.app import create_app

    database = args.out / store.DATABASE_NAME
    if reason := _cannot_listen(args.host, args.port):
        print(f"cannot serve at {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 2
    print(f"serving {database} at http://{args.host}:{args.port}/", file=sys.stderr)
    if lacks_chinese_font():
        print(NO_CHINESE_FONT, file=sys.stderr)
    uvicorn.run(create_app(database), host=args.host, port=args.port, log_level="warning")
    return 0


def lacks_chinese_font() -> bool:
    """Whether fontconfig, which browsers on Linux ask, knows no Chinese font here. Without
    fc-list (macOS, Windows) nothing can be told, so nothing is said."""
    if shutil.which(FONT_LISTER) is None:
        return False
    try:
        listing = subprocess.run([FONT_LISTER, ":lang=zh", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return listing.returncode == 0 and not listing.stdout.strip()


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen there (a port in use, an address not this machine's),
    asked before it says it serves: uvicorn would say so after."""
    try:
        with socket.create_server((host, port)):
            return None
    except OSError as error:
        return os.strerror(error.errno) if error.errno else str(error)


def _open(out: Path) -> sqlite3.Connection | None:
    """The run's database, or None after telling the user, in a line, how to make it."""
    try:
        return open_database(out)
    except NoDatabase as error:
        print(error, file=sys.stderr)
    except sqlite3.Error as error:
        _cannot_read(out, error)
    return None


def _cannot_read(out: Path, error: sqlite3.Error) -> int:
    """One line: what to do."""
    database = out / store.DATABASE_NAME
    if not disowned(out, error):
        print(f"{database} cannot be read now ({error})", file=sys.stderr)
        return 2
    advice = f"run `policygraph run … --out {out}` again to rebuild it"
    print(f"{database} cannot be read ({error}): {advice}", file=sys.stderr)
    return 2


def _query(answer: Callable, render: Callable) -> Callable[[argparse.Namespace], int]:
    """A command that opens the run's database, answers, and prints for a person or a program."""

    def handler(args: argparse.Namespace) -> int:
        connection = _open(args.out)
        if connection is None:
            return 2
        try:
            result = answer(connection, args)
        except (query.NotFound, ValueError) as error:
            print(error, file=sys.stderr)
            return 1
        except query.Ambiguous as error:  # the user chooses; nothing is picked silently
            print(error, file=sys.stderr)
            return 2
        except sqlite3.Error as error:  # damage deeper in the file than opening it reads
            return _cannot_read(args.out, error)
        finally:
            connection.close()
        printed = as_json(result) if args.json else render(result, args)
        sys.stdout.write(printed if printed.endswith("\n") else printed + "\n")
        return 0

    return handler


def _card(document: dict, args: argparse.Namespace) -> str:
    return as_card(document, args.lang)


def _table(columns: Callable[[argparse.Namespace], list[str]]) -> Callable[[list[dict], argparse.Namespace], str]:
    """Rows as an aligned table, or as CSV for Excel."""

    def render(rows: list[dict], args: argparse.Namespace) -> str:
        fact_type = getattr(args, "type", None)
        if args.csv:
            from policygraph.tables import as_csv

            return as_csv(rows, columns(args), fact_type)
        return as_table(rows, columns(args), args.lang, fact_type)

    return render


def _rollout_table(rollout: dict, args: argparse.Namespace) -> str:
    if args.csv:
        from policygraph.tables import rollout_csv

        return rollout_csv(rollout, ROLLOUT_COLUMNS)
    return as_rollout(rollout, ROLLOUT_COLUMNS, args.lang)


def _rollout(connection: sqlite3.Connection, args: argparse.Namespace) -> dict:
    from graph.rollout import rollout  # 10 ms of imports, which every other command would pay

    return rollout(connection, args.document)


def _document(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document", help="发文字号 (any script, any brackets), procurement code, record id, or title words"
    )


def _document_and_depth(parser: argparse.ArgumentParser) -> None:
    _document(parser)
    parser.add_argument("--depth", type=positive_int, default=query.MAX_DEPTH, help="how many steps to follow")


def _fact_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", required=True, choices=sorted(FACT_COLUMNS))
    parser.add_argument("--issuer", help="part of an issuer's name, e.g. 山东")
    parser.add_argument("--since", type=query_date, help=f"issue date from, {DATE_FORMS}")
    parser.add_argument("--until", type=query_date, help=f"issue date up to, {DATE_FORMS}")


def _words(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs="+")


# (command, help, its arguments, the answer from the database, how a person reads it)
QUERIES = [
    (
        "show",
        "a notice by number, id or title words: facts, references, referrers",
        _document,
        lambda db, a: query.show(db, a.document),
        _card,
    ),
    (
        "implementers",
        "who forwards or implements a document, transitively",
        _document_and_depth,
        lambda db, a: query.implementers(db, a.document, a.depth),
        _table(lambda a: WALK_COLUMNS),
    ),
    (
        "chain",
        "what a notice forwards or implements, up to the root documents",
        _document_and_depth,
        lambda db, a: query.chain(db, a.document, a.depth),
        _table(lambda a: WALK_COLUMNS),
    ),
    (
        "facts",
        "one type of fact compared across notices",
        _fact_filters,
        lambda db, a: query.facts(db, a.type, a.issuer, a.since, a.until),
        _table(lambda a: FACT_COLUMNS[a.type]),
    ),
    (
        "search",
        "full-text search over titles and text",
        _words,
        lambda db, a: query.search(db, " ".join(a.words)),
        _table(lambda a: SEARCH_COLUMNS),
    ),
    (
        "rollout",
        "where a document is carried out: each implementing or forwarding notice by province and city, "
        "then the provinces with none",
        _document,
        _rollout,
        _rollout_table,
    ),
]


if __name__ == "__main__":
    sys.exit(main())
