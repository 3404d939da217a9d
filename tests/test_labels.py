"""The Chinese an officer reads: every identifier the records use has a label, values are
written as notices write them, and the CLI's tables, its card and its CSV all say the same."""

from __future__ import annotations

import csv
import io
import json
import typing
from pathlib import Path

import pytest

from policygraph.cli import main
from policygraph.columns import FACT_COLUMNS, SEARCH_COLUMNS, WALK_COLUMNS
from policygraph.labels import FACT_TYPE_LABELS, FIELD_LABELS, VALUE_LABELS, heading, shown
from policygraph.tables import as_csv
from schema.models import FACT_FIELDS, NoticeRecord, PriceBasis, Reference, SelfPayAdjustment

VALUES = [
    ("ratio", 0.5, "50%"),
    ("ratio", 0.125, "12.5%"),
    ("ratio", 0.0, "0%"),
    ("months", 24, "24个月"),
    ("extension_months", 12, "12个月"),
    ("multiplier", 1.5, "1.5倍"),
    ("multiplier", 2.0, "2倍"),
    ("amount_yuan", 409.7, "409.7元"),
    ("amount_yuan", 1000.0, "1000元"),
    ("basis", "max_selected_price", "最高中选价格"),
    ("basis", "医疗机构年度约定采购金额", "医疗机构年度约定采购金额"),
    ("mode", "decrease", "下调"),
    ("relation", "implements", "执行"),
    ("in_corpus", True, "是"),
    ("issuers", ["山东省医疗保障局", "山东省卫生健康委员会"], "山东省医疗保障局、山东省卫生健康委员会"),
    ("scope", None, ""),
]


@pytest.mark.parametrize(("field", "value", "expected"), VALUES)
def test_values_are_written_as_notices_write_them(field, value, expected):
    assert shown(field, value) == expected


def test_english_keeps_the_identifiers_and_the_plain_values():
    assert heading("ratio", "en") == "ratio"
    assert shown("ratio", 0.5, "en") == "0.5"
    assert shown("basis", "max_selected_price", "en") == "max_selected_price"


def test_every_column_and_every_closed_value_has_a_chinese_label():
    columns = {*WALK_COLUMNS, *SEARCH_COLUMNS, *(column for shown in FACT_COLUMNS.values() for column in shown)}
    assert columns - FIELD_LABELS.keys() == set()
    assert tuple(FACT_TYPE_LABELS) == FACT_FIELDS  # the card lists facts in this order
    closed = {
        "basis": typing.get_args(PriceBasis),
        "mode": typing.get_args(typing.get_type_hints(SelfPayAdjustment)["mode"]),
        "relation": typing.get_args(typing.get_type_hints(Reference)["relation"]),
        "status": typing.get_args(typing.get_type_hints(NoticeRecord)["status"]),
        "script": typing.get_args(typing.get_type_hints(NoticeRecord)["script"]),
    }
    for field, values in closed.items():
        assert set(values) - VALUE_LABELS[field].keys() == set(), field


def test_a_fields_label_follows_its_fact():
    assert heading("basis", fact_type="prepayments") == "预付基数"
    assert heading("basis", fact_type="price_caps") == "参照价格"
    assert heading("ratio", fact_type="self_pay_adjustments") == "先行自付比例"


def test_the_facts_table_is_in_chinese(corpus_run: Path, capsys):
    assert main(["facts", "--type", "self_pay_adjustments", "--issuer", "聊城", "--out", str(corpus_run)]) == 0
    header, _, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == [
        "发文字号",
        "发文机关",
        "成文日期",
        "调整方式",
        "先行自付比例",
        "适用人群",
        "适用范围",
        "原文依据",
    ]
    assert [row.split()[2:5] for row in rows] == [["下调", "10%", "居民"], ["定为", "0%", "职工"]]  # no 成文日期


def test_the_card_is_in_chinese(corpus_run: Path, capsys):
    assert main(["show", "晋医保发〔2021〕22号", "--out", str(corpus_run)]) == 0
    card = capsys.readouterr().out
    assert "发文字号: 晋医保发〔2021〕22号\n" in card
    assert "[医保基金预付] 预付比例 50%；预付基数 医疗机构年度约定采购金额；适用范围 药品\n" in card
    assert "{" not in card and "True" not in card


def test_the_csv_is_the_table_excel_opens(corpus_run: Path, capsys):
    """With a BOM, or Excel reads UTF-8 as the local code page; numbers stay numbers."""
    assert main(["facts", "--type", "prepayments", "--issuer", "山西", "--out", str(corpus_run), "--csv"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("\ufeff发文字号,")
    rows = list(csv.DictReader(io.StringIO(printed.removeprefix("\ufeff"))))
    assert [(row["预付比例"], row["适用范围"], row["编号"]) for row in rows] == [
        ("50%", "药品", "晋医保发〔2021〕22号"),
        ("30%", "医用耗材", "晋医保发〔2021〕22号"),
    ]


def test_csv_and_json_hold_the_same_rows(corpus_run: Path, capsys):
    assert main(["facts", "--type", "procurement_periods", "--out", str(corpus_run), "--json"]) == 0
    answered = json.loads(capsys.readouterr().out)
    written = list(csv.DictReader(io.StringIO(as_csv(answered, FACT_COLUMNS["procurement_periods"]).lstrip("\ufeff"))))
    assert [row["编号"] for row in written] == [row["id"] for row in answered]
    assert [row["采购周期（月）"] for row in written] == [str(row["months"]) for row in answered]


@pytest.mark.parametrize("quote", ["=HYPERLINK(\"http://x\",\"点击\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_quote_excel_would_run_as_a_formula_is_written_as_text(quote: str) -> None:
    """Reposted pages are untrusted; the xlsx writes strings as strings, the CSV must say so."""
    row = {"id": "x", "doc_number": None, "issuers": [], "issue_date": None, "ratio": 0.5, "quote": quote}
    written = list(csv.DictReader(io.StringIO(as_csv([row], FACT_COLUMNS["prepayments"], "prepayments").removeprefix("\ufeff"))))
    assert written[0]["原文依据"] == "'" + quote
    assert written[0]["预付比例"] == "50%"
