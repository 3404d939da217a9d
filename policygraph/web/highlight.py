"""A notice's text as HTML with each fact's evidence marked.

The text is untrusted input, so the HTML is built here from escaped pieces rather than by
inserting tags into the text. Evidence spans of different facts may overlap or nest; the
text is cut at every span boundary, and each piece is wrapped in at most one `<mark>`, so
tags never cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str  # what the span is evidence of, shown as the mark's tooltip


def highlighted(text: str, spans: list[Span]) -> Markup:
    """`text` escaped, with `<mark>` around every character some span covers.

    A mark's id is `at-START` for the character it starts at, so a link to `#at-N` reaches
    the evidence starting at N. Spans outside the text are clipped; empty ones are dropped.
    """
    kept = [Span(max(0, span.start), min(len(text), span.end), span.label) for span in spans]
    kept = [span for span in kept if span.start < span.end]
    cuts = sorted({0, len(text)} | {span.start for span in kept} | {span.end for span in kept})
    pieces = []
    for start, end in pairwise(cuts):
        labels = sorted({span.label for span in kept if span.start <= start and end <= span.end})
        piece = escape(text[start:end])
        if labels:
            piece = Markup('<mark id="at-{}" title="{}">{}</mark>').format(start, "; ".join(labels), piece)
        pieces.append(piece)
    return Markup("").join(pieces)
