"""Analyse: pure functions from an article's text (parsed by spaCy) to typed records.

``analyse_text`` is the single entry point that the ingest pipeline, the Spark job and the spaCy component
share. Long texts are analysed in windows of whole paragraphs so memory stays bounded.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import DEP, HEAD
from spacy.tokens import Doc

from onrecord.analyse.stances import date_stances
from onrecord.models import Analysis, Quote, Segment

log = logging.getLogger(__name__)
ANALYSIS_VERSION = "onrecord-analysis-1"
WINDOW_CHARS = 100_000  # spaCy needs ~1 GB of temporary memory per 100,000 characters


def windows(text: str, segments: list[Segment], size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Cut the text into spans of whole segments, each at most ``size`` characters (a longer segment is cut)."""
    if len(text) <= size:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    for seg in segments:
        if seg.end - start > size and seg.start > start:
            out.append((start, seg.start))
            start = seg.start
        while seg.end - start > size:
            out.append((start, start + size))
            start += size
    if start < len(text):
        out.append((start, len(text)))
    return out


def _shift_quote(q: Quote, offset: int) -> Quote:
    if not offset:
        return q

    def sh(span: Any) -> Any:
        return (span[0] + offset, span[1] + offset) if span else span

    return dataclasses.replace(q, start=q.start + offset, end=q.end + offset,
                               spans=[sh(s) for s in q.spans], speaker_span=sh(q.speaker_span),
                               cue_span=sh(q.cue_span), clause_span=sh(q.clause_span))


def analyse_docs(docs: Iterable[Any], segments: list[Segment], offsets: list[int]) -> Analysis:
    """Combine the analyses of an article's window docs (doc i starts at offsets[i] in the article)."""
    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.analyse.entities.mentions import extract_entities, merge_windows
    from onrecord.analyse.stances import extract_stances, shift_stance

    quotes: list[Quote] = []
    stances: list[Any] = []
    entity_parts: list[Any] = []
    group_base = 0
    for doc, off in zip(docs, offsets):
        end = off + len(doc.text)
        local = [Segment(s.start - off, s.end - off, s.kind, s.furniture) for s in segments
                 if s.start >= off and s.end <= end]
        found = extract_quotes(doc, local)  # never raises
        try:
            entity_parts.append((extract_entities(doc, local), off))
        except Exception:  # a bug in one step must not lose the article or the other steps' results
            log.exception("extract_entities failed on a window at offset %d; no entities from it", off)
        try:
            stances += [shift_stance(st, off, len(quotes)) for st in extract_stances(doc, local, found)]
        except Exception:
            log.exception("extract_stances failed on a window at offset %d; no stances from it", off)
        groups = [q.group for q in found if q.group is not None]
        for q in found:
            if q.group is not None:
                q.group += group_base
            quotes.append(_shift_quote(q, off))
        group_base += (max(groups) + 1) if groups else 0
    return Analysis(quotes=quotes, stances=stances, entities=merge_windows(entity_parts) if entity_parts else None)


def analyse_texts(nlp: Any, items: list[tuple[str, list[Segment]]], batch_size: int = 32,
                  selective: bool = False) -> Iterator[Analysis]:
    """Analyse many articles with ``nlp.pipe``, yielding one Analysis per (text, segments) in order.

    With ``selective`` the full pipeline parses only the sentences that can carry an attribution or a
    stance (see ``plan.py``) and the others are only tokenised; each article is still one Doc over its
    whole text, so every offset is unchanged. It parses ~70% of general news text and ~89% of PolNeAR's
    attribution-dense text, at a small cost in recall there (see docs/scaling.md), so it is opt-in."""
    from onrecord.analyse.plan import plan

    layout: list[list[tuple[int, list[tuple[str, bool]]]]] = []  # article -> windows -> (piece, parse)
    parsed: list[str] = []
    for text, segs in items:
        art = []
        for s, e in windows(text, segs):
            if selective:
                local = [Segment(g.start - s, g.end - s, g.kind, g.furniture) for g in segs if g.start >= s and g.end <= e]
                pieces = [(text[s + a:s + b], flag) for a, b, flag in plan(text[s:e], local)] or [("", True)]
            else:
                pieces = [(text[s:e], True)]
            art.append((s, pieces))
            parsed.extend(piece for piece, flag in pieces if flag)
        layout.append(art)
    docs = iter(nlp.pipe(parsed, batch_size=batch_size))
    for (text, segs), art in zip(items, layout):
        window_docs = []
        for _s, pieces in art:
            parts = [next(docs) if flag else tokenised(nlp, piece) for piece, flag in pieces]
            window_docs.append(parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False,
                                                                               exclude=["tensor"]))
        yield analyse_docs(window_docs, segs, [s for s, _ in art])


def tokenised(nlp: Any, text: str) -> Doc:
    """A Doc of ``text`` that is only tokenised: each sentence a flat tree of unlabelled arcs to its first
    token, so the sentences of the joined article Doc stay where they are and nothing looks like a clause."""
    from onrecord.analyse.plan import SENTENCE_END

    doc = nlp.make_doc(text)
    if not len(doc):
        return doc
    starts = {0} | {m.end() for m in SENTENCE_END.finditer(text)} | {
        t.idx for t in doc if t.i and "\n" in doc[t.i - 1].text and doc[t.i - 1].is_space}
    heads, root = [], 0
    for t in doc:
        if t.idx in starts or t.i == 0:
            root = t.i
        heads.append(root - t.i)
    dep, root_label = doc.vocab.strings.add("dep"), doc.vocab.strings.add("ROOT")
    values = numpy.array([[h, root_label if h == 0 else dep] for h in heads], dtype="int64").astype("uint64")
    doc.from_array([HEAD, DEP], values)
    return doc


def dated(analysis: Analysis, article_date: str | None) -> Analysis:
    """The analysis with its stances dated on the article's publication date (the store keeps these dates)."""
    date_stances(analysis.stances, article_date)
    return analysis


def analyse_text(nlp: Any, text: str, segments: list[Segment]) -> Analysis:
    """Analyse one article."""
    return next(analyse_texts(nlp, [(text, segments)]))
