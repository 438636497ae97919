"""The questions users ask, answered from the store as typed records. Every interface calls this module."""
from __future__ import annotations

import datetime
import difflib
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from onrecord import browse
from onrecord.analyse.attribution.reported_confidence import reported_cut
from onrecord.analyse.entities.names import clean_person_name
from onrecord.analyse.entities.roles import held_roles, load_kb
from onrecord.analyse.stances import labels
from onrecord.errors import Ambiguous, BadParameter, NotFound
from onrecord.ingest import outlets as outlet_table
from onrecord.link import link
from onrecord.link.stances_store import claim_groups
from onrecord.models import (
    Article,
    ArticleSummary,
    ClaimGroupPage,
    ClaimGroupShown,
    ContradictionRecord,
    DescriptorRecord,
    EntityDetail,
    EntityRow,
    EntitySummary,
    Facet,
    NameMatch,
    PositionChangeRecord,
    QuoteRecord,
    Records,
    SearchHit,
    Segment,
    StanceRecord,
    StatementRecord,
    TimelineEntry,
)
from onrecord.store import Store
from onrecord.store import stances as st
from onrecord.store.db import now, row_to_article
from onrecord.store.entities import (
    COUNT_CAP,
    across_types,
    add_correction,
    descriptor_rows,
    entity_facts,
    entity_list,
    entity_row,
)

T = TypeVar("T")
MAX_LIMIT = 1000
Outlets = str | Sequence[str] | None  # an outlet filter: one name, or several (any of them), in any case


def _span(a: Any, b: Any) -> list[int] | None:
    return [a, b] if a is not None and b is not None else None


QUOTE_COLUMNS = "q.*, a.source, a.outlet, a.date, a.url, a.title"  # what _quote reads, over quotes q JOIN articles a


def _quote(row: sqlite3.Row) -> QuoteRecord:
    return QuoteRecord(
        id=row["id"], article_id=row["article_id"], source=row["source"], outlet=row["outlet"], date=row["date"],
        start=row["start"], end=row["end"], spans=json.loads(row["spans"]) if row["spans"] else None,
        text=row["text"], kind=row["kind"], speaker=row["speaker"], speaker_type=row["speaker_type"],
        on_behalf_of=row["on_behalf_of"], speaker_mention=row["speaker_mention"],
        speaker_span=_span(row["speaker_start"], row["speaker_end"]), cue=row["cue"],
        cue_span=_span(row["cue_start"], row["cue_end"]), furniture=row["furniture"],
        confidence=row["confidence"], clause_span=_span(row["clause_start"], row["clause_end"]), group=row["grp"],
        speaker_id=row["speaker_entity_id"], on_behalf_of_id=row["on_behalf_of_entity_id"], method=row["method"],
        url=row["url"], title=row["title"])


def _capped(conn: sqlite3.Connection, sql: str, args: list[Any], cap: int = COUNT_CAP) -> int:
    """How many rows ``sql`` gives, counted up to ``cap`` (a count at the cap reads as "at least")."""
    return int(conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap)})", args).fetchone()[0])


def _total(conn: sqlite3.Connection, tail: str, args: list[Any], cap: int | None) -> int:
    """How many rows ``SELECT 1 {tail}`` gives: exactly, or counted up to ``cap`` when given."""
    if cap is None:
        return int(conn.execute(f"SELECT count(*) {tail}", args).fetchone()[0])
    return _capped(conn, f"SELECT 1 {tail}", args, cap)


def _quotes_from(articles: Any) -> str:
    """The tables a count of quotes reads: the quotes, and their articles when a filter reads them."""
    return "quotes q JOIN articles a ON a.id = q.article_id" if articles else "quotes q"


def _stances_from(outlet: Any) -> str:
    """The tables a count of stances reads: the stances, and their articles for an outlet (a date is the stance's)."""
    return "stances s JOIN articles a ON a.id = s.article_id" if outlet else "stances s"


def check_paging(limit: int, offset: int) -> None:
    if not 0 < limit <= MAX_LIMIT:
        raise BadParameter(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise BadParameter(f"offset must be 0 or more, got {offset}")


def _at_confidence(args: list[Any], cut: float) -> str:
    """The condition on ``quotes q`` of a quote at least ``cut`` sure (its argument appended to ``args``): at a cut
    above 0, a quote that is not direct must also reach the reported quotes' cut (``reported_min_confidence``, the
    measured precision its kind must have)."""
    if not 0.0 <= cut <= 1.0:
        raise BadParameter(f"min_confidence must be between 0 and 1, got {cut}")
    args += [cut, reported_cut() if cut > 0 else 0.0]
    return "(q.confidence >= ? AND (q.kind = 'direct' OR q.confidence >= ?))"


def shown_at(q: Any, cut: float) -> bool:
    """Whether a quote (any record with ``kind`` and ``confidence``) is kept at confidence ``cut``: the test of
    ``_at_confidence`` for a quote in hand (the web marks the others unsure)."""
    return cut <= 0 or (q.confidence >= cut and (q.kind == "direct" or q.confidence >= reported_cut()))


def check_confidence(value: float) -> float:
    """A confidence floor is a number from 0 to 1."""
    if not 0.0 <= value <= 1.0:
        raise BadParameter(f"min_confidence must be between 0 and 1, got {value}")
    return value


def check_date(name: str, value: str | None) -> None:
    """A date filter is a real calendar date, month or year (``2016-13-01`` and ``2016-02-30`` are refused)."""
    if value is None:
        return
    fields = value.split("-") if re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value) else None
    try:
        if fields is None:
            raise ValueError(value)
        datetime.date(*(int(f) for f in fields), *([1] * (3 - len(fields))))
    except ValueError:
        raise BadParameter(f"{name} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}") from None


def date_range(where: list[str], args: list[Any], column: str, since: str | None, until: str | None) -> None:
    """Add a date filter; ``until`` may be a prefix ("2016-12" includes the whole of December)."""
    if since:
        where.append(f"{column} >= ?")
        args.append(since)
    if until:
        where.append(f"substr({column}, 1, ?) <= ?")
        args += [len(until), until]


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: each word quoted, all required."""
    words = re.findall(r"\w+", text)
    if not words:
        raise BadParameter("the search text has no words")
    return " ".join('"' + w.replace('"', "") + '"' for w in words[:20])


def every_page(fetch: Any, **filters: Any) -> list[Any]:
    """Call a paged query method until it returns a short page; all the records."""
    out: list[Any] = []
    while True:
        page = fetch(**filters, limit=MAX_LIMIT, offset=len(out))
        out.extend(page)
        if len(page) < MAX_LIMIT:
            return out


def _shown_page(pairs: list[ContradictionRecord], groups: list[tuple[str, str | None, list[int], list[int]]],
                total: int, shown: int | None) -> ClaimGroupPage:
    """The page of (subject, subject id, claim ids, counter ids) groups, each cut to ``shown`` claims and
    counters, with the pairs of what is shown (by subject, then as found)."""
    out = ClaimGroupPage()
    out.groups = [ClaimGroupShown(subject, sid, claims[:shown], counters[:shown], len(claims), len(counters))
                  for subject, sid, claims, counters in groups]
    keep = {(c, k) for g in out.groups for c in g.claims for k in g.counters}
    out.extend(sorted((p for p in pairs if (p.claim.id, p.counter.id) in keep), key=lambda p: (p.subject, p.id)))
    out.total = total
    return out


# a change of position as a timeline row: the later own words, ``rid`` the earlier stance's id (``{scond}``: the
# holder's stance filter, on ``stances s JOIN articles a``)
CHANGES = ("SELECT s.date AS date, 'changed position' AS kind, s.holder AS who, s.label, s.negated, s.target, "
           "s.reported_by, s.outlet, s.article_id, s.start, s.\"end\", s.text, pc.id AS rid FROM "
           "position_changes pc JOIN (SELECT s.*, a.outlet FROM stances s JOIN articles a ON a.id = s.article_id "
           "WHERE {scond}) s ON s.id = pc.after_id")  # rid: the change's id (``_before`` reads its earlier words)


class Onrecord:
    """The query API over one store: ``onrecord.open("onrecord.db").quotes(by="Jeremy Corbyn")``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Onrecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- outlets: given in any case, one or several (any of them) ---------------------------------------------
    def outlet_names(self, outlet: Outlets) -> list[str]:
        """The outlets as the store names them of the name or names given, matched case-insensitively
        ("breitbart" is "Breitbart"), a name as articles came with it included ("NYTimes" is the outlet the
        outlets table named "The New York Times", as is "NYT", its variant in the table); a name no article has is
        kept as given (it selects nothing)."""
        given = [outlet] if isinstance(outlet, str) else list(outlet or [])
        table = outlet_table.load()
        out: list[str] = []
        for name in given:
            named = outlet_table.normalise(table, name) or name  # "NYT": a variant no article came with
            # three indexed lookups (SQLite 3.40 turns "outlet = ? COLLATE NOCASE OR outlet = ? COLLATE NOCASE" into
            # a case-sensitive IN)
            stored = [r[0] for r in self.conn.execute(
                "SELECT outlet FROM articles WHERE outlet = ? COLLATE NOCASE UNION SELECT outlet FROM articles WHERE "
                "outlet = ? COLLATE NOCASE UNION SELECT outlet FROM articles WHERE outlet_raw = ? COLLATE NOCASE AND "
                "outlet IS NOT NULL", (name, named, name))]
            out += [n for n in sorted(stored) or [name] if n not in out]
        return out

    def _outlet_cond(self, column: str, outlet: Outlets) -> tuple[str, list[Any]]:
        """``column`` is one of the outlets given (``outlet_names``)."""
        names = self.outlet_names(outlet)
        return f"{column} IN ({','.join('?' * len(names))})", names

    # -- articles -------------------------------------------------------------------------------------------
    def _article_where(self, outlet: Outlets = None, since: str | None = None, until: str | None = None
                       ) -> tuple[str, list[Any]]:
        check_date("since", since)
        check_date("until", until)
        where, args = ["1=1"], []
        if outlet:
            in_outlets, names = self._outlet_cond("a.outlet", outlet)
            where.append(in_outlets)
            args += names
        date_range(where, args, "a.date", since, until)
        return " AND ".join(where), args

    def articles(self, *, outlet: Outlets = None, since: str | None = None, until: str | None = None,
                 sort: str | None = None, limit: int = 100, offset: int = 0) -> Records[ArticleSummary]:
        """Articles with paragraph, furniture and quote counts, oldest first unless ``sort`` says otherwise
        (``date``, ``outlet``, ``title``, ``quotes``; ``-date`` for newest first)."""
        check_paging(limit, offset)
        cond, args = self._article_where(outlet, since, until)
        order = browse.order_by("articles", sort, "date")
        total = self.conn.execute(f"SELECT count(*) FROM articles a WHERE {cond}", args).fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT a.id, a.source, a.outlet, a.date, a.title, a.url,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'body') AS paragraphs,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'furniture') AS furniture,
                   (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS quotes
                FROM articles a WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?""",
            [*args, limit, offset])
        out: Records[ArticleSummary] = Records(ArticleSummary(**dict(r)) for r in rows)
        out.total = total
        return out

    def article_facets(self, *, outlet: Outlets = None, since: str | None = None, until: str | None = None,
                       fields: tuple[str, ...] = ("outlet", "year"), time_limit: browse.TimeLimit = None,
                       size: int = browse.FACET_SIZE) -> list[Facet]:
        """How many of the articles ``articles`` selects have each outlet, year (or month); ``time_limit``:
        seconds for each facet (``browse.time_for``), after which it comes back not counted."""
        cond, args = self._article_where(outlet, since, until)
        return browse.facets(self.conn, "articles", "articles a", cond, args, fields, size, time_limit)

    def article(self, article_id: str) -> Article:
        """One article by its id or a unique prefix of 4 or more characters (taken literally: ``%`` and ``_`` are
        no wildcards); NotFound names the id, Ambiguous says the prefix matches several."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchall()
        if not row and len(article_id) >= 4:
            row = self.conn.execute("SELECT * FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                                    (article_id, article_id + "\U0010ffff")).fetchall()
        if len(row) > 1:
            raise Ambiguous(f"the id prefix {article_id!r} matches several articles: give more characters")
        if not row:
            raise NotFound(f"no article with id {article_id!r} (see `onrecord articles`)")
        return row_to_article(row[0])

    def article_refs(self, ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
        """The title, outlet, date and source URL of each stored article of ``ids`` (full ids), by id: what a record
        from it is cited by in an export."""
        out: dict[str, dict[str, str | None]] = {}
        unique = sorted(set(ids))
        for i in range(0, len(unique), 500):
            chunk = unique[i:i + 500]
            for r in self.conn.execute("SELECT id, title, outlet, date, url FROM articles WHERE id IN "
                                       f"({','.join('?' * len(chunk))})", chunk):
                out[r["id"]] = {"title": r["title"], "outlet": r["outlet"], "date": r["date"], "url": r["url"]}
        return out

    def segments(self, article_id: str) -> list[Segment]:
        return self.store.segments(self.article(article_id).id)

    # -- quotes ----------------------------------------------------------------------------------------------
    def _quote_where(self, by: str | None = None, about: str | None = None, article: str | None = None,
                     outlet: Outlets = None, since: str | None = None, until: str | None = None,
                     q: str | None = None, kind: str | None = None, min_confidence: float | None = None,
                     method: str | None = None, articles_apart: bool = False) -> tuple[str, list[Any]]:
        """The condition on ``quotes q JOIN articles a`` for the filters of ``quotes``; ``articles_apart``: the
        outlet and dates as a set of article ids, so the condition reads ``quotes q`` alone (for the facets, which
        then count from the quotes' covering indexes)."""
        check_date("since", since)
        check_date("until", until)
        where: list[str] = ["1=1"]
        args: list[Any] = []
        if by:
            ids = self.entity_ids(by)
            cond = ["q.speaker = ? COLLATE NOCASE", "q.on_behalf_of = ? COLLATE NOCASE"]
            args += [by, by]
            if ids:
                marks = ",".join("?" * len(ids))
                cond += [f"q.speaker_entity_id IN ({marks})", f"q.on_behalf_of_entity_id IN ({marks})"]
                args += [*ids, *ids]
            where.append("(" + " OR ".join(cond) + ")")
        if about:
            ids = self.entity_ids(about)
            if ids:  # one definition with the index's "quotes about" (link/entity_counts.py)
                naming, more = self._about_entity(ids)
                where.append(naming)
                args += more
            else:  # no such entity: quotes with those words
                where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
                args.append(self.about_query(about))
        if q:
            where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            args.append(fts_query(q))
        if article:
            where.append("q.article_id = ?")
            args.append(self.article(article).id)
        on_article: list[str] = []
        article_args: list[Any] = []
        alias = "art" if articles_apart else "a"
        if outlet:
            in_outlets, names = self._outlet_cond(f"{alias}.outlet", outlet)
            on_article.append(in_outlets)
            article_args += names
        date_range(on_article, article_args, f"{alias}.date", since, until)
        if on_article and articles_apart:
            where.append(f"q.article_id IN (SELECT art.id FROM articles art WHERE {' AND '.join(on_article)})")
        else:
            where += on_article
        args += article_args
        if kind:
            if kind not in ("direct", "partial", "indirect", "mixed"):
                raise BadParameter(f"kind must be direct, partial, indirect or mixed, got {kind!r}")
            where.append("q.kind = ?")
            args.append(kind)
        if min_confidence is not None:
            where.append(_at_confidence(args, min_confidence))
        if method:
            if method not in ("rules", "learned"):
                raise BadParameter(f"method must be rules or learned, got {method!r}")
            where.append("q.method = ?")
            args.append(method)
        return " AND ".join(where), args

    def quotes(self, *, by: str | None = None, about: str | None = None, article: str | None = None,
               outlet: Outlets = None, since: str | None = None, until: str | None = None,
               q: str | None = None, kind: str | None = None, min_confidence: float | None = None,
               method: str | None = None, sort: str | None = None, limit: int = 100, offset: int = 0,
               count_cap: int | None = None) -> Records[QuoteRecord]:
        """Quotes filtered by speaker (name, alias or entity id; spokespeople count for their principal),
        whom they are about (an entity's name, alias or id: quotes by others naming it, ``_about_entity``, as the
        entity index counts them; other words: quotes containing them), article, outlet, date range, full-text
        search, kind, confidence and method (rules or learned), in date order unless ``sort`` says otherwise
        (``date``, ``outlet``, ``speaker``, ``confidence``, ``kind``; ``-confidence`` for the surest first);
        ``count_cap``: ``total`` counted only up to it (a total at the cap reads as "at least"), else exactly."""
        check_paging(limit, offset)
        cond, args = self._quote_where(by, about, article, outlet, since, until, q, kind, min_confidence, method)
        order = browse.order_by("quotes", sort, "date")
        base = joined = f"FROM quotes q JOIN articles a ON a.id = q.article_id WHERE {cond}"
        key, desc = browse.sort_key(list(browse.SORTS["quotes"]), sort, "date")
        if key in browse.KEYED["quotes"] and not (by or about or q or article):
            # walk the quotes in the sort's own index, not one that a filter (kind=) could match; a unary + keeps
            # SQLite from reading kind= as a constant sort key, which would sort each kind's quotes in full
            base = (f"FROM quotes q INDEXED BY quotes_{key}_sort{'_desc' if desc else ''} JOIN articles a ON "
                    f"a.id = q.article_id WHERE {cond.replace('q.kind = ?', '+q.kind = ?')}")
        if key in ("date", "outlet") and not (by or about or q or article):
            # walk the articles in the sort's index order, so a page reads about a page of quotes
            # (each article's quotes by its (article_id, n) key, not by another index a filter could match)
            base = (f"FROM articles a CROSS JOIN quotes q INDEXED BY sqlite_autoindex_quotes_1 ON a.id = q.article_id "
                    f"WHERE {cond}")
        # counting needs the join only when a filter reads the article row
        counted = (joined if key in browse.KEYED["quotes"] else base) if (outlet or since or until) else \
            f"FROM quotes q WHERE {cond}"
        total = _total(self.conn, counted, args, count_cap)
        rows = self.conn.execute(f"SELECT {QUOTE_COLUMNS} {base} ORDER BY {order} "
                                 "LIMIT ? OFFSET ?", [*args, limit, offset])
        out: Records[QuoteRecord] = Records(_quote(r) for r in rows)
        out.total = total
        return out

    def quote(self, quote_id: int) -> QuoteRecord:
        """One quote by its id (its permalink), with its article's metadata; NotFound names the id."""
        row = self.conn.execute(f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a "
                                "ON a.id = q.article_id WHERE q.id = ?", (quote_id,)).fetchone()
        if row is None:
            raise NotFound(f"no quote with id {quote_id} (see `onrecord quotes`)")
        return _quote(row)

    def stance(self, stance_id: int) -> StanceRecord:
        """One stance by its id (its permalink); NotFound names the id."""
        rows = st.stance_rows(self.conn, "s.id = ?", [stance_id], limit=1)
        if not rows:
            raise NotFound(f"no stance with id {stance_id} (see `onrecord stances`)")
        return st.to_stance(rows[0])

    def contradiction(self, contradiction_id: int) -> ContradictionRecord:
        """One contradiction pair by its id (its permalink), both sides with their evidence; NotFound names the id."""
        found = st.contradictions(self.conn, "c.id = ?", [contradiction_id], limit=1)
        if not found:
            raise NotFound(f"no contradiction with id {contradiction_id} (see `onrecord contradictions`)")
        return found[0]

    def position_change(self, change_id: int) -> PositionChangeRecord:
        """One change of position by its id (its permalink): the earlier and the later own words, both stances with
        their evidence; NotFound names the id."""
        row = self.conn.execute("SELECT * FROM position_changes WHERE id = ?", (change_id,)).fetchone()
        sides = {r["id"]: st.to_stance(r) for r in st.stance_rows(
            self.conn, "s.id IN (?, ?)", [row["before_id"], row["after_id"]])} if row else {}
        if row is None or row["before_id"] not in sides or row["after_id"] not in sides:
            raise NotFound(f"no change of position with id {change_id} (see a person's page)")
        return PositionChangeRecord(row["id"], row["holder"], row["holder_entity_id"], json.loads(row["shared_keys"]),
                                    sides[row["before_id"]], sides[row["after_id"]])

    def descriptor(self, article_id: str, start: int, end: int) -> DescriptorRecord:
        """The description at characters ``start``-``end`` of an article (its permalink: a description has no id of
        its own, its evidence names it), with the entity it describes; NotFound says none is stored there."""
        art = self.article(article_id)
        row = self.conn.execute(
            "SELECT coalesce(e.entity_id, '') AS entity_id, d.text, d.key, d.kind, d.loaded, coalesce(d.confidence, 0) "
            'AS confidence, d.article_id, d.start, d."end", a.date, a.outlet FROM entity_descriptors d JOIN '
            "article_entities e ON e.article_id = d.article_id AND e.n = d.n JOIN articles a ON a.id = d.article_id "
            'WHERE d.article_id = ? AND d.start = ? AND d."end" = ? ORDER BY e.entity_id IS NULL, e.n LIMIT 1',
            (art.id, start, end)).fetchone()
        if row is None:
            raise NotFound(f"no description stored at characters {start}-{end} of article {art.id}")
        return DescriptorRecord(**{**dict(row), "loaded": bool(row["loaded"])})

    def quote_facets(self, *, fields: tuple[str, ...] = ("outlet", "by", "kind", "year"),
                     time_limit: browse.TimeLimit = None, size: int = browse.FACET_SIZE, **filters: Any
                     ) -> list[Facet]:
        """How many of the quotes ``quotes(**filters)`` selects have each outlet, speaker (``by``: an entity id
        or a name, a spokesperson's quotes under their principal), kind, method, year (or month); ``time_limit``:
        seconds for each facet (``browse.time_for``), after which it comes back not counted."""
        cond, args = self._quote_where(**filters, articles_apart=True)
        # a unary + keeps SQLite from reading kind= or method= off their own index (a row lookup per quote): the
        # facets' covering indexes (migration 15) hold both, so they count 3-4 times faster on 101,000 quotes
        cond = cond.replace("q.kind = ?", "+q.kind = ?").replace("q.method = ?", "+q.method = ?")
        return browse.facets(self.conn, "quotes", "quotes q JOIN articles a ON a.id = q.article_id", cond, args,
                             fields, size, time_limit)

    def all_quotes(self, **filters: Any) -> list[QuoteRecord]:
        """Every quote matching the filters of ``quotes``, fetched page by page."""
        return every_page(self.quotes, **filters)

    def about_query(self, about: str) -> str:
        """An FTS5 query matching any name of whom a quote may be about: the entity's name and aliases (and a
        person's surname), or the words given when no entity matches."""
        names = {about}
        for eid in self.entity_ids(about)[:5]:
            rows = self.conn.execute("SELECT name, type FROM entities WHERE id = ? UNION ALL "
                                     "SELECT alias, '' FROM entity_aliases WHERE entity_id = ?", (eid, eid))
            for name, typ in rows:
                names.add(name)
                if typ == "person" and len(name.split()) > 1:
                    names.add(name.split()[-1])
        phrases = sorted({" ".join(re.findall(r"\w+", n)) for n in names} - {""})
        if not phrases:
            raise BadParameter("the 'about' name has no words")
        return " OR ".join('"' + p.replace('"', "") + '"' for p in phrases[:30])

    def entity_ids(self, name: str) -> list[str]:
        """Entity ids matching a name, alias or id (empty until entities are resolved)."""
        try:
            rows = self.conn.execute(
                "SELECT DISTINCT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE "
                "UNION SELECT id FROM entities WHERE id = ? OR name = ? COLLATE NOCASE", (name, name, name))
            return [r[0] for r in rows]
        except sqlite3.OperationalError:  # no entity tables in this store
            return []

    # -- entities: people, organisations, roles, descriptors ------------------------------------------------
    def entities(self, type: str | None = None, limit: int = 100, offset: int = 0
                 ) -> Records[EntitySummary]:
        """Canonical entities (person, organisation, country, group), most mentioned first."""
        check_paging(limit, offset)
        if type is not None and type not in ("person", "organisation", "country", "group"):
            raise BadParameter(f"type must be person, organisation, country or group, got {type!r}")
        total, rows = entity_summaries(self.conn, type, limit, offset)
        out: Records[EntitySummary] = Records(rows)
        out.total = total
        return out

    def entity_index(self, *, type: str | None = None, outlet: Outlets = None, q: str | None = None,
                     sort: str | None = None, limit: int = 100, offset: int = 0) -> Records[EntityRow]:
        """People, organisations, countries and groups with quotes by and about them, articles, outlets and
        mentions; filtered by type, an outlet they appear in (then counted in its articles only) and words in a
        name or alias; most mentioned first unless ``sort`` says otherwise (``name``, ``type``, ``quotes_by``,
        ``quotes_about``, ``articles``, ``outlets``, ``mentions``; ``-`` first for descending)."""
        check_paging(limit, offset)
        total, rows = browse.entity_index(self.conn, type, self._one_outlet(outlet), q, sort, limit, offset)
        out: Records[EntityRow] = Records(rows)
        out.total = total
        return out

    def entity_facets(self, *, type: str | None = None, outlet: Outlets = None,
                      q: str | None = None, time_limit: browse.TimeLimit = None, size: int = browse.FACET_SIZE
                      ) -> list[Facet]:
        """How many of the entities ``entity_index`` selects are of each type, and appear in each outlet;
        ``time_limit`` as for ``quote_facets``."""
        return browse.entity_facets(self.conn, type, self._one_outlet(outlet), q, size, time_limit)

    def _one_outlet(self, outlet: Outlets) -> str | None:
        """The one outlet an entity index is counted in, as the store spells it (its counts are kept per outlet)."""
        names = self.outlet_names(outlet)
        if len(names) > 1:
            raise BadParameter(f"the entity index is counted in one outlet at a time, got {len(names)}: "
                               f"{', '.join(names)}")
        return names[0] if names else None

    def ingest_roots(self) -> list[str]:
        """The paths given to every ingest run (files, directories, globs), for showing sources relative to
        them."""
        roots: set[str] = set()
        for (args,) in self.conn.execute("SELECT args FROM ingest_runs WHERE args IS NOT NULL"):
            try:
                paths = json.loads(args).get("paths") or []
            except (ValueError, AttributeError):
                continue
            roots.update(p for p in paths if isinstance(p, str) and p)
        return sorted(roots)

    def entity(self, name_or_id: str, *, min_confidence: float | None = None) -> EntityDetail:
        """One entity by id, name, alias or surname (as ``find_entity``): aliases, roles over time, mentions and
        descriptors by outlet (those at least ``min_confidence`` sure; ``descriptors_below`` counts the rest)."""
        found = entity_detail(self.conn, self.find_entity(name_or_id).id, min_confidence=min_confidence)
        if found is None:
            raise NotFound(f"no entity named {name_or_id!r} (see `onrecord entities`)")
        return found

    def descriptors(self, name_or_id: str, *, min_confidence: float | None = None, limit: int = 100,
                    offset: int = 0) -> Records[DescriptorRecord]:
        """How the articles describe one entity, one record per description with its article, date, outlet and
        character offsets, at least ``min_confidence`` sure; ``total`` stops at the count cap."""
        check_paging(limit, offset)
        eid = self.find_entity(name_or_id).id
        rows = descriptor_rows(self.conn, eid, min_confidence, limit, offset)
        out = Records(DescriptorRecord(**{**r, "loaded": bool(r["loaded"])}) for r in rows)
        out.total = offset + len(out) if len(out) < limit else len(
            descriptor_rows(self.conn, eid, min_confidence, COUNT_CAP, 0))
        return out

    def find_entity(self, name: str) -> NameMatch:
        """The entity a user means by an id, name or alias; a lone surname ("Sanders") that names no person
        itself means the most quoted person of that surname, and ``note`` says so. A name that matches nothing
        raises NotFound naming the closest names, so that a typo is never read as "no quotes"."""
        try:
            row = entity_row(self.conn, name)
            if row is None and clean_person_name(name) != name:  # "Mr Corbyn", "President Trump"
                row = entity_row(self.conn, clean_person_name(name))
            surname = clean_person_name(name)
            people = self.conn.execute(
                "SELECT id, name, type FROM entities WHERE type = 'person' AND name LIKE ? ESCAPE '\\' "
                "ORDER BY quotes_by DESC, mentions DESC, name LIMIT 6",
                ("% " + browse.like_pattern(surname)[1:-1],)).fetchall() if surname and " " not in surname else []
        except sqlite3.OperationalError:  # a store with no entity tables yet
            row, people = None, []
        if people and (row is None or row["type"] != "person"):
            best = people[0]
            others = [p["name"] for p in people[1:]]
            also = f" (also: {', '.join(others)}; give the full name to choose)" if others else ""
            which = f"the most quoted of {len(people)} people" if others else "the only person"
            note = f"{name!r} taken as {best['name']} [{best['id']}], {which} named {surname}{also}"
            return NameMatch(best["id"], best["name"], best["type"], note)
        if row is not None:
            return NameMatch(row["id"], row["name"], row["type"])
        close = self.closest_names(name)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise NotFound(f"no entity named {name!r}{hint} (see `onrecord entities`)")

    def _merge_other(self, first: str, other: str) -> NameMatch:
        """What ``merge NAME OTHER`` merges: an entity other than NAME's with that id, name or alias (the most
        mentioned), else whatever ``find_entity`` finds."""
        row = self.conn.execute(
            "SELECT id, name, type FROM entities e WHERE e.id != ? AND (e.id = ? OR e.name = ? COLLATE NOCASE OR "
            "e.id IN (SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE)) "
            "ORDER BY e.id = ? DESC, e.mentions DESC, e.id LIMIT 1", (first, other, other, other, other)).fetchone()
        return NameMatch(row["id"], row["name"], row["type"]) if row else self.find_entity(other)

    def closest_names(self, name: str, n: int = 3) -> list[str]:
        """The entity names and aliases most like ``name`` (for "did you mean"), among the 20,000 most mentioned
        entities."""
        try:
            top, args = across_types(self.conn, "id, name", "SELECT e.id, e.name, e.mentions, e.rowid AS r FROM "
                                     "entities e WHERE 1=1", [], "e.mentions DESC, e.name, e.rowid",
                                     "mentions DESC, name, r", 20000, 0)
            names = [r[0] for r in self.conn.execute(
                f"WITH top AS MATERIALIZED ({top}) SELECT name FROM top UNION SELECT alias FROM entity_aliases WHERE "
                "entity_id IN (SELECT id FROM top)", args)]
        except sqlite3.OperationalError:
            return []
        lower: dict[str, str] = {}
        for x in names:
            lower.setdefault(x.lower(), x)
        return [lower[x] for x in difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.75)]

    def correct_entities(self, action: str, name: str, other: str) -> EntityDetail:
        """Record a manual ``merge`` (name with other) or ``split`` (alias other off name's entity), kept by
        name so it survives re-analysis, and re-link; returns the entity ``name`` now names."""
        if action not in ("merge", "split"):
            raise BadParameter(f"action must be merge or split, got {action!r}")
        first = self.entity(name)
        if action == "merge":
            second = self._merge_other(first.id, other)
            if second.id == first.id:
                raise BadParameter(f"{name!r} and {other!r} are already one entity: {first.name} [{first.id}]")
            other = second.name  # kept by name, so an id or a surname given here names the entity it found
        elif other.lower() not in {a.lower() for a in first.aliases}:
            raise NotFound(f"{first.name!r} has no alias {other!r} (its aliases: {', '.join(first.aliases)})")
        with self.store.transaction() as conn:
            cur = add_correction(conn, action, first.name, other, now())
        link(self.store)
        after = self.entity(first.name)
        if action == "merge":  # merged: no entity of the other's name and type is left beside NAME's
            changed = not self.conn.execute(
                "SELECT 1 FROM entities WHERE id != ? AND name = ? COLLATE NOCASE AND type = ?",
                (after.id, second.name, second.type)).fetchone()
        else:
            changed = other.lower() not in {a.lower() for a in after.aliases}
        if not changed:  # the correction named nothing the linker could apply: take it back, say so
            with self.store.transaction() as conn:
                conn.execute("DELETE FROM entity_corrections WHERE id = ?", (cur,))
            link(self.store)
            raise BadParameter(f"{action} {first.name!r} {other!r} changed nothing (the names did not reach the "
                               "linker as written); nothing was kept")
        return after

    # -- stances, statements, timelines, contradictions, search ----------------------------------------------
    def _stance_where(self, holder: str | None = None, target: str | None = None, label: str | None = None,
                      since: str | None = None, until: str | None = None, outlet: Outlets = None,
                      min_confidence: float | None = None, dated: bool = False) -> tuple[str, list[Any]]:
        """The condition on ``stances s JOIN articles a`` for the filters of ``stances`` (a stance analysed before
        stances were scored has no confidence and passes any ``min_confidence``; ``dated``: only dated ones)."""
        check_date("since", since)
        check_date("until", until)
        where, args = ["1=1"], []
        if holder:
            c1, a1 = st.name_condition("s.holder", holder, self.entity_ids(holder), "s.holder_entity_id")
            where.append(c1)
            args += a1
        if target:
            c2, a2 = st.name_condition("s.target", target, self.entity_ids(target), "s.target_entity_id")
            where.append(c2)
            args += a2
        if label:
            if label not in labels():
                raise BadParameter(f"label must be one of {', '.join(labels())}, got {label!r}")
            where.append("s.label = ?")
            args.append(label)
        date_range(where, args, "s.date", since, until)
        if outlet:
            in_outlets, names = self._outlet_cond("a.outlet", outlet)
            where.append(in_outlets)
            args += names
        if min_confidence is not None:
            where.append("(s.confidence IS NULL OR s.confidence >= ?)")
            args.append(check_confidence(min_confidence))
        if dated:
            where.append("s.date IS NOT NULL")
        return " AND ".join(where), args

    def stances(self, *, holder: str | None = None, target: str | None = None, label: str | None = None,
                since: str | None = None, until: str | None = None, outlet: Outlets = None,
                min_confidence: float | None = None, sort: str | None = None, limit: int = 100, offset: int = 0,
                count_cap: int | None = None) -> Records[StanceRecord]:
        """Stances filtered by holder (or their spokespeople's principal), target, label, stance date, outlet and
        confidence (at least ``min_confidence``), in date order unless ``sort`` says otherwise (``date``,
        ``label``, ``holder``, ``target``, ``outlet``); ``count_cap`` as for ``quotes``."""
        check_paging(limit, offset)
        cond, args = self._stance_where(holder, target, label, since, until, outlet, min_confidence)
        order = (browse.order_by("stances", sort, "date") if sort
                 else "s.date IS NULL, s.date, a.date, s.article_id, s.start")
        join = "JOIN articles a ON a.id = s.article_id " if outlet else ""  # only the outlet filter reads articles
        total = _total(self.conn, f"FROM stances s {join}WHERE {cond}", args, count_cap)
        out: Records[StanceRecord] = Records(st.to_stance(r) for r in st.stance_rows(
            self.conn, cond, args, order=order, limit=limit, offset=offset))
        out.total = total
        return out

    def stance_facets(self, *, fields: tuple[str, ...] = ("label", "holder", "target", "outlet", "year"),
                      time_limit: browse.TimeLimit = None, size: int = browse.FACET_SIZE, **filters: Any
                      ) -> list[Facet]:
        """How many of the stances ``stances(**filters)`` selects have each label, holder, target, outlet, year
        (or month); holders and targets by entity id when linked; ``time_limit`` as for ``quote_facets``."""
        cond, args = self._stance_where(**filters)
        # a unary + keeps SQLite from reading the confidence off its own index (then a row lookup per stance): each
        # facet's covering index (migration 20) holds it, so the facet is one scan of that index
        cond = cond.replace("(s.confidence IS NULL OR s.confidence >= ?)",
                            "(+s.confidence IS NULL OR +s.confidence >= ?)")
        return browse.facets(self.conn, "stances", "stances s JOIN articles a ON a.id = s.article_id", cond, args,
                             fields, size, time_limit)

    def all_stances(self, **filters: Any) -> list[StanceRecord]:
        """Every stance matching the filters of ``stances``, fetched page by page."""
        return every_page(self.stances, **filters)

    def _statement_where(self, id: int | None = None, by: str | None = None, q: str | None = None,
                         min_reports: int = 1, min_articles: int = 1, outlet: Outlets = None,
                         since: str | None = None, until: str | None = None) -> tuple[str, list[Any]]:
        """The condition on ``statements st`` for the filters of ``statements``."""
        check_date("since", since)
        check_date("until", until)
        where: list[str] = ["st.reports >= ?"]
        args: list[Any] = [min_reports]
        if min_articles > 1:
            where.append("st.articles >= ?")  # distinct articles, kept by the link stage
            args.append(min_articles)
        if outlet:
            in_outlets, names = self._outlet_cond("a.outlet", outlet)
            where.append("st.id IN (SELECT r.statement_id FROM statement_reports r JOIN articles a ON "
                         f"a.id = r.article_id WHERE {in_outlets})")
            args += names
        date_range(where, args, "st.first_date", since, until)
        if id is not None:
            where.append("st.id = ?")
            args.append(id)
        if by:
            c, a = st.name_condition("st.speaker", by, self.entity_ids(by), "st.speaker_entity_id")
            where.append(c)
            args += a
        if q:
            where.append("st.id IN (SELECT sr.statement_id FROM statement_reports sr WHERE sr.quote_id IN "
                         "(SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?))")
            args.append(fts_query(q))
        return " AND ".join(where), args

    def statements(self, id: int | None = None, *, by: str | None = None, q: str | None = None,
                   min_reports: int = 1, min_articles: int = 1, outlet: Outlets = None,
                   since: str | None = None, until: str | None = None, sort: str | None = None,
                   limit: int = 100, offset: int = 0, reports: int | None = None, reports_offset: int = 0,
                   count_cap: int | None = None) -> Records[StatementRecord]:
        """Statements (one statement, many reports) by id, speaker, words, outlet reporting them and first date,
        each with all its reports; ``min_articles`` counts distinct articles (several reports in one article
        are one); in date order unless ``sort`` says otherwise (``date``, ``speaker``, ``reports``,
        ``articles``); ``reports``: only that many reports of each, from ``reports_offset`` (``statement_counts``
        counts them all); ``count_cap`` as for ``quotes``."""
        check_paging(limit, offset)
        cond, args = self._statement_where(id, by, q, min_reports, min_articles, outlet, since, until)
        order = browse.order_by("statements", sort, "date")
        out: Records[StatementRecord] = Records(st.statements(self.conn, cond, args, limit, offset, order, reports,
                                                              reports_offset))
        out.total = _total(self.conn, f"FROM statements st WHERE {cond}", args, count_cap)
        if id is not None and not out:
            raise NotFound(f"no statement with id {id} (see `onrecord statements`)")
        return out

    def statement_counts(self, ids: list[int], *, outlets: bool = False) -> dict[int, dict[str, int | list[str]]]:
        """Per statement id: how many reports and articles (kept with the statement) and, with ``outlets``, which
        outlets (sorted) report it (read from every report)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        out: dict[int, dict[str, int | list[str]]] = {
            r[0]: {"reports": r[1], "articles": r[2]}
            for r in self.conn.execute(f"SELECT id, reports, articles FROM statements WHERE id IN ({marks})", ids)}
        if outlets:
            for sid, names in self.conn.execute(
                    "SELECT sr.statement_id, group_concat(DISTINCT coalesce(a.outlet, 'unknown')) FROM "
                    f"statement_reports sr JOIN articles a ON a.id = sr.article_id WHERE sr.statement_id IN ({marks}) "
                    "GROUP BY sr.statement_id", ids):
                out[sid]["outlets"] = sorted((names or "").split(","))
        return out

    def statement_facets(self, *, fields: tuple[str, ...] = ("by", "outlet", "year"),
                         time_limit: browse.TimeLimit = None, size: int = browse.FACET_SIZE, **filters: Any
                         ) -> list[Facet]:
        """How many of the statements ``statements(**filters)`` selects have each speaker, reporting outlet and
        first year; ``time_limit`` as for ``quote_facets``."""
        cond, args = self._statement_where(**filters)
        # the outlet facet reads the outlets each statement is reported in (statement_outlets, one row per statement
        # and outlet, migration 20), not every report's article; the others count the statements rows alone
        reported = "statements st JOIN statement_outlets so ON so.statement_id = st.id"
        return [browse.facets(self.conn, "statements", reported if name == "outlet" else "statements st", cond, args,
                              (name,), size, time_limit)[0] for name in fields]

    def _contradiction_where(self, name: str | None = None, about: str | None = None, kind: str | None = None,
                             min_confidence: float | None = None) -> tuple[str, str, list[Any]]:
        """(tables, condition, arguments) over ``contradictions c`` for a subject, a topic or target, a kind and
        a confidence floor (a pair of stances analysed before stances were scored has none and passes it)."""
        tables, where, args = "contradictions c", ["1=1"], list[Any]()
        if min_confidence is not None:
            where.append("(c.confidence IS NULL OR c.confidence >= ?)")
            args.append(check_confidence(min_confidence))
        if name:
            c, a = st.name_condition("c.subject", name, self.entity_ids(name), "c.subject_entity_id")
            where.append(c)
            args += a
        if about:
            tables += " JOIN stances cs ON cs.id = c.claim_id JOIN stances ks ON ks.id = c.counter_id"
            cond = [f"instr(lower(coalesce({col}, '')), ?) > 0" for col in ("c.about", "cs.target", "ks.target")]
            args += [about.lower()] * 3
            ids = self.entity_ids(about)
            if ids:
                marks = ",".join("?" * len(ids))
                cond += [f"cs.target_entity_id IN ({marks})", f"ks.target_entity_id IN ({marks})"]
                args += [*ids, *ids]
            where.append("(" + " OR ".join(cond) + ")")
        if kind:
            where.append("c.kind = ?")
            args.append(kind)
        return tables, " AND ".join(where), args

    def contradictions(self, name: str | None = None, *, about: str | None = None, kind: str | None = None,
                       min_confidence: float | None = None, limit: int | None = None, offset: int = 0
                       ) -> Records[ContradictionRecord]:
        """Claims about a holder's stance paired with the holder's own words going the other way, by subject;
        ``about`` keeps pairs whose topic or either side's target is that name or contains those words;
        ``min_confidence`` pairs at least that sure; every pair unless ``limit`` asks for a page (``total`` counts
        them all either way)."""
        if limit is not None:
            check_paging(limit, offset)
        tables, cond, args = self._contradiction_where(name, about, kind, min_confidence)
        out: Records[ContradictionRecord] = Records(st.contradictions(self.conn, cond, args, tables, limit, offset))
        if limit is None:
            out.total = len(out)
        elif self._kept_groups(name, about, min_confidence):
            out.total = self._totals(kind)[3]  # kept by the link stage: no count over every pair
        else:
            out.total = self.conn.execute(f"SELECT count(*) FROM {tables} WHERE {cond}", args).fetchone()[0]
        return out

    def _kept_groups(self, name: str | None, about: str | None, min_confidence: float | None = None) -> bool:
        """Whether a selection reads the claim groups the link stage keeps: no subject or topic filter, no pair
        below the confidence floor, and the store has them (a store migrated to schema 8 gets them at its next
        link)."""
        if name or about or (min_confidence is not None and self.count_contradictions(below_confidence=min_confidence)):
            return False
        return not self.conn.execute("SELECT 1 FROM link_state WHERE name = 'claim_groups'").fetchone()

    def count_contradictions(self, name: str | None = None, *, about: str | None = None, kind: str | None = None,
                             below_confidence: float | None = None) -> int:
        """How many pairs ``contradictions`` selects (``below_confidence``: only those less sure than that)."""
        tables, cond, args = self._contradiction_where(name, about, kind)
        if below_confidence is not None:
            cond += " AND c.confidence < ?"
            args.append(check_confidence(below_confidence))
        return int(self.conn.execute(f"SELECT count(*) FROM {tables} WHERE {cond}", args).fetchone()[0])

    def _totals(self, kind: str | None) -> tuple[int, int, int, int]:
        """(groups, claims, counters, pairs) of every pair, or of one kind's, as the link stage keeps them."""
        row = self.conn.execute("SELECT groups, claims, counters, pairs FROM contradiction_totals WHERE kind = ?",
                                (kind or "",)).fetchone()
        return (row[0], row[1], row[2], row[3]) if row else (0, 0, 0, 0)

    def contradiction_groups(self, name: str | None = None, *, about: str | None = None, kind: str | None = None,
                             min_confidence: float | None = None, limit: int = 20, offset: int = 0,
                             shown: int | None = None) -> ClaimGroupPage:
        """The pairs of one page of claim groups (a claim with its counter-evidence; claims of one subject with the
        same counter-evidence together), groups by subject, then by their first pair; ``total`` counts the groups
        and ``groups`` lists them. ``shown``: at most that many claims and pieces of counter-evidence of each group,
        and only their pairs. With no subject or topic the page is read from the groups the link stage keeps (one
        index range, however many pairs the store holds); otherwise grouping and paging run in SQL."""
        check_paging(limit, offset)
        if shown is not None and shown < 1:
            raise BadParameter(f"shown must be at least 1, got {shown}")
        if self._kept_groups(name, about, min_confidence):
            return self._kept_claim_groups(kind, limit, offset, shown)
        tables, cond, args = self._contradiction_where(name, about, kind, min_confidence)
        groups = f"""WITH p AS (SELECT c.id, c.claim_id, c.counter_id, c.subject,
                                       coalesce(c.subject_entity_id, c.subject) AS subj
                                FROM {tables} WHERE {cond} ORDER BY c.claim_id, c.counter_id),
                     cl AS (SELECT claim_id, min(subject) AS subject, min(subj) AS subj, min(id) AS first,
                                   group_concat(DISTINCT counter_id) AS counters FROM p GROUP BY claim_id)"""
        rows = self.conn.execute(
            f"{groups}, g AS (SELECT subj, counters, count(*) OVER () AS n FROM cl GROUP BY subj, counters "
            "ORDER BY min(subject), min(first) LIMIT ? OFFSET ?) "
            "SELECT cl.claim_id, g.n FROM cl JOIN g ON g.subj = cl.subj AND g.counters = cl.counters",
            [*args, limit, offset]).fetchall()
        claims = [r[0] for r in rows]
        total = rows[0][1] if rows else self.conn.execute(
            f"{groups} SELECT count(*) FROM (SELECT 1 FROM cl GROUP BY subj, counters)", args).fetchone()[0]
        pairs: list[ContradictionRecord] = []
        if claims:
            marks = ",".join("?" * len(claims))
            pairs = st.contradictions(self.conn, f"{cond} AND c.claim_id IN ({marks})", [*args, *claims], tables)
        kept = [(r[2], r[4], json.loads(r[6]), json.loads(r[7])) for r in sorted(
            claim_groups({"id": c.id, "claim_id": c.claim.id, "counter_id": c.counter.id, "subject": c.subject,
                          "subject_entity_id": c.subject_id, "kind": c.kind, "group_key": None} for c in pairs),
            key=lambda r: (r[2], r[5])) if r[0] == ""]
        return _shown_page(pairs, kept, total, shown)

    def _kept_claim_groups(self, kind: str | None, limit: int, offset: int, shown: int | None) -> ClaimGroupPage:
        """A page of the claim groups the link stage keeps, with the pairs of their shown claims and counters."""
        rows = self.conn.execute("SELECT subject, subject_entity_id, claims, counters FROM claim_groups "
                                 "WHERE kind = ? ORDER BY subject, first LIMIT ? OFFSET ?",
                                 (kind or "", limit, offset)).fetchall()
        kept = [(r[0], r[1], json.loads(r[2]), json.loads(r[3])) for r in rows]
        ids: list[int] = []
        for _, _, claims, counters in kept:
            claims, counters = claims[:shown], counters[:shown]
            ids += [r[0] for r in self.conn.execute(
                f"SELECT id FROM contradictions WHERE claim_id IN ({','.join('?' * len(claims))}) AND counter_id IN "
                f"({','.join('?' * len(counters))})" + (" AND kind = ?" if kind else ""),
                [*claims, *counters, *([kind] if kind else [])])]
        pairs = st.contradictions(self.conn, f"c.id IN ({','.join('?' * len(ids))})", ids) if ids else []
        return _shown_page(pairs, kept, self._totals(kind)[0], shown)

    def contradiction_facets(self, name: str | None = None, *, about: str | None = None, kind: str | None = None,
                             min_confidence: float | None = None, time_limit: browse.TimeLimit = None,
                             size: int = browse.FACET_SIZE) -> list[Facet]:
        """How many pairs of the selection each subject (``name``) and each kind has; ``time_limit`` as for
        ``quote_facets``."""
        tables, cond, args = self._contradiction_where(name, about, kind, min_confidence)
        # as for the stances: the confidence is read off each facet's covering index (migration 20)
        cond = cond.replace("(c.confidence IS NULL OR c.confidence >= ?)",
                            "(+c.confidence IS NULL OR +c.confidence >= ?)")
        return browse.facets(self.conn, "contradictions", tables, cond, args, ("name", "kind"), size, time_limit)

    def contradiction_counts(self, name: str | None = None, *, about: str | None = None, kind: str | None = None,
                             min_confidence: float | None = None) -> dict[str, int]:
        """How many claims and pieces of counter-evidence the selection pairs."""
        if self._kept_groups(name, about, min_confidence):
            _, claims, counters, _ = self._totals(kind)
            return {"claims": claims, "counters": counters}
        tables, cond, args = self._contradiction_where(name, about, kind, min_confidence)
        row = self.conn.execute(f"SELECT count(DISTINCT c.claim_id), count(DISTINCT c.counter_id) FROM {tables} "
                                f"WHERE {cond}", args).fetchone()
        return {"claims": int(row[0]), "counters": int(row[1])}

    def timeline(self, name: str, *, about: str | None = None, since: str | None = None,
                 until: str | None = None, limit: int | None = None, offset: int = 0, newest_first: bool = False
                 ) -> Records[TimelineEntry]:
        """A person's stances (their own and those claimed for them), quotes and changes of position (kind
        'changed position': their own words against their earlier own words on the same target, both with evidence)
        in date order (``newest_first``: the latest first, undated last either way), with evidence;
        every entry, or one page of them (``limit``, ``offset``: sorted and paged in SQL, ``total`` counted up to
        COUNT_CAP) so that no request reads more than a page of someone quoted thousands of times."""
        if limit is not None:
            check_paging(limit, offset)
        scond, sargs = self._stance_where(holder=name, target=about, since=since, until=until)
        qcond, qargs = self._quote_where(by=name, about=about, since=since, until=until)
        # a learned attribution is a characterisation ("argued against ..."): it shows up as a stance instead
        union = (f"SELECT s.date AS date, 'stance' AS kind, s.holder AS who, s.label, s.negated, s.target, "
                 f's.reported_by, a.outlet, s.article_id, s.start, s."end", s.text, s.id AS rid FROM stances s '
                 f"JOIN articles a ON a.id = s.article_id WHERE {scond} UNION ALL "
                 f"SELECT a.date, 'quote', q.speaker, NULL, 0, NULL, NULL, a.outlet, q.article_id, q.start, "
                 f'q."end", q.text, q.id FROM quotes q JOIN articles a ON a.id = q.article_id '
                 f"WHERE {qcond} AND q.method != 'learned' UNION ALL {CHANGES.format(scond=scond)}")
        args = [*sargs, *qargs, *sargs]
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        rows = self.conn.execute(
            f"SELECT * FROM ({union}) ORDER BY nullif(date, '') IS NULL, coalesce(nullif(date, ''), '9999')"
            + (" DESC" if newest_first else "") + ", article_id, start, kind, rid"
            + page, [*args, limit, offset] if limit is not None else args)
        out: Records[TimelineEntry] = Records(
            TimelineEntry(r["date"], r["kind"], r["who"], r["label"], bool(r["negated"]), r["target"],
                          r["reported_by"], r["outlet"], r["article_id"], r["start"], r["end"], r["text"],
                          self._before(r["rid"]) if r["kind"] == "changed position" else None, r["rid"])
            for r in rows.fetchall())
        out.total = len(out) if limit is None else self._count(union, args)
        return out

    def position_changes(self, name: str, *, about: str | None = None, limit: int = 20, offset: int = 0
                         ) -> Records[TimelineEntry]:
        """A person's changes of position, the latest first: their own words on a target going the other way from
        their earlier own words (``before``), both with evidence; never contradictions."""
        check_paging(limit, offset)
        scond, sargs = self._stance_where(holder=name, target=about)
        sql = CHANGES.format(scond=scond)
        rows = self.conn.execute(f"SELECT * FROM ({sql}) ORDER BY nullif(date, '') IS NULL, date DESC, article_id, "
                                 "start, rid LIMIT ? OFFSET ?", [*sargs, limit, offset]).fetchall()
        out: Records[TimelineEntry] = Records(
            TimelineEntry(r["date"], r["kind"], r["who"], r["label"], bool(r["negated"]), r["target"],
                          r["reported_by"], r["outlet"], r["article_id"], r["start"], r["end"], r["text"],
                          self._before(r["rid"]), r["rid"]) for r in rows)
        out.total = self._count(sql, sargs)
        return out

    def _before(self, change_id: int) -> dict[str, Any]:
        """The earlier own words of a change of position: date, label, target, outlet and evidence."""
        r = self.conn.execute('SELECT s.id, s.date, s.label, s.negated, s.target, a.outlet, s.article_id, s.start, '
                              's."end", s.text FROM position_changes pc JOIN stances s ON s.id = pc.before_id '
                              'JOIN articles a ON a.id = s.article_id WHERE pc.id = ?', (change_id,)).fetchone()
        return {k: (bool(r[k]) if k == "negated" else r[k]) for k in r.keys()}

    def search(self, text: str, limit: int = 20, offset: int = 0, count_cap: int | None = None
               ) -> Records[SearchHit]:
        """Entities whose name or alias contains the text (literally: ``%`` and ``_`` are no wildcards), the
        most mentioned first, then quotes containing its words; ``total`` counts both (each up to ``count_cap``
        when given), paging runs across both."""
        check_paging(limit, offset)
        like = browse.like_pattern(text.strip())
        match = ("FROM entities e WHERE e.name LIKE ? ESCAPE '\\' OR e.id IN "
                 "(SELECT entity_id FROM entity_aliases WHERE alias LIKE ? ESCAPE '\\')")
        try:
            n_entities = self.conn.execute(f"SELECT count(*) {match}", (like, like)).fetchone()[0]
        except sqlite3.OperationalError:  # no entity tables in this store
            n_entities = 0
        hits: list[SearchHit] = []
        if offset < n_entities:
            rows = self.conn.execute(
                f"SELECT e.id, e.name {match} ORDER BY e.name = ? COLLATE NOCASE DESC, (SELECT count(*) FROM "
                "article_entities ae WHERE ae.entity_id = e.id) DESC, e.name, e.id LIMIT ? OFFSET ?",
                (like, like, text.strip(), limit, offset)).fetchall()
            hits += [SearchHit("entity", r[0], r[1], None, None) for r in rows]
        quotes = self.quotes(q=text, limit=max(1, limit - len(hits)), offset=max(0, offset - n_entities),
                             count_cap=count_cap)
        if len(hits) < limit:
            hits += [SearchHit("quote", str(qr.id), qr.text, qr.speaker, qr.article_id) for qr in quotes]
        out: Records[SearchHit] = Records(hits)
        out.total = n_entities + quotes.total
        return out

    # -- the person page: every read indexed by the entity, paged in SQL, counts stopped at COUNT_CAP ------------
    count_cap = COUNT_CAP  # a count this high reads as "at least" ("10,000+")

    def _count(self, sql: str, args: list[Any]) -> int:
        """How many rows ``sql`` gives, up to ``count_cap``."""
        return _capped(self.conn, sql, args, self.count_cap)

    def count_quotes(self, *, below_confidence: float | None = None, **filters: Any) -> int:
        """How many quotes ``quotes(**filters)`` selects (``below_confidence``: only those attributed less surely),
        counted up to ``count_cap``."""
        cond, args = self._quote_where(**filters)
        if below_confidence is not None:  # those a cut at ``below_confidence`` leaves out
            cond += f" AND NOT {_at_confidence(args, below_confidence)}"
        dated = any(filters.get(k) for k in ("outlet", "since", "until"))  # filters on the article row
        join = "JOIN articles a ON a.id = q.article_id " if dated else ""
        return self._count(f"SELECT q.id FROM quotes q {join}WHERE {cond}", args)

    def count_stances(self, *, below_confidence: float | None = None, **filters: Any) -> int:
        """How many stances ``stances(**filters)`` selects (``below_confidence``: only those scored less sure),
        counted up to ``count_cap``."""
        cond, args = self._stance_where(**filters)
        if below_confidence is not None:
            cond += " AND s.confidence < ?"
            args.append(check_confidence(below_confidence))
        join = "JOIN articles a ON a.id = s.article_id " if filters.get("outlet") else ""
        return self._count(f"SELECT s.id FROM stances s {join}WHERE {cond}", args)

    def person_counts(self, entity: str, *, about: str | None = None, min_confidence: float | None = None,
                      known: dict[str, int] | None = None, outlet: Outlets = None, since: str | None = None,
                      until: str | None = None) -> dict[str, int]:
        """What the person page counts, each up to ``count_cap``: quotes by the entity (``said``), quotes by others
        naming it at ``min_confidence`` (``naming``), others' stances toward it (``toward``), its stances
        (``stances``), claims set against its words (``claims``), its statements reported by several articles
        (``statements``); ``about``, ``outlet``, ``since`` and ``until`` narrow the quotes and stances as the page's
        lists narrow. Counts in ``known`` (the totals of lists just read) are taken as they are."""
        scope: dict[str, Any] = {"outlet": outlet, "since": since, "until": until}
        toward, toward_args = self._toward_where(entity, about, **scope)
        naming, naming_args = self._naming_where(entity, about, min_confidence, **scope)
        quotes_from, stances_from = _quotes_from(outlet or since or until), _stances_from(outlet)
        tables, claims, claims_args = self._contradiction_where(entity, about)
        several, several_args = self._statement_where(by=entity, min_articles=2)
        counts: dict[str, Callable[[], int]] = {
            "said": lambda: self.count_quotes(by=entity, about=about, **scope),
            "naming": lambda: self._count(f"SELECT q.id FROM {quotes_from} WHERE {naming}", naming_args),
            "toward": lambda: self._count(f"SELECT s.id FROM {stances_from} WHERE {toward}", toward_args),
            "stances": lambda: self.count_stances(holder=entity, target=about, **scope),
            "claims": lambda: self._count(f"SELECT DISTINCT c.claim_id FROM {tables} WHERE {claims}", claims_args),
            "statements": lambda: self._count(f"SELECT st.id FROM statements st WHERE {several}", several_args)}
        given = known or {}
        return {k: given[k] if k in given else count() for k, count in counts.items()}

    def entity_names(self, entity_id: str) -> list[str]:
        """An entity's name, then its aliases (as ``entity`` lists them); empty for no such id. Two indexed reads,
        where ``entity`` gathers everything the entity page shows."""
        row = self.conn.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            return []
        return [row[0], *(r[0] for r in self.conn.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY kind != 'name', alias", (entity_id,)))]

    def latest_article_date(self) -> str | None:
        """The date of the newest article (read from the date index)."""
        return self.conn.execute("SELECT max(date) FROM articles").fetchone()[0]

    def _naming_where(self, entity: str, about: str | None, min_confidence: float | None, outlet: Outlets = None,
                      since: str | None = None, until: str | None = None) -> tuple[str, list[Any]]:
        """The condition on ``quotes q`` (joined to ``articles a`` when an outlet or date is given) for quotes by
        others whose words name the entity (``_about_entity``), optionally with the words ``about``, a confidence
        floor, an outlet and dates."""
        cond, args = self._quote_where(q=about, min_confidence=min_confidence, outlet=outlet, since=since,
                                       until=until)
        about_cond, about_args = self._about_entity(self.entity_ids(entity) or [entity])
        return f"{cond} AND {about_cond}", [*args, *about_args]

    @staticmethod
    def _about_entity(ids: list[str]) -> tuple[str, list[Any]]:
        """The condition on ``quotes q`` for "quotes about" an entity, the one definition every surface counts: quotes
        by others whose words name it (the mentions the link stage resolved to it: names, descriptions, metonyms;
        pronouns are not kept), as the index counts them (``link/entity_counts.py``)."""
        marks = ",".join("?" * len(ids))
        return (f"q.id IN (SELECT m.quote_id FROM quote_mentions m WHERE m.node IN (SELECT n.node FROM link_nodes n "
                f"WHERE n.entity_id IN ({marks}))) AND coalesce(q.speaker_entity_id, '') NOT IN ({marks}) AND "
                f"coalesce(q.on_behalf_of_entity_id, '') NOT IN ({marks})"), [*ids, *ids, *ids]

    def quotes_naming(self, entity: str, *, about: str | None = None, min_confidence: float | None = None,
                      outlet: Outlets = None, since: str | None = None, until: str | None = None,
                      limit: int = 20, offset: int = 0) -> Records[QuoteRecord]:
        """Quotes by anyone else that name the entity (an id, name or alias), optionally also containing the words
        ``about``, in date order; ``total`` is counted up to ``count_cap``."""
        check_paging(limit, offset)
        cond, args = self._naming_where(entity, about, min_confidence, outlet, since, until)
        rows = self.conn.execute(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON "
            f"a.id = q.article_id WHERE {cond} ORDER BY {browse.order_by('quotes', None, 'date')} LIMIT ? OFFSET ?",
            [*args, limit, offset])
        out: Records[QuoteRecord] = Records(_quote(r) for r in rows)
        out.total = self._count(f"SELECT q.id FROM {_quotes_from(outlet or since or until)} WHERE {cond}", args)
        return out

    def _toward_where(self, entity: str, about: str | None, outlet: Outlets = None, since: str | None = None,
                      until: str | None = None, min_confidence: float | None = None,
                      below_confidence: float | None = None) -> tuple[str, list[Any]]:
        """The condition on ``stances s`` (joined to ``articles a`` for an outlet) for others' stances toward the
        entity, optionally mentioning ``about`` in their words or topic, in an outlet and between dates, at least
        ``min_confidence`` sure (``below_confidence``: only those scored less sure)."""
        ids = self.entity_ids(entity) or [entity]
        cond, args = self._stance_where(target=entity, outlet=outlet, since=since, until=until,
                                        min_confidence=min_confidence)
        if below_confidence is not None:
            cond += " AND s.confidence < ?"
            args.append(check_confidence(below_confidence))
        cond += f" AND coalesce(s.holder_entity_id, '') NOT IN ({','.join('?' * len(ids))})"
        args += ids
        if about:
            cond += " AND (instr(lower(s.text), ?) OR instr(lower(coalesce(s.about, '')), ?))"
            args += [about.lower(), about.lower()]
        return cond, args

    def stances_toward(self, entity: str, *, about: str | None = None, outlet: Outlets = None,
                       since: str | None = None, until: str | None = None, min_confidence: float | None = None,
                       below_confidence: float | None = None, limit: int = 20, offset: int = 0
                       ) -> Records[StanceRecord]:
        """Others' stances toward the entity (accusations, calls, praise), optionally mentioning ``about``, in date
        order, in an outlet and between dates when given, at least ``min_confidence`` sure (``below_confidence``:
        only the less sure ones); ``total`` is counted up to ``count_cap``."""
        check_paging(limit, offset)
        cond, args = self._toward_where(entity, about, outlet, since, until, min_confidence, below_confidence)
        out: Records[StanceRecord] = Records(st.to_stance(r) for r in st.stance_rows(
            self.conn, cond, args, limit=limit, offset=offset))
        out.total = self._count(f"SELECT s.id FROM {_stances_from(outlet)} WHERE {cond}", args)
        return out

    def latest_stances(self, holder: str, *, about: str | None = None, outlet: Outlets = None,
                       since: str | None = None, until: str | None = None, min_confidence: float | None = None,
                       limit: int = 300) -> Records[StanceRecord]:
        """A holder's latest dated stances (toward ``about``, in an outlet, between dates, at least
        ``min_confidence`` sure), newest first, for a chart that stays readable; ``total`` counts every dated one
        up to ``count_cap``. Given an entity id, the holder's date index is read newest first and stops after
        ``limit``."""
        check_paging(limit, 0)
        scope: dict[str, Any] = {"outlet": outlet, "since": since, "until": until, "min_confidence": min_confidence,
                                 "dated": True}
        if self.entity_ids(holder) == [holder]:
            cond, args = self._stance_where(target=about, **scope)
            cond += " AND s.holder_entity_id = ?"
            args.append(holder)
        else:
            cond, args = self._stance_where(holder=holder, target=about, **scope)
        out: Records[StanceRecord] = Records(st.to_stance(r) for r in st.stance_rows(
            self.conn, cond, args, order="s.date DESC, a.date DESC, s.article_id DESC, s.start DESC, s.id DESC",
            limit=limit))
        out.total = self._count(f"SELECT s.id FROM {_stances_from(outlet)} WHERE {cond}", args)
        return out

    def stance_targets(self, holder: str, *, limit: int = 50) -> list[tuple[str | None, str | None, int]]:
        """(target entity id, target, count) of a holder's stances, the most frequent first (ties: the earliest
        first): one grouping over the holder's stances, read by the holder's index."""
        cond, args = self._stance_where(holder=holder)
        sep = "|| char(1) ||"  # sorts below every character, so the joined key sorts as the tuple of its parts
        first = f"min((s.date IS NULL) {sep} coalesce(s.date, '') {sep} s.article_id {sep} printf('%010d', s.start))"
        rows = self.conn.execute(
            f"SELECT s.target_entity_id, s.target, count(*) AS n, {first} AS first FROM stances s WHERE {cond} "
            "AND (s.target_entity_id IS NOT NULL OR s.target IS NOT NULL) GROUP BY 1, 2 ORDER BY n DESC, first "
            "LIMIT ?", [*args, limit])
        return [(r[0], r[1], int(r[2])) for r in rows]

    def claims_against(self, entity: str, *, about: str | None = None, limit: int = 20, offset: int = 0
                       ) -> Records[ContradictionRecord]:
        """The contradiction pairs of one page of claims about the entity's stance (``limit`` claims from
        ``offset``, in the order of ``contradictions_about``), kept on ``about`` as it keeps them; ``total``
        counts the claims up to ``count_cap``."""
        check_paging(limit, offset)
        tables, cond, args = self._contradiction_where(entity, about)
        claims = [r[0] for r in self.conn.execute(
            f"SELECT c.claim_id FROM {tables} WHERE {cond} GROUP BY c.claim_id ORDER BY min(c.subject), min(c.id) "
            "LIMIT ? OFFSET ?", [*args, limit, offset])]
        pairs = []
        if claims:
            marks = ",".join("?" * len(claims))
            keep = {r[0] for r in self.conn.execute(
                f"SELECT c.id FROM {tables} WHERE {cond} AND c.claim_id IN ({marks})", [*args, *claims])}
            pairs = [c for c in st.contradictions(self.conn, f"c.claim_id IN ({marks})", claims) if c.id in keep]
        out: Records[ContradictionRecord] = Records(pairs)
        out.total = self._count(f"SELECT DISTINCT c.claim_id FROM {tables} WHERE {cond}", args)
        return out

    # -- for the adapters: corrections by name, contradictions on a topic, the schema version ----------------
    def merge(self, name: str, other: str) -> EntityDetail:
        """Merge the entity ``other`` into ``name`` (kept by name, so it survives re-analysis); the merged entity."""
        return self.correct_entities("merge", name, other)

    def split(self, name: str, alias: str) -> EntityDetail:
        """Split ``alias`` off the entity ``name`` into an entity of its own (kept by name); what ``name`` names."""
        return self.correct_entities("split", name, alias)

    def contradictions_about(self, name: str | None, about: str | None) -> Records[ContradictionRecord]:
        """Contradictions for a subject (all when None), kept when either side's target or topic is ``about``
        (an entity's name, alias or id, or words in the target or topic)."""
        return self.contradictions(name, about=about)

    def schema_version(self) -> int:
        """The store's schema version (``onrecord.SCHEMA_VERSION`` is the one this onrecord writes)."""
        return self.store.version()


def _by_short_name(conn: sqlite3.Connection, text: str) -> sqlite3.Row | None:
    """"Mr Corbyn", "Corbyn": the only person whose name ends with that surname (titles dropped)."""
    name = clean_person_name(text)
    if name != text and (row := entity_row(conn, name)) is not None:
        return row
    if not name or " " in name:
        return None
    rows = conn.execute("SELECT * FROM entities WHERE type = 'person' AND name LIKE ? LIMIT 2",
                        ("% " + name,)).fetchall()
    return rows[0] if len(rows) == 1 else None


def entity_summaries(conn: sqlite3.Connection, type: str | None, limit: int, offset: int
                     ) -> tuple[int, list[EntitySummary]]:
    total, rows = entity_list(conn, type, limit, offset)
    return total, [EntitySummary(**dict(r)) for r in rows]


def entity_detail(conn: sqlite3.Connection, name_or_id: str, min_confidence: float | None = None
                  ) -> EntityDetail | None:
    """The entity with this id, name or alias, or None; its descriptors at least ``min_confidence`` sure, grouped
    by what they say and the outlet, each group with its evidence (article, date, offsets)."""
    row = entity_row(conn, name_or_id) or _by_short_name(conn, name_or_id)
    if row is None:
        return None
    facts = entity_facts(conn, row["id"])
    kb_rows = []
    if row["type"] == "person":
        seen: set[tuple[str, str | None]] = set()
        for name in [row["name"], *facts["aliases"]]:
            for r in load_kb().roles_of(name):
                if (r.role, r.start) not in seen:
                    seen.add((r.role, r.start))
                    kb_rows.append(r)
    kept = [d for d in facts["descriptors"] if min_confidence is None or d["confidence"] >= min_confidence]
    return EntityDetail(row["id"], row["name"], row["type"], facts["aliases"], held_roles(facts["evidence"], kb_rows),
                        facts["mentions_by_outlet"], group_descriptors(kept), facts["quotes_by"],
                        facts["quotes_about"], facts["articles"], facts["written_as"],
                        joins=facts["joins"], descriptors_below=len(facts["descriptors"]) - len(kept))


EVIDENCE_PER_DESCRIPTOR = 5


def group_descriptors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Descriptions grouped by what they say (``key``) and outlet, most frequent first: the text, count, loaded
    flag, kinds, the highest confidence and the evidence, newest first (article id, date, offsets, confidence)."""
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault((r["key"], r["outlet"] or None), {
            "text": r["text"], "key": r["key"], "outlet": r["outlet"] or None, "count": 0, "loaded": False,
            "kinds": [], "confidence": 0.0, "evidence": []})
        g["text"] = min(g["text"], r["text"])
        g["count"] += 1
        g["loaded"] = g["loaded"] or bool(r["loaded"])
        g["kinds"] = sorted(set(g["kinds"]) | {r["kind"]})
        g["confidence"] = max(g["confidence"], r["confidence"])
        g["evidence"].append({"article_id": r["article_id"], "date": r["date"], "start": r["start"],
                              "end": r["end"], "text": r["text"], "confidence": r["confidence"]})
    for g in groups.values():
        g["evidence"] = sorted(g["evidence"], key=lambda e: (e["date"] or "", e["article_id"], e["start"]),
                               reverse=True)[:EVIDENCE_PER_DESCRIPTOR]
    return sorted(groups.values(), key=lambda g: (-g["count"], g["key"], g["outlet"] or ""))
