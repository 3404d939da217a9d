"""Hostile inputs: whatever a folder, a file name or a notice holds, the batch goes on.

Each case is built in a folder beside a good notice from the bundled corpus and run through
the pipeline; the case gets its status and a one-line reason in the manifest, and the good
notice's records come out exactly as they do from a folder of good notices only.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.store import DATABASE_NAME
from ingest.reading import read_file
from ingest.source import DecodeError
from policygraph.cache import CACHE_PATH
from policygraph.pipeline import run
from policygraph.state import RunOptions
from tests.conftest import CORPUS, file_records

GOOD = CORPUS / "000_61ff265ac555f13c.txt"
OTHER = CORPUS / "001_5bd8d455ddfe790f.txt"  # read under hostile names
OTHER_NUMBER = "辽医保〔2022〕80号"
THIRD = CORPUS / "002_3c2483d3016c1a44.txt"
GBK_NAME = b"\xd6\xd0\xce\xc4.txt"  # 中文.txt, as an archive made on Chinese Windows names it
GBK_NAME_SHOWN = "\\xd6\\xd0\\xce\\xc4.txt"
ESCAPES_NAME_SHOWN = "\\\\xd6\\\\xd0\\\\xce\\\\xc4.txt"  # a file named GBK_NAME_SHOWN: its backslashes doubled
NOT_REGULAR = "not a regular file: {kind}, which holds no notice"
LINK_LOOP = "a link that loops: following it leads back to a link already followed (or through over 40 links)"
UNBLOCK_EVERY_SECONDS = 2.0
SOURCE_OFFSETS = ("source_start", "source_end")


@dataclass
class Outputs:
    """What a run wrote, by the path each file is shown under."""

    out: Path
    entries: dict[str, dict]
    records: dict[str, list[dict]]

    def reason(self, path: Path | str) -> tuple[str, str | None]:
        entry = self.entries[str(path)]
        return entry["status"], entry["error"]


def run_folder(folder: Path, *more_inputs: str, options: RunOptions | None = None) -> Outputs:
    out = folder.parent / "out"
    run([str(folder), *more_inputs], out, options)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    records = defaultdict(list)
    for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records[record["source"]["file"]].append(record)
    return Outputs(out, {entry["path"]: entry for entry in manifest["files"]}, records)


def without_source(records: list[dict]) -> list[dict]:
    """The records as they read whatever the file's name and bytes (a page's charset)."""
    return [{**record, "source": None} for record in records]


def without_source_offsets(value: object) -> object:
    """A record as it reads: where its quotes sit in the decoded file left out."""
    if isinstance(value, dict):
        return {key: without_source_offsets(item) for key, item in value.items() if key not in SOURCE_OFFSETS}
    if isinstance(value, list):
        return [without_source_offsets(item) for item in value]
    return value


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """The two samples' records read from a folder of good notices only."""
    folder = tmp_path_factory.mktemp("plain") / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.txt")
    shutil.copy(OTHER, folder / "other.txt")
    outputs = run_folder(folder)
    return {name: without_source(outputs.records[str(folder / name)]) for name in ("good.txt", "other.txt")}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An input folder holding the good notice."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.txt")
    return folder


def assert_good_unchanged(outputs: Outputs, folder: Path, plain: dict[str, list[dict]]) -> None:
    assert outputs.reason(folder / "good.txt") == ("ok", None)
    assert without_source(outputs.records[str(folder / "good.txt")]) == plain["good.txt"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_name_that_is_not_utf8_is_read_and_shown_with_escapes(folder: Path, plain: dict, jobs: int) -> None:
    with open(os.fsencode(folder) + b"/" + GBK_NAME, "wb") as stream:
        stream.write(OTHER.read_bytes())
    shutil.copy(THIRD, folder / GBK_NAME_SHOWN)  # a UTF-8 name that reads as the escapes
    outputs = run_folder(folder, options=RunOptions(jobs=jobs))
    shown = f"{folder}/{GBK_NAME_SHOWN}"
    assert outputs.reason(shown) == ("ok", None)
    assert outputs.reason(f"{folder}/{ESCAPES_NAME_SHOWN}") == ("ok", None)
    assert outputs.entries[shown]["notices"] == [OTHER_NUMBER]
    assert without_source(outputs.records[shown]) == plain["other.txt"]
    with sqlite3.connect(outputs.out / DATABASE_NAME) as database:
        assert database.execute("SELECT file FROM notices WHERE id = ?", (OTHER_NUMBER,)).fetchall() == [(shown,)]
        assert (shown,) in database.execute("SELECT path FROM files").fetchall()
    with sqlite3.connect(outputs.out / CACHE_PATH) as cache:
        assert (shown,) in cache.execute("SELECT file FROM results").fetchall()
    graph = json.loads((outputs.out / "graph.json").read_text(encoding="utf-8"))
    assert [node["file"] for node in graph["nodes"] if node["id"] == OTHER_NUMBER] == [shown]
    assert_good_unchanged(outputs, folder, plain)


@contextmanager
def writer_now_and_then(fifo: Path) -> Iterator[None]:
    """Opens the pipe's writing end now and then: a run that blocks opening the pipe then
    reads it as empty and ends, so that the test fails instead of hanging."""
    stop = threading.Event()

    def unblock() -> None:
        while not stop.wait(UNBLOCK_EVERY_SECONDS):
            with suppress(OSError):  # no reader waiting: nothing to unblock
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_a_named_pipe_is_refused_without_blocking(folder: Path, plain: dict) -> None:
    os.mkfifo(folder / "x.txt")
    with writer_now_and_then(folder / "x.txt"):
        outputs = run_folder(folder, options=RunOptions(jobs=2, seconds_per_file=5))
    assert outputs.reason(folder / "x.txt") == ("failed", NOT_REGULAR.format(kind="a named pipe (FIFO)"))
    assert_good_unchanged(outputs, folder, plain)


def test_a_socket_is_refused(folder: Path, plain: dict) -> None:
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(folder / "s.txt"))
        outputs = run_folder(folder)
    assert outputs.reason(folder / "s.txt") == ("failed", NOT_REGULAR.format(kind="a socket"))
    assert_good_unchanged(outputs, folder, plain)


def test_a_link_to_an_endless_device_is_refused_before_reading(folder: Path, plain: dict) -> None:
    (folder / "zero.txt").symlink_to("/dev/zero")
    outputs = run_folder(folder)
    assert outputs.reason(folder / "zero.txt") == ("failed", NOT_REGULAR.format(kind="a character device"))
    assert_good_unchanged(outputs, folder, plain)


def test_the_size_limit_holds_for_the_bytes_read_not_the_size_reported() -> None:
    """A /proc file reports a size of 0 and holds more."""
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(DecodeError, match=r"^file too large: more than the limit of 64 bytes$"):
        read_file("/proc/self/maps", max_bytes=64)
    assert b"[stack]" in read_file("/proc/self/maps")


def test_links_that_loop_break_or_chain_each_get_their_outcome(folder: Path, plain: dict) -> None:
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "broken.txt").symlink_to("nowhere.txt")
    shutil.copy(OTHER, folder.parent / "other.txt")
    (folder.parent / "middle.txt").symlink_to(folder.parent / "other.txt")
    (folder / "chain.txt").symlink_to(folder.parent / "middle.txt")
    missing = folder.parent / "missing"
    outputs = run_folder(folder, str(missing))
    assert outputs.reason(folder / "a.txt") == ("failed", LINK_LOOP)
    assert outputs.reason(folder / "b.txt") == ("failed", LINK_LOOP)
    assert outputs.reason(folder / "broken.txt") == ("failed", "a broken link: the file it points to does not exist")
    assert outputs.reason(missing) == ("failed", "no such file or folder")
    assert outputs.reason(folder / "chain.txt") == ("ok", None)
    assert without_source(outputs.records[str(folder / "chain.txt")]) == plain["other.txt"]
    assert_good_unchanged(outputs, folder, plain)


# Charsets a page can declare that are no text encoding a browser knows: Python's codec
# registry holds them (transforms, codecs for Python source), browsers ignore them.
NOT_PAGE_CHARSETS = ("base64", "rot13", "zlib", "hex", "uu", "undefined", "unicode_escape", "utf-7")
# A page that declares UTF-16 in a <meta> tag is read as ASCII to find it: browsers take it
# as UTF-8, and here the bytes then decide.
MISDECLARED_CHARSETS = ("utf-16", "utf-16be")
NOTICE_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head><body>'
    "<p>山东省医疗保障局</p><p>鲁医保函〔2024〕99号</p><p>关于做好人工晶体类耗材集中带量采购中选结果落地工作的通知</p>"
    "<p>各市医疗保障局：</p><p>现将有关事项通知如下。采购周期为两年。</p>"
    "<p>山东省医疗保障局</p><p>2024年3月1日</p></body></html>"
)


def test_a_charset_that_is_no_text_encoding_is_ignored(folder: Path, plain: dict) -> None:
    """Each page read alone gives the record of the page declaring gbk; in one run they are its copies."""
    charsets = ("gbk", *NOT_PAGE_CHARSETS, *MISDECLARED_CHARSETS)
    for charset in charsets:
        (folder / f"{charset}.html").write_bytes(NOTICE_PAGE.format(charset=charset).encode("gbk"))
    outputs = run_folder(folder)
    declared_gbk = without_source(file_records(folder / "gbk.html"))
    assert [record["doc_number"] for record in declared_gbk] == ["鲁医保函〔2024〕99号"]
    for charset in charsets:
        assert outputs.reason(folder / f"{charset}.html") == ("ok", None), charset
        assert without_source(file_records(folder / f"{charset}.html")) == declared_gbk, charset
    assert_good_unchanged(outputs, folder, plain)


# The start of a PDF cut off before its end: a header and objects, no end-of-file mark.
CUT_OFF_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"
FILES_NAMED_PDF = {
    "cut.pdf": (CUT_OFF_PDF, "truncated PDF: the file stops before the PDF's end-of-file mark; download it again"),
    "header.pdf": (b"%PDF-1.7 fake", "not a PDF: the file starts as a PDF does but holds no PDF objects"),
    "notice.pdf": (
        OTHER.read_bytes(),
        "not a PDF: the name ends in .pdf but the file holds text (rename it .txt to have it read)",
    ),
    "error.pdf": (
        b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
        "not a PDF: the name ends in .pdf but the file holds a web page, often the error page of a failed "
        "download; download it again",
    ),
    "noise.pdf": (bytes(range(256)), "not a PDF: the name ends in .pdf but the file holds data of another kind"),
}


def test_a_file_named_pdf_is_told_apart_from_a_cut_off_pdf(folder: Path, plain: dict) -> None:
    for name, (content, _) in FILES_NAMED_PDF.items():
        (folder / name).write_bytes(content)
    outputs = run_folder(folder)
    for name, (_, reason) in FILES_NAMED_PDF.items():
        assert outputs.reason(folder / name) == ("failed", reason)
    assert_good_unchanged(outputs, folder, plain)


# Characters that print as nothing: the soft hyphen, zero-width spaces and joiners, the word
# joiner and an invisible operator, the byte-order mark, and the marks, embeddings, overrides
# and isolates of bidirectional text.
INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u2060\u2061\ufeff"
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
NUMBER = "聊医保函〔2024〕13号"
INSIDE_NUMBER = (2, 3, 5, 7, 9, 11)  # within the code, before and within the year, before the serial


def test_invisible_characters_inside_a_doc_number_are_read_as_absent(folder: Path, plain: dict) -> None:
    """Read alone, each file gives the good notice's record; in one run they are all one notice."""
    source = GOOD.read_text(encoding="utf-8")
    for index, character in enumerate(INVISIBLE):
        at = INSIDE_NUMBER[index % len(INSIDE_NUMBER)]
        hidden = source.replace(NUMBER, NUMBER[:at] + character + NUMBER[at:])
        (folder / f"{ord(character):04x}.txt").write_text(hidden, encoding="utf-8")
    outputs = run_folder(folder)
    for character in INVISIBLE:
        path = folder / f"{ord(character):04x}.txt"
        records = file_records(path)
        assert without_source_offsets(without_source(records)) == without_source_offsets(plain["good.txt"])
        decoded = path.read_text(encoding="utf-8")
        evidence = records[0]["field_evidence"]["doc_number"]
        assert records[0]["text"][evidence["start"] : evidence["end"]] == evidence["quote"] == NUMBER
        assert decoded[evidence["source_start"] : evidence["source_end"]].replace(character, "") == NUMBER
    records = [record for records in outputs.records.values() for record in records]
    assert [record["id"] for record in records] == [record["id"] for record in plain["good.txt"]]
    for record in records:
        files = {record["source"]["file"], *(copy["file"] for copy in record["copies"])}
        assert files == {str(path) for path in folder.iterdir()}
