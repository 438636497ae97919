"""The entity step of a link batch, over the store: the batch's clusters, role mentions and quote speakers
become node contributions, the nodes they can meet are fetched by indexed lookups (``closure``), those nodes are
relinked with ``group_nodes`` exactly as a relink of the whole store would link them, and only the rows whose
entity changed are rewritten.

Every reference to an entity goes through a node: ``article_entities.node``, ``role_mentions.node`` and the quote
speaker's ``speaker_node``/``behalf_node`` ("type|key" when the article's own cluster names the speaker,
"=key" when the name is looked up among all entities' aliases, the entity only when it is the only one with that
alias). Stances keep the same references (``holder_node``, ``target_node``, ``behalf_node``), resolved the same way.
"""
from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from onrecord.analyse.entities.roles import KB, name_key, resolve_role_at
from onrecord.link.entities import (
    Linking,
    Node,
    core_key,
    facets,
    given_forms,
    group_nodes,
    known_person,
    node_text,
    person_words,
    similar_names,
    text_node,
)
from onrecord.link.entity_counts import KEPT, batch_entities, keep_counts
from onrecord.models import Correction

LOOKUP = "="  # a speaker_node resolved by looking the name up among the aliases


@dataclass
class EntityChanges:
    """What the entity step changed that later steps depend on."""

    quotes: dict[int, str | None] = field(default_factory=dict)  # quote id -> speaker entity id before
    behalf_quotes: set[int] = field(default_factory=set)  # quotes whose principal's entity changed
    refs: set[str] = field(default_factory=set)  # node and lookup references whose entity changed
    entities: int = 0  # entities relinked
    renamed: set[str] = field(default_factory=set)  # entities whose name changed (or that are new)


def batch_table(conn: sqlite3.Connection, article_ids: Iterable[str]) -> None:
    """Fill the temp table ``_link_batch`` with the articles of this batch."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _link_batch(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM _link_batch")
    conn.executemany("INSERT OR IGNORE INTO _link_batch(id) VALUES (?)", [(a,) for a in article_ids])


class LocalIndex:
    """Each batch article's clusters by name key and its mention spans, to resolve quote speakers in context."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.texts: dict[str, str] = {}
        self.names: dict[str, dict[str, int]] = defaultdict(dict)
        self.types: dict[tuple[str, int], str] = {}
        self.nodes: dict[tuple[str, int], Node] = {}
        for r in conn.execute("SELECT article_id, n, name, type FROM article_entities WHERE article_id IN "
                              "(SELECT id FROM _link_batch)"):
            self.names[r[0]][name_key(r[2])] = r[1]
            self.types[(r[0], r[1])] = r[3]
            self.nodes[(r[0], r[1])] = (r[3], name_key(r[2]))
        self.spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for r in conn.execute('SELECT article_id, start, "end", n FROM entity_mentions WHERE article_id IN '
                              "(SELECT id FROM _link_batch)"):
            self.spans[r[0]].append((r[1], r[2], r[3]))

    def find(self, aid: str, name: str | None, start: int | None, end: int | None, typ: str = "") -> int | None:
        """The article's cluster for a speaker: same name, else a mention heading the speaker's span (``heads``)
        or holding it, else the article's only person with that surname."""
        if not name:
            return None
        key = name_key(name)
        here = self.names.get(aid, {})
        if key in here:
            return here[key]
        if start is not None and end is not None:  # the longest mention heading or around, a person's for a person
            inside = sorted((s - e, s, n) for s, e, n in self.spans.get(aid, ())
                            if (start <= s and e <= end and self.heads(aid, start, end, s, e)
                                or s <= start and end <= e) and _compatible(typ, self.types[(aid, n)]))
            if inside:
                return inside[0][2]
        last = key.split()[-1:]
        hits = {n for k, n in here.items() if k.split()[-1:] == last and self.types[(aid, n)] == "person"}
        return hits.pop() if len(hits) == 1 and len(key.split()) <= 2 else None

    def heads(self, aid: str, start: int, end: int, s: int, e: int) -> bool:
        """Whether the mention at s..e heads the span start..end: it ends the span (give or take a possessive), as
        an English noun phrase ends with its head ("President Trump", "the Pentagon"), and no preposition before it
        makes it a modifier ("forces in Syria"). A name that only describes the span ("one Trump campaign source",
        "Trump's inner circle", "Labour backbenchers", "the UK's enemies") is not what the span names."""
        if e < end - 2:
            return False
        if aid not in self.texts:  # read once per article, only when a span holds a mention
            row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (aid,)).fetchone()
            self.texts[aid] = row[0] if row else ""
        return not PREPOSITIONS & set(self.texts[aid][start:s].lower().split())

    def node(self, aid: str, name: str | None, start: int | None = None, end: int | None = None,
             typ: str = "") -> str | None:
        """How a speaker (or a stance's holder or target) resolves: the node of the article's cluster, else a
        lookup of the name's key; a spokesperson is not the one they speak for, so resolves to none."""
        if typ == "spokesperson":
            return None
        n = self.find(aid, name, start, end, typ)
        if n is not None:
            return node_text(self.nodes[(aid, n)])
        key = name_key(name) if name else ""
        return LOOKUP + key if key else None


PREPOSITIONS = frozenset("of in for from at on with against by to about over under near among between behind "
                         "inside outside within without toward towards".split())


def _compatible(speaker_type: str, entity_type: str) -> bool:
    """A person speaker needs a person mention; a group or organisation speaker ("supporters of Jeremy Corbyn")
    never takes the person named inside its description."""
    if speaker_type == "person":
        return entity_type == "person"
    if speaker_type in ("group", "organisation"):
        return entity_type != "person"
    return True


def creatable(name: str, typ: str) -> bool:
    """A quote speaker the article's entities do not cover becomes an entity of its own if it reads as a
    name: any organisation or group, a person only when every word is capitalised ("Labour shadow cabinet
    member" is a description, not a person)."""
    return typ != "person" or (len(name.split()) >= 2 and all(w[:1].isupper() for w in name.split()))


def link_entities_batch(conn: sqlite3.Connection, kb: KB, corrections: list[Correction],
                        metonyms: list[tuple[str, str, str]]) -> EntityChanges:
    """Link the batch in ``_link_batch`` (call inside a transaction, after ``batch_table``)."""
    local = LocalIndex(conn)
    holders = _role_holders(conn, local, kb)
    touched = _contribute(conn, local, holders)
    corr = _correction_keys(corrections)
    nodes, old_ids, linking = _relink(conn, touched, corr, corrections, kb, metonyms)
    changes = EntityChanges(entities=len(linking.entities))
    keys = {k for _, k in nodes}
    old_aliases = conn.execute(f"SELECT alias, key FROM entity_aliases WHERE entity_id IN ({_marks(old_ids)})",
                               sorted(old_ids)).fetchall()
    keys |= {r[1] for r in old_aliases}
    keys |= {name_key(a) for e in linking.entities for a, _ in e.aliases}
    before_lookup = {k: lookup(conn, k) for k in keys}
    old_node_ids = {n: _entity_of(conn, n) for n in nodes}
    old_names = dict(conn.execute(f"SELECT id, name FROM entities WHERE id IN ({_marks(old_ids)})", sorted(old_ids)))
    _write_entities(conn, old_ids, linking, nodes)
    keep_surname_weights(conn, {e for n in nodes if old_node_ids.get(n) != linking.node_ids.get(n)  # nodes moved
                                for e in (old_node_ids.get(n), linking.node_ids.get(n)) if e})
    changes.renamed = {e.id for e in linking.entities if old_names.get(e.id) != e.name}
    changed_nodes = {node_text(n): linking.node_ids.get(n) for n in nodes
                     if old_node_ids.get(n) != linking.node_ids.get(n)}
    changed_keys = {LOOKUP + k: new for k in keys if (new := lookup(conn, k)) != before_lookup[k]}
    moved = {old_node_ids.get(n) for n in nodes if node_text(n) in changed_nodes} | set(changed_nodes.values())
    moved |= {before_lookup[k[len(LOOKUP):]] for k in changed_keys} | set(changed_keys.values())
    changes.refs = set(changed_nodes) | set(changed_keys)
    for ref, eid in [*changed_nodes.items(), *changed_keys.items()]:
        if not ref.startswith(LOOKUP):
            conn.execute("UPDATE article_entities SET entity_id = ? WHERE node = ?", (eid, ref))
            conn.execute("UPDATE role_mentions SET entity_id = ? WHERE node = ?", (eid, ref))
            conn.execute("UPDATE entity_role_assertions SET entity_id = ? WHERE node = ?", (eid, ref))
        for qid, old in conn.execute("SELECT id, speaker_entity_id FROM quotes WHERE speaker_node = ? AND "
                                     "speaker_type != 'spokesperson'", (ref,)).fetchall():
            changes.quotes.setdefault(qid, old)
        conn.execute("UPDATE quotes SET speaker_entity_id = ? WHERE speaker_node = ? AND speaker_type != "
                     "'spokesperson'", (eid, ref))
        changes.behalf_quotes.update(r[0] for r in conn.execute("SELECT id FROM quotes WHERE behalf_node = ?", (ref,)))
        conn.execute("UPDATE quotes SET on_behalf_of_entity_id = ? WHERE behalf_node = ?", (eid, ref))
    _write_batch_refs(conn, local, holders)
    mentioned = write_stats(conn, local, holders)
    keep_counts(conn, {e for e in moved if e}, {e.id for e in linking.entities} | _entities_of(conn, local, holders)
                | batch_entities(conn), mentioned)
    return changes


def _contribute(conn: sqlite3.Connection, local: LocalIndex, holders: dict[tuple[str, int], str | None]
                ) -> set[Node]:
    """Add the batch's surface forms to ``link_surfaces`` and its nodes to ``link_nodes``; the nodes touched."""
    clusters: Counter[tuple[Node, str]] = Counter()
    for name, typ, weight in conn.execute(
            "SELECT e.name, e.type, (SELECT count(*) FROM entity_mentions m WHERE "
            "m.article_id = e.article_id AND m.n = e.n) FROM article_entities e WHERE e.article_id IN "
            "(SELECT id FROM _link_batch)"):
        clusters[((typ, name_key(name)), name)] += weight
    roles = {(("person", name_key(h)), h) for h in holders.values() if h}
    speakers = set()
    for aid, speaker, typ, start, end in conn.execute(
            "SELECT article_id, speaker, speaker_type, speaker_start, speaker_end FROM quotes WHERE article_id IN "
            "(SELECT id FROM _link_batch)"):
        if (speaker and typ in ("person", "organisation", "group") and local.find(aid, speaker, start, end, typ)
                is None and creatable(speaker, typ) and name_key(speaker)):
            speakers.add(((typ, name_key(speaker)), speaker))
    conn.executemany("INSERT INTO link_surfaces(node, kind, surface, weight) VALUES (?, 'c', ?, ?) "
                     "ON CONFLICT(node, kind, surface) DO UPDATE SET weight = weight + excluded.weight",
                     [(node_text(n), s, w) for (n, s), w in clusters.items()])
    conn.executemany("INSERT OR IGNORE INTO link_surfaces(node, kind, surface, weight) VALUES (?, 'r', ?, 0)",
                     [(node_text(n), s) for n, s in roles])
    conn.executemany("INSERT OR IGNORE INTO link_surfaces(node, kind, surface, weight) VALUES (?, 's', ?, 1)",
                     [(node_text(n), s) for n, s in speakers])
    touched = {n for n, _ in clusters} | {n for n, _ in roles} | {n for n, _ in speakers}
    keep_surname_weights(conn, {e for n in touched if n[0] == "person" and " " in n[1] and (e := _entity_of(conn, n))})
    for n in sorted(touched):
        if conn.execute("INSERT OR IGNORE INTO link_nodes(node, type, key, core, surname, bucket, bare) "
                        "VALUES (?,?,?,?,?,?,?)", (node_text(n), n[0], n[1], *_facet_row(n))).rowcount:
            _add_variants(conn, n)
    return touched


def _add_variants(conn: sqlite3.Connection, n: Node) -> None:
    """Store a new node's spelling variants (``similar_names``, among people of its word count and initials):
    they are compared once, when the name is first seen."""
    f = facets(n)
    if not f.bucket:
        return
    core, ref = core_key(n[1]), node_text(n)
    pairs = [(ref, r[0]) for r in conn.execute("SELECT node, core FROM link_nodes WHERE bucket = ? AND node != ?",
                                               (f.bucket, ref)) if similar_names(core, r[1])]
    conn.executemany("INSERT OR IGNORE INTO link_variants(a, b) VALUES (?, ?)", pairs + [(b, a) for a, b in pairs])


def _facet_row(n: Node) -> tuple[str, str | None, str | None, str | None]:
    f = facets(n)
    return f.core, f.surname, f.bucket, f.bare


def _role_holders(conn: sqlite3.Connection, local: LocalIndex, kb: KB) -> dict[tuple[str, int], str | None]:
    """Each batch role mention's holder at its article's date (preferring people the article names)."""
    people: dict[str, set[str]] = defaultdict(set)
    for (aid, _n), (typ, key) in local.nodes.items():
        if typ == "person":
            people[aid].add(key)
    return {(r[0], r[1]): resolve_role_at(r[2], r[3], people.get(r[0], set()), bool(r[4]), kb) for r in
            conn.execute("SELECT m.article_id, m.n, m.role, a.date, m.former FROM role_mentions m JOIN articles a "
                         "ON a.id = m.article_id WHERE m.article_id IN (SELECT id FROM _link_batch)")}


def _correction_keys(corrections: list[Correction]) -> dict[str, set[str]]:
    """Name key -> the other keys a correction ties it to."""
    out: dict[str, set[str]] = defaultdict(set)
    for c in corrections:
        a, b = name_key(c.name), name_key(c.other)
        out[a].add(b)
        out[b].add(a)
    return out


def _marks(items: Iterable[object]) -> str:
    return ",".join("?" * len(list(items)))


def closure(conn: sqlite3.Connection, seeds: set[Node], corr: dict[str, set[str]],
            start: set[Node] | None = None) -> set[Node]:
    """The nodes whose linking can depend on the seeds: every node sharing a key with a node reached (same
    name key; same type and core; a stored spelling variant; a person's lone surname and the people of that surname
    and given name, for middle-name variants; for a lone surname, the SURNAME_TOP people written most with it, which
    decide where it goes; a nationality-prefixed organisation and the bare one; a correction's names), and the rest
    of their entities. Nothing here grows with the store: a common surname ("Johnson") brings its few most written
    people, not all of them."""
    seen: set[Node] = set(start or ())
    frontier = set(seeds) - seen
    singles: set[str] = set()
    while frontier:
        seen |= frontier
        singles_now = {n[1] for n in seen if n[0] == "person" and len(n[1].split()) == 1} - singles
        singles |= singles_now
        frontier = {text_node(t) for t in _neighbours(conn, frontier, corr)}
        for k in sorted(singles_now):
            frontier |= _most_written(conn, k)
        frontier -= seen
    return seen


# each entity's weight of full names, under each surname its people carry (bar a lone one); CROSS JOIN keeps
# SQLite reading the entities' own nodes, not every person by type
SURNAME_WEIGHTS = (
    "INSERT INTO _weights(entity_id, surname, weight) SELECT DISTINCT w.entity_id, k.surname, w.weight "
    "FROM (SELECT n.entity_id, sum(s.weight) AS weight FROM link_nodes n JOIN link_surfaces s ON s.node = n.node "
    "WHERE n.entity_id IN (SELECT id FROM _weighed) AND n.type = 'person' AND instr(n.key, ' ') > 0 "
    "GROUP BY n.entity_id) w CROSS JOIN link_nodes k ON k.entity_id = w.entity_id WHERE k.type = 'person' AND "
    "k.surname IS NOT NULL AND k.key != k.surname")


def keep_surname_weights(conn: sqlite3.Connection, entity_ids: set[str]) -> None:
    """Count again the full-name weight of these entities (those whose nodes or surfaces changed) in
    ``link_surname_weights``, which ranks the people a lone surname may join; each costs its own nodes' rows."""
    if not entity_ids:
        return
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _weighed(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM _weighed")
    conn.executemany("INSERT OR IGNORE INTO _weighed(id) VALUES (?)", [(e,) for e in sorted(entity_ids)])
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _weights(entity_id TEXT, surname TEXT, weight INTEGER, "
                 "PRIMARY KEY (entity_id, surname))")
    conn.execute("DELETE FROM _weights")
    conn.execute(SURNAME_WEIGHTS)
    # written only where they differ: a row rewritten moves its entry in the (surname, weight) index
    conn.execute("DELETE FROM link_surname_weights WHERE entity_id IN (SELECT id FROM _weighed) AND NOT EXISTS "
                 "(SELECT 1 FROM _weights w WHERE w.entity_id = link_surname_weights.entity_id AND w.surname = "
                 "link_surname_weights.surname)")
    conn.execute("INSERT INTO link_surname_weights(entity_id, surname, weight) SELECT entity_id, surname, weight FROM "
                 "_weights WHERE true ON CONFLICT(entity_id, surname) DO UPDATE SET weight = excluded.weight WHERE "
                 "weight != excluded.weight")


SURNAME_TOP = 3  # the people a lone surname is weighed among: the dominant one and its runners-up


def _most_written(conn: sqlite3.Connection, surname: str) -> set[Node]:
    """The nodes (with that surname) of the SURNAME_TOP entities of people written most with this surname, by the
    weight of their full names: the lone surname joins the first when it outweighs the second DOMINANCE times, so
    only these can decide (the weights are read from ``link_surname_weights``, the first rows of one index range,
    however many people share the surname)."""
    top = [r[0] for r in conn.execute("SELECT entity_id FROM link_surname_weights WHERE surname = ? ORDER BY "
                                      "weight DESC, entity_id LIMIT ?", (surname, SURNAME_TOP))]
    out = {text_node(r[0]) for r in conn.execute(  # by entity (+ keeps SQLite off other indexes)
        f"SELECT node FROM link_nodes WHERE entity_id IN ({_marks(top)}) AND +surname = ? AND +type = 'person'",
        (*top, surname))} if top else set()
    out |= {text_node(r[0]) for r in conn.execute(  # this batch's new people of the surname, not yet linked
        "SELECT node FROM link_nodes WHERE surname = ? AND type = 'person' AND entity_id IS NULL", (surname,))}
    return out


def _neighbours(conn: sqlite3.Connection, frontier: set[Node], corr: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    keys = {k for _, k in frontier}
    keys |= {o for k in keys for o in corr.get(k, ())}
    for k in keys:
        found.update(r[0] for r in conn.execute("SELECT node FROM link_nodes WHERE key = ?", (k,)))
    for n in frontier:
        f, ref = facets(n), node_text(n)
        found.update(r[0] for r in conn.execute("SELECT node FROM link_nodes WHERE type = ? AND core = ?",
                                                 (n[0], f.core)))
        found.update(r[0] for r in conn.execute("SELECT b FROM link_variants WHERE a = ?", (ref,)))
        if f.surname and len(n[1].split()) > 1:  # its lone surname, and the people of its surname and given name
            found.add(node_text(("person", f.surname)))
            for form in given_forms(person_words(n[1])[0]):  # "bill" -> william, bill, billy, will, willie
                found.update(r[0] for r in conn.execute(
                    "SELECT node FROM link_nodes WHERE surname = ? AND type = 'person' AND key >= ? AND key < ?",
                    (f.surname, form + " ", form + "!")))
        known = known_person(n[1]) if n[0] == "person" and len(n[1].split()) > 1 else None
        for core in known[1] if known else ():  # the knowledge file's other names of the person
            found.update(r[0] for r in conn.execute("SELECT node FROM link_nodes WHERE type = 'person' AND core = ?",
                                                     (core,)))
        if f.bare:
            found.update(r[0] for r in conn.execute("SELECT node FROM link_nodes WHERE key = ? AND type IN "
                                                     "('organisation', 'group')", (f.bare,)))
        if n[0] in ("organisation", "group"):
            found.update(r[0] for r in conn.execute("SELECT node FROM link_nodes WHERE bare = ?", (n[1],)))
        found.update(r[0] for r in conn.execute(
            "SELECT m.node FROM link_nodes n JOIN link_nodes m ON m.entity_id = n.entity_id WHERE n.node = ?", (ref,)))
    return found


def _surfaces(conn: sqlite3.Connection, nodes: set[Node]) -> dict[Node, Counter[str]]:
    """The surface forms of the nodes that link: clusters' and role holders' forms, and a quote speaker's form
    only while no cluster or role holder has its key."""
    rows: dict[Node, list[tuple[str, str, int]]] = defaultdict(list)
    for n in nodes:
        rows[n] = conn.execute("SELECT kind, surface, weight FROM link_surfaces WHERE node = ?",
                               (node_text(n),)).fetchall()
    known = {n[1] for n, rs in rows.items() if any(k != "s" for k, _, _ in rs)}
    out: dict[Node, Counter[str]] = {}
    for n, rs in rows.items():
        use = [(s, w) for k, s, w in rs if k != "s" or n[1] not in known]
        if use:
            out[n] = Counter()
            for s, w in use:
                out[n][s] += w
    return out


def _entity_of(conn: sqlite3.Connection, n: Node) -> str | None:
    row = conn.execute("SELECT entity_id FROM link_nodes WHERE node = ?", (node_text(n),)).fetchone()
    return row[0] if row else None


def _relink(conn: sqlite3.Connection, touched: set[Node], corr: dict[str, set[str]], corrections: list[Correction],
            kb: KB, metonyms: list[tuple[str, str, str]]) -> tuple[set[Node], set[str], Linking]:
    """Relink the nodes the batch can affect; grows the set while a new entity id meets an entity outside it."""
    nodes = closure(conn, touched, corr)
    while True:
        old_ids = {e for n in nodes if (e := _entity_of(conn, n))}
        linking = group_nodes(_surfaces(conn, nodes), corrections, kb, metonyms)
        others: set[Node] = set()
        for base in {e.base for e in linking.entities}:
            for (eid,) in conn.execute("SELECT id FROM entities WHERE base_id = ?", (base,)):
                if eid not in old_ids:
                    others.update(text_node(r[0]) for r in conn.execute(
                        "SELECT node FROM link_nodes WHERE entity_id = ?", (eid,)))
        if not others - nodes:
            return nodes, old_ids, linking
        nodes = closure(conn, others - nodes, corr, nodes)


def _write_entities(conn: sqlite3.Connection, old_ids: set[str], linking: Linking, nodes: set[Node]) -> None:
    """Rewrite the relinked entities and their aliases that changed (their counts carried over under the same id
    until ``keep_counts`` writes them): an entity row carries nine indexes, and most relinked entities come
    out as they were."""
    marks = _marks(old_ids)
    rows = {r[0]: tuple(r[1:]) for r in conn.execute(
        f"SELECT id, name, type, base_id, first_node, {', '.join(KEPT)} FROM entities WHERE id IN ({marks})",
        sorted(old_ids))}
    aliases: dict[str, set[tuple[str, str, str, str | None]]] = defaultdict(set)
    for eid, *alias in conn.execute(f"SELECT entity_id, alias, kind, key, why FROM entity_aliases WHERE entity_id "
                                    f"IN ({marks})", sorted(old_ids)):
        aliases[eid].add(tuple(alias))
    new = {e.id: e for e in linking.entities}
    made = {e.id: {(a, k, name_key(a), e.why.get(a)) for a, k in e.aliases} for e in linking.entities}
    changed = [e for e in linking.entities if rows.get(e.id, (None,) * 4)[:4] != (e.name, e.type, e.base, e.first)
               or aliases.get(e.id, set()) != made[e.id]]
    gone = sorted((old_ids - set(new)) | {e.id for e in changed if e.id in rows})
    conn.execute(f"DELETE FROM entity_aliases WHERE entity_id IN ({_marks(gone)})", gone)
    conn.execute(f"DELETE FROM entities WHERE id IN ({_marks(gone)})", gone)
    zero = (0,) * len(KEPT)
    conn.executemany(f"INSERT INTO entities(id, name, type, base_id, first_node, {', '.join(KEPT)}) VALUES "
                     f"(?,?,?,?,?{',?' * len(KEPT)})",
                     [(e.id, e.name, e.type, e.base, e.first, *rows.get(e.id, (None,) * 4 + zero)[4:])
                      for e in changed])
    conn.executemany("INSERT OR IGNORE INTO entity_aliases(entity_id, alias, kind, key, why) VALUES (?,?,?,?,?)",
                     [(e.id, a, k, name_key(a), e.why.get(a)) for e in changed for a, k in e.aliases])
    conn.executemany("UPDATE link_nodes SET entity_id = ? WHERE node = ? AND entity_id IS NOT ?",
                     [(linking.node_ids.get(n), node_text(n), linking.node_ids.get(n)) for n in nodes])


def lookup(conn: sqlite3.Connection, key: str) -> str | None:
    """The entity a name key looks up to: the only entity with that alias key; none when two have it (a name
    the article does not resolve is never guessed between people)."""
    if not key:
        return None
    rows = conn.execute("SELECT DISTINCT entity_id FROM entity_aliases WHERE key = ? LIMIT 2", (key,)).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def resolve(conn: sqlite3.Connection, ref: str | None) -> str | None:
    """The entity a node or lookup reference points to now."""
    if ref is None:
        return None
    if ref.startswith(LOOKUP):
        return lookup(conn, ref[len(LOOKUP):])
    row = conn.execute("SELECT entity_id FROM link_nodes WHERE node = ?", (ref,)).fetchone()
    return row[0] if row else None


def _write_batch_refs(conn: sqlite3.Connection, local: LocalIndex, holders: dict[tuple[str, int], str | None]
                      ) -> None:
    """Point the batch's clusters, role mentions and quotes at their nodes and entities."""
    conn.executemany("UPDATE article_entities SET node = ?, entity_id = ? WHERE article_id = ? AND n = ?",
                     [(node_text(n), resolve(conn, node_text(n)), a, i) for (a, i), n in local.nodes.items()])
    roles = []
    for (aid, n), holder in holders.items():
        ref = node_text(("person", name_key(holder))) if holder else None
        roles.append((ref, resolve(conn, ref), aid, n))
    conn.executemany("UPDATE role_mentions SET node = ?, entity_id = ?, date = (SELECT date FROM articles WHERE "
                     "id = role_mentions.article_id) WHERE article_id = ? AND n = ?", roles)
    conn.execute("UPDATE entity_role_assertions SET node = (SELECT e.node FROM article_entities e WHERE e.article_id = "
                 "entity_role_assertions.article_id AND e.n = entity_role_assertions.n), entity_id = (SELECT "
                 "e.entity_id FROM article_entities e WHERE e.article_id = entity_role_assertions.article_id AND "
                 "e.n = entity_role_assertions.n), date = (SELECT date FROM articles a WHERE a.id = "
                 "entity_role_assertions.article_id) WHERE article_id IN (SELECT id FROM _link_batch)")
    rows = []
    for qid, aid, speaker, typ, behalf, start, end in conn.execute(
            "SELECT id, article_id, speaker, speaker_type, on_behalf_of, speaker_start, speaker_end FROM quotes "
            "WHERE article_id IN (SELECT id FROM _link_batch)").fetchall():
        ref = local.node(aid, speaker, start, end, typ)
        bref = local.node(aid, behalf)
        rows.append((ref, bref, resolve(conn, ref), resolve(conn, bref), qid))
    conn.executemany("UPDATE quotes SET speaker_node = ?, behalf_node = ?, speaker_entity_id = ?, "
                     "on_behalf_of_entity_id = ? WHERE id = ?", rows)


def write_stats(conn: sqlite3.Connection, local: LocalIndex, holders: dict[tuple[str, int], str | None]
                ) -> set[tuple[str, int]]:
    """Add the batch's counts behind the entity page, per node: mentions by outlet, how the name is written,
    descriptors by outlet, and which quotes mention the node (returned too, as (node, quote id) pairs)."""
    outlets: Counter[tuple[str, str]] = Counter()
    for aid, n, outlet, count in conn.execute(
            "SELECT m.article_id, m.n, coalesce(a.outlet, ''), count(*) FROM entity_mentions m JOIN articles a ON "
            "a.id = m.article_id WHERE m.article_id IN (SELECT id FROM _link_batch) GROUP BY 1, 2"):
        if (aid, n) in local.nodes:
            outlets[(node_text(local.nodes[(aid, n)]), outlet)] += count
    outlet_of = {r[0]: r[1] for r in conn.execute("SELECT id, coalesce(outlet, '') FROM articles WHERE id IN "
                                                   "(SELECT id FROM _link_batch)")}
    for (aid, _n), holder in holders.items():
        if holder:
            outlets[(node_text(("person", name_key(holder))), outlet_of.get(aid, ""))] += 1
    conn.executemany("INSERT INTO node_outlets(node, outlet, mentions) VALUES (?,?,?) ON CONFLICT(node, outlet) "
                     "DO UPDATE SET mentions = mentions + excluded.mentions",
                     [(node, o, c) for (node, o), c in outlets.items()])
    written: Counter[tuple[str, str, str]] = Counter()
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for aid, n, text, kind, start, end in conn.execute(
            'SELECT article_id, n, text, kind, start, "end" FROM entity_mentions WHERE article_id IN '
            "(SELECT id FROM _link_batch) AND kind != 'pronoun'"):
        if (aid, n) in local.nodes:
            node = node_text(local.nodes[(aid, n)])
            written[(node, text, kind)] += 1
            spans[aid].append((start, end, node))
    conn.executemany("INSERT INTO node_written(node, text, kind, count) VALUES (?,?,?,?) ON CONFLICT(node, text, "
                     "kind) DO UPDATE SET count = count + excluded.count",
                     [(node, t, k, c) for (node, t, k), c in written.items()])
    mentioned = set()
    for qid, aid, start, end in conn.execute('SELECT id, article_id, start, "end" FROM quotes WHERE article_id IN '
                                             "(SELECT id FROM _link_batch)"):
        mentioned |= {(node, qid) for s, e, node in spans.get(aid, ()) if s >= start and e <= end}
    conn.executemany("INSERT OR IGNORE INTO quote_mentions(node, quote_id) VALUES (?, ?)", sorted(mentioned))
    described: dict[tuple[str, str, str], list] = {}
    for aid, n, text, key, kind, loaded, outlet in conn.execute(
            "SELECT d.article_id, d.n, d.text, d.key, d.kind, d.loaded, coalesce(a.outlet, '') FROM "
            "entity_descriptors d JOIN articles a ON a.id = d.article_id WHERE d.article_id IN "
            "(SELECT id FROM _link_batch)"):
        if (aid, n) not in local.nodes:
            continue
        k = (node_text(local.nodes[(aid, n)]), key, outlet)
        row = described.get(k) or conn.execute("SELECT text, count, loaded, kinds FROM node_descriptors WHERE node = ? "
                                               "AND key = ? AND outlet = ?", k).fetchone()
        text0, count0, loaded0, kinds0 = row if row else (text, 0, 0, "")
        kinds = sorted(set(filter(None, kinds0.split(","))) | {kind})
        described[k] = [min(text0, text), count0 + 1, max(loaded0, loaded), ",".join(kinds)]
    conn.executemany("INSERT OR REPLACE INTO node_descriptors(node, key, outlet, text, count, loaded, kinds) VALUES "
                     "(?,?,?,?,?,?,?)", [(*k, *v) for k, v in described.items()])
    return mentioned


def _entities_of(conn: sqlite3.Connection, local: LocalIndex, holders: dict[tuple[str, int], str | None]
                 ) -> set[str]:
    """The entities of the batch's clusters and role mentions."""
    refs = {node_text(n) for n in local.nodes.values()} | {node_text(("person", name_key(h)))
                                                          for h in holders.values() if h}
    return {e for r in refs if (e := resolve(conn, r))}
