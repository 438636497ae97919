"""spaCy component ``onrecord_quotes``: a thin wrapper setting ``doc._.quotes`` from ``extract_quotes``.

Registered once under a versioned-by-name factory; the extension is namespaced and never overwrites another's.
"""
from __future__ import annotations

from typing import Any, Callable

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
        from onrecord.analyse.quotes import extract_quotes
        from onrecord.clean import segment

        doc._.set(EXTENSION, extract_quotes(doc, segment(doc.text)))
        return doc


def make_quotes_component(nlp: Language, name: str) -> QuotesComponent:
    """Factory for ``nlp.add_pipe("onrecord_quotes")`` (also declared as a spacy_factories entry point)."""
    return QuotesComponent(nlp, name)


def _register_factory() -> Callable[..., Any] | None:
    """Register the factory once; a second import (or the entry point) finds it registered and leaves it."""
    if Language.has_factory("onrecord_quotes"):
        return None
    return Language.factory("onrecord_quotes")(make_quotes_component)


_register_factory()
_register_extension()
