"""jieba over its shelved dictionary must cut every text as jieba with its whole dictionary does."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.dictionary import load_whole, shelved_tokenizer
from extract.nlp import DOMAIN_TERMS, segmenter, tokens

PHRASES = ["本次集中带量采购中选产品", "医保基金预付比例不低于30%", "患者个人先行自付比例调整为"]
BUNDLED = Path(__file__).resolve().parents[1] / "corpus"
# Written for this test, in no corpus: rare characters, mixed scripts, Latin and digits.
UNSEEN = [
    "鄂尔多斯市医疗保障局关于落实第十批国家组织药品集采中选结果的通知",
    "醫療保障局轉發省藥品集中帶量採購文件",
    "骨科脊柱類耗材GH-GK2024-3號，協議期滿後續簽",
    "新疆生产建设兵团第八师石河子市医保局",
    "",
    "   ",
    "ＡＢＣ１２３，％——《》",
]


def _whole_jieba(folder: str | None = None, domain_terms: bool = True) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = folder
    load_whole(tokenizer)
    if domain_terms:
        tokenizer.load_userdict(str(DOMAIN_TERMS))
    return tokenizer


WHOLE = _whole_jieba()
JIEBAS_OWN = _whole_jieba(domain_terms=False)


def _sentences() -> list[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(BUNDLED.glob("*.txt")))
    return [sentence for sentence in re.split(r"[。；\n]", text) if sentence.strip()]


def test_every_sentence_of_the_bundled_notices_is_cut_as_the_whole_dictionary_cuts_it() -> None:
    sentences = _sentences() + UNSEEN
    assert len(sentences) > 100
    assert [tokens(sentence) for sentence in sentences] == [
        [word for word in WHOLE.cut(sentence, cut_all=False) if word] for sentence in sentences
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="".join(sorted(set("".join(PHRASES + UNSEEN)))) + "的了是在医药耗材省市县区局", max_size=40))
def test_any_text_of_these_characters_is_cut_as_the_whole_dictionary_cuts_it(text: str) -> None:
    assert tokens(text) == [word for word in WHOLE.cut(text, cut_all=False) if word]


def test_a_shelf_is_built_where_there_is_none_and_then_read(tmp_path) -> None:
    built = shelved_tokenizer(str(tmp_path))
    shelves = list(tmp_path.glob("policygraph-jieba-*.shelf"))
    assert len(shelves) == 1 and shelves[0].stat().st_mode & 0o777 == 0o644
    read = shelved_tokenizer(str(tmp_path))
    assert not isinstance(read.shelf, bytes)  # mapped from the file, not built again
    for dictionary in (built, read):
        dictionary.admit(PHRASES[1])
        assert dictionary.tokenizer.lcut(PHRASES[1]) == JIEBAS_OWN.lcut(PHRASES[1])


def test_a_folder_that_cannot_keep_the_shelf_only_costs_building_it(tmp_path) -> None:
    missing = tmp_path / "no such folder"
    dictionary = shelved_tokenizer(str(missing))
    dictionary.admit(PHRASES[2])
    assert isinstance(dictionary.shelf, bytes) and not missing.exists()
    assert dictionary.tokenizer.lcut(PHRASES[2]) == JIEBAS_OWN.lcut(PHRASES[2])


def test_an_unreadable_jieba_cache_is_rebuilt_by_jieba(tmp_path) -> None:
    (tmp_path / "jieba.cache").write_bytes(b"\x00not marshal")
    assert _whole_jieba(str(tmp_path)).lcut(PHRASES[0]) == WHOLE.lcut(PHRASES[0])


def test_jiebas_own_tokenizer_is_left_for_spacy_to_load_whole() -> None:
    tokens(PHRASES[0])
    assert segmenter().tokenizer is not jieba.dt


def test_domain_terms_stay_whole() -> None:
    assert "集中带量采购" in tokens(PHRASES[0])


def test_segmenting_imports_no_pkg_resources() -> None:
    """jieba imports it only to find its dictionary file, at 0.09 s of start-up."""
    script = "import sys; from extract.nlp import tokens; tokens('集中带量采购'); print('pkg_resources' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_admitted_twice_is_cut_the_same(phrase: str) -> None:
    assert tokens(phrase) == tokens(phrase) == [word for word in WHOLE.cut(phrase) if word]


OTHER_SHAPE = marshal.dumps((1, ["not", "an", "index"]))


@pytest.mark.parametrize(
    "damage", [b"", b"\x05\x00\x00\x00\x00\x00\x00\x00abc", len(OTHER_SHAPE).to_bytes(8, "little") + OTHER_SHAPE, "cut short"]
)
def test_a_damaged_shelf_is_built_again(tmp_path, damage: bytes | str) -> None:
    shelved_tokenizer(str(tmp_path))
    [shelf] = tmp_path.glob("*.shelf")
    shelf.write_bytes(shelf.read_bytes()[:-10] if damage == "cut short" else damage)
    rebuilt = shelved_tokenizer(str(tmp_path))
    rebuilt.admit(PHRASES[0])
    assert rebuilt.tokenizer.lcut(PHRASES[0]) == JIEBAS_OWN.lcut(PHRASES[0])
    assert shelved_tokenizer(str(tmp_path)).index == rebuilt.index  # and kept
