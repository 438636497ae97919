"""What the pages show, shaped from the query API's typed records: the person page's summary, topic filters and
stance chart, quotes and stances by others, contradictions grouped by claim, descriptors by outlet, sources shown
relative to what was ingested.

Pure selection and grouping over records; no SQL, no HTML (the templates and web.svg draw).
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from onrecord import Onrecord
from onrecord.models import (
    Article,
    ArticleSummary,
    ContradictionRecord,
    EntityDetail,
    QuoteRecord,
    Segment,
    StanceRecord,
    ToneGroup,
    ToneRecord,
)
from onrecord.web.markup import safe_url, span_link
from onrecord.web.svg import Point, TonePoint, portrayal_svg, timeline_svg

MAX_TOPICS = 8
MAX_OUTLET_PANELS = 12  # the portrayal chart draws the outlets with the most sentences, this many
CONTEXT_CHARS = 240  # a tone's sentence is shown with at most this many characters each side of the mention
TARGETS_READ = 100  # targets grouped for the topics (some are dropped: the entity itself, long free-text targets)
KINDS = {"claim-vs-own": "against their own words", "claim-vs-spokesperson": "against their spokesperson's words"}
__all__ = ["ClaimGroup", "Evidence", "citation_of", "count_text", "descriptors_by_outlet", "evidence",
           "group_by_claim", "in_context", "jsonable", "outlet_table", "permalink", "portrayal_chart", "present",
           "public_source",
           "record_json", "roles_now", "span_link", "stance_chart", "tab_counts", "tone_sentence", "topics",
           "vouched_by"]


def vouched_by(s: StanceRecord) -> str:
    """Who vouches for a stance: the outlet, person or spokesperson reporting it, else the holder's own words."""
    return s.reported_by or f"{s.holder or 'unknown'}, own words"


def is_claim(s: StanceRecord) -> bool:
    """A stance someone else attributes to the holder (an outlet, a critic), not their own or a spokesperson's."""
    return s.reporter_type is not None and s.reporter_type != "spokesperson"


def topics(api: Onrecord, entity_id: str) -> list[tuple[str, str, int]]:
    """The targets of an entity's stances, most frequent first, as (label, filter value, count). A target
    that is an entity filters by its shortest alias ("Assad"), which matches its quotes' words as well. One
    grouping of the entity's stances by target (``stance_targets``), so it costs the same however many there are."""
    counts = [((tid or "", target or ""), n) for tid, target, n in api.stance_targets(entity_id, limit=TARGETS_READ)
              if tid != entity_id and (tid or (target and len(target.split()) <= 3))]
    out: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for (tid, target), n in counts:
        if len(out) >= MAX_TOPICS:
            break
        label, value = target, target
        if tid and (names := api.entity_names(tid)):
            label = names[0]
            value = min(names, key=lambda a: (len(a.split()), len(a)))
        if label not in seen:
            seen.add(label)
            out.append((label, value, n))
    return out


def stance_chart(stances: Iterable[StanceRecord], name: str, about: str | None) -> Markup:
    """The SVG chart of stances: one lane per target, one mark per dated stance coloured and shaped by its label,
    claims by others drawn hollow; each mark links to its evidence in the article."""
    points = [Point(s.date, s.target or "(no target)", s.label, f"{vouched_by(s)}: {s.text[:200]}",
                    span_link(s.article_id, s.start, s.end), claimed=is_claim(s), negated=s.negated)
              for s in stances]
    title = f"Stances of {name}" + (f" on {about}" if about else "") + " over time"
    return timeline_svg(points, title=title)


@dataclass
class PortrayalChart:
    """The portrayal chart and what it leaves out: sentences in undated articles, outlets past the panels."""

    svg: Markup
    drawn: int  # sentences in the drawn points
    undated: int
    more_outlets: list[str]


def portrayal_chart(groups: Iterable[ToneGroup], name: str, href: Callable[[str, str], str | None]
                    ) -> PortrayalChart:
    """Small multiples of an entity's portrayal (``portrayal.summary`` by outlet and month): the outlets with the
    most sentences, one panel each (most first), each month a point linking to ``href(outlet, month)``."""
    groups = [g for g in groups if g.kind == "portrayal"]
    per_outlet: dict[str, int] = {}
    for g in groups:
        if g.month:
            per_outlet[g.outlet or ""] = per_outlet.get(g.outlet or "", 0) + g.n
    ranked = sorted(per_outlet, key=lambda o: (-per_outlet[o], o))
    drawn = set(ranked[:MAX_OUTLET_PANELS])
    shown = sorted((g for g in groups if g.month and (g.outlet or "") in drawn),
                   key=lambda g: (ranked.index(g.outlet or ""), g.month or ""))
    points = [TonePoint(g.outlet or "", g.month or "", g.n, g.negative, g.neutral, g.positive, g.mean,
                        href(g.outlet, g.month) if g.outlet and g.month else None) for g in shown]
    svg = portrayal_svg(points, title=f"How each outlet portrays {name}: mean tone of its own sentences by month")
    return PortrayalChart(svg, sum(p.n for p in points), sum(g.n for g in groups if not g.month),
                          ranked[MAX_OUTLET_PANELS:])


def tone_sentence(t: ToneRecord) -> tuple[str, str, str]:
    """A tone's sentence as (before, mention, after), at most ``CONTEXT_CHARS`` each side of the mention."""
    a, b = t.mention_start - t.start, t.mention_end - t.start
    before, after = t.text[:a], t.text[b:]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    return before, t.text[a:b], after


def tab_counts(api: Onrecord, ent: EntityDetail, about: str | None, known: dict[str, int] | None = None,
               scope: dict[str, Any] | None = None) -> dict[str, int]:
    """How many items each tab of the person page holds, every count indexed and stopped at ``api.count_cap``
    (``count_text`` shows one at the cap as "10,000+"), quotes at every confidence (as the index, the API and the
    lists' totals with their "left out" notes count them); ``known``: totals of the lists the page just read.
    ``naming`` and ``toward`` are the two parts of "Said about them"; ``scope``: the page's outlet and dates."""
    n = api.person_counts(ent.id, about=about, min_confidence=None, known=known, **(scope or {}))
    return {"overview": 1, "said": n["said"], "others": min(api.count_cap, n["naming"] + n["toward"]),
            "stances": n["stances"], "claims": n["claims"], "statements": n["statements"], "roles": len(ent.roles),
            "descriptions": len(ent.descriptors), "naming": n["naming"], "toward": n["toward"]}


def count_text(n: int, cap: int) -> str:
    """A count as the page shows it: "1,234", or "10,000+" for one stopped at the cap."""
    return f"{n:,}+" if n >= cap else f"{n:,}"


@dataclass
class ClaimGroup:
    """Claims about someone's stance and every piece of their own (or spokespeople's) words against them: claims
    that meet the same counter-evidence are one group, so each piece of evidence shows once."""

    subject: str
    subject_id: str | None
    claims: list[StanceRecord] = field(default_factory=list)
    counters: list[tuple[StanceRecord, str]] = field(default_factory=list)  # (counter-evidence, how it counters)
    pair_ids: dict[int, list[int]] = field(default_factory=dict)  # per counter, its pairs' ids (their permalinks)

    @property
    def about(self) -> list[str]:
        """What the claims are about (targets and topics), each once."""
        return list(dict.fromkeys(t for c in self.claims for t in (c.target,) if t))


def group_by_claim(pairs: Iterable[ContradictionRecord]) -> list[ClaimGroup]:
    """Contradiction pairs grouped by claim, then claims with the same counter-evidence into one group, in the
    order the claims first appear; each kind of pair said in words ("against their own words")."""
    pairs = list(pairs)
    by_claim: dict[int, tuple[ContradictionRecord, dict[int, tuple[StanceRecord, str]]]] = {}
    pair_id = {(c.claim.id, c.counter.id): c.id for c in pairs}
    for c in pairs:
        _, counters = by_claim.setdefault(c.claim.id, (c, {}))
        counters.setdefault(c.counter.id, (c.counter, KINDS.get(c.kind, c.kind.replace("-", " "))))
    groups: dict[tuple[str, tuple[int, ...]], ClaimGroup] = {}
    for first, counters in by_claim.values():
        key = (first.subject_id or first.subject, tuple(sorted(counters)))
        g = groups.setdefault(key, ClaimGroup(first.subject, first.subject_id, counters=list(counters.values())))
        g.claims.append(first.claim)
        for k in counters:
            g.pair_ids.setdefault(k, []).append(pair_id[first.claim.id, k])
    return list(groups.values())


def descriptors_by_outlet(descriptors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """An entity's descriptors grouped by outlet, loaded ones first, then by count."""
    out: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(descriptors, key=lambda d: (d["outlet"] or "", not d["loaded"], -d["count"], d["text"])):
        out.setdefault(d["outlet"] or "unknown outlet", []).append(d)
    return out


def roles_now(ent: EntityDetail, latest: str | None) -> tuple[list[str], list[str]]:
    """(roles held today by the knowledge file, roles the articles give at their latest date ``latest``)."""
    current = sorted({r.role for r in ent.roles if r.source != "text" and not r.former and r.end is None})
    return current, [r for r in (ent.roles_at(latest) if latest else []) if r not in current]


def outlet_table(ent: EntityDetail, quotes_by_outlet: dict[str | None, int]) -> list[tuple[str, int, int]]:
    """(outlet, quotes by the entity, mentions of it) per outlet, the most quoting and mentioning first."""
    names = {o or "unknown" for o in quotes_by_outlet} | set(ent.mentions_by_outlet)
    by = {(o or "unknown"): n for o, n in quotes_by_outlet.items()}
    rows = [(o, by.get(o, 0), ent.mentions_by_outlet.get(o, 0)) for o in names]
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


# -- one record on its own page: its evidence in context, and how to cite it -------------------------------------
CONTEXT = 600  # characters of the paragraph shown either side of the evidence, at most


def in_context(text: str, start: int, end: int, segments: Sequence[Segment]) -> tuple[str, str, str]:
    """(before, the evidence, after): the paragraph (segment) holding the evidence, at most CONTEXT characters
    either side, cut at a space."""
    seg = next((s for s in segments if s.start <= start < s.end), None)
    lo, hi = (seg.start, max(seg.end, end)) if seg else (0, len(text))
    if start - lo > CONTEXT:
        cut = text.find(" ", start - CONTEXT, start)
        lo = cut + 1 if cut >= 0 else start - CONTEXT
    if hi - end > CONTEXT:
        cut = text.rfind(" ", end, end + CONTEXT)
        hi = cut if cut >= 0 else end + CONTEXT
    return text[lo:start], text[start:end], text[end:hi]


PERMALINKS = {"quote": "quotes", "stance": "stances", "statement": "statements", "contradiction": "contradictions",
              "change": "changes", "changed position": "changes"}  # a record's kind -> its permalink's folder


def permalink(kind: str, ident: Any) -> str:
    """A record's permalink path: ``/quotes/ID`` ...; a description's is named by its evidence (``ident``: article
    id, start, end), as it has no id of its own."""
    if kind == "descriptor":
        article_id, start, end = ident
        return f"/descriptors/{article_id}/{start}-{end}"
    return f"/{PERMALINKS[kind]}/{ident}"


@dataclass
class Evidence:
    """One piece of a record's evidence as its permalink page shows it: a heading, who vouches for it, its words in
    their paragraph (``before``, ``words``, ``after``), its article and where in it."""

    heading: str
    who: str | None
    article: Article
    start: int
    end: int
    before: str
    words: str
    after: str
    said: str | None = None  # the record's own text, when it is not exactly its characters (a quote's words)

    @property
    def url(self) -> str | None:
        return safe_url(self.article.url)

    @property
    def link(self) -> str:
        return span_link(self.article.id, self.start, self.end)

    def cite(self) -> str:
        """Who, their words, and the article's title, outlet, date and URL."""
        art = self.article
        source = ", ".join(x for x in (f"“{art.title}”" if art.title else None, art.outlet, art.date) if x)
        words = (self.said or self.words).strip().strip('“”"')  # its own quotation marks would double ours
        return (f"{self.who or 'Unattributed'}: “{words}”. {source or 'An article'}."
                + (f" {self.url}" if self.url else ""))

    def where(self) -> str:
        return f"characters {self.start}-{self.end} of article {self.article.id}"


def evidence(api: Onrecord, heading: str, who: str | None, article_id: str, start: int, end: int,
             said: str | None = None) -> Evidence:
    """A record's words at ``start``-``end`` of its article, in their paragraph (``in_context``); ``said``: the
    record's own text, cited when it differs from those characters."""
    art = api.article(article_id)
    before, words, after = in_context(art.text, start, end, api.segments(art.id))
    return Evidence(heading, who, art, start, end, before, words, after, said)


def citation_of(pieces: Sequence[Evidence], permalink: str, joiner: str = " Against: ") -> str:
    """A line to cite a record of one or more pieces of evidence by: each piece cited (``Evidence.cite``), then
    the record's permalink and each piece's characters."""
    return (joiner.join(p.cite() for p in pieces)
            + f" (onrecord {permalink}: " + "; ".join(p.where() for p in pieces) + ")")


def record_json(kind: str, rec: Any, pieces: Sequence[Evidence], permalink: str, roots: Sequence[str]
                ) -> dict[str, Any]:
    """A permalink's JSON: the record as the API gives it, its permalink and citation, and each piece of evidence
    with its article's title, outlet, date and URL (exact text: no escaping, no markers)."""
    return {"kind": kind, "permalink": permalink, "citation": citation_of(pieces, permalink),
            "record": jsonable(present(rec, roots)),
            "evidence": [{"heading": p.heading, "who": p.who, "text": p.words, "article_id": p.article.id,
                          "start": p.start, "end": p.end, "title": p.article.title, "outlet": p.article.outlet,
                          "date": p.article.date, "url": p.url} for p in pieces]}


# -- what the JSON shows of a record -------------------------------------------------------------------------
def public_source(source: str, roots: Sequence[str]) -> str:
    """A source as the API and pages show it: ``upload:NAME`` as it is; a path relative to the ingest argument
    (file, directory) it came from, so no server path shows; else just the file name and record."""
    if source.startswith("upload") or source == "-":
        return source
    path, hash_, record = source.partition("#")
    for root in sorted(roots, key=len, reverse=True):
        top = root.rstrip("/\\")
        if top and path == top:  # the root is the file itself (a JSONL or WARC file, one text)
            return os.path.basename(top) + hash_ + record
        if top and path.startswith(top + "/"):
            return path[len(top) + 1:] + hash_ + record
    return os.path.basename(path) + hash_ + record


def jsonable(obj: Any) -> Any:
    """Typed records (``to_dict``), dataclasses, mappings and sequences as plain JSON values."""
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [jsonable(v) for v in obj]
    return obj


def present(record: Any, roots: Sequence[str]) -> Any:
    """An article, article summary or quote with its source relative (``public_source``) and its URL only when
    http(s); any other record as it is."""
    if isinstance(record, (Article, ArticleSummary, QuoteRecord)):
        record = dataclasses.replace(record, source=public_source(record.source, roots), url=safe_url(record.url))
    return record
