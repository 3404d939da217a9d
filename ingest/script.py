"""Which script a notice is written in, and its simplified form.

Detection counts characters that OpenCC would convert in each direction. Characters
that only a simplified text has are noisy (OpenCC's s2t also rewrites variants such as
床→牀), so the verdict is a share of occurrences, not a yes/no per character.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from opencc import OpenCC

from ingest.textmap import MappedText, substitute

Script = Literal["simplified", "traditional", "mixed"]

TRADITIONAL_SHARE_AT_LEAST = 0.75
SIMPLIFIED_SHARE_AT_MOST = 0.10

_T2S = OpenCC("t2s")
_S2T = OpenCC("s2t")
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=65536)
def _is_traditional(char: str) -> bool:
    return _T2S.convert(char) != char


@lru_cache(maxsize=65536)
def _is_simplified_only(char: str) -> bool:
    return _S2T.convert(char) != char and not _is_traditional(char)


def detect_script(text: str) -> Script:
    traditional = sum(1 for char in text if _is_traditional(char))
    if not traditional:
        return "simplified"
    simplified = sum(1 for char in text if _is_simplified_only(char))
    share = traditional / (traditional + simplified)
    if share >= TRADITIONAL_SHARE_AT_LEAST:
        return "traditional"
    return "simplified" if share <= SIMPLIFIED_SHARE_AT_MOST else "mixed"


def _simplify_line(match: re.Match[str]) -> str:
    line = match.group()
    converted = _T2S.convert(line)
    if len(converted) == len(line):
        return converted
    return "".join(_T2S.convert(char) for char in line)


def to_simplified(mapped: MappedText) -> MappedText:
    """OpenCC t2s line by line; phrase rules apply, and the offset map stays exact.

    A line whose phrase conversion changes its length is converted character by
    character instead, so that offsets stay one to one.
    """
    if not any(_is_traditional(char) for char in mapped.text):
        return mapped
    return substitute(mapped, _LINE, _simplify_line)
