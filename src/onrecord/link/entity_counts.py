"""The counts the entity index shows, sorts and filters by (quotes by, quotes about, articles, outlets, mentions),
kept per entity and outlet in ``entity_outlets`` and summed into ``entities`` by the link stage, so the index reads
a page of rows instead of counting every entity's rows per request.

A batch changes them in two ways. Its own articles are new to the counts (never linked, or still pending in a full
relink): their rows are added to each entity they reference. Rows outside the batch change entity only when a node
or a looked-up name moves to another entity; those entities (old and new) are counted again from scratch, over the
articles linked so far (articles still pending are left to their own batch). Either way the result equals counting
every linked article's rows, which is what ``tests/test_link.py`` checks. Mentions are summed from the per-node
counts ``write_stats`` keeps (``node_outlets``).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

COLUMNS = ("quotes_by", "quotes_about", "articles")  # kept per entity and outlet and summed
KEPT = ("quotes_by", "quotes_about", "articles", "outlets", "mentions")  # the count columns of ``entities``
# an article whose rows count now: linked already, or in this batch
LINKED = ("(x.article_id IN (SELECT id FROM _link_batch) OR NOT EXISTS (SELECT 1 FROM link_pending p "
          "WHERE p.article_id = x.article_id))")
IN_BATCH = "x.article_id IN (SELECT id FROM _link_batch)"

Counts = dict[tuple[str, str], dict[str, int]]  # (entity id, outlet or '') -> column -> count


def _articles(who: str, where: str) -> str:
    """(entity, outlet, articles) over the articles an entity appears in: a cluster, a role mention, a quote it
    gave or that was given for it."""
    return (f"SELECT x.eid, coalesce(a.outlet, ''), count(*) FROM (SELECT entity_id AS eid, article_id FROM "
            f"article_entities WHERE {who.format('entity_id')} UNION SELECT entity_id, article_id FROM role_mentions "
            f"WHERE {who.format('entity_id')} UNION SELECT speaker_entity_id, article_id FROM quotes WHERE "
            f"{who.format('speaker_entity_id')} UNION SELECT on_behalf_of_entity_id, article_id FROM quotes WHERE "
            f"{who.format('on_behalf_of_entity_id')}) x JOIN articles a ON a.id = x.article_id WHERE {where} "
            "GROUP BY 1, 2")


def _quotes_by(who: str, where: str) -> str:
    """(entity, outlet, quotes) of the quotes an entity gave, its spokespeople's included."""
    return (f"SELECT x.eid, coalesce(a.outlet, ''), count(*) FROM (SELECT speaker_entity_id AS eid, id, article_id "
            f"FROM quotes WHERE {who.format('speaker_entity_id')} UNION SELECT on_behalf_of_entity_id, id, article_id "
            f"FROM quotes WHERE {who.format('on_behalf_of_entity_id')}) x JOIN articles a ON a.id = x.article_id "
            f"WHERE {where} GROUP BY 1, 2")


ABOUT_ONE = ("SELECT n.entity_id, coalesce(a.outlet, ''), count(DISTINCT q.id) FROM link_nodes n JOIN quote_mentions m "
             "ON m.node = n.node JOIN quotes q ON q.id = m.quote_id JOIN articles a ON a.id = q.article_id WHERE "
             "n.entity_id = ? AND coalesce(q.speaker_entity_id, '') != n.entity_id AND "
             "coalesce(q.on_behalf_of_entity_id, '') != n.entity_id AND (q.article_id IN (SELECT id FROM _link_batch) "
             "OR NOT EXISTS (SELECT 1 FROM link_pending p WHERE p.article_id = q.article_id)) GROUP BY 1, 2")


def _collect(out: Counts, column: str, rows: Iterable[tuple[str, str, int]]) -> None:
    for eid, outlet, n in rows:
        out.setdefault((eid, outlet), dict.fromkeys(COLUMNS, 0))[column] += n


def from_scratch(conn: sqlite3.Connection, eid: str) -> Counts:
    """One entity's counts per outlet over every linked article (indexed by entity id)."""
    out: Counts = {}
    _collect(out, "articles", conn.execute(_articles("{} = :e", LINKED), {"e": eid}))
    _collect(out, "quotes_by", conn.execute(_quotes_by("{} = :e", LINKED), {"e": eid}))
    _collect(out, "quotes_about", conn.execute(ABOUT_ONE, (eid,)))
    return out


def batch_counts(conn: sqlite3.Connection, mentioned: Iterable[tuple[str, int]]) -> Counts:
    """What the batch's articles add to each entity's counts per outlet (read by article, so bounded by the
    batch); ``mentioned``: the (node, quote id) pairs of the batch's quotes that name a node."""
    out: Counts = {}
    mine = "{} IS NOT NULL AND article_id IN (SELECT id FROM _link_batch)"
    _collect(out, "articles", conn.execute(_articles(mine, IN_BATCH)))
    _collect(out, "quotes_by", conn.execute(_quotes_by(mine, IN_BATCH)))
    quotes = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
        "SELECT q.id, q.speaker_entity_id, q.on_behalf_of_entity_id, coalesce(a.outlet, '') FROM quotes q JOIN "
        "articles a ON a.id = q.article_id WHERE q.article_id IN (SELECT id FROM _link_batch)")}
    pairs = set()
    for node, qid in mentioned:
        row = conn.execute("SELECT entity_id FROM link_nodes WHERE node = ?", (node,)).fetchone()
        if row and row[0] and row[0] not in quotes[qid][:2]:
            pairs.add((row[0], qid))
    about = Counter((eid, quotes[qid][2]) for eid, qid in pairs)
    _collect(out, "quotes_about", ((eid, outlet, n) for (eid, outlet), n in about.items()))
    return out


def batch_entities(conn: sqlite3.Connection) -> set[str]:
    """The entities the batch's quotes were given by or for (a name looked up may be an entity the batch's
    clusters do not name)."""
    return {r[0] for r in conn.execute(
        "SELECT speaker_entity_id FROM quotes WHERE article_id IN (SELECT id FROM _link_batch) AND speaker_entity_id "
        "IS NOT NULL UNION SELECT on_behalf_of_entity_id FROM quotes WHERE article_id IN (SELECT id FROM _link_batch) "
        "AND on_behalf_of_entity_id IS NOT NULL")}


def keep_counts(conn: sqlite3.Connection, moved: set[str], touched: set[str],
                mentioned: Iterable[tuple[str, int]]) -> None:
    """Update ``entity_outlets`` and the count columns of ``entities`` after a batch (call after its references,
    ``write_stats`` included, are written): ``moved``, the entities that rows outside the batch left or joined,
    are counted from scratch; every other entity gets what the batch adds; ``touched``: the entities relinked
    and those the batch's clusters, role mentions and quotes name (their rows are written again);
    ``mentioned``: as for ``batch_counts``."""
    moved = {e for e in moved if e}
    adds = {k: v for k, v in batch_counts(conn, mentioned).items() if k[0] not in moved}
    for eid in sorted(moved):
        conn.execute("DELETE FROM entity_outlets WHERE entity_id = ?", (eid,))
        adds.update(from_scratch(conn, eid))
    conn.executemany("INSERT OR IGNORE INTO entity_outlets(entity_id, outlet) VALUES (?, ?)", sorted(adds))
    for k in COLUMNS:  # a column at a time, only where it grows: each count has its own index to keep
        conn.executemany(f"UPDATE entity_outlets SET {k} = {k} + ? WHERE entity_id = ? AND outlet = ?",
                         [(c[k], e, o) for (e, o), c in sorted(adds.items()) if c[k]])
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _counted(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM _counted")
    conn.executemany("INSERT OR IGNORE INTO _counted(id) VALUES (?)",
                     [(e,) for e in sorted(touched | moved | {e for e, _ in adds}) if e])
    mine = "entity_id IN (SELECT id FROM _counted)"
    # mentions summed first, then written only where they differ: zeroing every counted row and writing it back
    # moved each row's entry in the mentions index twice, a page apiece once the index outgrows the batch
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _mentions(entity_id TEXT, outlet TEXT, mentions INTEGER, "
                 "PRIMARY KEY (entity_id, outlet))")
    conn.execute("DELETE FROM _mentions")
    conn.execute("INSERT INTO _mentions(entity_id, outlet, mentions) SELECT n.entity_id, o.outlet, sum(o.mentions) "
                 f"FROM link_nodes n JOIN node_outlets o ON o.node = n.node WHERE n.{mine} GROUP BY 1, 2")
    conn.execute(f"UPDATE entity_outlets SET mentions = 0 WHERE {mine} AND mentions != 0 AND NOT EXISTS (SELECT 1 "
                 "FROM _mentions m WHERE m.entity_id = entity_outlets.entity_id AND m.outlet = entity_outlets.outlet)")
    conn.execute("INSERT INTO entity_outlets(entity_id, outlet, mentions) SELECT entity_id, outlet, mentions FROM "
                 "_mentions WHERE true ON CONFLICT(entity_id, outlet) DO UPDATE SET mentions = excluded.mentions "
                 "WHERE mentions != excluded.mentions")
    conn.execute(f"DELETE FROM entity_outlets WHERE {mine} AND articles = 0")
    rows = conn.execute(  # summed here, written by id below (an UPDATE ... FROM this reads every entity row)
        "SELECT c.id, coalesce(sum(x.quotes_by), 0), coalesce(sum(x.quotes_about), 0), coalesce(sum(x.articles), 0), "
        "count(CASE WHEN x.outlet != '' THEN 1 END), coalesce(sum(x.mentions), 0), e.quotes_by, e.quotes_about, "
        "e.articles, e.outlets, e.mentions FROM _counted c JOIN entities e ON e.id = c.id LEFT JOIN entity_outlets x "
        "ON x.entity_id = c.id GROUP BY c.id").fetchall()
    width = len(KEPT)
    for i, k in enumerate(KEPT):  # a column at a time, only where it changed: SQLite moves an index entry for
        # every column an UPDATE sets, to the same value or not, and each count has its sort index to keep
        conn.executemany(f"UPDATE entities SET {k} = ? WHERE id = ?",
                         [(r[1 + i], r[0]) for r in rows if r[1 + i] != r[1 + width + i]])
