"""What the entity and contradiction pages show, shaped from the query API's typed records: topic filters, the
stance chart's points, quotes and stances by others, contradictions on one topic, descriptors by outlet.

Pure selection and grouping over records; no SQL, no HTML (the templates and web.svg draw).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from onrecord.errors import NotFound
from onrecord.models import ContradictionRecord, EntityDetail, StanceRecord
from onrecord.query import Onrecord
from onrecord.web.markup import span_link
from onrecord.web.svg import Point, timeline_svg

MAX_TOPICS = 8
__all__ = ["contradictions_about", "descriptors_by_outlet", "find_entity", "quotes_by_others", "span_link",
           "stance_chart", "stances_toward", "topics", "vouched_by"]


def find_entity(api: Onrecord, name: str) -> EntityDetail | None:
    """The entity a name, alias or id names, or None."""
    try:
        return api.entity(name)
    except NotFound:
        return None


def vouched_by(s: StanceRecord) -> str:
    """Who vouches for a stance: the outlet, person or spokesperson reporting it, else the holder's own words."""
    return s.reported_by or f"{s.holder or 'unknown'}, own words"


def is_claim(s: StanceRecord) -> bool:
    """A stance someone else attributes to the holder (an outlet, a critic), not their own or a spokesperson's."""
    return s.reporter_type is not None and s.reporter_type != "spokesperson"


def _mentions(about: str, *texts: str | None) -> bool:
    low = about.lower()
    return any(low in (t or "").lower() for t in texts)


def topics(api: Onrecord, entity_id: str) -> list[tuple[str, str, int]]:
    """The targets of an entity's stances, most frequent first, as (label, filter value, count). A target
    that is an entity filters by its shortest alias ("Assad"), which matches its quotes' words as well."""
    stances = api.all_stances(holder=entity_id)
    counts = Counter((s.target_id or "", s.target or "") for s in stances if s.target_id != entity_id and
                     (s.target_id or (s.target and len(s.target.split()) <= 3)))
    out: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for (tid, target), n in counts.most_common():
        if len(out) >= MAX_TOPICS:
            break
        label, value = target, target
        if tid and (found := find_entity(api, tid)) is not None:
            label = found.name
            value = min([found.name, *found.aliases], key=lambda a: (len(a.split()), len(a)))
        if label not in seen:
            seen.add(label)
            out.append((label, value, n))
    return out


def stance_chart(stances: Iterable[StanceRecord], name: str, about: str | None) -> Markup:
    """The SVG chart of stances: one row per target, one mark per dated stance coloured by its label, claims by
    others drawn as rings; each mark links to its evidence in the article."""
    points = [Point(s.date, s.target or "(no target)", s.label, f"{vouched_by(s)}: {s.text[:200]}",
                    span_link(s.article_id, s.start, s.end), claimed=is_claim(s), negated=s.negated)
              for s in stances]
    title = f"Stances of {name}" + (f" on {about}" if about else "") + " over time"
    return timeline_svg(points, title=title)


def stances_toward(api: Onrecord, entity_id: str, about: str | None) -> list[StanceRecord]:
    """Others' stances toward the entity (accusations, calls, praise), optionally mentioning a topic."""
    return [s for s in api.all_stances(target=entity_id) if s.holder_id != entity_id
            and (not about or _mentions(about, s.text, s.about))]


def quotes_by_others(api: Onrecord, ent: EntityDetail, about: str | None) -> list[Any]:
    """Quotes that mention the entity by name, spoken by anyone else, optionally also containing a topic."""
    return [q for q in api.all_quotes(about=ent.name, q=about)
            if ent.id not in (q.speaker_id, q.on_behalf_of_id)]


def contradictions_about(api: Onrecord, name: str | None, about: str | None) -> list[ContradictionRecord]:
    """Contradictions for a subject (all when None), kept when either side's target or topic is ``about``."""
    found = list(api.contradictions(name))
    if not about:
        return found
    ids = set(api.entity_ids(about))
    return [c for c in found if _mentions(about, c.about, c.claim.target, c.counter.target)
            or ids & {c.claim.target_id, c.counter.target_id}]


def descriptors_by_outlet(descriptors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """An entity's descriptors grouped by outlet, loaded ones first, then by count."""
    out: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(descriptors, key=lambda d: (d["outlet"] or "", not d["loaded"], -d["count"], d["text"])):
        out.setdefault(d["outlet"] or "unknown outlet", []).append(d)
    return out
