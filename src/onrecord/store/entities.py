"""Entity tables: per-article clusters written with the analysis, canonical entities written by linking,
manual corrections kept by name, and the reads behind ``Onrecord.entities`` / ``Onrecord.entity``."""
from __future__ import annotations

import sqlite3
from typing import Any

from onrecord.models import ArticleEntities, Correction
from onrecord.store.rows import entity_rows, insert_rows

PER_ARTICLE = ("article_entities", "entity_mentions", "entity_role_assertions", "entity_descriptors",
               "role_mentions")


def write_entities(conn: sqlite3.Connection, article_id: str, found: ArticleEntities | None) -> None:
    """Replace an article's clusters, mentions, roles and descriptors (call inside a transaction)."""
    for table in PER_ARTICLE:
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    for table, rows in entity_rows(article_id, found).items():
        insert_rows(conn, table, rows)


def add_correction(conn: sqlite3.Connection, action: str, name: str, other: str, when: str) -> int:
    """Store a manual merge/split decision (applied by every later linking); its row id."""
    cur = conn.execute("INSERT INTO entity_corrections(action, name, other, created_at) VALUES (?,?,?,?)",
                       (action, name, other, when))
    return int(cur.lastrowid or 0)


def corrections(conn: sqlite3.Connection) -> list[Correction]:

    return [Correction(r[0], r[1], r[2]) for r in
            conn.execute("SELECT action, name, other FROM entity_corrections ORDER BY id")]


COUNT_CAP = 10_000  # counts on the entity page stop here: a larger one reads as "at least"
EVIDENCE = 10  # text evidence of a role: its first and last this many, by date


def entity_row(conn: sqlite3.Connection, name_or_id: str) -> sqlite3.Row | None:
    """The entity with this id, name or alias (the most mentioned one when several share an alias)."""
    return conn.execute(
        "SELECT e.* FROM entities e WHERE e.id = ? OR e.name = ? COLLATE NOCASE OR e.id IN "
        "(SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE) ORDER BY e.id = ? DESC, "
        "e.mentions DESC, e.id LIMIT 1", (name_or_id, name_or_id, name_or_id, name_or_id)).fetchone()


def _evidence(conn: sqlite3.Connection, eid: str) -> list[dict[str, Any]]:
    """Text evidence of the entity's roles: role assertions of its clusters and role-only mentions resolved to
    it, the first and last EVIDENCE of each role by date (indexed, so bounded however often a role is named)."""
    out: dict[tuple[str, int, int], dict[str, Any]] = {}
    for table, text in (("entity_role_assertions", "text"), ("role_mentions", "text")):
        roles = conn.execute(f"SELECT DISTINCT role, former FROM {table} WHERE entity_id = ?", (eid,)).fetchall()
        for role, former in roles:
            for order in ("", "DESC"):
                for r in conn.execute(
                        f'SELECT x.role, x.{text} AS text, x.start, x."end", x.former, a.id AS article_id, a.date, '
                        f"a.outlet FROM {table} x JOIN articles a ON a.id = x.article_id WHERE x.entity_id = ? AND "
                        f"x.role = ? AND x.former = ? ORDER BY x.date {order}, x.article_id {order} LIMIT ?",
                        (eid, role, former, EVIDENCE)):
                    out[(r["article_id"], r["start"], hash((table, r["role"])))] = dict(r)
    return sorted(out.values(), key=lambda r: (r["outlet"] is not None, r["outlet"] or "", r["date"] is not None,
                                               r["date"] or "", r["article_id"], r["start"]))


def entity_facts(conn: sqlite3.Connection, eid: str) -> dict[str, Any]:
    """Everything the entity page shows, as plain data: aliases, text roles with evidence, mentions by outlet,
    descriptors by outlet, quote counts. Every read is indexed and bounded: mentions, descriptors and spellings
    come from the per-name counts the link stage keeps, quote and article counts from its per-entity counts,
    evidence stops at EVIDENCE a role."""
    rows = conn.execute("SELECT alias, why FROM entity_aliases WHERE entity_id = ? ORDER BY kind != 'name', alias",
                        (eid,)).fetchall()
    aliases = [r[0] for r in rows]
    joins = [{"alias": r[0], "why": r[1]} for r in rows if r[1]]
    nodes = "SELECT node FROM link_nodes WHERE entity_id = ?"
    by_outlet = {r[0] or "unknown": r[1] for r in conn.execute(
        f"SELECT outlet, sum(mentions) FROM node_outlets WHERE node IN ({nodes}) GROUP BY outlet ORDER BY 2 DESC, 1",
        (eid,))}
    descriptors = descriptor_rows(conn, eid, None, DESCRIPTOR_ROWS, 0)
    # quotes by, quotes naming it, articles: the counts the link stage keeps per entity (link/entity_counts.py)
    quotes_by, quotes_about, articles = conn.execute(
        "SELECT quotes_by, quotes_about, articles FROM entities WHERE id = ?", (eid,)).fetchone() or (0, 0, 0)
    written = [{"text": r[0], "kind": r[1], "count": r[2]} for r in conn.execute(
        f"SELECT text, kind, sum(count) FROM node_written WHERE node IN ({nodes}) GROUP BY text, kind "
        "ORDER BY 3 DESC, 1 LIMIT 50", (eid,))]
    return {"aliases": aliases, "evidence": _evidence(conn, eid), "mentions_by_outlet": by_outlet,
            "descriptors": descriptors, "quotes_by": quotes_by, "quotes_about": quotes_about, "articles": articles,
            "written_as": written, "joins": joins}


def stored_descriptors(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every stored description, linked or not, with its article, entity name as the article gives it, offsets,
    kind and confidence (for scoring against a precision gold)."""
    return [dict(r) for r in conn.execute(
        'SELECT d.article_id, e.name AS entity, d.text, d.start, d."end", d.kind, coalesce(d.confidence, 0) AS '
        "confidence FROM entity_descriptors d JOIN article_entities e ON e.article_id = d.article_id AND e.n = d.n "
        "ORDER BY d.article_id, d.start")]


DESCRIPTOR_ROWS = 2_000  # the entity page groups at most this many stored descriptions (in index order)


def descriptor_rows(conn: sqlite3.Connection, eid: str, min_confidence: float | None, limit: int, offset: int
                    ) -> list[dict[str, Any]]:
    """An entity's stored descriptions, each with its article, date, outlet and offsets, read through the
    entity's clusters (indexed, bounded by ``limit``); a row stored before confidences were kept counts as 0."""
    return [dict(r) for r in conn.execute(
        'SELECT e.entity_id, d.text, d.key, d.kind, d.loaded, coalesce(d.confidence, 0) AS confidence, d.article_id, '
        'd.start, d."end", a.date, a.outlet FROM article_entities e JOIN entity_descriptors d ON d.article_id = '
        "e.article_id AND d.n = e.n JOIN articles a ON a.id = d.article_id WHERE e.entity_id = ? AND "
        "coalesce(d.confidence, 0) >= ? ORDER BY e.article_id, d.start LIMIT ? OFFSET ?",
        (eid, min_confidence or 0.0, limit, offset))]


def entity_list(conn: sqlite3.Connection, type: str | None, limit: int, offset: int) -> tuple[int, list[sqlite3.Row]]:
    """Entities with their article, mention and quote counts, most mentioned first: the counts the link stage
    keeps per entity (``link/entity_counts.py``), read in the order of an index (each type's, merged)."""
    where, args = ("WHERE e.type = ?", [type]) if type else ("WHERE 1=1", [])
    total = conn.execute(f"SELECT count(*) FROM entities e {where}", args).fetchone()[0]
    select = f"SELECT e.id, e.name, e.type, e.articles, e.mentions, e.quotes_by AS quotes{{}} FROM entities e {where}"
    if type:
        rows = conn.execute(f"{select.format('')} ORDER BY e.mentions DESC, e.name LIMIT ? OFFSET ?",
                            [*args, limit, offset])
    else:  # ties in the order of the index the page was read from before migration 23 (mentions, name, rowid)
        rows = conn.execute(*across_types(conn, "id, name, type, articles, mentions, quotes",
                                          select.format(", e.rowid AS r"), args, "e.mentions DESC, e.name, e.rowid",
                                          "mentions DESC, name, r", limit, offset))
    return total, rows.fetchall()


def entity_types(conn: sqlite3.Connection) -> list[str]:
    """The types the store's entities have, read off the (type, name, id) index a type at a time."""
    return [r[0] for r in conn.execute(
        "WITH RECURSIVE t(v) AS (SELECT min(type) FROM entities UNION ALL SELECT (SELECT min(type) FROM entities WHERE "
        "type > t.v) FROM t WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL")]


def across_types(conn: sqlite3.Connection, columns: str, select: str, args: list[Any], order: str, outer: str,
                 limit: int, offset: int) -> tuple[str, list[Any]]:
    """(SQL, arguments) of one page (``limit`` rows from ``offset``, its ``columns``) of ``select`` (a query over
    ``entities e`` ending in its WHERE condition, which ``AND`` extends: no bare ``OR``) in a count's ``order`` over
    every type: each type's first rows come off its (type, count) index and are merged by ``outer``, the same order
    in the selected columns' names. The counts change with every linked batch, so they are indexed per type only
    (migration 23): one index entry moves per changed count, not two."""
    types = entity_types(conn)
    if not types:
        return f"SELECT {columns} FROM ({select} AND 0)", list(args)
    arm = f"SELECT * FROM ({select} AND e.type = ? ORDER BY {order} LIMIT ?)"
    return (f"SELECT {columns} FROM ({' UNION ALL '.join([arm] * len(types))}) ORDER BY {outer} LIMIT ? OFFSET ?",
            [x for t in types for x in (*args, t, offset + limit)] + [limit, offset])
