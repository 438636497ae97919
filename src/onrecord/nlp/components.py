"""spaCy components: thin, versioned wrappers that put the analysis on namespaced ``Doc`` extensions.

    nlp.add_pipe("onrecord_quotes_v1")    # doc._.onrecord_quotes: list[Quote]
    nlp.add_pipe("onrecord_entities_v1")  # doc._.onrecord_entities: ArticleEntities
    nlp.add_pipe("onrecord_stances_v1")   # doc._.onrecord_stances: list[Stance]

Each calls one pure function of ``onrecord.analyse`` on the Doc and its paragraphs (``onrecord.clean.segment``).
A behaviour change ships under a new version name; spaCy allows no "." in a factory name (E853), so the version
is a ``_v1`` suffix. The extensions are registered once, and one registered by other code is never
overwritten. ``onrecord_quotes`` (``doc._.quotes``) is the deprecated, unversioned name of
``onrecord_quotes_v1``; it warns and keeps working. Also here: the ``onrecord_paragraphs`` component that
``load_nlp`` puts before the parser, and ``parse_text`` for texts past spaCy's length limit.
"""
from __future__ import annotations

import logging
import warnings
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.entities.mentions import extract_entities
from onrecord.analyse.stances import extract_stances
from onrecord.clean import segment
from onrecord.models import ArticleEntities, Quote, Stance

log = logging.getLogger(__name__)
QUOTES, ENTITIES, STANCES = "onrecord_quotes", "onrecord_entities", "onrecord_stances"
LEGACY_QUOTES = "quotes"  # the extension of the deprecated ``onrecord_quotes`` component


def _register_extensions() -> None:
    """Add onrecord's ``Doc._`` extensions (default None) unless other code registered them (never overwrite)."""
    for name in (QUOTES, ENTITIES, STANCES, LEGACY_QUOTES):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class QuotesComponent:
    """Sets ``doc._.onrecord_quotes``: the quotations of the doc, with cues and resolved speakers."""

    def __init__(self, nlp: Language, name: str, learned: bool = True, strict: bool = False) -> None:
        self.name, self.learned, self.strict = name, learned, strict
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(QUOTES, extract_quotes(doc, segment(doc.text), learned=self.learned, strict=self.strict))
        return doc


class EntitiesComponent:
    """Sets ``doc._.onrecord_entities``: the doc's people, organisations, countries and groups, clustered."""

    def __init__(self, nlp: Language, name: str, strict: bool = False) -> None:
        self.name, self.strict = name, strict
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        try:
            found = extract_entities(doc, segment(doc.text))
        except Exception:
            if self.strict:
                raise
            log.exception("extract_entities failed; no entities for this document")
            found = ArticleEntities()
        doc._.set(ENTITIES, found)
        return doc


class StancesComponent:
    """Sets ``doc._.onrecord_stances``: who takes which stance toward whom. Reads the quotations of an
    ``onrecord_quotes_v1`` earlier in the pipeline, else finds them itself (without storing them)."""

    def __init__(self, nlp: Language, name: str, strict: bool = False) -> None:
        self.name, self.strict = name, strict
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        segments = segment(doc.text)
        quotes: list[Quote] | None = doc._.get(QUOTES)
        if quotes is None:
            quotes = extract_quotes(doc, segments, strict=self.strict)
        try:
            found: list[Stance] = extract_stances(doc, segments, quotes)
        except Exception:
            if self.strict:
                raise
            log.exception("extract_stances failed; no stances for this document")
            found = []
        doc._.set(STANCES, found)
        return doc


class LegacyQuotesComponent(QuotesComponent):
    """The deprecated ``onrecord_quotes``: as ``onrecord_quotes_v1``, and also sets ``doc._.quotes``."""

    def __call__(self, doc: Doc) -> Doc:
        super().__call__(doc)
        doc._.set(LEGACY_QUOTES, doc._.get(QUOTES))
        return doc


def make_quotes_v1(nlp: Language, name: str, learned: bool, strict: bool) -> QuotesComponent:
    """Factory of ``onrecord_quotes_v1`` (``learned``: the learned attribution step; ``strict``: raise on a
    bug instead of logging it)."""
    return QuotesComponent(nlp, name, learned, strict)


def make_entities_v1(nlp: Language, name: str, strict: bool) -> EntitiesComponent:
    """Factory of ``onrecord_entities_v1``."""
    return EntitiesComponent(nlp, name, strict)


def make_stances_v1(nlp: Language, name: str, strict: bool) -> StancesComponent:
    """Factory of ``onrecord_stances_v1``."""
    return StancesComponent(nlp, name, strict)


def make_quotes_component(nlp: Language, name: str) -> LegacyQuotesComponent:
    """Factory of the deprecated ``onrecord_quotes``: warns, then works as before (``doc._.quotes``)."""
    warnings.warn('the spaCy component "onrecord_quotes" is deprecated: use nlp.add_pipe("onrecord_quotes_v1") '
                  "and read doc._.onrecord_quotes", DeprecationWarning, stacklevel=2)
    return LegacyQuotesComponent(nlp, name)


def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so the parser never joins a headline, caption or
    paragraph to the next one (news text has no sentence running across a newline)."""
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if prev.is_space and "\n" in prev.text and not t.is_space:
            t.is_sent_start = True
    return doc


def parse_text(nlp: Language, text: str, chunk: int = 100_000) -> Doc:
    """Parse ``text`` of any length: in pieces of at most ``chunk`` characters cut after a line break
    (or a sentence end inside a very long paragraph), joined back into one Doc whose text is ``text``."""
    if len(text) <= chunk:
        return nlp(text)
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + chunk)
        if end < len(text):
            cut = text.rfind("\n", start + chunk // 2, end)
            if cut < 0:
                cut = text.rfind(". ", start + chunk // 2, end)
            end = cut + 1 if cut >= 0 else end
            while end < len(text) and text[end] == " ":
                end += 1
        pieces.append(text[start:end])
        start = end
    docs = list(nlp.pipe(pieces))
    return Doc.from_docs(docs, ensure_whitespace=False)


def add_paragraph_boundaries(nlp: Language) -> None:
    """Insert ``onrecord_paragraphs`` before the parser (the parser keeps preset sentence starts)."""
    if "onrecord_paragraphs" in nlp.pipe_names or "parser" not in nlp.pipe_names:
        return
    nlp.add_pipe("onrecord_paragraphs", before="parser")


FACTORIES: dict[str, tuple[Any, dict[str, Any], str]] = {
    "onrecord_quotes_v1": (make_quotes_v1, {"learned": True, "strict": False}, QUOTES),
    "onrecord_entities_v1": (make_entities_v1, {"strict": False}, ENTITIES),
    "onrecord_stances_v1": (make_stances_v1, {"strict": False}, STANCES),
    "onrecord_quotes": (make_quotes_component, {}, LEGACY_QUOTES),
}


def _register_factories() -> None:
    """Register the factories once; a second import (or the spacy_factories entry points) finds them there."""
    if not Language.has_factory("onrecord_paragraphs"):
        Language.component("onrecord_paragraphs")(paragraph_boundaries)
    for name, (func, config, ext) in FACTORIES.items():
        if not Language.has_factory(name):
            Language.factory(name, default_config=config, assigns=[f"doc._.{ext}"])(func)


_register_factories()
_register_extensions()
