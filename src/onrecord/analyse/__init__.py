"""Analyse: pure functions from an article's text (parsed by spaCy) to typed records.

``analyse_text`` is the single entry point that the ingest pipeline, the Spark job and the spaCy component
share. Long texts are analysed in windows of whole paragraphs so memory stays bounded.
"""
from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import DEP, HEAD
from spacy.tokens import Doc

from onrecord import settings
from onrecord.analyse.attribution.marks import scan_paragraph
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.entities.mentions import extract_entities, merge_windows
from onrecord.analyse.plan import SENTENCE_END, plan, sentences
from onrecord.analyse.stances import date_stances, extract_stances, shift_stance
from onrecord.analyse.tone.record import with_tones
from onrecord.ingest.language import other_language
from onrecord.models import Analysis, Quote, Segment

log = logging.getLogger(__name__)
ANALYSIS_VERSION = "onrecord-analysis-1"
WINDOW_CHARS = 100_000  # spaCy needs ~1 GB of temporary memory per 100,000 characters parsed together
LONG_RUN = 200  # characters without a space: past this a "word" is cut into pieces before spaCy sees it
_RUN_PIECE = 100
# a long run without a space, or of LONG_RUN // 2 or more space-separated "words" of punctuation only (" " " ...)
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}|(?:[^\w\s]+ ){{{LONG_RUN // 2},}}")


def windows(text: str, segments: list[Segment], size: int | None = None) -> list[tuple[int, int]]:
    """Cut the text into spans of whole segments, each at most ``size`` (WINDOW_CHARS) characters; a longer
    segment is cut at a sentence end outside its quotations (else any sentence end, else a space)."""
    size = size or WINDOW_CHARS
    if len(text) <= size:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    for seg in segments:
        if seg.end - start > size and seg.start > start:
            out.append((start, seg.start))
            start = seg.start
        if seg.end - start > size:
            quoted = [(m.open_at, m.end) for m in scan_paragraph(text, max(start, seg.start), seg.end)]
            while seg.end - start > size:
                cut = _cut(text, start, start + size, quoted)
                out.append((start, cut))
                start = cut
    if start < len(text):
        out.append((start, len(text)))
    return out


def _cut(text: str, lo: int, hi: int, quoted: list[tuple[int, int]]) -> int:
    """Where to end a window text[lo:hi] of a long paragraph: after the last sentence of its second half
    that no quotation runs past, else after any sentence there, else after a space, else at ``hi``."""
    mid = lo + (hi - lo) // 2
    ends = [e for _s, e in sentences(text, mid, hi)][:-1]  # the last span ends at hi, not at a sentence end
    starts = [s for s, _ in quoted]
    for cut in reversed(ends):
        k = bisect.bisect_left(starts, cut) - 1  # the last quotation opened before the cut
        if k < 0 or quoted[k][1] < cut:
            return cut
    if ends:
        return ends[-1]
    space = max(text.rfind(" ", mid, hi), text.rfind("\n", mid, hi))
    return space + 1 if space > mid else hi


def local_segments(segments: list[Segment], start: int, end: int) -> list[Segment]:
    """The segments overlapping text[start:end], clipped to it, with offsets relative to ``start``."""
    return [Segment(max(s.start, start) - start, min(s.end, end) - start, s.kind, s.furniture)
            for s in segments if s.start < end and s.end > start]


def _shift_quote(q: Quote, offset: int) -> Quote:
    if not offset:
        return q

    def sh(span: Any) -> Any:
        return (span[0] + offset, span[1] + offset) if span else span

    return dataclasses.replace(q, start=q.start + offset, end=q.end + offset,
                               spans=[sh(s) for s in q.spans], speaker_span=sh(q.speaker_span),
                               cue_span=sh(q.cue_span), clause_span=sh(q.clause_span))


def analyse_docs(docs: Iterable[Any], segments: list[Segment], offsets: list[int], strict: bool = False) -> Analysis:
    """Combine the analyses of an article's window docs (doc i starts at offsets[i] in the article). A failing
    step is logged and loses its own results for that window only; with ``strict`` it raises instead."""
    quotes: list[Quote] = []
    stances: list[Any] = []
    entity_parts: list[Any] = []
    group_base = 0
    speech_only = settings.value("speech_only")
    for doc, off in zip(docs, offsets):
        local = local_segments(segments, off, off + len(doc.text))
        found = extract_quotes(doc, local, strict=strict, speech_only=speech_only)  # raises only when strict
        try:
            entity_parts.append((extract_entities(doc, local), off))
        except Exception:  # a bug in one step must not lose the article or the other steps' results
            if strict:
                raise
            log.exception("extract_entities failed on a window at offset %d; no entities from it", off)
        try:
            stances += [shift_stance(st, off, len(quotes)) for st in extract_stances(doc, local, found)]
        except Exception:
            if strict:
                raise
            log.exception("extract_stances failed on a window at offset %d; no stances from it", off)
        groups = [q.group for q in found if q.group is not None]
        for q in found:
            if q.group is not None:
                q.group += group_base
            quotes.append(_shift_quote(q, off))
        group_base += (max(groups) + 1) if groups else 0
    return Analysis(quotes=quotes, stances=stances, entities=merge_windows(entity_parts) if entity_parts else None)


def analyse_texts(nlp: Any, items: list[tuple[str, list[Segment]]], batch_size: int = 32,
                  selective: bool = False, progress: Callable[[], None] | None = None,
                  strict: bool = False) -> Iterator[Analysis]:
    """Analyse many articles with ``nlp.pipe``, yielding one Analysis per (text, segments) in order.

    Texts are parsed lazily, at most ``batch_size`` pieces and about WINDOW_CHARS characters at a time, and
    a long article window by window, each analysed before the next is parsed: memory stays bounded however
    long an article or its paragraphs are. ``progress`` is called as each window is parsed (a heartbeat).

    With ``selective`` the full pipeline parses only the sentences that can carry an attribution or a
    stance (see ``plan.py``) and the others are only tokenised; each article is still one Doc over its
    whole text, so every offset is unchanged. It parses ~70% of general news text and ~89% of PolNeAR's
    attribution-dense text, at a small cost in recall there (see docs/scaling.md), so it is opt-in.

    A text in another language (``ingest.language.other_language``: one an English model cannot read, stored
    with ``--any-language``) is only tokenised and yields no quote, stance or entity.

    A bug in one analysis step is logged and loses that step's results for one window, never the article;
    ``strict`` raises instead (the property tests use it, so that a crash fails them)."""
    layout: list[list[tuple[int, list[tuple[str, bool]]]]] = []  # article -> windows -> (piece, parse)
    foreign = [other_language(text) is not None for text, _ in items]
    for (text, segs), other in zip(items, foreign):
        art = []
        for s, e in windows(text, segs):
            if other:  # an English model reads no other language: tokenised only, and nothing is analysed
                pieces = [(text[s:e], False)]
            elif selective:
                pieces = [(text[s + a:s + b], flag) for a, b, flag in plan(text[s:e], local_segments(segs, s, e))]
                pieces = pieces or [("", True)]
            else:
                pieces = [(text[s:e], True)]
            art.append((s, pieces))
        layout.append(art)
    docs = _parse(nlp, (piece for art in layout for _s, pieces in art for piece, flag in pieces if flag), batch_size)

    def window_docs(art: list[tuple[int, list[tuple[str, bool]]]]) -> Iterator[Doc]:
        for _s, pieces in art:
            parts = [next(docs) if flag else tokenised(nlp, piece) for piece, flag in pieces]
            if progress is not None:
                progress()
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False,
                                                                  exclude=["tensor"])  # type: ignore[call-arg]

    for (text, segs), art, other in zip(items, layout, foreign):
        segs = [] if other else segs
        yield with_tones(text, analyse_docs(window_docs(art), segs, [s for s, _ in art], strict=strict), segs)


def _parse(nlp: Any, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """``nlp.pipe`` over ``texts`` in batches of at most ``batch_size`` texts and about WINDOW_CHARS characters,
    parsed only when the caller asks for their docs."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= batch_size or size + len(text) > WINDOW_CHARS):
            yield from nlp.pipe([make_doc(nlp, t) for t in batch], batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe([make_doc(nlp, t) for t in batch], batch_size=len(batch))


def make_doc(nlp: Any, text: str) -> Doc:
    """``nlp.make_doc``, except that a run of LONG_RUN or more characters without a space (100 KB of quote
    marks, a base64 blob) is cut into tokens of _RUN_PIECE characters: spaCy's tokenizer is quadratic on it.
    So is a long run of punctuation-only words (quote marks each followed by a space), which would otherwise be
    parsed as one token per mark: several times the tokens of prose of the same length."""
    if _LONG_RUN.search(text) is None:
        return nlp.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []

    def add(piece: str) -> None:
        for t in nlp.make_doc(piece):
            words.append(t.text)
            spaces.append(bool(t.whitespace_))

    at = 0
    for m in _LONG_RUN.finditer(text):
        add(text[at:m.start()])
        for i in range(m.start(), m.end(), _RUN_PIECE):
            words.append(text[i:min(i + _RUN_PIECE, m.end())])
            spaces.append(False)
        at = m.end()
        if text[at:at + 1] == " ":
            spaces[-1] = True
            at += 1
    add(text[at:])
    return Doc(nlp.vocab, words=words, spaces=spaces)


def tokenised(nlp: Any, text: str) -> Doc:
    """A Doc of ``text`` that is only tokenised: each sentence a flat tree of unlabelled arcs to its first
    token, so the sentences of the joined article Doc stay where they are and nothing looks like a clause."""
    doc = make_doc(nlp, text)
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
    doc.from_array([HEAD, DEP], values)  # type: ignore[arg-type]  # an Ints2d
    return doc


def dated(analysis: Analysis, article_date: str | None) -> Analysis:
    """The analysis with its stances dated on the article's publication date (the store keeps these dates)."""
    date_stances(analysis.stances, article_date)
    return analysis


def analyse_text(nlp: Any, text: str, segments: list[Segment], strict: bool = False) -> Analysis:
    """Analyse one article (``strict``: raise on a bug instead of logging it, see ``analyse_texts``)."""
    return next(analyse_texts(nlp, [(text, segments)], strict=strict))
