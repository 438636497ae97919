"""The stance step of a link batch, over the store: entity ids on the batch's stances (and on earlier stances
whose names now resolve otherwise), then contradictions for just the stances that are new or changed.

A stance's ``holder_key`` (its holder's entity, else surname or name) is the group contradictions are found in.
``stance_keys`` holds each linked stance's target keys (as ``contradictions._keys`` counts them, before the
person -> government links widen them) under its holder key, and ``target_links`` the links every stance of the
store contributes, so a new stance meets just the stances of its holder that share a key with it. A pair only
depends on its two stances and the links, so the batch's pairs are added to the stored ones; a holder group is
recomputed whole only when one of its stances changed holder or target, or a new link widens its keys.

The claim groups the contradictions list pages through (``claim_groups``: the claims of one subject that meet the
same counter-evidence) are kept per holder group too: every pair of a claim, and of a counter, is written under its
holder's key, so a group never spans two holder keys, and the batch regroups just the holder keys whose pairs it
wrote or deleted. ``contradiction_totals`` keeps the list's totals (groups, claims, counters, pairs per kind), moved
by each regrouped holder key's difference, so no request counts the whole table.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from onrecord.analyse.stances import labels
from onrecord.analyse.stances.confidence import stance_cut
from onrecord.link.contradictions import (
    Contradiction,
    PositionChange,
    StanceRef,
    claim_side,
    find_contradictions,
    own_side,
    period,
    position_changes,
    resolved_keys,
)
from onrecord.link.entities_store import EntityChanges, LocalIndex, resolve
from onrecord.link.statements_store import holder_key

LINKED = ("(s.article_id IN (SELECT id FROM _link_batch) OR NOT EXISTS (SELECT 1 FROM link_pending p WHERE "
          "p.article_id = s.article_id))")
CONFIDENCE = ("(SELECT q.confidence FROM quotes q WHERE q.article_id = s.article_id AND q.n = s.quote_n) "
              "AS quote_confidence")  # the attribution a stance's own words rest on
STANCE_SQL = f"SELECT s.*, {CONFIDENCE} FROM stances s WHERE s.id = ?"


NODES = ("holder_node", "target_node", "behalf_node")


def _affected(conn: sqlite3.Connection, changes: EntityChanges) -> set[int]:
    """Stances of the batch, stances resolving through a node or lookup whose entity changed, stances of changed
    quotes."""
    ids = {r[0] for r in conn.execute("SELECT id FROM stances WHERE article_id IN (SELECT id FROM _link_batch)")}
    for ref in changes.refs:
        for column in NODES:
            ids.update(r[0] for r in conn.execute(f"SELECT id FROM stances WHERE {column} = ?", (ref,)))
    for qid in set(changes.quotes) | changes.behalf_quotes:
        ids.update(r[0] for r in conn.execute("SELECT s.id FROM quotes q JOIN stances s ON s.article_id = "
                                              "q.article_id AND s.quote_n = q.n WHERE q.id = ?", (qid,)))
    return ids


def target_keys(raw: str | None, target_entity_id: str | None) -> list[str]:
    """A stance's target keys as contradictions compare them: its own, and its target's entity."""
    return json.loads(raw or "[]") + (["entity:" + target_entity_id] if target_entity_id else [])


def base_keys(keys: list[str]) -> set[str]:
    """The keys a stance meets others by before links widen them (a bare name only when it is the only key)."""
    return {k for k in keys if not k.startswith("name:") or len(keys) == 1}


def _ref(r: sqlite3.Row) -> StanceRef:
    """The contradiction finder's view of a stance row read with its quote's confidence (``CONFIDENCE``)."""
    return StanceRef(r["id"], r["holder"], r["holder_key"], r["target"], target_keys(r["target_keys"],
                     r["target_entity_id"]), r["label"], r["polarity"], bool(r["negated"]), r["reported_by"],
                     r["reporter_for"], r["date"], r["article_id"], r["holder_entity_id"], r["target_type"],
                     r["quote_n"], r["quote_confidence"], r["aspect"], r["target_entity_id"], r["confidence"])


def link_stances_batch(conn: sqlite3.Connection, changes: EntityChanges) -> int:
    """Entity ids and holder keys on the affected stances, target keys and links of the batch's stances, and
    the contradictions they make (call inside a transaction). Returns the contradictions written."""
    local = LocalIndex(conn)
    cache: dict[str, str | None] = {}

    def look(ref: str | None) -> str | None:
        if ref is None:
            return None
        if ref not in cache:
            cache[ref] = resolve(conn, ref)
        return cache[ref]

    batch = {r[0] for r in conn.execute("SELECT id FROM stances WHERE article_id IN (SELECT id FROM _link_batch)")}
    ids = sorted(_affected(conn, changes))
    regroup: set[str] = set()
    updates, unkeyed, keyed, node_rows = [], [], [], []
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for r in conn.execute(
                "SELECT s.*, q.speaker AS qs, q.speaker_node AS qn, q.behalf_node AS qbn, "
                f"{LINKED} AS linked FROM stances s LEFT JOIN quotes q ON q.article_id = s.article_id AND q.n = "
                f"s.quote_n WHERE s.id IN ({','.join('?' * len(part))})", part):
            nodes = stance_nodes(local, r) if r["id"] in batch else tuple(r[c] for c in NODES)
            if r["id"] in batch:
                node_rows.append((*nodes, r["id"]))
            holder_id, target_id, behalf_id = (look(n) for n in nodes)
            key = holder_key(r["holder"], r["holder_type"], holder_id)
            old = (r["holder_entity_id"], r["on_behalf_of_entity_id"], r["target_entity_id"], r["holder_key"])
            if (holder_id, behalf_id, target_id, key) != old or r["id"] in batch:
                updates.append((holder_id, behalf_id, target_id, key, r["id"]))
            if r["linked"] and r["id"] not in batch and (holder_id, behalf_id, target_id, key) != old:
                regroup.update(k for k in (r["holder_key"], key) if k)  # an old stance moved: redo both groups
                if r["holder_key"]:
                    unkeyed += [(r["holder_key"], k, r["id"]) for k in base_keys(target_keys(
                        r["target_keys"], r["target_entity_id"]))]
            if key and r["linked"] and (r["id"] in batch or (holder_id, behalf_id, target_id, key) != old):
                keyed += [(key, k, r["id"]) for k in base_keys(target_keys(r["target_keys"], target_id))]
    conn.executemany("UPDATE stances SET holder_node = ?, target_node = ?, behalf_node = ? WHERE id = ?", node_rows)
    conn.executemany("UPDATE stances SET holder_entity_id = ?, on_behalf_of_entity_id = ?, target_entity_id = ?, "
                     "holder_key = ? WHERE id = ?", updates)
    conn.executemany("DELETE FROM stance_keys WHERE holder_key = ? AND key = ? AND stance_id = ?", unkeyed)
    conn.executemany("INSERT OR IGNORE INTO stance_keys(holder_key, key, stance_id) VALUES (?,?,?)", keyed)
    regroup |= _new_links(conn)
    pol = {k: v.polarity for k, v in labels().items()}
    written = 0
    for g in sorted(regroup):
        written += redo_group(conn, g, pol)
    fresh = [r for r in (conn.execute(STANCE_SQL, (i,)).fetchone() for i in sorted(batch))
             if r is not None and r["holder_key"] and r["holder_key"] not in regroup]
    added, touched = _add_pairs(conn, fresh, pol)
    regroup_claims(conn, regroup | touched | rename_subjects(conn, changes.renamed))
    for g in sorted(regroup):
        redo_changes(conn, g, pol)
    return written + added


def redo_changes(conn: sqlite3.Connection, group: str, pol: dict[str, float]) -> int:
    """Recompute one holder group's changes of position (its own words on a target at two dates going opposite
    ways): they depend on every linked stance of the group, so the group is redone whole, whatever the batch order;
    only its quoted stances sure enough to be a side are read."""
    rows = conn.execute(f"SELECT s.*, {CONFIDENCE} FROM stances s WHERE s.holder_key = ? AND s.quote_n IS NOT NULL "
                        f"AND s.confidence >= ? AND {LINKED} ORDER BY s.id", (group, stance_cut())).fetchall()
    refs = [_ref(r) for r in rows]
    found = position_changes(refs, pol, _Links(conn).of({k for s in refs for k in base_keys(s.target_keys)}))
    conn.execute("DELETE FROM position_changes WHERE group_key = ?", (group,))
    conn.executemany("INSERT INTO position_changes(holder, holder_entity_id, before_id, after_id, shared_keys, "
                     "group_key) VALUES (?,?,?,?,?,?)", [(c.holder, c.holder_entity_id, c.before_id, c.after_id,
                                                         json.dumps(c.shared_keys), group) for c in found])
    return len(found)


ENTITY_TYPES = ("person", "organisation", "country", "group")


def stance_nodes(local: LocalIndex, r: sqlite3.Row) -> tuple[str | None, str | None, str | None]:
    """How a batch stance's holder, target and principal resolve: as its quote's speaker and principal when the
    holder is the speaker, else as a quote speaker would (``LocalIndex.node``: the article's cluster for the name
    or span, else the name looked up); a target that is no person, organisation, country or group (a policy, a
    claim) names no entity."""
    aid = r["article_id"]
    own = bool(r["qs"]) and r["qs"] == r["holder"]
    holder = r["qn"] if own and r["qn"] else local.node(aid, r["holder"], r["holder_start"], r["holder_end"],
                                                       r["holder_type"] or "")
    behalf = r["qbn"] if own and r["qbn"] else local.node(aid, r["on_behalf_of"])
    target = (local.node(aid, r["target"], r["target_start"], r["target_end"], r["target_type"] or "")
              if r["target_type"] in ENTITY_TYPES else None)
    return holder, target, behalf


def _new_links(conn: sqlite3.Connection) -> set[str]:
    """Add the batch's person -> government links; the holder groups whose keys a new link widens."""
    links = set()
    for raw, eid in conn.execute("SELECT target_keys, target_entity_id FROM stances WHERE article_id IN (SELECT id "
                                 "FROM _link_batch) AND target_type = 'person'"):
        tk = json.loads(raw or "[]")
        people = [p for p in tk if p.startswith("person:")] + (["entity:" + eid] if eid else [])
        links |= {(p, g) for p in people for g in tk if g.startswith("gov:")}
    groups: set[str] = set()
    for p, g in sorted(links):
        if conn.execute("INSERT OR IGNORE INTO target_links(person_key, gov_key) VALUES (?, ?)", (p, g)).rowcount:
            groups.update(r[0] for r in conn.execute("SELECT DISTINCT holder_key FROM stance_keys WHERE key = ?",
                                                     (p,)))
    return groups


class _Links:
    """The stored person -> government links, read as needed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.govs: dict[str, set[str]] = {}

    def of(self, keys: Iterable[str]) -> dict[str, set[str]]:
        out = {}
        for k in keys:
            if k.startswith(("person:", "entity:")):
                if k not in self.govs:
                    self.govs[k] = {r[0] for r in self.conn.execute(
                        "SELECT gov_key FROM target_links WHERE person_key = ?", (k,))}
                if self.govs[k]:
                    out[k] = self.govs[k]
        return out

    def expanded(self, keys: set[str]) -> set[str]:
        out = set(keys)
        for govs in self.of(keys).values():
            out |= govs
        return out



def _entity_name(conn: sqlite3.Connection, entity_id: str | None, fallback: str) -> str:
    """The name a contradiction shows for its subject: the resolved entity's, not the claim's words ("Labour
    boss")."""
    if entity_id:
        r = conn.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if r is not None:
            return str(r[0])
    return fallback


def rename_subjects(conn: sqlite3.Connection, renamed: Iterable[str]) -> set[str]:
    """Set the pairs' subject to its entity's present name where the batch renamed the entity (``renamed``: a
    later batch may rename an entity, and only the entity step does); the holder keys whose pairs changed, to
    regroup."""
    stale = []
    for eid in sorted(renamed):
        stale += conn.execute("SELECT c.id, e.name, c.group_key FROM contradictions c JOIN entities e ON e.id = "
                              "c.subject_entity_id WHERE c.subject_entity_id = ? AND c.subject IS NOT e.name",
                              (eid,)).fetchall()
    conn.executemany("UPDATE contradictions SET subject = ? WHERE id = ?", [(n, i) for i, n, _ in stale])
    return {g for _, _, g in stale if g}


def _write(conn: sqlite3.Connection, group: str, found: Iterable[Contradiction]) -> int:
    rows = [(_entity_name(conn, c.subject_entity_id, c.subject), c.subject_entity_id, c.about, c.claim_id,
             c.counter_id, c.kind, json.dumps(c.shared_keys),
             group, json.dumps(c.why, sort_keys=True), c.confidence) for c in found]
    conn.executemany("INSERT INTO contradictions(subject, subject_entity_id, about, claim_id, counter_id, kind, "
                     "shared_keys, group_key, why, confidence) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


class _Pool:
    """The linked stances of one holder group read so far, fetched by resolved target key through ``stance_keys``
    (and, for a state, through the people the store links to it), each key read once."""

    def __init__(self, conn: sqlite3.Connection, group: str, links: _Links) -> None:
        self.conn, self.group, self.links = conn, group, links
        self.refs: dict[int, StanceRef] = {}
        self.by_key: dict[str, set[int]] = {}

    def wide(self, s: StanceRef) -> set[str]:
        """The keys ``s`` is joined by (``resolved_keys`` with the store's links)."""
        return resolved_keys(s, self.links.of(base_keys(s.target_keys)))

    def sharing(self, keys: Iterable[str]) -> set[int]:
        """Ids of the group's stances that meet one of these resolved keys (a superset: callers test the join)."""
        out: set[int] = set()
        for k in sorted(keys):
            if k not in self.by_key:
                rows = self.conn.execute(
                    f"SELECT s.*, {CONFIDENCE} FROM stance_keys k JOIN stances s ON s.id = k.stance_id WHERE "
                    f"k.holder_key = ? AND k.key = ? AND {LINKED}", (self.group, k)).fetchall()
                if k.startswith("gov:"):  # a stance about a person the store links to that government
                    rows += self.conn.execute(
                        f"SELECT s.*, {CONFIDENCE} FROM stance_keys k JOIN target_links t ON t.person_key = k.key "
                        f"AND t.gov_key = ? JOIN stances s ON s.id = k.stance_id WHERE k.holder_key = ? AND "
                        f"((k.key >= 'person:' AND k.key < 'person;') OR (k.key >= 'entity:' AND k.key < "
                        f"'entity;')) AND {LINKED}", (k, self.group)).fetchall()
                for r in rows:
                    if r["id"] not in self.refs:
                        self.refs[r["id"]] = _ref(r)
                self.by_key[k] = {r["id"] for r in rows}
            out |= self.by_key[k]
        return out

    def near(self, refs: Iterable[StanceRef]) -> dict[str, set[str]]:
        """The store's person -> government links of these stances' keys."""
        return self.links.of({k for x in refs for k in base_keys(x.target_keys)})


def _fresh_by_group(fresh: list[sqlite3.Row]) -> dict[str, list[StanceRef]]:
    out: dict[str, list[StanceRef]] = {}
    for r in fresh:
        out.setdefault(r["holder_key"], []).append(_ref(r))
    return out


def _reaches(own: StanceRef, claim: StanceRef) -> bool:
    """Whether own words can counter a claim or take it back: both dated, the own words from before the claim's end
    (``find_contradictions`` reads no own words dated after a claim)."""
    po, pc = period(own.date), period(claim.date)
    return po is not None and pc is not None and po[0] <= pc[1]


def _add_pairs(conn: sqlite3.Connection, fresh: list[sqlite3.Row], pol: dict[str, float]) -> tuple[int, set[str]]:
    """Bring the pairs the new stances reach up to date, as a full relink of their groups would make them: the
    claims they reach (a new claim; the claims a new own-words stance shares a resolved key with, which it may
    counter or take back) are paired again with the own words that share their keys, read by key through the
    index, and their stored pairs replaced by the difference. Returns the pairs written and the holder keys
    written or deleted under."""
    links = _Links(conn)
    written = 0
    touched: set[str] = set()
    for group, new in sorted(_fresh_by_group(fresh).items()):
        if not group.startswith("entity:"):
            continue  # a holder no entity resolves ("far-left aides"): neither side of a pair, nor a change
        pool = _Pool(conn, group, links)
        claims: set[int] = set()
        for s in new:
            near = pool.sharing(pool.wide(s))
            pool.refs.setdefault(s.id, s)
            if claim_side(s):
                claims.add(s.id)
            if own_side(s):
                claims |= {i for i in near if claim_side(pool.refs[i]) and _reaches(s, pool.refs[i])}
        for c in sorted(claims):  # every own-words stance a reached claim can meet or be taken back by
            pool.sharing(pool.wide(pool.refs[c]))
        refs = [pool.refs[i] for i in sorted(claims)] + [o for i, o in sorted(pool.refs.items()) if own_side(o)]
        found = {(c.claim_id, c.counter_id): c for c in find_contradictions(refs, pol, pool.near(refs))
                 if c.claim_id in claims}
        stored: dict[tuple[int, int], int] = {}
        ids = sorted(claims)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            stored.update({(a, b): n for n, a, b in conn.execute(
                f"SELECT id, claim_id, counter_id FROM contradictions WHERE claim_id IN ({','.join('?' * len(part))})",
                part)})
        gone = [(n,) for p, n in sorted(stored.items()) if p not in found]
        conn.executemany("DELETE FROM contradictions WHERE id = ?", gone)
        made = [c for p, c in sorted(found.items()) if p not in stored]
        written += _write(conn, group, made)
        if gone or made:
            touched.add(group)
        _add_changes(conn, group, new, pool, pol)
    return written, touched


def _order(s: StanceRef) -> tuple[Any, int]:
    """Where a stance sorts among its holder's own words (``position_changes``' order)."""
    return (period(s.date) or (date.max, date.max), s.id)


def _add_changes(conn: sqlite3.Connection, group: str, new: list[StanceRef], pool: _Pool,
                 pol: dict[str, float]) -> None:
    """Bring the group's changes of position up to date for its new stances: each own-words stance's change is
    the first later own words going the other way on a shared key, so a new stance becomes the change of an
    earlier stance sharing a key with it when it sorts before that stance's stored one, and its own is the first
    of the stances sharing a key with it (both read by key, never the holder's whole record)."""
    floor = stance_cut()
    for s in sorted(new, key=lambda x: x.id):
        cand = [pool.refs[i] for i in sorted(pool.sharing(pool.wide(s)) | {s.id}) if own_side(pool.refs[i])]
        links = pool.near(cand)
        rows: list[PositionChange] = []
        for b in sorted((b for b in cand if _order(b) > _order(s)), key=_order):
            rows = position_changes([s, b], pol, links, min_stance_confidence=floor)
            if rows:
                break
        for a in (a for a in cand if _order(a) < _order(s)):
            pair = position_changes([a, s], pol, links, min_stance_confidence=floor)
            if not pair:
                continue
            old = conn.execute("SELECT p.id, s.date, s.id FROM position_changes p JOIN stances s ON s.id = p.after_id "
                               "WHERE p.before_id = ?", (a.id,)).fetchone()
            if old is None or (period(old[1]) or (date.max, date.max), old[2]) > _order(s):
                if old is not None:
                    conn.execute("DELETE FROM position_changes WHERE id = ?", (old[0],))
                rows += pair
        conn.execute("DELETE FROM position_changes WHERE before_id = ?", (s.id,))
        conn.executemany("INSERT INTO position_changes(holder, holder_entity_id, before_id, after_id, shared_keys, "
                         "group_key) VALUES (?,?,?,?,?,?)", [(c.holder, c.holder_entity_id, c.before_id, c.after_id,
                                                             json.dumps(c.shared_keys), group) for c in rows])


def redo_group(conn: sqlite3.Connection, group: str, pol: dict[str, float]) -> int:
    """Recompute the contradictions among one holder group's stances."""
    rows = conn.execute(
        f"SELECT s.*, {CONFIDENCE} FROM stances s JOIN articles a ON a.id = s.article_id WHERE "
        f"s.holder_key = ? AND {LINKED} ORDER BY s.date IS NULL, s.date, a.date, s.article_id, s.start",
        (group,)).fetchall()
    refs = [_ref(r) for r in rows]
    found = find_contradictions(refs, pol, _Links(conn).of({k for s in refs for k in base_keys(s.target_keys)}))
    conn.execute("DELETE FROM contradictions WHERE group_key = ?", (group,))
    return _write(conn, group, found)


PAIR_COLUMNS = ("id", "claim_id", "counter_id", "subject", "subject_entity_id", "kind", "group_key")
GROUP_COLUMNS = ("kind", "group_key", "subject", "subject_key", "subject_entity_id", "first", "claims", "counters",
                 "n_claims", "n_counters", "pairs")


def claim_groups(pairs: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The ``claim_groups`` rows of one holder key's pairs (PAIR_COLUMNS, in the list's order: subject, id): for
    every pair (kind '') and for each kind alone, the claims grouped by subject and set of counters, as the
    contradictions list has always grouped them."""
    by_kind: dict[str, dict[int, dict[str, Any]]] = {}
    for p in pairs:
        for kind in ("", p["kind"]):
            claim = by_kind.setdefault(kind, {}).setdefault(p["claim_id"], {
                "subject": p["subject"], "subj": p["subject_entity_id"] or p["subject"], "first": p["id"],
                "entity": p["subject_entity_id"], "key": p["group_key"], "counters": {}, "pairs": 0})
            claim["subject"] = min(claim["subject"], p["subject"])
            claim["subj"] = min(claim["subj"], p["subject_entity_id"] or p["subject"])
            claim["first"] = min(claim["first"], p["id"])
            claim["counters"].setdefault(p["counter_id"], None)
            claim["pairs"] += 1
    rows = []
    for kind, claims in sorted(by_kind.items()):
        groups: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}
        for cid, c in claims.items():
            g = groups.setdefault((c["subj"], tuple(sorted(c["counters"]))), {
                "subject": c["subject"], "first": c["first"], "entity": c["entity"], "key": c["key"], "claims": [],
                "counters": list(c["counters"]), "pairs": 0})
            g["subject"] = min(g["subject"], c["subject"])
            g["first"] = min(g["first"], c["first"])
            g["claims"].append(cid)
            g["pairs"] += c["pairs"]
        rows += [(kind, g["key"], g["subject"], subj, g["entity"], g["first"], json.dumps(g["claims"]),
                  json.dumps(g["counters"]), len(g["claims"]), len(g["counters"]), g["pairs"])
                 for (subj, _), g in groups.items()]
    return rows


def _totals(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[int]]:
    """kind -> [groups, claims, counters, pairs] of one holder key's group rows (a counter stance belongs to one
    holder key, so these add up across holder keys)."""
    out: dict[str, list[int]] = {}
    counters: dict[str, set[int]] = {}
    for kind, claims, found, pairs in rows:
        t = out.setdefault(kind, [0, 0, 0, 0])
        t[0] += 1
        t[1] += len(json.loads(claims))
        t[3] += pairs
        counters.setdefault(kind, set()).update(json.loads(found))
    for kind, ids in counters.items():
        out[kind][2] = len(ids)
    return out


def regroup_claims(conn: sqlite3.Connection, keys: Iterable[str | None]) -> None:
    """Recompute the kept claim groups of these holder keys from their pairs, and move the totals by the
    difference (call inside a transaction, after the pairs are written)."""
    delta: dict[str, list[int]] = {}
    for key in sorted(set(keys), key=str):
        old = conn.execute("SELECT kind, claims, counters, pairs FROM claim_groups WHERE group_key IS ?",
                           (key,)).fetchall()
        conn.execute("DELETE FROM claim_groups WHERE group_key IS ?", (key,))
        new = claim_groups(dict(zip(PAIR_COLUMNS, r)) for r in conn.execute(
            f"SELECT {', '.join(PAIR_COLUMNS)} FROM contradictions WHERE group_key IS ? ORDER BY subject, id", (key,)))
        conn.executemany(f"INSERT INTO claim_groups({', '.join(GROUP_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(GROUP_COLUMNS))})", new)
        for sign, totals in ((-1, _totals(tuple(r) for r in old)), (1, _totals((r[0], r[6], r[7], r[10])
                                                                               for r in new))):
            for kind, t in totals.items():
                d = delta.setdefault(kind, [0, 0, 0, 0])
                for i, v in enumerate(t):
                    d[i] += sign * v
    conn.executemany("INSERT INTO contradiction_totals(kind, groups, claims, counters, pairs) VALUES (?,?,?,?,?) "
                     "ON CONFLICT(kind) DO UPDATE SET groups = groups + excluded.groups, claims = claims + "
                     "excluded.claims, counters = counters + excluded.counters, pairs = pairs + excluded.pairs",
                     [(k, *d) for k, d in sorted(delta.items()) if any(d)])
    conn.execute("DELETE FROM contradiction_totals WHERE pairs <= 0")


def build_claim_groups(conn: sqlite3.Connection) -> None:
    """Keep the claim groups of every stored pair (a store migrated to schema 8, where ``link_state`` says
    'claim_groups'); call inside a transaction."""
    conn.execute("DELETE FROM claim_groups")
    conn.execute("DELETE FROM contradiction_totals")
    regroup_claims(conn, [r[0] for r in conn.execute("SELECT DISTINCT group_key FROM contradictions")])
    conn.execute("DELETE FROM link_state WHERE name = 'claim_groups'")
