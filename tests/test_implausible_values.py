"""A value that cannot be true is not stated as a fact, and the rest of the notice is read as usual.

One such value (预付比例为120%) used to fail the record's validation, and with it the whole
file. Now each extractor checks its values against the plausible range it names: a fact whose
value is impossible is dropped, or keeps its statement with the value unknown where the
contract allows null (a self-pay adjustment's direction stands without its figure).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ingest.source import SourceText
from policygraph.cache import open_cache
from policygraph.inputs import InputFile
from policygraph.pipeline import process_file
from policygraph.records import notice_records
from schema import NoticeRecord
from schema.validate import validated

# A reference in every notice: read whatever the sentence under test holds.
REFERENCE = "根据《国家医疗保障局关于做好药品集中带量采购工作的通知》（医保发〔2021〕2号）要求，现通知如下。"


def notice(sentence: str, signed: str = "2024年5月6日") -> str:
    return (
        "山东省医疗保障局\n鲁医保函〔2024〕28号\n关于执行集中带量采购中选结果的通知\n各市医疗保障局：\n"
        f"{REFERENCE}\n{sentence}\n特此通知。\n山东省医疗保障局\n{signed}\n"
    )


def record_of(text: str) -> NoticeRecord:
    [record] = notice_records(SourceText(text, "utf-8"), "notice.txt", "0" * 64)
    assert [reference.doc_number for reference in record.references] == ["医保发〔2021〕2号"]
    return record


def prepayments(record: NoticeRecord) -> list[float | None]:
    return [fact.ratio for fact in record.prepayments]


def self_pay(record: NoticeRecord) -> list[tuple[float | None, str, str | None]]:
    return [(fact.ratio, fact.mode, fact.population) for fact in record.self_pay_adjustments]


def periods(record: NoticeRecord) -> list[tuple[int | None, datetime.date | None, datetime.date | None]]:
    return [(fact.months, fact.start, fact.end) for fact in record.procurement_periods]


def price_caps(record: NoticeRecord) -> list[tuple[str, float | None, float | None]]:
    return [(cap.basis, cap.multiplier, cap.amount_yuan) for cap in record.price_caps]


@pytest.mark.parametrize(
    ("sentence", "read", "expected"),
    [
        ("医保基金按年度约定采购金额的120%预付给医疗机构。", prepayments, []),
        ("医保基金预付比例为百分之一百五十。", prepayments, []),
        ("职工医保先行自付比例下降150%。", self_pay, [(None, "decrease", "职工")]),
        ("居民先行自付比例调整为200%。", self_pay, [(None, "set", "居民")]),
        (
            "先行自付比例统一调整为：职工医保5%，居民医保110%。",
            self_pay,
            [(0.05, "set", "职工"), (None, "set", "居民")],
        ),
        ("乙类先行自付比例降低120个百分点。", self_pay, [(None, "decrease", None)]),
        ("采购协议期为2年（2025年1月1日至2024年12月31日）。", periods, [(24, None, None)]),
        ("采购周期为2000年1月1日至2099年12月31日。", periods, []),
        ("挂网价格不得高于同品种中选价格的0倍。", price_caps, []),
        ("挂网价格不高于中选价格的1000倍。", price_caps, []),
        ("医保基金支付金额不超过0元。", price_caps, []),
        ("医保支付标准确定为1000000000000元。", price_caps, []),
        ("采购价不超过" + "9" * 400 + "元。", price_caps, []),
        ("最高支付限额分别为甲类0元，乙类300元。", price_caps, [("fixed_amount", None, 300.0)]),
    ],
)
def test_an_impossible_value_is_no_fact(sentence: str, read, expected: list) -> None:
    assert read(record_of(notice(sentence))) == expected


@pytest.mark.parametrize(
    ("sentence", "read", "expected"),
    [
        ("医保基金预付比例为100%。", prepayments, [1.0]),
        ("医保基金预付比例为0%。", prepayments, [0.0]),
        ("个人先行自付比例提高到100%。", self_pay, [(1.0, "set", None)]),
        ("职工先行自付比例下降100个百分点。", self_pay, [(1.0, "decrease", "职工")]),
        ("采购周期为10年。", periods, [(120, None, None)]),
        ("挂网价格不高于中选价格的100倍。", price_caps, [("selected_price", 100.0, None)]),
        ("医保基金支付金额不超过9999万元。", price_caps, [("fixed_amount", None, 99_990_000.0)]),
    ],
)
def test_a_value_at_the_edge_of_its_range_is_kept(sentence: str, read, expected: list) -> None:
    assert read(record_of(notice(sentence))) == expected


@pytest.mark.parametrize("digits", [400, 5_000])
def test_a_run_of_numerals_is_no_number(digits: int) -> None:
    """Past 308 digits a number was too large for a float, past 4,300 for Python's int from a string."""
    record = record_of(notice(f"医保基金预付比例为百分之{'一' * digits}。采购周期为{'二' * digits}年。"))
    assert (prepayments(record), periods(record)) == ([], [])


@pytest.mark.parametrize(
    "sentence", ["本通知自9999年12月31日起执行。", "本通知自0001年1月1日起施行。", "本通知自九九九九年一月起执行。"]
)
def test_a_date_in_an_impossible_year_is_no_effective_date(sentence: str) -> None:
    assert record_of(notice(sentence)).effective_date is None


def test_a_signature_dated_in_an_impossible_year_gives_no_issue_date() -> None:
    record = record_of(notice("本通知自2024年6月1日起执行。", signed="9999年12月31日"))
    assert (record.issue_date, record.effective_date) == (None, datetime.date(2024, 6, 1))


def test_a_file_with_an_impossible_share_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(notice("医保基金预付比例为120%。采购周期为2年。"), encoding="utf-8")
    outcome = process_file(InputFile(str(path)), open_cache(tmp_path / "out"), force=True, seconds=60.0)
    assert (outcome.status, outcome.error, len(outcome.notices)) == ("ok", None, 1)
    record = validated(outcome.notices[0].line)
    assert (prepayments(record), periods(record)) == ([], [(24, None, None)])
