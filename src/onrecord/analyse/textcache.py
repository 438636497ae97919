"""``doc.text`` built once per Doc: spaCy joins every token on each access, which is quadratic in loops."""
from __future__ import annotations

from spacy.tokens import Doc

_CACHE: list = [None, ""]


def doc_text(doc: Doc) -> str:
    """The Doc's text, cached for the Doc last asked about (keyed by identity, length and last offset)."""
    key = (id(doc), len(doc), doc[-1].idx if len(doc) else 0)
    if _CACHE[0] != key:
        _CACHE[0], _CACHE[1] = key, doc.text
    return _CACHE[1]
