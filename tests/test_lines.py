"""The table of line roles: every example is recognised as its role and no counterexample is,
and page furniture is told from a notice's own lines on phrasings from neither shared set."""

from __future__ import annotations

import pytest

from ingest.lines import LINE_ROLES, line_kind

EXAMPLES = [(role.kind, example) for role in LINE_ROLES for example in role.examples]
COUNTEREXAMPLES = [(role.kind, example) for role in LINE_ROLES for example in role.counterexamples]


@pytest.mark.parametrize(("kind", "line"), EXAMPLES)
def test_every_example_is_its_role(kind: str, line: str) -> None:
    assert line_kind(line) == kind


@pytest.mark.parametrize(("kind", "line"), COUNTEREXAMPLES)
def test_no_counterexample_is_its_role(kind: str, line: str) -> None:
    assert line_kind(line) != kind


def test_every_role_has_examples_and_a_kind_of_its_own() -> None:
    assert all(role.examples for role in LINE_ROLES)
    assert len({role.kind for role in LINE_ROLES}) == len(LINE_ROLES)


@pytest.mark.parametrize(
    "line",
    [
        "您的位置：首页 >> 信息公开 >> 政策文件",
        "首页 › 新闻中心 › 通知公告",
        "发布日期：2023-03-02 信息来源：市医保局 访问次数：1024",
        "字号：[ 大 中 小 ] 【打印本页】【关闭窗口】",
        "主办单位：某某市医疗保障局 技术支持：某某网络公司",
        "粤ICP备05073357号 粤公网安备 44010402002345号",
        "Copyright © 2021 某某医药网 All Rights Reserved",
        "扫一扫在手机打开当前页",
        "上一篇：关于开展医保基金监管宣传月活动的通知",
        "相关文章",
        "免费一级片_国产在线_精品一区_午夜影院",
        "澳门娱乐城在线",
        "欢迎访问某某招标采购网",
        "</div></td></tr>",
    ],
)
def test_page_furniture_of_other_sites(line: str) -> None:
    assert line_kind(line) == "furniture"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("湖南省医疗保障局 湖南省卫生健康委员会 文件", "issuer"),
        ("湘医保发〔2023〕12号", "doc_number"),
        ("湘医保发[2023]12号", "doc_number"),
        ("2023-05-06 湘医保发〔2023〕12号", "doc_number"),
        ("关于执行第八批国家组织药品集中采购中选结果的通知", "title"),
        ("各市州医疗保障局，省直有关医疗机构：", "addressee"),
        ("各相关生产企业、配送企业：", "addressee"),
        ("（湖南省医疗保障局代章）", "seal_note"),
        ("（联系人：李四，联系电话：0731-12345678）", "note"),
        ("2023年5月6日", "date"),
        ("年5月日", "masked_date"),
        ("主题分类：卫生、体育 发布机构：湖南省医疗保障局", "metadata"),
        # a sentence of the notice that mentions a site's words stays the notice's
        ("请登录省医药采购平台，在“通知公告”栏目下载有关文件。", None),
        ("根据《皇冠博彩关于制定门诊用药医保支付标准的通知》(川医保办发〔2019〕45号)中有关规定同时废止。", None),
    ],
)
def test_a_notice_s_own_lines_are_not_furniture(line: str, kind: str | None) -> None:
    assert line_kind(line) == kind
