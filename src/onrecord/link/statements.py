"""One statement, many reports: the same quoted words in several articles (or twice in one) grouped together.

Outlets copy agency text and transcribe the same remarks with small differences: spelling of names
("Qassem"/"Qasem"), capitals ("Quds Force"/"Quds force"), curly or straight marks, a word dropped, or only a
fragment quoted ("a threat to all our interests" inside the full remarks). Two quotes are one statement when
their speakers match (same entity, else same surname or name) and their normalised texts are near-duplicates
(``similarity`` >= ``THRESHOLD``) or one fragment of at least ``MIN_FRAGMENT`` words is contained in the other.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

THRESHOLD = 0.85
MIN_FRAGMENT = 4


@dataclass
class QuoteRef:
    """What the grouping needs from a stored quote."""

    id: int
    article_id: str
    speaker_key: str | None
    text: str
    date: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None


@dataclass
class Statement:
    """A group of reports of the same words; ``text`` is the longest variant."""

    speaker: str | None
    speaker_entity_id: str | None
    text: str
    first_date: str | None
    reports: list[tuple[int, str, float]] = field(default_factory=list)  # (quote id, article id, similarity)


def normalise(text: str) -> str:
    """Case-fold, unify marks and dashes, drop punctuation, and collapse doubled letters (Qassem ~ Qasem)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[’‘`´]", "'", text)
    text = re.sub(r"[^\w\s']", " ", text)
    text = re.sub(r"'s\b", "s", text).replace("'", "")
    text = re.sub(r"(\w)\1+", r"\1", text)
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised texts in [0, 1]: 1.0 when the shorter (>= MIN_FRAGMENT words) lies inside
    the longer, else difflib's ratio."""
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short.split()) >= MIN_FRAGMENT and f" {short} " in f" {long_} ":
        return 1.0
    if min(len(a), len(b)) / max(len(a), len(b)) < THRESHOLD - 0.1:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _similarity_if_near(a: str, b: str, ca: Counter[str], cb: Counter[str]) -> float:
    """``similarity(a, b)`` when it can reach THRESHOLD, else 0.0: difflib's ratio is at most the share of
    characters the two texts have in common, which is cheap to count first."""
    if len(a) / max(1, len(b)) >= THRESHOLD - 0.1 and len(b) / max(1, len(a)) >= THRESHOLD - 0.1:
        if 2 * sum((ca & cb).values()) / (len(a) + len(b)) < THRESHOLD:
            return 0.0
    return similarity(a, b)


def _same_speaker(a: QuoteRef, b: QuoteRef) -> bool:
    if a.speaker_entity_id and b.speaker_entity_id:
        return a.speaker_entity_id == b.speaker_entity_id
    return a.speaker_key is not None and a.speaker_key == b.speaker_key


def group_statements(quotes: list[QuoteRef]) -> list[Statement]:
    """Group quotes into statements (singletons included), ordered by first date then text."""
    parent = list(range(len(quotes)))
    best: dict[int, float] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    norm = [normalise(q.text) for q in quotes]
    # Quotes with the same normalised words and the same speaker fields are one statement (similarity 1.0);
    # only one of them is compared with the rest, which makes re-reported agency copy cheap.
    same: dict[tuple[str, str | None, str | None], list[int]] = {}
    for i, q in enumerate(quotes):
        if norm[i] and _same_speaker(q, q):
            same.setdefault((norm[i], q.speaker_entity_id, q.speaker_key), []).append(i)
    reps = {members[0]: members for members in same.values()}
    for members in reps.values():
        for j in members[1:]:
            parent[find(j)] = find(members[0])
            best[members[0]] = best[j] = 1.0
    counts = {i: Counter(norm[i]) for i in reps}
    by_speaker: dict[str, list[int]] = {}
    for i in reps:
        by_speaker.setdefault(quotes[i].speaker_entity_id or quotes[i].speaker_key or f"?{i}", []).append(i)
    for idx in by_speaker.values():
        for x, i in enumerate(idx):
            for j in idx[x + 1:]:
                if not _same_speaker(quotes[i], quotes[j]):
                    continue
                sim = _similarity_if_near(norm[i], norm[j], counts[i], counts[j])
                if sim >= THRESHOLD:
                    parent[find(j)] = find(i)
                    for k in (*reps[i], *reps[j]):
                        best[k] = max(best.get(k, 0.0), sim)
    groups: dict[int, list[int]] = {}
    for i in range(len(quotes)):
        groups.setdefault(find(i), []).append(i)
    out: list[Statement] = []
    for members in groups.values():
        main = max(members, key=lambda i: (len(quotes[i].text), -i))
        dates = sorted(d for d in (quotes[i].date for i in members) if d)
        q0 = quotes[main]
        out.append(Statement(q0.speaker, q0.speaker_entity_id, q0.text, dates[0] if dates else None,
                             [(quotes[i].id, quotes[i].article_id, round(best.get(i, 1.0), 3)) for i in members]))
    return sorted(out, key=lambda s: (s.first_date or "9999", s.text))
