"""Which files a run reads: the files named, and every file below the folders named."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NOTICE_SUFFIXES = {".txt", ".text", ".md", ".pdf", ".html", ".htm", ".docx", ".doc"}  # .doc: to refuse it clearly


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, kept as small as it can be: a national batch lists hundreds of thousands."""

    shown_as: str  # the path as the user gave it, for the manifest and the records
    skip_reason: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.shown_as)


def collect(inputs: list[str]) -> list[InputFile]:
    """Every file once, in a stable order; folders are walked without following links."""
    seen: set[str] = set()
    found: list[InputFile] = []
    for given in inputs:
        root = Path(given)
        for path in _walk(root) if root.is_dir() else [root]:
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                found.append(InputFile(str(path), _skip_reason(path)))
    return sorted(found, key=lambda item: item.shown_as)


def _walk(root: Path) -> list[Path]:
    """Linked folders are listed, not entered: a link can loop back to its own parent."""
    files = []
    for folder, subfolders, names in os.walk(root, followlinks=False):
        linked = [name for name in subfolders if (Path(folder) / name).is_symlink()]
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".") and name not in linked)
        files += [Path(folder) / name for name in sorted([*names, *linked]) if not name.startswith(".")]
    return files


def _skip_reason(path: Path) -> str | None:
    if path.is_dir():
        return "a link to a folder: not followed, so that a link back to a parent cannot loop"
    if path.suffix.lower() in NOTICE_SUFFIXES or not path.suffix:
        return None
    return f"not a notice format: {path.suffix} files are not read (reads {', '.join(sorted(NOTICE_SUFFIXES))})"
