"""Which script a notice is written in, and its simplified form.

Detection counts characters that OpenCC would convert in each direction. Characters
that only a simplified text has are noisy (OpenCC's s2t also rewrites variants such as
床→牀), so the verdict is a share of occurrences, not a yes/no per character. Both sets
of characters are OpenCC's answer for each character alone, kept in
data/script_characters.txt (`python -m ingest.script` writes it, a test checks it against
the OpenCC installed): reading the file costs a millisecond, asking OpenCC cost 0.08 s of
every run's start-up, most of it building the s2t converter. They are matched by a
compiled pattern, so a text already in simplified script costs one regex scan.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ingest.textmap import MappedText, substitute

if TYPE_CHECKING:
    from opencc import OpenCC

Script = Literal["simplified", "traditional", "mixed"]

TRADITIONAL_SHARE_AT_LEAST = 0.75
SIMPLIFIED_SHARE_AT_MOST = 0.10
HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
SCRIPT_CHARACTERS = Path(__file__).with_name("data") / "script_characters.txt"
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    """Built when a text first holds a traditional character (0.005 s)."""
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(traditional characters, characters only simplified script has)."""
    traditional, simplified_only = SCRIPT_CHARACTERS.read_text(encoding="utf-8").splitlines()
    return _char_class(traditional), _char_class(simplified_only)


def character_sets_from_opencc() -> tuple[str, str]:
    """What data/script_characters.txt holds, from the OpenCC installed.

    Each character is converted alone, one to a line: OpenCC matches no phrase across a line
    break, and one call over all 52,000 costs a fifth of a call per character."""
    from opencc import OpenCC

    han = [chr(code) for start, stop in HAN_RANGES for code in range(start, stop)]
    as_simplified = OpenCC("t2s").convert("\n".join(han)).split("\n")
    as_traditional = OpenCC("s2t").convert("\n".join(han)).split("\n")
    traditional = {char for char, converted in zip(han, as_simplified, strict=True) if converted != char}
    simplified_only = {
        char
        for char, converted in zip(han, as_traditional, strict=True)
        if char not in traditional and converted != char
    }
    return "".join(sorted(traditional)), "".join(sorted(simplified_only))


def _char_class(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")


def detect_script(text: str) -> Script:
    traditional_chars, simplified_chars = _patterns()
    traditional = len(traditional_chars.findall(text))
    if not traditional:
        return "simplified"
    simplified = len(simplified_chars.findall(text))
    share = traditional / (traditional + simplified)
    if share >= TRADITIONAL_SHARE_AT_LEAST:
        return "traditional"
    return "simplified" if share <= SIMPLIFIED_SHARE_AT_MOST else "mixed"


def _simplify_line(match: re.Match[str]) -> str:
    line = match.group()
    if not _patterns()[0].search(line):
        return line
    converted = _t2s().convert(line)
    if len(converted) == len(line):
        return converted
    return "".join(_t2s().convert(char) for char in line)


def has_traditional(text: str) -> bool:
    """Whether `text` holds a character t2s converts. A file without one needs neither
    conversion nor a count per notice: one scan of the file tells both (each scan is 1% of
    a run)."""
    return _patterns()[0].search(text) is not None


def to_simplified(mapped: MappedText, traditional: bool | None = None) -> MappedText:
    """OpenCC t2s line by line; phrase rules apply, and the offset map stays exact.

    Only lines holding a traditional character are converted; a line whose phrase
    conversion changes its length is converted character by character instead, so
    that offsets stay one to one. `traditional` is has_traditional of the text or of the
    source it came from, when the caller knows it.
    """
    if not (has_traditional(mapped.text) if traditional is None else traditional):
        return mapped
    return substitute(mapped, _LINE, _simplify_line)


if __name__ == "__main__":
    SCRIPT_CHARACTERS.write_text("\n".join(character_sets_from_opencc()) + "\n", encoding="utf-8")
