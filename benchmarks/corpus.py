"""A realistic synthetic corpus: provincial notices and the city notices forwarding them.

Issuers, years, products, phrasings and script vary; every city notice forwards a
provincial one by number and title, so the graph has chains to merge. Seeded, so a
benchmark run is repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from opencc import OpenCC

PROVINCES = [
    ("山东省", "鲁", ["济南市", "青岛市", "聊城市", "烟台市"]),
    ("辽宁省", "辽", ["沈阳市", "大连市", "鞍山市"]),
    ("山西省", "晋", ["太原市", "大同市", "运城市"]),
    ("广东省", "粤", ["广州市", "深圳市", "佛山市", "东莞市"]),
    ("浙江省", "浙", ["杭州市", "宁波市", "温州市"]),
    ("河南省", "豫", ["郑州市", "洛阳市", "开封市"]),
    ("四川省", "川", ["成都市", "绵阳市", "宜宾市"]),
    ("江苏省", "苏", ["南京市", "苏州市", "无锡市"]),
]
PRODUCTS = ["冠脉支架", "人工晶体", "运动医学类医用耗材", "骨科创伤类医用耗材", "人工关节", "乳房旋切针",
            "生化类检测试剂", "外周血管介入类医用耗材", "药物球囊", "第九批国家组织药品"]  # fmt: skip
PERIODS = ["采购周期为{n}年。", "采购周期为{cn}年，采购周期内每年签订采购协议。", "协议期为{m}个月。",
           "本次集中带量采购周期为{cn}年，可视情况延长1年。"]  # fmt: skip
PREPAYMENTS = ["医保经办机构按不低于医疗机构年度约定采购金额的{p}%预付给医疗机构。",
               "各统筹区按年度协议量总采购金额的{p}%设立采购预付金，在采购结果执行前预付到位。"]  # fmt: skip
SELF_PAY = [
    "中选产品居民先行自付比例下降{q}%，职工先行自付比例{r}%。",
    "通过调整个人先行自付比例等方式，引导患者使用中选产品。",
    "参保职工使用中选产品，先行自付比例调整为{r}%。",
]
CAPS = [
    "医保支付范围内的中选产品，以中选价格为医保支付标准。",
    "非中选产品挂网价格不高于同产品类别最高中选价的1.{k}倍。",
    "未中选企业的产品按不高于平均中选价挂网的，在医疗机构考核时不视为非中选产品。",
    "非中选产品支付标准全省统一确定为{a}元。",
]
FILLER = ("各医疗机构要优先采购使用中选产品，确保完成协议采购量。中选企业是供应配送的第一责任人，"
          "要按医疗机构需求及时配送中选产品、提供伴随服务，保障临床使用。各地要加强宣传引导和政策解读，"
          "密切监测舆情，营造良好社会氛围，确保集采工作有序推进。")  # fmt: skip
CHINESE_DIGITS = "〇一二三四五六七八九"
_S2T = OpenCC("s2t")


@dataclass(frozen=True)
class GeneratedNotice:
    name: str
    text: str


def generate(count: int, seed: int = 7) -> list[GeneratedNotice]:
    """`count` notices: about one provincial notice for every three city notices."""
    rng = random.Random(seed)
    notices: list[GeneratedNotice] = []
    provincial: list[tuple[str, str, str]] = []
    for index in range(count):
        if not provincial or index % 4 == 0:
            text, number, title, province = _provincial(rng, index)
            provincial.append((number, title, province))
        else:
            text = _city(rng, index, rng.choice(provincial[-8:]))
        if rng.random() < 0.15:
            text = _S2T.convert(text)
        notices.append(GeneratedNotice(f"{index:06d}.txt", text))
    return notices


def write(notices: list[GeneratedNotice], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for notice in notices:
        (folder / notice.name).write_text(notice.text, encoding="utf-8")
    return folder


def _provincial(rng: random.Random, index: int) -> tuple[str, str, str, str]:
    province, short, _ = rng.choice(PROVINCES)
    year = rng.randint(2019, 2026)
    number = f"{short}医保{rng.choice(['发', '函', ''])}〔{year}〕{index + 1}号"
    product = rng.choice(PRODUCTS)
    title = f"关于执行{product}集中带量采购中选结果的通知"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    body = [
        f"{province}医疗保障局", number, title, "各市医疗保障局：",
        f"根据《国家医疗保障局关于做好{product}集中带量采购工作的通知》"
        f"（医保发〔{year - 1}〕{rng.randint(1, 60)}号）要求，现将有关事项通知如下。",
        f"一、自{year}年{month}月{day}日起，全省公立医疗机构执行中选结果。",
        "二、" + rng.choice(PERIODS).format(n=rng.randint(1, 3), cn=CHINESE_DIGITS[rng.randint(1, 3)], m=24),
        "三、" + rng.choice(PREPAYMENTS).format(p=rng.choice([30, 40, 50])),
        "四、" + rng.choice(SELF_PAY).format(q=rng.choice([5, 10]), r=rng.choice([0, 5])),
        "五、" + rng.choice(CAPS).format(k=rng.randint(1, 5), a=rng.choice([500, 1000, 2000])),
        *(FILLER for _ in range(rng.randint(6, 24))),
        f"{province}医疗保障局办公室", f"{year}年{month}月{day}日印发",
    ]  # fmt: skip
    return "\n\n".join(body) + "\n", number, title, province


def _city(rng: random.Random, index: int, forwarded: tuple[str, str, str]) -> str:
    number, title, province = forwarded
    city = rng.choice(next(cities for name, _, cities in PROVINCES if name == province))
    year = int(number.split("〔")[1][:4])
    body = [
        f"{city}医疗保障局", f"{city[0]}医保函〔{year}〕{index + 1}号", f"关于转发《{title}》的通知",
        "各县（市、区）医疗保障局：",
        f"现将《{province}医疗保障局{title}》（{number}）转发给你们，请认真贯彻执行。",
        "一、" + rng.choice(SELF_PAY).format(q=rng.choice([5, 10]), r=rng.choice([0, 5])),
        *(FILLER for _ in range(rng.randint(3, 12))),
        f"{city}医疗保障局", f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    ]  # fmt: skip
    return "\n\n".join(body) + "\n"
