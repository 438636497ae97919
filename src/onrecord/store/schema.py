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
    (7, "link: articles left to link, the linker's indexes for incremental linking, bounded entity-page reads", """
CREATE TABLE link_pending (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    stale INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE link_state (
    name TEXT PRIMARY KEY,
    value TEXT
);
INSERT INTO link_state(name, value) SELECT 'full', 'schema 7' WHERE EXISTS (SELECT 1 FROM articles);
CREATE TRIGGER articles_link_insert AFTER INSERT ON articles WHEN new.analysed_at IS NOT NULL BEGIN
    INSERT OR IGNORE INTO link_pending(article_id, stale) VALUES (new.id, 0);
END;
CREATE TRIGGER articles_link_analysed AFTER UPDATE OF analysed_at ON articles WHEN new.analysed_at IS NOT NULL BEGIN
    INSERT OR IGNORE INTO link_pending(article_id, stale) VALUES (new.id, old.analysed_at IS NOT NULL);
END;
CREATE TABLE link_nodes (
    node TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    key TEXT NOT NULL,
    core TEXT NOT NULL,
    surname TEXT,
    bucket TEXT,
    bare TEXT,
    entity_id TEXT
);
CREATE INDEX link_nodes_key ON link_nodes(key);
CREATE INDEX link_nodes_core ON link_nodes(type, core);
CREATE INDEX link_nodes_surname ON link_nodes(surname);
CREATE INDEX link_nodes_bucket ON link_nodes(bucket);
CREATE INDEX link_nodes_bare ON link_nodes(bare);
CREATE INDEX link_nodes_entity ON link_nodes(entity_id);
CREATE TABLE link_variants (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE link_surfaces (
    node TEXT NOT NULL,
    kind TEXT NOT NULL,
    surface TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (node, kind, surface)
) WITHOUT ROWID;
ALTER TABLE entities ADD COLUMN base_id TEXT;
ALTER TABLE entities ADD COLUMN first_node TEXT;
CREATE INDEX entities_base ON entities(base_id);
ALTER TABLE entity_aliases ADD COLUMN key TEXT;
CREATE INDEX entity_aliases_key ON entity_aliases(key);
ALTER TABLE article_entities ADD COLUMN node TEXT;
CREATE INDEX article_entities_node ON article_entities(node);
ALTER TABLE role_mentions ADD COLUMN node TEXT;
CREATE INDEX role_mentions_node ON role_mentions(node);
ALTER TABLE quotes ADD COLUMN speaker_node TEXT;
ALTER TABLE quotes ADD COLUMN behalf_node TEXT;
CREATE INDEX quotes_speaker_node ON quotes(speaker_node);
CREATE INDEX quotes_behalf_node ON quotes(behalf_node);
ALTER TABLE stances ADD COLUMN holder_key TEXT;
CREATE INDEX stances_holder_key ON stances(holder_key);
CREATE INDEX stances_behalf ON stances(on_behalf_of COLLATE NOCASE);
CREATE INDEX stances_quote ON stances(article_id, quote_n);
CREATE TABLE stance_keys (
    holder_key TEXT NOT NULL,
    key TEXT NOT NULL,
    stance_id INTEGER NOT NULL,
    PRIMARY KEY (holder_key, key, stance_id)
) WITHOUT ROWID;
CREATE INDEX stance_keys_key ON stance_keys(key);
CREATE TABLE target_links (
    person_key TEXT NOT NULL,
    gov_key TEXT NOT NULL,
    PRIMARY KEY (person_key, gov_key)
) WITHOUT ROWID;
ALTER TABLE contradictions ADD COLUMN group_key TEXT;
CREATE INDEX contradictions_group ON contradictions(group_key);
CREATE INDEX contradictions_claim ON contradictions(claim_id);
CREATE INDEX contradictions_counter ON contradictions(counter_id);
CREATE TABLE statement_words (
    key INTEGER NOT NULL,
    quote_id INTEGER NOT NULL,
    PRIMARY KEY (key, quote_id)
) WITHOUT ROWID;
CREATE TABLE statement_register (
    key INTEGER NOT NULL,
    quote_id INTEGER NOT NULL,
    PRIMARY KEY (key, quote_id)
) WITHOUT ROWID;
CREATE TABLE statement_texts (
    key INTEGER PRIMARY KEY,
    quote_id INTEGER NOT NULL
);
CREATE TABLE statement_edges (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    similarity REAL NOT NULL,
    fragment INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX statement_edges_b ON statement_edges(b);
ALTER TABLE statements ADD COLUMN main_quote_id INTEGER;
CREATE INDEX statements_speaker_entity ON statements(speaker_entity_id);
CREATE INDEX contradictions_subject_entity ON contradictions(subject_entity_id);
ALTER TABLE entities ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entities_mentions ON entities(mentions DESC, name);
CREATE INDEX entities_type_mentions ON entities(type, mentions DESC, name);
ALTER TABLE role_mentions ADD COLUMN date TEXT;
CREATE INDEX role_mentions_evidence ON role_mentions(entity_id, role, former, date);
ALTER TABLE entity_role_assertions ADD COLUMN entity_id TEXT;
ALTER TABLE entity_role_assertions ADD COLUMN node TEXT;
ALTER TABLE entity_role_assertions ADD COLUMN date TEXT;
CREATE INDEX entity_role_assertions_evidence ON entity_role_assertions(entity_id, role, former, date);
CREATE INDEX entity_role_assertions_node ON entity_role_assertions(node);
CREATE INDEX article_entities_entity_article ON article_entities(entity_id, article_id);
CREATE INDEX role_mentions_entity_article ON role_mentions(entity_id, article_id);
CREATE TABLE node_outlets (
    node TEXT NOT NULL,
    outlet TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (node, outlet)
) WITHOUT ROWID;
CREATE TABLE node_written (
    node TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (node, text, kind)
) WITHOUT ROWID;
CREATE TABLE node_descriptors (
    node TEXT NOT NULL,
    key TEXT NOT NULL,
    outlet TEXT NOT NULL,
    text TEXT NOT NULL,
    count INTEGER NOT NULL,
    loaded INTEGER NOT NULL,
    kinds TEXT NOT NULL,
    PRIMARY KEY (node, key, outlet)
) WITHOUT ROWID;
CREATE TABLE quote_mentions (
    node TEXT NOT NULL,
    quote_id INTEGER NOT NULL,
    PRIMARY KEY (node, quote_id)
) WITHOUT ROWID;
"""),
    (8, "web: bounded reads on large stores (indexes for counts, sorts and pages; counts kept per entity)", """
CREATE INDEX quotes_confidence ON quotes(confidence);
ALTER TABLE entities ADD COLUMN quotes_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN quotes_about INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN outlets INTEGER NOT NULL DEFAULT 0;
CREATE TABLE entity_outlets (
    entity_id TEXT NOT NULL,
    outlet TEXT NOT NULL,
    quotes_by INTEGER NOT NULL DEFAULT 0,
    quotes_about INTEGER NOT NULL DEFAULT 0,
    articles INTEGER NOT NULL DEFAULT 0,
    mentions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, outlet)
) WITHOUT ROWID;
CREATE INDEX entity_outlets_outlet ON entity_outlets(outlet);
CREATE INDEX entity_outlets_quotes_by ON entity_outlets(outlet, quotes_by DESC);
CREATE INDEX entity_outlets_quotes_about ON entity_outlets(outlet, quotes_about DESC);
CREATE INDEX entity_outlets_articles ON entity_outlets(outlet, articles DESC);
CREATE INDEX entity_outlets_mentions ON entity_outlets(outlet, mentions DESC);
INSERT INTO entity_outlets(entity_id, outlet, articles)
    SELECT x.eid, coalesce(a.outlet, ''), count(*) FROM (
        SELECT entity_id AS eid, article_id FROM article_entities WHERE entity_id IS NOT NULL
        UNION SELECT entity_id, article_id FROM role_mentions WHERE entity_id IS NOT NULL
        UNION SELECT speaker_entity_id, article_id FROM quotes WHERE speaker_entity_id IS NOT NULL
        UNION SELECT on_behalf_of_entity_id, article_id FROM quotes WHERE on_behalf_of_entity_id IS NOT NULL) x
    JOIN articles a ON a.id = x.article_id
    WHERE x.article_id NOT IN (SELECT article_id FROM link_pending) GROUP BY 1, 2;
INSERT INTO entity_outlets(entity_id, outlet, quotes_by)
    SELECT x.eid, coalesce(a.outlet, ''), count(*) FROM (
        SELECT speaker_entity_id AS eid, id, article_id FROM quotes WHERE speaker_entity_id IS NOT NULL
        UNION SELECT on_behalf_of_entity_id, id, article_id FROM quotes WHERE on_behalf_of_entity_id IS NOT NULL) x
    JOIN articles a ON a.id = x.article_id
    WHERE x.article_id NOT IN (SELECT article_id FROM link_pending) GROUP BY 1, 2
    ON CONFLICT(entity_id, outlet) DO UPDATE SET quotes_by = excluded.quotes_by;
INSERT INTO entity_outlets(entity_id, outlet, quotes_about)
    SELECT n.entity_id, coalesce(a.outlet, ''), count(DISTINCT q.id) FROM link_nodes n
    JOIN quote_mentions m ON m.node = n.node JOIN quotes q ON q.id = m.quote_id JOIN articles a ON a.id = q.article_id
    WHERE n.entity_id IS NOT NULL AND coalesce(q.speaker_entity_id, '') != n.entity_id
    AND coalesce(q.on_behalf_of_entity_id, '') != n.entity_id GROUP BY 1, 2
    ON CONFLICT(entity_id, outlet) DO UPDATE SET quotes_about = excluded.quotes_about;
INSERT INTO entity_outlets(entity_id, outlet, mentions)
    SELECT n.entity_id, o.outlet, sum(o.mentions) FROM link_nodes n JOIN node_outlets o ON o.node = n.node
    WHERE n.entity_id IS NOT NULL GROUP BY 1, 2
    ON CONFLICT(entity_id, outlet) DO UPDATE SET mentions = excluded.mentions;
DELETE FROM entity_outlets WHERE articles = 0;
UPDATE entities SET
    quotes_by = (SELECT coalesce(sum(quotes_by), 0) FROM entity_outlets WHERE entity_id = entities.id),
    quotes_about = (SELECT coalesce(sum(quotes_about), 0) FROM entity_outlets WHERE entity_id = entities.id),
    articles = (SELECT coalesce(sum(articles), 0) FROM entity_outlets WHERE entity_id = entities.id),
    outlets = (SELECT count(*) FROM entity_outlets WHERE entity_id = entities.id AND outlet != '' AND articles > 0);
CREATE INDEX entities_order_name ON entities(name, id);
CREATE INDEX entities_order_type ON entities(type, name, id);
CREATE INDEX entities_quotes_by ON entities(quotes_by DESC, name);
CREATE INDEX entities_type_quotes_by ON entities(type, quotes_by DESC, name);
CREATE INDEX entities_quotes_about ON entities(quotes_about DESC, name);
CREATE INDEX entities_type_quotes_about ON entities(type, quotes_about DESC, name);
CREATE INDEX entities_articles ON entities(articles DESC, name);
CREATE INDEX entities_type_articles ON entities(type, articles DESC, name);
CREATE INDEX entities_outlets ON entities(outlets DESC, name);
CREATE INDEX entities_type_outlets ON entities(type, outlets DESC, name);
CREATE INDEX articles_order_desc ON articles((date IS NULL), date DESC, source, id);
CREATE INDEX articles_outlet_sort ON articles((outlet IS NULL), outlet, source, id);
CREATE INDEX articles_outlet_sort_desc ON articles((outlet IS NULL), outlet DESC, source, id);
CREATE INDEX stances_order ON stances((date IS NULL), date);
CREATE INDEX stances_order_desc ON stances((date IS NULL), date DESC, article_id, start);
CREATE INDEX stances_label_sort ON stances((label IS NULL), label, article_id, start);
CREATE INDEX stances_holder_sort ON stances((holder IS NULL), holder, article_id, start);
CREATE INDEX stances_target_sort ON stances((target IS NULL), target, article_id, start);
CREATE INDEX statements_order ON statements((first_date IS NULL), first_date);
CREATE INDEX contradictions_order ON contradictions(subject, id);
CREATE INDEX stances_holder_date ON stances(holder_entity_id, date);
ALTER TABLE statements ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
UPDATE statements SET articles = (SELECT count(DISTINCT r.article_id) FROM statement_reports r
                                  WHERE r.statement_id = statements.id);
CREATE INDEX statements_order_desc ON statements((first_date IS NULL), first_date DESC);
CREATE INDEX statements_articles ON statements(articles, (first_date IS NULL), first_date);
CREATE INDEX statements_articles_sort ON statements((articles IS NULL), articles);
CREATE INDEX statements_articles_sort_desc ON statements((articles IS NULL), articles DESC);
CREATE INDEX statements_reports_sort ON statements((reports IS NULL), reports);
CREATE INDEX statements_reports_sort_desc ON statements((reports IS NULL), reports DESC);
CREATE INDEX quotes_kind ON quotes(kind, confidence);
CREATE INDEX quotes_kind_sort ON quotes((kind IS NULL), kind);
CREATE INDEX quotes_kind_sort_desc ON quotes((kind IS NULL), kind DESC);
CREATE INDEX quotes_confidence_sort ON quotes((confidence IS NULL), confidence);
CREATE INDEX quotes_confidence_sort_desc ON quotes((confidence IS NULL), confidence DESC);
CREATE INDEX quotes_speaker_sort ON quotes(
    (CASE WHEN speaker_type = 'spokesperson' AND on_behalf_of IS NOT NULL THEN on_behalf_of
    ELSE speaker END) IS NULL,
    (CASE WHEN speaker_type = 'spokesperson' AND on_behalf_of IS NOT NULL THEN on_behalf_of
    ELSE speaker END));
CREATE INDEX quotes_speaker_sort_desc ON quotes(
    (CASE WHEN speaker_type = 'spokesperson' AND on_behalf_of IS NOT NULL THEN on_behalf_of
    ELSE speaker END) IS NULL,
    (CASE WHEN speaker_type = 'spokesperson' AND on_behalf_of IS NOT NULL THEN on_behalf_of
    ELSE speaker END) DESC);
CREATE TABLE claim_groups (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    group_key TEXT,
    subject TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    subject_entity_id TEXT,
    first INTEGER NOT NULL,
    claims TEXT NOT NULL,
    counters TEXT NOT NULL,
    n_claims INTEGER NOT NULL,
    n_counters INTEGER NOT NULL,
    pairs INTEGER NOT NULL
);
CREATE INDEX claim_groups_order ON claim_groups(kind, subject, first);
CREATE INDEX claim_groups_key ON claim_groups(group_key);
CREATE INDEX contradictions_pair ON contradictions(claim_id, counter_id);
CREATE TABLE contradiction_totals (
    kind TEXT PRIMARY KEY,
    groups INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    counters INTEGER NOT NULL,
    pairs INTEGER NOT NULL
);
INSERT INTO link_state(name) SELECT 'claim_groups' WHERE EXISTS (SELECT 1 FROM contradictions);
"""),
    (9, "stances: a claim's aspect (present or record); contradictions: why each was made (full relink)", """
ALTER TABLE stances ADD COLUMN aspect TEXT;
ALTER TABLE contradictions ADD COLUMN why TEXT;
DELETE FROM contradictions;
DELETE FROM claim_groups;
DELETE FROM contradiction_totals;
DELETE FROM link_state WHERE name = 'claim_groups';
INSERT OR IGNORE INTO link_state(name, value) SELECT 'full', 'schema 9' WHERE EXISTS (SELECT 1 FROM articles);
"""),
    (10, "ingest runs: why a run stopped before its end (SIGTERM, Ctrl-C, a full disk); NULL when it finished", """
ALTER TABLE ingest_runs ADD COLUMN interrupted TEXT;
"""),
    (11, "stances and contradictions: a calibrated confidence (NULL for stances analysed before: onrecord analyse "
         "--all scores them; contradictions: full relink)", """
ALTER TABLE stances ADD COLUMN confidence REAL;
ALTER TABLE contradictions ADD COLUMN confidence REAL;
CREATE INDEX stances_confidence ON stances(confidence);
CREATE INDEX contradictions_confidence ON contradictions(confidence);
DELETE FROM contradictions;
DELETE FROM claim_groups;
DELETE FROM contradiction_totals;
DELETE FROM link_state WHERE name = 'claim_groups';
INSERT OR IGNORE INTO link_state(name, value) SELECT 'full', 'schema 11' WHERE EXISTS (SELECT 1 FROM articles);
"""),
    (12, "descriptors: how sure each is (NULL until the article is analysed again: `onrecord analyse --all`)", """
ALTER TABLE entity_descriptors ADD COLUMN confidence REAL;
"""),
    (13, "tones: each sentence's tone toward each entity it mentions (the speaker's in a quote, else the outlet's)", """
CREATE TABLE tones (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    entity_n INTEGER NOT NULL,
    target TEXT NOT NULL,
    target_type TEXT NOT NULL,
    mention TEXT NOT NULL,
    mention_start INTEGER NOT NULL,
    mention_end INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    holder TEXT,
    holder_type TEXT,
    quote_n INTEGER,
    UNIQUE (article_id, n)
);
CREATE INDEX tones_entity ON tones(article_id, entity_n);
CREATE INDEX tones_target ON tones(target COLLATE NOCASE);
"""),
    (14, "entity aliases: why each joined its entity; surnames without Jr./III, middle-name and nickname variants "
         "and dominant lone surnames joined (full relink)", """
ALTER TABLE entity_aliases ADD COLUMN why TEXT;
INSERT OR IGNORE INTO link_state(name, value) SELECT 'full', 'schema 14' WHERE EXISTS (SELECT 1 FROM articles);
"""),
    (15, "web: facets counted from covering indexes, the credited speaker's, a stance holder's and target's in "
         "their facet's order; outlets found in any case", """
CREATE INDEX quotes_facets ON quotes(confidence, kind, method, article_id, speaker_type, speaker_entity_id,
                                     on_behalf_of_entity_id, speaker, on_behalf_of);
CREATE INDEX quotes_credited ON quotes((CASE WHEN speaker_type = 'spokesperson' AND on_behalf_of IS NOT NULL
    THEN coalesce(on_behalf_of_entity_id, on_behalf_of) ELSE coalesce(speaker_entity_id, speaker) END), confidence,
    kind, method, speaker_type, on_behalf_of, speaker, speaker_entity_id, on_behalf_of_entity_id);
CREATE INDEX quotes_article_facets ON quotes(article_id, confidence, kind, method);
CREATE INDEX articles_outlet_nocase ON articles(outlet COLLATE NOCASE);
CREATE INDEX stances_facets ON stances(date, label, article_id, holder_entity_id, holder, target_entity_id, target);
CREATE INDEX stances_holder_facet ON stances((coalesce(holder_entity_id, holder)), holder, holder_entity_id, date,
                                             label);
CREATE INDEX stances_target_facet ON stances((coalesce(target_entity_id, target)), target, target_entity_id, date,
                                             label);
"""),
    (16, "changes of position: a person's own words on one target at two dates going opposite ways, kept per holder "
         "group like contradictions (full relink)", """
CREATE TABLE position_changes (
    id INTEGER PRIMARY KEY,
    holder TEXT NOT NULL,
    holder_entity_id TEXT NOT NULL,
    before_id INTEGER NOT NULL REFERENCES stances(id) ON DELETE CASCADE,
    after_id INTEGER NOT NULL REFERENCES stances(id) ON DELETE CASCADE,
    shared_keys TEXT NOT NULL,
    group_key TEXT
);
CREATE INDEX position_changes_holder ON position_changes(holder_entity_id);
CREATE INDEX position_changes_group ON position_changes(group_key);
CREATE INDEX position_changes_after ON position_changes(after_id);
INSERT OR IGNORE INTO link_state(name, value) SELECT 'full', 'schema 16' WHERE EXISTS (SELECT 1 FROM articles);
"""),
    (17, "stances: the node each holder, target and principal resolves through in its article, as quote speakers "
         "do (full relink)", """
ALTER TABLE stances ADD COLUMN holder_node TEXT;
ALTER TABLE stances ADD COLUMN target_node TEXT;
ALTER TABLE stances ADD COLUMN behalf_node TEXT;
CREATE INDEX stances_holder_node ON stances(holder_node);
CREATE INDEX stances_target_node ON stances(target_node);
CREATE INDEX stances_behalf_node ON stances(behalf_node);
INSERT OR IGNORE INTO link_state(name, value) SELECT 'full', 'schema 17' WHERE EXISTS (SELECT 1 FROM articles);
"""),
    (18, "articles: the outlet as the input gave it (outlet_raw), the outlet itself named by the outlets table "
         "(`onrecord migrate` names a store's outlets, `onrecord outlets` again after editing the table); the "
         "statements' facets counted from covering indexes", """
ALTER TABLE articles ADD COLUMN outlet_raw TEXT;
CREATE INDEX articles_outlet_raw ON articles(outlet_raw COLLATE NOCASE);
CREATE INDEX statements_facets ON statements(articles, reports, first_date, speaker_entity_id, speaker);
CREATE INDEX statement_reports_article ON statement_reports(statement_id, article_id);
"""),
    (19, "stances: the structural kind each stance's confidence is measured on; a confidence is now its kind's "
         "measured precision, so the old scores are cleared (NULL, unscored, until onrecord analyse --all)", """
ALTER TABLE stances ADD COLUMN features TEXT;
UPDATE stances SET confidence = NULL;
"""),
    (20, "web: the stances' and contradictions' facets counted from covering indexes that hold the confidence (the "
         "pages' default cut read a row per record), each facet's index in its own order, so it groups without "
         "sorting; the quotes' method facet in its order, their speaker facet under a date filter from the articles' "
         "quotes; the outlets each statement is reported in (statement_outlets), kept by triggers on its reports "
         "and on the articles' outlets, for the statements' outlet facet", """
DROP INDEX IF EXISTS stances_facets;
DROP INDEX IF EXISTS stances_holder_facet;
DROP INDEX IF EXISTS stances_target_facet;
CREATE INDEX IF NOT EXISTS stances_facets ON stances(date, confidence, label, article_id, holder_entity_id, holder,
                                                     target_entity_id, target);
CREATE INDEX IF NOT EXISTS stances_holder_facet ON stances((coalesce(holder_entity_id, holder)), holder,
                                                           holder_entity_id, date, label, confidence);
CREATE INDEX IF NOT EXISTS stances_target_facet ON stances((coalesce(target_entity_id, target)), target,
                                                           target_entity_id, date, label, confidence);
CREATE INDEX IF NOT EXISTS stances_label_facet ON stances(label, confidence, date);
CREATE INDEX IF NOT EXISTS stances_article_facet ON stances(article_id, confidence, date);
CREATE INDEX IF NOT EXISTS stances_year_facet ON stances(substr(date, 1, 4), confidence, date);
CREATE INDEX IF NOT EXISTS contradictions_name_facet ON contradictions((coalesce(subject_entity_id, subject)),
                                                                       subject, subject_entity_id, confidence, kind);
CREATE INDEX IF NOT EXISTS contradictions_kind_facet ON contradictions(kind, confidence);
CREATE INDEX IF NOT EXISTS quotes_method_facet ON quotes(method, confidence, kind);
CREATE INDEX IF NOT EXISTS quotes_article_by ON quotes(article_id, confidence, kind, method, speaker_type,
                                                       on_behalf_of, on_behalf_of_entity_id, speaker,
                                                       speaker_entity_id);
CREATE INDEX IF NOT EXISTS statement_reports_by_article ON statement_reports(article_id, statement_id);
CREATE TABLE IF NOT EXISTS statement_outlets (
    statement_id INTEGER NOT NULL,
    outlet TEXT NOT NULL,  -- '' for an article without an outlet
    PRIMARY KEY (statement_id, outlet)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS statement_outlets_outlet ON statement_outlets(outlet, statement_id);
INSERT OR IGNORE INTO statement_outlets(statement_id, outlet) SELECT DISTINCT r.statement_id, coalesce(a.outlet, '')
    FROM statement_reports r LEFT JOIN articles a ON a.id = r.article_id;
CREATE TRIGGER IF NOT EXISTS statement_outlets_report_in AFTER INSERT ON statement_reports BEGIN
    INSERT OR IGNORE INTO statement_outlets(statement_id, outlet)
        VALUES (NEW.statement_id, coalesce((SELECT outlet FROM articles WHERE id = NEW.article_id), ''));
END;
CREATE TRIGGER IF NOT EXISTS statement_outlets_report_out AFTER DELETE ON statement_reports BEGIN
    DELETE FROM statement_outlets WHERE statement_id = OLD.statement_id
        AND outlet = coalesce((SELECT outlet FROM articles WHERE id = OLD.article_id), '')
        AND NOT EXISTS (SELECT 1 FROM statement_reports r LEFT JOIN articles a ON a.id = r.article_id
                        WHERE r.statement_id = OLD.statement_id AND coalesce(a.outlet, '') = statement_outlets.outlet);
END;
CREATE TRIGGER IF NOT EXISTS statement_outlets_article_out BEFORE DELETE ON articles BEGIN
    DELETE FROM statement_reports WHERE article_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS statement_outlets_article_outlet AFTER UPDATE OF outlet ON articles BEGIN
    DELETE FROM statement_outlets WHERE statement_id IN (SELECT statement_id FROM statement_reports
                                                         WHERE article_id = NEW.id);
    INSERT OR IGNORE INTO statement_outlets(statement_id, outlet) SELECT r.statement_id, coalesce(a.outlet, '')
        FROM statement_reports r LEFT JOIN articles a ON a.id = r.article_id
        WHERE r.statement_id IN (SELECT statement_id FROM statement_reports WHERE article_id = NEW.id);
END;
"""),
    (21, "link: the people of a surname looked up by their given name through one index (surname, type, key), "
         "not by reading every person of the surname", """
DROP INDEX IF EXISTS link_nodes_surname;
CREATE INDEX link_nodes_surname ON link_nodes(surname, type, key);
"""),
    (22, "link: each person entity's weight of full names kept per surname (link_surname_weights), so a lone "
         "surname's dominant person is read from an index, not summed over every person of the surname; the batch's "
         "new, not yet linked people of a surname found through a partial index", """
CREATE TABLE IF NOT EXISTS link_surname_weights (
    entity_id TEXT NOT NULL,
    surname TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (entity_id, surname)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_surname_weights_top ON link_surname_weights(surname, weight DESC, entity_id);
CREATE INDEX IF NOT EXISTS link_nodes_unlinked ON link_nodes(surname, type) WHERE entity_id IS NULL;
INSERT OR IGNORE INTO link_surname_weights(entity_id, surname, weight)
    SELECT DISTINCT w.entity_id, k.surname, w.weight FROM (
        SELECT n.entity_id, sum(s.weight) AS weight FROM link_nodes n JOIN link_surfaces s ON s.node = n.node
        WHERE n.entity_id IS NOT NULL AND n.type = 'person' AND instr(n.key, ' ') > 0 GROUP BY n.entity_id) w
    JOIN link_nodes k ON k.entity_id = w.entity_id
    WHERE k.type = 'person' AND k.surname IS NOT NULL AND k.key != k.surname;
"""),
    (23, "link: fewer index entries to move per linked batch; the entity counts sorted per type only (a page over "
         "every type merges each type's first rows), and the entity-id indexes that another index starts with "
         "dropped", """
DROP INDEX IF EXISTS entities_quotes_by;
DROP INDEX IF EXISTS entities_quotes_about;
DROP INDEX IF EXISTS entities_articles;
DROP INDEX IF EXISTS entities_outlets;
DROP INDEX IF EXISTS entities_mentions;
DROP INDEX IF EXISTS article_entities_entity;
DROP INDEX IF EXISTS role_mentions_entity;
DROP INDEX IF EXISTS stances_holder_entity;
"""),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
