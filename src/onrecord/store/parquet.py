"""Load the Parquet tables written by the Spark job into a store (the pipeline links them afterwards).

Needs pyarrow only (the ``spark`` extra), not Spark. Loading is idempotent: an article whose text is already
stored is skipped by content hash, each article is written in its own transaction, and the job's events
(inputs that failed, were skipped or were duplicates) are recorded as an ingest run.
"""
from __future__ import annotations

import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from onrecord.errors import InputError, MissingExtra
from onrecord.store.db import Store, now
from onrecord.store.rows import ANALYSIS_TABLES, COLUMNS, insert_rows

MIN_BATCH = 2000  # articles whose rows are read from every table at once
MAX_PASSES = 16  # at most this many reads of each table, however many articles


@dataclass
class LoadReport:
    """What a load did: articles stored, articles already in the store, and the job's events by status."""

    run_id: int
    loaded: int = 0
    duplicates: int = 0
    events: dict[str, int] = field(default_factory=dict)


def load_parquet(path: str, store: Store) -> LoadReport:
    """Merge the Spark job's output folder ``path`` into ``store`` (``pipeline.load`` then links it)."""
    ds = _dataset_module()
    if not os.path.isdir(os.path.join(path, "articles")):
        raise InputError(path, "not an onrecord Parquet output (no articles/ folder); write one with "
                               "`onrecord spark analyse INPUT... --out DIR`")
    tables = {t: _open(ds, path, t) for t in ("articles", *ANALYSIS_TABLES, "segments", "events")}
    run_id = store.start_run({"load": os.path.abspath(path)})
    report = LoadReport(run_id=run_id)
    seen = 0
    warnings: dict[str, str] = {}  # article id -> what the reader repaired, logged with its "ingested" event
    if tables["events"] is not None:
        for ev in tables["events"].to_table().to_pylist():
            report.events[ev["status"]] = report.events.get(ev["status"], 0) + 1
            if ev["status"] == "warning":
                warnings[ev["article_id"]] = ev["reason"]
                continue
            seen += 1
            store.log_event(run_id, ev["source"], ev["status"], ev["reason"], ev.get("article_id"))
    articles = tables["articles"]
    index = articles.to_table(columns=["id", "content_hash", "source"]).to_pylist() if articles is not None else []
    seen += len(index)
    stored = {r[0]: r[1] for r in store.conn.execute("SELECT content_hash, id FROM articles")}
    new: list[str] = []
    for row in index:
        if row["content_hash"] in stored:
            report.duplicates += 1
            store.log_event(run_id, row["source"], "duplicate", f"already stored as {stored[row['content_hash']]}",
                            stored[row["content_hash"]])
        else:
            stored[row["content_hash"]] = row["id"]
            new.append(row["id"])
    size = max(MIN_BATCH, math.ceil(len(new) / MAX_PASSES))
    try:
        for i in range(0, len(new), size):
            report.loaded += _load_batch(ds, tables, new[i:i + size], store, run_id, warnings)
    finally:
        store.finish_run(run_id, seen)
    return report


def _load_batch(ds: Any, tables: dict[str, Any], ids: list[str], store: Store, run_id: int,
                warnings: dict[str, str]) -> int:
    """Store a batch of new articles with their rows, one transaction per article."""
    by_table: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in ("articles", "segments", *ANALYSIS_TABLES):
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if tables[table] is not None:
            key = "id" if table == "articles" else "article_id"
            have = set(tables[table].schema.names)  # output of an older job lacks later columns (they load NULL)
            rows = tables[table].to_table(columns=[c for c in COLUMNS[table] if c in have],
                                          filter=ds.field(key).isin(ids)).to_pylist()
            for r in rows:
                grouped[r[key]].append(r)
        by_table[table] = grouped
    loaded = 0
    when = now()
    for aid in ids:
        if not by_table["articles"].get(aid):
            continue
        article = {**by_table["articles"][aid][0], "ingested_at": when}
        with store.transaction() as conn:
            insert_rows(conn, "articles", [article])
            for table in ("segments", *ANALYSIS_TABLES):
                insert_rows(conn, table, sorted(by_table[table].get(aid, []), key=lambda r: r["n"]))
        store.log_event(run_id, article["source"], "ingested", warnings.get(aid), aid)
        loaded += 1
    return loaded


def _open(ds: Any, path: str, table: str) -> Any:
    """A table's dataset, or None when the folder is missing or holds no Parquet file (nothing to load)."""
    folder = os.path.join(path, table)
    if not os.path.isdir(folder) or not any(n.endswith(".parquet") for n in os.listdir(folder)):
        return None
    return ds.dataset(folder, format="parquet")


def _dataset_module() -> Any:
    try:
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise MissingExtra("pyarrow", "spark") from exc
    return ds
