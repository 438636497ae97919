"""How sure a stance is: the measured precision of its structural kind on judged stances.

Every stance gets a few structural features decided from the parse and the record (``stance_features``): which
finder made it (cue verb, nominal cue, frame, quoted content), the label's class, how the holder was found (its
name written at the holder's place, a pronoun, a role noun resolved to a name, a name from outside the sentence)
and its type, what the target is (an entity, a group, a thing, none) and how the parse attaches it to the cue,
whose voice carries it (the holder's quote, narration, the outlet's characterisation, the holder's spokesperson,
another speaker), its marks (negated, a record, a future), whether it stands in the lead and whether its sentence
is long. The confidence is the precision of stances of that kind on the judged stances of the precision gold (sets
A, C, D, E and F and the sample; docs/annotation.md), read from a table (``data/stance_confidence.json``, written by
``bench/stance_precision.py calibrate``) level by level, each finer level's rate shrunk toward the coarser one's
where it has few judged stances: "0.9" means right about 9 times in 10. Stances under the stances' cut
(``stance_cut``) are stored but shown only on request, and no contradiction rests on them. A contradiction is right
only when both its stances are: its confidence is the product of theirs, times how much the rule that paired them
leaves open (``pair_confidence``).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from onrecord import data, settings
from onrecord.models import Stance

MODEL_PATH = Path(data.__file__).parent / "stance_confidence.json"
RULE_FACTOR = {"present": 1.0, "record": 0.9}  # a record claim spans years: its counter may be outside it
PRONOUNS = frozenset({"he", "she", "his", "her", "him", "they", "their", "them", "we", "our", "i", "my"})


def holder_written_as(s: Stance) -> str:
    """How the holder was found: "name" (a word of its name written at the holder's place: "Corbyn", "Jeremy"),
    "pronoun", "role" (a noun phrase resolved to a name), "elsewhere" (outside the stance's sentence) or "none"."""
    if not s.holder or not s.holder_span:
        return "none"
    a, b = s.holder_span[0] - s.start, s.holder_span[1] - s.start
    if a < 0 or b > len(s.text):
        return "elsewhere"
    written = s.text[a:b].lower()
    if written in PRONOUNS:
        return "pronoun"
    return "name" if _named(s.holder, written) else "role"


def _named(holder: str, written: str) -> bool:
    """Whether ``written`` (lower case) names the holder: its last word, or another word of its name ("Jeremy")."""
    return holder.split()[-1].lower() in written or any(w.lower() in written.split() for w in holder.split()
                                                        if len(w) > 2)


LABEL_CLASS = {"urge": "appeal", "demand": "appeal", "condemn": "attack", "criticise": "attack", "accuse": "attack",
               "warn": "threat", "threaten": "threat", "support": "position", "oppose": "position",
               "defend": "position", "refuse": "reject", "deny": "reject", "question": "reject", "praise": "praise"}
ENTITY_TYPES = ("person", "organisation", "country")
TARGET_DEPS = {"dobj": "object", "dative": "object", "pobj": "preposition", "nsubj": "subject",
               "nsubjpass": "subject", "poss": "possessor"}
LEAD_SENTENCES = 3  # the first sentences of the body: the story's lead, written with most care
FEATURES = ("finder", "label", "holder", "holder_type", "target", "voice", "target_dep", "marks", "place", "length")


def stance_features(s: Stance, doc: Doc | None = None, lead_end: int = 0) -> dict[str, str]:
    """The stance's structural kind, one value per feature (``FEATURES``): which finder made it, the label's class,
    how the holder was found and its type, what the target is and how the parse attaches it to the cue, whose voice
    carries it (the holder's quote, the narration, the outlet's characterisation, another speaker), its marks
    (negated, a record, a future) and where it stands (the lead, before ``lead_end``, or the body; a long sentence).
    ``doc``: the parse (without it the target's relation is unknown)."""
    how = holder_written_as(s)
    if s.target is None:
        target = "none"
    else:
        target = "entity" if s.target_type in ENTITY_TYPES else "group" if s.target_type == "group" else "thing"
    if s.reported_by is None:
        voice = "quote" if s.quote_index is not None else "narration"
    else:
        voice = "outlet" if s.reporter_type == "outlet" else "spokesperson" if s.reporter_for else "speaker"
    marks = "negated" if s.negated else "record" if s.aspect == "record" else \
        "future" if s.future else "plain"
    dep = "unknown" if doc is None else _target_dep(s, doc)
    holder_type = s.holder_type if s.holder_type in (*ENTITY_TYPES, "group") else "other"
    return {"finder": s.source, "label": LABEL_CLASS.get(s.label, "other"), "holder": how,
            "holder_type": holder_type if s.holder else "none", "target": target, "voice": voice,
            "target_dep": dep if s.target else "none", "marks": marks,
            "place": "lead" if s.start < lead_end else "body",
            "length": "long" if len(s.text.split()) > 40 else "short"}


def _target_dep(s: Stance, doc: Doc) -> str:
    """How the target's head attaches in the parse: object, preposition, subject, possessor or other."""
    span = doc.char_span(*s.target_span, alignment_mode="expand") if s.target_span else None
    return TARGET_DEPS.get(span.root.dep_, "other") if span is not None else "other"


def lead_end(doc: Doc, body_start: int) -> int:
    """Where the lead ends: the end of the body's ``LEAD_SENTENCES``-th sentence."""
    ends = [sent.end_char for sent in doc.sents if sent.end_char > body_start]
    return ends[min(LEAD_SENTENCES, len(ends)) - 1] if ends else 0


def kind_key(features: dict[str, str], level: Sequence[str]) -> str:
    """The kind a stance falls in at one level of the calibration table: its values of that level's features."""
    return "|".join(features.get(f, "unknown") for f in level)


def calibrated(table: dict[str, Any], features: dict[str, str]) -> float:
    """The measured precision of the stance's kind: the global rate, then each level's rate for its kind shrunk
    toward the level above by ``prior`` judged stances (a kind seen a few times stays near its parent's rate)."""
    n, right = table["global"]
    p = right / n if n else 0.5
    m = float(table["prior"])
    for level in table["levels"]:
        kn, kr = table["kinds"].get("+".join(level), {}).get(kind_key(features, level), (0, 0))
        p = (kr + m * p) / (kn + m)
    return p


def stance_confidence(features: dict[str, str]) -> float:
    """The measured precision of a stance's kind (``data/stance_confidence.json``): 0.9 means stances of its
    kind were right about 9 times in 10 on the judged sets."""
    return round(calibrated(data.stance_confidence_model(), features), 3)


def stance_cut() -> float:
    """The stances' cut: a stance at least this sure is of a kind right at least this often on the judged sets;
    pages hide the rest by default and contradictions and changes of position rest only on stances above it."""
    return float(settings.value("stance_min_confidence"))


def pair_confidence(claim: float | None, counter: float | None, aspect: str | None = None) -> float:
    """A contradiction's confidence: both stances right (the product of theirs), times the rule's factor."""
    return round((claim if claim is not None else 0.5) * (counter if counter is not None else 0.5) *
                 RULE_FACTOR.get(aspect or "present", 1.0), 3)


def table(rows: list[dict[str, str]], ok: list[bool], levels: Sequence[Sequence[str]], prior: float
          ) -> dict[str, Any]:
    """The calibration table of ``data/stance_confidence.json``: judged and right stances overall and per kind at each
    level (a level is a tuple of features, each finer than the one before)."""
    kinds: dict[str, dict[str, list[int]]] = {}
    for f, y in zip(rows, ok, strict=True):
        for level in levels:
            cell = kinds.setdefault("+".join(level), {}).setdefault(kind_key(f, level), [0, 0])
            cell[0] += 1
            cell[1] += int(y)
    return {"global": [len(ok), sum(ok)], "prior": prior, "levels": [list(x) for x in levels],
            "kinds": {k: dict(sorted(v.items())) for k, v in kinds.items()}}
