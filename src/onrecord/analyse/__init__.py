"""Analyse: pure functions from an article's text (parsed by spaCy) to typed records.

``analyse_text`` is the single entry point that the ingest pipeline, the Spark job and the spaCy component
share. Long texts are analysed in windows of whole paragraphs so memory stays bounded.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from onrecord.models import Quote, Segment

log = logging.getLogger(__name__)
ANALYSIS_VERSION = "onrecord-analysis-1"
WINDOW_CHARS = 100_000  # spaCy needs ~1 GB of temporary memory per 100,000 characters


@dataclass
class Analysis:
    """Everything the analysis stage found in one article."""

    quotes: list[Quote] = field(default_factory=list)
    entities: Any = None  # in-article entity clusters, mentions, roles and descriptors
    stances: list[Any] = field(default_factory=list)


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
    from onrecord.analyse.entities import extract_entities, merge_windows
    from onrecord.analyse.quotes import extract_quotes
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


def analyse_texts(nlp: Any, items: list[tuple[str, list[Segment]]], batch_size: int = 32) -> Iterator[Analysis]:
    """Analyse many articles with ``nlp.pipe``, yielding one Analysis per (text, segments) in order."""
    plan = []
    texts = []
    for text, segs in items:
        spans = windows(text, segs)
        plan.append(spans)
        texts.extend(text[s:e] for s, e in spans)
    docs = iter(nlp.pipe(texts, batch_size=batch_size))
    for (text, segs), spans in zip(items, plan):
        part = [next(docs) for _ in spans]
        yield analyse_docs(part, segs, [s for s, _ in spans])


def analyse_text(nlp: Any, text: str, segments: list[Segment]) -> Analysis:
    """Analyse one article."""
    return next(analyse_texts(nlp, [(text, segments)]))
