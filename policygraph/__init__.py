"""Chinese medical-insurance procurement notices as structured facts and a citation graph.

For programs: `extract` gives the records a run writes for one file's bytes, `run` does what
`policygraph run` does, and `open` answers what the query commands answer, as typed models.

Every name here is imported on first use (PEP 562): the command line imports this package
before each command, and the query commands must start without spaCy or pydantic.
"""

TYPE_CHECKING = False  # type checkers take it for True; importing typing would cost 4 ms
if TYPE_CHECKING:
    from graph.answers import FactRow, SearchHit, ShownDocument, WalkStep
    from graph.query import Ambiguous, NotFound, QueryTooLarge
    from policygraph.api import extract, open, run
    from policygraph.database import NoDatabase
    from policygraph.outcome import CannotRead
    from policygraph.outputs import OutputFolderError
    from policygraph.questions import RunDatabase
    from policygraph.state import RunSummary
    from schema import NoticeRecord

_HOMES = {
    "Ambiguous": "graph.query",
    "CannotRead": "policygraph.outcome",
    "FactRow": "graph.answers",
    "NoDatabase": "policygraph.database",
    "NotFound": "graph.query",
    "NoticeRecord": "schema",
    "OutputFolderError": "policygraph.outputs",
    "QueryTooLarge": "graph.query",
    "RunDatabase": "policygraph.questions",
    "RunSummary": "policygraph.state",
    "SearchHit": "graph.answers",
    "ShownDocument": "graph.answers",
    "WalkStep": "graph.answers",
    "extract": "policygraph.api",
    "open": "policygraph.api",
    "run": "policygraph.api",
}
__all__ = [
    "Ambiguous",
    "CannotRead",
    "FactRow",
    "NoDatabase",
    "NotFound",
    "NoticeRecord",
    "OutputFolderError",
    "QueryTooLarge",
    "RunDatabase",
    "RunSummary",
    "SearchHit",
    "ShownDocument",
    "WalkStep",
    "extract",
    "open",
    "run",
]


def __getattr__(name: str) -> object:
    """A name's home module is imported when the name is first used, and the name kept here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
