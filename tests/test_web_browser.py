"""`policygraph serve` as a compliance officer uses it: headless Chromium, driven by Playwright,
against a real server on a loopback port. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import csv
import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn

from graph.store import DATABASE_NAME
from policygraph.pipeline import run
from policygraph.web.app import create_app
from tests.conftest import CORPUS, PROJECT
from tests.test_web_api import API_DOCUMENTATION, CITY, LIAONING, PROVINCIAL, SCRIPT_NUMBER, write_script_notice

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = PROJECT / "tests" / "artifacts"
TIMEOUT_MS = 10_000
CSP_REFUSAL = "violates the following Content Security Policy directive"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the corpus plus a notice that carries a script, served on a free loopback port."""
    folder = tmp_path_factory.mktemp("browser")
    run([str(CORPUS), str(write_script_notice(folder / "in"))], folder / "out")
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(folder / "out" / DATABASE_NAME), log_level="warning")
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not serving.started and thread.is_alive():
        thread.join(0.05)
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    serving.should_exit = True
    thread.join(5)
    listening.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """JavaScript errors, dialogs (an `alert` that got through) and what the page's
    Content-Security-Policy refused, on the test's page."""
    return []


@pytest.fixture
def page(browser, server: str, problems: list[str]) -> Iterator[object]:
    """A fresh page that fails the test on any JavaScript error or dialog."""
    page = browser.new_page(base_url=server, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: _note_refusal(message.text, problems))
    yield page
    page.close()
    assert problems == []


def _note_refusal(text: str, problems: list[str]) -> None:
    """Chromium reports what a Content-Security-Policy refused on the console, and nowhere else."""
    if CSP_REFUSAL in text:
        problems.append(f"refused: {text}")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_then_follow_the_forwarding_notice(page) -> None:
    page.goto("/")
    page.get_by_role("searchbox").fill(PROVINCIAL)
    page.get_by_role("button", name="搜索").click()
    page.locator(".results a", has_text=PROVINCIAL).first.click()
    sync_api.expect(page.locator("h1")).to_contain_text("关于执行国家组织人工晶体类")
    referrers = page.locator("section.referenced-by li", has_text="转发")
    sync_api.expect(referrers.get_by_role("link", name=CITY)).to_be_visible()
    screenshot(page, "provincial_notice")
    referrers.get_by_role("link", name=CITY).click()
    sync_api.expect(page.locator("h1")).to_contain_text("关于转发")
    self_pay = page.locator(".notice-text mark", has_text="职工首先自付比例0%")
    sync_api.expect(self_pay).to_be_visible()
    screenshot(page, "city_notice")


def test_a_prepayment_is_highlighted_in_its_notice(page) -> None:
    page.goto(f"/notices/{LIAONING}")
    row = page.locator("table.facts tr", has_text="医保基金预付")
    evidence = row.get_by_role("link")
    sync_api.expect(evidence).to_contain_text("50%")
    evidence.click()
    sync_api.expect(page.locator(".notice-text mark:target")).to_contain_text("50%")


def test_the_graph_view_draws_the_neighbourhood(page) -> None:
    page.goto(f"/notices/{PROVINCIAL}/graph")
    page.wait_for_function("window.cy && window.cy.nodes().length > 0")
    embedded = page.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    assert page.evaluate("cy.nodes().length") == len([e for e in embedded if "source" not in e["data"]]) >= 3
    assert page.evaluate(f"cy.getElementById({CITY!r}).outgoers('edge').length") == 2  # forwards and cites
    assert page.locator("#graph canvas").count() > 0
    screenshot(page, "graph")


def test_the_comparison_sorts_filters_and_downloads_what_it_shows(page) -> None:
    """As an officer does it: sort by a column, filter by issuer, take both downloads into a
    spreadsheet, and find there the rows the page showed."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/facts?type=prepayments")
    ratio = page.locator("table.compare th", has_text="预付比例").get_by_role("link")
    ratio.click()
    assert _column(page, "ratio") == ["30%", "30%", "50%", "50%", "50%"]  # Shanxi's 30% and the script notice's
    page.locator("table.compare th", has_text="预付比例").get_by_role("link").click()
    assert _column(page, "ratio") == ["50%", "50%", "50%", "30%", "30%"]
    quote_width = page.locator("table.compare td.quote").first.bounding_box()["width"]
    assert quote_width >= 400, f"the evidence has {quote_width} px at 1280"
    screenshot(page, "facts")
    page.get_by_label("发文机关").fill("山西")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/facts?type=prepayments&issuer=*")
    shown = list(zip(_column(page, "ratio"), _column(page, "scope"), strict=True))
    assert shown == [("50%", "药品"), ("30%", "医用耗材")]
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    written = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(row["预付比例"], row["适用范围"]) for row in written] == shown
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert xlsx_download.value.suggested_filename == "prepayments.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    heading, *rows = sheet.iter_rows(values_only=True)
    assert [(f"{row[heading.index('预付比例')]:.0%}", row[heading.index('适用范围')]) for row in rows] == shown


def _column(page, name: str) -> list[str]:
    return page.locator(f"table.compare tbody td.{name}").all_inner_texts()


def test_the_rollout_page_draws_each_notice_on_its_provinces_timeline(page) -> None:
    """From the provincial notice's implemented document to who carries it out where and when."""
    page.goto("/notices/GH-HD2023-1")
    page.get_by_role("link", name="查看各地执行情况").click()
    page.wait_for_url("**/rollout")  # polled while the page changed, the check below was refused by its CSP
    page.wait_for_function("window.rolloutChart !== undefined")
    drawn = page.evaluate("rolloutChart.data.datasets.map((set) => set.data.map((point) => [point.y, point.day]))")
    assert drawn == [[["山东省", "2024-05-31"], ["山东省", "2024-05-31"]], []]  # both state when they take effect
    assert _column(page, "city") == ["", "聊城市"]
    sync_api.expect(page.locator("ul.missing li")).to_have_count(30)
    screenshot(page, "rollout")


def test_a_notice_carrying_a_script_renders_inert(page, problems: list[str]) -> None:
    page.goto(f"/notices/{SCRIPT_NUMBER}")
    sync_api.expect(page.locator("h1")).to_have_text("关于<script>alert(1)</script>执行集中带量采购中选结果的通知")
    sync_api.expect(page.locator(".notice-text mark", has_text="<script>alert(2)</script>")).to_be_visible()
    screenshot(page, "script_notice")
    page.goto(f"/notices/{SCRIPT_NUMBER}/graph")
    page.wait_for_function("window.cy && window.cy.nodes().length > 0")
    assert page.evaluate(f"cy.getElementById({SCRIPT_NUMBER!r}).data('label')").startswith("测医保")
    assert problems == []


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/?q={PROVINCIAL}",
        f"/notices/{CITY}",
        f"/notices/{PROVINCIAL}/graph",
        "/facts?type=prepayments",
        "/notices/GH-HD2023-1/rollout",
    ],
)
def test_the_main_pages_work_under_their_content_security_policy(page, problems: list[str], url: str) -> None:
    """cytoscape.js writes a stylesheet into the page: the policy allows it by its hash."""
    page.goto(url)
    if url.endswith("/graph"):
        page.wait_for_function("window.cy && window.cy.nodes().length > 0")
    page.wait_for_load_state("networkidle")
    assert problems == []


@pytest.mark.parametrize("url", API_DOCUMENTATION)
def test_the_api_documentation_renders_offline_under_its_policy(page, server: str, problems: list[str], url: str) -> None:
    """Swagger UI and ReDoc draw the operations from the vendored files alone: no CDN, no web font."""
    elsewhere = _refuse_other_sites(page, server)
    page.goto(url)
    sync_api.expect(page.get_by_text("/api/search", exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, url.strip("/"))
    assert (elsewhere, problems) == ([], [])


def _refuse_other_sites(page, server: str) -> list[str]:
    """Requests to anywhere but the test's server are refused, and listed."""
    elsewhere = []

    def answer(route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", answer)
    return elsewhere


def test_the_content_security_policy_refuses_an_inline_script(page, problems: list[str]) -> None:
    """What an escape missed in a notice's text would inject: it does not run."""
    page.goto("/")
    refused = page.evaluate(INJECT_INLINE_SCRIPT)
    assert (refused, page.evaluate("window.injected")) == ("script-src-elem", None)
    assert len(problems) == 1 and "script-src 'self'" in problems[0]
    problems.clear()


INJECT_INLINE_SCRIPT = """() => new Promise((resolve) => {
  document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), { once: true });
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.head.append(script);
  setTimeout(() => resolve(null), 2000);
})"""
