"""The kinds of line a GB/T 9704 notice is built from, recognised on normalised text.

Normalisation, splitting and structure all ask "what is this line?"; the answer lives
here once, as a table of patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache

CJK = r"\u3400-\u9fff\uf900-\ufaff"
ORG_SUFFIXES = "局|厅|委员会|委|中心|办公室|办公厅|政府|部|院|会|所|处|室"
TITLE_ENDINGS = "通知|意见|方案|办法|规定|决定|批复|公告|通告|函|细则|规则|通报|报告|指引"
DRAFT_MARKERS = "征求意见稿|征求意见|草案|送审稿|讨论稿"
ENUMERATION = (
    r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)"
    r"|[①-⑳]|第[一二三四五六七八九十百\d]+[条章节部分])"
)
# Page numbers as notices print them; a line that is one is debris wherever it stands.
PAGE_NUMBER_FORMS = (
    r"[-—–－―]{1,2}\s*\d{1,4}\s*[-—–－―]{1,2}",  # — 3 —, -3-
    r"第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?",  # 第3页, 第 3 页 共 10 页
    r"共\s*\d{1,4}\s*页\s*[,，/]?\s*第\s*\d{1,4}\s*页",  # 共10页 第3页
    r"\d{1,4}\s*/\s*\d{1,4}",  # 3/10
)
# Every page number holds one of these (a character-class body).
PAGE_NUMBER_MARKS = "\\-—–－―页/"
# A GB/T 9704 page is 28 characters wide: an enumerated line that long is a wrapped
# paragraph (一、2024年5月31日起，全市…执行集采中 / 选结果。), not a heading.
HEADING_MAX_CHARS = 22
DATE_LINE = r"[0-9一二三四五六七八九〇○零]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日"

# Issuing bodies in a row: a header mark, or a signature printed on its date's line.
SIGNATORIES = rf"(?:[{CJK}（）()、]{{2,40}}?(?:{ORG_SUFFIXES})\s*)+"
SIGNATORIES_BEFORE_DATE = re.compile(rf"(?P<signatories>{SIGNATORIES})(?={DATE_LINE})")

LINE_KINDS: dict[str, re.Pattern[str]] = {
    "doc_number": re.compile(r"[^\s，。]{1,12}[〔\[【(（［﹝][0-9]{4}[〕\]】)）］﹞]第?[0-9]+号"),
    "print_date": re.compile(rf"(?:{SIGNATORIES})?{DATE_LINE}印发"),
    "date": re.compile(rf"(?:{SIGNATORIES})?{DATE_LINE}"),
    "issuer": re.compile(rf"(?:[{CJK}（）()、]{{2,40}}(?:{ORG_SUFFIXES})\s*)+(?:文件)?|文件"),
    "draft_marker": re.compile(rf"[（(](?:{DRAFT_MARKERS})[)）]"),
    "title": re.compile(rf"[^，。；,;：:]*?(?:{TITLE_ENDINGS})(?:[（(](?:{DRAFT_MARKERS})[)）])?"),
    "attachment_mark": re.compile(r"附件\s*\d*"),
    "attachment": re.compile(r"附件\s*\d*[：:].*"),
    "note": re.compile(r"[（(](?:此件|此页|本件).*[)）]"),
    "copy_to": re.compile(r"抄送[：:].*"),
    "heading": re.compile(rf"{ENUMERATION}[^。]{{0,{HEADING_MAX_CHARS}}}"),
}
OPENS_PARAGRAPH = re.compile(rf"{ENUMERATION}|附件\s*\d*(?:[：:]|$)|抄送|主送|印发|[（(]此件|联系人|主题词")
ADDRESSEE = re.compile(r"[^。；]{2,200}[：:]")


# The kinds as one pattern, a named alternative each: a full match tries them in table
# order, so the first alternative that matches is the first kind, found in one call.
_LINE_KIND = re.compile("|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in LINE_KINDS.items()))


@lru_cache(maxsize=1 << 14)
def line_kind(line: str) -> str | None:
    """The first kind in LINE_KINDS that the whole line is, else None.

    Cached: normalisation and splitting ask about the same paragraphs, and notices
    repeat their dates, signatures and addressees.
    """
    match = _LINE_KIND.fullmatch(line.strip())
    return match.lastgroup if match else None
