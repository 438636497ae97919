"""The trained attribution tagger (issue 23) as a spaCy component: SOURCE, CUE and CONTENT spans on the parsed Doc.

    nlp.add_pipe("onrecord_attribution_v1", last=True)  # doc.spans["onrecord_cue"], ... (load_nlp adds it)

The weights (``data/attribution_tagger``, made by ``make train-attribution``) are one spaCy ``tagger`` over its own
small tok2vec; each token's tag joins a BIO letter per role (source, cue, content: "OBI" is a cue's first word
inside a content). It embeds the words and the parse the pipeline gave them, plus two parse features a window of
words cannot see (``parse_features``; training computes them with the same function). The component runs only the
tagger's forward pass, so the pipeline's own tags are untouched, and puts the decoded spans of each role on
``doc.spans["onrecord_<role>"]``; ``analyse.attribution.tagged`` links and uses them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import ENT_KB_ID, NORM
from spacy.language import Language
from spacy.tokens import Doc

from onrecord import data
from onrecord.analyse.attribution.tagged import ROLES, SPAN_GROUPS

_CLAUSES = {"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "pcomp", "parataxis", "csubj"}


def parse_features(doc: Doc) -> Doc:
    """A copy of ``doc`` whose tokens carry the two parse features the tagger embeds: NORM is the branch of the
    sentence's root the token hangs from, with the root's lemma ("ccomp:say": inside what the main verb says);
    ENT_KB_ID is the nearest clause the token is in, with the word that governs it ("ccomp:tell"). Those slots are
    free for this: the tagger reads LOWER for the word itself. ``doc`` itself is left as it is."""
    out = doc.copy()
    strings = out.vocab.strings
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    lemmas = [t.lemma_.lower() for t in doc]
    # the root's child each token hangs from (the root for itself), and the nearest clause head above it
    branch = _first_up(heads, lambda j: heads[j] == j or heads[heads[j]] == heads[j])
    clause = _first_up(heads, lambda j: heads[j] == j or deps[j] in _CLAUSES)
    feats = out.to_array([NORM, ENT_KB_ID])
    for i in range(len(doc)):
        a, c = branch[i], clause[i]
        root = heads[a]
        feats[i, 0] = strings.add(f"{'ROOT' if a == root else deps[a]}:{lemmas[root]}")
        feats[i, 1] = strings.add(f"{deps[c]}:{lemmas[heads[c]]}" if deps[c] in _CLAUSES else "-")
    if len(doc):
        out.from_array([NORM, ENT_KB_ID], feats)  # type: ignore[arg-type]  # an Ints2d
    return out


def _first_up(heads: list[int], stop: Callable[[int], bool]) -> list[int]:
    """For each token, the first token where ``stop`` holds on its way up the tree (itself included), each token
    walked once: a chain of nested clauses thousands deep costs linear work, not quadratic."""
    out = [-1] * len(heads)
    for i in range(len(heads)):
        path = []
        j = i
        while out[j] < 0 and not stop(j):
            path.append(j)
            j = heads[j]
        if out[j] < 0:
            out[j] = j
        for k in path:
            out[k] = out[j]
    return out


def spans_of(tags: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """Token spans (start, end) of each role decoded from joined tags; an I after an O opens a span too."""
    tags = list(tags)
    out: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for k, role in enumerate(ROLES):
        start = None
        for i, t in enumerate(tags):
            c = t[k] if len(t) == len(ROLES) else "O"
            if c == "B" or (c == "I" and start is None):
                if start is not None:
                    out[role].append((start, i))
                start = i
            elif c == "O" and start is not None:
                out[role].append((start, i))
                start = None
        if start is not None:
            out[role].append((start, len(tags)))
    return out


@lru_cache(maxsize=1)
def load_tagger() -> Any:
    """The shipped tagger's pipeline (one ``tagger``), loaded once per process."""
    return spacy.load(data.attribution_tagger_path())


def tag_probabilities(tagger: Any, doc: Doc) -> tuple[list[str], numpy.ndarray]:
    """The tagger's labels and, per token of ``doc``, the probability of each (softmax of its scores)."""
    scores = numpy.asarray(tagger.model.predict([parse_features(doc)])[0])
    probs = numpy.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    return list(tagger.labels), probs


class AttributionTagger:
    """Puts the tagger's decoded SOURCE, CUE and CONTENT spans on ``doc.spans["onrecord_<role>"]``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.tagger = load_tagger().get_pipe("tagger")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not doc.has_annotation("DEP"):
            return doc
        labels, probs = tag_probabilities(self.tagger, doc)
        spans = spans_of(labels[i] for i in probs.argmax(axis=1))
        for role in ROLES:
            doc.spans[SPAN_GROUPS[role]] = [doc[a:b] for a, b in spans[role]]
        return doc


def make_attribution_v1(nlp: Language, name: str) -> AttributionTagger:
    """Factory of ``onrecord_attribution_v1``: the shipped attribution tagger (its spans, nothing else)."""
    return AttributionTagger(nlp, name)


if not Language.has_factory("onrecord_attribution_v1"):
    Language.factory("onrecord_attribution_v1", assigns=["doc.spans"])(
        make_attribution_v1)
