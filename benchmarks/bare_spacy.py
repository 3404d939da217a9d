"""The yardstick of benchmarks.run: bare spaCy over a folder of notices, as one command.

    python -m benchmarks.bare_spacy FOLDER

Reads every .txt file as `policygraph run` reads it, loads the project's own pipeline
(blank zh, jieba with the domain dictionary, from extract/nlp.py) and runs nlp.pipe over
the whole texts. It is timed from the outside, start-up included, as `policygraph run`
is: both commands pay for Python, spaCy and jieba.
"""

from __future__ import annotations

import sys
from pathlib import Path

from extract.nlp import pipeline

BATCH = 64


def main() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(Path(sys.argv[1]).glob("*.txt"))]
    for _ in pipeline().pipe(texts, batch_size=BATCH):
        pass
    print(f"{len(texts)} texts, {sum(map(len, texts))} characters")


if __name__ == "__main__":
    main()
