"""jieba's dictionary, read a first character at a time.

jieba's prefix dictionary maps each of its 349,046 words, and every prefix of them, to a
frequency: 0.58 million entries, which every process loaded before segmenting its first
phrase (0.17 s of CPU at best, more than a small daily batch costs to read). Segmenting a
phrase only ever looks up fragments of that phrase, and every fragment begins with one of
its characters. So the dictionary is shelved on disk by first character, once per
machine, beside jieba's own cache, and a character's entries join the tokenizer's
dictionary the first time a phrase holds it. Whatever jieba looks up is then what it would
have found with the whole dictionary loaded, so its words are the same: tests/test_nlp.py
compares the two.
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

SHELF_LAYOUT = 1  # bump when the shelf's layout changes: a shelf of another layout is never read
HEADER_SIZE = 8  # bytes: the length of the marshalled index that follows them
# What reading a shelf that is not one, or no longer whole, raises: it is then built again.
DAMAGED = (OSError, ValueError, EOFError, TypeError, AttributeError)


@contextmanager
def _without_pkg_resources() -> Iterator[None]:
    """jieba imports pkg_resources only to find its dict.txt, and falls back to the file
    beside its module when that import fails. pkg_resources costs 0.09 s to import (and is
    deprecated), so it is hidden for jieba's import unless something already loaded it."""
    if "pkg_resources" in sys.modules:
        yield
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import then raises ImportError
    try:
        yield
    finally:
        del sys.modules["pkg_resources"]


def import_jieba() -> ModuleType:
    with _without_pkg_resources():
        import jieba
    jieba.setLogLevel(60)
    return jieba


def load_whole(tokenizer: jieba.Tokenizer) -> None:
    """jieba's own start-up reads its dictionary cache with `marshal.load` on the open file,
    which calls back into Python for each of its entries: 0.45 s, against 0.17 s for the
    same bytes read first. A cache that cannot be read is rebuilt by jieba."""
    jieba = import_jieba()
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / (tokenizer.cache_file or "jieba.cache")
    if tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.initialized and cache.is_file():
        try:
            tokenizer.FREQ, tokenizer.total = marshal.loads(cache.read_bytes())
            tokenizer.initialized = True
        except (OSError, EOFError, ValueError, TypeError):
            pass  # unreadable: jieba rebuilds it below
    tokenizer.initialize()


class ShelvedDictionary:
    """A tokenizer whose dictionary holds the entries of the characters segmented so far.

    Its `admit(text)` must come before each `cut(text)`. Words added to the tokenizer
    (add_word, load_userdict) must be admitted first too: jieba files a word's prefixes
    beside the dictionary's entries for its first character."""

    def __init__(self, tokenizer: jieba.Tokenizer, shelf: bytes | mmap.mmap) -> None:
        index_size = int.from_bytes(shelf[:HEADER_SIZE], "little")
        self.total, self.index = marshal.loads(shelf[HEADER_SIZE : HEADER_SIZE + index_size])
        self.entries_start = HEADER_SIZE + index_size
        if len(shelf) != self.entries_start + sum(size for _, size in self.index.values()):
            raise ValueError("the shelf is cut short or has grown: it was not written by _shelved")
        self.shelf = shelf
        self.tokenizer = tokenizer
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {}, self.total, True
        self.admitted: set[str] = set()

    def admit(self, text: str) -> None:
        """The entries of each character of `text` not admitted yet; a thread that finds a
        character admitted finds its entries there (they are added first)."""
        for character in set(text).difference(self.admitted):
            place = self.index.get(character)
            if place is not None:
                start = self.entries_start + place[0]
                self.tokenizer.FREQ.update(marshal.loads(self.shelf[start : start + place[1]]))
            self.admitted.add(character)


def shelved_tokenizer(folder: str | None = None) -> ShelvedDictionary:
    """A tokenizer of its own over the shelved dictionary, made on first use on this machine
    in `folder` (jieba's: the temporary folder). jieba's default tokenizer is left alone:
    spaCy's jieba segmenter, in the same process, loads it whole as it always has."""
    tokenizer = import_jieba().Tokenizer()
    tokenizer.tmp_dir = folder
    return _shelved_dictionary(tokenizer)


def _shelved_dictionary(tokenizer: jieba.Tokenizer) -> ShelvedDictionary:
    """Over the shelf mapped from its file; over one built, and kept when the folder allows,
    when there is none for this jieba and this dictionary, or the one there is damaged."""
    path = _shelf_path(tokenizer)
    with suppress(*DAMAGED), path.open("rb") as stream:
        return ShelvedDictionary(tokenizer, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ))
    shelf = _shelved(tokenizer)
    with suppress(OSError):
        _write_atomically(path, shelf)
    return ShelvedDictionary(tokenizer, shelf)


def _shelf_path(tokenizer: jieba.Tokenizer) -> Path:
    """Named for what it was built from: jieba's version and its dictionary file as it is."""
    jieba = import_jieba()
    dictionary = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    status = dictionary.stat()
    key = f"{SHELF_LAYOUT} {jieba.__version__} {dictionary} {status.st_size} {status.st_mtime_ns}"
    name = f"policygraph-jieba-{hashlib.sha256(key.encode()).hexdigest()[:16]}.shelf"
    return Path(tokenizer.tmp_dir or tempfile.gettempdir()) / name


def _shelved(tokenizer: jieba.Tokenizer) -> bytes:
    """The whole dictionary, loaded once, as entries filed by first character: a header
    with the index's size, the index (total, {character: (offset, size)}, offsets counted
    from the end of the index), the entries."""
    whole = import_jieba().Tokenizer()
    whole.tmp_dir, whole.cache_file = tokenizer.tmp_dir, tokenizer.cache_file
    load_whole(whole)
    by_character: dict[str, dict[str, int]] = defaultdict(dict)
    for word, frequency in whole.FREQ.items():
        by_character[word[0]][word] = frequency
    chunks = {character: marshal.dumps(entries) for character, entries in by_character.items()}
    index, offset = {}, 0
    for character, chunk in chunks.items():
        index[character] = (offset, len(chunk))
        offset += len(chunk)
    head = marshal.dumps((whole.total, index))
    return len(head).to_bytes(HEADER_SIZE, "little") + head + b"".join(chunks.values())


def _write_atomically(path: Path, data: bytes) -> None:
    """Whole or not at all, as two processes building it at once may both write it."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep the machine's other users building their own
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
