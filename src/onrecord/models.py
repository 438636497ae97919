"""Typed records that flow through the pipeline: ingest -> clean -> analyse -> store -> query.

Every record that points into an article carries character offsets into ``Article.text``,
the article text exactly as decoded at ingest.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SegmentKind = Literal["title", "body", "furniture"]
QuoteKind = Literal["direct", "partial", "indirect", "mixed"]
SpeakerType = Literal["person", "organisation", "group", "spokesperson", "unknown"]


@dataclass
class Record:
    """Base class: every record serialises to a plain dict."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedArticle(Record):
    """What a format reader returns before the article is stored (no id yet)."""

    text: str
    source: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    url: str | None = None
    format: str = "text"
    external_id: str | None = None  # an id given by the input (JSONL "id", WARC-Record-ID)


@dataclass
class Article(Record):
    """A stored article. ``text`` is the original, never rewritten."""

    id: str
    source: str
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    format: str = "text"
    language: str | None = None
    content_hash: str = ""
    external_id: str | None = None
    ingested_at: str | None = None


@dataclass
class Segment(Record):
    """A paragraph-level span of the original text.

    ``kind`` is "title", "body" or "furniture"; ``furniture`` names the furniture kind
    (caption, credit, gallery_counter, skip_link, related_link, topics, dateline, ...).
    """

    start: int
    end: int
    kind: SegmentKind = "body"
    furniture: str | None = None


@dataclass
class Quote(Record):
    """One attribution: quoted or reported content, its cue and its speaker, with evidence spans."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    spans: list[tuple[int, int]] = field(default_factory=list)  # when discontinuous
    speaker: str | None = None  # resolved full name, or None
    speaker_type: SpeakerType = "unknown"
    on_behalf_of: str | None = None
    speaker_mention: str | None = None  # the mention as written
    speaker_span: tuple[int, int] | None = None
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    furniture: str | None = None
    confidence: float = 0.5
    speaker_entity_id: str | None = None
    on_behalf_of_entity_id: str | None = None
    # The whole reported content around a partial quote (PolNeAR's "mixed" attribution), when known.
    clause_span: tuple[int, int] | None = None
    # Quotes with the same group number (within an article) are paragraphs of one statement.
    group: int | None = None
    # How the attribution was found: "rules" (quote marks, cues, parse patterns) or "learned" (the
    # attribution classifier of analyse/learned.py, for stances, perceptions and plans the rules miss).
    method: str = "rules"
