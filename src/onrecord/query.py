"""The questions users ask, answered from the store as typed records. Every interface calls this module."""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, TypeVar

from onrecord import browse
from onrecord.analyse.entities.names import clean_person_name
from onrecord.analyse.entities.roles import held_roles, load_kb
from onrecord.analyse.stances import labels
from onrecord.errors import Ambiguous, BadParameter, NotFound
from onrecord.link import link
from onrecord.models import (
    Article,
    ArticleSummary,
    ContradictionRecord,
    EntityDetail,
    EntityRow,
    EntitySummary,
    Facet,
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
    add_correction,
    entity_facts,
    entity_list,
    entity_row,
)

T = TypeVar("T")
MAX_LIMIT = 1000


def _span(a: Any, b: Any) -> list[int] | None:
    return [a, b] if a is not None and b is not None else None


def _quote(row: sqlite3.Row) -> QuoteRecord:
    return QuoteRecord(
        id=row["id"], article_id=row["article_id"], source=row["source"], outlet=row["outlet"], date=row["date"],
        start=row["start"], end=row["end"], spans=json.loads(row["spans"]) if row["spans"] else None,
        text=row["text"], kind=row["kind"], speaker=row["speaker"], speaker_type=row["speaker_type"],
        on_behalf_of=row["on_behalf_of"], speaker_mention=row["speaker_mention"],
        speaker_span=_span(row["speaker_start"], row["speaker_end"]), cue=row["cue"],
        cue_span=_span(row["cue_start"], row["cue_end"]), furniture=row["furniture"],
        confidence=row["confidence"], clause_span=_span(row["clause_start"], row["clause_end"]), group=row["grp"],
        speaker_id=row["speaker_entity_id"], on_behalf_of_id=row["on_behalf_of_entity_id"], method=row["method"])


def check_paging(limit: int, offset: int) -> None:
    if not 0 < limit <= MAX_LIMIT:
        raise BadParameter(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise BadParameter(f"offset must be 0 or more, got {offset}")


def check_date(name: str, value: str | None) -> None:
    if value is not None and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value):
        raise BadParameter(f"{name} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}")


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

    # -- articles -------------------------------------------------------------------------------------------
    def _article_where(self, outlet: str | None = None, since: str | None = None, until: str | None = None
                       ) -> tuple[str, list[Any]]:
        check_date("since", since)
        check_date("until", until)
        where, args = ["1=1"], []
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        date_range(where, args, "a.date", since, until)
        return " AND ".join(where), args

    def articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 sort: str | None = None, limit: int = 100, offset: int = 0) -> Records[ArticleSummary]:
        """Articles with paragraph, furniture and quote counts, oldest first unless ``sort`` says otherwise
        (``date``, ``outlet``, ``title``, ``quotes``; ``-date`` for newest first)."""
        check_paging(limit, offset)
        cond, args = self._article_where(outlet, since, until)
        order = browse.order_by("articles", sort, "date")
        total = self.conn.execute(f"SELECT count(*) FROM articles a WHERE {cond}", args).fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT a.id, a.source, a.outlet, a.date, a.title,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'body') AS paragraphs,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'furniture') AS furniture,
                   (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS quotes
                FROM articles a WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?""",
            [*args, limit, offset])
        out: Records[ArticleSummary] = Records(ArticleSummary(**dict(r)) for r in rows)
        out.total = total
        return out

    def article_facets(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                       fields: tuple[str, ...] = ("outlet", "year")) -> list[Facet]:
        """How many of the articles ``articles`` selects have each outlet, year (or month)."""
        cond, args = self._article_where(outlet, since, until)
        return browse.facets(self.conn, "articles", "articles a", cond, args, fields)

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

    def segments(self, article_id: str) -> list[Segment]:
        return self.store.segments(self.article(article_id).id)

    # -- quotes ----------------------------------------------------------------------------------------------
    def _quote_where(self, by: str | None = None, about: str | None = None, article: str | None = None,
                     outlet: str | None = None, since: str | None = None, until: str | None = None,
                     q: str | None = None, kind: str | None = None, min_confidence: float | None = None,
                     method: str | None = None) -> tuple[str, list[Any]]:
        """The condition on ``quotes q JOIN articles a`` for the filters of ``quotes``."""
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
            where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            args.append(self.about_query(about))
        if q:
            where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            args.append(fts_query(q))
        if article:
            where.append("q.article_id = ?")
            args.append(self.article(article).id)
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        date_range(where, args, "a.date", since, until)
        if kind:
            if kind not in ("direct", "partial", "indirect", "mixed"):
                raise BadParameter(f"kind must be direct, partial, indirect or mixed, got {kind!r}")
            where.append("q.kind = ?")
            args.append(kind)
        if min_confidence is not None:
            if not 0.0 <= min_confidence <= 1.0:
                raise BadParameter(f"min_confidence must be between 0 and 1, got {min_confidence}")
            where.append("q.confidence >= ?")
            args.append(min_confidence)
        if method:
            if method not in ("rules", "learned"):
                raise BadParameter(f"method must be rules or learned, got {method!r}")
            where.append("q.method = ?")
            args.append(method)
        return " AND ".join(where), args

    def quotes(self, *, by: str | None = None, about: str | None = None, article: str | None = None,
               outlet: str | None = None, since: str | None = None, until: str | None = None,
               q: str | None = None, kind: str | None = None, min_confidence: float | None = None,
               method: str | None = None, sort: str | None = None, limit: int = 100, offset: int = 0
               ) -> Records[QuoteRecord]:
        """Quotes filtered by speaker (name, alias or entity id; spokespeople count for their principal),
        subject mentioned, article, outlet, date range, full-text search, kind, confidence and method (rules or
        learned), in date order unless ``sort`` says otherwise (``date``, ``outlet``, ``speaker``,
        ``confidence``, ``kind``; ``-confidence`` for the surest first)."""
        check_paging(limit, offset)
        cond, args = self._quote_where(by, about, article, outlet, since, until, q, kind, min_confidence, method)
        order = browse.order_by("quotes", sort, "date")
        base = f"FROM quotes q JOIN articles a ON a.id = q.article_id WHERE {cond}"
        # counting needs the join only when a filter reads the article row
        counted = base if (outlet or since or until) else f"FROM quotes q WHERE {cond}"
        total = self.conn.execute(f"SELECT count(*) {counted}", args).fetchone()[0]
        rows = self.conn.execute(f"SELECT q.*, a.source, a.outlet, a.date {base} ORDER BY {order} LIMIT ? OFFSET ?",
                                 [*args, limit, offset])
        out: Records[QuoteRecord] = Records(_quote(r) for r in rows)
        out.total = total
        return out

    def quote_facets(self, *, fields: tuple[str, ...] = ("outlet", "by", "kind", "year"), **filters: Any
                     ) -> list[Facet]:
        """How many of the quotes ``quotes(**filters)`` selects have each outlet, speaker (``by``: an entity id
        or a name, a spokesperson's quotes under their principal), kind, method, year (or month)."""
        cond, args = self._quote_where(**filters)
        return browse.facets(self.conn, "quotes", "quotes q JOIN articles a ON a.id = q.article_id", cond, args,
                             fields)

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

    def entity_index(self, *, type: str | None = None, outlet: str | None = None, q: str | None = None,
                     sort: str | None = None, limit: int = 100, offset: int = 0) -> Records[EntityRow]:
        """People, organisations, countries and groups with quotes by and about them, articles, outlets and
        mentions; filtered by type, an outlet they appear in (then counted in its articles only) and words in a
        name or alias; most mentioned first unless ``sort`` says otherwise (``name``, ``type``, ``quotes_by``,
        ``quotes_about``, ``articles``, ``outlets``, ``mentions``; ``-`` first for descending)."""
        check_paging(limit, offset)
        total, rows = browse.entity_index(self.conn, type, outlet, q, sort, limit, offset)
        out: Records[EntityRow] = Records(rows)
        out.total = total
        return out

    def entity_facets(self, *, type: str | None = None, outlet: str | None = None,
                      q: str | None = None) -> list[Facet]:
        """How many of the entities ``entity_index`` selects are of each type, and appear in each outlet."""
        return browse.entity_facets(self.conn, type, outlet, q)

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

    def entity(self, name_or_id: str) -> EntityDetail:
        """One entity by id, name or alias: aliases, roles over time, mentions and descriptors by outlet."""
        found = entity_detail(self.conn, name_or_id)
        if found is None:
            raise NotFound(f"no entity named {name_or_id!r} (see `onrecord entities`)")
        return found

    def correct_entities(self, action: str, name: str, other: str) -> EntityDetail:
        """Record a manual ``merge`` (name with other) or ``split`` (alias other off name's entity), kept by
        name so it survives re-analysis, and re-link; returns the entity ``name`` now names."""
        if action not in ("merge", "split"):
            raise BadParameter(f"action must be merge or split, got {action!r}")
        first = self.entity(name)
        if action == "merge":
            self.entity(other)
        elif other.lower() not in {a.lower() for a in first.aliases}:
            raise NotFound(f"{first.name!r} has no alias {other!r} (its aliases: {', '.join(first.aliases)})")
        with self.store.transaction() as conn:
            add_correction(conn, action, name, other, now())
        link(self.store)
        return self.entity(name)

    # -- stances, statements, timelines, contradictions, search ----------------------------------------------
    def _stance_where(self, holder: str | None = None, target: str | None = None, label: str | None = None,
                      since: str | None = None, until: str | None = None, outlet: str | None = None
                      ) -> tuple[str, list[Any]]:
        """The condition on ``stances s JOIN articles a`` for the filters of ``stances``."""
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
            where.append("a.outlet = ?")
            args.append(outlet)
        return " AND ".join(where), args

    def stances(self, *, holder: str | None = None, target: str | None = None, label: str | None = None,
                since: str | None = None, until: str | None = None, outlet: str | None = None,
                sort: str | None = None, limit: int = 100, offset: int = 0) -> Records[StanceRecord]:
        """Stances filtered by holder (or their spokespeople's principal), target, label, stance date and outlet,
        in date order unless ``sort`` says otherwise (``date``, ``label``, ``holder``, ``target``, ``outlet``)."""
        check_paging(limit, offset)
        cond, args = self._stance_where(holder, target, label, since, until, outlet)
        order = (browse.order_by("stances", sort, "date") if sort
                 else "s.date IS NULL, s.date, a.date, s.article_id, s.start")
        total = self.conn.execute(f"SELECT count(*) FROM stances s JOIN articles a ON a.id = s.article_id "
                                  f"WHERE {cond}", args).fetchone()[0]
        out: Records[StanceRecord] = Records(st.to_stance(r) for r in st.stance_rows(
            self.conn, cond, args, order=order, limit=limit, offset=offset))
        out.total = total
        return out

    def stance_facets(self, *, fields: tuple[str, ...] = ("label", "holder", "target", "outlet", "year"),
                      **filters: Any) -> list[Facet]:
        """How many of the stances ``stances(**filters)`` selects have each label, holder, target, outlet, year
        (or month); holders and targets by entity id when linked."""
        cond, args = self._stance_where(**filters)
        return browse.facets(self.conn, "stances", "stances s JOIN articles a ON a.id = s.article_id", cond, args,
                             fields)

    def all_stances(self, **filters: Any) -> list[StanceRecord]:
        """Every stance matching the filters of ``stances``, fetched page by page."""
        return every_page(self.stances, **filters)

    def _statement_where(self, id: int | None = None, by: str | None = None, q: str | None = None,
                         min_reports: int = 1, min_articles: int = 1, outlet: str | None = None,
                         since: str | None = None, until: str | None = None) -> tuple[str, list[Any]]:
        """The condition on ``statements st`` for the filters of ``statements``."""
        check_date("since", since)
        check_date("until", until)
        where: list[str] = ["st.reports >= ?"]
        args: list[Any] = [min_reports]
        if min_articles > 1:
            where.append("(SELECT count(DISTINCT r.article_id) FROM statement_reports r WHERE r.statement_id = st.id)"
                         " >= ?")
            args.append(min_articles)
        if outlet:
            where.append("st.id IN (SELECT r.statement_id FROM statement_reports r JOIN articles a ON "
                         "a.id = r.article_id WHERE a.outlet = ?)")
            args.append(outlet)
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
                   min_reports: int = 1, min_articles: int = 1, outlet: str | None = None,
                   since: str | None = None, until: str | None = None, sort: str | None = None,
                   limit: int = 100, offset: int = 0) -> Records[StatementRecord]:
        """Statements (one statement, many reports) by id, speaker, words, outlet reporting them and first date,
        each with all its reports; ``min_articles`` counts distinct articles (several reports in one article
        are one); in date order unless ``sort`` says otherwise (``date``, ``speaker``, ``reports``,
        ``articles``)."""
        check_paging(limit, offset)
        cond, args = self._statement_where(id, by, q, min_reports, min_articles, outlet, since, until)
        order = browse.order_by("statements", sort, "date")
        out: Records[StatementRecord] = Records(st.statements(self.conn, cond, args, limit, offset, order))
        out.total = self.conn.execute(f"SELECT count(*) FROM statements st WHERE {cond}", args).fetchone()[0]
        if id is not None and not out:
            raise NotFound(f"no statement with id {id} (see `onrecord statements`)")
        return out

    def statement_facets(self, *, fields: tuple[str, ...] = ("by", "outlet", "year"), **filters: Any) -> list[Facet]:
        """How many of the statements ``statements(**filters)`` selects have each speaker, reporting outlet and
        first year."""
        cond, args = self._statement_where(**filters)
        tables = ("statements st LEFT JOIN statement_reports sr ON sr.statement_id = st.id "
                  "LEFT JOIN articles a ON a.id = sr.article_id")
        return browse.facets(self.conn, "statements", tables, cond, args, fields)

    def contradictions(self, name: str | None = None) -> Records[ContradictionRecord]:
        """Claims about a holder's stance paired with the holder's own words going the other way."""
        where, args = "1=1", list[Any]()
        if name:
            where, args = st.name_condition("c.subject", name, self.entity_ids(name), "c.subject_entity_id")
        out: Records[ContradictionRecord] = Records(st.contradictions(self.conn, where, args))
        out.total = len(out)
        return out

    def timeline(self, name: str, *, about: str | None = None, since: str | None = None,
                 until: str | None = None) -> Records[TimelineEntry]:
        """A person's stances (their own and those claimed for them) and quotes in date order, with evidence."""

        entries = []
        for s in self.all_stances(holder=name, target=about, since=since, until=until):
            entries.append(TimelineEntry(s.date, "stance", s.holder, s.label, s.negated, s.target, s.reported_by,
                                         s.outlet, s.article_id, s.start, s.end, s.text))
        for qr in self.all_quotes(by=name, about=about, since=since, until=until):
            if qr.method == "learned":  # a characterisation ("argued against ...") shows up as a stance
                continue
            entries.append(TimelineEntry(qr.date, "quote", qr.speaker, None, False, None, None, qr.outlet,
                                         qr.article_id, qr.start, qr.end, qr.text))
        entries.sort(key=lambda e: (e.date or "9999", e.article_id, e.start, e.kind))
        out: Records[TimelineEntry] = Records(entries)
        out.total = len(entries)
        return out

    def search(self, text: str, limit: int = 20, offset: int = 0) -> Records[SearchHit]:
        """Entities whose name or alias contains the text (literally: ``%`` and ``_`` are no wildcards), the
        most mentioned first, then quotes containing its words; ``total`` counts both, paging runs across both."""
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
        quotes = self.quotes(q=text, limit=max(1, limit - len(hits)), offset=max(0, offset - n_entities))
        if len(hits) < limit:
            hits += [SearchHit("quote", str(qr.id), qr.text, qr.speaker, qr.article_id) for qr in quotes]
        out: Records[SearchHit] = Records(hits)
        out.total = n_entities + quotes.total
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
        found = self.contradictions(name)
        if not about:
            return found
        ids = set(self.entity_ids(about))
        low = about.lower()
        out: Records[ContradictionRecord] = Records(
            c for c in found if any(low in (t or "").lower() for t in (c.about, c.claim.target, c.counter.target))
            or ids & {c.claim.target_id, c.counter.target_id})
        out.total = len(out)
        return out

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


def entity_detail(conn: sqlite3.Connection, name_or_id: str) -> EntityDetail | None:
    """The entity with this id, name or alias, or None."""
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
    descriptors = [{"text": d["text"], "key": d["key"], "outlet": d["outlet"], "count": d["count"],
                    "loaded": bool(d["loaded"]), "kinds": (d["kinds"] or "").split(",")} for d in facts["descriptors"]]
    return EntityDetail(row["id"], row["name"], row["type"], facts["aliases"], held_roles(facts["evidence"], kb_rows),
                        facts["mentions_by_outlet"], descriptors, facts["quotes_by"], facts["quotes_about"],
                        facts["articles"], facts["written_as"])
