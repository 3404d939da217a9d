"""policygraph as a spaCy pipeline component, for NLP teams whose notices already flow
through spaCy: the facts a run extracts, as labelled spans of their own Doc.

    nlp = spacy.blank("zh")              # or any pipeline of theirs
    nlp.add_pipe("policygraph_facts")    # found through the spacy_factories entry point
    doc = nlp(notice_text)
    doc.spans["policygraph"]             # each fact's evidence, labelled by its fact type
    doc._.notices                        # the records, as policygraph.extract gives them

A run does not load spaCy: its words come from jieba directly (extract/nlp.py). Spans are
cut from the records' source offsets, which for a text are offsets into that text, widened
to the Doc's tokens where a quote starts or ends inside one.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from policygraph.api import extract
from schema import FACT_FIELDS, NoticeRecord

COMPONENT = "policygraph_facts"
SPANS_KEY = "policygraph"
NOTICES = "notices"

if not Doc.has_extension(NOTICES):
    Doc.set_extension(NOTICES, default=None)


@Language.component(COMPONENT)
def policygraph_facts(doc: Doc) -> Doc:
    records = extract(doc.text)
    doc.spans[SPANS_KEY] = [span for record in records for span in _fact_spans(doc, record)]
    doc._.set(NOTICES, records)
    return doc


def _fact_spans(doc: Doc, record: NoticeRecord) -> list[Span]:
    spans = []
    for field in FACT_FIELDS:
        for fact in getattr(record, field):
            evidence = fact.evidence
            span = doc.char_span(evidence.source_start, evidence.source_end, label=field, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    return spans
