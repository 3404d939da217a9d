"""Which files a run reads: the files named, and every file below the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

NOTICE_SUFFIXES = {".txt", ".text", ".md", ".pdf", ".html", ".htm", ".docx", ".doc"}  # .doc: to refuse it clearly


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, kept as small as it can be: a national batch lists hundreds of thousands."""

    path: str  # the path as the user gave it, to open: undecodable bytes of its name kept as surrogates
    skip_reason: str | None = None

    @property
    def shown_as(self) -> str:
        """The path for the manifest, the records and the database, which hold UTF-8 only."""
        return shown_path(self.path)


def shown_path(path: str) -> str:
    """`path` as valid UTF-8: each byte of it that is not UTF-8 written as an escape (`\\xd6`),
    and each backslash doubled, so that no two paths are shown alike. A name unzipped from a
    Windows archive is often in GBK; Python keeps such bytes as surrogates, which open the
    file but which no UTF-8 output can hold."""
    if "\\" in path or not _is_utf8(path):
        escaped = os.fsencode(path).replace(b"\\", b"\\\\")  # the escapes' own mark, doubled
        return escaped.decode("utf-8", "backslashreplace")
    return path


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def given_path(shown: str) -> str:
    """The path `shown_path` shows as `shown`: each escape of a byte made that byte again,
    each doubled backslash one (the escapes Python writes bytes with, which it reads back)."""
    if "\\" not in shown:
        return shown
    return os.fsdecode(shown.encode("utf-8").decode("unicode_escape").encode("latin-1"))


def collect(inputs: list[str], exclude: Path | None = None) -> list[InputFile]:
    """Every file once, in a stable order; folders are walked without following links, and
    without entering `exclude`: a run's output folder inside an input folder is not read."""
    seen: set[str] = set()
    found: list[InputFile] = []
    excluded = os.path.realpath(exclude) if exclude else None
    for given in inputs:
        root = str(Path(given))
        real = os.path.realpath(root)
        entries = _walk(root, real, excluded) if os.path.isdir(root) else [_Entry(root, real)]
        for entry in entries:
            if entry.real not in seen:
                seen.add(entry.real)
                found.append(InputFile(entry.path, _skip_reason(entry)))
    return sorted(found, key=lambda item: item.path)


class _Entry(NamedTuple):
    path: str
    real: str  # the path with every link resolved: one file reached twice is read once
    linked_folder: bool = False


def _walk(folder: str, real_folder: str, excluded: str | None) -> Iterator[_Entry]:
    """Each folder's files before its subfolders', by name. Linked folders are listed, not
    entered: a link can loop back to its own parent. Only links are resolved one by one;
    the real path of anything else is its folder's, which a batch of 100,000 files spares
    800,000 system calls."""
    if real_folder == excluded:
        return
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda entry: entry.name)
    except OSError:  # a folder that cannot be listed holds nothing the run can read
        return
    subfolders = []
    for entry in entries:
        if entry.is_symlink():
            yield _Entry(entry.path, os.path.realpath(entry.path), _links_to_folder(entry))
        elif entry.is_dir():
            subfolders.append(entry)
        else:
            yield _Entry(entry.path, os.path.join(real_folder, entry.name))
    for entry in subfolders:
        yield from _walk(entry.path, os.path.join(real_folder, entry.name), excluded)


def _links_to_folder(link: os.DirEntry) -> bool:
    """A link that loops or leads nowhere is no folder; reading it will say which it is."""
    try:
        return link.is_dir()
    except OSError:
        return False


def _skip_reason(entry: _Entry) -> str | None:
    if entry.linked_folder:
        return "a link to a folder: not followed, so that a link back to a parent cannot loop"
    suffix = _suffix(entry.path)
    if suffix.lower() in NOTICE_SUFFIXES or not suffix:
        return None
    return f"not a notice format: {suffix} files are not read (reads {', '.join(sorted(NOTICE_SUFFIXES))})"


def _suffix(path: str) -> str:
    """PurePath.suffix without making a Path per file, the most of listing 100,000 files."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""
