"""A run's list of input files: kept compactly, it gives back every path exactly as listed,
in the order and with the skip reasons a plain list gave, and its fingerprint as before."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path, PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policygraph import state
from policygraph.executors import _chunks
from policygraph.inputs import NOTICE_SUFFIXES, PATHS_DECODED_TOGETHER, InputFile, InputFiles, collect

ODD_PATHS = [
    "plain.txt",
    "a\\b.txt",  # a backslash, which shown_path doubles: kept as one here
    os.fsdecode(b"\xd6\xd0\xce\xc4.txt"),  # a GBK name, held as surrogates
    "\ud83d\ude00 two surrogates, not one character.txt",
    "公告\U0002c317.pdf",  # a character beyond the BMP
    "",
]
GBK_NAME = os.fsdecode(b"\xd6\xd0.txt")  # 中.txt in GBK, held as surrogates
# Any character a str may hold but the null, which no path holds.
PATH_TEXT = st.text(st.characters(codec=None, exclude_categories=(), exclude_characters="\0"))


def files_of(paths: list[str], skip_reasons: dict[str, str]) -> list[InputFile]:
    return [InputFile(path, skip_reasons.get(path)) for path in paths]


def test_odd_paths_come_back_exactly() -> None:
    reasons = {ODD_PATHS[1]: "a reason"}
    files = InputFiles(ODD_PATHS, reasons)
    assert list(files) == files_of(ODD_PATHS, reasons)
    assert list(files.paths()) == ODD_PATHS
    assert [files[index] for index in range(-len(ODD_PATHS), len(ODD_PATHS))] == files_of(ODD_PATHS * 2, reasons)


@given(st.lists(PATH_TEXT), st.slices(20))
def test_any_paths_come_back_in_order_whole_and_sliced(paths: list[str], taken: slice) -> None:
    files = InputFiles(paths, {path: "skipped" for path in paths[::3]})
    expected = files_of(paths, {path: "skipped" for path in paths[::3]})
    assert len(files) == len(paths)
    assert list(files) == expected
    assert files[taken] == expected[taken]


def test_paths_are_decoded_together_across_the_chunks_edges() -> None:
    paths = [f"{number}/\udcff{'x' * (number % 7)}" for number in range(2 * PATHS_DECODED_TOGETHER + 3)]
    files = InputFiles(paths)
    assert list(files.paths()) == paths
    edge = PATHS_DECODED_TOGETHER
    assert [file.path for file in files[edge - 2 : edge + 2]] == paths[edge - 2 : edge + 2]


def test_an_index_past_the_end_is_an_index_error() -> None:
    with pytest.raises(IndexError):
        InputFiles(["a.txt"])[1]
    with pytest.raises(IndexError):
        InputFiles(["a.txt"])[-2]


def test_a_path_with_a_null_is_refused_rather_than_split() -> None:
    with pytest.raises(ValueError, match="null"):
        InputFiles(["a\0b.txt"])


def test_picked_keeps_the_chosen_files_in_order_with_their_reasons() -> None:
    reasons = {ODD_PATHS[2]: "a reason"}
    chosen = [index % 2 == 0 for index in range(len(ODD_PATHS))]
    picked = InputFiles(ODD_PATHS, reasons).picked(chosen)
    assert list(picked) == files_of(ODD_PATHS[::2], reasons)


def test_a_chunk_handed_to_a_worker_pickles_small_and_whole() -> None:
    """Workers get a chunk of files, not the run's whole list."""
    paths = [f"/archive/{number:06}/{ODD_PATHS[number % len(ODD_PATHS)]}" for number in range(10_000)]
    files = InputFiles(paths, {paths[1]: "a reason"})
    chunk = next(_chunks(files))
    pickled = pickle.dumps(chunk)
    assert pickle.loads(pickled) == tuple(files_of(paths[: len(chunk)], {paths[1]: "a reason"}))
    assert len(pickled) < 100 * len(chunk)
    assert list(pickle.loads(pickle.dumps(files))) == list(files)


def odd_folder(root: Path) -> Path:
    """Names a plain list of files once held in this order, with these reasons."""
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    for name in ("b.txt", "a\\b.txt", "公告.PDF", "data.json", "noext", ".hidden.txt", "sub/c.txt"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / GBK_NAME).write_text("x", encoding="utf-8")
    (folder / "sub" / "again.txt").symlink_to(folder / "b.txt")  # reached first as b.txt
    (folder / "linked").symlink_to(folder / "sub", target_is_directory=True)
    return folder


def test_collect_lists_each_file_once_in_order_of_path(tmp_path: Path) -> None:
    folder = odd_folder(tmp_path)
    found = collect([str(folder), str(folder / "sub" / "c.txt"), str(folder / "b.txt")])
    assert [(file.path, file.skip_reason) for file in found] == [
        (f"{folder}/a\\b.txt", None),
        (f"{folder}/b.txt", None),
        (
            f"{folder}/data.json",
            f"not a notice format: .json files are not read (reads {', '.join(sorted(NOTICE_SUFFIXES))})",
        ),
        (f"{folder}/linked", "a link to a folder: not followed, so that a link back to a parent cannot loop"),
        (f"{folder}/noext", None),
        (f"{folder}/sub/c.txt", None),
        (f"{folder}/公告.PDF", None),
        (f"{folder}/{GBK_NAME}", None),
    ]


@given(st.lists(st.sampled_from(["a", ".", "b", "PDF", "txt", "doc", "json", "公告"]), max_size=8))
def test_a_file_is_skipped_by_its_suffix_as_pathlib_reads_it(parts: list[str]) -> None:
    [found] = collect(["/no-such-folder/" + "".join(parts)])
    suffix = PurePath(found.path).suffix
    assert (found.skip_reason is None) == (not suffix or suffix.lower() in NOTICE_SUFFIXES)


def test_the_fingerprint_is_the_one_existing_output_folders_hold(tmp_path: Path) -> None:
    """Each folder's state keeps the fingerprint of the files it read: another way of
    taking it must give the same digest, or every folder would be run again."""
    folder = odd_folder(tmp_path)
    (folder / "broken.txt").symlink_to(folder / "nowhere.txt")
    stock = state.take_stock([str(folder)], tmp_path / "out", False, 0.0)
    assert stock.files == digest_as_first_recorded([file.path for file in stock.items])


def digest_as_first_recorded(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        try:
            status = os.stat(path)
            shown = f"{status.st_size} {status.st_mtime_ns}"
        except OSError:
            shown = "unreadable"
        digest.update(f"{path}\0{shown}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def test_the_fingerprint_is_the_same_across_the_edges_of_the_lines_hashed_together() -> None:
    edge = state.LINES_HASHED_TOGETHER
    paths = [f"/no-such-folder/{number:05}.txt" for number in range(2 * edge + 1)]
    paths[edge - 1 : edge + 1] = [__file__, str(Path(__file__).parent / "conftest.py")]  # readable, on the edge
    items = InputFiles(sorted(paths))
    assert state.fingerprint(items, state.Sightings(items)) == digest_as_first_recorded(sorted(paths))
