"""The jieba dictionary policygraph loads itself must be the one jieba would load."""

from __future__ import annotations

import jieba

from extract.nlp import _load_dictionary, segmenter

PHRASES = ["本次集中带量采购中选产品", "医保基金预付比例不低于30%", "患者个人先行自付比例调整为"]


def _own_start_up(tmp_dir: str | None = None) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tmp_dir
    tokenizer.initialize()
    return tokenizer


def test_dictionary_read_from_jiebas_cache_is_jiebas_own() -> None:
    ours = jieba.Tokenizer()
    _load_dictionary(ours)
    theirs = _own_start_up()
    assert ours.initialized and ours.total == theirs.total and ours.FREQ == theirs.FREQ
    assert [ours.lcut(phrase) for phrase in PHRASES] == [theirs.lcut(phrase) for phrase in PHRASES]


def test_unreadable_cache_is_rebuilt_by_jieba(tmp_path) -> None:
    (tmp_path / "jieba.cache").write_bytes(b"\x00not marshal")
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path)
    _load_dictionary(tokenizer)
    assert tokenizer.lcut(PHRASES[0]) == _own_start_up().lcut(PHRASES[0])


def test_domain_terms_stay_whole() -> None:
    assert "集中带量采购" in segmenter().lcut(PHRASES[0])
