"""The spaCy component: registered through the package's entry point, results on doc._.quotes."""
from __future__ import annotations

import spacy
from conftest import EXAMPLES

from onrecord.models import Quote
from onrecord.nlp import MODEL


def test_add_pipe_sets_doc_quotes():
    nlp = spacy.load(MODEL)
    nlp.add_pipe("onrecord_quotes")
    text = (EXAMPLES / "001_d9314bceb94995f8.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    quotes = doc._.quotes
    assert quotes and all(isinstance(q, Quote) for q in quotes)
    assert all(0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.text for q in quotes)
    johnson = [q for q in quotes if q.kind == "direct" and q.speaker == "Boris Johnson"]
    assert len(johnson) == 6
    assert johnson[0].text.startswith("Today I have spoken with President Macron")
