"""The spaCy components: versioned factories registered through the package's entry points, results on
namespaced Doc extensions, a to_disk / spacy.load round trip, and the deprecated unversioned name."""
from __future__ import annotations

import pytest
import spacy
from conftest import EXAMPLES
from spacy.tokens import Doc

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.entities.mentions import extract_entities
from onrecord.analyse.stances import extract_stances
from onrecord.clean import segment
from onrecord.models import ArticleEntities, Quote
from onrecord.nlp import MODEL
from onrecord.nlp.components import QUOTES, _register_extensions

COMPONENTS = ["onrecord_quotes_v1", "onrecord_entities_v1", "onrecord_stances_v1"]
TEXT = (EXAMPLES / "001_d9314bceb94995f8.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pipeline():
    nlp = spacy.load(MODEL)  # the factories come from the spacy_factories entry points
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@pytest.fixture(scope="module")
def doc(pipeline):
    return pipeline(TEXT)


def test_components_set_their_extensions(doc):
    quotes = doc._.onrecord_quotes
    assert quotes and all(isinstance(q, Quote) for q in quotes)
    assert all(0 <= q.start < q.end <= len(TEXT) and TEXT[q.start:q.end] == q.text for q in quotes)
    johnson = [q for q in quotes if q.kind == "direct" and q.speaker == "Boris Johnson"]
    assert len(johnson) == 6 and johnson[0].text.startswith("Today I have spoken with President Macron")
    assert isinstance(doc._.onrecord_entities, ArticleEntities)
    assert any(e.name == "Boris Johnson" and e.type == "person" for e in doc._.onrecord_entities.entities)
    assert any(s.holder == "Dominic Raab" and s.label == "urge" for s in doc._.onrecord_stances)


def test_components_are_the_analysis_functions(pipeline, doc):
    """The wrappers add nothing: the same records as the pure functions on the same parse."""
    segments = segment(TEXT)
    quotes = extract_quotes(doc, segments)
    assert doc._.onrecord_quotes == quotes
    assert doc._.onrecord_entities == extract_entities(doc, segments)
    assert doc._.onrecord_stances == extract_stances(doc, segments, quotes)
    assert {"doc._.onrecord_quotes", "doc._.onrecord_entities", "doc._.onrecord_stances"} <= {
        a for name in COMPONENTS for a in pipeline.get_pipe_meta(name).assigns}
    assert pipeline.get_pipe_config("onrecord_quotes_v1") == {"factory": "onrecord_quotes_v1", "learned": True,
                                                              "strict": False}


def test_to_disk_and_spacy_load_give_the_same_results(pipeline, doc, tmp_path):
    pipeline.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names[-3:] == COMPONENTS
    again = loaded(TEXT)
    assert again._.onrecord_quotes == doc._.onrecord_quotes
    assert again._.onrecord_entities == doc._.onrecord_entities
    assert again._.onrecord_stances == doc._.onrecord_stances


def test_stances_alone_find_their_own_quotes():
    nlp = spacy.load(MODEL)
    nlp.add_pipe("onrecord_stances_v1")
    doc = nlp(TEXT)
    assert doc._.onrecord_quotes is None
    assert doc._.onrecord_stances == extract_stances(doc, segment(TEXT), extract_quotes(doc, segment(TEXT)))


def test_unversioned_name_is_deprecated_but_works():
    nlp = spacy.load(MODEL)
    with pytest.warns(DeprecationWarning, match="onrecord_quotes_v1"):
        nlp.add_pipe("onrecord_quotes")
    doc = nlp(TEXT)
    assert doc._.quotes and doc._.quotes == doc._.onrecord_quotes
    assert len([q for q in doc._.quotes if q.kind == "direct" and q.speaker == "Boris Johnson"]) == 6


def test_an_extension_registered_by_other_code_is_not_overwritten():
    Doc.set_extension(QUOTES, default="theirs", force=True)
    try:
        _register_extensions()
        assert Doc.get_extension(QUOTES)[0] == "theirs"
    finally:
        Doc.set_extension(QUOTES, default=None, force=True)
