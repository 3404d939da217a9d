"""The comparison page as an officer uses it: in Chinese, sorted across every page, read
page by page past 200 rows, and downloaded, the same rows, as CSV and .xlsx."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from urllib.parse import quote, unquote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from policygraph.web import app as web_app
from tests.test_web_api import CHONGQING, LIAONING, SHANXI


def _cells(page: str, column: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'<td class="{column}">(.*?)</td>', page, re.S)]


def _csv_rows(client: TestClient, query: str) -> list[dict]:
    response = client.get(f"/facts.csv?{query}")
    assert response.headers["content-disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(client: TestClient, query: str) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/facts.xlsx?{query}").content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_page_and_its_headings_are_in_chinese(client: TestClient) -> None:
    page = client.get("/facts", params={"type": "prepayments"}).text
    headings = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)]
    assert headings == ["发文字号", "发文机关", "成文日期", "预付比例", "预付基数", "适用范围", "原文依据"]
    assert "共 4 条医保基金预付" in page
    assert _cells(page, "ratio") == ["50%", "30%", "50%", "50%"]


def test_sorting_orders_every_row_and_puts_the_unknown_last(client: TestClient) -> None:
    page = client.get("/facts", params={"type": "prepayments", "sort": "ratio", "order": "desc"}).text
    assert _cells(page, "ratio") == ["50%", "50%", "50%", "30%"]
    page = client.get("/facts", params={"type": "prepayments", "sort": "scope", "order": "desc"}).text
    assert _cells(page, "scope") == ["药品", "医用耗材", "", ""]


def test_past_a_page_of_rows_the_comparison_is_read_page_by_page(client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(web_app, "ROWS_PER_PAGE", 3)
    first = client.get("/facts", params={"type": "price_caps"}).text
    assert "共 13 条" in first and "显示第 1–3 条" in first and "第 1 / 5 页" in first
    assert 'rel="next" href="http://testserver/facts?type=price_caps&amp;page=2"' in first
    last = client.get("/facts", params={"type": "price_caps", "page": 5}).text
    assert "显示第 13–13 条" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert len(_csv_rows(client, "type=price_caps")) == 13  # a download holds every row, not the page's


@pytest.mark.parametrize("query", ["type=prepayments", "type=price_caps&issuer=山东&sort=basis&order=desc"])
def test_the_downloads_hold_the_rows_the_page_shows(client: TestClient, query: str) -> None:
    page = client.get(f"/facts?{query}").text
    ids = [unquote_href(href) for href in re.findall(r'<td class="doc_number"><a href="([^"]+)"', page)]
    written = _csv_rows(client, query)
    assert [row["编号"] for row in written] == ids
    sheet = _xlsx_rows(client, query)
    assert [row[-1] for row in sheet[1:]] == ids
    assert list(sheet[0]) == list(written[0])


def test_the_sheet_keeps_numbers_and_dates_a_spreadsheet_can_use(client: TestClient) -> None:
    heading, *rows = _xlsx_rows(client, "type=prepayments&issuer=山西")
    assert heading == ("发文字号", "发文机关", "成文日期", "预付比例", "预付基数", "适用范围", "原文依据", "编号")
    assert [(row[2].date().isoformat(), row[3], row[5]) for row in rows] == [
        ("2021-12-17", 0.5, "药品"),
        ("2021-12-17", 0.3, "医用耗材"),
    ]
    assert {row[0] for row in rows} == {SHANXI}


def test_a_notice_without_a_number_shows_its_id_and_links_to_it(client: TestClient) -> None:
    """Its title where it has one, with the id beside it; the id alone where it has none."""
    page = client.get("/facts", params={"type": "procurement_periods"}).text
    assert f'<a href="/notices/{quote(CHONGQING, safe="")}">{CHONGQING}</a>' in page
    titled = client.get("/", params={"q": "乳房旋切针"}).text
    assert '乳房旋切针省际联盟集中带量采购文件</a> <span class="id">ref:ZJHCCG-2024-01</span>' in titled


def test_the_notice_page_reads_its_facts_in_chinese(client: TestClient) -> None:
    page = client.get(f"/notices/{LIAONING}").text
    assert "<td>医保基金预付</td>" in page and "预付比例 50%" in page
    assert "<th>发文机关</th>" in page and "prepayments" not in page


def unquote_href(href: str) -> str:
    return unquote(href.removeprefix("/notices/"))


def test_every_error_is_a_page_for_a_person_and_json_for_a_program(client: TestClient, monkeypatch) -> None:
    page, api = client.get("/no-such-page"), client.get("/api/no-such-route")
    assert (page.status_code, page.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert "<h1>未找到</h1>" in page.text and "没有这个页面" in page.text
    assert (api.status_code, api.json()) == (404, {"detail": "Not Found"})
    assert client.post("/facts").status_code == 405 and "<h1>不支持这种请求</h1>" in client.post("/facts").text

    def broken(*args):
        raise sqlite3.OperationalError("database disk image is malformed")

    monkeypatch.setattr(web_app.Database, "ask", broken)
    page, api = client.get("/facts"), client.get("/api/facts", params={"type": "prepayments"})
    assert page.status_code == 503 and "<h1>暂时无法回答</h1>" in page.text and "重新运行 policygraph run" in page.text
    assert api.status_code == 503 and api.json()["detail"].endswith("(database disk image is malformed)")
