"""The kinds of line a notice page is built from, recognised on normalised text.

Normalisation, splitting and structure all ask "what is this line?"; the answer lives
here once, as a table of roles. A role is a pattern the whole line must match, with
lines it must and must not recognise: the tests check every example against the table,
as reporters-db checks its regexes against its examples.

Besides the GB/T 9704 elements (发文字号, 标题, 主送, 署名, 成文日期, 附注, 抄送 …) the table
knows what a web page puts around a notice: page furniture (breadcrumbs, page-info lines,
licence lines, site banners, spam, share buttons), disclosure metadata (索引号, 文号,
成文日期 …) and labelled fields (`所属项目:…`). Structure steps over them; they never
stop the reading of a header or a closing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ingest.docnumber import CLOSE_BRACKETS, OPEN_BRACKETS

CJK = r"\u3400-\u9fff\uf900-\ufaff"
ORG_SUFFIXES = "局|厅|委员会|委|中心|办公室|办公厅|政府|部|院|会|所|处|室"
TITLE_ENDINGS = "通知|意见|方案|办法|规定|决定|批复|公告|通告|公示|函|细则|规则|通报|报告|指引"
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
# A 发文字号 as a line prints it, its year in any brackets: 鲁医保函〔2024〕28号, 苏医保发（2023）第15号.
DOC_NUMBER = rf"[{CJK}A-Za-z]{{1,12}}[{re.escape(OPEN_BRACKETS)}][0-9]{{4}}[{re.escape(CLOSE_BRACKETS)}]第?[0-9]+号"
# A number printed after the title on its line: 关于…的通知（粤医保函〔2023〕7号）.
TITLE_NUMBER = rf"\s*[（(【\[]?{DOC_NUMBER}[)）】\]]?"
# A site's tag in front of a title: 【浙江】, [江西].
SITE_TAG = r"(?:【[^】]{1,8}】|\[[^\]]{1,8}\])"
# How a title opens, after a site's tag or an issuer's name: 关于…, 转发….
TITLE_OPENING_FORM = rf"{SITE_TAG}?[^，。；,;：:《》]{{0,40}}?(?:关于|关於|转发)"
# A title: what it is about, its ending (通知, 方案 …), then what a page may add: up to two short
# bracketed notes (（第二批）（征求意见稿）) and its number; a page may put the number in front.
# Only a line opening as titles do may hold a comma (…中选结果，加强…监管的通知).
TITLE = (
    rf"(?:{DOC_NUMBER}\s*)?(?:{TITLE_OPENING_FORM}[^。；;：:]*?|[^，。；,;：:]*?)(?:{TITLE_ENDINGS})"
    rf"(?:[（(][^（）()〔〕\[\]]{{1,12}}[)）]){{0,2}}(?:{TITLE_NUMBER})?"
)
# 附注 on how a notice is published: (此件主动公开), （此页无正文）.
DISCLOSURE_NOTE = r"[（(](?:此件|此页|本件)[^（）()]*[)）]"
# A seal note: the body whose seal stands in for the signer's (湖北省医疗保障局代章).
SEAL_NOTE = rf"[（(][{CJK}]{{2,40}}代章[)）]"
# A date a site printed with its clock time: 2022/07/04 09:30, 2021.10.18, 2022-08-31 16:21:10.
PAGE_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"

# Issuing bodies in a row: a header mark, or a signature printed on its date's line. One
# bounded run ending in a suffix (not a repeated group, which backtracks exponentially on
# a line of repeated names).
ISSUERS_MAX_CHARS = 80
SIGNATORIES = rf"[{CJK}（）()、\s]{{1,{ISSUERS_MAX_CHARS}}}?(?:{ORG_SUFFIXES})\s*"
SIGNATORIES_BEFORE_DATE = re.compile(rf"(?P<signatories>{SIGNATORIES})(?={DATE_LINE})")
# Who a notice is sent to ends with a kind of body: 各市医疗保障局, 各有关单位, 配送企业.
RECIPIENTS = (
    "局|厅|委|委员会|办|办公室|中心|单位|机构|企业|部门|医院|公司|组织|个人|站|所|处|科|会|院|部|政府"
    "|街道|乡镇|人员|同志|药店|集团|联盟|平台"
)

# Furniture that only comes after a notice: a forum's posts, a list of related pages, a
# site's footer, a repost's action bar.
FORUM_POST_OPENING = r"游客$|\d{1,4}\s*楼|楼主"
FORUM_POST_MARK = r"发表于\s*\d"
RELATED_PAGES = r"相关链接|相关文章|相关阅读|相关新闻|相关文件|相关动态|上一篇|下一篇|上一条|下一条|热点推荐|推荐阅读"
SITE_FOOTER = (
    r"版权所有|网站标识码|ICP\s*备|公网安备|网站地图|免责声明|主办单位\s*[:：]|承办单位\s*[:：]|技术支持\s*[:：]"
    r"|增值电信业务经营许可证|互联网药品信息服务资格|网络备案|Copyright|©|All Rights Reserved"
)
ACTION_BAR_OPENING = r"阅读原文$"
ACTION_BAR_MARK = r"点赞\s*在看"

# Page furniture: what a site prints around a notice. A line holding one of these marks
# and no full stop is furniture. Each mark starts with a literal or a character class, so
# that a search skips to where one may begin instead of trying all at every position.
# A breadcrumb marks where a site's content area begins: 当前位置：首页 > 政务公开 > 通知公告.
BREADCRUMB_MARKS = (
    r"(?:当前位置|您现在的位置|您的位置|所在位置|现在位置)(?:是)?\s*[:：]|首页\s*[>＞»›]",
    r"[>＞»›]\s*[^>＞»›\s]{1,12}\s*[>＞»›]",  # 标讯信息> 集中标讯动态> 动态详情
)
FURNITURE_MARKS = (
    *BREADCRUMB_MARKS,
    rf"(?<![{CJK}])(?:发布时间|发布日期|更新时间|信息来源|来源|作者|浏览次数|访问次数|点击数|阅读数|浏览量|阅读量)\s*[:：]",
    r"字[号体]\s*[:：]?\s*[【\[]?\s*大\s*中\s*小",
    r"打印本页|打印此页|关闭窗口|关闭本页|【\s*打印\s*】|【\s*关闭\s*】|返回顶部|返回首页|加入收藏|收藏本页|设为首页",
    r"分享到|扫一扫",
    SITE_FOOTER,
    r"联系我们|关于我们|友情链接|网站导航",
    r"更多\s*(?:>>|》|>|详情)|了解更多|点击查看|阅读全文",
    r"客服|为您精准推荐|扫码关注|关注公众号|微信公众号|QQ群",
    FORUM_POST_MARK,
    ACTION_BAR_MARK,
    r"/>",  # the end of an HTML tag a repost left in
    r"_[^_\n]{1,30}_[^_\n]{1,30}_",  # a keyword-stuffed page title: 甲_乙_丙_丁
)
# Spam is a short line of its own; spam that replaced a word inside a sentence leaves the
# sentence the notice's (根据《皇冠博彩关于…的通知》…).
SPAM_WORDS = "博彩|赌场|娱乐城|百家乐|六合彩|无码|一区二区|精品一区|在线观看|免费观看|人妻"
MAX_SPAM_LINE_CHARS = 40
# Furniture that a line opens with.
FURNITURE_OPENINGS = (
    r"(?:网站)?首页$",
    RELATED_PAGES,
    r"最新\S{0,4}信息",
    r"(?:您好|你好)\s*[:：,，!！]|欢迎(?:来到|访问|光临|您)",
    r"(?:正文|内容|详情|摘要|附件下载|打印|关闭)\s*[:：]?$",
    FORUM_POST_OPENING,
    ACTION_BAR_OPENING,
    r"(?:文章|信息)来源",
    r"<[A-Za-z/!]",  # an HTML tag
    rf"(?=.{{0,{MAX_SPAM_LINE_CHARS}}}$).*?(?:{SPAM_WORDS})",
)
FURNITURE_MAX_CHARS = 160
# The first furniture below a notice's body that only comes after a notice ends the notice.
NOTICE_END_MARKS = (
    rf"^(?:{FORUM_POST_OPENING}|{RELATED_PAGES}|{ACTION_BAR_OPENING})",
    FORUM_POST_MARK,
    SITE_FOOTER,
    ACTION_BAR_MARK,
)

# Disclosure metadata, as government portals print it above a notice (索引号, 文号, 成文日期 …),
# and the page-info fields of reposting sites (来源, 发布时间 …): the key a field is printed
# under → the record field it may supply (None: none). A line opening with a disclosure key is
# metadata; page-info lines are furniture, but both are read for their fields.
DISCLOSURE_KEYS: dict[str, str | None] = {
    **dict.fromkeys(("文号", "发文字号", "发文文号", "文件编号"), "doc_number"),
    **dict.fromkeys(("成文日期", "成文时间", "印发日期", "发文日期"), "issue_date"),
    **dict.fromkeys(("施行日期", "实施日期", "生效日期"), "effective_date"),
    **dict.fromkeys(("发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "发文机构"), "issuer"),
    **dict.fromkeys(("标题", "文件名称"), "title"),
    **dict.fromkeys(
        ("索引号", "信息索引号", "公文种类", "主题分类", "体裁分类", "组配分类", "服务对象", "有效性", "效力状态",
         "废止日期", "主题词", "信息分类", "文种"),
        None,
    ),
}  # fmt: skip
PAGE_INFO_KEYS: dict[str, str | None] = {
    **dict.fromkeys(("信息来源", "来源", "来源单位"), "issuer"),
    **dict.fromkeys(("发布日期", "发布时间", "公开日期", "更新时间"), "published"),
    **dict.fromkeys(("浏览次数", "访问次数", "点击数", "阅读数", "浏览量", "阅读量", "作者"), None),
}
METADATA_KEYS = {**DISCLOSURE_KEYS, **PAGE_INFO_KEYS}
# A table of metadata may print a key without a colon, its value in the next cell, and the
# cells run together once the table is text (发文字号百医保发〔2024〕29号成文日期2024年11月18日):
# a key of three characters or more is told from words anywhere, a shorter one (文号, 标题)
# only where it opens the line.
BARE_KEYS = {key: field for key, field in METADATA_KEYS.items() if len(key) >= 3}


def keys_pattern(keys: dict[str, str | None]) -> str:
    """Keys as alternatives, longest first, so 信息索引号 is not read as 信息 + 索引号."""
    return "|".join(sorted(keys, key=len, reverse=True))


@dataclass(frozen=True)
class LineRole:
    """One kind of line: the pattern the whole line matches, with lines it must and must
    not recognise (the examples are tested against the whole table, in order)."""

    kind: str
    pattern: str
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...] = ()
    holds_full_stop: bool = False  # whether a line of this kind may hold a 。


def _alternatives(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _furniture() -> str:
    """A line without a full stop, at most FURNITURE_MAX_CHARS long, that opens with furniture
    or holds a furniture mark."""
    opening, mark = _alternatives(FURNITURE_OPENINGS), _alternatives(FURNITURE_MARKS)
    return rf"(?=[^。]{{0,{FURNITURE_MAX_CHARS}}}$)(?:(?:{opening}).*|.*?(?:{mark}).*)"


LINE_ROLES: tuple[LineRole, ...] = (
    LineRole(
        "metadata",
        rf"(?:{keys_pattern(DISCLOSURE_KEYS)})[:：]?.+",
        (
            "索引号:MB1763894/2020-00008公文种类:通知发布机构:某某局",
            "成文日期:2020-11-23发布日期:2020-11-23",
            "文号:川医保规〔2020〕8号",
            "有效性:有效",
            "发文机关：山东省医疗保障局",
            "发文字号百医保发〔2024〕29号",
            "文号昆医保发〔2024〕33号发布日期2024-09-05",
            "标题：关于执行集采结果的通知",
        ),
        ("各有关单位：", "附件：中选结果表"),
        holds_full_stop=True,
    ),
    LineRole(
        "furniture",
        _furniture(),
        (
            "首页>政务公开>通知公告",
            "当前位置: 标讯信息> 集中标讯动态> 动态详情",
            "您现在的位置是:首页>招投标信息",
            "发布时间:2024-04-28 17:13浏览次数:",
            "来源:吕梁市医疗保障局更新时间:2023-09-01",
            "2022-08-31 16:21:10来源:药方舟浏览量:440",
            "【字体：大 中 小】 打印本页 分享到：",
            "京ICP备12039121号-14",
            "版权所有 © 2003-2028 盗冒必究",
            "增值电信业务经营许可证:浙B2-20220931",
            "添加客服微信",
            "为您精准推荐",
            "您好:北京某某科技股份有限公司",
            "欢迎来到某某医疗器械招标网",
            "正文:",
            "网站地图 | 联系我们",
            '<center id="u20cw"></center>',
            "最新招标信息",
            "更多>>",
            "久久_国产_在线观看_免费",
        ),
        (
            "关于做好国家组织药品集中采购中选结果落地工作的通知",
            "各有关单位：",
            "请登录平台，在“采购项目”栏目下按照《操作说明》进行操作。",
            "医保基金按规定比例支付，来源：医保基金。",
        ),
    ),
    LineRole(
        "note",
        rf"{DISCLOSURE_NOTE}|[（(][^（）()]*(?:联系人|联系电话|电话)[:：].*[)）]|(?:公开方式|公开属性)[:：].{{0,12}}",
        ("(此件主动公开)", "（此页无正文）", "(市医保局联系人:张三,联系电话:1234567。)", "公开方式:主动公开"),
        ("(一)采购主体。",),
        holds_full_stop=True,
    ),
    LineRole(
        "seal_note",
        SEAL_NOTE,
        ("(湖北省医疗保障局代章)", "（省医疗保障局代章）"),
    ),
    LineRole(
        "doc_number",
        rf"(?:正文[:：])?(?:{PAGE_DATE}\s*)?{DOC_NUMBER}(?:\s*签发人[:：]\s*[{CJK}·]{{1,8}})?",
        (
            "鲁医保函〔2024〕28号",
            "鲁医保报〔2024〕3号  签发人：张三",
            "吕医保发(2022)5号",
            "2021/10/18潍医保发〔2021〕42号",
            "苏医保发（2023）第15号",
            "浙医保联发〖2023〗9号",
        ),
        ("按汕医保〔2022〕101号文要求，拨付到位。", "内药采中心字〔〕号"),
    ),
    LineRole(
        "print_date",
        rf"(?:{SIGNATORIES})?{DATE_LINE}印发",
        ("2024年5月22日印发", "山东省医疗保障局办公室2024年5月22日印发"),
    ),
    LineRole(
        "date",
        rf"(?:{SIGNATORIES})?{DATE_LINE}|[（(]{DATE_LINE}[)）]",
        ("2023年12月5日", "二〇二三年六月十二日", "安徽省医疗保障局2023年8月1日", "（2023年12月5日）"),
        ("2024年4月20日至2025年4月19日", "2025年1月1日起执行。"),
    ),
    LineRole(
        "masked_date",
        r"(?:[0-9〇○零一二三四五六七八九]{4})?年[0-9一二三四五六七八九十]{0,3}月[0-9一二三四五六七八九十]{0,3}日",
        ("年3月日", "2023年月日", "年月日"),
    ),
    LineRole(
        "page_date",
        PAGE_DATE,
        ("2023.12.05", "2022-08-31 16:21:10", "2022/07/04 09:30"),
    ),
    LineRole(
        "issuer",
        rf"[{CJK}（）()、\s]{{1,{ISSUERS_MAX_CHARS}}}(?:{ORG_SUFFIXES})\s*(?:文件|{SEAL_NOTE})?|文件",
        (
            "山东省医疗保障局",
            "辽宁省医疗保障局文件",
            "长治市医疗保障局长治市卫生健康委员会",
            "文件",
            "河北省药械集中采购工作领导小组办公室（河北省医疗保障局代章）",
        ),
        ("皇冠博彩集团", "中选产品生产、配送企业"),
    ),
    LineRole(
        "addressee",
        rf"(?=[^。；;！？!?]{{0,240}}[：:]$)(?!{ENUMERATION})[^。；;！？!?]{{0,200}}(?:{RECIPIENTS})(?:[（(][^（）()]{{1,20}}[)）])?\s*[：:]",
        (
            "各市医疗保障局，省属医疗机构、驻辽军队医疗机构，各有关中选产品生产、配送企业：",
            "各有关单位：",
            "市医保中心,各县(区、管委会)医保分局、卫健局(社会事务局)、市场监管局,各有关公立医疗机构、疾病预防控制机构,配送企业:",
            "各市(州)医保局、省属医疗机构:",
        ),
        ("现将有关事项通知如下：", "一、相关单位:", "问:", "正文:"),
    ),
    LineRole(
        "draft_marker",
        rf"[（(](?:{DRAFT_MARKERS})[)）]",
        ("（征求意见稿）", "(草案)"),
    ),
    LineRole(
        "title",
        TITLE,
        (
            "关于执行集采结果的通知",
            "【浙江】关于挂网信息调整的通知(二)",
            "关于印发实施方案的通知（征求意见稿）",
            "上海关于本市执行集中带量采购结果的通知(2022.07.04)",
            "关于执行集采结果的通知（粤医保函〔2023〕7号）",
            "关于转发《江西省医疗保障局关于执行集采结果的通知》的通知【赣市医保字〔2024〕18号】",
            "青医保发〔2024〕21号　关于执行省际联盟药品集中带量采购接续中选结果的通知",
            "关于调整医用耗材医保支付政策的通知（第二批）（征求意见稿）",
            "[江西]江西省医疗保障局关于做好集中带量采购工作的通知",
            "关于执行全国中药饮片采购联盟中选结果，加强中选产品使用监管的通知",
            "广西牵头中成药省际联盟集中带量采购拟中选结果公示",
        ),
        ("附件：《关于执行集采结果的通知》(粤医保函〔2023〕7号)",),
    ),
    LineRole("attachment_mark", r"附件\s*\d*", ("附件", "附件2")),
    LineRole("attachment", r"附件\s*\d*[：:].*", ("附件：中选结果表", "附件1:中选结果表.pdf"), holds_full_stop=True),
    LineRole("copy_to", r"抄送[：:].*", ("抄送：省卫生健康委。",), holds_full_stop=True),
    LineRole(
        "heading",
        rf"{ENUMERATION}[^。]{{0,{HEADING_MAX_CHARS}}}",
        ("一、执行时间", "（一）采购主体", "1."),
    ),
    LineRole(
        "field",
        rf"[{CJK}]{{1,8}}[:：][^。，,；;]{{1,40}}",
        ("所属项目:2024年全国中药饮片联盟采购项", "发布:医械商城 2022-12-26 10:00:05", "问:通过哪些政策减轻了负担?"),
        ("执行时间：2024年5月31日起，全市公立医疗机构按规定执行。",),
    ),
)
# Lines that belong to the page, not to the notice: structure steps over them.
FURNITURE_KINDS = frozenset({"furniture", "metadata", "page_date", "field"})
# Lines read for disclosure metadata: what a site prints about the notice.
METADATA_KINDS = frozenset({"furniture", "metadata"})

TITLE_OPENING = re.compile(TITLE_OPENING_FORM)
OPENS_PARAGRAPH = re.compile(rf"{ENUMERATION}|附件\s*\d*(?:[：:]|$)|抄送|主送|印发|[（(]此件|联系人|主题词")
BREADCRUMB = re.compile(_alternatives(BREADCRUMB_MARKS))
NOTICE_END = re.compile(_alternatives(NOTICE_END_MARKS))


class _Classifiers(NamedTuple):
    """The patterns line_kind tries, compiled together on first use: their hanzi classes cost
    tens of milliseconds to compile, which a command that classifies no line never pays.

    The kinds are one pattern, a named alternative each: a full match tries them in table
    order, so the first alternative that matches is the first kind, found in one call.
    Furniture is looked for apart: its marks stand anywhere in a line, and a search for them
    in the few lines without a full stop costs a fraction of trying them at every position.
    A line holding a full stop can only be of the few kinds that hold one: most lines are
    sentences, and each is tried against those alone."""

    any_kind: re.Pattern[str]
    full_stop_kind: re.Pattern[str]
    metadata: re.Pattern[str]
    furniture_opening: re.Pattern[str]
    furniture_mark: re.Pattern[str]


@lru_cache(maxsize=1)
def _classifiers() -> _Classifiers:
    def kinds(roles: Iterable[LineRole]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?P<{role.kind}>{role.pattern})" for role in roles))

    return _Classifiers(
        kinds(role for role in LINE_ROLES if role.kind != "furniture"),
        kinds(role for role in LINE_ROLES if role.holds_full_stop),
        kinds(role for role in LINE_ROLES if role.kind == "metadata"),
        re.compile(_alternatives(FURNITURE_OPENINGS)),
        re.compile(_alternatives(FURNITURE_MARKS)),
    )


@lru_cache(maxsize=1 << 14)
def line_kind(line: str) -> str | None:
    """The first kind in LINE_ROLES that the whole line is, else None.

    Cached: normalisation and splitting ask about the same paragraphs, and notices
    repeat their dates, signatures and addressees.
    """
    line = line.strip()
    patterns = _classifiers()
    if "。" in line:
        match = patterns.full_stop_kind.fullmatch(line)
    elif _is_furniture(line, patterns) and not patterns.metadata.fullmatch(line):  # the one role before furniture
        return "furniture"
    else:
        match = patterns.any_kind.fullmatch(line)
    return match.lastgroup if match else None


def _is_furniture(line: str, patterns: _Classifiers) -> bool:
    if len(line) > FURNITURE_MAX_CHARS:
        return False
    return patterns.furniture_opening.match(line) is not None or patterns.furniture_mark.search(line) is not None
