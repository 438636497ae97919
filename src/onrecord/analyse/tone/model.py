"""The tone model: a softmax-linear classifier over target-masked features (``analyse.tone.features``).

Its weights (``data/tone_model.json``: feature names and weights only, no text) are trained on NewsMTSC train by
``bench/train_tone.py`` (``make train-tone``); ``bench/newsmtsc.py`` scores it on the dev sets.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from onrecord import data
from onrecord.analyse.tone.features import features
from onrecord.errors import BadParameter
from onrecord.models import TONE_LABELS, Tone


@data.cached
def _weights() -> tuple[dict[str, Sequence[float]], int]:
    model = data.tone_model()
    if tuple(model["labels"]) != TONE_LABELS:
        raise ValueError(f"tone_model.json: labels {model['labels']} are not {list(TONE_LABELS)}: rebuild it")
    return model["weights"], len(TONE_LABELS)


def probabilities(names: Iterable[str]) -> list[float]:
    """The softmax probabilities of (negative, neutral, positive) for feature names (each counts once)."""
    weights, k = _weights()
    rows = [w for w in map(weights.get, set(names)) if w is not None]
    # summed exactly (fsum), so the result does not depend on the order of the set: the same in every process
    z = [math.fsum(column) for column in zip(*rows)] if rows else [0.0] * k
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def tone(sentence: str, start: int, end: int) -> Tone:
    """The tone of ``sentence`` toward the mention ``sentence[start:end]``; BadParameter for offsets outside it."""
    if not 0 <= start < end <= len(sentence):
        raise BadParameter(f"the mention {start}:{end} is not inside the sentence (0:{len(sentence)})")
    p = probabilities(features(sentence, start, end))
    best = max(range(len(p)), key=p.__getitem__)
    return Tone(start, end, TONE_LABELS[best], round(p[2] - p[0], 4), round(p[0], 4), round(p[1], 4),
                round(p[2], 4))


def tones(sentence: str, mentions: Sequence[tuple[int, int]]) -> list[Tone]:
    """The tone of ``sentence`` toward each mention ``sentence[start:end]``: the tone step's call, one a sentence, so
    that a model that reads a whole sentence in one pass (the MiniLM of docs/tone.md) can serve all its mentions."""
    return [tone(sentence, start, end) for start, end in mentions]
