"""Entity tables: per-article clusters written with the analysis, canonical entities written by linking,
manual corrections kept by name, and the reads behind ``Onrecord.entities`` / ``Onrecord.entity``."""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from onrecord.analyse.entities.roles import held_roles, name_key
from onrecord.models import (
    ArticleEntities,
    Correction,
    EntityDetail,
    EntitySummary,
)

if TYPE_CHECKING:
    from onrecord.link.entities import Linking

PER_ARTICLE = ("article_entities", "entity_mentions", "entity_role_assertions", "entity_descriptors",
               "role_mentions")


def write_entities(conn: sqlite3.Connection, article_id: str, found: ArticleEntities | None) -> None:
    """Replace an article's clusters, mentions, roles and descriptors (call inside a transaction)."""
    from onrecord.store.rows import entity_rows, insert_rows

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


def link_store(conn: sqlite3.Connection) -> Linking:
    """Link every article's clusters into canonical entities and point quotes at them (call inside a
    transaction). Entities are upserted by id so rows of later stages that reference them stay valid."""
    from onrecord.link.entities import LinkCluster, LinkRoleMention, link_entities

    clusters = [LinkCluster(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(
        "SELECT e.article_id, e.n, e.name, e.type, (SELECT count(*) FROM entity_mentions m WHERE "
        "m.article_id = e.article_id AND m.n = e.n) FROM article_entities e ORDER BY e.article_id, e.n")]
    people: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        if c.type == "person":
            people[c.article_id].add(name_key(c.name))
    roles = [LinkRoleMention(r[0], r[1], r[2], r[3], bool(r[4]), frozenset(people.get(r[0], ()))) for r in
             conn.execute("SELECT m.article_id, m.n, m.role, a.date, m.former FROM role_mentions m "
                          "JOIN articles a ON a.id = m.article_id ORDER BY m.article_id, m.n")]
    quotes = conn.execute("SELECT id, article_id, speaker, speaker_type, on_behalf_of, speaker_start, speaker_end "
                          "FROM quotes ORDER BY id").fetchall()
    local = _LocalIndex(conn)
    speakers = sorted({(q[2], q[3]) for q in quotes if q[2] and q[3] in ("person", "organisation", "group")
                       and local.find(q[1], q[2], q[5], q[6], q[3]) is None and _creatable(q[2], q[3])})
    linking = link_entities(clusters, roles, corrections(conn), speakers)
    ids = [e.id for e in linking.entities]
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _live_entities(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM _live_entities")
    conn.executemany("INSERT INTO _live_entities(id) VALUES (?)", [(i,) for i in ids])
    conn.execute("DELETE FROM entities WHERE id NOT IN (SELECT id FROM _live_entities)")
    conn.executemany("INSERT INTO entities(id, name, type) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET "
                     "name = excluded.name, type = excluded.type", [(e.id, e.name, e.type) for e in linking.entities])
    conn.execute("DELETE FROM entity_aliases")
    conn.executemany("INSERT OR IGNORE INTO entity_aliases(entity_id, alias, kind) VALUES (?,?,?)",
                     [(e.id, a, k) for e in linking.entities for a, k in e.aliases])
    conn.executemany("UPDATE article_entities SET entity_id = ? WHERE article_id = ? AND n = ?",
                     [(eid, a, n) for (a, n), eid in linking.cluster_ids.items()])
    conn.execute("UPDATE role_mentions SET entity_id = NULL")
    conn.executemany("UPDATE role_mentions SET entity_id = ? WHERE article_id = ? AND n = ?",
                     [(eid, a, n) for (a, n), eid in linking.role_ids.items()])
    conn.executemany("UPDATE quotes SET speaker_entity_id = ?, on_behalf_of_entity_id = ? WHERE id = ?",
                     [(_resolve(local, linking, q[1], q[2], q[5], q[6], q[3]) if q[3] != "spokesperson" else None,
                       _resolve(local, linking, q[1], q[4], None, None), q[0]) for q in quotes])
    return linking


def _creatable(name: str, typ: str) -> bool:
    """A quote speaker the article's entities do not cover becomes an entity of its own if it reads as a
    name: any organisation or group, a person only when every word is capitalised ("Labour shadow cabinet
    member" is a description, not a person)."""
    return typ != "person" or (len(name.split()) >= 2 and all(w[:1].isupper() for w in name.split()))


class _LocalIndex:
    """Each article's clusters by name key and its mention spans, to resolve quote speakers in context."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.names: dict[str, dict[str, int]] = defaultdict(dict)
        self.types: dict[tuple[str, int], str] = {}
        for r in conn.execute("SELECT article_id, n, name, type FROM article_entities"):
            self.names[r[0]][name_key(r[2])] = r[1]
            self.types[(r[0], r[1])] = r[3]
        self.spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for r in conn.execute('SELECT article_id, start, "end", n FROM entity_mentions'):
            self.spans[r[0]].append((r[1], r[2], r[3]))

    def find(self, aid: str, name: str | None, start: int | None, end: int | None, typ: str = "") -> int | None:
        """The article's cluster for a speaker: same name, else a mention inside the speaker's span, else the
        article's only person with that surname."""
        if not name:
            return None
        key = name_key(name)
        here = self.names.get(aid, {})
        if key in here:
            return here[key]
        if start is not None and end is not None:  # the longest mention inside or around, a person's for a person
            inside = sorted((s - e, s, n) for s, e, n in self.spans.get(aid, ()) if (start <= s and e <= end or s <= start and end <= e)
                            and _compatible(typ, self.types[(aid, n)]))
            if inside:
                return inside[0][2]
        last = key.split()[-1:]
        hits = {n for k, n in here.items() if k.split()[-1:] == last and self.types[(aid, n)] == "person"}
        return hits.pop() if len(hits) == 1 and len(key.split()) <= 2 else None


def _compatible(speaker_type: str, entity_type: str) -> bool:
    """A person speaker needs a person mention; a group or organisation speaker ("supporters of Jeremy Corbyn")
    never takes the person named inside its description."""
    if speaker_type == "person":
        return entity_type == "person"
    if speaker_type in ("group", "organisation"):
        return entity_type != "person"
    return True


def _resolve(local: _LocalIndex, linking: Linking, aid: str, name: str | None, start: int | None,
             end: int | None, typ: str = "") -> str | None:
    n = local.find(aid, name, start, end, typ)
    if n is not None:
        return linking.cluster_ids.get((aid, n))
    found = linking.lookup(name) if name else []
    return found[0] if found else None


def entity_row(conn: sqlite3.Connection, name_or_id: str) -> sqlite3.Row | None:
    """The entity with this id, name or alias (the most mentioned one when several share an alias)."""
    return conn.execute(
        "SELECT e.* FROM entities e WHERE e.id = ? OR e.name = ? COLLATE NOCASE OR e.id IN "
        "(SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE) ORDER BY e.id = ? DESC, "
        "(SELECT count(*) FROM article_entities ae WHERE ae.entity_id = e.id) DESC, e.id LIMIT 1",
        (name_or_id, name_or_id, name_or_id, name_or_id)).fetchone()


def _by_short_name(conn: sqlite3.Connection, text: str) -> sqlite3.Row | None:
    """"Mr Corbyn", "Corbyn": the only person whose name ends with that surname (titles dropped)."""
    from onrecord.analyse.entities.names import clean_person_name

    name = clean_person_name(text)
    if name != text and (row := entity_row(conn, name)) is not None:
        return row
    if not name or " " in name:
        return None
    rows = conn.execute("SELECT * FROM entities WHERE type = 'person' AND name LIKE ? LIMIT 2",
                        ("% " + name,)).fetchall()
    return rows[0] if len(rows) == 1 else None


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


def entity_summaries(conn: sqlite3.Connection, type: str | None, limit: int, offset: int
                     ) -> tuple[int, list[EntitySummary]]:
    total, rows = entity_list(conn, type, limit, offset)
    return total, [EntitySummary(**dict(r)) for r in rows]


def entity_detail(conn: sqlite3.Connection, name_or_id: str) -> EntityDetail | None:
    """The entity with this id, name or alias, or None."""
    from onrecord.analyse.entities.roles import load_kb

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
