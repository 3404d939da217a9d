"""Web pages and Word files give the same record as the notice's plain text: the site around a
page, reader comments and tracked deletions are left out; bad files fail with a clear reason."""

from __future__ import annotations

import copy
import html
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ingest.decode import DecodeError, decode_bytes
from ingest.docx import docx_to_text
from ingest.html import html_to_text
from ingest.signatures import page_charset
from policygraph.pipeline import run
from tests.conftest import CORPUS, file_records

LIAONING = "001_5bd8d455ddfe790f"
SHANXI = "003_0cd56fd91030d65d"
TITLES = {
    LIAONING: "关于执行国家组织冠脉支架集中带量采购期满接续中选结果的通知",
    SHANXI: "关于常态化制度化推进做好药品和医用耗材集中带量采购及使用工作的通知",
}
# A line of 001 that the Word file writes with a tracked change: 两年 deleted, 三年 inserted.
TRACKED_LINE = "采购周期为三年。采购周期内，每年签订采购协议。"
TRACKED_CHANGE = ("采购周期为", "两年", "三年", "。采购周期内，每年签订采购协议。")

# Chrome that must not reach the text, each from a different part of the page.
CHROME_PHRASES = (
    "首页",
    "发布时间",
    "浏览次数",
    "字号",
    "打印本页",
    "关闭窗口",
    "相关链接",
    "分享到",
    "网友",
    "版权所有",
    "网站标识码",
    "ICP备",
)

SITE_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<title>{title}_通知公告_医疗保障局</title>
<script>var _hmt = _hmt || [];</script>
</head>
<body>
<div class="header"><div class="logo">医疗保障局</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/tzgg/">通知公告</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/tzgg/">通知公告</a></div>
<div class="main">
<div class="article">
<div class="info">发布时间：2022-12-27 来源：本站 浏览次数：1234 【字号：<a>大</a> <a>中</a> <a>小</a>】</div>
<!-- 正文开始 -->
<div class="content" id="zoom">
{paragraphs}
</div>
<!-- 正文结束 -->
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
</div>
<div class="sidebar"><h3>相关链接</h3><ul>
<li><a href="http://www.nhsa.gov.cn/">国家医疗保障局</a></li>
<li><a href="/tzgg/1.html">关于做好2023年医用耗材集中带量采购工作的通知</a></li>
<li><a href="/tzgg/2.html">关于公布第四批国家组织药品集中采购结果的通知</a></li></ul></div>
<div class="comments"><h3>网友评论（2）</h3>
<div class="comment"><span class="user">网友1234</span><p>这个政策很好，支持集采！采购周期为五年就更好了。</p></div>
<div class="comment"><span class="user">网友5678</span><p>什么时候执行？我们医院还没收到通知。</p></div>
</div>
</div>
<div class="footer"><p>版权所有：医疗保障局 地址：省会市和平区</p><p>网站标识码：2100000001 ICP备12345678号</p></div>
</body>
</html>
"""

SHORT_NOTICE_IN_DIVS = """<html><head><meta charset="utf-8"><title>医疗保障局</title></head><body>
<div id="top"><a>首页</a> <a>机构概况</a> <a>政务公开</a> <a>互动交流</a></div>
<div class="position">您现在的位置：<a>首页</a> &gt; <a>通知公告</a></div>
<div class="zw">
<div style="text-align:center;color:red">辽宁省医疗保障局文件</div>
<div style="text-align:center">辽医保〔2022〕80号</div>
<div style="text-align:center"><strong>关于执行冠脉支架集采结果的通知</strong></div>
<div>各市医疗保障局：</div>
<div style="text-indent:2em">采购周期为三年，自2023年1月10日起执行。</div>
<div style="text-align:right">辽宁省医疗保障局</div>
<div style="text-align:right">2022年12月26日</div>
</div>
<div class="xg"><div>相关链接</div><ul><li><a>关于公布骨科脊柱类耗材集采结果的通知</a></li></ul></div>
<div class="foot">主办单位：辽宁省医疗保障局 网站标识码：2100000024 辽ICP备19000000号-1</div>
</body></html>"""
SHORT_NOTICE_LINES = [
    "辽宁省医疗保障局文件",
    "辽医保〔2022〕80号",
    "关于执行冠脉支架集采结果的通知",
    "各市医疗保障局：",
    "采购周期为三年，自2023年1月10日起执行。",
    "辽宁省医疗保障局",
    "2022年12月26日",
]

MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
ZIP_BOMB_BYTES = 200 * 1024 * 1024
DENSE_ZIP_BYTES = 5 * 1024 * 1024
ZERO_CHUNK = bytes(8 * 1024 * 1024)


def notice_lines(stem: str) -> list[str]:
    return [line for line in (CORPUS / f"{stem}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def web_page(stem: str, charset: str) -> bytes:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in notice_lines(stem))
    page = SITE_PAGE.format(charset=charset, title=TITLES[stem], paragraphs=paragraphs)
    return page.encode("gbk" if charset == "gb2312" else charset)


def word_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_file(stem: str) -> bytes:
    """One paragraph a line; the tracked line written as a reviewer's deletion and insertion."""
    lines = notice_lines(stem)
    assert TRACKED_LINE in lines
    document = docx.Document()
    for line in lines:
        if line == TRACKED_LINE:
            add_tracked_paragraph(document, *TRACKED_CHANGE)
        else:
            document.add_paragraph(line)
    return word_bytes(document)


def word_file_in_layout_table(stem: str) -> bytes:
    """The whole notice in one table cell, as some offices lay out a page."""
    lines = notice_lines(stem)
    cell = docx.Document().add_table(rows=1, cols=1).cell(0, 0)
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
    return word_bytes(cell.part.document)


def add_tracked_paragraph(
    document: docx.document.Document, before: str, deleted: str, inserted: str, after: str
) -> None:
    paragraph = document.add_paragraph(before)
    bookmark = OxmlElement("w:bookmarkStart", {qn("w:id"): "0", qn("w:name"): "_Toc1"})
    paragraph._p.append(bookmark)
    paragraph._p.append(revision("w:del", "w:delText", deleted))
    paragraph._p.append(revision("w:ins", "w:t", inserted))
    paragraph._p.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): "0"}))
    paragraph.add_run(after)


def revision(kind: str, text_tag: str, text: str) -> etree._Element:
    change = OxmlElement(kind, {qn("w:id"): "1", qn("w:author"): "审核人", qn("w:date"): "2022-12-20T00:00:00Z"})
    run_element = OxmlElement("w:r")
    text_element = OxmlElement(text_tag)
    text_element.text = text
    run_element.append(text_element)
    change.append(run_element)
    return change


def zip_file(members: dict[str, bytes | int], level: int = 6) -> bytes:
    """A zip archive; a member given as an int is that many zero bytes, written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for start in range(0, content, len(ZERO_CHUNK)):
                    member.write(ZERO_CHUNK[: content - start])
    return buffer.getvalue()


def comparable(record: dict) -> dict:
    """A record less what depends on the file: its source, id, text and offsets into the source."""
    kept = {key: value for key, value in copy.deepcopy(record).items() if key not in ("source", "id", "text")}
    for facts in kept.values():
        for fact in facts if isinstance(facts, list) else []:
            if isinstance(fact, dict) and "evidence" in fact:
                fact["evidence"] = {key: fact["evidence"][key] for key in ("quote", "start", "end")}
    for name, read in kept["field_evidence"].items():
        kept["field_evidence"][name] = {key: read[key] for key in ("element", "quote", "start", "end")}
    return kept


LAID_OUT = {
    "liaoning.html": lambda: web_page(LIAONING, "utf-8"),
    "shanxi.htm": lambda: web_page(SHANXI, "gb2312"),
    "liaoning.docx": lambda: word_file(LIAONING),
    "shanxi.docx": lambda: word_file_in_layout_table(SHANXI),
}


@pytest.fixture(scope="module")
def laid_out_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for stem in (LIAONING, SHANXI):
        (folder / f"{stem}.txt").write_bytes((CORPUS / f"{stem}.txt").read_bytes())
    for name, make in LAID_OUT.items():
        (folder / name).write_bytes(make())
    return folder


@pytest.fixture(scope="module")
def records_by_file(laid_out_files: Path) -> dict[str, list[dict]]:
    """Each file's records as its file alone gives them: in one run they are copies of one notice."""
    return {path.name: file_records(path) for path in sorted(laid_out_files.iterdir())}


def test_one_run_over_every_layout_gives_one_record_per_notice_with_the_others_as_copies(
    laid_out_files: Path, tmp_path: Path
) -> None:
    run([str(laid_out_files)], tmp_path)
    records = [json.loads(line) for line in (tmp_path / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    copies = {record["title"]: sorted(Path(copy["file"]).name for copy in record["copies"]) for record in records}
    files = {record["title"]: Path(record["source"]["file"]).name for record in records}
    assert sorted(copies) == sorted(TITLES.values())
    assert sorted([files[TITLES[LIAONING]], *copies[TITLES[LIAONING]]]) == sorted(
        [f"{LIAONING}.txt", "liaoning.docx", "liaoning.html"]
    )
    assert sorted([files[TITLES[SHANXI]], *copies[TITLES[SHANXI]]]) == sorted(
        [f"{SHANXI}.txt", "shanxi.docx", "shanxi.htm"]
    )


@pytest.mark.parametrize(
    ("converted", "stem"),
    [
        ("liaoning.html", LIAONING),
        ("shanxi.htm", SHANXI),
        ("liaoning.docx", LIAONING),
        ("shanxi.docx", SHANXI),
    ],
)
def test_a_page_or_word_file_gives_the_record_of_its_text(
    records_by_file: dict[str, list[dict]], converted: str, stem: str
) -> None:
    expected = records_by_file[f"{stem}.txt"]
    actual = records_by_file[converted]
    assert [record["doc_number"] for record in actual] == [record["doc_number"] for record in expected]
    for got, want in zip(actual, expected, strict=True):
        got, want = comparable(got), comparable(want)
        for field in want:
            assert got[field] == want[field], field


@pytest.mark.parametrize("converted", ["liaoning.html", "shanxi.htm", "liaoning.docx", "shanxi.docx"])
def test_no_site_chrome_or_deleted_text_reaches_the_record(
    records_by_file: dict[str, list[dict]], converted: str
) -> None:
    text = records_by_file[converted][0]["text"]
    stem = LIAONING if converted.startswith("liaoning") else SHANXI
    assert text == records_by_file[f"{stem}.txt"][0]["text"]
    assert not [phrase for phrase in (*CHROME_PHRASES, "两年", "五年") if phrase in text]


def test_a_short_notice_laid_out_in_divs_keeps_its_header_and_signature() -> None:
    """trafilatura would drop an article under 250 characters for the whole page's text."""
    assert html_to_text(SHORT_NOTICE_IN_DIVS).splitlines() == SHORT_NOTICE_LINES


def test_a_page_heading_outside_the_article_becomes_the_title_line() -> None:
    page = SHORT_NOTICE_IN_DIVS.replace(
        "<title>医疗保障局</title>", "<title>关于执行冠脉支架集采结果的通知_医疗保障局</title>"
    )
    page = page.replace('<div style="text-align:center"><strong>关于执行冠脉支架集采结果的通知</strong></div>', "")
    assert html_to_text(page).splitlines()[0] == "关于执行冠脉支架集采结果的通知"


@pytest.mark.parametrize("page_title", ["通知公告_医疗保障局", "医疗保障局", ""])
def test_a_page_title_that_is_a_column_or_site_name_is_not_taken_for_the_notice_title(page_title: str) -> None:
    page = SHORT_NOTICE_IN_DIVS.replace("<title>医疗保障局</title>", f"<title>{page_title}</title>")
    assert html_to_text(page).splitlines() == SHORT_NOTICE_LINES


def test_forum_replies_after_the_opening_post_are_dropped() -> None:
    posts = "".join(
        f'<div class="post"><div class="author">{author}</div><div class="t_f">{body}</div></div>'
        for author, body in [
            ("楼主", "".join(f"<p>{line}</p>" for line in SHORT_NOTICE_LINES)),
            ("2楼", "<p>收到，谢谢分享，请问附件在哪里下载？</p>"),
            ("3楼", "<p>顶一下，采购周期为五年吗？</p>"),
        ]
    )
    text = html_to_text(f'<html><body><div id="postlist">{posts}</div></body></html>')
    assert text.splitlines()[-len(SHORT_NOTICE_LINES) :] == SHORT_NOTICE_LINES
    assert "收到" not in text and "顶一下" not in text


def test_tables_in_a_page_keep_rows_and_lines() -> None:
    page = """<html><body><table><tr><td class="content">辽医保〔2022〕80号<br>各市医疗保障局：<br>
    采购周期为三年，自2023年1月10日起执行，中选价格如下：
    <table border="1"><tr><th>序号</th><th>产品名称</th><th>中选价格（元）</th></tr>
    <tr><td>1</td><td>药物洗脱支架</td><td>700</td></tr><tr><td>2</td><td></td><td>469</td></tr></table>
    辽宁省医疗保障局<br>2022年12月26日</td></tr></table></body></html>"""
    assert html_to_text(page).splitlines() == [
        "辽医保〔2022〕80号",
        "各市医疗保障局：",
        "采购周期为三年，自2023年1月10日起执行，中选价格如下：",
        "序号\t产品名称\t中选价格（元）",
        "1\t药物洗脱支架\t700",
        "2\t\t469",
        "辽宁省医疗保障局",
        "2022年12月26日",
    ]


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        ('<meta charset="gb2312">', "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=GBK" />', "gb18030"),
        ("<meta charset='utf-8'>", "utf-8"),
        ('<meta http-equiv="content-type" content="text/html;charset=big5">', "cp950"),
        ('<meta charset="no-such-charset">', None),
        ("<title>无声明</title>", None),
    ],
)
def test_page_charset_reads_the_declaration(head: str, codec: str | None) -> None:
    assert page_charset(f"<html><head>{head}</head><body></body></html>".encode("ascii", "xmlcharrefreplace")) == codec


def test_a_page_is_decoded_in_its_declared_charset_unless_the_bytes_say_utf8() -> None:
    page = web_page(LIAONING, "gb2312").decode("gbk")
    as_declared = decode_bytes(page.encode("gbk"), "page.html")
    misdeclared = decode_bytes(page.encode("utf-8"), "page.html")
    assert as_declared.encoding == misdeclared.encoding == "html"
    assert as_declared.text == misdeclared.text
    assert as_declared.text.startswith("辽宁省医疗保障局文件\n辽医保〔2022〕80号\n")


def test_a_declared_charset_settles_what_guessing_gets_wrong() -> None:
    """These four Big5 characters also read as GB18030 (呼蹈林薄), which guessing prefers."""
    page = '<html><head><meta charset="big5"></head><body><p>網絡輿情</p></body></html>'
    assert decode_bytes(page.encode("cp950"), "page.html").text == "網絡輿情"


def test_html_is_recognised_by_its_content_whatever_the_file_name() -> None:
    source = decode_bytes(web_page(LIAONING, "utf-8"), "saved.txt")
    assert source.encoding == "html"
    assert "浏览次数" not in source.text


def test_word_file_reads_tables_row_by_row_and_skips_tracked_deletions() -> None:
    document = docx.Document()
    document.add_paragraph("中选结果如下：")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows,
        [("序号", "产品名称", "中选价格（元）"), ("1", "药物洗脱支架", "700"), ("2", "", "469")],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    add_tracked_paragraph(document, *TRACKED_CHANGE)
    assert docx_to_text(word_bytes(document)).splitlines() == [
        "中选结果如下：",
        "序号\t产品名称\t中选价格（元）",
        "1\t药物洗脱支架\t700",
        "2\t\t469",
        TRACKED_LINE,
    ]


def test_word_text_box_is_read_once() -> None:
    """Word stores a text box twice, as a drawing and as a VML fallback for old readers."""
    document = docx.Document()
    run_element = document.add_paragraph()._p.add_r()
    alternate = etree.SubElement(run_element, f"{{{MARKUP_COMPATIBILITY}}}AlternateContent")
    for branch in ("Choice", "Fallback"):
        holder = etree.SubElement(etree.SubElement(alternate, f"{{{MARKUP_COMPATIBILITY}}}{branch}"), qn("w:pict"))
        box_paragraph = etree.SubElement(etree.SubElement(holder, qn("w:txbxContent")), qn("w:p"))
        etree.SubElement(etree.SubElement(box_paragraph, qn("w:r")), qn("w:t")).text = "辽宁省医疗保障局文件"
    document.add_paragraph("辽医保〔2022〕80号")
    assert docx_to_text(word_bytes(document)).splitlines() == ["辽宁省医疗保障局文件", "辽医保〔2022〕80号"]


NAV_ONLY_PAGE = SHORT_NOTICE_IN_DIVS.split('<div class="zw">')[0] + "</body></html>"
BAD_FILES = [
    (
        "bomb.docx",
        lambda: zip_file({"word/document.xml": ZIP_BOMB_BYTES}, level=1),
        "would unpack to 209,715,200 bytes",
    ),
    ("dense.docx", lambda: zip_file({"word/document.xml": DENSE_ZIP_BYTES}, level=9), "zip bomb?"),
    ("not_a_zip.docx", lambda: "一份通知".encode(), "not a Word .docx file: the content is not a zip archive"),
    ("no_document.docx", lambda: zip_file({"readme.txt": b"hello"}), "the zip archive has no word/document.xml"),
    ("no_package.docx", lambda: zip_file({"word/document.xml": b"<w:document/>"}), "corrupt .docx, cannot parse it"),
    (
        "old.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "old Word .doc format is not supported; save as .docx",
    ),
    ("empty.html", lambda: b"", "empty file"),
    ("navigation_only.html", lambda: NAV_ONLY_PAGE.encode(), "web page has no notice text"),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_FILES, ids=[name for name, _, _ in BAD_FILES])
def test_bad_files_fail_with_a_clear_reason(name: str, make, reason: str) -> None:
    with pytest.raises(DecodeError) as failure:
        decode_bytes(make(), name)
    message = str(failure.value)
    assert name not in message
    assert reason in message
    assert "\n" not in message
