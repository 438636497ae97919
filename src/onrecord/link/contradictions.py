"""Contradictions: a claim by someone else about X's position on Y, set against X's own words on Y that say the
opposite, from the time the claim speaks about (docs/stances.md, "Contradictions").

Sides. X's *own words* are a stance that rests on a quotation X is credited with (``quote_n`` set, no other
reporter), or a quote by X's spokesperson (``reporter_for`` = X). A *claim* is a stance reported by someone
else: another speaker, or the outlet, whether marked as the outlet's characterisation ("refused to blame") or a
sentence of narration with no quotation behind it ("Sanders criticised Clinton"): narration is the outlet's
word, never X's own. A reporter named as X ("Bernie Sanders" reporting on "Sanders") is X: own words.

Joins. Both sides must have the same resolved holder entity (never a bare surname key such as ``person:cruz``)
and meet on a resolved target key: an entity (``entity:<id>``) or a state (``gov:<country>``); a resolved person
widens to the governments the store links them to (``expand_keys``). Both sides are at least ``MIN_CONFIDENCE``
sure (a quoted side: its attribution's confidence; narration is the outlet's own text), and both stances are at
or above the stances' cut (``stance_min_confidence``: of a kind right at least that often; a stance analysed before
stances were scored passes).

Time. A claim about the present ("backs", "refused to blame") meets own words from at most ``window_days``
before its date (the ``contradiction_window_days`` setting), never words said after it; a claim about a record
("has a history of", "has always") meets own words from any time up to its date. Own words that the holder
took back before the claim (own words agreeing with the claim, dated from the counter's date to the claim's)
are a *change of position*, not counter-evidence; for a record claim, any agreeing own words before it make the
record mixed, and nothing is listed. X's own words at two dates going opposite ways are a change of position
(``position_changes``), never a contradiction.

Direction = sign of the label polarity, flipped when negated; appeals (polarity 0) never contradict. Each
contradiction carries ``why``: both stances, the rule, the time apart and the thresholds it passed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from onrecord import settings
from onrecord.analyse.stances.confidence import pair_confidence, stance_cut

MIN_CONFIDENCE = 0.5  # a quoted side's attribution must be at least this sure (the quotes' "likely" band)
RESOLVED = ("entity:", "gov:")  # target keys that name one thing: a linked entity, a state


@dataclass
class StanceRef:
    """What contradiction finding needs from a stored stance."""

    id: int
    holder: str | None
    holder_key: str | None
    target: str | None
    target_keys: list[str]
    label: str
    polarity: float
    negated: bool
    reported_by: str | None
    reporter_for: str | None
    date: str | None
    article_id: str
    holder_entity_id: str | None = None
    target_type: str | None = None
    quote_n: int | None = None  # the quotation the stance rests on (None: narration)
    confidence: float | None = None  # that quotation's attribution confidence
    aspect: str | None = None  # "record": a claim about a history or habit ("has always", "a history of")
    target_entity_id: str | None = None
    stance_confidence: float | None = None  # the stance's own (analyse.stances.confidence); None: not scored


@dataclass
class Contradiction:
    """One claim and one counter-statement about the same holder and target, with why they were paired."""

    subject: str
    subject_entity_id: str | None
    about: str | None
    claim_id: int
    counter_id: int
    kind: str  # "claim-vs-own" | "claim-vs-spokesperson"
    shared_keys: list[str] = field(default_factory=list)
    why: dict[str, Any] = field(default_factory=dict)
    confidence: float | None = None  # pair_confidence of its two stances and its rule


def direction(polarity: float, negated: bool, label_polarity: float | None = None) -> int:
    """+1 for, -1 against, 0 neutral; a negated stance points the other way ("did not condemn")."""
    base = label_polarity if label_polarity is not None else polarity
    if abs(base) < 0.2:
        return 0
    sign = 1 if base > 0 else -1
    return -sign if negated else sign


def expand_keys(stances: Iterable[StanceRef]) -> dict[str, set[str]]:
    """Resolved person (``entity:<id>``) -> the government keys a stance names them with ("Syrian dictator
    Bashar al-Assad"): a leader acts through the state."""
    links: dict[str, set[str]] = {}
    for s in stances:
        if s.target_type != "person" or not s.target_entity_id:  # not "Russian and Assad forces", not a bare name
            continue
        govs = {k for k in s.target_keys if k.startswith("gov:")}
        if govs:
            links.setdefault("entity:" + s.target_entity_id, set()).update(govs)
    return links


def resolved_keys(s: StanceRef, links: dict[str, set[str]]) -> set[str]:
    """The keys a stance's target can be joined by: its entity and states, widened by the store's links."""
    out = {k for k in s.target_keys if k.startswith(RESOLVED)}
    if s.target_entity_id:
        out.add("entity:" + s.target_entity_id)
    for k in list(out):
        out |= links.get(k, set())
    return out


def same_person(a: str | None, b: str | None) -> bool:
    """Two names of one person in one article: equal, or one is the other's last words ("Sanders" / "Bernie
    Sanders")."""
    if not a or not b:
        return False
    x, y = a.lower().split(), b.lower().split()
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return long_[len(long_) - len(short):] == short


def own_side(s: StanceRef) -> bool:
    """The holder's own words: a quotation credited to the holder, or one by the holder's spokesperson."""
    if s.quote_n is None:
        return False
    if s.reported_by is None or same_person(s.reported_by, s.holder):
        return True
    return s.reporter_for is not None and s.reporter_for == s.holder


def claim_side(s: StanceRef) -> bool:
    """A claim about the holder by someone else: another speaker, or the outlet (marked, or narration)."""
    if own_side(s):
        return False
    return s.reported_by is None or not same_person(s.reported_by, s.holder)


def voice(s: StanceRef) -> str:
    """Whose word a side is: 'own words', 'spokesperson', 'speaker', 'outlet' or 'outlet narration'."""
    if own_side(s):
        return "own words" if s.reporter_for is None or s.reported_by is None else "spokesperson"
    if s.reported_by is None:
        return "outlet narration"
    return "speaker" if s.quote_n is not None else "outlet"


def period(value: str | None) -> tuple[date, date] | None:
    """The first and last day a stance date (YYYY, YYYY-MM or YYYY-MM-DD) can mean; None when unknown."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return date(parts[0], parts[1], 1), nxt - timedelta(days=1)
        d = date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
    return d, d


def _confident(s: StanceRef, floor: float, cut: float) -> bool:
    """A side sure enough: its quote's attribution at least ``floor``, the stance itself at least ``cut``."""
    attributed = s.quote_n is None or s.confidence is None or s.confidence >= floor
    return attributed and (s.stance_confidence is None or s.stance_confidence >= cut)


def _in_time(c: tuple[date, date], o: tuple[date, date], record: bool, window: int) -> bool:
    """Own words ``o`` speak to the time of claim ``c``: not after it, and for a present claim within the window."""
    if o[0] > c[1]:
        return False
    return record or o[1] >= c[0] - timedelta(days=window)


def _entry(s: StanceRef, d: int) -> dict[str, Any]:
    return {"id": s.id, "voice": voice(s), "by": s.reported_by, "label": s.label, "negated": s.negated,
            "direction": d, "date": s.date, "aspect": s.aspect or "present", "confidence": s.confidence,
            "stance_confidence": s.stance_confidence, "holder_entity": s.holder_entity_id}


def find_contradictions(stances: list[StanceRef], label_polarity: dict[str, float],
                        links: dict[str, set[str]] | None = None, window_days: int | None = None,
                        min_confidence: float = MIN_CONFIDENCE, pair_floor: float | None = None,
                        cut: float | None = None) -> list[Contradiction]:
    """Every (claim, own words) pair about the same resolved holder and resolved target, with opposite
    directions, where the own words speak to the claim's time and were not taken back before it. ``links``:
    resolved person -> government keys (``expand_keys`` of these stances when not given: the link stage passes
    the links of the whole store); ``window_days``: the setting ``contradiction_window_days`` when not given;
    ``pair_floor``: the least pair confidence made (the setting ``contradiction_min_confidence`` when not given);
    ``cut``: the least stance confidence of either side (the stances' cut when not given)."""
    links = expand_keys(stances) if links is None else links
    window = settings.value("contradiction_window_days", window_days)
    floor = settings.value("contradiction_min_confidence", pair_floor)
    cut = stance_cut() if cut is None else cut
    by_holder: dict[str, list[StanceRef]] = {}
    for s in stances:
        if s.holder_entity_id and s.holder_key == "entity:" + s.holder_entity_id:
            by_holder.setdefault(s.holder_key, []).append(s)
    out: list[Contradiction] = []
    for group in by_holder.values():
        own = [(o, resolved_keys(o, links), direction(o.polarity, o.negated, label_polarity.get(o.label)),
                period(o.date)) for o in group if own_side(o) and _confident(o, min_confidence, cut)]
        for c in group:
            if not claim_side(c) or not _confident(c, min_confidence, cut):
                continue
            dc, kc, pc = direction(c.polarity, c.negated, label_polarity.get(c.label)), resolved_keys(c, links), \
                period(c.date)
            if dc == 0 or not kc or pc is None:
                continue
            record = c.aspect == "record"
            agree = [po for _, ko, do, po in own if do == dc and ko & kc and po is not None and po[0] <= pc[1]]
            if record and agree:
                continue  # the holder's own record goes both ways: not a record of the opposite
            for o, ko, do, po in own:
                shared = sorted(kc & ko)
                if do == 0 or do == dc or not shared or po is None or not _in_time(pc, po, record, window):
                    continue
                if any(a[1] >= po[0] for a in agree):
                    continue  # took it back before the claim: a change of position
                days = (pc[0] - po[1]).days
                scored = c.stance_confidence is not None and o.stance_confidence is not None
                conf = pair_confidence(c.stance_confidence, o.stance_confidence, c.aspect) if scored else None
                if conf is not None and conf < floor:
                    continue  # too unsure to print as someone contradicted
                why = {"rule": ("a claim about their record, against their own words before it" if record else
                                f"a claim about their position then, against their own words up to {window} days "
                                "before it"),
                       "claim": _entry(c, dc), "counter": _entry(o, do), "shared_keys": shared,
                       "days_apart": max(days, 0), "window_days": None if record else window,
                       "min_confidence": min_confidence, "confidence": conf}
                out.append(Contradiction(
                    subject=c.holder or o.holder or "", subject_entity_id=c.holder_entity_id or o.holder_entity_id,
                    about=c.target or o.target, claim_id=c.id, counter_id=o.id,
                    kind="claim-vs-own" if voice(o) == "own words" else "claim-vs-spokesperson",
                    shared_keys=shared, why=why, confidence=conf))
    return out


@dataclass
class PositionChange:
    """X's own words on Y at two dates going opposite ways: a change of position, never a contradiction."""

    holder: str
    holder_entity_id: str
    before_id: int
    after_id: int
    shared_keys: list[str]


def position_changes(stances: list[StanceRef], label_polarity: dict[str, float],
                     links: dict[str, set[str]] | None = None, min_confidence: float = MIN_CONFIDENCE,
                     min_stance_confidence: float | None = None) -> list[PositionChange]:
    """Each own-words stance followed (at a later date) by the holder's own words on the same resolved target going
    the other way, paired with the first such later stance; both sides' attributions at least ``min_confidence``
    sure and both stances scored at least ``min_stance_confidence`` (the stances' cut when not given; an unscored
    stance never counts), joined only through the resolved holder entity, about someone or something other than the
    holder."""
    links = expand_keys(stances) if links is None else links
    floor = stance_cut() if min_stance_confidence is None else min_stance_confidence
    out: list[PositionChange] = []
    own = [(s, resolved_keys(s, links) - {s.holder_key}, direction(s.polarity, s.negated,
                                                                    label_polarity.get(s.label)), period(s.date))
           for s in stances if own_side(s) and s.holder_entity_id and s.holder_key == "entity:" + s.holder_entity_id
           and _confident(s, min_confidence, floor) and (s.stance_confidence or 0.0) >= floor
           and s.target_entity_id != s.holder_entity_id]  # about themselves ("His wife had warned him"): no position
    own.sort(key=lambda x: (x[3] or (date.max, date.max), x[0].id))
    for i, (a, ka, da, pa) in enumerate(own):
        for b, kb, db, pb in own[i + 1:]:
            if (b.holder_entity_id == a.holder_entity_id and da and db and da != db and pa and pb and pb[0] > pa[1]
                    and ka & kb):
                out.append(PositionChange(a.holder or "", a.holder_entity_id or "", a.id, b.id, sorted(ka & kb)))
                break
    return out
