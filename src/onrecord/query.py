"""The questions users ask, answered from the store as typed records. Every interface calls this module."""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar

from onrecord.errors import BadParameter, NotFound
from onrecord.models import Article, Segment
from onrecord.store import Store
from onrecord.store.db import row_to_article

T = TypeVar("T")
MAX_LIMIT = 1000


class Records(list, Generic[T]):  # type: ignore[type-arg]
    """A list of typed records with the total count before paging and an optional pandas view."""

    total: int = 0

    def to_pandas(self) -> Any:
        try:
            import pandas as pd
        except ImportError as exc:
            from onrecord.errors import MissingExtra

            raise MissingExtra("pandas", "pandas") from exc
        return pd.DataFrame([r.to_dict() for r in self])

    def to_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self]


@dataclass
class ArticleSummary:
    id: str
    source: str
    outlet: str | None
    date: str | None
    title: str | None
    paragraphs: int
    furniture: int
    quotes: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class QuoteRecord:
    """A stored quote with its article's metadata; offsets point into the article's original text."""

    id: int
    article_id: str
    source: str
    outlet: str | None
    date: str | None
    start: int
    end: int
    spans: list[list[int]] | None
    text: str
    kind: str
    speaker: str | None
    speaker_type: str
    on_behalf_of: str | None
    speaker_mention: str | None
    speaker_span: list[int] | None
    cue: str | None
    cue_span: list[int] | None
    furniture: str | None
    confidence: float
    clause_span: list[int] | None
    group: int | None
    speaker_id: str | None
    on_behalf_of_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        speaker_id=row["speaker_entity_id"], on_behalf_of_id=row["on_behalf_of_entity_id"])


def check_paging(limit: int, offset: int) -> None:
    if not 0 < limit <= MAX_LIMIT:
        raise BadParameter(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise BadParameter(f"offset must be 0 or more, got {offset}")


def check_date(name: str, value: str | None) -> None:
    if value is not None and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value):
        raise BadParameter(f"{name} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}")


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: each word quoted, all required."""
    words = re.findall(r"\w+", text)
    if not words:
        raise BadParameter("the search text has no words")
    return " ".join('"' + w.replace('"', "") + '"' for w in words[:20])


class Onrecord:
    """The query API over one store: ``onrecord.open("onrecord.db").quotes(by="Jeremy Corbyn")``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Onrecord":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------------------------
    def articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 limit: int = 100, offset: int = 0) -> Records[ArticleSummary]:
        """Articles by date, with paragraph, furniture and quote counts."""
        check_paging(limit, offset)
        check_date("since", since)
        check_date("until", until)
        where, args = ["1=1"], []
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        if since:
            where.append("a.date >= ?")
            args.append(since)
        if until:
            where.append("a.date <= ?")
            args.append(until)
        cond = " AND ".join(where)
        total = self.conn.execute(f"SELECT count(*) FROM articles a WHERE {cond}", args).fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT a.id, a.source, a.outlet, a.date, a.title,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'body') AS paragraphs,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.kind = 'furniture') AS furniture,
                   (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS quotes
                FROM articles a WHERE {cond} ORDER BY a.date IS NULL, a.date, a.source LIMIT ? OFFSET ?""",
            [*args, limit, offset])
        out: Records[ArticleSummary] = Records(ArticleSummary(**dict(r)) for r in rows)
        out.total = total
        return out

    def article(self, article_id: str) -> Article:
        """One article with its original text; NotFound names the id."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 2",
                                (article_id, article_id + "%") if len(article_id) >= 4 else (article_id, article_id)
                                ).fetchall()
        if len(row) != 1:
            raise NotFound(f"no article with id {article_id!r} (see `onrecord articles`)" if not row else
                           f"the id prefix {article_id!r} matches several articles: give more characters")
        return row_to_article(row[0])

    def segments(self, article_id: str) -> list[Segment]:
        return self.store.segments(self.article(article_id).id)

    # -- quotes ----------------------------------------------------------------------------------------------
    def quotes(self, *, by: str | None = None, about: str | None = None, article: str | None = None,
               outlet: str | None = None, since: str | None = None, until: str | None = None,
               q: str | None = None, kind: str | None = None, limit: int = 100, offset: int = 0,
               ) -> Records[QuoteRecord]:
        """Quotes filtered by speaker (name, alias or entity id; spokespeople count for their principal),
        subject mentioned, article, outlet, date range, full-text search and kind."""
        check_paging(limit, offset)
        check_date("since", since)
        check_date("until", until)
        where, args = ["1=1"], []
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
            args.append(fts_query(about.split()[-1] if len(about.split()) > 1 else about))
        if q:
            where.append("q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            args.append(fts_query(q))
        if article:
            where.append("q.article_id = ?")
            args.append(self.article(article).id)
        if outlet:
            where.append("a.outlet = ?")
            args.append(outlet)
        if since:
            where.append("a.date >= ?")
            args.append(since)
        if until:
            where.append("a.date <= ?")
            args.append(until)
        if kind:
            if kind not in ("direct", "partial", "indirect", "mixed"):
                raise BadParameter(f"kind must be direct, partial, indirect or mixed, got {kind!r}")
            where.append("q.kind = ?")
            args.append(kind)
        cond = " AND ".join(where)
        base = f"FROM quotes q JOIN articles a ON a.id = q.article_id WHERE {cond}"
        total = self.conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        rows = self.conn.execute(f"SELECT q.*, a.source, a.outlet, a.date {base} "
                                 "ORDER BY a.date IS NULL, a.date, a.source, q.start LIMIT ? OFFSET ?",
                                 [*args, limit, offset])
        out: Records[QuoteRecord] = Records(_quote(r) for r in rows)
        out.total = total
        return out

    def all_quotes(self, **filters: Any) -> list[QuoteRecord]:
        """Every quote matching the filters of ``quotes``, fetched page by page."""
        out: list[QuoteRecord] = []
        while True:
            page = self.quotes(**filters, limit=MAX_LIMIT, offset=len(out))
            out.extend(page)
            if len(page) < MAX_LIMIT:
                return out

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
    # (entity methods go here)

    # -- stances, statements, timelines, contradictions, search ----------------------------------------------
    # (stance methods go here)
