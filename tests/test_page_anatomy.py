"""A notice's elements found where a web page puts them: amid breadcrumbs, page-info lines,
disclosure metadata, footers, spam and forum questions. Every page here is written for this
test, in the ways real sites lay notices out; none is from the shared sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extract.notice import extract_notice
from ingest.metadata import read_metadata
from ingest.normalize import normalize
from ingest.source import SourceText
from ingest.structure import Element, find_notices
from policygraph.records import notice_records
from tests.conftest import CORPUS

BODY = (
    "为做好药品集中带量采购中选结果落地工作，现将有关事项通知如下。\n"
    "一、中选结果自2024年3月1日起执行，采购周期为2年。\n"
    "二、医保基金按医疗机构年度约定采购金额的30%预付。\n"
)
NUMBER, TITLE = "湘医保发〔2024〕6号", "关于执行第九批国家组织药品集中采购中选结果的通知"
ISSUER, SIGNED = "湖南省医疗保障局", date(2024, 2, 20)


def facts_of(source: str) -> list:
    text = normalize(source).text
    return [extract_notice(text[layout.start : layout.end], layout) for layout in find_notices(text)]


def only(source: str):
    (facts,) = facts_of(source)
    return facts


def header_fields(facts) -> tuple:
    return facts.doc_number, facts.title, facts.issuers, facts.issue_date


def test_portal_page_with_banner_breadcrumb_page_info_and_footer() -> None:
    page = (
        "湖南省医疗保障局\n网站首页 机构概况 政务公开 办事服务 互动交流\n"
        "当前位置：首页 > 政务公开 > 通知公告\n"
        f"{TITLE}\n发布时间：2024-02-21 10:30 来源：省医保局 浏览次数：2315\n【字体：大 中 小】 打印本页 分享到：\n"
        f"{NUMBER}\n各市州医疗保障局，省直有关医疗机构：\n{BODY}"
        f"{ISSUER}\n2024年2月20日\n（此件主动公开）\n"
        "相关链接：国家医疗保障局 | 湖南省人民政府\n网站地图 | 联系我们\n主办单位：湖南省医疗保障局\n"
        "湘ICP备18010000号 湘公网安备43010202000001号\n"
    )
    facts = only(page)
    assert header_fields(facts) == (NUMBER, TITLE, [ISSUER], SIGNED)
    assert facts.references == []  # its own number is no reference to itself
    assert [period.months for period in facts.procurement_periods] == [24]


def test_disclosure_block_supplies_what_the_page_does_not_print() -> None:
    page = (
        "索 引 号：11430000MB1234567X/2024-00012  主题分类：医疗保障\n"
        f"发布机构：{ISSUER}  成文日期：2024-02-20\n文    号：{NUMBER}  有 效 性：有效\n"
        f"{TITLE}\n各市州医疗保障局：\n{BODY}"
    )
    assert header_fields(only(page)) == (NUMBER, TITLE, [ISSUER], SIGNED)


def test_printed_elements_win_over_the_disclosure_block() -> None:
    page = (
        "成文日期：2024-02-23 文号：湘医保发〔2024〕60号\n发布机构：湖南省医疗保障局办公室\n"
        f"{ISSUER}\n{NUMBER}\n{TITLE}\n各市州医疗保障局：\n{BODY}{ISSUER}\n2024年2月20日\n"
    )
    assert header_fields(only(page)) == (NUMBER, TITLE, [ISSUER], SIGNED)


def test_a_spam_publisher_is_no_issuer() -> None:
    page = f"发布机构：澳门娱乐城集团 成文日期：2024-02-20\n{TITLE}\n{NUMBER}\n各市州医疗保障局：\n{BODY}"
    facts = only(page)
    assert (facts.issuers, facts.issue_date) == ([], SIGNED)


def test_title_first_and_the_number_after_a_body_label() -> None:
    page = (
        "您好：某某信息技术有限公司\n当前位置：标讯信息 > 政策法规 > 详情\n"
        f"【湖南】{TITLE}\n发布时间：2024/02/21\n所属项目：第九批国家集采\n正文：\n{NUMBER}\n"
        f"各市州医疗保障局：\n{BODY}"
    )
    facts = only(page)
    assert header_fields(facts) == (NUMBER, TITLE, [], None)
    assert facts.references == []


def test_a_number_in_round_brackets_on_the_title_s_line_below_it() -> None:
    page = f"{TITLE}\n2024-02-21 湘医保发(2024)6号\n文件正文见附件\n"
    assert header_fields(only(page))[:2] == (NUMBER, TITLE)


def test_a_number_printed_after_the_title_on_its_line() -> None:
    page = f"当前位置：首页 > 文件库\n{TITLE}（湘医保发〔2024〕6号）\n各市州医疗保障局：\n{BODY}"
    facts = only(page)
    assert header_fields(facts)[:2] == (NUMBER, TITLE)
    assert facts.references == []


def test_a_number_in_other_brackets_with_spaces_and_converter_pinyin() -> None:
    page = f"{TITLE}\n湘醫(yī)保發 〖2024〗 6 號\n各市州医疗保障局：\n{BODY}"
    assert header_fields(only(page))[:2] == (NUMBER, TITLE)


def test_a_date_in_brackets_under_the_title_and_a_signer_beside_the_number() -> None:
    page = f"{ISSUER}\n湘医保报〔2024〕6号　签发人：张三\n{TITLE}\n（2024年2月20日）\n国家医疗保障局：\n{BODY}"
    assert header_fields(only(page)) == ("湘医保报〔2024〕6号", TITLE, [ISSUER], SIGNED)


def test_a_closing_run_on_after_the_last_sentence() -> None:
    page = f"{TITLE}\n各市州医疗保障局：\n{BODY.strip()}请遵照执行。{ISSUER} 2024年2月20日\n网站地图 | 联系我们\n"
    facts = only(page)
    assert header_fields(facts) == (None, TITLE, [ISSUER], SIGNED)
    assert [period.months for period in facts.procurement_periods] == [24]


def test_a_notice_quoting_its_own_title_cites_nothing() -> None:
    page = (
        f"{ISSUER}{TITLE}\n{NUMBER}\n文件正文见附件\n《{TITLE}》政策解读\n"
        "一、按照《国家组织药品集中采购文件》（GY-YD2023-1）要求，中选结果自2024年3月1日起执行。\n"
    )
    facts = only(page)
    assert [(reference.relation, reference.title, reference.code) for reference in facts.references] == [
        ("implements", "国家组织药品集中采购文件", "GY-YD2023-1")
    ]
    city = only(f"长沙市医疗保障局\n{TITLE}\n各区县医疗保障局：\n详见《{ISSUER}{TITLE}》。\n")
    assert [(reference.relation, reference.title) for reference in city.references] == [("cites", ISSUER + TITLE)]


def test_a_title_printed_twice_is_one_title() -> None:
    page = f"湖南省医疗保障局{TITLE}\n{TITLE}\n{NUMBER}\n各市州医疗保障局：\n{BODY}"
    facts = only(page)
    assert (facts.title, facts.issuers) == (TITLE, [])


def test_signature_after_the_attachment_line_then_notes_and_footer() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n{BODY}附件：中选药品目录.xlsx\n{ISSUER}\n2024年2月20日\n"
        "（联系人：王五，联系电话：0731-88888888）\n公开方式：主动公开\n添加客服微信\n为您精准推荐\n"
    )
    assert header_fields(only(page)) == (None, TITLE, [ISSUER], SIGNED)


def test_a_seal_note_under_the_signature() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n{BODY}湖南省药械集中采购工作领导小组办公室\n（湖南省医疗保障局代章）\n"
        "2024年2月20日\n"
    )
    assert header_fields(only(page))[2:] == (["湖南省药械集中采购工作领导小组办公室"], SIGNED)


def test_joint_signatures_side_by_side_and_a_line_each() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局、卫生健康委：\n{BODY}"
        "湖南省医疗保障局    湖南省卫生健康委员会\n湖南省药品监督管理局\n2024年2月20日\n"
    )
    assert header_fields(only(page))[2:] == (
        ["湖南省医疗保障局", "湖南省卫生健康委员会", "湖南省药品监督管理局"],
        SIGNED,
    )


def test_a_masked_date_closes_the_body_but_gives_no_date() -> None:
    page = f"湘药采中心字〔**〕**号\n各相关单位：\n{BODY}湖南省医药集中采购服务中心\n**年2月**日\n"
    assert header_fields(only(page)) == (None, None, ["湖南省医药集中采购服务中心"], None)


def test_forum_questions_after_the_notice_state_no_fact() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n为做好集中带量采购工作，现将有关事项通知如下。\n"
        f"{ISSUER}\n2024年2月20日\n游客\n请问湖南的采购周期为3年吗？\n医保基金按60%预付吗？\n"
    )
    facts = only(page)
    assert (facts.procurement_periods, facts.prepayments, facts.issue_date) == ([], [], SIGNED)


def test_a_date_under_a_heading_is_stated_not_signed() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n为做好集中带量采购工作，现将有关事项通知如下。\n"
        f"一、执行时间\n2024年3月1日\n二、工作要求\n各地要加强监测，确保平稳执行。\n{ISSUER}\n2024年2月20日\n"
    )
    facts = only(page)
    assert (facts.issuers, facts.issue_date) == ([ISSUER], SIGNED)


def test_site_lines_never_glue_onto_the_title() -> None:
    page = f"精确检索\n开始检索\n热门推荐内容展示区域\n{TITLE}\n{NUMBER}\n各市州医疗保障局：\n{BODY}"
    assert header_fields(only(page))[:2] == (NUMBER, TITLE)


def test_a_breadcrumb_above_the_header_leaves_the_header_whole() -> None:
    page = f"首页>政务公开>通知公告\n{ISSUER}\n{NUMBER}\n{TITLE}\n各市州医疗保障局：\n{BODY}{ISSUER}\n2024年2月20日\n"
    facts = only(page)
    assert header_fields(facts) == (NUMBER, TITLE, [ISSUER], SIGNED)
    assert facts.references == []


def test_a_forwarding_notice_and_the_notice_it_forwards_amid_furniture() -> None:
    forwarded = f"{ISSUER}\n{NUMBER}\n{TITLE}\n各市州医疗保障局：\n{BODY}{ISSUER}\n2024年2月20日\n"
    page = (
        "当前位置：首页 > 政策文件\n长沙市医疗保障局\n长医保函〔2024〕3号\n关于转发《湖南省医疗保障局关于执行第九批国家组织药品集中采购中选结果的通知》的通知\n"
        f"各区县（市）医疗保障局：\n现将《湖南省医疗保障局{TITLE}》（{NUMBER}）转发给你们，请认真贯彻执行。\n"
        f"附件：湖南省医疗保障局{TITLE}\n（此件主动公开）\n{forwarded}网站地图 | 联系我们\n"
    )
    city, province = facts_of(page)
    assert (city.doc_number, city.issuers) == ("长医保函〔2024〕3号", ["长沙市医疗保障局"])
    assert [(reference.relation, reference.doc_number) for reference in city.references] == [("forwards", NUMBER)]
    assert header_fields(province) == (NUMBER, TITLE, [ISSUER], SIGNED)


def test_metadata_fields_run_together_on_one_line_are_read_with_their_spans() -> None:
    line = "索引号:MB1763894/2020-00008公文种类:通知发布机构:某某市医疗保障局来源:某某医药网浏览次数:12"
    fields = read_metadata([Element("metadata", 100, 100 + len(line), line)])
    assert [(field.name, field.key, field.value) for field in fields] == [
        ("issuer", "发布机构", "某某市医疗保障局"),
        ("issuer", "来源", "某某医药网"),
    ]
    assert all(line[field.start - 100 : field.end - 100] == field.value for field in fields)


def test_every_header_field_says_where_it_was_read() -> None:
    source = (
        "發布機構：湖南省醫療保障局 成文日期：2024-02-20\n文號：湘醫保發〔2024〕6號\n"
        f"{TITLE}\n各市州醫療保障局：\n為做好集中帶量採購工作，現將有關事項通知如下。\n"
    )
    (record,) = notice_records(SourceText(source, "utf-8"), "page.txt", "0" * 64)
    sources = {name: (read.element, read.quote) for name, read in record.field_evidence.items()}
    assert sources == {
        "doc_number": ("metadata", NUMBER),
        "title": ("title", TITLE),
        "issuers": ("metadata", ISSUER),
        "issue_date": ("metadata", "2024-02-20"),
    }
    for read in record.field_evidence.values():
        assert record.text[read.start : read.end] == read.quote
    number = record.field_evidence["doc_number"]
    assert source[number.source_start : number.source_end] == "湘醫保發〔2024〕6號"


PORTAL_TOP = (
    "辽宁省医疗保障局 无障碍 长者模式\n首页 机构概况 政务公开 政务服务 互动交流 专题专栏\n"
    "当前位置：首页 > 政务公开 > 通知公告\n索引号：11210000MB0000000A/2022-00080 主题分类：医疗保障\n"
    "发布机构：辽宁省医疗保障局 成文日期：2022-12-26\n文号：辽医保〔2022〕80号 发布日期：2022-12-28\n"
    "关于执行国家组织冠脉支架集中带量采购期满接续中选结果的通知\n"
    "发布时间：2022-12-28 16:20 来源：省医保局 浏览次数：3021 【字体：大 中 小】 打印本页\n"
)
PORTAL_BOTTOM = "相关链接：国家医疗保障局 | 辽宁省人民政府\n网站地图 | 联系我们\n主办单位：辽宁省医疗保障局 辽ICP备00000000号\n"
# What a browser prints at the top of every page: the time and the page's title.
PRINT_HEADER = "2022/12/28 16:25 关于执行国家组织冠脉支架集中带量采购期满接续中选结果的通知_通知公告_辽宁省医疗保障局"


def test_a_portal_page_printed_to_pdf_gives_the_record_of_the_notice(tmp_path: Path) -> None:
    """The site's menu, breadcrumb, disclosure block and footer wrap into the PDF's lines at the
    page's width, and the browser's time-stamped header tops every page."""
    pytest.importorskip("reportlab")
    from benchmarks.pdfs import render_pdf
    from ingest.decode import decode_bytes
    from tests.test_repost_layouts import comparable

    notice = (CORPUS / "001_5bd8d455ddfe790f.txt").read_text(encoding="utf-8")
    pdf = render_pdf(PORTAL_TOP + notice + PORTAL_BOTTOM, tmp_path / "portal.pdf", running_header=PRINT_HEADER)
    (printed,) = notice_records(decode_bytes(pdf.read_bytes(), pdf.name), pdf.name, "0" * 64)
    (plain,) = notice_records(SourceText(notice, "utf-8"), "001.txt", "0" * 64)
    assert comparable(printed, keep_script=True) == comparable(plain, keep_script=True)


def test_a_repost_s_lead_paragraph_above_the_notice() -> None:
    page = (
        "重磅！第九批集采中选药品3月起在湖南落地\n来源：湖南医保 公众号\n"
        "日前，省医疗保障局印发通知，部署中选结果落地工作。通知全文如下：\n"
        f"{NUMBER}\n各市州医疗保障局：\n{BODY}{ISSUER}\n2024年2月20日\n阅读原文\n点赞 在看\n"
    )
    facts = only(page)
    assert header_fields(facts) == (NUMBER, None, [ISSUER], SIGNED)
    assert facts.references == []


def test_a_date_line_continuing_a_sentence_is_not_the_signature() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n经研究，全省统一执行中选结果的日期为\n2024年3月1日\n"
        f"请各地做好衔接，采购周期为2年。\n{ISSUER}\n2024年2月20日\n"
    )
    facts = only(page)
    assert (facts.issue_date, [period.months for period in facts.procurement_periods]) == (SIGNED, [24])


def test_a_forum_below_a_cut_off_notice_states_no_fact() -> None:
    page = (
        f"{TITLE}\n各市州医疗保障局：\n一、采购周期为2年。\n二、各医疗机构要按时完成约定采购量，原则上不少于上一年度的\n"
        "游客\n2楼 发表于 2024-3-5 10:12\n湖南的预付比例是不是50%\n挂网价格不得高于中选价的2倍吗\n"
    )
    facts = only(page)
    assert ([p.months for p in facts.procurement_periods], facts.prepayments, facts.price_caps) == ([24], [], [])


def test_a_banner_s_body_yields_to_the_signer() -> None:
    page = f"湖南省医疗保障局\n{TITLE}\n各市州医疗保障局：\n{BODY}湖南省医疗保障事务中心\n2024年2月20日\n"
    assert header_fields(only(page))[2] == ["湖南省医疗保障事务中心"]
    assert header_fields(only(f"湖南省医疗保障局\n{TITLE}\n各市州医疗保障局：\n{BODY}"))[2] == [ISSUER]


def test_a_seal_note_on_the_signer_s_line_and_a_signature_above_the_imprint() -> None:
    sealed = f"{TITLE}\n各市州医疗保障局：\n{BODY}湖南省药械集中采购工作领导小组办公室（湖南省医疗保障局代章）\n2024年2月20日\n"
    assert header_fields(only(sealed))[2:] == (["湖南省药械集中采购工作领导小组办公室"], SIGNED)
    imprint = f"{TITLE}\n各市州医疗保障局：\n{BODY}{ISSUER}\n抄送：国家医疗保障局。\n湖南省医疗保障局办公室\n2024年2月21日印发\n"
    assert header_fields(only(imprint))[2:] == ([ISSUER], date(2024, 2, 21))


def test_a_forwarding_title_names_no_issuer_of_its_own() -> None:
    page = f"转发{ISSUER}{TITLE}\n各区县医疗保障局：\n{BODY}"
    assert header_fields(only(page))[2] == []


def test_half_width_full_stops_end_sentences_before_the_signature() -> None:
    page = f"{TITLE}\n各市州医疗保障局:\n一、采购周期为2年.\n二、请遵照执行.\n{ISSUER}\n2024年2月20日\n"
    assert header_fields(only(page))[2:] == ([ISSUER], SIGNED)


@pytest.mark.parametrize(
    ("line", "number", "title", "status"),
    [
        (f"{NUMBER}　{TITLE}", NUMBER, TITLE, "final"),
        (f"{TITLE}【{NUMBER}】", NUMBER, TITLE, "final"),
        (f"[湖南]{TITLE}", None, TITLE, "final"),
        (f"{TITLE[:-2]}通知（第二批）（征求意见稿）", None, f"{TITLE[:-2]}通知（第二批）", "draft"),
        ("关于执行中选结果，加强中选产品使用监管的通知", None, "关于执行中选结果，加强中选产品使用监管的通知", "final"),
        ("湖南牵头中成药省际联盟集中带量采购拟中选结果公示", None, "湖南牵头中成药省际联盟集中带量采购拟中选结果公示", "final"),
    ],
)
def test_title_lines_as_sites_print_them(line: str, number: str | None, title: str, status: str) -> None:
    facts = only(f"当前位置：首页 > 通知公告\n{line}\n各市州医疗保障局：\n{BODY}")
    assert (facts.doc_number, facts.title, facts.status) == (number, title, status)


def test_a_metadata_table_whose_cells_ran_together() -> None:
    page = (
        f"索引号\t11430000MB0000000X/2024-00012\t主题分类\t医疗保障\n发布机构\t{ISSUER}\t成文日期\t2024年02月20日\n"
        f"文号\t{NUMBER}\t发布日期\t2024-02-22\n{TITLE}\n各市州医疗保障局：\n{BODY}"
    )
    assert header_fields(only(page)) == (NUMBER, TITLE, [ISSUER], SIGNED)


def test_a_page_listing_notices_holds_no_notice() -> None:
    page = (
        "湖南省医疗保障局\n当前位置：首页 > 通知公告\n"
        f"{TITLE}\n2024-02-20\n关于开展医用耗材集中带量采购协议续签工作的通知\n2024-01-16\n共2条 首页 上一页 1 下一页 尾页\n"
    )
    assert facts_of(page) == []


def test_a_bare_date_above_the_addressee_is_the_page_s() -> None:
    assert only(f"{TITLE}\n2024年02月22日\n各市州医疗保障局：\n{BODY}").issue_date is None


def test_a_page_that_lost_its_line_breaks() -> None:
    page = f"{TITLE}\n{NUMBER} 各市州医疗保障局：{BODY.replace(chr(10), '')}请遵照执行。{ISSUER} 2024年2月20日（此件主动公开）\n"
    facts = only(page)
    assert header_fields(facts) == (NUMBER, TITLE, [ISSUER], SIGNED)
    assert ([p.months for p in facts.procurement_periods], [p.ratio for p in facts.prepayments]) == ([24], [0.3])


def test_a_division_a_site_names_as_source_is_no_issuer() -> None:
    page = f"发布时间：2024-02-22 来源：医药价格和招标采购处\n{TITLE}\n各市州医疗保障局：\n{BODY}"
    assert only(page).issuers == []
