"""The entity counts a linked batch keeps, and the pages that read them (issue 25, migration 23): a batch writes a
count only where it changed, the counts are sorted per type only, and a page over every type, merged from each
type's index, lists what one sort of every entity lists. On the five sample articles, ingested by the real model."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import web_support as ws
from conftest import EXAMPLES

import onrecord
from onrecord.pipeline import ingest, load_manifest
from onrecord.store import Store
from onrecord.store.entities import across_types
from onrecord.store.schema import MIGRATIONS

COUNTS = ("quotes_by", "quotes_about", "articles", "outlets", "mentions")
SAMPLES = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
DROPPED = ("entities_quotes_by", "entities_quotes_about", "entities_articles", "entities_outlets", "entities_mentions",
           "article_entities_entity", "role_mentions_entity", "stances_holder_entity")


@pytest.fixture()
def store(tmp_path_factory, tmp_path) -> Path:
    return ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path)


def _paged(api: onrecord.Onrecord, size: int, **filters: object) -> list:
    out, offset = [], 0
    while page := list(api.entity_index(**filters, limit=size, offset=offset)):
        out += page
        offset += size
    return out


def test_every_count_sort_over_every_type_pages_as_one_sort_of_all_entities(store):
    api = onrecord.open(str(store))
    everyone = list(api.entity_index(sort="name", limit=1000))
    assert len({e.type for e in everyone}) >= 3 and len(everyone) > 20
    for key in COUNTS:
        for sign in (1, -1):
            want = sorted(everyone, key=lambda e: (sign * getattr(e, key), e.name, e.id))
            assert any(getattr(a, key) != getattr(b, key) for a, b in zip(want, want[1:])), key
            got = _paged(api, 7, sort=("-" if sign < 0 else "") + key)
            assert [e.id for e in got] == [e.id for e in want], (key, sign)
            assert api.entity_index(sort=key, limit=3, offset=5).total == len(everyone)


def test_the_entity_list_reads_the_most_mentioned_first_across_types(store):
    api = onrecord.open(str(store))
    conn = sqlite3.connect(store)
    want = [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC, name, rowid")]
    got = []
    for offset in range(0, len(want) + 5, 5):
        got += [e.id for e in api.entities(limit=5, offset=offset)]
    assert got == want
    people = [r[0] for r in conn.execute("SELECT id FROM entities WHERE type = 'person' ORDER BY mentions DESC, name, "
                                         "rowid")]
    assert [e.id for e in api.entities(type="person", limit=1000)] == people != []


def test_a_count_page_over_every_type_reads_each_types_index(store):
    conn = sqlite3.connect(store)
    assert not conn.execute(f"SELECT name FROM sqlite_schema WHERE name IN ({','.join('?' * len(DROPPED))})",
                            DROPPED).fetchall()
    for key in COUNTS:
        sql, args = across_types(conn, "id", f"SELECT e.id, e.name, e.{key} FROM entities e WHERE 1=1", [],
                                 f"e.{key} DESC, e.name, e.id", f"{key} DESC, name, id", 20, 40)
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
        reads = [p for p in plan if p.startswith(("SCAN e", "SEARCH e"))]
        assert reads and all(p.startswith(f"SEARCH e USING INDEX entities_type_{key} (type=?)") for p in reads), plan


def test_an_older_store_migrates_and_its_pages_stay_the_same(store):
    api = onrecord.open(str(store))
    pages = {key: [e.id for e in api.entity_index(sort="-" + key, limit=1000)] for key in COUNTS}
    api.close()
    number = next(n for n, _, sql in MIGRATIONS if "DROP INDEX IF EXISTS entities_mentions" in sql)
    conn = sqlite3.connect(store)
    conn.execute("CREATE INDEX entities_mentions ON entities(mentions DESC, name)")
    conn.execute("CREATE INDEX article_entities_entity ON article_entities(entity_id)")
    conn.execute(f"PRAGMA user_version = {number - 1}")
    conn.commit()
    conn.close()
    assert onrecord.migrate(str(store)) == (number - 1, MIGRATIONS[-1][0])
    conn = sqlite3.connect(store)
    assert not conn.execute("SELECT name FROM sqlite_schema WHERE name IN ('entities_mentions', "
                            "'article_entities_entity')").fetchall()
    api = onrecord.open(str(store))
    assert {key: [e.id for e in api.entity_index(sort="-" + key, limit=1000)] for key in COUNTS} == pages


def test_a_linked_batch_writes_only_the_counts_that_changed(tmp_path, nlp):
    """SQLite moves a column's index entries whenever an UPDATE sets it, to the same value or not: a trigger on
    each count (it fires whenever the column is set) records the writes that left it as it was."""
    path = tmp_path / "batch.db"
    manifest = onrecord.Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl")))
    with Store(path) as store:
        ingest(SAMPLES[:3], store, overrides=manifest, workers=1)
    with Store(path) as store:
        conn = store.conn
        conn.execute("CREATE TEMP TABLE same(col TEXT, id TEXT)")
        conn.execute("CREATE TEMP TABLE changed(col TEXT, id TEXT)")
        for col in COUNTS:
            conn.execute(f"CREATE TEMP TRIGGER same_{col} AFTER UPDATE OF {col} ON main.entities BEGIN INSERT INTO "
                         f"same SELECT '{col}', NEW.id WHERE OLD.{col} IS NEW.{col}; INSERT INTO changed SELECT "
                         f"'{col}', NEW.id WHERE OLD.{col} IS NOT NEW.{col}; END")
        report = ingest(SAMPLES[3:], store, overrides=manifest, workers=1)
        assert report.count("ingested") == 2
        assert conn.execute("SELECT count(*) FROM changed").fetchone()[0] > 0
        assert conn.execute("SELECT col, id FROM same").fetchall() == []
