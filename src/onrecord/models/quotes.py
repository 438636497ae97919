"""Quotes: one attribution as the analysis finds it, as the store returns it, and grouped into statements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from onrecord.models.base import Record

QuoteKind = Literal["direct", "partial", "indirect", "mixed"]


SpeakerType = Literal["person", "organisation", "group", "spokesperson", "unknown"]
UNKNOWN_SPEAKER = "unknown"  # what a written record says for a speaker the text does not determine


def written_speaker(speaker: str | None, speaker_type: str) -> str | None:
    """The speaker a record writes out: ``unknown`` when the analysis (``speakers.speaker_fields``) found the text
    does not say who spoke. In memory and in the store that speaker stays None / NULL with type "unknown", so no
    count, link, stance or speaker list can take it for a name."""
    return UNKNOWN_SPEAKER if speaker is None and speaker_type == "unknown" else speaker


def undetermined(row: dict[str, Any]) -> bool:
    """Whether a written quote row (an export, an API result, a prediction) credits nobody."""
    return row.get("speaker") in (None, UNKNOWN_SPEAKER)


@dataclass
class Quote(Record):
    """One attribution: quoted or reported content, its cue and its speaker, with evidence spans."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    spans: list[tuple[int, int]] = field(default_factory=list)  # when discontinuous
    speaker: str | None = None  # resolved full name, or None (written out as "unknown": ``written_speaker``)
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

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["speaker"] = written_speaker(self.speaker, self.speaker_type)
        return d


@dataclass
class QuoteRecord(Record):
    """A stored quote with its article's metadata; offsets point into the article's original text."""

    id: int
    article_id: str
    source: str
    outlet: str | None
    date: str | None
    start: int
    end: int
    spans: list[list[int]] | None
    text: str
    kind: str
    speaker: str | None
    speaker_type: str
    on_behalf_of: str | None
    speaker_mention: str | None
    speaker_span: list[int] | None
    cue: str | None
    cue_span: list[int] | None
    furniture: str | None
    confidence: float
    clause_span: list[int] | None
    group: int | None
    speaker_id: str | None
    on_behalf_of_id: str | None
    method: str
    url: str | None = None  # the article's source URL, to go back to the source
    title: str | None = None  # the article's title

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["speaker"] = written_speaker(self.speaker, self.speaker_type)
        return d


@dataclass
class ReportRecord(Record):
    """One report of a statement: the quote in one article."""

    quote_id: int
    article_id: str
    outlet: str | None
    date: str | None
    text: str
    start: int
    end: int
    similarity: float


@dataclass
class StatementRecord(Record):
    """One statement (the longest wording) with every report of it, variants included."""

    id: int
    speaker: str | None
    speaker_id: str | None
    text: str
    first_date: str | None
    reports: list[ReportRecord] = field(default_factory=list)


@dataclass
class SearchHit(Record):
    """A search result: an entity (id, name) or a quote (id, text, speaker, article)."""

    kind: str
    id: str
    text: str
    speaker: str | None
    article_id: str | None
