"""Turn a saved web page into the text of the notice it shows, without the site around it.

trafilatura finds the article: it drops navigation, sidebars, footers and comment threads
and keeps short lines such as the document number and the signature. Three things are
added around it:
- trafilatura treats an article under 250 characters as not found and falls back to the
  whole page's text in one line (menus, breadcrumbs and related links included); a short
  notice is normal here, so that threshold is lowered to one character (MIN_ARTICLE_CHARS);
- its plain-text output flattens a table into one line per row, and many government sites
  lay out the whole notice in one table cell, so we ask for its XML and render that, one
  paragraph per line; it also moves a table nested in another to after the outer one, which
  would put a price table below the signature, so tables that hold tables (layout, not data)
  are turned into plain blocks first;
- the chrome sites print inside the article frame (publishing date, hit counter, font-size
  switch, print and close buttons, copyright) survives any extractor, so lines that are
  page furniture (the table in ingest/lines.py) are dropped, and forum replies are pruned
  before extraction.
"""

from __future__ import annotations

import re
from configparser import ConfigParser

import trafilatura
from lxml import etree
from trafilatura.settings import use_config
from trafilatura.utils import load_html

from ingest.lines import line_kind

# A line of the article that is page furniture (ingest/lines.py: breadcrumbs, publishing
# date and hit counter, font-size switch, print and close buttons, copyright) is dropped when
# it is short: a paragraph of the notice that happens to mention 打印 stays.
MAX_CHROME_LINE_CHARS = 80

# Reader comments and forum replies, removed before extraction: trafilatura drops comment
# sections it recognises, but reads a forum thread as one long article. Markers are matched
# inside id and class values (English and pinyin: pinglun 评论, huifu 回复, liuyan 留言).
COMMENT_MARKERS = ("comment", "pinglun", "reply", "replies", "huifu", "liuyan", "discuss")
# A forum thread is a run of sibling posts; the first is the notice, the rest are replies.
FORUM_POST = (
    "starts-with(@id, 'post_')",  # Discuz!
    "contains(concat(' ', normalize-space(@class), ' '), ' post ')",  # phpBB and most themes
    "contains(@class, 'postbit')",  # vBulletin
    "contains(@class, 'l_post')",  # Baidu Tieba
)
# A page <title> often appends the column and the site: 标题_通知公告_某某局. Column names
# end like titles (通知公告, 通知通告) but are short; a notice's title is longer.
PAGE_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s)\s*")
MIN_TITLE_CHARS = 8

# favor_recall was measured against the default: no line gained on the test pages, but on a
# page built of <div>s it moved the page heading above the issuer's banner.
EXTRACTION_OPTIONS = {
    "output_format": "xml",
    "with_metadata": True,  # for the page title
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
MIN_ARTICLE_CHARS = "1"

# The parts of a table that belong to it, not to a table nested in one of its cells.
TABLE_PARTS = ("thead", "tbody", "tfoot", "tr", "td", "th")
LAYOUT_BLOCK = "div"

# trafilatura's XML: elements that are a paragraph of their own, and the line break.
BLOCK_ELEMENTS = {"p", "head", "item", "list", "quote", "code", "table", "cell", "main"}
LINE_BREAK = "lb"
ROW = "row"
CELL_SEPARATOR = "\t"
_PADDING = re.compile(r"^[^\S\t]+|[^\S\t]+$")


def html_to_text(html: str) -> str:
    """The notice on the page, one paragraph per line; empty when the page has no article."""
    document = _extract(html)
    main = document.find("main") if document is not None else None
    lines = [line for line in _render_lines(main) if not _is_chrome(line)] if main is not None else []
    if not lines:
        return ""
    title = _notice_title(document.get("title", ""))
    if title and _squeezed(title) not in _squeezed("".join(lines)):
        lines.insert(0, title)
    return "\n".join(lines)


def _extract(html: str) -> etree._Element | None:
    """trafilatura's XML of the article, with the page's metadata as attributes."""
    tree = _parse(html)
    if tree is None:
        return None
    _unwrap_layout_tables(tree)
    extracted = trafilatura.extract(tree, prune_xpath=_THREAD_XPATHS, config=_CONFIG, **EXTRACTION_OPTIONS)
    return etree.fromstring(extracted) if extracted is not None else None


def _parse(html: str) -> etree._Element | None:
    """trafilatura refuses a fragment (a lone block, or bare text) as dubious; a saved snippet
    is still a page, so it is read again wrapped in a body."""
    tree = load_html(html)
    return tree if tree is not None else load_html(f"<html><body>{html}</body></html>")


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", MIN_ARTICLE_CHARS)
    return config


_CONFIG = _trafilatura_config()


def _unwrap_layout_tables(tree: etree._Element) -> None:
    """A table that holds another table lays out the page; its rows and cells become blocks."""
    layout_tables = tree.xpath("//table[.//table]")
    layout_parts = [
        part
        for table in layout_tables
        for part in table.iter(*TABLE_PARTS)
        if next(part.iterancestors("table")) is table
    ]
    for element in (*layout_tables, *layout_parts):
        element.tag = LAYOUT_BLOCK


def _thread_xpaths() -> list[str]:
    in_name = " or ".join(f"contains(@id, '{marker}') or contains(@class, '{marker}')" for marker in COMMENT_MARKERS)
    return [f"//*[{in_name}]", f"//*[{' or '.join(FORUM_POST)}][position() > 1]"]


_THREAD_XPATHS = _thread_xpaths()


def _notice_title(page_title: str) -> str | None:
    """Sites often show the notice's title only as the page heading, outside the article;
    take it when it reads as a notice title, not as the site's name or a section's."""
    for part in PAGE_TITLE_SEPARATORS.split(page_title.strip()):
        if len(part) >= MIN_TITLE_CHARS and line_kind(part) == "title":
            return part
    return None


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _render_lines(element: etree._Element) -> list[str]:
    """Non-blank lines without their padding; tabs stay, they separate table cells."""
    return [_PADDING.sub("", line) for line in _render(element).split("\n") if line.strip()]


def _render(element: etree._Element) -> str:
    """Text with a line break around every block and at every <lb/>; inline markup flattened."""
    if element.tag == ROW:
        return _render_row(element)
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == LINE_BREAK else _render(child))
        parts.append(child.tail or "")
    text = "".join(parts)
    return f"\n{text}\n" if element.tag in BLOCK_ELEMENTS else text


def _render_row(row: etree._Element) -> str:
    """A data row (one line per cell) becomes one line of tab-separated cells; a layout row,
    whose cells hold paragraphs, gives each paragraph its own line."""
    cells = [_render_lines(cell) for cell in row]
    if all(len(lines) <= 1 for lines in cells):
        return "\n" + CELL_SEPARATOR.join(lines[0] if lines else "" for lines in cells) + "\n"
    return "\n" + "\n".join(line for lines in cells for line in lines) + "\n"


def _is_chrome(line: str) -> bool:
    return len(line) <= MAX_CHROME_LINE_CHARS and line_kind(line) == "furniture"
