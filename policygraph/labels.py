"""What people read in place of the code's identifiers: one table of Chinese labels that the
web page, the command line and the downloaded tables all read, and the values written as
officers write them (50%, 24个月, 1.5倍, 409.7元).

`--lang en` on the command line keeps the identifiers and the plain values of the JSON, for
readers of the code and for scripts that parsed the English tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

CHINESE = "zh"
ENGLISH = "en"
LANGUAGES = (CHINESE, ENGLISH)

FIELD_LABELS = {
    "node": "编号",
    "id": "编号",
    "doc_number": "发文字号",
    "title": "标题",
    "code": "采购编号",
    "issuers": "发文机关",
    "issue_date": "成文日期",
    "effective_date": "执行日期",
    "status": "状态",
    "script": "字形",
    "in_corpus": "已收录",
    "source": "来源文件",
    "copies": "转载副本",
    "conflicts": "冲突",
    "depth": "层级",
    "relation": "关系",
    "via": "经由",
    "months": "采购周期",
    "extension_months": "可延长",
    "start": "起始日期",
    "end": "截止日期",
    "scope": "适用范围",
    "ratio": "比例",
    "mode": "调整方式",
    "population": "适用人群",
    "basis": "参照价格",
    "multiplier": "倍数",
    "amount_yuan": "金额",
    "target": "适用于",
    "quote": "原文依据",
    "evidence": "原文依据",
    "level": "行政级别",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "path": "执行路径",
    "procurement_periods": "采购周期",
}
FACT_TYPE_LABELS = {
    "procurement_periods": "采购周期",
    "prepayments": "医保基金预付",
    "self_pay_adjustments": "先行自付比例",
    "price_caps": "支付标准/挂网价上限",
    "references": "引用文件",
}
# A field whose meaning depends on the fact it belongs to: a prepayment's basis is the amount
# its share is of, a price cap's the price it is set by.
FACT_FIELD_LABELS = {
    ("procurement_periods", "months"): "采购周期",
    ("prepayments", "ratio"): "预付比例",
    ("prepayments", "basis"): "预付基数",
    ("self_pay_adjustments", "ratio"): "先行自付比例",
    ("price_caps", "basis"): "参照价格",
    ("price_caps", "target"): "限价对象",
}
RELATION_LABELS = {"forwards": "转发", "implements": "执行", "cites": "引用"}
# The values of the records' closed vocabularies, as a notice would say them.
VALUE_LABELS = {
    "mode": {"set": "定为", "decrease": "下调", "increase": "上调", "adjust": "调整"},
    "basis": {
        "selected_price": "中选价格",
        "max_selected_price": "最高中选价格",
        "avg_selected_price": "平均中选价格",
        "reference_price": "参考价格",
        "fixed_amount": "固定金额",
        "other": "其他",
    },
    "target": {"listing_price": "挂网价格", "payment_standard": "医保支付标准", "purchase_price": "采购价格"},
    "status": {"final": "正式", "draft": "征求意见稿"},
    "script": {"simplified": "简体", "traditional": "繁体", "mixed": "简繁混排"},
    "relation": RELATION_LABELS,
    "in_corpus": {True: "是", False: "否（仅被引用）"},
    "level": {"national": "国家", "alliance": "省际联盟", "province": "省级", "city": "市级", "county": "县级"},
}


def _number(value: float) -> str:
    """1.5 → 1.5, 2.0 → 2, 409.70 → 409.7: as many decimals as the notice needs."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _percent(ratio: float) -> str:
    return _number(ratio * 100) + "%"


UNITS: dict[str, Callable[[float], str]] = {
    "ratio": _percent,
    "months": lambda months: f"{months}个月",
    "extension_months": lambda months: f"{months}个月",
    "depth": lambda steps: f"{steps}级",
    "multiplier": lambda times: _number(times) + "倍",
    "amount_yuan": lambda yuan: _number(yuan) + "元",
}
# The headings of downloaded tables, where numbers stay numbers a spreadsheet can sum: the
# unit moves from the cell to the heading.
UNIT_HEADINGS = {"months": "采购周期（月）", "extension_months": "可延长（月）", "amount_yuan": "金额（元）"}


def heading(field: str, language: str = CHINESE, fact_type: str | None = None) -> str:
    if language != CHINESE:
        return field
    return FACT_FIELD_LABELS.get((fact_type, field)) or FIELD_LABELS.get(field, field)


def fact_type_label(fact_type: str, language: str = CHINESE) -> str:
    return FACT_TYPE_LABELS.get(fact_type, fact_type) if language == CHINESE else fact_type


def period_text(period: dict) -> str:
    """24个月, 24个月 +12个月 with an extension, and the dates where the notice gives them."""
    words = [f"{period['months']}个月"] if period.get("months") else []
    if period.get("extension_months"):
        words.append(f"+{period['extension_months']}个月")
    if period.get("start") or period.get("end"):
        words.append(f"{period.get('start') or '?'}–{period.get('end') or '?'}")
    return " ".join(words)


# Values made of parts, and lists joined otherwise than with 、.
COMPOSITE: dict[str, Callable[[dict], str]] = {"procurement_periods": period_text}
SEPARATORS = {"path": " → "}


def shown(field: str, value: object, language: str = CHINESE) -> str:
    """A value as a person reads it in a cell or on a card; nothing known is an empty string."""
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATORS.get(field, "、").join(shown(field, item, language) for item in value)
    if isinstance(value, dict) and field in COMPOSITE:
        return COMPOSITE[field](value)
    if language != CHINESE:
        return str(value)
    if isinstance(value, date):
        value = value.isoformat()
    labels = VALUE_LABELS.get(field, {})
    if value in labels:
        return labels[value]
    if field in UNITS and isinstance(value, int | float) and not isinstance(value, bool):
        return UNITS[field](value)
    return str(value)
