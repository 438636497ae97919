"""The link stage over the store: link the articles left to link, a small batch per transaction.

Storing an article's analysis puts it in ``link_pending`` (a trigger, in the same transaction), so an
interrupted ingest leaves its articles pending and any later ``link`` finishes them. A batch is linked
incrementally: the entity, statement and stance steps read only what the batch's articles can join (indexed
lookups by name key, content word and holder key) and rewrite only what changed, so linking a batch costs in
proportion to the batch, not the store, and linking A then B gives what linking A and B together gives.
A full relink (``link(store)``: after re-analysis or a manual merge/split) clears the linker's tables and links
every article again, in the same batches.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from onrecord.analyse.entities.roles import load_kb, metonym_rows
from onrecord.link.entities_store import batch_table, link_entities_batch
from onrecord.link.stances_store import build_claim_groups, link_stances_batch
from onrecord.link.statements_store import holder_key, link_statements_batch
from onrecord.store import Store
from onrecord.store.entities import corrections

BATCH = 32  # articles linked per transaction: each holds the write lock for well under a second
# SQLite's page cache while linking (KiB; the default is 2,000). A batch reads and writes a few thousand pages, spread
# wider the larger the store: in the default cache its changed pages spill to the WAL before the commit and are read
# back, and the pages it reads again are read twice (bench/link.py stores, 12,000 articles: 16,219 page reads and
# 15,105 writes per batch of 10 in the default cache, 9,141 and 12,089 in this one)
CACHE_KIB = 65_536

RESET = (
    "DELETE FROM link_nodes", "DELETE FROM link_surfaces", "DELETE FROM link_variants", "DELETE FROM entity_aliases",
    "DELETE FROM link_surname_weights",
    "DELETE FROM entities",
    "DELETE FROM statement_words", "DELETE FROM statement_register", "DELETE FROM statement_texts",
    "DELETE FROM statement_edges", "DELETE FROM statement_reports", "DELETE FROM statements",
    "DELETE FROM contradictions", "DELETE FROM stance_keys", "DELETE FROM target_links", "DELETE FROM node_outlets",
    "DELETE FROM node_written", "DELETE FROM node_descriptors", "DELETE FROM quote_mentions",
    "DELETE FROM entity_outlets", "DELETE FROM claim_groups", "DELETE FROM contradiction_totals",
    "DELETE FROM position_changes",
    "DELETE FROM link_state WHERE name = 'claim_groups'",
    "INSERT OR IGNORE INTO link_pending(article_id) SELECT id FROM articles WHERE analysed_at IS NOT NULL",
    "UPDATE link_pending SET stale = 0",
    "DELETE FROM link_state WHERE name = 'full'",
)

__all__ = ["BATCH", "LinkReport", "holder_key", "link", "pending"]


@dataclass
class LinkReport:
    """What a ``link`` call did: articles linked, in how many batches, whether it relinked everything, and the
    seconds each batch held the write lock."""

    articles: int = 0
    batches: int = 0
    full: bool = False
    seconds: list[float] = field(default_factory=list)


def link(store: Store, article_ids: Iterable[str] | None = None, *, batch: int = BATCH,
         on_batch: Callable[[int], None] | None = None,
         on_progress: Callable[[str, int, int], None] | None = None) -> LinkReport:
    """Link articles across the store. ``article_ids`` given (the articles an ingest just stored): link those
    and every other article left pending, incrementally. None: relink the whole store from scratch. A full
    relink also happens when an already linked article was analysed again since. ``on_progress("linking",
    done, total)`` after each batch."""
    previous = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        return _link(store, article_ids, batch, on_batch, on_progress)
    finally:
        store.conn.execute(f"PRAGMA cache_size = {previous}")


def _link(store: Store, article_ids: Iterable[str] | None, batch: int, on_batch: Callable[[int], None] | None,
          on_progress: Callable[[str, int, int], None] | None) -> LinkReport:
    report = LinkReport()
    total = 0
    with store.transaction() as conn:
        full = article_ids is None or conn.execute(
            "SELECT EXISTS (SELECT 1 FROM link_state WHERE name = 'full') OR EXISTS (SELECT 1 FROM link_pending "
            "WHERE stale)").fetchone()[0]
        if full:
            for sql in RESET:
                conn.execute(sql)
            report.full = True
        elif conn.execute("SELECT 1 FROM link_state WHERE name = 'claim_groups'").fetchone():
            build_claim_groups(conn)  # a store migrated to schema 8 keeps its claim groups from now on
        total = conn.execute("SELECT count(*) FROM link_pending").fetchone()[0]
    kb, metonyms = load_kb(), list(metonym_rows())
    while True:
        started = time.perf_counter()
        with store.transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT article_id FROM link_pending ORDER BY rowid LIMIT ?", (batch,))]
            if not ids:
                break
            batch_table(conn, ids)
            changes = link_entities_batch(conn, kb, corrections(conn), metonyms)
            link_statements_batch(conn, changes.quotes)
            link_stances_batch(conn, changes)
            conn.executemany("DELETE FROM link_pending WHERE article_id = ?", [(a,) for a in ids])
        report.articles += len(ids)
        report.batches += 1
        report.seconds.append(time.perf_counter() - started)
        if on_batch:
            on_batch(len(ids))
        if on_progress:
            on_progress("linking", report.articles, max(total, report.articles))
    return report


def pending(store: Store) -> list[str]:
    """Articles analysed but not yet linked (an interrupted ingest or link leaves them)."""
    return [r[0] for r in store.conn.execute("SELECT article_id FROM link_pending ORDER BY rowid")]
