"""Options that mean nothing are refused, naming the form they take; dates are read in the
forms officers write them, and compared as dates, not as text."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import uvicorn

from policygraph import cli
from policygraph.cli import main
from tests.conftest import PROJECT

SHANXI = "晋医保发〔2021〕22号"  # issued 2021-12-17


def answer(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as refused:
        main(list(argv))
    assert refused.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("since", ["2021-01-01", "2021年1月1日", " 2021年01月01日 "])
def test_a_date_in_either_form_filters_by_date(corpus_run: Path, capsys, since: str) -> None:
    rows = answer(capsys, "facts", "--type", "prepayments", "--since", since, "--out", str(corpus_run))
    assert SHANXI in {row["doc_number"] for row in rows}


def test_since_and_until_a_day_hold_that_days_notices(corpus_run: Path, capsys) -> None:
    rows = answer(capsys, "facts", "--type", "prepayments", "--since", "2021年12月17日", "--until", "2021-12-17",
                  "--out", str(corpus_run))  # fmt: skip
    assert {row["doc_number"] for row in rows} == {SHANXI}


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--since", "2021/01/01", "'2021/01/01' is no date in a form read here: write YYYY-MM-DD or YYYY年M月D日"),
        ("--since", "yesterday", "'yesterday' is no date in a form read here: write YYYY-MM-DD or YYYY年M月D日"),
        ("--until", "2021年2月30日", "'2021年2月30日' is no date: day is out of range for month"),
    ],
)
def test_a_date_in_no_form_read_here_is_refused(corpus_run: Path, capsys, option: str, value: str, said: str) -> None:
    said_back = refusal(capsys, "facts", "--type", "prepayments", option, value, "--out", str(corpus_run))
    assert said_back.endswith(f"argument {option}: {said}")


@pytest.mark.parametrize(
    "argv",
    [
        ["implementers", "鲁医保函〔2024〕28号", "--depth", "0"],
        ["chain", "聊医保函〔2024〕13号", "--depth", "-1"],
        ["run", "corpus", "--jobs", "0"],
        ["run", "corpus", "--seconds-per-file", "-1"],
        ["run", "corpus", "--seconds-per-file", "nan"],
        ["serve", "--port", "zero"],
    ],
)
def test_a_number_that_means_nothing_is_refused(corpus_run: Path, capsys, argv: list[str]) -> None:
    said = refusal(capsys, *argv, "--out", str(corpus_run))
    assert "is not a whole number of at least 1" in said or "is not a number of seconds above 0" in said


@pytest.mark.parametrize("command", ["implementers", "chain", "show"])
def test_in_corpus_is_a_boolean_in_every_answer(corpus_run: Path, capsys, command: str) -> None:
    number = "鲁医保函〔2024〕28号" if command != "chain" else "聊医保函〔2024〕13号"
    found = answer(capsys, command, number, "--out", str(corpus_run))
    rows = found if isinstance(found, list) else [found, *found["referenced_by"], *found["references_documents"]]
    assert rows and {type(row["in_corpus"]) for row in rows} == {bool}


def test_output_cut_short_by_a_reader_that_left_is_no_traceback(corpus_run: Path) -> None:
    reader = subprocess.run(
        f"{sys.executable} -m policygraph.cli facts --type price_caps --json --out {corpus_run} | head -c 10",
        shell=True, capture_output=True, text=True, cwd=PROJECT, check=False,
    )  # fmt: skip
    assert len(reader.stdout) == 10 and "Traceback" not in reader.stderr and "BrokenPipe" not in reader.stderr


def test_a_run_with_failures_prints_the_first_reasons_and_where_the_rest_are(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(5):
        (folder / f"empty-{number}.txt").write_bytes(b"")
    assert main(["run", str(folder), str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 1
    said = capsys.readouterr().err.splitlines()
    assert said == [
        f"  {folder / 'empty-0.txt'}: empty file",
        f"  {folder / 'empty-1.txt'}: empty file",
        f"  {folder / 'empty-2.txt'}: empty file",
        f"  3 more in {tmp_path / 'out' / 'manifest.json'}",
    ]


def test_serve_on_a_port_in_use_says_so_before_it_says_it_serves(corpus_run: Path, capsys) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--out", str(corpus_run)]) == 2
    assert capsys.readouterr().err == f"cannot serve at 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize("lacks_font", [True, False])
def test_serve_says_chinese_would_show_as_boxes_only_where_no_chinese_font_is_installed(
    corpus_run: Path, capsys, monkeypatch: pytest.MonkeyPatch, lacks_font: bool
) -> None:
    monkeypatch.setattr(cli, "lacks_chinese_font", lambda: lacks_font)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    with socket.create_server(("127.0.0.1", 0)) as free:
        port = free.getsockname()[1]
    assert main(["serve", "--port", str(port), "--out", str(corpus_run)]) == 0
    said = capsys.readouterr().err.splitlines()
    assert said[0].startswith("serving ")
    assert said[1:] == ([cli.NO_CHINESE_FONT] if lacks_font else [])
    assert "apt-get install fonts-noto-cjk" in cli.NO_CHINESE_FONT


@pytest.mark.parametrize(("listed", "lacks_font"), [("", True), ("Noto Sans CJK SC\n", False), (None, False)])
def test_the_font_check_asks_fc_list_and_is_silent_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: str | None, lacks_font: bool
) -> None:
    """`None`: no fc-list on PATH, as on macOS or Windows."""
    if listed is not None:
        fc_list = tmp_path / cli.FONT_LISTER
        fc_list.write_text(f"#!/bin/sh\nprintf '{listed}'\n")
        fc_list.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cli.lacks_chinese_font() is lacks_font


def test_a_name_several_notices_answer_to_lists_them_and_picks_none(corpus_run: Path, capsys) -> None:
    assert main(["show", "集中带量采购", "--out", str(corpus_run)]) == 2
    said = capsys.readouterr().err
    assert said.startswith("4 documents match '集中带量采购', name one of them: ")
    assert "鲁医保函〔2024〕28号" in said and "晋医保发〔2021〕22号" in said


def test_a_whole_title_names_its_notice_though_its_words_are_in_others(corpus_run: Path, capsys) -> None:
    title = "关于常态化制度化推进做好药品和医用耗材集中带量采购及使用工作的通知"
    assert answer(capsys, "show", title, "--out", str(corpus_run))["doc_number"] == SHANXI


def test_a_notice_without_a_number_is_named_by_an_id_that_show_takes(corpus_run: Path, capsys) -> None:
    assert main(["facts", "--type", "prepayments", "--out", str(corpus_run)]) == 0
    [named] = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.startswith("sha256:")]
    assert answer(capsys, "show", named, "--out", str(corpus_run))["issuers"] == ["重庆市医疗保障局办公室"]


API_OF = {  # a command's arguments → the API route answering the same question
    ("implementers", "鲁医保函〔2024〕28号"): "/api/documents/鲁医保函〔2024〕28号/implementers",
    ("chain", "聊医保函〔2024〕13号"): "/api/documents/聊医保函〔2024〕13号/chain",
    ("facts", "--type", "price_caps"): "/api/facts?type=price_caps",
    ("facts", "--type", "self_pay_adjustments"): "/api/facts?type=self_pay_adjustments",
    ("search", "集中带量采购"): "/api/search?q=集中带量采购",
    ("show", "聊医保函〔2024〕13号"): "/api/documents/聊医保函〔2024〕13号",
    ("rollout", "GH-HD2023-1"): "/api/documents/GH-HD2023-1/rollout",
}


@pytest.mark.parametrize(("argv", "route"), API_OF.items())
def test_the_command_line_and_the_api_answer_in_one_json(
    corpus_run: Path, client, capsys, argv: tuple, route: str
) -> None:
    """The same values of the same JSON types; the API shows source paths below the input folder."""
    printed = answer(capsys, *argv, "--out", str(corpus_run))
    served = client.get(route).json()
    if argv[0] == "show":
        printed["source"]["file"] = Path(printed["source"]["file"]).name
    assert served == printed
