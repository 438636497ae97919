"""Tone questions: how each outlet portrays someone, how each speaker speaks of them, which quotes speak of them
in a given tone. One typed filter (``ToneFilter``) knows its SQL and its description, as Datasette's
``filters.py`` does; the CLI, the HTTP API and Python callers read the same definitions, so one figure has one
value everywhere. Every figure carries its evidence: the sentences (article id and offsets) it is made of.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onrecord.errors import BadParameter
from onrecord.ingest.dates import parse_date
from onrecord.models import TONE_LABELS, QuoteRecord, Records, ToneEvidence, ToneGroup, ToneRecord
from onrecord.query import QUOTE_COLUMNS, Onrecord, _quote, _total, check_date, check_paging

KINDS = ("portrayal", "speech")  # the outlet's own sentences; a speaker's quoted words
GROUPS = ("outlet", "month", "speaker")
EVIDENCE = 20  # evidence items listed per figure (the most clearly toned first); ``n`` counts them all
_GROUP_SQL = {"outlet": "coalesce(a.outlet, '')", "month": "coalesce(substr(a.date, 1, 7), '')",
              "speaker": "coalesce(t.holder, '')"}


@dataclass(frozen=True)
class ToneFilter:
    """Which stored tones a question is about: toward whom (entity ids, else the name as written), with which
    label, in which outlet and dates, and whose tone (the outlet's portrayal or a speaker's words)."""

    about: str
    about_ids: tuple[str, ...] = ()
    label: str | None = None
    outlet: str | tuple[str, ...] | None = None  # several: any of them
    since: str | None = None
    until: str | None = None
    kind: str | None = None
    speaker: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition over ``tones t JOIN articles a`` and its arguments."""
        if self.about_ids:
            marks = ", ".join("?" * len(self.about_ids))
            # driven from the entity's clusters (indexed by entity) to their tones (indexed by cluster), then by
            # id: a row-value IN (article_id, entity_n) read every tone of the articles (VM steps grew 10x when
            # tones about others grew 60x; tests/test_web_portrayal.py)
            conds = [f"t.id IN (SELECT t2.id FROM article_entities ae JOIN tones t2 ON t2.article_id = ae.article_id "
                     f"AND t2.entity_n = ae.n WHERE ae.entity_id IN ({marks}))"]
            args: list[Any] = list(self.about_ids)
        else:
            conds, args = ["t.target = ? COLLATE NOCASE"], [self.about]
        # the article's outlet and date are read by the tone's article, never by their indexes (``+a.``), so a
        # question about someone costs the same however many articles an outlet or a month has
        for cond, value in (("t.label = ?", self.label), ("+a.date >= ?", self.since),
                            ("t.holder = ? COLLATE NOCASE", self.speaker)):
            if value is not None:
                conds.append(cond)
                args.append(value)
        if self.outlet is not None:
            outlets = self.outlets
            conds.append(f"+a.outlet COLLATE NOCASE IN ({', '.join('?' * len(outlets))})")
            args += outlets
        if self.until is not None:  # a month or a year includes the whole of it
            conds.append("substr(a.date, 1, ?) <= ?")
            args += [len(self.until), self.until]
        if self.kind is not None:
            conds.append("t.holder IS NULL" if self.kind == "portrayal" else "t.holder IS NOT NULL")
        return " AND ".join(conds), args

    def describe(self) -> str:
        """The filter in words: "negative tone toward Jeremy Corbyn in The Sun's own sentences"."""
        words = [f"{self.label} tone" if self.label else "tone", f"toward {self.about}"]
        if self.speaker:
            words.append(f"by {self.speaker}")
        if self.outlet:
            words.append(f"in {' or '.join(self.outlets)}")
        if self.kind:
            words.append("in the outlets' own sentences" if self.kind == "portrayal" else "in quoted words")
        if self.since or self.until:
            words.append(f"from {self.since or 'the start'} to {self.until or 'now'}")
        return " ".join(words)

    @property
    def outlets(self) -> list[str]:
        """The outlet filter as a list (empty: any outlet)."""
        return [self.outlet] if isinstance(self.outlet, str) else list(self.outlet or ())


def tone_filter(api: Onrecord, about: str, *, label: str | None = None, outlet: str | Sequence[str] | None = None,
                since: str | None = None, until: str | None = None, kind: str | None = None,
                speaker: str | None = None) -> ToneFilter:
    """A ToneFilter toward ``about`` (a name, alias or entity id; a name no entity has is matched as written), in
    ``outlet`` (one or several, any case), from ``since`` to ``until`` (a day, or a month or year as YYYY-MM or
    YYYY, the whole of it); BadParameter for an unknown label or kind, or a date that cannot be read."""
    if label is not None and label not in TONE_LABELS:
        raise BadParameter(f"unknown tone {label!r}: use one of {', '.join(TONE_LABELS)}")
    if kind is not None and kind not in KINDS:
        raise BadParameter(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    dates: list[str | None] = []
    for name, d in (("since", since), ("until", until)):
        if d is not None and re.fullmatch(r"\d{4}(-\d\d)?", d):  # a year or a month, kept as a prefix
            check_date(name, d)
            dates.append(d)
            continue
        if d is not None and parse_date(d) is None:
            raise BadParameter(f"cannot read the date {d!r} (use YYYY-MM-DD)")
        dates.append(parse_date(d) if d is not None else None)
    outlets = outlet if outlet is None or isinstance(outlet, str) else tuple(outlet) or None
    return ToneFilter(about, tuple(api.entity_ids(about)), label, outlets, dates[0], dates[1], kind, speaker)


_FROM = "FROM tones t JOIN articles a ON a.id = t.article_id"


def tones(api: Onrecord, f: ToneFilter, *, limit: int = 100, offset: int = 0) -> Records[ToneRecord]:
    """The stored tones ``f`` selects, oldest article first, each with its sentence."""
    check_paging(limit, offset)
    cond, args = f.where()
    total = api.conn.execute(f"SELECT count(*) {_FROM} WHERE {cond}", args).fetchone()[0]
    rows = api.conn.execute(
        f"SELECT t.*, a.outlet, a.date, substr(a.text, t.start + 1, t.\"end\" - t.start) AS text, "
        f"(SELECT ae.entity_id FROM article_entities ae WHERE ae.article_id = t.article_id AND ae.n = t.entity_n) "
        f"AS target_id {_FROM} WHERE {cond} ORDER BY a.date IS NULL, a.date, t.article_id, t.start "
        f"LIMIT ? OFFSET ?", [*args, limit, offset])
    out: Records[ToneRecord] = Records(_tone(r) for r in rows)
    out.total = total
    return out


def article_tones(api: Onrecord, article_id: str) -> list[ToneRecord]:
    """Every stored tone of one article (read by the article's index), in text order: the article page marks each
    mention with its sentence's tone."""
    rows = api.conn.execute(
        f"SELECT t.*, a.outlet, a.date, substr(a.text, t.start + 1, t.\"end\" - t.start) AS text, "
        f"(SELECT ae.entity_id FROM article_entities ae WHERE ae.article_id = t.article_id AND ae.n = t.entity_n) "
        f"AS target_id {_FROM} WHERE t.article_id = ? ORDER BY t.mention_start, t.id", (article_id,))
    return [_tone(r) for r in rows]


def _tone(r: sqlite3.Row) -> ToneRecord:
    return ToneRecord(id=r["id"], article_id=r["article_id"], outlet=r["outlet"], date=r["date"], target=r["target"],
                      target_id=r["target_id"], target_type=r["target_type"], mention=r["mention"],
                      mention_start=r["mention_start"], mention_end=r["mention_end"], start=r["start"], end=r["end"],
                      text=r["text"], label=r["label"], score=r["score"], holder=r["holder"],
                      holder_type=r["holder_type"])


def summary(api: Onrecord, f: ToneFilter, by: tuple[str, ...] = (), *, evidence: int = EVIDENCE) -> list[ToneGroup]:
    """The tone toward ``f.about`` per kind (the outlets' portrayal, then speakers' words) and per ``by`` group
    (``outlet``, ``month``, ``speaker``; speech is always per speaker): counts, mean score and ``evidence`` items
    each (0: none, so the figures are one GROUP BY per kind), the most negative group first."""
    for g in by:
        if g not in GROUPS:
            raise BadParameter(f"cannot group by {g!r}: use {', '.join(GROUPS)}")
    cond, args = f.where()
    out: list[ToneGroup] = []
    for kind in ([f.kind] if f.kind else KINDS):
        keys = [g for g in GROUPS if g in by or (g == "speaker" and kind == "speech")]
        if kind == "portrayal":
            keys = [g for g in keys if g != "speaker"]
        select = ", ".join(f"{_GROUP_SQL[g]} AS {g}" for g in keys)
        holder = "t.holder IS NULL" if kind == "portrayal" else "t.holder IS NOT NULL"
        rows = api.conn.execute(
            f"SELECT {select + ', ' if select else ''}count(*) AS n, sum(t.label = 'negative') AS neg, "
            f"sum(t.label = 'neutral') AS neu, sum(t.label = 'positive') AS pos, avg(t.score) AS mean "
            f"{_FROM} WHERE {cond} AND {holder} {'GROUP BY ' + ', '.join(keys) if keys else ''}", args).fetchall()
        for r in rows:
            if not r["n"]:
                continue
            group = {g: r[g] for g in keys}
            match = " AND ".join(f"{_GROUP_SQL[g]} = ?" for g in keys) or "1=1"
            items = [ToneEvidence(e["article_id"], e["start"], e["end"], e["mention_start"], e["mention_end"],
                                  e["label"], e["score"]) for e in api.conn.execute(
                f"SELECT t.* {_FROM} WHERE {cond} AND {holder} AND {match} ORDER BY abs(t.score) DESC, "
                f"t.article_id, t.start LIMIT ?", [*args, *group.values(), evidence])] if evidence else []
            out.append(ToneGroup(kind, group.get("outlet"), group.get("month"), group.get("speaker"), r["n"],
                                 r["neg"], r["neu"], r["pos"], round(r["mean"], 4), items))
    return sorted(out, key=lambda g: (KINDS.index(g.kind), g.mean, g.outlet or "", g.month or "", g.speaker or ""))


def count(api: Onrecord, f: ToneFilter, cap: int | None = None) -> int:
    """How many stored tones ``f`` selects (what ``tones`` gives as ``total``), counted up to ``cap``."""
    cond, args = f.where()
    return _total(api.conn, f"{_FROM} WHERE {cond}", args, cap)


def portrayal_by_outlet(api: Onrecord, entity: str) -> list[ToneGroup]:
    """How each outlet portrays an entity (name, alias or id) in its own sentences: the ``portrayal`` block of
    ``onrecord entity NAME --json`` and ``/api/entities/{id}``."""
    return summary(api, tone_filter(api, entity, kind="portrayal"), ("outlet",))


def quotes(api: Onrecord, f: ToneFilter, *, newest_first: bool = False, limit: int = 100, offset: int = 0
           ) -> Records[QuoteRecord]:
    """The quotes whose words speak of ``f.about`` in ``f.label`` (any tone when None), oldest article first
    (``newest_first``: newest first)."""
    check_paging(limit, offset)
    cond, args = f.where()
    within = f"SELECT DISTINCT t.article_id, t.quote_n {_FROM} WHERE {cond} AND t.quote_n IS NOT NULL"
    base = (f"FROM quotes q JOIN articles a ON a.id = q.article_id WHERE (q.article_id, q.n) IN ({within})")
    total = api.conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    order = "DESC" if newest_first else ""
    rows = api.conn.execute(f"SELECT {QUOTE_COLUMNS} {base} ORDER BY a.date IS NULL, a.date {order}, "
                            f"q.article_id {order}, q.start LIMIT ? OFFSET ?", [*args, limit, offset])
    out: Records[QuoteRecord] = Records(_quote(r) for r in rows)
    out.total = total
    return out
