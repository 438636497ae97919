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


def add_correction(conn: sqlite3.Connection, action: str, name: str, other: str, when: str) -> None:
    """Store a manual merge/split decision (applied by every later linking)."""
    conn.execute("INSERT INTO entity_corrections(action, name, other, created_at) VALUES (?,?,?,?)",
                 (action, name, other, when))


def corrections(conn: sqlite3.Connection) -> list[Correction]:

    return [Correction(r[0], r[1], r[2]) for r in
            conn.execute("SELECT action, name, other FROM entity_corrections ORDER BY id")]


def entity_row(conn: sqlite3.Connection, name_or_id: str) -> sqlite3.Row | None:
    """The entity with this id, name or alias (the most mentioned one when several share an alias)."""
    return conn.execute(
        "SELECT e.* FROM entities e WHERE e.id = ? OR e.name = ? COLLATE NOCASE OR e.id IN "
        "(SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE) ORDER BY e.id = ? DESC, "
        "(SELECT count(*) FROM article_entities ae WHERE ae.entity_id = e.id) DESC, e.id LIMIT 1",
        (name_or_id, name_or_id, name_or_id, name_or_id)).fetchone()


def entity_facts(conn: sqlite3.Connection, eid: str) -> dict[str, Any]:
    """Everything the entity page shows, as plain data: aliases, text roles with evidence, mentions by outlet,
    descriptors by outlet, quote counts."""
    aliases = [r[0] for r in conn.execute("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY kind != 'name',"
                                          " alias", (eid,))]
    evidence = [dict(r) for r in conn.execute(
        'SELECT r.role, r.text, r.start, r."end", r.former, a.id AS article_id, a.date, a.outlet '
        "FROM entity_role_assertions r JOIN article_entities e ON e.article_id = r.article_id AND e.n = r.n "
        "JOIN articles a ON a.id = r.article_id WHERE e.entity_id = ? "
        'UNION ALL SELECT m.role, m.text, m.start, m."end", m.former, a.id, a.date, a.outlet FROM role_mentions m '
        "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? ORDER BY 7, 6, 3", (eid, eid))]
    by_outlet = {r[0] or "unknown": r[1] for r in conn.execute(
        "SELECT a.outlet, count(*) FROM (SELECT m.article_id FROM entity_mentions m JOIN article_entities e ON "
        "e.article_id = m.article_id AND e.n = m.n WHERE e.entity_id = ? UNION ALL SELECT article_id FROM "
        "role_mentions WHERE entity_id = ?) x JOIN articles a ON a.id = x.article_id GROUP BY a.outlet "
        "ORDER BY 2 DESC, 1", (eid, eid))}
    descriptors = [dict(r) for r in conn.execute(
        "SELECT min(d.text) AS text, d.key, a.outlet, count(*) AS count, max(d.loaded) AS loaded, "
        "group_concat(DISTINCT d.kind) AS kinds FROM entity_descriptors d JOIN article_entities e ON "
        "e.article_id = d.article_id AND e.n = d.n JOIN articles a ON a.id = d.article_id WHERE e.entity_id = ? "
        "GROUP BY d.key, a.outlet ORDER BY count(*) DESC, d.key, a.outlet", (eid,))]
    quotes_by = conn.execute("SELECT count(*) FROM quotes WHERE speaker_entity_id = ? OR on_behalf_of_entity_id = ?",
                             (eid, eid)).fetchone()[0]
    quotes_about = conn.execute(
        'SELECT count(DISTINCT q.id) FROM quotes q JOIN entity_mentions m ON m.article_id = q.article_id AND '
        'm.start >= q.start AND m."end" <= q."end" JOIN article_entities e ON e.article_id = m.article_id AND '
        "e.n = m.n WHERE e.entity_id = ? AND coalesce(q.speaker_entity_id, '') != ? AND "
        "coalesce(q.on_behalf_of_entity_id, '') != ? AND m.kind != 'pronoun'", (eid, eid, eid)).fetchone()[0]
    articles = conn.execute("SELECT count(DISTINCT article_id) FROM (SELECT article_id FROM article_entities WHERE "
                            "entity_id = ? UNION SELECT article_id FROM role_mentions WHERE entity_id = ? UNION "
                            "SELECT article_id FROM quotes WHERE speaker_entity_id = ? OR on_behalf_of_entity_id = ?)",
                            (eid, eid, eid, eid)).fetchone()[0]
    written = [{"text": r[0], "kind": r[1], "count": r[2]} for r in conn.execute(
        "SELECT m.text, m.kind, count(*) FROM entity_mentions m JOIN article_entities e ON e.article_id = "
        "m.article_id AND e.n = m.n WHERE e.entity_id = ? AND m.kind != 'pronoun' GROUP BY m.text, m.kind "
        "ORDER BY 3 DESC, 1 LIMIT 50", (eid,))]
    return {"aliases": aliases, "evidence": evidence, "mentions_by_outlet": by_outlet, "descriptors": descriptors,
            "quotes_by": quotes_by, "quotes_about": quotes_about, "articles": articles, "written_as": written}


def entity_list(conn: sqlite3.Connection, type: str | None, limit: int, offset: int) -> tuple[int, list[sqlite3.Row]]:
    """Entities with their article and mention counts, most mentioned first."""
    where, args = ("WHERE e.type = ?", [type]) if type else ("", [])
    total = conn.execute(f"SELECT count(*) FROM entities e {where}", args).fetchone()[0]
    rows = conn.execute(
        f"""SELECT e.id, e.name, e.type,
               (SELECT count(*) FROM (SELECT ae.article_id FROM article_entities ae WHERE ae.entity_id = e.id
                  UNION SELECT q.article_id FROM quotes q WHERE q.speaker_entity_id = e.id
                  OR q.on_behalf_of_entity_id = e.id)) AS articles,
               (SELECT count(*) FROM entity_mentions m JOIN article_entities ae ON ae.article_id = m.article_id
                  AND ae.n = m.n WHERE ae.entity_id = e.id)
               + (SELECT count(*) FROM role_mentions r WHERE r.entity_id = e.id) AS mentions,
               (SELECT count(*) FROM quotes q WHERE q.speaker_entity_id = e.id OR q.on_behalf_of_entity_id = e.id)
                 AS quotes
            FROM entities e {where} ORDER BY mentions DESC, e.name LIMIT ? OFFSET ?""", [*args, limit, offset])
    return total, rows.fetchall()
