"""The yardstick of benchmarks.run: bare spaCy over a folder of notices, as one command.

    python -m benchmarks.bare_spacy FOLDER

Reads every .txt file as `policygraph run` reads it, builds spaCy's blank zh with the
jieba segmenter and the project's domain dictionary (the pipeline policygraph ran before
it called jieba directly) and runs nlp.pipe over the whole texts. It is timed from the
outside, start-up included, as `policygraph run` is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

from extract.dictionary import import_jieba, load_whole
from extract.nlp import DOMAIN_TERMS

BATCH = 64


def main() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(Path(sys.argv[1]).glob("*.txt"))]
    jieba = import_jieba()  # jieba's default tokenizer, which spaCy's jieba segmenter uses, loaded
    load_whole(jieba.dt)  # whole, as fast as policygraph loaded it before it shelved the dictionary
    jieba.load_userdict(str(DOMAIN_TERMS))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for _ in nlp.pipe(texts, batch_size=BATCH):
        pass
    print(f"{len(texts)} texts, {sum(map(len, texts))} characters")


if __name__ == "__main__":
    main()
