"""The link stage over the store: read what the analysis stored, link it across articles, write the links."""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from typing import Any

from onrecord.analyse.entities.roles import name_key
from onrecord.analyse.stances import labels
from onrecord.analyse.stances.targets import surname_key
from onrecord.link.contradictions import StanceRef, find_contradictions
from onrecord.link.entities import LinkCluster, Linking, LinkRoleMention, link_entities
from onrecord.link.statements import QuoteRef, group_statements
from onrecord.store import Store
from onrecord.store.entities import corrections
from onrecord.store.stances import (
    entity_for,
    replace_contradictions,
    replace_statements,
    stance_rows,
)


def link(store: Store) -> None:
    """Cross-article steps that run after articles are analysed: entity linking, statements, stances."""
    with store.transaction() as conn:
        link_store(conn)
    link_stances(store)  # keep last: statements and contradictions use the entity ids set above


def link_store(conn: sqlite3.Connection) -> Linking:
    """Link every article's clusters into canonical entities and point quotes at them (call inside a
    transaction). Entities are upserted by id so rows of later stages that reference them stay valid."""

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


def link_stance_entities(conn: sqlite3.Connection) -> None:
    """Fill holder, principal and target entity ids: the holder of a quote's stance takes the quote speaker's
    entity; other names resolve through entity aliases."""
    rows = conn.execute("SELECT s.id, s.holder, s.on_behalf_of, s.target, q.speaker AS qs, q.speaker_entity_id AS qe,"
                        " q.on_behalf_of_entity_id AS qb FROM stances s LEFT JOIN quotes q ON q.article_id ="
                        " s.article_id AND q.n = s.quote_n").fetchall()
    cache: dict[str, str | None] = {}

    def look(name: str | None) -> str | None:
        if not name:
            return None
        if name not in cache:
            cache[name] = entity_for(conn, name)
        return cache[name]

    updates = []
    for r in rows:
        holder_id = r["qe"] if r["qs"] and r["qs"] == r["holder"] and r["qe"] else look(r["holder"])
        behalf_id = r["qb"] if r["qs"] and r["qs"] == r["holder"] and r["qb"] else look(r["on_behalf_of"])
        updates.append((holder_id, behalf_id, look(r["target"]), r["id"]))
    conn.executemany("UPDATE stances SET holder_entity_id = ?, on_behalf_of_entity_id = ?, target_entity_id = ? "
                     "WHERE id = ?", updates)


def holder_key(name: str | None, holder_type: str | None, entity_id: str | None) -> str | None:
    """A key that matches the same holder across articles: the entity id, else the person's surname."""
    if entity_id:
        return "entity:" + entity_id
    if not name:
        return None
    if holder_type == "person":
        return surname_key(name)
    return "name:" + name.lower()


def link_stances(store: Any) -> None:
    """Cross-article stance steps: entity ids on stances, statements with their reports, contradictions."""

    conn = store.conn
    with store.transaction():
        link_stance_entities(conn)
        quotes = conn.execute("SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_type, q.speaker_entity_id,"
                              " a.date FROM quotes q JOIN articles a ON a.id = q.article_id"
                              " WHERE q.kind != 'indirect' AND q.furniture IS NULL ORDER BY a.date, q.id").fetchall()
        refs = [QuoteRef(r["id"], r["article_id"], holder_key(r["speaker"], r["speaker_type"], None), r["text"],
                         r["date"], r["speaker"], r["speaker_entity_id"]) for r in quotes]
        replace_statements(conn, [{"speaker": g.speaker, "speaker_entity_id": g.speaker_entity_id, "text": g.text,
                                   "first_date": g.first_date, "reports": g.reports}
                                  for g in group_statements(refs)])
        rows = stance_rows(conn)
        refs2 = [StanceRef(r["id"], r["holder"], holder_key(r["holder"], r["holder_type"], r["holder_entity_id"]),
                           r["target"], json.loads(r["target_keys"] or "[]") + (
                               ["entity:" + r["target_entity_id"]] if r["target_entity_id"] else []),
                           r["label"], r["polarity"], bool(r["negated"]), r["reported_by"], r["reporter_for"],
                           r["date"], r["article_id"], r["holder_entity_id"], r["target_type"]) for r in rows]
        pol = {k: v.polarity for k, v in labels().items()}
        replace_contradictions(conn, [c.__dict__ for c in find_contradictions(refs2, pol)])
