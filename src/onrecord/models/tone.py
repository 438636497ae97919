"""Tone toward a target: how a sentence (or a quote) portrays the person or body at given offsets."""
from __future__ import annotations

from dataclasses import dataclass
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
