"""Stances: a holder's position toward a target (as analysed and as stored), contradictions, timelines."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onrecord.models.base import Record, Records

OUTLET = "<outlet>"  # reported_by placeholder: the store writes the article's outlet


@dataclass
class Stance(Record):
    """A holder's position toward a target, with its label, polarity and character evidence."""

    start: int  # evidence: the clause or sentence
    end: int
    text: str
    label: str
    polarity: float
    negated: bool = False
    holder: str | None = None
    holder_type: str = "unknown"
    holder_span: tuple[int, int] | None = None
    on_behalf_of: str | None = None
    target: str | None = None
    target_type: str | None = None
    target_span: tuple[int, int] | None = None
    target_keys: list[str] = field(default_factory=list)
    about: str | None = None
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    reported_by: str | None = None  # None: the holder's own words; OUTLET: the writer; else a speaker
    reporter_type: str | None = None
    reporter_for: str | None = None  # a spokesperson reporting their principal's stance: the principal
    source: str = "cue"  # cue | nominal | frame | content
    quote_index: int | None = None
    date: str | None = None  # ISO date (day, week, month or year precision), set by ``date_stances``
    date_text: str | None = None
    date_span: tuple[int, int] | None = None
    future: bool = False
    aspect: str | None = None  # "record": about a history or habit ("has always", "a history of"); None: present
    cameo: str = ""
    plover: str = ""
    confidence: float = 0.5  # analyse.stances.confidence: how likely holder, target, label and polarity are right
    features: dict[str, str] = field(default_factory=dict)  # its structural kind (analyse.stances.confidence)


UNKNOWN_OUTLET = "the article"  # reported_by for a writer's claim in an article with no outlet


@dataclass
class StanceRecord(Record):
    """A stored stance with its article's outlet and date; offsets point into the article's original text."""

    id: int
    article_id: str
    outlet: str | None
    date: str | None
    article_date: str | None
    holder: str | None
    holder_id: str | None
    holder_type: str | None
    on_behalf_of: str | None
    on_behalf_of_id: str | None
    target: str | None
    target_id: str | None
    target_type: str | None
    label: str
    cameo: str | None
    plover: str | None
    polarity: float
    negated: bool
    about: str | None
    cue: str | None
    reported_by: str | None
    reporter_type: str | None
    reporter_for: str | None
    source: str
    start: int
    end: int
    text: str
    date_text: str | None
    holder_span: list[int] | None
    target_span: list[int] | None
    cue_span: list[int] | None
    aspect: str | None = None  # "record": a claim about a history or habit; None: about its date
    confidence: float | None = None  # None: analysed before stances were scored (``onrecord analyse --all``)
    features: dict[str, str] | None = None  # its structural kind; None: analysed before schema 19


@dataclass
class ContradictionRecord(Record):
    """A claim about a holder's stance and the holder's own (or spokesperson's) words going the other way."""

    id: int
    subject: str
    subject_id: str | None
    about: str | None
    kind: str
    shared_keys: list[str]
    claim: StanceRecord
    counter: StanceRecord
    why: dict[str, Any] = field(default_factory=dict)  # the rule, both sides' voice, direction and date, scores
    confidence: float | None = None  # both stances right, and the rule (analyse.stances.confidence.pair_confidence)


@dataclass
class ClaimGroupShown(Record):
    """One claim group of a page of ``contradiction_groups``: the claims and counter-evidence (stance ids, in the
    order shown) whose pairs the page carries, and how many of each the group has in all."""

    subject: str
    subject_id: str | None
    claims: list[int]
    counters: list[int]
    claims_total: int
    counters_total: int


class ClaimGroupPage(Records[ContradictionRecord]):
    """The pairs of one page of claim groups, with the groups as shown (``groups``, in page order)."""

    groups: list[ClaimGroupShown]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.groups = []


@dataclass
class TimelineEntry(Record):
    """A dated item of a person's record: a stance (held or claimed), a quoted statement, or a change of position
    (their own words on a target going the other way from their earlier own words, kept in ``before``)."""

    date: str | None
    kind: str  # stance | quote | changed position
    holder: str | None
    label: str | None
    negated: bool
    target: str | None
    reported_by: str | None
    outlet: str | None
    article_id: str
    start: int
    end: int
    text: str
    before: dict[str, Any] | None = None  # a change of position: the earlier own words (date, label, evidence)
    id: int | None = None  # the stance's, quote's or change of position's id (its permalink: /stances/ID ...)


@dataclass
class PositionChangeRecord(Record):
    """One change of position: a person's own words on a target (``after``) going the other way from their earlier
    own words (``before``), both stances with their evidence."""

    id: int
    holder: str
    holder_id: str
    shared_keys: list[str]
    before: StanceRecord
    after: StanceRecord
