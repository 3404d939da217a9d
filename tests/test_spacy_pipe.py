"""policygraph inside a spaCy pipeline: the facts of a run, as spans of the Doc."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy

from policygraph.api import extract
from tests.conftest import CORPUS

ALLIANCE_SAMPLE = "002_3c2483d3016c1a44.txt"  # in traditional script: spans are of the text as given


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    import policygraph.spacy_pipe  # noqa: F401  registers the component in this process

    pipeline = spacy.blank("zh")
    pipeline.add_pipe("policygraph_facts")
    return pipeline


def test_each_fact_is_a_span_labelled_by_its_type(nlp) -> None:
    text = (CORPUS / ALLIANCE_SAMPLE).read_text(encoding="utf-8")
    doc = nlp(text)
    [record] = doc._.notices
    assert record == extract(text)[0]
    spans = [(span.label_, span.text) for span in doc.spans["policygraph"]]
    expected = [
        (field, text[fact.evidence.source_start : fact.evidence.source_end])
        for field in ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")
        for fact in getattr(record, field)
    ]
    assert spans == expected
    assert ("procurement_periods", "本次乳房旋切針省際聯盟集中帶量采購周期為3年。") in spans


def test_a_text_stating_no_fact_has_no_spans(nlp) -> None:
    doc = nlp("今天天气很好。")
    assert list(doc.spans["policygraph"]) == []
    assert [record.procurement_periods + record.prepayments for record in doc._.notices] == [[]]


def test_the_component_is_found_by_name_without_importing_policygraph() -> None:
    """Through the spacy_factories entry point, as a team's own pipeline config would name it."""
    script = "import spacy; nlp = spacy.blank('zh'); nlp.add_pipe('policygraph_facts'); print(nlp.pipe_names)"
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['policygraph_facts']"
