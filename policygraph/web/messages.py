"""What the web page tells a person whose question it cannot answer, in Chinese: which
field to change and how. The API keeps FastAPI's own answers, which programs parse."""

from __future__ import annotations

from graph.query import MAX_TERMS, MAX_TERMS_CHARS, QueryTooLarge

PARAMETER_LABELS = {
    "q": "搜索内容",
    "name": "文件名称",
    "type": "事实类型",
    "issuer": "发文机关",
    "since": "起始日期",
    "until": "截止日期",
    "sort": "排序列",
    "order": "排序方向",
    "page": "页码",
    "depth": "层级",
}
# pydantic's error types, each as what to change.
REASONS = {
    "date_from_datetime_parsing": "“{input}”不是日期，应写作 2021-01-01",
    "date_parsing": "“{input}”不是日期，应写作 2021-01-01",
    "date_from_datetime_inexact": "“{input}”不是日期，应写作 2021-01-01",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "string_pattern_mismatch": "不能含有空字符",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "missing": "必须填写",
    "string_too_short": "不能为空",
}
TOO_LARGE = {
    "different terms": f"一次搜索最多 {MAX_TERMS} 个不同的词，这次有 {{found}} 个，请减少搜索词",
    "characters of terms": f"搜索词合计最多 {MAX_TERMS_CHARS} 个字，这次有 {{found}} 个，请缩短搜索内容",
}
NOT_FOUND = "没有与“{name}”相符的通知或被引用文件。可以用发文字号（繁简、括号写法均可）、编号或标题中的词查找。"
NO_SUCH_PAGE = "没有这个页面。"
UNREADABLE = "数据库暂时无法读取：若正在运行 policygraph run，请稍后再试；否则请重新运行 policygraph run"
HEADINGS = {404: "未找到", 405: "不支持这种请求", 422: "无法回答这个问题", 300: "有多份文件相符", 503: "暂时无法回答"}


def told(problem: dict) -> str:
    """A validation error as a person reads it: the field, then what to change."""
    field = str(problem["loc"][-1])
    error = problem.get("ctx", {}).get("error")
    if isinstance(error, QueryTooLarge):
        reason = TOO_LARGE[error.bound].format(found=error.found)
    elif problem["type"] in REASONS:
        context = {key: str(value).replace(" or ", ", ") for key, value in problem.get("ctx", {}).items()}
        reason = REASONS[problem["type"]].format(input=problem.get("input"), **context)
    else:
        reason = str(error or problem["msg"])
    return f"{PARAMETER_LABELS.get(field, field)}：{reason}"
