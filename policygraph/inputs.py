"""Which files a run reads: the files named, and every file below the folders named."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import attrgetter
from pathlib import Path
from typing import overload

NOTICE_SUFFIXES = {".txt", ".text", ".md", ".pdf", ".html", ".htm", ".docx", ".doc"}  # .doc: to refuse it clearly
NOTICE_ENDINGS = tuple(NOTICE_SUFFIXES)
# How InputFiles keeps a path as bytes: any str there is, surrogates included, comes back exactly.
PATH_CODEC = ("utf-8", "surrogatepass")
PATHS_DECODED_TOGETHER = 1024


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read; a run's are kept as InputFiles, which makes one only when it is asked for."""

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
    if "\\" in path or not (path.isascii() or _is_utf8(path)):
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


class InputFiles(Sequence[InputFile]):
    """A run's input files, held for the whole run: a run retried after an unusable database
    reads them again. Every path is kept as bytes in one buffer, each ended by a null (no
    path holds one, and no character's UTF-8 but the null's holds a zero byte), with where
    each begins in an array of machine integers, and the few skip reasons by path: about 35
    bytes a file, where a list of InputFile took 130, 13 MB of a run's peak memory at
    100,000 files. An InputFile is made only when one is asked for."""

    def __init__(self, paths: Iterable[str] = (), skip_reasons: Mapping[str, str] | None = None) -> None:
        encoded = [path.encode(*PATH_CODEC) for path in paths]
        self._buffer = b"".join(path + b"\0" for path in encoded)
        if self._buffer.count(b"\0") != len(encoded):
            raise ValueError("a path holds a null character, which no file's path can")
        self._starts = array("q", accumulate((len(path) + 1 for path in encoded), initial=0))  # and the end
        self._skip_reasons = dict(skip_reasons or {})

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, index: int) -> InputFile: ...

    @overload
    def __getitem__(self, index: slice) -> list[InputFile]: ...

    def __getitem__(self, index: int | slice) -> InputFile | list[InputFile]:
        """A slice is a list: callers take a few hundred files at a time."""
        if isinstance(index, slice):
            positions = range(len(self))[index]
            paths = self._paths(positions.start, positions.stop) if positions.step == 1 else map(self._path, positions)
            return list(map(self._file, paths))
        return self._file(self._path(range(len(self))[index]))  # counted from the end if negative, as a list's

    def __iter__(self) -> Iterator[InputFile]:
        return map(self._file, self.paths())

    def paths(self) -> Iterator[str]:
        """Each file's path, in order, without making an InputFile of it."""
        for start in range(0, len(self), PATHS_DECODED_TOGETHER):
            yield from self._paths(start, min(start + PATHS_DECODED_TOGETHER, len(self)))

    def picked(self, chosen: Iterable[bool]) -> InputFiles:
        """The files `chosen` marks, in order, kept as compactly: those a run has still to read."""
        return InputFiles(compress(self.paths(), chosen), self._skip_reasons)

    def _paths(self, start: int, stop: int) -> list[str]:
        """The paths of the files from `start` to `stop`, decoded together: one by one, the
        decoding cost three times as much."""
        if start >= stop:
            return []
        encoded = self._buffer[self._starts[start] : self._starts[stop] - 1]  # without the last null
        return encoded.decode(*PATH_CODEC).split("\0")

    def _path(self, position: int) -> str:
        return self._paths(position, position + 1)[0]

    def skip_reason(self, path: str) -> str | None:
        """Why the file at `path` is not read, if it is not: asked without making an InputFile."""
        return self._skip_reasons.get(path)

    def _file(self, path: str) -> InputFile:
        return InputFile(path, self.skip_reason(path))


def collect(inputs: list[str], exclude: Path | None = None) -> InputFiles:
    """Every file once, in a stable order (by path); folders are walked without following
    links, and without entering `exclude`: a run's output folder inside an input folder is
    not read."""
    paths, skip_reasons = _each_file_once(inputs, exclude)
    paths.sort()
    return InputFiles(paths, skip_reasons)


def _each_file_once(inputs: list[str], exclude: Path | None) -> tuple[list[str], dict[str, str]]:
    """The files' paths and skip reasons; the real paths that told them apart are let go
    here, before the paths are packed (12 MB at 100,000 files)."""
    found = _Found()
    excluded = os.path.realpath(exclude) if exclude else None
    for given in inputs:
        root = str(Path(given))
        real = os.path.realpath(root)
        if os.path.isdir(root):
            _walk(root, real, excluded, found)
        else:
            found.add(root, real)
    return found.paths, found.skip_reasons


class _Found:
    """The files a walk has reached. A file reached twice, by two inputs or through a link,
    is the first one reached: its real path, with every link resolved, says which."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.skip_reasons: dict[str, str] = {}
        self.reals: set[str] = set()

    def add(self, path: str, real: str, linked_folder: bool = False) -> None:
        if real in self.reals:
            return
        self.reals.add(real)
        self.paths.append(path)
        # Most files are read, and known to be by their path's ending.
        if (linked_folder or not path.endswith(NOTICE_ENDINGS)) and (reason := _skip_reason(path, linked_folder)):
            self.skip_reasons[path] = reason


def _walk(folder: str, real_folder: str, excluded: str | None, found: _Found) -> None:
    """Each folder's files before its subfolders', by name. Linked folders are listed, not
    entered: a link can loop back to its own parent. Only links are resolved one by one;
    the real path of anything else is its folder's and its name, which a batch of 100,000
    files spares 800,000 system calls (and the folder's is joined once, not once a file).
    Files go straight to `found`: a generator per folder level cost a third of the walk."""
    if real_folder == excluded:
        return
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=attrgetter("name"))
    except OSError:  # a folder that cannot be listed holds nothing the run can read
        return
    real_prefix = os.path.join(real_folder, "")
    subfolders = []
    for entry in entries:
        if entry.is_symlink():
            found.add(entry.path, os.path.realpath(entry.path), _links_to_folder(entry))
        elif entry.is_dir():
            subfolders.append(entry)
        else:
            found.add(entry.path, real_prefix + entry.name)
    for entry in subfolders:
        _walk(entry.path, real_prefix + entry.name, excluded, found)


def _links_to_folder(link: os.DirEntry) -> bool:
    """A link that loops or leads nowhere is no folder; reading it will say which it is."""
    try:
        return link.is_dir()
    except OSError:
        return False


def _skip_reason(path: str, linked_folder: bool) -> str | None:
    if linked_folder:
        return "a link to a folder: not followed, so that a link back to a parent cannot loop"
    suffix = _suffix(path)
    if suffix.lower() in NOTICE_SUFFIXES or not suffix:
        return None
    return f"not a notice format: {suffix} files are not read (reads {', '.join(sorted(NOTICE_SUFFIXES))})"


def _suffix(path: str) -> str:
    """PurePath.suffix without making a Path per file, the most of listing 100,000 files."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""
