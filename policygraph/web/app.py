"""The web application: HTML pages for people and a JSON API for programs, both answered
by the queries of `graph.query` over the database a run wrote.

Every question opens its own SQLite connection and closes it before returning: FastAPI runs
handlers on a pool of threads, and a sqlite3 connection must stay on the thread that made it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from pydantic import AfterValidator, BaseModel, BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph import query, store
from graph.answers import FactRow, FactType, Rollout, SearchHit, ShownDocument, WalkStep
from graph.rollout import rollout
from policygraph import labels, tables
from policygraph.columns import FACT_COLUMNS, ROLLOUT_COLUMNS
from policygraph.render import fact_summary
from policygraph.web import messages
from policygraph.web.highlight import Span, highlighted
from policygraph.web.paths import input_root, shown_path
from policygraph.web.security import SecurityHeaders

HERE = FilePath(__file__).parent
NO_NUL = r"^[^\x00]*$"  # SQLite's full-text queries fail on NUL, and no notice holds one
MULTIPLE_CHOICES = HTTPStatus.MULTIPLE_CHOICES.value  # a name that several documents answer to
SERVICE_UNAVAILABLE = HTTPStatus.SERVICE_UNAVAILABLE.value
LABEL_CHARS = 24  # longer labels of graph nodes are cut, or titles would cover the graph
FACT_COLUMN_NAMES = tuple(dict.fromkeys(column for columns in FACT_COLUMNS.values() for column in columns))
ROWS_PER_PAGE = 200  # a comparison longer than this is read page by page; its downloads hold every row
Answer = TypeVar("Answer")


class Problem(BaseModel):
    """A 404's body, shaped as FastAPI's own errors are, so that a client reads every error alike."""

    detail: str


class Database:
    """The run's database, opened afresh for each question."""

    def __init__(self, path: FilePath) -> None:
        self.path = path
        store.connect(path).close()  # migrates an older database once, before requests race to do it

    def ask(self, question: Callable[..., Answer], *args: Any) -> Answer:
        connection = store.connect(self.path)
        try:
            return question(connection, *args)
        finally:
            connection.close()


def create_app(database: FilePath) -> FastAPI:
    if not database.is_file():
        raise FileNotFoundError(f"no database at {database}: run `policygraph run … --out DIR` first")
    app = FastAPI(
        title="policygraph",
        description="Procurement notices, their facts and their citation graph.",
        docs_url=None,  # FastAPI's own /docs and /redoc load from a CDN and run an inline script:
        redoc_url=None,  # DOCS serves both from vendored files instead
    )
    app.add_middleware(SecurityHeaders)
    app.state.database = Database(database)
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(API)
    app.include_router(PAGES)
    app.include_router(DOCS)
    app.add_exception_handler(query.NotFound, _not_found)
    app.add_exception_handler(query.Ambiguous, _ambiguous)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _refused)
    app.add_exception_handler(sqlite3.Error, _unreadable)
    return app


def _templates() -> Jinja2Templates:
    """Autoescaping on for every template: titles and texts of notices are untrusted."""
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    environment.filters["notice_href"] = notice_href
    environment.filters["label"] = lambda field, fact_type=None: labels.heading(field, fact_type=fact_type)
    environment.filters["shown"] = lambda value, field: labels.shown(field, value)
    environment.filters["fact_type_label"] = labels.fact_type_label
    return Jinja2Templates(env=environment)


def notice_href(node: str) -> str:
    """Ids hold '/', '#' or '?' at times (`ref:LM-HD2024-01/02`): quote them all."""
    return "/notices/" + quote(node, safe="")


def _database(request: Request) -> Database:
    return request.app.state.database


DatabaseDependency = Annotated[Database, Depends(_database)]
DocumentName = Annotated[
    str, Path(pattern=NO_NUL, description="a 发文字号 in any script and brackets, a record id, or title words")
]


def _searchable(words: str) -> str:
    """A search beyond the bounds of `query.search_terms` is refused before it runs, as a 422
    naming the parameter and the bound."""
    query.search_terms(query.simplified(words))
    return words


SearchWords = Annotated[
    str,
    Query(
        pattern=NO_NUL,
        description=f"words of a title or text, or a 发文字号: at most {query.MAX_TERMS} different terms "
        f"of {query.MAX_TERMS_CHARS} characters in all",
    ),
    AfterValidator(_searchable),
]


def _blank_as_none(value: object) -> object:
    """An HTML form sends an empty field as ""."""
    return value or None


FormDate = Annotated[date | None, Query(), BeforeValidator(_blank_as_none)]  # checked as a day, like the API's
Depth = Annotated[int, Query(ge=1, le=query.MAX_DEPTH, description="how many steps to follow")]


async def _not_found(request: Request, error: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": str(error)}, status_code=404)
    name = request.path_params.get("name", "")
    return _problem(request, 404, [messages.NOT_FOUND.format(name=name)])


async def _ambiguous(request: Request, error: query.Ambiguous) -> Response:
    """Several documents answer to the name: the person or program chooses, nothing is picked for them."""
    if _is_api(request):
        candidates = [asdict(candidate) for candidate in error.candidates]
        return JSONResponse({"detail": str(error), "candidates": candidates}, status_code=MULTIPLE_CHOICES)
    context = {"name": request.path_params.get("name", ""), "candidates": error.candidates, "q": ""}
    return _page(request, "choose.html", context, status_code=MULTIPLE_CHOICES)


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """A program gets FastAPI's own answer; a person who followed a link or typed a search
    gets a page saying what to change, with the search box still holding the search."""
    if _is_api(request):
        return await request_validation_exception_handler(request, error)
    return _problem(request, 422, [messages.told(problem) for problem in error.errors()])


async def _refused(request: Request, error: StarletteHTTPException) -> Response:
    """No such page or a method a page does not take: a page for a person, JSON for a program."""
    if _is_api(request) or error.status_code not in messages.HEADINGS:
        return await http_exception_handler(request, error)
    return _problem(request, error.status_code, [messages.NO_SUCH_PAGE])


async def _unreadable(request: Request, error: sqlite3.Error) -> Response:
    """The run's database broke under the server (a run rebuilding it, a full disk): say so, not 500."""
    detail = f"{messages.UNREADABLE} ({error})"
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=SERVICE_UNAVAILABLE)
    return _problem(request, SERVICE_UNAVAILABLE, [detail])


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problem(request: Request, status_code: int, told: list[str]) -> HTMLResponse:
    heading = messages.HEADINGS[status_code]
    context = {"heading": heading, "messages": told, "q": request.query_params.get("q", "")}
    return _page(request, "problem.html", context, status_code=status_code)


def _page(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


# The JSON API: one route per query, answering what the query answers.

API = APIRouter(prefix="/api", tags=["api"], responses={404: {"model": Problem, "description": "no such document"}})


@API.get("/search", response_model=list[SearchHit], summary="Notices whose title or text holds every word")
def api_search(db: DatabaseDependency, q: Annotated[SearchWords, Query(min_length=1)]) -> list[dict]:
    return db.ask(query.search, q)


# Document ids may hold '/', so `name` is a path; the longer routes come first to win.
@API.get("/documents/{name:path}/implementers", response_model=list[WalkStep], summary="Who forwards or implements")
def api_implementers(db: DatabaseDependency, name: DocumentName, depth: Depth = query.MAX_DEPTH) -> list[dict]:
    return db.ask(query.implementers, name, depth)


@API.get("/documents/{name:path}/rollout", response_model=Rollout, summary="Where and from when it is carried out")
def api_rollout(db: DatabaseDependency, name: DocumentName) -> dict:
    return db.ask(rollout, name)


@API.get("/documents/{name:path}/chain", response_model=list[WalkStep], summary="What it forwards or implements")
def api_chain(db: DatabaseDependency, name: DocumentName, depth: Depth = query.MAX_DEPTH) -> list[dict]:
    return db.ask(query.chain, name, depth)


@API.get("/documents/{name:path}", response_model=ShownDocument, summary="A document, its facts and its links")
def api_show(db: DatabaseDependency, name: DocumentName) -> dict:
    return db.ask(_shown, name)


def _shown(connection: sqlite3.Connection, name: str) -> dict:
    """`query.show` with the source's and the copies' paths as pages and the API show them:
    below the run's input root."""
    shown = query.show(connection, name)
    root = input_root(connection)
    for source in filter(None, [shown.get("source"), *shown.get("copies", [])]):
        source["file"] = shown_path(source["file"], root)
    return shown


@API.get("/facts", response_model=list[FactRow], summary="One type of fact compared across notices")
def api_facts(
    db: DatabaseDependency,
    fact_type: Annotated[FactType, Query(alias="type")],
    issuer: Annotated[str | None, Query(description="part of an issuer's name, e.g. 山东")] = None,
    since: Annotated[date | None, Query(description="issued on or after")] = None,
    until: Annotated[date | None, Query(description="issued on or before")] = None,
) -> list[dict]:
    return db.ask(query.facts, fact_type, issuer, _iso(since), _iso(until))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# The pages.

PAGES = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@PAGES.get("/")
def search_page(request: Request, db: DatabaseDependency, q: SearchWords = "") -> HTMLResponse:
    named, hits = db.ask(_search, q.strip()) if q.strip() else (None, [])
    return _page(request, "search.html", {"q": q, "named": named, "hits": hits})


def _search(connection: sqlite3.Connection, text: str) -> tuple[query.Document | None, list[dict]]:
    """The document the text names, however its number is written, and the notices holding the text."""
    try:
        named = query.resolve(connection, text)
    except (query.NotFound, query.Ambiguous):  # the hits below list every notice holding the words
        named = None
    hits = [hit for hit in query.search(connection, text) if not named or hit["id"] != named.node]
    return named, hits


@PAGES.get("/notices/{name:path}/rollout")
def rollout_page(request: Request, db: DatabaseDependency, name: DocumentName) -> HTMLResponse:
    found = db.ask(rollout, name)
    context = {"rollout": found, "columns": ROLLOUT_COLUMNS, "timeline": _timeline(found["rows"])}
    return _page(request, "rollout.html", context)


def _timeline(rows: list[dict]) -> list[dict]:
    """The points of the chart: each notice at its effective date, or at its issue date where
    it states none (drawn apart), on its province's line."""
    points = []
    for row in rows:
        day = row["effective_date"] or row["issue_date"]
        if day:
            place = row["province"] or labels.shown("level", row["level"]) or "未知地区"
            points.append({
                "place": place,
                "day": day,
                "effective": row["effective_date"] is not None,
                "label": " ".join(filter(None, [row["city"], row["doc_number"] or row["node"]])),
            })  # fmt: skip
    return points


@PAGES.get("/notices/{name:path}/graph")
def graph_page(request: Request, db: DatabaseDependency, name: DocumentName) -> HTMLResponse:
    shown, elements = db.ask(_neighbourhood, name)
    return _page(request, "graph.html", {"document": shown, "elements": elements})


@PAGES.get("/notices/{name:path}")
def notice_page(request: Request, db: DatabaseDependency, name: DocumentName) -> HTMLResponse:
    shown, text = db.ask(_document_and_text, name)
    facts = _facts_of(shown)
    spans = [Span(fact["start"], fact["end"], fact["label"]) for fact in facts]
    context = {"document": shown, "facts": facts, "text": highlighted(text, spans) if text else None}
    return _page(request, "notice.html", context)


def _document_and_text(connection: sqlite3.Connection, name: str) -> tuple[dict, str | None]:
    """`show` leaves the text out; the page shows it with the evidence marked."""
    shown = _shown(connection, name)
    row = connection.execute("SELECT text FROM notices WHERE id = ?", (shown["node"],)).fetchone()
    return shown, row["text"] if row else None


def _facts_of(shown: dict) -> list[dict]:
    """Every fact of a notice, with its values and its evidence span (references have their own list)."""
    found = []
    for field in store.FACT_TYPES:
        for fact in shown.get(field) or []:
            evidence = fact["evidence"]
            summary = fact_summary(fact, field)
            found.append({
                "type": field,
                "summary": summary,
                "label": f"{labels.fact_type_label(field)}：{summary}",
                "quote": evidence["quote"],
                "start": evidence["start"],
                "end": evidence["end"],
            })  # fmt: skip
    return found


def _neighbourhood(connection: sqlite3.Connection, name: str) -> tuple[dict, list[dict]]:
    """The document, what it links to and what links to it, and the forwarding chains through it,
    as cytoscape.js elements."""
    shown = query.show(connection, name)
    centre = shown["node"]
    nodes = {centre: shown}
    edges = set()
    for link in shown["referenced_by"]:
        nodes[link["node"]] = link
        edges.add((link["node"], centre, link["relation"]))
    for link in shown["references_documents"]:
        nodes[link["node"]] = link
        edges.add((centre, link["node"], link["relation"]))
    for step in query.implementers(connection, centre):
        nodes.setdefault(step["node"], step)
        edges.add((step["node"], step["via"], step["relation"]))
    for step in query.chain(connection, centre):
        nodes.setdefault(step["node"], step)
        edges.add((step["via"], step["node"], step["relation"]))
    node_elements = [_graph_node(node, data, node == centre) for node, data in nodes.items()]
    edge_elements = [_graph_edge(source, target, relation) for source, target, relation in sorted(edges)]
    return shown, node_elements + edge_elements


def _graph_edge(source: str, target: str, relation: str) -> dict:
    """`relation` for the style (cites dashed), `label` for the reader (转发, 执行, 引用)."""
    edge = {"id": f"{source}|{relation}|{target}", "source": source, "target": target, "relation": relation}
    return {"data": {**edge, "label": labels.shown("relation", relation)}}


def _graph_node(node: str, data: dict, is_centre: bool) -> dict:
    label = data.get("doc_number") or data.get("title") or node
    if len(label) > LABEL_CHARS:
        label = label[: LABEL_CHARS - 1] + "…"
    kind = "centre" if is_centre else "notice" if data.get("in_corpus") else "referenced"
    return {"data": {"id": node, "label": label, "href": notice_href(node), "kind": kind}}


FactTypeChoice = Annotated[FactType, Query(alias="type")]
Sort = Annotated[Literal[FACT_COLUMN_NAMES] | None, Query(), BeforeValidator(_blank_as_none)]
Order = Annotated[Literal["asc", "desc"], Query()]


@dataclass(frozen=True)
class Comparison:
    """What the comparison page filters and sorts by: the page and both downloads take the same."""

    fact_type: FactTypeChoice = "prepayments"
    issuer: str = ""
    since: FormDate = None
    until: FormDate = None
    sort: Sort = None
    order: Order = "asc"

    def rows(self, db: Database) -> list[dict]:
        rows = db.ask(query.facts, self.fact_type, self.issuer.strip() or None, _iso(self.since), _iso(self.until))
        if self.sort:
            known = [row for row in rows if row[self.sort] is not None]
            known.sort(key=lambda row: _sort_key(row[self.sort]), reverse=self.order == "desc")
            rows = known + [row for row in rows if row[self.sort] is None]  # the unknown last, either way
        return rows

    @property
    def columns(self) -> list[str]:
        return FACT_COLUMNS[self.fact_type]

    def filename(self, extension: str) -> str:
        return f"{self.fact_type}.{extension}"


def _sort_key(value: object) -> object:
    return "、".join(value) if isinstance(value, list) else value


ComparisonDependency = Annotated[Comparison, Depends()]


@PAGES.get("/facts")
def facts_page(
    request: Request,
    db: DatabaseDependency,
    comparison: ComparisonDependency,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    rows = comparison.rows(db)
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    first = (min(page, pages) - 1) * ROWS_PER_PAGE
    context = {
        "fact_types": store.FACT_TYPES,
        "comparison": comparison,
        "since": _iso(comparison.since) or "",
        "until": _iso(comparison.until) or "",
        "rows": rows[first : first + ROWS_PER_PAGE],
        "total": len(rows),
        "first": first,
        "page": min(page, pages),
        "pages": pages,
    }
    return _page(request, "facts.html", context)


@PAGES.get("/facts.csv")
def facts_csv(db: DatabaseDependency, comparison: ComparisonDependency) -> Response:
    """Every row the filter shows, sorted as the page is, for Excel."""
    text = tables.as_csv(comparison.rows(db), comparison.columns, comparison.fact_type)
    return _download(text.encode("utf-8"), tables.CSV_MEDIA_TYPE, comparison.filename("csv"))


@PAGES.get("/facts.xlsx")
def facts_xlsx(db: DatabaseDependency, comparison: ComparisonDependency) -> Response:
    sheet = labels.fact_type_label(comparison.fact_type).replace("/", "、")  # Excel refuses / in a sheet's name
    content = tables.as_xlsx(comparison.rows(db), comparison.columns, comparison.fact_type, sheet)
    return _download(content, tables.XLSX_MEDIA_TYPE, comparison.filename("xlsx"))


def _download(content: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


# The API's documentation: Swagger UI and ReDoc from /static, so they work offline and under the CSP.

DOCS = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@DOCS.get("/docs")
def swagger_ui_page(request: Request) -> HTMLResponse:
    return _api_documentation(request, "docs.html")


@DOCS.get("/redoc")
def redoc_page(request: Request) -> HTMLResponse:
    return _api_documentation(request, "redoc.html")


def _api_documentation(request: Request, template: str) -> HTMLResponse:
    context = {"title": request.app.title, "openapi_url": request.app.openapi_url}
    return _page(request, template, context)
