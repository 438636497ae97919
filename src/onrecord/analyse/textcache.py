"""``doc.text`` built once per Doc: spaCy joins every token on each access, which is quadratic in loops."""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

_CACHE: list = [None, ""]


def doc_text(doc: Doc) -> str:
    """The Doc's text, cached for the Doc last asked about (keyed by identity, length and last offset)."""
    key = (id(doc), len(doc), doc[-1].idx if len(doc) else 0)
    if _CACHE[0] != key:
        _CACHE[0], _CACHE[1] = key, doc.text
    return _CACHE[1]


def entity_at(t: Token, labels: tuple[str, ...] | None = None) -> Span | None:
    """The named-entity span holding token ``t`` (None outside one, or when its label is not in ``labels``),
    found from the token's IOB tags instead of scanning ``doc.ents``, which spaCy rebuilds on every access."""
    if not t.ent_type_ or (labels is not None and t.ent_type_ not in labels):
        return None
    doc = t.doc
    start = t.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = t.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]
