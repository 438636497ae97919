"""Tone in the record: for each sentence, the tone toward each person, organisation or country it mentions.

A mention inside a quote carries the speaker's tone toward that entity (the quote's holder); any other mention
carries the outlet's portrayal of it. Mentions are the entity step's, pronouns and short names included, so
"He has no idea what he is doing" counts toward whoever "he" was resolved to. One record per entity, sentence
and holder: the first mention in the sentence speaks for it. A quote's clearly negative or positive tone toward
another person becomes a stance (``source`` "tone"), unless a cue-word stance of the same speaker toward the same
target already stands on that sentence: the cue word decides, the model only fills what cues miss.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable

from onrecord import data
from onrecord.analyse.plan import sentences
from onrecord.analyse.stances.targets import surname_key
from onrecord.analyse.tone.model import tone
from onrecord.models import Analysis, Quote, Segment, Stance, ToneMention

TONE_TYPES = ("person", "organisation", "country")
# A quote's tone becomes a stance only when this clear (|P(positive) - P(negative)|), and only toward a person:
# NewsMTSC, the model's training data, labels the tone toward people only, so toward a country or a party (more
# often a policy or an event than the body itself: "the US strike") the model is outside what it learned.
STANCE_MIN_SCORE = 0.8
STANCE_TYPES = ("person",)
STANCE_LABELS = {"negative": "criticise", "positive": "praise"}
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
    out: list[ToneMention] = []
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
        t = tone(text[s_start:s_end], m_start - s_start, m_end - s_start)
        out.append(ToneMention(entity=n, target=entity.name, target_type=entity.type, mention=m_text,
                               mention_start=m_start, mention_end=m_end, start=s_start, end=s_end, label=t.label,
                               score=t.score, holder=q.speaker if q else None,
                               holder_type=q.speaker_type if q else None, quote_index=k))
    return out


def tone_stances(text: str, analysis: Analysis) -> list[Stance]:
    """Stances of speakers toward the people their quotes speak of clearly negatively or positively, where no
    cue-word stance of that speaker toward that target stands on the same sentence."""
    cued = {(s.holder, s.target) for s in analysis.stances}
    spans = [(s.holder, s.target, s.start, s.end) for s in analysis.stances]
    labels = data.stance_labels()
    out = []
    for t in analysis.tones:
        if (t.quote_index is None or t.label not in STANCE_LABELS or abs(t.score) < STANCE_MIN_SCORE
                or t.target_type not in STANCE_TYPES):
            continue
        if (t.holder, t.target) in cued and any(h == t.holder and g == t.target and s < t.end and t.start < e
                                                for h, g, s, e in spans):
            continue
        q = analysis.quotes[t.quote_index]
        info = labels[STANCE_LABELS[t.label]]
        out.append(Stance(start=t.start, end=t.end, text=text[t.start:t.end], label=info.label,
                          polarity=info.polarity, holder=t.holder, holder_type=q.speaker_type,
                          holder_span=q.speaker_span, on_behalf_of=q.on_behalf_of, target=t.target,
                          target_type=t.target_type, target_span=(t.mention_start, t.mention_end),
                          target_keys=[surname_key(t.target)],
                          source="tone", quote_index=t.quote_index, cameo=info.cameo, plover=info.plover))
    return out


def with_tones(text: str, analysis: Analysis, segments: Iterable[Segment] = ()) -> Analysis:
    """The analysis with its tones, and after its stances those its quotes' clear tones add."""
    analysis.tones = tone_mentions(text, analysis, segments)
    analysis.stances += tone_stances(text, analysis)
    return analysis
