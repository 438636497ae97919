"""Tone in the record: for each sentence, the tone toward each person, organisation or country it mentions.

A mention inside a quote carries the speaker's tone toward that entity (the quote's holder); any other mention
carries the outlet's portrayal of it. Mentions are the entity step's, pronouns and short names included, so
"He has no idea what he is doing" counts toward whoever "he" was resolved to. One record per entity, sentence
and holder: the first mention in the sentence speaks for it. Tones are estimates kept apart from stances: a
model's reading of a sentence is not a stated position (docs/tone.md).
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable

from onrecord.analyse.plan import sentences
from onrecord.analyse.tone.model import tones
from onrecord.models import Analysis, Quote, Segment, Tone, ToneMention

TONE_TYPES = ("person", "organisation", "country")
_MAX_SENTENCE = 1000  # characters; a longer "sentence" is a list or a table, not prose the model knows


def body_sentences(text: str, segments: Iterable[Segment]) -> list[tuple[int, int]]:
    """(start, end) of the sentences of the article's body paragraphs (``plan.sentences``), without their
    trailing whitespace; the whole text is one paragraph when no segments are given."""
    paragraphs = [(s.start, s.end) for s in sorted(segments, key=lambda s: s.start) if s.kind != "furniture"]
    out = []
    for p_start, p_end in paragraphs or [(0, len(text))]:
        for s, e in sentences(text, p_start, p_end):
            e = s + len(text[s:e].rstrip())
            if e > s:
                out.append((s, e))
    return out


class _QuoteSpans:
    """Which quote's quoted words hold a mention, found by bisection (an article may hold thousands of quotes)."""

    BACK = 8  # spans starting before a mention that are looked at: quotes rarely nest deeper

    def __init__(self, quotes: list[Quote]) -> None:
        self.spans = sorted((s, e, k) for k, q in enumerate(quotes) for s, e in (q.spans or [(q.start, q.end)]))
        self.starts = [s for s, _, _ in self.spans]

    def at(self, start: int, end: int) -> int | None:
        """The index of the quote whose quoted words hold ``start:end``, if any."""
        i = bisect.bisect_right(self.starts, start)
        for s, e, k in reversed(self.spans[max(0, i - self.BACK):i]):
            if s <= start and end <= e:
                return k
        return None


def tone_mentions(text: str, analysis: Analysis, segments: Iterable[Segment] = ()) -> list[ToneMention]:
    """The tone of each body sentence toward each person, organisation or country it mentions, in reading order."""
    if analysis.entities is None:
        return []
    spans = body_sentences(text, segments)
    starts = [s for s, _ in spans]
    quoted = _QuoteSpans(analysis.quotes)

    seen: set[tuple[int, int, int | None]] = set()
    todo: list[tuple[int, int, int, int, str, int, int | None]] = []
    mentions = sorted((m.start, m.end, m.text, n) for n, e in enumerate(analysis.entities.entities)
                      if e.type in TONE_TYPES for m in e.mentions)
    for m_start, m_end, m_text, n in mentions:
        i = bisect.bisect_right(starts, m_start) - 1
        if i < 0 or m_end > spans[i][1] or spans[i][1] - spans[i][0] > _MAX_SENTENCE:
            continue
        s_start, s_end = spans[i]
        entity = analysis.entities.entities[n]
        k = quoted.at(m_start, m_end)
        q = analysis.quotes[k] if k is not None else None
        if q is not None and entity.name in (q.speaker, q.on_behalf_of):
            continue  # a speaker naming themselves: not a tone toward anyone else
        if q is not None and q.speaker is None:
            k = q = None  # words of nobody known: the outlet reports them
        key = (n, s_start, k)
        if key in seen:
            continue
        seen.add(key)
        todo.append((s_start, s_end, m_start, m_end, m_text, n, k))
    by_sentence: dict[int, list[int]] = {}
    for j, item in enumerate(todo):
        by_sentence.setdefault(item[0], []).append(j)
    read: dict[int, Tone] = {}
    for s_start, js in by_sentence.items():  # one pass of the model reads every mention of a sentence
        s_end = todo[js[0]][1]
        read.update(zip(js, tones(text[s_start:s_end], [(todo[j][2] - s_start, todo[j][3] - s_start) for j in js])))
    out: list[ToneMention] = []
    for j, (s_start, s_end, m_start, m_end, m_text, n, k) in enumerate(todo):
        entity, q, t = analysis.entities.entities[n], analysis.quotes[k] if k is not None else None, read[j]
        out.append(ToneMention(entity=n, target=entity.name, target_type=entity.type, mention=m_text,
                               mention_start=m_start, mention_end=m_end, start=s_start, end=s_end, label=t.label,
                               score=t.score, holder=q.speaker if q else None,
                               holder_type=q.speaker_type if q else None, quote_index=k))
    return out


def with_tones(text: str, analysis: Analysis, segments: Iterable[Segment] = ()) -> Analysis:
    """The analysis with its tones (no stances: see docs/tone.md, "Tone is not a stance")."""
    analysis.tones = tone_mentions(text, analysis, segments)
    return analysis
