"""spaCy component ``onrecord_quotes``: a thin wrapper setting ``doc._.quotes`` from ``extract_quotes``.

Registered once under a versioned-by-name factory; the extension is namespaced and never overwrites another's.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

EXTENSION = "quotes"


def _register_extension() -> None:
    """Add ``Doc._.quotes`` unless some other code registered it already (never overwrite)."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


class QuotesComponent:
    """Pipeline component: segments the doc's text into paragraphs and extracts its quotations."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        _register_extension()

    def __call__(self, doc: Doc) -> Doc:
        from onrecord.analyse.attribution.quotes import extract_quotes
        from onrecord.clean import segment

        doc._.set(EXTENSION, extract_quotes(doc, segment(doc.text)))
        return doc


def make_quotes_component(nlp: Language, name: str) -> QuotesComponent:
    """Factory for ``nlp.add_pipe("onrecord_quotes")`` (also declared as a spacy_factories entry point)."""
    return QuotesComponent(nlp, name)


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


def _register_factory() -> Callable[..., Any] | None:
    """Register the factories once; a second import (or the entry point) finds them registered."""
    if not Language.has_factory("onrecord_paragraphs"):
        Language.component("onrecord_paragraphs")(paragraph_boundaries)
    if Language.has_factory("onrecord_quotes"):
        return None
    return Language.factory("onrecord_quotes")(make_quotes_component)


_register_factory()
_register_extension()
