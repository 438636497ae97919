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
    (4, "stances, statements with their reports, contradictions", """
CREATE TABLE stances (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    cameo TEXT,
    plover TEXT,
    polarity REAL NOT NULL,
    negated INTEGER NOT NULL DEFAULT 0,
    holder TEXT,
    holder_type TEXT,
    holder_start INTEGER,
    holder_end INTEGER,
    on_behalf_of TEXT,
    target TEXT,
    target_type TEXT,
    target_start INTEGER,
    target_end INTEGER,
    target_keys TEXT,
    about TEXT,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    reported_by TEXT,
    reporter_type TEXT,
    reporter_for TEXT,
    source TEXT NOT NULL,
    quote_n INTEGER,
    date TEXT,
    date_text TEXT,
    date_start INTEGER,
    date_end INTEGER,
    holder_entity_id TEXT,
    on_behalf_of_entity_id TEXT,
    target_entity_id TEXT,
    UNIQUE (article_id, n)
);
CREATE INDEX stances_holder ON stances(holder COLLATE NOCASE);
CREATE INDEX stances_target ON stances(target COLLATE NOCASE);
CREATE INDEX stances_holder_entity ON stances(holder_entity_id);
CREATE INDEX stances_target_entity ON stances(target_entity_id);
CREATE INDEX stances_date ON stances(date);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    speaker TEXT,
    speaker_entity_id TEXT,
    text TEXT NOT NULL,
    first_date TEXT,
    reports INTEGER NOT NULL
);
CREATE INDEX statements_speaker ON statements(speaker COLLATE NOCASE);
CREATE TABLE statement_reports (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    quote_id INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    PRIMARY KEY (statement_id, quote_id)
);
CREATE INDEX statement_reports_quote ON statement_reports(quote_id);
CREATE TABLE contradictions (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_entity_id TEXT,
    about TEXT,
    claim_id INTEGER NOT NULL REFERENCES stances(id) ON DELETE CASCADE,
    counter_id INTEGER NOT NULL REFERENCES stances(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    shared_keys TEXT
);
CREATE INDEX contradictions_subject ON contradictions(subject COLLATE NOCASE);
"""),
    (5, "entities: per-article clusters, mentions, roles, descriptors; canonical entities; corrections", """
CREATE TABLE article_entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_id TEXT,
    PRIMARY KEY (article_id, n)
);
CREATE INDEX article_entities_entity ON article_entities(entity_id);
CREATE TABLE entity_mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX entity_mentions_article ON entity_mentions(article_id, n);
CREATE TABLE entity_role_assertions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    former INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entity_role_assertions_article ON entity_role_assertions(article_id, n);
CREATE TABLE entity_descriptors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    text TEXT NOT NULL,
    key TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind TEXT NOT NULL,
    loaded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entity_descriptors_article ON entity_descriptors(article_id, n);
CREATE TABLE role_mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    former INTEGER NOT NULL DEFAULT 0,
    entity_id TEXT,
    PRIMARY KEY (article_id, n)
);
CREATE INDEX role_mentions_entity ON role_mentions(entity_id);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL
);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);
CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_alias ON entity_aliases(alias COLLATE NOCASE);
CREATE TABLE entity_corrections (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    name TEXT NOT NULL,
    other TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""),
    (6, "quotes: how each attribution was found (rules or the learned classifier)", """
ALTER TABLE quotes ADD COLUMN method TEXT NOT NULL DEFAULT 'rules';
"""),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
