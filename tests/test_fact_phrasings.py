"""Phrasings of each fact that the five sample notices do not contain.

Each case is one sentence as it would read after normalisation (simplified script,
ASCII digits and %), in the wording of notices by 国家医保局 and provincial or city
bureaus, 2019–2026. A case fixes the typed values of every fact found in the sentence,
so a case with `[]` is a phrasing that must yield nothing: precision matters as much
as recall.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import effective, periods, prepayments, price_caps, references, self_pay
from extract.effective import find_effective_date
from extract.notice import extract_notice
from extract.periods import find_periods
from extract.prepayments import find_prepayments
from extract.price_caps import find_price_caps
from extract.self_pay import find_self_pay
from extract.sentences import Span, sentences
from ingest.normalize import normalize
from ingest.structure import Element, NoticeLayout

HEADING = "一、执行中选结果\n"
YEAR = 2024


def _in_notice(sentence: str) -> tuple[str, Span]:
    """The sentence as the body paragraph of a notice, and its span there."""
    text = HEADING + sentence + "\n"
    spans = [span for span in sentences(text) if span.start >= len(HEADING)]
    assert len(spans) == 1, "each case is one sentence"
    return text, spans[0]


def _assert_evidence(text: str, span: Span, facts: list) -> None:
    for fact in facts:
        quoted = fact.evidence
        assert text[quoted.start : quoted.end] == quoted.quote
        assert (quoted.start, quoted.end, quoted.quote) == (span.start, span.end, span.text)


# (sentence, [(months, extension_months, start, end), …])
PERIODS = [
    ("本次集中带量采购周期为两年。", [(24, None, None, None)]),
    ("采购周期为1年。", [(12, None, None, None)]),
    ("集采药品采购周期为24个月。", [(24, None, None, None)]),
    ("采购周期为一年半。", [(18, None, None, None)]),
    ("采购周期为1.5年，自中选结果实际执行之日起计算。", [(18, None, None, None)]),
    ("中选药品协议期为2年。", [(24, None, None, None)]),
    ("采购协议期限为三年。", [(36, None, None, None)]),
    ("采购周期2年（自2024年1月1日至2025年12月31日）。", [(24, None, date(2024, 1, 1), date(2025, 12, 31))]),
    ("采购周期原则上为2年。", [(24, None, None, None)]),
    ("采购周期为2年，到期后可续签1年。", [(24, 12, None, None)]),
    ("采购周期为2年，期满后根据采购情况可延长1年。", [(24, 12, None, None)]),
    ("本轮接续采购周期为期一年。", [(12, None, None, None)]),
    ("采购周期：3年。", [(36, None, None, None)]),
    ("本次采购周期自2024年3月1日起至2026年2月28日止。", [(24, None, date(2024, 3, 1), date(2026, 2, 28))]),
    ("药品采购周期为2年，医用耗材采购周期为1年。", [(24, None, None, None), (12, None, None, None)]),
    ("采购合同期限为一年。", [(12, None, None, None)]),
    ("本次集采协议期暂定为1年。", [(12, None, None, None)]),
    ("采购周期为两年，即2024年1月1日至2025年12月31日。", [(24, None, date(2024, 1, 1), date(2025, 12, 31))]),
    # 延长至 states the total the cycle runs to, so the extension is the difference.
    ("采购周期为1年，视情况可延长至2年。", [(12, 12, None, None)]),
    ("协议期限1年，期满后可续签一次，续签期限1年。", [(12, 12, None, None)]),
    # Dates said of something else later in the sentence do not bound the two-year cycle.
    (
        "采购周期为2年，首年协议期为2024年5月27日至2025年5月31日。",
        [(24, None, None, None), (12, None, date(2024, 5, 27), date(2025, 5, 31))],
    ),
    ("协议期为2024年度。", []),
    # A cycle given by its last day starts where the sentence says execution starts.
    (
        "全省公立医疗机构于2023年7月1日起执行中选结果，采购周期至2025年12月31日。",
        [(30, None, date(2023, 7, 1), date(2025, 12, 31))],
    ),
    ("采购周期至2025年12月31日。", []),
    ("在采购周期内，医疗机构应优先使用中选产品。", []),
    ("采购周期届满后，按规定开展接续采购。", []),
    ("医保基金预付货款在一个采购周期结束后的2个月内与医疗机构结清。", []),
    ("中选企业应于第6个月末前完成首批供货。", []),
    ("协议期满前3个月启动续约工作。", []),
    ("采购周期内采购协议每年一签。", []),
    ("在采购周期第2年，按实际采购量续签协议。", []),
    # The length said first.
    ("自中选结果实际执行之日起，以2年为一个采购周期。", [(24, None, None, None)]),
    (
        "冠脉支架以两年为一个采购周期，自2024年1月1日至2025年12月31日。",
        [(24, None, date(2024, 1, 1), date(2025, 12, 31))],
    ),
    ("以1个月为一个周期进行结算。", []),
    # 周期 alone, after the sentence says a procurement is executed.
    ("中选结果自2024年3月1日起在全省执行，周期为1年。", [(12, None, None, None)]),
    ("集采中选产品于2023年7月1日起实施,周期为两年,期满后可续签1年。", [(24, 12, None, None)]),
    ("医保基金按月结算，周期为1个月。", []),
    ("中选产品按季度考核，考核周期为3个月。", []),
    (
        "中药配方颗粒联盟采购期原则上为2年，首年采购周期自2024年9月1日至2025年8月31日。",
        [(24, None, None, None), (12, None, date(2024, 9, 1), date(2025, 8, 31))],
    ),
    # A least length is the length committed to.
    ("采购周期原则上不少于2年。", [(24, None, None, None)]),
    ("协议期限不低于1年。", [(12, None, None, None)]),
    ("中选产品有效期不少于2年。", []),
    # How long the results are executed, once the sentence names a procurement.
    ("本轮联盟带量采购执行周期为3年。", [(36, None, None, None)]),
    ("省际联盟集中采购中选结果执行期限为两年。", [(24, None, None, None)]),
    ("集采中选结果执行期为1年,期满后可续签1年。", [(12, 12, None, None)]),
    ("接续采购执行周期自2025年4月1日至2027年3月31日。", [(24, None, date(2025, 4, 1), date(2027, 3, 31))]),
    ("医保支付标准执行周期为1年。", []),
    ("执行周期为2年。", []),
    ("集采中选结果执行期间为2年。", []),
    ("中选结果执行期间，医疗机构应优先使用中选产品。", []),
    ("集采中选结果执行期满后，按规定开展接续采购。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), PERIODS)
def test_periods(sentence, expected):
    text, span = _in_notice(sentence)
    facts = find_periods(text, span, YEAR)
    assert [(f.months, f.extension_months, f.start, f.end) for f in facts] == expected
    _assert_evidence(text, span, facts)


# A heading that only names the cycle, and the line below it: (text, [(months, start, end, quote), …])
HEADED_PERIODS = [
    (
        "二、采购周期\n2024年4月20日至2025年4月19日\n",
        [(12, date(2024, 4, 20), date(2025, 4, 19), "2024年4月20日至2025年4月19日")],
    ),
    (
        "（三）协议期限：\n自2025年7月1日起至2027年6月30日止。\n",
        [(24, date(2025, 7, 1), date(2027, 6, 30), "自2025年7月1日起至2027年6月30日止。")],
    ),
    ("3.采购周期\n2年。\n", [(24, None, None, "2年。")]),
    # A line naming the cycle itself is read once, as itself.
    ("二、采购周期\n本轮采购周期为3年。\n", [(36, None, None, "本轮采购周期为3年。")]),
    ("二、采购周期\n各医疗机构应按时完成协议采购量。\n", []),
    ("二、采购周期\n2024年4月20日起执行。\n", []),
    ("二、结算周期\n2024年4月1日至2024年4月30日\n", []),
]


@pytest.mark.parametrize(("text", "expected"), HEADED_PERIODS)
def test_periods_under_a_heading(text, expected):
    facts = extract_notice(text, _as_notice(text)).procurement_periods
    assert [(f.months, f.start, f.end, f.evidence.quote) for f in facts] == expected
    for fact in facts:
        assert text[fact.evidence.start : fact.evidence.end] == fact.evidence.quote


# Traditional script, full-width forms and masked values (**, which normalisation drops) as
# reposted pages write them, read once normalised: a masked value gives no fact.
# (fact field, source, [values of each fact, as REPOSTED_VALUES reads them])
REPOSTED = [
    ("procurement_periods", "自本次中選結果執行日起兩年為一個採購週期。", [24]),
    ("procurement_periods", "中選結果自２０２２年４月１５日起執行，週期為２年。", [24]),
    ("procurement_periods", "原則上採購周期不少於兩年。", [24]),
    ("procurement_periods", "本次集中帶量採購執行週期為２年。", [24]),
    (
        "price_caps",
        "未中選產品掛網價格不得高於同組產品最高中選價或該品種中選價格的1.5倍。",
        [("max_selected_price", None, None), ("selected_price", 1.5, None)],
    ),
    (
        "price_caps",
        "人工晶體醫保最高支付限額分別為：單焦點晶體1200元/片，多焦點晶體3500元/片。",
        [("fixed_amount", None, 1200.0), ("fixed_amount", None, 3500.0)],
    ),
    ("procurement_periods", "采购周期为**年。", []),
    ("prepayments", "医保基金按年度约定采购金额的**%预付给医疗机构。", []),
    ("self_pay_adjustments", "职工医保先行自付比例为**%。", []),
    ("self_pay_adjustments", "居民医保先行自付比例下调**个百分点。", []),
    ("self_pay_adjustments", "先行自付比例统一调整为：职工医保**%，居民医保**%。", []),
    ("self_pay_adjustments", "先行自付比例統一調整為：職工醫保５%，居民醫保10%。", [(0.05, "职工"), (0.1, "居民")]),
    ("price_caps", "医保支付标准为**元/盒。", []),
    ("price_caps", "非中選藥品掛網限價為同組最高中選價的1.5倍。", [("max_selected_price", 1.5, None)]),
    ("price_caps", "非中选药品挂网限价为同组最高中选价的**倍。", []),
    ("price_caps", "非中选产品挂网价格不得高于同品种中选价的**倍。", []),
    ("price_caps", "以中選價格的**倍作為醫保支付標準。", []),
    ("price_caps", "掛網價格不高於其中選價格的**倍或同品種最高中選價。", [("max_selected_price", None, None)]),
    ("price_caps", "最高限额分别为A类**元/个，B类**元/个。", []),
]
REPOSTED_VALUES = {
    "procurement_periods": lambda fact: fact.months,
    "price_caps": lambda fact: (fact.basis, fact.multiplier, fact.amount_yuan),
    "self_pay_adjustments": lambda fact: (fact.ratio, fact.population),
}


@pytest.mark.parametrize(("field", "source", "expected"), REPOSTED)
def test_reposted_phrasings(field, source, expected):
    text = normalize(source).text
    facts = getattr(extract_notice(text, _as_notice(text)), field)
    assert [REPOSTED_VALUES[field](fact) for fact in facts] == expected


# (sentence, [(ratio, basis), …])
PREPAYMENTS = [
    ("医保基金预付比例不低于30%。", [(0.3, None)]),
    (
        "医保经办机构按医疗机构年度约定采购金额的百分之三十预付。",
        [(0.3, "医疗机构年度约定采购金额")],
    ),
    ("医保经办机构预拨医疗机构年度约定采购总额的40%。", [(0.4, "医疗机构年度约定采购总额")]),
    ("医保基金按不低于年度约定采购额的30%预付给医疗机构。", [(0.3, "年度约定采购额")]),
    ("医保经办机构提前拨付医疗机构年度约定采购金额的50%。", [(0.5, "医疗机构年度约定采购金额")]),
    ("预付比例原则上不低于医疗机构年度约定采购金额的30%。", [(0.3, "医疗机构年度约定采购金额")]),
    ("预付金额不少于上年度集采药品采购总额的百分之五十。", [(0.5, "上年度集采药品采购总额")]),
    (
        "在采购周期开始后30日内，按医疗机构年度约定采购金额的30%预付给医疗机构。",
        [(0.3, "医疗机构年度约定采购金额")],
    ),
    # Two shares in one clause: the second names no amount of its own.
    ("药品按年度约定采购金额的50%、医用耗材按30%预付医保资金。", [(0.5, "年度约定采购金额"), (0.3, None)]),
    ("落实医保基金预付政策，减轻医疗机构资金压力。", []),
    ("预付金在后续结算中抵扣，抵扣完毕后按实际发生费用结算。", []),
    ("预付资金在季度结算时按比例扣回。", []),
    ("医保经办机构按季度预付医保资金。", []),
    # The share the offset waits for is a condition, not the share advanced.
    ("预付金在医疗机构完成约定采购量的50%后开始冲抵。", []),
]


# (sentence, [scope, …]): what each share is advanced for, where the clause says it.
PREPAYMENT_SCOPES = [
    ("药品按医疗机构年度约定采购金额的50%预付，医用耗材按照30%预付。", ["药品", "医用耗材"]),
    ("中选药品按年度约定采购金额的40%、中选耗材按30%预付医保资金。", ["中选药品", "中选耗材"]),
    ("对集采药品按不低于年度采购金额的30%预付给医疗机构。", ["集采药品"]),
    ("医保经办机构按医疗机构年度约定采购金额的30%预付。", [None]),
    ("市医保局按照年度约定采购金额的50%预拨医保资金。", [None]),
    ("各市经办部门须按不低于年度采购金额的40%设立预付金。", [None]),
    ("牵头医院应当按照约定采购金额的30%预付。", [None]),
    ("在总额预算的基础上，按年度约定采购金额的30%预付给医疗机构。", [None]),
    ("医保基金预付比例不低于30%。", [None]),
]


@pytest.mark.parametrize(("sentence", "expected"), PREPAYMENT_SCOPES)
def test_prepayment_scopes(sentence, expected):
    text, span = _in_notice(sentence)
    assert [fact.scope for fact in find_prepayments(text, span)] == expected


@pytest.mark.parametrize(("sentence", "expected"), PREPAYMENTS)
def test_prepayments(sentence, expected):
    text, span = _in_notice(sentence)
    facts = find_prepayments(text, span)
    assert [(f.ratio, f.basis) for f in facts] == expected
    _assert_evidence(text, span, facts)


# (sentence, [(ratio, mode, population), …])
SELF_PAY = [
    ("乙类药品先行自付比例由20%降至10%。", [(0.1, "set", None)]),
    ("职工医保先行自付比例下降5个百分点。", [(0.05, "decrease", "职工")]),
    ("集采中选产品不设先行自付比例。", [(0.0, "set", None)]),
    ("城乡居民使用中选产品的先行自付比例为零。", [(0.0, "set", "城乡居民")]),
    ("中选药品个人先行自付比例为0。", [(0.0, "set", None)]),
    ("居民医保非中选产品先行自付比例提高10%。", [(0.1, "increase", "居民")]),
    ("适当降低中选产品先行自付比例。", [(None, "decrease", None)]),
    ("先行自付比例统一调整为5%。", [(0.05, "set", None)]),
    ("城乡居民先行自付比例为10%。", [(0.1, "set", "城乡居民")]),
    ("参保人员使用集采中选药品的先行自付比例降低至5%。", [(0.05, "set", "参保人员")]),
    ("职工中选产品先行自付比例按0%执行。", [(0.0, "set", "职工")]),
    ("非中选产品先行自付比例上调至20%。", [(0.2, "set", None)]),
    ("居民个人自付比例调整为零。", [(0.0, "set", "居民")]),
    ("首先自付比例下调2个百分点。", [(0.02, "decrease", None)]),
    ("城镇职工先行自付比例调减2个百分点。", [(0.02, "decrease", "城镇职工")]),
    ("先行自付比例下降至5%。", [(0.05, "set", None)]),
    ("取消中选产品个人先行自付比例。", [(0.0, "set", None)]),
    ("暂不调整先行自付比例。", []),
    ("中选产品先行自付比例同步调整到位。", [(None, "adjust", None)]),
    ("中选产品先行自付比例相应下调。", [(None, "decrease", None)]),
    ("降低集采产品先行自付比例。", [(None, "decrease", None)]),
    ("职工和居民先行自付比例分别为5%和10%。", [(0.05, "set", "职工"), (0.1, "set", "居民")]),
    (
        "职工医保、居民医保先行自付比例分别下调5个百分点和10个百分点。",
        [(0.05, "decrease", "职工"), (0.1, "decrease", "居民")],
    ),
    ("城乡居民医保参保患者先行自付比例为10%。", [(0.1, "set", "城乡居民")]),
    ("参保患者使用中选产品的先行自付比例为5%。", [(0.05, "set", "参保患者")]),
    # The population may be named in an earlier clause of the sentence, and 分别 pairs them in turn.
    ("参保职工使用中选产品，先行自付比例调整为5%。", [(0.05, "set", "职工")]),
    (
        "城镇职工、城乡居民使用集采耗材,先行自付比例分别降至3%和8%。",
        [(0.03, "set", "城镇职工"), (0.08, "set", "城乡居民")],
    ),
    (
        "职工医保与居民医保参保患者使用中选产品的，先行自付比例分别下调2个百分点和4个百分点。",
        [(0.02, "decrease", "职工"), (0.04, "decrease", "居民")],
    ),
    # A colon opens a list of populations, each with its figure, running past commas.
    (
        "参保患者使用集采中选耗材的先行自付比例调整为：城镇职工医保3%，城乡居民医保8%。",
        [(0.03, "set", "城镇职工"), (0.08, "set", "城乡居民")],
    ),
    (
        "中选药品先行自付比例分别下调:职工2个百分点、居民5个百分点。",
        [(0.02, "decrease", "职工"), (0.05, "decrease", "居民")],
    ),
    ("先行自付比例：职工医保0，居民医保5%。", [(0.0, "set", "职工"), (0.05, "set", "居民")]),
    # A list of what is not a population is read as before: its first figure.
    ("先行自付比例调整为：乙类药品10%，丙类药品20%。", [(0.1, "set", None)]),
    # 不高于 bounds the share rather than setting it; the contract has no bound mode, and the
    # figure is what the notice fixes, so it reads as set.
    ("乙类先行自付比例不高于10%。", [(0.1, "set", None)]),
    ("超出支付标准部分由患者自付。", []),
    ("原先行自付比例不作调整。", []),
    ("先行自付比例保持不变。", []),
    ("患者自付费用按规定结算。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), SELF_PAY)
def test_self_pay(sentence, expected):
    text, span = _in_notice(sentence)
    facts = find_self_pay(text, span)
    assert [(f.ratio, f.mode, f.population) for f in facts] == expected
    _assert_evidence(text, span, facts)


# (sentence, [(basis, multiplier, amount_yuan, target), …])
PRICE_CAPS = [
    # The standard said to equal a price: 与中选价格保持一致.
    ("中选药品的医保支付标准与中选价格保持一致。", [("selected_price", None, None, "payment_standard")]),
    # 最高有效申报价 is the tender's ceiling on bids, not the highest selected price: the
    # contract names no basis for it, so it is `other`.
    ("非中选产品挂网价格不得高于最高有效申报价。", [("other", None, None, "listing_price")]),
    ("非中选产品挂网价格不得超过同品种中选价的1.2倍。", [("selected_price", 1.2, None, "listing_price")]),
    ("以平均中选价作为医保支付标准。", [("avg_selected_price", None, None, "payment_standard")]),
    ("医保支付标准按中选价格确定。", [("selected_price", None, None, "payment_standard")]),
    ("医保支付标准原则上按照中选价格执行。", [("selected_price", None, None, "payment_standard")]),
    ("医保支付标准为中选价格。", [("selected_price", None, None, "payment_standard")]),
    ("该类耗材医保支付标准为350元。", [("fixed_amount", None, 350.0, "payment_standard")]),
    ("单套产品医保支付标准不高于1.5万元。", [("fixed_amount", None, 15000.0, "payment_standard")]),
    ("挂网价格最高不超过挂网参考限价。", [("reference_price", None, None, "listing_price")]),
    ("以最高中选价作为同组产品的医保支付标准。", [("max_selected_price", None, None, "payment_standard")]),
    ("以中选价格作为该通用名药品的医保支付标准。", [("selected_price", None, None, "payment_standard")]),
    ("非中选产品挂网价格不得高于同组中选产品最高中选价格。", [("max_selected_price", None, None, "listing_price")]),
    ("医疗机构实际采购价格不得高于中选价。", [("selected_price", None, None, "purchase_price")]),
    ("医疗机构采购价格原则上不超过挂网限价。", [("reference_price", None, None, "purchase_price")]),
    ("医保支付标准确定为每盒12.5元。", [("fixed_amount", None, 12.5, "payment_standard")]),
    ("非中选产品医保支付标准统一为1000元/套。", [("fixed_amount", None, 1000.0, "payment_standard")]),
    ("以中选价格的1.2倍作为医保支付标准。", [("selected_price", 1.2, None, "payment_standard")]),
    ("医保支付标准原则上以中选价格为准。", [("selected_price", None, None, "payment_standard")]),
    ("医疗机构采购非中选产品的价格不得高于中选产品价格。", [("selected_price", None, None, "purchase_price")]),
    ("挂网价格不得高于同组中选药品的最高价。", [("max_selected_price", None, None, "listing_price")]),
    ("企业挂网价格不得高于其在全国其他省份的最低挂网价格。", [("other", None, None, "listing_price")]),
    (
        "对于集中采购的药品，在医保目录范围内的以集中采购价格作为医保支付标准。",
        [("selected_price", None, None, "payment_standard")],
    ),
    ("医保支付标准按有关规定执行。", []),
    ("中选企业仍需按中选价格供应。", []),
    ("每日配送次数不超过2次。", []),
    ("配送企业不超过5家。", []),
    ("医保基金结清时间不得超过次月底。", []),
    ("中选企业响应时间最长不超过48小时。", []),
    ("谈判结果执行周期原则上不超过2年。", []),
    ("年度采购金额不超过50万元的品种，医疗机构可自主议价。", []),
    ("单套产品医保基金支付金额最高不超过2万元。", [("fixed_amount", None, 20000.0, None)]),
    ("挂网时间不超过10个工作日。", []),
    # The standard set from a price named at length.
    (
        "未中选产品以本省骨科创伤类医用耗材集中带量采购同组产品最高中选价设定医保支付标准。",
        [("max_selected_price", None, None, "payment_standard")],
    ),
    ("非中选药品以同通用名中选药品价格的1.1倍确定医保支付标准。", [("selected_price", 1.1, None, "payment_standard")]),
    ("以医保基金可承受能力为基础确定医保支付标准。", []),
    # A limit set to amounts, one cap each, the list running past commas after 分别.
    (
        "髋关节、膝关节的医保支付限额分别为：髋关节 7000 元/套，膝关节 6500 元/套。",
        [("fixed_amount", None, 7000.0, None), ("fixed_amount", None, 6500.0, None)],
    ),
    (
        "非中选产品医保支付标准分别为：A类2.5万元/套、B类1.8万元/套和C类9800元/套。",
        [
            ("fixed_amount", None, 25000.0, "payment_standard"),
            ("fixed_amount", None, 18000.0, "payment_standard"),
            ("fixed_amount", None, 9800.0, "payment_standard"),
        ],
    ),
    ("医保最高支付限额为5000元。", [("fixed_amount", None, 5000.0, None)]),
    ("吻合器挂网限价为1250元/把。", [("fixed_amount", None, 1250.0, "listing_price")]),
    (
        "两类导管最高限价分别为80元、90元，其中医保基金支付60元。",
        [("fixed_amount", None, 80.0, None), ("fixed_amount", None, 90.0, None)],
    ),
    ("医保基金预付金额最高限额为50万元。", []),
    ("年度采购总额限额为500万元。", []),
    ("单次采购限额为10万元。", []),
    ("限额以下的采购项目由医疗机构自行组织。", []),
    # Alternatives offered by one bound are a cap each.
    (
        "非中选产品应按不高于同品种中选价格的1.3倍或全国最低挂网价挂网。",
        [("selected_price", 1.3, None, "listing_price"), ("other", None, None, "listing_price")],
    ),
    (
        "未中选企业挂网价格不得高于中选产品最高中选价或者该品种平均中选价的1.2倍。",
        [("max_selected_price", None, None, "listing_price"), ("avg_selected_price", 1.2, None, "listing_price")],
    ),
    (
        "医疗机构采购价格不超过800元或挂网参考限价。",
        [("fixed_amount", None, 800.0, "purchase_price"), ("reference_price", None, None, "purchase_price")],
    ),
    ("挂网价格不得高于中选价格或暂停挂网。", [("selected_price", None, None, "listing_price")]),
    # A limit set to a price, times any multiple.
    ("未中选产品挂网限价为同通用名中选价格的1.2倍。", [("selected_price", 1.2, None, "listing_price")]),
    (
        "同组非中选耗材挂网限价为该组平均中选价,超出部分不予挂网。",
        [("avg_selected_price", None, None, "listing_price")],
    ),
    ("医保最高支付限额为同品种最高中选价的两倍。", [("max_selected_price", 2, None, None)]),
    ("挂网限价为同组最高中选价的倍。", []),
    ("挂网限价为企业自主申报价格。", []),
    ("单次采购限额为中选价格的10倍。", []),
    # 上限 is a limit too, where its clause says it is on a price or a payment.
    ("非中选产品挂网价格上限为同组中选产品最高中选价的1.3倍。", [("max_selected_price", 1.3, None, "listing_price")]),
    ("医保基金最高支付上限为3000元/套。", [("fixed_amount", None, 3000.0, None)]),
    ("医疗机构年度采购量上限为上年度使用量的1.2倍。", []),
    ("单品种采购上限为50万元。", []),
    ("非中选产品挂网价格不得高于同品种或同组产品中选价格。", [("selected_price", None, None, "listing_price")]),
]


@pytest.mark.parametrize(("sentence", "expected"), PRICE_CAPS)
def test_price_caps(sentence, expected):
    text, span = _in_notice(sentence)
    facts = find_price_caps(text, span)
    assert [(f.basis, f.multiplier, f.amount_yuan, f.target) for f in facts] == expected
    _assert_evidence(text, span, facts)


ISSUED = date(2024, 5, 22)
# (sentences, default_year, issue_date, effective date)
EFFECTIVE = [
    ("本通知自2024年7月1日起执行。", YEAR, ISSUED, date(2024, 7, 1)),
    ("中选结果于2023年3月1日起正式实施。", YEAR, ISSUED, date(2023, 3, 1)),
    ("执行时间为2025年1月1日。", YEAR, ISSUED, date(2025, 1, 1)),
    ("本批中选结果实际执行日为2024年3月15日。", YEAR, ISSUED, date(2024, 3, 15)),
    ("执行日期：2024年3月1日。", YEAR, ISSUED, date(2024, 3, 1)),
    ("中选结果执行日期定为2024年9月1日。", YEAR, ISSUED, date(2024, 9, 1)),
    ("本通知自印发之日起施行。", YEAR, ISSUED, ISSUED),
    ("本通知自发文之日起执行。", YEAR, ISSUED, ISSUED),
    ("本通知自印发之日起施行。", YEAR, None, None),
    ("各医疗机构于2024年5月31日零时起执行中选结果。", YEAR, ISSUED, date(2024, 5, 31)),
    ("全省统一于5月27日起执行。", YEAR, ISSUED, date(2024, 5, 27)),
    ("从2024年6月1日开始执行新的采购协议。", YEAR, ISSUED, date(2024, 6, 1)),
    ("本办法自2024年1月1日起生效，有效期5年。", YEAR, ISSUED, date(2024, 1, 1)),
    ("中选结果自2022年1月起执行。", YEAR, ISSUED, date(2022, 1, 1)),
    ("中选结果自二〇二二年三月起执行。", YEAR, ISSUED, date(2022, 3, 1)),
    ("中选结果执行时间统一为2024年11月1日。", YEAR, ISSUED, date(2024, 11, 1)),
    ("全省统一于5月27日起执行。", None, None, None),
    ("请各中选企业在2023年1月6日前完成备货。", YEAR, ISSUED, None),
    ("续约续签时间统一调整至同年7月1日起。", YEAR, ISSUED, None),
    # The execution verb right after the date, without 起.
    ("本通知于2023年10月8日执行。", YEAR, ISSUED, date(2023, 10, 8)),
    ("本办法自2025年3月1日施行。", YEAR, ISSUED, date(2025, 3, 1)),
    ("新的医保支付标准于2024年11月1日零时正式实施。", YEAR, ISSUED, date(2024, 11, 1)),
    ("中选产品信息已于2024年8月26日推送至各医疗机构,9月1日生效执行。", YEAR, ISSUED, date(2024, 9, 1)),
    ("各地应于2024年6月30日执行到位。", YEAR, ISSUED, None),
    ("第一采购年度于2025年4月30日执行到期。", YEAR, ISSUED, None),
    ("截至2024年9月30日执行率已达95%。", YEAR, ISSUED, None),
    ("2023年1月1日执行的第七批集采中选结果协议期即将届满。", YEAR, ISSUED, None),
    ("原采购协议延长至2024年12月31日执行。", YEAR, ISSUED, None),
    # A cycle said to have run out started on the dates before that: the next one is after.
    ("第八批集采中选结果自2023年11月1日起执行，首年采购协议即将到期。", YEAR, ISSUED, None),
    ("冠脉支架集采协议期已届满,第二轮协议自2024年1月1日起执行。", YEAR, ISSUED, date(2024, 1, 1)),
    # A year stripped on the way to the page leaves a month-day that is no date of the notice's.
    ("全省公立医疗机构自年1月20日起统一执行。", YEAR, ISSUED, None),
    ("各医疗机构自次年1月1日起执行新的采购协议。", YEAR, ISSUED, None),
    # 20**年 and **月**日 once normalisation has dropped the mask.
    ("本通知自20年5月1日起执行。", YEAR, ISSUED, None),
    ("中选结果自2025年月日起执行。", YEAR, ISSUED, None),
    ("各地要在2021年底前执行到位。", YEAR, ISSUED, None),
    ("请于2024年4月30日前报送执行情况。", YEAR, ISSUED, None),
    ("各地应于2024年6月30日前执行到位。", YEAR, ISSUED, None),
    ("于2024年3月1日起开展报量工作。", YEAR, ISSUED, None),
    ("自2024年12月1日起，各医疗机构执行本次集采中选结果。", YEAR, ISSUED, date(2024, 12, 1)),
    ("2024年5月10日，省医保局印发了采购文件。", YEAR, ISSUED, None),
    ("采购周期自2024年1月1日起至2025年12月31日止。", YEAR, ISSUED, None),
    (
        "请于2024年5月20日前完成报量。中选结果自2024年6月1日起执行。",
        YEAR,
        ISSUED,
        date(2024, 6, 1),
    ),
    # A date's execution verb comes before the next date: a later date has its own.
    ("各医院自2025年3月3日起在平台填报采购量，2025年3月20日起执行中选结果。", YEAR, ISSUED, date(2025, 3, 20)),
    ("自8月5日起开展协议签订，9月1日起统一实施。", YEAR, ISSUED, date(2024, 9, 1)),
    ("自2025年3月3日起在平台填报采购量，2025年3月20日前完成协议签订后执行。", YEAR, ISSUED, None),
    # … unless the next date ends a range the date opens: the verb after it is the range's.
    ("自2025年1月1日起至2026年12月31日，全省执行第二轮接续结果。", YEAR, ISSUED, date(2025, 1, 1)),
    ("2024年9月1日起，全区定点医疗机构按规定执行联盟集采中选结果。", YEAR, ISSUED, date(2024, 9, 1)),
    # What is executed may be named between the verb and the time that introduces the date.
    ("經研究，全市統一執行第三批接續採購結果的時間為2025年2月1日。", YEAR, ISSUED, date(2025, 2, 1)),
    ("各医疗机构执行新医保支付标准的日期定为2024年12月1日。", YEAR, ISSUED, date(2024, 12, 1)),
    ("报送执行情况的时间为2024年6月30日。", YEAR, ISSUED, None),
    ("执行到位的时间为2024年6月30日。", YEAR, ISSUED, None),
    ("执行中选结果的医疗机构报量的时间为2024年6月30日。", YEAR, ISSUED, None),
    # … or alone on the line below, when the introduction ends its line.
    ("經研究，全區統一執行聯盟集採中選結果的時間為\n2025年4月1日\n請各單位做好準備。", YEAR, ISSUED, date(2025, 4, 1)),
    ("二、执行日期\n自2025年1月1日起。\n三、医保支付", YEAR, ISSUED, date(2025, 1, 1)),
    ("二、执行时间\n2025年1月1日前完成报量。", YEAR, ISSUED, None),
    ("二、执行时间\n\n2025年1月1日", YEAR, ISSUED, date(2025, 1, 1)),
    ("执行时间为。\n2025年1月1日", YEAR, ISSUED, None),
    ("执行时间为\n2025-01-01", YEAR, ISSUED, None),
    # Where it is executed may stand between the date and the verb.
    ("接续结果于2025年3月1日在全省范围内统一执行。", YEAR, ISSUED, date(2025, 3, 1)),
    ("中選結果於2025年6月1日在本市落地實施。", YEAR, ISSUED, date(2025, 6, 1)),
    ("中选结果于2025年6月1日落地执行。", YEAR, ISSUED, date(2025, 6, 1)),
    ("各地于2025年6月30日在平台执行到位。", YEAR, ISSUED, None),
    ("于2024年4月1日在省平台上报执行情况。", YEAR, ISSUED, None),
    ("于2024年4月1日在省平台完成报量，执行中选结果。", YEAR, ISSUED, None),
]


@pytest.mark.parametrize(("text", "default_year", "issue_date", "expected"), EFFECTIVE)
def test_effective_date(text, default_year, issue_date, expected):
    assert find_effective_date(list(sentences(normalize(text).text)), default_year, issue_date) == expected


def _as_notice(text: str) -> NoticeLayout:
    """A notice whose body is all of `text`, with no date or number in its header."""
    return NoticeLayout(0, len(text), [Element("body", 0, len(text), text)])


# extract_notice gives each reader only the sentences holding one of its kind's MENTION_CHARS:
# (fact field, reader without a reference year, cases)
READERS = [
    ("procurement_periods", lambda text, span: find_periods(text, span, None), PERIODS),
    ("prepayments", find_prepayments, PREPAYMENTS),
    ("self_pay_adjustments", find_self_pay, SELF_PAY),
    ("price_caps", find_price_caps, PRICE_CAPS),
]


@pytest.mark.parametrize(
    ("field", "find", "sentence"), [(field, find, case[0]) for field, find, cases in READERS for case in cases]
)
def test_extract_notice_reads_every_phrasing(field, find, sentence):
    text, span = _in_notice(sentence)
    assert getattr(extract_notice(text, _as_notice(text)), field) == find(text, span)


@pytest.mark.parametrize("text", [case[0] for case in EFFECTIVE])
def test_extract_notice_reads_every_effective_phrasing(text):
    text = normalize(text).text
    assert extract_notice(text, _as_notice(text)).effective_date == find_effective_date(sentences(text), None, None)


# A question states no fact, whether a forum reply below a reposted notice or an
# interpretation's 问: (fact field, sentence asking about that kind of fact)
QUESTIONS = [
    ("procurement_periods", "请问这次续约的采购周期是3年吗？"),
    ("prepayments", "医保基金预付比例仍按年度约定采购金额的40%执行吗"),
    ("self_pay_adjustments", "职工医保先行自付比例还是5%吗?"),
    ("price_caps", "非中選產品掛網價格還是不得高於中選價的1.5倍嗎？"),
    ("references", "问：《关于执行集采结果的通知》（陇医保发〔2024〕5号）还有效吗？"),
    ("effective_date", "中选结果是从2025年3月1日起执行吗？"),
]


@pytest.mark.parametrize(("field", "source"), QUESTIONS)
def test_a_question_states_no_fact(field, source):
    text = normalize(source).text
    assert not getattr(extract_notice(text, _as_notice(text)), field)


# Each kind's own gate, the pattern every sentence stating its fact matches.
GATES = [
    (effective, effective._MENTIONS),
    (periods, periods._CYCLE),
    (prepayments, prepayments.PREPAYMENT_WORDS),
    (price_caps, price_caps._MENTIONS),
    (references, references._MENTIONS),
    (self_pay, self_pay.TRIGGER),
]


@pytest.mark.parametrize(("kind", "gate"), GATES, ids=[kind.__name__ for kind, _ in GATES])
@settings(max_examples=300)
@given(data=st.data())
def test_every_gate_match_holds_a_mention_char(kind, gate, data):
    """A word added to a kind's gate but not to its MENTION_CHARS would go unread, silently."""
    matched = data.draw(st.from_regex(gate, fullmatch=True))
    assert any(char in matched for char in kind.MENTION_CHARS), matched
