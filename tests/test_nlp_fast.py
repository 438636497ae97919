"""The fast attribute ruler and lemmatizer give exactly the annotations of the model's own components."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from onrecord.nlp import MODEL, configure_cpu
from onrecord.nlp.fast import use_fast_components

ARTICLES = sorted((Path(__file__).parent.parent / "examples" / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def pair() -> tuple[spacy.language.Language, spacy.language.Language]:
    configure_cpu()
    original, fast = spacy.load(MODEL), spacy.load(MODEL)
    assert use_fast_components(fast) == ["attribute_ruler", "lemmatizer"]
    assert use_fast_components(original.__class__(original.vocab)) == []  # nothing to swap in a blank pipeline
    return original, fast


def _annotations(doc: spacy.tokens.Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, str(t.head.i), t.ent_type_) for t in doc]


def test_same_annotations_as_the_model_on_the_sample(pair) -> None:
    original, fast = pair
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    texts.append("Y'all ain't gonna believe it, let's go: there is a cat. C'mon!  \n\n  Gotta run.")
    for a, b in zip(original.pipe(texts), fast.pipe(texts)):
        assert _annotations(a) == _annotations(b)


def test_empty_and_whitespace_docs(pair) -> None:
    _original, fast = pair
    assert len(fast("")) == 0
    assert [t.pos_ for t in fast("  \n ")] == ["SPACE"]
