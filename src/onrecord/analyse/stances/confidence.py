"""How sure a stance is: a logistic model over what the parse says about it, fitted on judged stances.

The features are what the extraction knows when it makes the record: how the holder was found (its name written
at the holder's place, a pronoun, a role noun resolved to a name, a name from outside the sentence, a common
noun such as "people"), where it stands (after the cue: a passive or an inverted "said X"), what the target is (a
person, organisation or country; a group; a thing; none), which finder made it (cue verb, nominal, frame, quoted
content), the cue's class (a speech act reported, or a position the writer describes: support, oppose, defend;
appeals, refusals, friendly labels), negation, whose voice carries it and how long the sentence is (the parse
errs more in long ones). The weights (``data/stance_confidence.json``) are fitted by ``bench/stance_precision.py
calibrate`` on the judged sets A, C and D of the stance precision gold (docs/annotation.md); set B measures them. A
contradiction is right only when both its stances are: its confidence is the product of theirs, times how much
the rule that paired them leaves open (``pair_confidence``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from onrecord import data
from onrecord.analyse.stances.lexicon import POSITIONAL

MODEL_PATH = Path(data.__file__).parent / "stance_confidence.json"
APPEALS = {"urge", "demand"}
FRIENDLY = {"support", "praise", "defend"}
RULE_FACTOR = {"present": 1.0, "record": 0.9}  # a record claim spans years: its counter may be outside it


class StanceLike(Protocol):
    """The fields of a ``Stance`` (analysis) or ``StanceRecord`` (store) the features read."""

    @property
    def holder(self) -> str | None: ...
    @property
    def holder_type(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...
    @property
    def target_type(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def negated(self) -> bool: ...
    @property
    def reported_by(self) -> str | None: ...
    @property
    def reporter_type(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def holder_span(self) -> Sequence[int] | None: ...
    @property
    def cue_span(self) -> Sequence[int] | None: ...


def _written(s: StanceLike) -> bool:
    """The holder's name (its last word) is written in the stance's own sentence, not resolved from elsewhere."""
    if not s.holder:
        return False
    return s.holder.split()[-1].lower() in s.text.lower()


PRONOUNS = frozenset({"he", "she", "his", "her", "him", "they", "their", "them", "we", "our", "i", "my"})


def holder_written_as(s: StanceLike) -> str:
    """How the holder was found: "name" (its name written at the holder's place), "pronoun", "role" (a noun
    phrase resolved to a name), "elsewhere" (outside the stance's sentence) or "none"."""
    if not s.holder or not s.holder_span:
        return "none"
    a, b = s.holder_span[0] - s.start, s.holder_span[1] - s.start
    if a < 0 or b > len(s.text):
        return "elsewhere"
    written = s.text[a:b].lower()
    if written in PRONOUNS:
        return "pronoun"
    return "name" if s.holder.split()[-1].lower() in written else "role"


def stance_features(s: StanceLike) -> dict[str, float]:
    """The model's inputs for one stance (1.0 when a property holds)."""
    h = s.holder or ""
    how = holder_written_as(s)
    f = {
        "holder_common_noun": float(h[:1].islower()),
        "holder_one_word": float(len(h.split()) == 1),
        "holder_person": float(s.holder_type == "person"),
        "holder_group": float(s.holder_type in ("group", "unknown")),
        "holder_written": float(_written(s)),
        "target_entity": float(s.target_type in ("person", "organisation", "country")),
        "target_thing": float(s.target is not None and s.target_type not in ("person", "organisation", "country")),
        "source_nominal": float(s.source == "nominal"),
        "source_frame": float(s.source == "frame"),
        "source_content": float(s.source == "content"),
        "label_appeal": float(s.label in APPEALS),
        "label_refuse": float(s.label == "refuse"),
        "label_friendly": float(s.label in FRIENDLY),
        "negated": float(bool(s.negated)),
        "voice_outlet": float(s.reporter_type == "outlet"),
        "voice_speaker": float(s.reported_by is not None and s.reporter_type not in (None, "outlet")),
        "label_positional": float(s.label in POSITIONAL),
        "holder_pronoun": float(how == "pronoun"),
        "holder_role": float(how == "role"),
        "holder_elsewhere": float(how == "elsewhere"),
        "holder_after_cue": float(bool(s.holder_span and s.cue_span and s.holder_span[0] > s.cue_span[0])),
        "target_group": float(s.target_type == "group"),
        "long_sentence": float(len(s.text.split()) > 40),
    }
    return f


def score(weights: dict[str, float], feats: dict[str, float]) -> float:
    """The logistic model's probability for one feature vector."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-z))


def stance_confidence(s: StanceLike) -> float:
    """The probability, under the fitted model, that holder, target, label and polarity are all right."""
    return round(score(data.stance_confidence_model()["weights"], stance_features(s)), 3)


def pair_confidence(claim: float | None, counter: float | None, aspect: str | None = None) -> float:
    """A contradiction's confidence: both stances right (the product of theirs), times the rule's factor."""
    return round((claim if claim is not None else 0.5) * (counter if counter is not None else 0.5) *
                 RULE_FACTOR.get(aspect or "present", 1.0), 3)


def fit(rows: list[dict[str, float]], ok: list[bool], l2: float = 1.0, steps: int = 4000,
        rate: float = 0.5) -> dict[str, Any]:
    """Logistic regression with an L2 penalty (not on the bias) by gradient descent: the weights of
    ``data/stance_confidence.json``, with the in-sample log loss."""
    names = sorted({k for r in rows for k in r})
    w = {k: 0.0 for k in ["bias", *names]}
    n = len(rows)
    for _ in range(steps):
        grad = {k: 0.0 for k in w}
        for r, y in zip(rows, ok, strict=True):
            err = score(w, r) - float(y)
            grad["bias"] += err
            for k, v in r.items():
                grad[k] += err * v
        for k in w:
            w[k] -= rate * (grad[k] / n + (l2 * w[k] / n if k != "bias" else 0.0))
    loss = -sum(math.log(max(1e-9, score(w, r) if y else 1 - score(w, r))) for r, y in zip(rows, ok, strict=True)) / n
    return {"weights": {k: round(v, 4) for k, v in w.items()}, "l2": l2, "log_loss": round(loss, 4), "n": n,
            "right": sum(ok)}
