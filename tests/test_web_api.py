"""The web application through FastAPI's test client: exact answers on the bundled corpus,
its OpenAPI description fuzzed by Schemathesis, and untrusted notice text kept inert."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from graph import store
from graph.store import DATABASE_NAME
from policygraph.pipeline import run
from policygraph.web.app import create_app
from policygraph.web.highlight import Span, highlighted
from policygraph.web.paths import input_root, shown_path
from policygraph.web.security import SECURITY_HEADERS
from tests.conftest import CORPUS
from tests.test_query import THOUSAND_TERMS

PROVINCIAL = "鲁医保函〔2024〕28号"
CITY = "聊医保函〔2024〕13号"
LIAONING = "辽医保〔2022〕80号"
SHANXI = "晋医保发〔2021〕22号"
PROVINCIAL_FILE = "000_61ff265ac555f13c.txt"
CHONGQING = "sha256:1f5224b1341eb1b3"  # a notice without a 发文字号
SCRIPT_NUMBER = "测医保〔2024〕1号"
SCRIPT_NOTICE = f"""测试市医疗保障局

{SCRIPT_NUMBER}

关于<script>alert(1)</script>执行集中带量采购中选结果的通知

各医疗机构：

一、医保基金按不低于年度约定采购金额的30%预付给医疗机构<script>alert(2)</script>。

二、中选产品职工首先自付比例0%。

测试市医疗保障局
2024年6月1日
"""
API_DOCUMENTATION = ["/docs", "/redoc"]
API_PATHS = [
    "/api/documents/{name}", "/api/documents/{name}/chain", "/api/documents/{name}/implementers",
    "/api/documents/{name}/rollout", "/api/facts", "/api/search",
]  # fmt: skip


def write_script_notice(folder: Path) -> Path:
    """A notice whose title and evidence hold a script, as an attacker would write it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "script_notice.txt").write_text(SCRIPT_NOTICE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def script_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("script_notice")
    run([str(write_script_notice(folder / "in"))], folder / "out")
    return TestClient(create_app(folder / "out" / DATABASE_NAME))


def test_implementers_of_the_provincial_notice_is_the_city_notice(client: TestClient) -> None:
    response = client.get("/api/documents/魯醫保函[2024]28號/implementers")
    assert response.status_code == 200
    assert [(step["node"], step["relation"], step["depth"], step["via"]) for step in response.json()] == [
        (CITY, "forwards", 1, PROVINCIAL)
    ]


def test_chain_of_the_city_notice_starts_at_the_provincial_notice(client: TestClient) -> None:
    steps = client.get(f"/api/documents/{CITY}/chain").json()
    assert steps[0]["node"] == PROVINCIAL
    assert [step["node"] for step in client.get(f"/api/documents/{CITY}/chain?depth=1").json()] == [PROVINCIAL]


def test_show_gives_fields_facts_and_links_both_ways(client: TestClient) -> None:
    shown = client.get(f"/api/documents/{PROVINCIAL}").json()
    assert shown["issue_date"] == "2024-05-22"
    assert [cap["basis"] for cap in shown["price_caps"]] == ["selected_price", "max_selected_price", "selected_price"]
    assert {(link["node"], link["relation"]) for link in shown["referenced_by"]} == {
        (CITY, "forwards"),
        (CITY, "cites"),
    }
    assert "text" not in shown


def test_the_source_is_shown_below_the_folder_the_run_was_given(client: TestClient, corpus_records: list[dict]) -> None:
    """The run was given the corpus folder by its absolute path, which the record keeps as given;
    the API and the page show no more of it than the path below that folder."""
    record = next(record for record in corpus_records if record["id"] == PROVINCIAL)
    assert record["source"]["file"] == str(CORPUS / PROVINCIAL_FILE)
    assert client.get(f"/api/documents/{PROVINCIAL}").json()["source"]["file"] == PROVINCIAL_FILE
    page = client.get(f"/notices/{PROVINCIAL}").text
    assert f"<tr><th>来源文件</th><td>{PROVINCIAL_FILE}</td></tr>" in page
    assert str(CORPUS) not in page


@pytest.mark.parametrize(
    ("files", "shown"),
    [
        (["/home/alice/batch/x.txt"], ["x.txt"]),
        (["/home/alice/batch/a/x.txt", "/home/alice/batch/b/y.txt"], ["a/x.txt", "b/y.txt"]),
        (["/home/alice/batch/a/x.txt", "/home/alice/batch/ab/y.txt"], ["a/x.txt", "ab/y.txt"]),
        (["batch/x.txt", "/srv/in/y.txt", "/srv/in/deep/z.txt"], ["batch/x.txt", "y.txt", "deep/z.txt"]),
    ],
)
def test_source_paths_are_shown_below_the_folder_all_absolute_ones_share(
    tmp_path: Path, files: list[str], shown: list[str]
) -> None:
    with closing(store.connect(tmp_path / DATABASE_NAME)) as connection:
        connection.executemany("INSERT INTO files (path, status) VALUES (?, 'ok')", [(path,) for path in files])
        root = input_root(connection)
    assert [shown_path(path, root) for path in files] == shown


def test_a_referenced_document_whose_id_holds_slashes_is_shown(client: TestClient) -> None:
    node = "ref:LM-HD2024-01/02/03/04"
    shown = client.get("/api/documents/" + quote(node, safe="")).json()
    assert (shown["node"], shown["in_corpus"], shown["code"]) == (node, False, "LM-HD2024-01/02/03/04")


def test_facts_filter_by_type_issuer_and_dates(client: TestClient) -> None:
    ratios = [(row["doc_number"], row["ratio"]) for row in client.get("/api/facts?type=prepayments").json()]
    assert ratios == [("晋医保发〔2021〕22号", 0.5), ("晋医保发〔2021〕22号", 0.3), (LIAONING, 0.5), (None, 0.5)]
    assert [
        row["ratio"] for row in client.get("/api/facts", params={"type": "prepayments", "issuer": "山西"}).json()
    ] == [0.5, 0.3]
    periods = client.get("/api/facts?type=procurement_periods&since=2024-01-01&until=2024-12-31").json()
    assert [row["months"] for row in periods] == [24, 12]


def test_search_finds_notices_in_either_script(client: TestClient) -> None:
    for words in ("冠脉支架", "冠脈支架"):
        assert [hit["doc_number"] for hit in client.get("/api/search", params={"q": words}).json()] == [LIAONING]


@pytest.mark.parametrize(
    "url",
    [
        "/api/facts?type=rumours",
        "/api/facts?type=prepayments&since=yesterday",
        f"/api/documents/{CITY}/chain?depth=0",
        "/api/search",
        "/api/search?q=28%00",
    ],
)
def test_bad_parameters_are_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_a_search_of_a_thousand_terms_is_refused_in_json_and_in_html(client: TestClient) -> None:
    """SQLite gave a 500 (`Expression tree is too large`); the user is told the bound instead."""
    response = client.get("/api/search", params={"q": THOUSAND_TERMS})
    assert response.status_code == 422
    assert [(error["loc"], error["msg"]) for error in response.json()["detail"]] == [
        (["query", "q"], "Value error, a search takes at most 20 different terms; this one has 1000")
    ]
    page = client.get("/", params={"q": THOUSAND_TERMS})
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert "搜索内容：一次搜索最多 20 个不同的词，这次有 1000 个，请减少搜索词" in page.text


def test_a_name_of_a_thousand_terms_is_not_found_in_json_and_in_html(client: TestClient) -> None:
    response = client.get("/api/documents/" + quote(THOUSAND_TERMS))
    assert response.status_code == 404
    assert response.json()["detail"].endswith("; as title words, a search takes at most 20 different terms; this one has 1000")
    assert client.get("/notices/" + quote(THOUSAND_TERMS)).status_code == 404


@pytest.mark.parametrize(("words", "numbers"), [("_", []), ("%", [CHONGQING, LIAONING, SHANXI, CITY])])
def test_like_wildcards_searched_are_the_characters_typed(client: TestClient, words: str, numbers: list) -> None:
    assert [hit["id"] for hit in client.get("/api/search", params={"q": words}).json()] == numbers


@pytest.mark.parametrize(
    ("url", "told"),
    [
        ("/facts?type=foo", "事实类型：应为以下之一：&#39;procurement_periods&#39;, &#39;prepayments&#39;"),
        ("/facts?type=prepayments&since=2024-02-30", "起始日期：“2024-02-30”不是日期，应写作 2021-01-01"),
        ("/facts?type=prepayments&until=2024-13-01", "截止日期：“2024-13-01”不是日期，应写作 2021-01-01"),
        ("/facts?type=prepayments&sort=colour", "排序列：应为以下之一：&#39;doc_number&#39;"),
        ("/facts?type=prepayments&page=0", "页码：不能小于 1"),
    ],
)
def test_bad_parameters_of_a_page_are_a_422_page_saying_what_to_change(client: TestClient, url: str, told: str) -> None:
    """Not a 500, not JSON for a person, and not a date compared as text: 2024-13-01 is no day."""
    page = client.get(url)
    assert (page.status_code, page.headers["content-type"]) == (422, "text/html; charset=utf-8")
    assert f"<p>{told}" in page.text


def test_an_unknown_document_is_a_404_in_json_and_in_html(client: TestClient) -> None:
    response = client.get("/api/documents/no-such-notice/implementers")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "no notice or referenced document matches 'no-such-notice'"},
    )
    page = client.get("/notices/no-such-notice")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "<h1>未找到</h1>" in page.text and "没有与“no-such-notice”相符的通知或被引用文件" in page.text


def test_openapi_describes_every_api_route_and_no_page(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert sorted(paths) == API_PATHS
    parameters = paths["/api/facts"]["get"]["parameters"]
    fact_type = next(parameter for parameter in parameters if parameter["name"] == "type")
    assert fact_type["schema"]["enum"] == ["procurement_periods", "prepayments", "self_pay_adjustments", "price_caps"]


def test_search_page_offers_a_notice_by_its_number(client: TestClient) -> None:
    page = client.get("/", params={"q": PROVINCIAL}).text
    assert f'href="/notices/{quote(PROVINCIAL, safe="")}"' in page


def test_notice_page_marks_evidence_and_links_both_ways(client: TestClient) -> None:
    page = client.get(f"/notices/{CITY}").text
    assert "职工首先自付比例0%。</mark>" in page
    assert f'href="/notices/{quote(PROVINCIAL, safe="")}"' in page
    provincial = client.get(f"/notices/{PROVINCIAL}").text
    assert f'href="/notices/{quote(CITY, safe="")}"' in provincial


def test_graph_page_embeds_the_neighbourhood(client: TestClient) -> None:
    page = client.get(f"/notices/{PROVINCIAL}/graph").text
    embedded = page.split('<script id="graph-data" type="application/json">')[1].split("</script>")[0]
    elements = [element["data"] for element in json.loads(embedded)]
    edges = {(data["source"], data["relation"], data["target"]) for data in elements if "source" in data}
    assert {(CITY, "forwards", PROVINCIAL), (CITY, "cites", PROVINCIAL)} <= edges
    assert {"centre"} == {data["kind"] for data in elements if data["id"] == PROVINCIAL}


def test_facts_page_filters_and_links_to_notices(client: TestClient) -> None:
    page = client.get("/facts", params={"type": "prepayments", "issuer": "辽宁", "since": "", "until": ""}).text
    assert page.count("<tr>") == 2  # the heading and the one Liaoning prepayment
    assert f'href="/notices/{quote(LIAONING, safe="")}"' in page


def test_a_script_in_a_notice_is_shown_as_text(script_client: TestClient) -> None:
    for url in (f"/notices/{SCRIPT_NUMBER}", f"/notices/{SCRIPT_NUMBER}/graph", "/facts?type=prepayments"):
        page = script_client.get(url).text
        assert "<script>alert" not in page, url
    page = script_client.get(f"/notices/{SCRIPT_NUMBER}").text
    assert "<h1>关于&lt;script&gt;alert(1)&lt;/script&gt;执行集中带量采购中选结果的通知</h1>" in page
    assert "预付给医疗机构&lt;script&gt;alert(2)&lt;/script&gt;。</mark>" in page


def test_a_script_in_the_search_box_is_shown_as_text(client: TestClient) -> None:
    page = client.get("/", params={"q": '"><script>alert(3)</script>'}).text
    assert "<script>alert" not in page
    assert "&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "url", ["/", f"/notices/{PROVINCIAL}/graph", "/api/search?q=集采", "/static/graph.js", "/notices/no-such-notice", "/facts?type=foo"]
)
def test_every_answer_carries_the_security_headers(client: TestClient, url: str) -> None:
    headers = client.get(url).headers
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == {
        "Content-Security-Policy": "default-src 'none'; script-src 'self'; "
        "style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


def test_the_pages_hold_no_inline_script_or_style(client: TestClient) -> None:
    """The policy allows neither: only files of /static, and JSON data blocks, which do not run."""
    pages = ["/", f"/?q={PROVINCIAL}", f"/notices/{CITY}", f"/notices/{PROVINCIAL}/graph", "/facts", "/no-such-page"]
    for url in [*pages, *API_DOCUMENTATION]:
        page = client.get(url).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
        assert all('src="/static/' in attributes or 'type="application/json"' in attributes for attributes, _ in scripts)
        assert all(body == "" for attributes, body in scripts if "src=" in attributes)
        assert not re.search(r"<style|<[^>]*\s(style|on\w+)=", page)


@pytest.mark.parametrize("url", API_DOCUMENTATION)
def test_the_api_documentation_loads_only_the_apps_own_files(client: TestClient, url: str) -> None:
    """Swagger UI and ReDoc are vendored: their pages name no other site, and every file they load is served."""
    response = client.get(url)
    assert response.status_code == 200
    addresses = set(re.findall(r'(?:src|href|url)="([^"]*)"', response.text))
    assert "/openapi.json" in addresses
    files = addresses - {"/openapi.json"}
    assert files and all(address.startswith("/static/") for address in files)
    assert all(client.get(address).status_code == 200 for address in files)


def test_only_the_api_documentation_relaxes_the_policy_and_never_for_scripts(client: TestClient) -> None:
    """Its pages show the app's own OpenAPI description, not notices: styles, images and
    ReDoc's search worker are what Swagger UI and ReDoc need beyond the site's policy."""
    site = _directives(client.get("/").headers["Content-Security-Policy"])
    for url in API_DOCUMENTATION:
        documentation = _directives(client.get(url).headers["Content-Security-Policy"])
        changed = {name for name in site.keys() | documentation.keys() if site.get(name) != documentation.get(name)}
        assert changed == {"style-src", "img-src", "worker-src"}
        assert (documentation["img-src"], documentation["worker-src"]) == ("'self' data:", "blob:")
    assert _directives(client.get("/docs/x").headers["Content-Security-Policy"]) == site  # the paths exactly


def _directives(policy: str) -> dict[str, str]:
    return dict(directive.split(" ", 1) for directive in policy.split("; "))


def test_highlighting_escapes_and_splits_overlapping_evidence() -> None:
    text = "a<b>c&d"
    spans = [Span(1, 4, "x"), Span(2, 6, 'y"'), Span(-3, 99, "all")]
    assert str(highlighted(text, spans)) == (
        '<mark id="at-0" title="all">a</mark>'
        '<mark id="at-1" title="all; x">&lt;</mark>'
        '<mark id="at-2" title="all; x; y&#34;">b&gt;</mark>'
        '<mark id="at-4" title="all; y&#34;">c&amp;</mark>'
        '<mark id="at-6" title="all">d</mark>'
    )  # fmt: skip
    assert str(highlighted("plain", [Span(3, 3, "empty")])) == "plain"


def test_a_name_of_two_short_terms_does_not_bring_the_server_down(corpus_run: Path) -> None:
    """A crash ends the server process, so the request runs in a child process of its own."""
    request = (
        "import sys; from pathlib import Path; from fastapi.testclient import TestClient;"
        "from policygraph.web.app import create_app;"
        "print(TestClient(create_app(Path(sys.argv[1]))).get('/api/documents/x 集采').status_code)"
    )
    child = subprocess.run(
        [sys.executable, "-c", request, str(corpus_run / DATABASE_NAME)], capture_output=True, text=True, timeout=120
    )
    assert (child.returncode, child.stdout.strip()) == (0, "404")


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# schemathesis.pytest.from_fixture needs a pytest attribute that pytest 9 no longer has;
# Hypothesis drives each operation's case strategy directly instead.
@pytest.mark.parametrize("path", API_PATHS)
def test_the_api_answers_as_its_openapi_description_says(api_schema: schemathesis.BaseSchema, path: str) -> None:
    @given(case=api_schema[path]["GET"].as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def answers_as_described(case: schemathesis.Case) -> None:
        case.call_and_validate()

    answers_as_described()
