"""Turn one input file's bytes into the source text the rest of the pipeline works on.

Notices arrive as UTF-8, UTF-16, GB18030/GBK or Big5 text, as PDF (read by ingest/pdf.py), as saved
web pages (read by ingest/html.py) or as Word .docx files (read by ingest/docx.py).
The only normalisation done here is of line endings: the normaliser downstream keeps an
offset map from its output back to exactly this text.
"""

import codecs
import re
from functools import lru_cache
from pathlib import Path

from ingest.reading import MAX_BYTES, read_file
from ingest.signatures import DOCX_SUFFIX, OLE_MAGIC, ZIP_MAGIC, looks_like_html, page_charset, refuse_ole
from ingest.source import DecodeError, SourceText
from ingest.source import NeedsOCR as NeedsOCR  # re-exported: callers catch it with DecodeError
from ingest.source import Table as Table  # re-exported: the type of SourceText.tables

PDF_MAGIC = b"%PDF-"
PDF_SUFFIX = ".pdf"

# (byte-order mark, codec that strips it and is also the reported encoding, name for messages)
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 little-endian"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 big-endian"),
)
# (reported encoding, codec), in order of preference when two read equally well.
# cp950 is Big5 as Windows writes it: the same hanzi plus the ETEN extensions (碁銹裏墻恒粧嫺).
UTF16_WITHOUT_BOM = (("utf-16", "utf-16-le"), ("utf-16", "utf-16-be"))
CHINESE_LEGACY = (("gb18030", "gb18030"), ("big5", "cp950"))

EMPTY = "empty file"
NOT_PDF = "not a PDF: the name ends in .pdf but the file holds {content}"
# What a file named .pdf holds instead: told by its first bytes, else by whether it reads as text.
NOT_PDF_SIGNATURES = (
    (ZIP_MAGIC, "a ZIP archive, such as a Word .docx"),
    (OLE_MAGIC, "an old Office document (.doc, .xls)"),
)
NOT_PDF_PAGE = "a web page, often the error page of a failed download; download it again"
NOT_PDF_TEXT = "text (rename it .txt to have it read)"
NOT_PDF_OTHER = "data of another kind"
BINARY_NUL = "binary file, not text: it contains NUL bytes and is not UTF-16"
BINARY_CONTROL = "binary file, not text: {share:.0%} of the decoded characters are control characters"
BAD_BOM = "cannot decode: the file starts with a {encoding} byte-order mark but the rest is not {encoding}"
UNDECODABLE = (
    "cannot decode: the bytes are not valid UTF-8, UTF-16, GB18030 or Big5; re-save the file as UTF-8"
)
GARBLED = "cannot decode: the bytes read as garbage in GB18030 and in Big5; re-save the file as UTF-8"
HTML_SUFFIXES = (".html", ".htm")
HTML_NO_TEXT = "web page has no notice text: nothing is left once the site's navigation and chrome are removed"
DOCX_NO_TEXT = "Word document has no text"

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # all but \t \n \v \f \r
MAX_CONTROL_SHARE = 0.02

# Guessing an encoding: each decoded character earns a weight, and the candidate with the
# highest mean weight wins. GBK bytes often decode as Big5 without error and vice versa, but
# into rare characters, private-use code points, kana or bopomofo instead of common hanzi.
WEIGHT_COMMON_HANZI = 2
WEIGHT_EXPECTED = 1
WEIGHT_UNEXPECTED = -1
MIN_PLAUSIBLE_SCORE = 0.5
SCORE_SAMPLE_CHARS = 20_000

# The 1000 most frequent characters of jieba's dictionary plus the vocabulary of procurement
# notices, followed by their traditional forms (OpenCC s2t, s2tw, s2hk).
COMMON_HANZI = frozenset(
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主"
    "长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还"
    "然起种所如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间"
    "无安看见各城十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路"
    "被并利石老教万知级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首"
    "共马形己儿司太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放"
    "管结师便走达族反再题色五京河接条规式县白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职"
    "号界件花类何眼兵传带空干农边据集联古广完质阳难增历史专官每住商即步认车台林必死游举线言皇土团收考"
    "求德叫近备研争非具李众连调感转笑革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则"
    "功属积快图火千准究往极育装许参半令吃观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源"
    "息语股铁断派速怎需片爱律纪支早况病境证编越局推满且列觉服双未居除乐企引标确织初青志率项飞球节察龙"
    "响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置跟央"
    "识维采六底宫房音环案批切斗富乡另倒若按查故突责严桥模仅胜杀围席态破承招杨负层须父供续状域似依银范"
    "修找九致密终血旅钱赛独细效玉冲获习医演毛尽脸弹楼艺航陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优"
    "财养适陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印亿沙母酒助闻超审待压升送监策略限竟香配藏"
    "敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船惊核街夏宣掌田久著画辑奇尼剑吧谈背免"
    "孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶简苦担句岁荆贵娘守辖威宜衣帮块堂"
    "额错剧充欢够孙班呼阵销坚练脚退读测吴希宁换版异某顾曲楚典朱毒菜判救宋茶洪含顺啊鲜败货矿端兄归冷忙"
    "买险康评肉吗厂永哈沉散遗停笔假输牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳襄登咱钟伯臣雄季脑介鄂召"
    "饭暗扩祖齐短烈赶牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆"
    "补唐炮沿殿刺怪彩俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟疗障健耗械剂购挂"
    "盟函患床申冠脉晶脊柱吻囊针液胰仿违款付遵"
    "國爲這個來會時學說們於後發對長過業裏經門動進區開產軍還種現機體與當兩實麼關從內沒將員東頭間無見戰"
    "點場數樣問並萬級應資務氣漢總電聲設義統處馬兒領隊計別權話報給變書幾華議稱決張導術結師達題條規縣風"
    "運組聽濟黨論強黃選記卻職號類傳帶幹農邊據聯廣質陽難歷專認車臺遊舉線團備爭衆連調轉該爾讓較際親單紅"
    "價約亞則屬積圖準極裝許參喫觀魚辦復遠羣構隨劃勢熱網語鐵斷愛紀況證編滿覺雙樂標確織項飛節龍響藥輕擊"
    "請離顯羅營視護創餘興佔雖費試寶識維採宮環鬥鄉責嚴橋僅勝殺圍態楊負層須續狀銀範終錢賽獨細衝獲習醫盡"
    "臉彈樓藝陸協鎮檢寫蘇驗緊勞戶優財養適陳衛雲傷絕階劉剛億聞審壓監敵蘭溫園樹徵詞島預繼執誰驚畫輯劍談"
    "禮願築亂講臨揮歐葉簡擔歲荊貴轄幫塊額錯劇歡夠孫陣銷堅練腳讀測吳寧換異顧順鮮敗貨礦歸買險評嗎廠遺筆"
    "輸漸頂訓錄畢豐獻爺納鍾腦飯擴齊趕訴詩礎屆靜盤賣灣減祕靈雜澤側慶媽館補舊輪婦載懷軟槍牆惡頓穩療劑購"
    "掛牀脈針違為裡眾説衞"
)
# The frequently used hanzi as the standards define them: GB2312 level 1 and Big5 level 1.
FREQUENT_HANZI_BLOCKS = (("gb2312", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E))
# Unicode blocks of punctuation and symbols that notices use (·×°±, “”—…, ℃№, Ⅰ, →, ≤≥, ①, □○★,
# 、。《》〔〕, ㈠, ㎡㎎, fullwidth forms).
EXPECTED_SYMBOL_BLOCKS = (
    (0x00A0, 0x00BF),
    (0x00D7, 0x00D7),
    (0x00F7, 0x00F7),
    (0x2000, 0x22FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x26FF),
    (0x3000, 0x303F),
    (0x3200, 0x33FF),
    (0xFF00, 0xFFEF),
)
TEXT_WHITESPACE = "\t\n\v\f\r"


def decode_file(path: Path, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read and decode one notice file, refusing oversized files before reading them."""
    path = Path(path)
    try:
        return decode_bytes(read_file(path, max_bytes), path.name)
    except DecodeError as err:
        raise type(err)(f"{path}: {err}") from err  # keeps the kind: NeedsOCR stays NeedsOCR


def decode_bytes(data: bytes, name: str = "") -> SourceText:
    """Decode a notice's bytes; `name` (a file name) tells what the file claims to be.

    Messages do not repeat the name: the caller knows which file it was, and the same
    bytes under another name must give the same message (results are cached by content).
    """
    return _decode(data, name)


def _decode(data: bytes, name: str) -> SourceText:
    if not data:
        raise DecodeError(EMPTY)
    if data.startswith(PDF_MAGIC):
        from ingest.pdf import read_pdf  # each format's reader is imported by its first file

        return read_pdf(data)
    if name.lower().endswith(PDF_SUFFIX):
        raise DecodeError(NOT_PDF.format(content=_what_instead_of_pdf(data)))
    if data.startswith(OLE_MAGIC):
        raise DecodeError(refuse_ole(name))
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(DOCX_SUFFIX):
        return _decode_docx(data)
    if looks_like_html(data) or name.lower().endswith(HTML_SUFFIXES):
        return _decode_html(data)
    return _decode_text(data)


def _what_instead_of_pdf(data: bytes) -> str:
    """What a user can act on (download again, rename), not the bytes the file starts with."""
    signed = next((content for signature, content in NOT_PDF_SIGNATURES if data.startswith(signature)), None)
    if signed:
        return signed
    if looks_like_html(data):
        return NOT_PDF_PAGE
    try:
        _detect_and_decode(data)
    except DecodeError:
        return NOT_PDF_OTHER
    return NOT_PDF_TEXT


def _decode_text(data: bytes) -> SourceText:
    text, encoding = _detect_and_decode(data)
    if not text.strip():
        raise DecodeError(EMPTY)
    control_share = len(CONTROL_CHARS.findall(text)) / len(text)
    if control_share > MAX_CONTROL_SHARE:
        raise DecodeError(BINARY_CONTROL.format(share=control_share))
    return SourceText(_unify_line_endings(text), encoding)


def _decode_docx(data: bytes) -> SourceText:
    from ingest.docx import docx_to_text

    text = docx_to_text(data)
    if not text.strip():
        raise DecodeError(DOCX_NO_TEXT)
    return SourceText(text, "docx")


def _decode_html(data: bytes) -> SourceText:
    from ingest.html import html_to_text

    text = html_to_text(_page_source(data))
    if not text.strip():
        raise DecodeError(HTML_NO_TEXT)
    return SourceText(_unify_line_endings(text), "html")


def _page_source(data: bytes) -> str:
    """A page is read in the charset it declares, unless a byte-order mark or valid UTF-8 says
    otherwise (GBK or Big5 text is never valid UTF-8 by chance, but pages do misdeclare); if the
    declaration does not fit, as any text file is; if nothing fits, as a browser shows it, in
    the declared charset with the stray bytes replaced."""
    charset = page_charset(data)
    has_bom = any(data.startswith(mark) for mark, _, _ in BYTE_ORDER_MARKS)
    if charset is None or has_bom or _strict_decode(data, "utf-8") is not None:
        return _detect_and_decode(data)[0]
    text = _strict_decode(data, charset)
    if text is not None:
        return text
    try:
        return _detect_and_decode(data)[0]
    except DecodeError:
        return data.decode(charset, errors="replace")


def _detect_and_decode(data: bytes) -> tuple[str, str]:
    """A byte-order mark is trusted; without one, strict UTF-8 is, and only then do we guess."""
    for mark, encoding, display_name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            text = _strict_decode(data, encoding)
            if text is None:
                raise DecodeError(BAD_BOM.format(encoding=display_name))
            return text, encoding
    if b"\x00" in data:
        return _most_plausible(data, UTF16_WITHOUT_BOM, undecodable=BINARY_NUL, garbled=BINARY_NUL)
    text = _strict_decode(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    return _most_plausible(data, CHINESE_LEGACY, undecodable=UNDECODABLE, garbled=GARBLED)


def _most_plausible(
    data: bytes, candidates: tuple[tuple[str, str], ...], undecodable: str, garbled: str
) -> tuple[str, str]:
    """Among the candidates that decode strictly, take the one that reads most like a notice."""
    scored = []
    for encoding, codec in candidates:
        text = _strict_decode(data, codec)
        if text is not None:
            scored.append((_plausibility(text), text, encoding))
    if not scored:
        raise DecodeError(undecodable)
    score, text, encoding = max(scored, key=lambda candidate: candidate[0])  # first wins a tie
    if score < MIN_PLAUSIBLE_SCORE:
        raise DecodeError(garbled)
    return text, encoding


def _strict_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    """Mean character weight over the start of the text: about 1-2 for a notice, below 0 for garbage."""
    sample = text[:SCORE_SAMPLE_CHARS]
    weights = _character_weights()
    total = sum(weights.get(char, WEIGHT_UNEXPECTED) for char in sample)
    return total / max(len(sample), 1)


@lru_cache(maxsize=1)
def _character_weights() -> dict[str, int]:
    """Built when a file first needs a guess at its encoding (0.03 s): most files are UTF-8."""
    expected = {chr(code) for code in range(0x20, 0x7F)} | set(TEXT_WHITESPACE)
    for first, last in EXPECTED_SYMBOL_BLOCKS:
        expected.update(chr(code) for code in range(first, last + 1))
    for codec, first, last in FREQUENT_HANZI_BLOCKS:
        expected.update(_decodable_pairs(codec, first, last))
    weights = dict.fromkeys(expected, WEIGHT_EXPECTED)
    weights.update(dict.fromkeys(COMMON_HANZI, WEIGHT_COMMON_HANZI))
    return weights


def _decodable_pairs(codec: str, first: int, last: int) -> set[str]:
    """The characters a two-byte encoding assigns to the codes first..last (gaps skipped)."""
    characters = set()
    for code in range(first, last + 1):
        text = _strict_decode(code.to_bytes(2, "big"), codec)
        if text is not None:
            characters.add(text)
    return characters


def _unify_line_endings(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
