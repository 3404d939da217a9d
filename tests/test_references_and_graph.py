"""References in their many spellings, and the graph that merges them."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from extract.notice import merge_references
from extract.references import defined_short_names, find_references
from extract.sentences import sentences
from graph.build import build_graph
from ingest.normalize import normalize
from policygraph.pipeline import run
from schema import NoticeRecord
from schema.validate import validated_object


def references_in(source: str, own: str | None = None) -> list[tuple]:
    text = normalize(source).text
    short_names = defined_short_names(text)
    found = [ref for sentence in sentences(text) for ref in find_references(text, sentence, own, short_names)]
    return [(ref.relation, ref.doc_number, ref.code, ref.title) for ref in merge_references(found)]


CASES = [
    (
        "implements by 根据, number after the title",
        "根据《国家医疗保障局关于做好耗材集采工作的通知》（医保发〔2021〕31号）要求，制定本方案。",
        [("implements", "医保发〔2021〕31号", None, "国家医疗保障局关于做好耗材集采工作的通知")],
    ),
    (
        "square brackets and 第N号",
        "按照《关于推进集采的意见》(医保发[2022]第5号)精神执行。",
        [("implements", "医保发〔2022〕5号", None, "关于推进集采的意见")],
    ),
    (
        "lenticular brackets, traditional script",
        "為貫徹落實《國家醫保局關於完善藥品集中採購的通知》（醫保發【2023】12號），現通知如下。",
        [("implements", "医保发〔2023〕12号", None, "国家医保局关于完善药品集中采购的通知")],
    ),
    (
        "procurement file code after 编号",
        "依据《全国药品集中采购文件》（编号：GY-YD2023-2）有关规定。",
        [("implements", None, "GY-YD2023-2", "全国药品集中采购文件")],
    ),
    (
        "code inside the title",
        "按照《省际联盟冠脉球囊集中带量采购文件（JS-HD2021-01）》要求。",
        [("implements", None, "JS-HD2021-01", "省际联盟冠脉球囊集中带量采购文件")],
    ),
    (
        "forwards by 转发, after the reference",
        "现将《河北省医疗保障局关于执行集采结果的通知》（冀医保字〔2024〕3号）转发给你们，请遵照执行。",
        [("forwards", "冀医保字〔2024〕3号", None, "河北省医疗保障局关于执行集采结果的通知")],
    ),
    (
        "forwards by 转给, traditional script",
        "現將《江西省醫療保障局關於執行集採結果的通知》（贛醫保字〔2024〕7號）轉給你們，請認真貫徹執行。",
        [("forwards", "赣医保字〔2024〕7号", None, "江西省医疗保障局关于执行集采结果的通知")],
    ),
    (
        "forwards by 转送",
        "现将《关于开展耗材续约工作的通知》(苏医保发[2023]15号)转送你们,请遵照执行。",
        [("forwards", "苏医保发〔2023〕15号", None, "关于开展耗材续约工作的通知")],
    ),
    (
        "cites by 参照",
        "其他事项参照《关于集采配套措施的通知》（皖医保发〔2020〕6号）执行。",
        [("cites", "皖医保发〔2020〕6号", None, "关于集采配套措施的通知")],
    ),
    (
        "no cue at all",
        "附件：《关于执行结果的通知》（豫医保〔2024〕2号）",
        [("cites", "豫医保〔2024〕2号", None, "关于执行结果的通知")],
    ),
    (
        "a cue inside an earlier title is no cue",
        "根据《关于推动集采常态化的实施意见》(晋政办发〔2021〕45号)和《关于接续工作的通知》(医保办发〔2021〕44号)精神。",
        [
            ("implements", "晋政办发〔2021〕45号", None, "关于推动集采常态化的实施意见"),
            ("implements", "医保办发〔2021〕44号", None, "关于接续工作的通知"),
        ],
    ),
    (
        "a (试行) after the document type",
        "按照《医用耗材集中带量采购工作规则（试行）》执行。",
        [("implements", None, None, "医用耗材集中带量采购工作规则（试行）")],
    ),
    (
        "a short name is not a second reference",
        "根据《国家组织药品集中采购和使用试点方案》（以下简称《试点方案》）要求。",
        [("implements", None, None, "国家组织药品集中采购和使用试点方案")],
    ),
    (
        "a title quoting another title is the outer notice",
        "根据《国家医保局关于印发《医疗保障基金结算清单填写规范》的通知》（医保办发〔2021〕34号）要求。",
        [("implements", "医保办发〔2021〕34号", None, "国家医保局关于印发《医疗保障基金结算清单填写规范》的通知")],
    ),
    ("bare number", "按照医保发〔2019〕56号文件要求执行。", [("implements", "医保发〔2019〕56号", None, None)]),
    (
        "a bare number's code starts after the verb before it",
        "三、按粤医保〔2023〕88号文要求，及时结清货款；继续执行苏医保发(2021)12号有关规定。",
        [("implements", "粤医保〔2023〕88号", None, None), ("implements", "苏医保发〔2021〕12号", None, None)],
    ),
    ("after 废止", "同时废止鲁医保发〔2019〕93号文件。", [("cites", "鲁医保发〔2019〕93号", None, None)]),
    (
        "a bare number's code starts after the body's name run on into it",
        "按照省医疗保障局川医保发〔2024〕17号文件要求，依據自治區醫療保障局辦公室桂醫保辦發[2023]9號精神。",
        [("implements", "川医保发〔2024〕17号", None, None), ("implements", "桂医保办发〔2023〕9号", None, None)],
    ),
    (
        "a body's mark followed only by a document's kind is the code's",
        "参照湖南省医药集中采购服务中心湘药采中心字〔2024〕3号执行，按照内药采中心字〔2023〕6号要求报送。",
        [("cites", "湘药采中心字〔2024〕3号", None, None), ("implements", "内药采中心字〔2023〕6号", None, None)],
    ),
    (
        "a masked number is no number",
        "根据《关于做好协议期满后接续工作的通知》（内医保办字〔**〕**号）要求。",
        [("implements", None, None, "关于做好协议期满后接续工作的通知")],
    ),
    ("a stripped number is no reference", "按照皖医保秘〔〕号文件执行。", []),
    (
        "instructions issued with a notice are a document",
        "请各医疗机构严格按照《医用耗材集中带量采购货款结算操作说明》《带量采购报量须知》进行操作。",
        [
            ("implements", None, None, "医用耗材集中带量采购货款结算操作说明"),
            ("implements", None, None, "带量采购报量须知"),
        ],
    ),
    (
        "the forwarded notice named in the title and in the body, joint issuers run together in one",
        "关于转发《湖南省医疗保障局湖南省卫生健康委员会关于做好集采接续工作的通知》的通知\n"
        "现将《湖南省医疗保障局、湖南省卫生健康委员会关于做好集采接续工作的通知》（湘医保发〔2024〕3号）转发给你们。",
        [("forwards", "湘医保发〔2024〕3号", None, "湖南省医疗保障局湖南省卫生健康委员会关于做好集采接续工作的通知")],
    ),
    (
        "a short name defined earlier in the notice is no reference where it is used again",
        "根据《关于完善集采医保支付政策的实施意见》（以下简称《实施意见》），结合实际制定本方案。"
        "按照《实施意见》要求，各地做好落地工作。依據《若干措施》，全面推開。",
        [
            ("implements", None, None, "关于完善集采医保支付政策的实施意见"),
            ("implements", None, None, "若干措施"),
        ],
    ),
    (
        "the number before 以下简称 in the brackets after a title is the title's",
        "省醫保局印發了《關於做好集採接續工作的通知》（贛醫保發〔2024〕9號，以下簡稱《通知》）。"
        '根据《联盟集中采购文件》(LMZY-2025-2,以下简称"采购文件")规定执行。',
        [
            ("cites", "赣医保发〔2024〕9号", None, "关于做好集采接续工作的通知"),
            ("implements", None, "LMZY-2025-2", "联盟集中采购文件"),
        ],
    ),
    (
        "a short name defined in quotes",
        '省医保局印发了《关于推进药品集采扩面的方案》(以下简称"扩面方案")。现就落实《扩面方案》通知如下。',
        [("cites", None, None, "关于推进药品集采扩面的方案")],
    ),
    (
        "a title that is only a kind of document names none, unless a number or code is given",
        "我市制定了《通知》，请遵照《采购文件》执行；依据《招标文件》（GX-HD2025-3）和《通知》(黔医保发[2024]6号)办理。",
        [("implements", None, "GX-HD2025-3", None), ("implements", "黔医保发〔2024〕6号", None, None)],
    ),
    ("a list or a contract is not a document", "签订《医用耗材带量采购购销合同》，详见《中选品种清单》。", []),
    ("the notice's own number is no reference", "本通知（鲁医保函〔2024〕28号）自印发之日起执行。", []),
]


@pytest.mark.parametrize(("case", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_reference_spellings(case: str, source: str, expected: list[tuple]) -> None:
    assert references_in(source, own="鲁医保函〔2024〕28号") == expected


def _record(record_id: str, doc_number: str | None, title: str | None, issuers: list[str], refs: list[dict]) -> NoticeRecord:
    text = "引用。"
    evidence = {"quote": text, "start": 0, "end": len(text)}
    return validated_object(
        {
            "id": record_id,
            "source": {"file": f"{record_id}.txt", "sha256": "0" * 64, "start": 0, "end": 3},
            "script": "simplified",
            "text": text,
            "title": title,
            "doc_number": doc_number,
            "issuers": issuers,
            "status": "final",
            "issue_date": None,
            "effective_date": None,
            "procurement_periods": [],
            "prepayments": [],
            "self_pay_adjustments": [],
            "price_caps": [],
            "references": [
                {"doc_number": None, "title": None, "code": None, "evidence": evidence, **ref} for ref in refs
            ],
        }
    )


def test_mentions_of_one_document_meet_in_one_node() -> None:
    national = {"title": "国家医保局关于集采的通知", "relation": "implements"}
    by_number = {"doc_number": "医保发〔2024〕31号", "relation": "implements"}
    both = {"title": "国家医保局关于集采的通知", "doc_number": "医保发〔2024〕31号", "relation": "cites"}
    graph = build_graph(
        [
            _record("a", "甲〔2024〕1号", None, ["甲局"], [both]),
            _record("b", "乙〔2024〕1号", None, ["乙局"], [national]),
            _record("c", "丙〔2024〕1号", None, ["丙局"], [by_number]),
        ]
    )
    external = [node for node, data in graph.nodes(data=True) if not data["in_corpus"]]
    assert len(external) == 1
    assert sorted(source for source, _ in graph.in_edges(external[0])) == ["a", "b", "c"]


def test_reference_meets_the_notice_once_ingested() -> None:
    forwarded = {"title": "山东省医疗保障局关于执行结果的通知", "relation": "forwards"}
    graph = build_graph(
        [
            _record("聊医保函〔2024〕13号", "聊医保函〔2024〕13号", None, ["聊城市医疗保障局"], [forwarded]),
            _record("鲁医保函〔2024〕28号", "鲁医保函〔2024〕28号", "关于执行结果的通知", ["山东省医疗保障局"], []),
        ]
    )
    assert list(graph.edges(keys=True)) == [("聊医保函〔2024〕13号", "鲁医保函〔2024〕28号", "forwards")]


NOTICE_TITLE = "浙江省医疗保障局关于做好人工晶体集中带量采购工作的通知"


@pytest.mark.parametrize(
    "mention",
    [
        # Spam injected into a reposted title: the number still names the notice.
        {
            "title": "浙江省医疗保障局关于做好人工晶体集中带量采购澳门新葡京工作的通知",
            "doc_number": "浙医保联发〔2023〕12号",
        },
        {"title": "浙江省醫療保障局關於做好人工晶體集中帶量採購工作的通知", "doc_number": "浙医保联发[2023]12号"},
    ],
)
def test_a_mangled_mention_meets_the_notice(mention: dict) -> None:
    graph = build_graph(
        [
            _record("浙医保联发〔2023〕12号", "浙医保联发〔2023〕12号", NOTICE_TITLE, ["浙江省医疗保障局"], []),
            _record("x", "杭医保〔2023〕30号", None, ["杭州市医疗保障局"], [{**mention, "relation": "forwards"}]),
        ]
    )
    assert list(graph.edges(keys=True)) == [("x", "浙医保联发〔2023〕12号", "forwards")]


def test_same_bare_title_from_two_provinces_stays_apart() -> None:
    bare = {"title": "关于执行结果的通知", "relation": "implements"}
    graph = build_graph(
        [
            _record("鲁〔2024〕1号", "鲁〔2024〕1号", "关于执行结果的通知", ["山东省医疗保障局"], []),
            _record("辽〔2024〕1号", "辽〔2024〕1号", "关于执行结果的通知", ["辽宁省医疗保障局"], []),
            _record("x", "市〔2024〕9号", None, ["某市医疗保障局"], [bare]),
        ]
    )
    assert not graph.has_edge("x", "鲁〔2024〕1号") and not graph.has_edge("x", "辽〔2024〕1号")


def test_graph_files_are_written_and_readable(corpus_run: Path) -> None:
    data = json.loads((corpus_run / "graph.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.nodes["鲁医保函〔2024〕28号"]["in_corpus"] is True
    assert graph.has_edge("聊医保函〔2024〕13号", "鲁医保函〔2024〕28号")
    again = nx.read_graphml(corpus_run / "graph.graphml")
    assert again.number_of_nodes() == graph.number_of_nodes()
    assert again.number_of_edges() == graph.number_of_edges()


def test_run_output_is_deterministic(corpus_run: Path, tmp_path: Path) -> None:
    from tests.conftest import CORPUS

    run([str(CORPUS)], tmp_path)
    for name in ("notices.jsonl", "graph.json", "graph.graphml"):
        assert (tmp_path / name).read_bytes() == (corpus_run / name).read_bytes(), name
