"""Contradictions: a claim about X's stance toward Y against X's own (or X's spokespeople's) words about Y
that go the other way.

A *claim* is a stance reported by someone other than the holder: the outlet ("Corbyn today refused to blame
Assad") or a third party ("accused Corbyn of siding with ..."). X's *own side* is a stance in X's own words,
or reported by X's spokesperson (``reporter_for``). Direction = sign of the label polarity, flipped when
negated ("refused to blame" points the other way from "condemned"). Targets match when their keys meet after
``expand_keys`` (docs/stances.md, "Target keys"). Appeals (polarity 0) never contradict.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


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


@dataclass
class Contradiction:
    """One claim and one counter-statement about the same holder and target."""

    subject: str
    subject_entity_id: str | None
    about: str | None
    claim_id: int
    counter_id: int
    kind: str  # "claim-vs-own" | "claim-vs-spokesperson"
    shared_keys: list[str] = field(default_factory=list)


def direction(polarity: float, negated: bool, label_polarity: float | None = None) -> int:
    """+1 for, -1 against, 0 neutral; a negated stance points the other way ("did not condemn")."""
    base = label_polarity if label_polarity is not None else polarity
    if abs(base) < 0.2:
        return 0
    sign = 1 if base > 0 else -1
    return -sign if negated else sign


def expand_keys(stances: Iterable[StanceRef]) -> dict[str, set[str]]:
    """person key -> the government keys the store links it to (a leader named with a country anywhere)."""
    links: dict[str, set[str]] = {}
    for s in stances:
        if s.target_type != "person":  # only "Syrian dictator Bashar al-Assad", not "Russian and Assad forces"
            continue
        persons = [k for k in s.target_keys if k.startswith("person:")]
        govs = {k for k in s.target_keys if k.startswith("gov:")}
        for p in persons:
            links.setdefault(p, set()).update(govs)
    return links


def _keys(s: StanceRef, links: dict[str, set[str]]) -> set[str]:
    out = {k for k in s.target_keys if not k.startswith("name:") or len(s.target_keys) == 1}
    for k in list(out):
        out |= links.get(k, set())
    return out


def own_side(s: StanceRef) -> bool:
    return s.reported_by is None or (s.reporter_for is not None and s.reporter_for == s.holder)


def find_contradictions(stances: list[StanceRef], label_polarity: dict[str, float],
                        links: dict[str, set[str]] | None = None) -> list[Contradiction]:
    """Every (claim, counter) pair about the same holder and overlapping targets with opposite directions.
    ``links``: person key -> government keys (``expand_keys`` of these stances when not given: the link stage
    passes the links of the whole store)."""
    links = expand_keys(stances) if links is None else links
    by_holder: dict[str, list[StanceRef]] = {}
    for s in stances:
        if s.holder_key:
            by_holder.setdefault(s.holder_key, []).append(s)
    out: list[Contradiction] = []
    for group in by_holder.values():
        own = [s for s in group if own_side(s)]
        by_key: dict[str, list[int]] = {}
        own_keys = []
        for i, o in enumerate(own):
            ko = _keys(o, links)
            own_keys.append(ko)
            for k in ko:
                by_key.setdefault(k, []).append(i)
        for c in (s for s in group if not own_side(s)):
            dc = direction(c.polarity, c.negated, label_polarity.get(c.label))
            kc = _keys(c, links)
            if dc == 0 or not kc:
                continue
            for i in sorted({i for k in kc for i in by_key.get(k, ())}):
                o = own[i]
                do = direction(o.polarity, o.negated, label_polarity.get(o.label))
                shared = sorted(kc & own_keys[i])
                if do == 0 or do == dc or not shared:
                    continue
                out.append(Contradiction(
                    subject=c.holder or o.holder or "", subject_entity_id=c.holder_entity_id or o.holder_entity_id,
                    about=c.target or o.target, claim_id=c.id, counter_id=o.id,
                    kind="claim-vs-own" if o.reported_by is None else "claim-vs-spokesperson", shared_keys=shared))
    return out
