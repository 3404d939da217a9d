"""`policygraph rollout` (issue 14): a small corpus made here, with a national procurement file
carried out by a national notice, by provinces citing it by code and by title alone, and by
cities forwarding those, beside a province whose notice is about something else; then the
samples' GH-HD2023-1."""

from __future__ import annotations

import csv
import io
import json
from contextlib import closing
from pathlib import Path

import pytest

from extract.gazetteer import mainland_provinces
from graph import store
from graph.rollout import rollout
from policygraph.cli import main
from policygraph.pipeline import run

CODE = "GY-YD2025-1"
FILE_TITLE = "全国药品集中采购文件"
# file: (issuer, number, title, addressees, body, signed)
NOTICES = {
    "national.txt": (
        "国家组织药品联合采购办公室", "国联采〔2025〕1号", f"关于公布全国药品集中采购（{CODE}）中选结果的通知",
        "各省、自治区、直辖市医疗保障局", f"根据《{FILE_TITLE}》（编号：{CODE}），现将中选结果予以公布。", "2025年3月1日",
    ),
    "shandong.txt": (
        "山东省医疗保障局", "鲁医保函〔2025〕10号", "关于执行全国药品集中采购中选结果的通知", "各市医疗保障局",
        f"根据《{FILE_TITLE}》（编号：{CODE}）要求，现就执行中选结果通知如下。自2025年5月1日起执行中选结果，采购周期为2年。",
        "2025年4月10日",
    ),
    "guangdong.txt": (
        "广东省医疗保障局", "粤医保函〔2025〕20号", "关于落实全国药品集中采购中选结果的通知", "各地级以上市医疗保障局",
        f"为贯彻落实《{FILE_TITLE}》要求，现将有关事项通知如下。自2025年5月15日起执行，采购周期为2年。", "2025年4月20日",
    ),
    "liaocheng.txt": (
        "聊城市医疗保障局", "聊医保函〔2025〕5号", "关于转发《关于执行全国药品集中采购中选结果的通知》的通知",
        "各县（市、区）医疗保障局",
        "现将《山东省医疗保障局关于执行全国药品集中采购中选结果的通知》（鲁医保函〔2025〕10号）转发给你们，请认真贯彻执行。",
        "2025年4月15日",
    ),
    "shantou.txt": (
        "汕头市医疗保障局", "汕医保函〔2025〕7号", "关于转发《关于落实全国药品集中采购中选结果的通知》的通知",
        "各区（县）医疗保障局",
        "现将《广东省医疗保障局关于落实全国药品集中采购中选结果的通知》（粤医保函〔2025〕20号）转发给你们，请遵照执行。",
        "2025年4月25日",
    ),
    "sichuan.txt": (
        "四川省医疗保障局", "川医保函〔2025〕3号", "关于做好医保基金预付工作的通知", "各市（州）医疗保障局",
        "现就做好医保基金预付工作通知如下。", "2025年2月1日",
    ),
}  # fmt: skip
# (province, city, issuer, number, path, relation, issued, effective, months of each period), in the order shown.
EXPECTED_ROWS = [
    (None, None, "国家组织药品联合采购办公室", "国联采〔2025〕1号", [CODE, "国联采〔2025〕1号"], "implements",
     "2025-03-01", None, []),
    ("山东省", None, "山东省医疗保障局", "鲁医保函〔2025〕10号", [CODE, "鲁医保函〔2025〕10号"], "implements",
     "2025-04-10", "2025-05-01", [24]),
    ("山东省", "聊城市", "聊城市医疗保障局", "聊医保函〔2025〕5号", [CODE, "鲁医保函〔2025〕10号", "聊医保函〔2025〕5号"],
     "forwards", "2025-04-15", None, []),
    ("广东省", None, "广东省医疗保障局", "粤医保函〔2025〕20号", [CODE, "粤医保函〔2025〕20号"], "implements",
     "2025-04-20", "2025-05-15", [24]),
    ("广东省", "汕头市", "汕头市医疗保障局", "汕医保函〔2025〕7号", [CODE, "粤医保函〔2025〕20号", "汕医保函〔2025〕7号"],
     "forwards", "2025-04-25", None, []),
]  # fmt: skip
ACTED = {"山东省", "广东省"}
SAMPLES_CODE = "GH-HD2023-1"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rollout")
    for name, (issuer, number, title, addressees, body, signed) in NOTICES.items():
        notice = f"{issuer}\n\n{number}\n\n{title}\n\n{addressees}：\n\n{body}\n\n{issuer}\n{signed}\n"
        (folder / "in" / name).parent.mkdir(exist_ok=True)
        (folder / "in" / name).write_text(notice, encoding="utf-8")
    run([str(folder / "in")], folder / "out")
    return folder / "out"


def _rollout(out: Path, name: str) -> dict:
    with closing(store.connect(out / store.DATABASE_NAME)) as connection:
        return rollout(connection, name)


def _shown(row: dict) -> tuple:
    months = [period["months"] for period in row["procurement_periods"]]
    return (row["province"], row["city"], *row["issuers"], row["doc_number"], row["path"], row["relation"],
            row["issue_date"], row["effective_date"], months)  # fmt: skip


def test_every_implementing_and_forwarding_notice_is_a_row_placed_by_its_issuer(small_run: Path) -> None:
    assert [_shown(row) for row in _rollout(small_run, CODE)["rows"]] == EXPECTED_ROWS


def test_provinces_without_a_notice_carrying_it_out_are_listed(small_run: Path) -> None:
    """四川 has a notice in the corpus, on something else: it is listed."""
    missing = _rollout(small_run, CODE)["missing"]
    assert missing == [province for province in mainland_provinces() if province not in ACTED]
    assert (len(missing), "四川省" in missing) == (29, True)


@pytest.mark.parametrize("name", [CODE, CODE.lower(), FILE_TITLE])
def test_the_document_is_named_as_every_query_names_one(small_run: Path, name: str) -> None:
    """Cited by code and by title alone, the file is one document, whichever citation came first."""
    target = _rollout(small_run, name)["target"]
    assert (target["code"], target["title"], target["in_corpus"]) == (CODE, FILE_TITLE, False)


def test_a_provincial_notice_rolls_out_to_its_cities(small_run: Path) -> None:
    found = _rollout(small_run, "鲁医保函〔2025〕10号")
    assert [(row["city"], row["path"]) for row in found["rows"]] == [("聊城市", ["鲁医保函〔2025〕10号", "聊医保函〔2025〕5号"])]
    assert "山东省" not in found["missing"]


def test_the_command_prints_a_table_then_the_provinces_without_one(
    small_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollout", CODE, "--out", str(small_run)]) == 0
    table, missing = capsys.readouterr().out.rstrip("\n").split("\n\n")
    assert [line.split()[0] for line in table.splitlines()[2:]] == ["国家组织药品联合采购办公室", "山东省", "山东省", "广东省", "广东省"]
    assert f"{CODE} → 鲁医保函〔2025〕10号 → 聊医保函〔2025〕5号" in table
    assert missing.startswith("尚无执行通知的省级行政区（29 个）：北京市、天津市、")


def test_the_command_prints_csv_with_a_row_for_each_province_without_a_notice(
    small_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollout", CODE, "--out", str(small_run), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.removeprefix("\ufeff"))))
    assert [row["编号"] for row in rows[:5]] == [expected[3] for expected in EXPECTED_ROWS]
    assert rows[2]["采购周期"] == "" and rows[1]["采购周期"] == "24个月"
    assert [row["省份"] for row in rows[5:]] == [p for p in mainland_provinces() if p not in ACTED]
    assert all(row["编号"] == "" for row in rows[5:])


def test_the_samples_rollout_of_gh_hd2023_1(corpus_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollout", SAMPLES_CODE, "--out", str(corpus_run), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    shown = [(row["province"], row["city"], row["doc_number"], row["issue_date"], row["effective_date"])
             for row in found["rows"]]  # fmt: skip
    assert shown == [
        ("山东省", None, "鲁医保函〔2024〕28号", "2024-05-22", "2024-05-31"),
        ("山东省", "聊城市", "聊医保函〔2024〕13号", None, "2024-05-31"),
    ]
    assert found["missing"] == [province for province in mainland_provinces() if province != "山东省"]
    assert len(found["missing"]) == 30
