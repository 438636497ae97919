"""Tone toward a target: how a sentence (or a quote) portrays the person or body at given offsets."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from onrecord.models.base import Record

ToneLabel = Literal["negative", "neutral", "positive"]
TONE_LABELS: tuple[ToneLabel, ...] = ("negative", "neutral", "positive")


@dataclass
class Tone(Record):
    """The tone toward the mention ``start:end`` of a sentence: a label, and a score in [-1, 1] (the positive
    probability minus the negative one) with the three probabilities it comes from."""

    start: int
    end: int
    label: ToneLabel
    score: float
    negative: float
    neutral: float
    positive: float


@dataclass
class ToneMention(Record):
    """The tone of one sentence toward one entity of the article it mentions: the speaker's tone when the mention
    is inside a quote (``holder``, ``quote_index``), else the outlet's portrayal (``holder`` None). Evidence: the
    sentence ``start:end`` and the mention ``mention_start:mention_end``, offsets into the article text."""

    entity: int  # index of the entity in the article's ``ArticleEntities.entities``
    target: str
    target_type: str
    mention: str
    mention_start: int
    mention_end: int
    start: int
    end: int
    label: ToneLabel
    score: float
    holder: str | None = None
    holder_type: str | None = None
    quote_index: int | None = None


@dataclass
class ToneRecord(Record):
    """A stored tone toward an entity, with its article's outlet and date; offsets point into the article text."""

    id: int
    article_id: str
    outlet: str | None
    date: str | None
    target: str
    target_id: str | None
    target_type: str
    mention: str
    mention_start: int
    mention_end: int
    start: int
    end: int
    text: str
    label: str
    score: float
    holder: str | None
    holder_type: str | None


@dataclass
class ToneEvidence(Record):
    """One sentence behind a figure: the article, the sentence and the mention (offsets into the article text)."""

    article_id: str
    start: int
    end: int
    mention_start: int
    mention_end: int
    label: str
    score: float


@dataclass
class ToneGroup(Record):
    """The tone toward someone in one group (outlet, month, speaker: "" when unknown, None when not grouped by):
    how many sentences, how many of each label, the mean score in [-1, 1], and the evidence."""

    kind: str
    outlet: str | None
    month: str | None
    speaker: str | None
    n: int
    negative: int
    neutral: int
    positive: int
    mean: float
    evidence: list[ToneEvidence] = field(default_factory=list)
