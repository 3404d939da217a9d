"""Notice splitting and the record fields read from a notice's GB/T 9704 elements."""

from __future__ import annotations

from datetime import date

import pytest

from extract.notice import extract_notice
from ingest.normalize import normalize
from ingest.structure import find_notices
from tests.conftest import record_by_number

BODY = "为做好集中带量采购工作，现将有关事项通知如下。\n一、采购周期为2年。\n"


def facts_of(source: str) -> list:
    text = normalize(source).text
    return [extract_notice(text[layout.start : layout.end], layout) for layout in find_notices(text)]


def test_forwarding_file_yields_two_notices(corpus_records: list[dict]) -> None:
    from_000 = [record for record in corpus_records if record["source"]["file"].endswith("000_61ff265ac555f13c.txt")]
    assert [record["doc_number"] for record in from_000] == ["聊医保函〔2024〕13号", "鲁医保函〔2024〕28号"]
    first, second = from_000
    assert first["source"]["end"] <= second["source"]["start"]
    assert second["issuers"] == ["山东省医疗保障局"]
    assert second["issue_date"] == "2024-05-22"
    assert first["issue_date"] is None


def test_joint_notice_names_every_issuer(corpus_records: list[dict]) -> None:
    record = record_by_number(corpus_records, "晋医保发〔2021〕22号")
    assert record["issuers"] == ["山西省医疗保障局", "山西省财政厅", "山西省卫生健康委员会", "山西省药品监督管理局"]
    assert record["issue_date"] == "2021-12-17"
    assert record["title"] == "关于常态化制度化推进做好药品和医用耗材集中带量采购及使用工作的通知"


def test_headerless_traditional_notice_is_signed(corpus_records: list[dict]) -> None:
    record = next(record for record in corpus_records if record["source"]["file"].endswith("002_3c2483d3016c1a44.txt"))
    assert (record["script"], record["title"], record["doc_number"]) == ("traditional", None, None)
    assert record["issuers"] == ["重庆市医疗保障局办公室"]
    assert (record["issue_date"], record["effective_date"]) == ("2025-07-24", "2025-08-29")


def test_draft_title_loses_its_marker(corpus_records: list[dict]) -> None:
    record = next(record for record in corpus_records if record["status"] == "draft")
    assert record["title"] == "深圳市医疗保障局关于进一步完善医用耗材分类集中采购支持深圳阳光平台开展价格谈判等若干措施的通知"
    assert record["issuers"] == ["深圳市医疗保障局"]


@pytest.mark.parametrize(
    ("number_line", "canonical"),
    [
        ("苏医保发[2023]15号", "苏医保发〔2023〕15号"),
        ("苏医保发【2023】15号", "苏医保发〔2023〕15号"),
        ("苏医保发(2023)15号", "苏医保发〔2023〕15号"),
        ("苏医保发（2023）第15号", "苏医保发〔2023〕15号"),
        ("蘇醫保發［2023］15號", "苏医保发〔2023〕15号"),
        ("苏医保发 〔2023〕 15 号", "苏医保发〔2023〕15号"),
    ],
)
def test_doc_number_in_any_brackets(number_line: str, canonical: str) -> None:
    source = f"江苏省医疗保障局\n{number_line}\n关于执行集采结果的通知\n各设区市医疗保障局：\n{BODY}"
    (facts,) = facts_of(source)
    assert facts.doc_number == canonical
    assert facts.issuers == ["江苏省医疗保障局"]


def test_traditional_joint_header_with_chinese_numeral_date() -> None:
    source = (
        "浙江省醫療保障局 浙江省衛生健康委員會 文件\n浙醫保聯發〔2023〕9號\n"
        "關於執行藥品集中帶量採購中選結果的通知\n各市醫療保障局、衛生健康委：\n"
        "為做好集中帶量採購工作，現將有關事項通知如下。\n"
        "浙江省醫療保障局\n浙江省衛生健康委員會\n二〇二三年六月十二日\n"
    )
    (facts,) = facts_of(source)
    assert facts.doc_number == "浙医保联发〔2023〕9号"
    assert facts.issuers == ["浙江省医疗保障局", "浙江省卫生健康委员会"]
    assert facts.issue_date == date(2023, 6, 12)
    assert facts.title == "关于执行药品集中带量采购中选结果的通知"


def test_draft_markers_of_every_kind() -> None:
    source = f"关于印发集中带量采购实施方案的通知（草案）\n各有关单位：\n{BODY}"
    (facts,) = facts_of(source)
    assert (facts.status, facts.title) == ("draft", "关于印发集中带量采购实施方案的通知")


def test_attachment_notice_after_the_covering_notice() -> None:
    source = (
        "广州市医疗保障局\n穗医保函〔2023〕40号\n关于转发《广东省医疗保障局关于执行集采结果的通知》的通知\n"
        "各区医疗保障局：\n现将《广东省医疗保障局关于执行集采结果的通知》（粤医保函〔2023〕7号）转发给你们，请认真执行。\n"
        "广州市医疗保障局\n2023年3月2日\n\n"
        "附件\n广东省医疗保障局\n粤医保函〔2023〕7号\n关于执行集采结果的通知\n各地级以上市医疗保障局：\n"
        f"{BODY}广东省医疗保障局\n2023年2月20日\n"
    )
    first, second = facts_of(source)
    assert (first.doc_number, first.issue_date) == ("穗医保函〔2023〕40号", date(2023, 3, 2))
    assert [(r.relation, r.doc_number, r.title) for r in first.references] == [
        ("forwards", "粤医保函〔2023〕7号", "广东省医疗保障局关于执行集采结果的通知")
    ]
    assert (second.doc_number, second.issue_date, second.issuers) == (
        "粤医保函〔2023〕7号",
        date(2023, 2, 20),
        ["广东省医疗保障局"],
    )
    assert [period.months for period in second.procurement_periods] == [24]


def test_signature_above_printed_attachments_is_found() -> None:
    source = (
        "济南市医疗保障局\n济医保发〔2024〕8号\n关于执行人工关节集中带量采购中选结果的通知\n各区县医疗保障局：\n"
        "一、自2024年3月1日起执行中选结果，采购周期为2年。\n二、医保基金按年度约定采购金额的30%预付。\n"
        "济南市医疗保障局\n2024年2月20日\n"
        "附件1\n中选结果表\n序号 产品名称 生产企业 中选价格\n1 髋关节A 某某公司 7000\n附件2\n执行机构名单\n"
    )
    (facts,) = facts_of(source)
    assert (facts.issue_date, facts.issuers, facts.effective_date) == (
        date(2024, 2, 20), ["济南市医疗保障局"], date(2024, 3, 1),
    )  # fmt: skip
    assert ([period.months for period in facts.procurement_periods], [p.ratio for p in facts.prepayments]) == ([24], [0.3])


@pytest.mark.parametrize(
    ("closing", "issuers", "issued"),
    [
        ("安徽省医疗保障局　　　　2023年8月1日", ["安徽省医疗保障局"], date(2023, 8, 1)),
        ("安徽省医疗保障局办公室　　2023年8月3日印发", ["安徽省医疗保障局办公室"], date(2023, 8, 3)),
        ("安徽省医疗保障局 安徽省卫生健康委员会 二〇二三年八月一日", ["安徽省医疗保障局", "安徽省卫生健康委员会"], date(2023, 8, 1)),
    ],
)
def test_signature_printed_on_the_date_line(closing: str, issuers: list[str], issued: date) -> None:
    source = f"关于执行集采结果的通知\n各市医疗保障局：\n{BODY}{closing}\n"
    (facts,) = facts_of(source)
    assert (facts.issuers, facts.issue_date) == (issuers, issued)


def test_joint_header_one_body_a_line_with_文件_below() -> None:
    source = (
        "国家医疗保障局\n财政部\n国家卫生健康委员会\n文件\n医保发〔2022〕6号\n"
        "关于做好国家组织药品集中采购中选结果落地实施工作的通知\n各省、自治区、直辖市医疗保障局、财政厅（局）、卫生健康委：\n"
        f"{BODY}国家医疗保障局　　财政部　　国家卫生健康委员会\n2022年1月10日\n"
    )
    (facts,) = facts_of(source)
    assert (facts.doc_number, facts.issuers, facts.issue_date) == (
        "医保发〔2022〕6号", ["国家医疗保障局", "财政部", "国家卫生健康委员会"], date(2022, 1, 10),
    )  # fmt: skip
