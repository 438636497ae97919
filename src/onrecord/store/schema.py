"""The SQLite schema as an ordered list of migrations; the store applies the ones it has not yet applied.

Never edit a migration that has shipped: add a new one. Versions 1-2 are the core and quotes; later
pipeline stages (entities, stances, web indexes) append their own.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "articles, segments and ingest runs", """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    external_id TEXT,
    title TEXT,
    outlet TEXT,
    date TEXT,
    url TEXT,
    format TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    analysed_at TEXT,
    analysis_version TEXT
);
CREATE INDEX articles_date ON articles(date);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE TABLE segments (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind TEXT NOT NULL,
    furniture TEXT,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    args TEXT,
    files_seen INTEGER NOT NULL DEFAULT 0,
    ingested INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE ingest_events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES ingest_runs(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ingested', 'duplicate', 'failed', 'skipped')),
    reason TEXT,
    article_id TEXT
);
CREATE INDEX ingest_events_run ON ingest_events(run_id);
"""),
    (2, "quotes with full-text search", """
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    spans TEXT,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    speaker_type TEXT NOT NULL,
    on_behalf_of TEXT,
    speaker_mention TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    furniture TEXT,
    confidence REAL NOT NULL,
    clause_start INTEGER,
    clause_end INTEGER,
    grp INTEGER,
    speaker_entity_id TEXT,
    on_behalf_of_entity_id TEXT,
    UNIQUE (article_id, n)
);
CREATE INDEX quotes_speaker ON quotes(speaker);
CREATE INDEX quotes_speaker_entity ON quotes(speaker_entity_id);
CREATE INDEX quotes_behalf_entity ON quotes(on_behalf_of_entity_id);
CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='quotes', content_rowid='id');
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER quotes_au AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text);
END;
"""),
    (3, "web: indexes for date-ordered paging and case-insensitive speaker lookups", """
CREATE INDEX articles_order ON articles((date IS NULL), date, source);
CREATE INDEX articles_outlet_order ON articles(outlet, (date IS NULL), date, source);
CREATE INDEX quotes_speaker_nocase ON quotes(speaker COLLATE NOCASE);
CREATE INDEX quotes_behalf_nocase ON quotes(on_behalf_of COLLATE NOCASE);
"""),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
