"""The work on a file is bounded. It grows linearly with what the file holds, whatever it
holds: a line of repeated names, a run of facts without a full stop, thousands of
document numbers, a line without punctuation. And what still runs too long is stopped by
its time limit, in any thread, and remembered.

Each growth case is processed at n and at 4n: linear work takes about 4 times as long, n²
work 16 times. CPU time is measured, the best of a few tries, so that a busy machine
slows both sizes alike; the limit between the two leaves room for noise either way.
"""

from __future__ import annotations

import json
import math
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extract.nlp import SCOPE_MAX_CHARS, scope_of, tokens
from extract.sentences import sentences
from ingest.decode import decode_bytes
from ingest.lines import line_kind
from policygraph.pipeline import RunOptions, run
from policygraph.records import notice_records
from policygraph.timelimit import FileTimeout, time_limit
from tests.conftest import CORPUS

GROWTH = 4
MAX_LINEAR_RATIO = 8.0  # linear work gives about 4, quadratic about 16
TRIES = 3
HEAD = "关于执行集采结果的通知\n各有关单位：\n"
SHA256 = "0" * 64


def _file_work(text: str) -> None:
    """What a run does with one file, up to its records."""
    notice_records(decode_bytes(text.encode("utf-8"), "notice.txt"), "notice.txt", SHA256)


def _cpu_seconds(text: str) -> float:
    """The best of a few tries, each starting as a fresh worker does, remembering nothing."""
    best = float("inf")
    for _ in range(TRIES):
        scope_of.cache_clear()
        line_kind.cache_clear()
        started = time.process_time()
        _file_work(text)
        best = min(best, time.process_time() - started)
    return best


def _document_numbers(count: int) -> str:
    return HEAD + "".join(f"鲁医保函〔2024〕{number}号、" for number in range(1, count + 1)) + "\n"


CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "a line of repeated issuer names": (lambda n: "医疗保障局" * n, 400),
    "a run of periods without a full stop": (lambda n: "采购周期为2年" * n, 150),
    "thousands of document numbers in one notice": (_document_numbers, 1000),
    "bare cycles after a clause of procurement words": (lambda n: HEAD + "采购" * n + "，周期为2年" * (n // 8), 60),
    "a long clause before a self-pay share": (lambda n: HEAD + ("中选产品" * n + "先行自付比例为10%。\n") * 20, 60),
    "a long title before its 关于": (lambda n: "测" * n + "关于执行集采结果的通知\n各有关单位：\n正文。\n", 4000),
    "a long issuer in the page's metadata": (lambda n: "发布机构：" + "测" * n + "\n" + HEAD + "正文。\n", 4000),
    "a paragraph wrapped over many lines without a stop": (lambda n: HEAD + "该产品按规定使用\n" * n, 500),
    "many titles after a short name's definition": (
        lambda n: HEAD + "（以下简称《方案》）\n" + ("根据《关于执行集采结果的通知》执行。\n" + "该产品按规定使用。" * 60 + "\n") * n,
        500,
    ),
    "a long line without punctuation": (lambda n: HEAD + "中选产品的采购周期和医保支付标准按规定执行集中带量采购" * n, 250),
}


@pytest.mark.parametrize("case", CASES)
def test_work_grows_linearly(case: str) -> None:
    make, size = CASES[case]
    _file_work(make(1))  # loads what the first file pays for, once
    ratio = _cpu_seconds(make(GROWTH * size)) / _cpu_seconds(make(size))
    assert ratio < MAX_LINEAR_RATIO, f"{case}: {GROWTH}x the size took {ratio:.1f}x the time"


def test_a_run_too_long_for_a_sentence_is_cut_after_its_last_comma_else_its_last_title() -> None:
    run = "采购" * 600 + "。" + "甲乙，" * 400 + "。" + "《甲乙》丙" * 300
    cuts = [(sentence.start, sentence.end, sentence.text[-1]) for sentence in sentences(run)]
    assert cuts == [
        (0, 1000, "购"),
        (1000, 1201, "。"),
        (1201, 2200, "，"),
        (2200, 2402, "。"),
        (2402, 3401, "》"),
        (3401, 3902, "丙"),
    ]


def test_no_document_number_is_lost_where_a_long_list_is_cut() -> None:
    source = decode_bytes(_document_numbers(300).encode("utf-8"), "notice.txt")
    (record,) = notice_records(source, "notice.txt", SHA256)
    numbers = [reference.doc_number for reference in record.references]
    assert numbers == [f"鲁医保函〔2024〕{number}号" for number in range(1, 301)]


def test_only_the_end_of_a_long_phrase_is_segmented(monkeypatch: pytest.MonkeyPatch) -> None:
    segmented: list[str] = []
    monkeypatch.setattr("extract.nlp.tokens", lambda text: segmented.append(text) or tokens(text))
    phrase = "各市医疗保障局" * 2000 + "的中选药品"
    assert scope_of(phrase) == phrase[-SCOPE_MAX_CHARS:]
    assert [len(text) for text in segmented] == [2 * SCOPE_MAX_CHARS]


def test_no_title_is_lost_where_a_long_run_of_titles_is_cut() -> None:
    titles = [f"关于执行第{number}批集采结果的通知" for number in range(10, 110)]
    source = decode_bytes((HEAD + "".join(f"根据《{title}》" for title in titles)).encode("utf-8"), "notice.txt")
    (record,) = notice_records(source, "notice.txt", SHA256)
    assert [reference.title for reference in record.references] == titles


def test_a_time_limit_holds_in_a_worker_thread_and_raises_nothing_once_left() -> None:
    """A Dask worker runs files in threads, where no signal arrives."""
    happened: list[str] = []

    def work(seconds: float) -> None:
        try:
            with time_limit(0.05):
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    pass
            happened.append("done")
        except FileTimeout:
            happened.append("timed out")
        time.sleep(0.1)  # a timeout delivered after the work would end the thread here
        happened.append("nothing after")

    thread = threading.Thread(target=lambda: (work(5.0), work(0.0)))
    thread.start()
    thread.join()
    assert happened == ["timed out", "nothing after", "done", "nothing after"]


@pytest.mark.parametrize("in_a_thread", [True, False], ids=["worker thread", "main thread, by SIGALRM"])
def test_a_timeout_swallowed_where_python_ignores_exceptions_is_raised_again(in_a_thread: bool) -> None:
    """A garbage-collector callback that runs in the worker's thread (Dask's GC diagnostics),
    or a __del__ the alarm lands in, prints the timeout as "Exception ignored" and goes on:
    the work must still stop."""
    happened: list[str] = []

    def work() -> None:
        deadline = time.monotonic() + 5.0
        try:
            with time_limit(0.05):
                while time.monotonic() < deadline:
                    try:
                        time.sleep(0.001)
                    except FileTimeout:
                        if not happened:  # the first delivery, swallowed as a callback would
                            happened.append("swallowed")
                            continue
                        raise
        except FileTimeout:
            happened.append("timed out")

    if in_a_thread:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    else:
        work()
    assert happened == ["swallowed", "timed out"]


def test_a_timeout_is_remembered_for_the_same_or_a_smaller_limit_and_retried_under_a_larger(tmp_path: Path) -> None:
    """A re-run does not pay the limit again for a file that cannot finish within it."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    corpus.mkdir()
    (corpus / "slow.txt").write_text(HEAD + "采购周期为2年，" * 20000, encoding="utf-8")

    def run_under(seconds: float) -> tuple[int, str]:
        summary = run([str(corpus)], out, RunOptions(seconds_per_file=seconds))
        (entry,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
        assert entry["status"] == "failed"
        return summary.reused, entry["error"]

    assert run_under(0.1) == (0, "timed out: over 0.1 s for this file")
    remembered = (1, "timed out: over 0.1 s for this file in an earlier run; tried again only under a larger limit")
    assert run_under(0.1) == remembered
    assert run_under(0.05) == remembered
    assert run_under(0.2) == (0, "timed out: over 0.2 s for this file")


@pytest.mark.parametrize("seconds", [0.0, -1.0, math.nan, math.inf, 1e300])
def test_a_limit_that_is_no_positive_number_of_seconds_a_timer_can_count_is_none(tmp_path: Path, seconds: float) -> None:
    """setitimer rejects all but 0 (which it reads as none): each file failed with its error."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(CORPUS / "001_5bd8d455ddfe790f.txt", corpus)
    summary = run([str(corpus)], tmp_path / "out", RunOptions(seconds_per_file=seconds))
    assert (summary.files, summary.notices, summary.failed) == (1, 1, 0)
