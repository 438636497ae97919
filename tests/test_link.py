"""The link stage: incremental batches give what one link of everything gives, statements blocked by content,
crash recovery (articles left pending are linked by any later run, ``repair`` finishes every stage), and
``merge A B`` keeping A. End to end on the five sample articles with the real model."""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLES

import onrecord
from onrecord import pipeline
from onrecord.link import link, pending
from onrecord.link import store as link_store
from onrecord.link.entities import LinkCluster, link_entities
from onrecord.link.statements import (
    QuoteRef,
    group_statements,
    near_duplicate,
    normalise,
)
from onrecord.models import Correction, IngestReport, Overrides
from onrecord.pipeline import ingest, load_manifest, repair
from onrecord.store import Store
from onrecord.store.schema import MIGRATIONS

MANIFEST = Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl")))
SAMPLES = sorted(str(p) for p in EXAMPLES.glob("*.txt"))


def snapshot(path: str) -> dict[str, list]:
    """Everything linking decides, keyed by article source and position (row ids differ between stores)."""
    c = sqlite3.connect(path)
    src = {r[0]: Path(r[1]).name for r in c.execute("SELECT id, source FROM articles")}
    quote = {r[0]: (src[r[1]], r[2]) for r in c.execute("SELECT id, article_id, n FROM quotes")}
    stance = {r[0]: (src[r[1]], r[2]) for r in c.execute("SELECT id, article_id, n FROM stances")}
    out: dict[str, list] = {
        "entities": sorted(c.execute("SELECT id, name, type, quotes_by, quotes_about, articles, outlets, mentions "
                                     "FROM entities").fetchall()),
        "entity_outlets": sorted(c.execute("SELECT * FROM entity_outlets").fetchall()),
        "aliases": sorted(c.execute("SELECT entity_id, alias, kind FROM entity_aliases").fetchall()),
        "clusters": sorted((src[a], n, e) for a, n, e in c.execute("SELECT article_id, n, entity_id FROM "
                                                                   "article_entities")),
        "roles": sorted(((src[a], n, e) for a, n, e in c.execute("SELECT article_id, n, entity_id FROM "
                                                                 "role_mentions")), key=str),
        "quotes": sorted(((quote[i], s, b) for i, s, b in c.execute(
            "SELECT id, speaker_entity_id, on_behalf_of_entity_id FROM quotes")), key=str),
        "stances": sorted(((stance[i], h, b, t) for i, h, b, t in c.execute(
            "SELECT id, holder_entity_id, on_behalf_of_entity_id, target_entity_id FROM stances")), key=str),
        "contradictions": sorted((stance[a], stance[b], k, s, n, json.loads(sk)) for a, b, k, s, n, sk in c.execute(
            "SELECT claim_id, counter_id, kind, subject_entity_id, subject, shared_keys FROM contradictions")),
    }
    # the claim groups the contradictions list pages through, with their stances named by position (in the order
    # of their pairs' row ids, which differ between stores, so as sets)
    out["claim_groups"] = sorted((kind, subject, key, entity, sorted(stance[i] for i in json.loads(claims)),
                                  sorted(stance[i] for i in json.loads(counters)), pairs)
                                 for kind, subject, key, entity, claims, counters, pairs in c.execute(
        "SELECT kind, subject, subject_key, subject_entity_id, claims, counters, pairs FROM claim_groups"))
    out["surname_weights"] = sorted(c.execute("SELECT entity_id, surname, weight FROM link_surname_weights"))
    out["contradiction_totals"] = sorted(c.execute("SELECT * FROM contradiction_totals").fetchall())
    out["position_changes"] = sorted((stance[a], stance[b], e, json.loads(k)) for a, b, e, k in c.execute(
        "SELECT before_id, after_id, holder_entity_id, shared_keys FROM position_changes"))
    groups = []
    for sid, sp, text, first, articles, main in c.execute(
            "SELECT id, speaker_entity_id, text, first_date, articles, main_quote_id FROM statements").fetchall():
        reports = sorted((quote[q], sim) for q, sim in c.execute(
            "SELECT quote_id, similarity FROM statement_reports WHERE statement_id = ?", (sid,)))
        groups.append((sp, text, first, reports, articles, quote.get(main)))
    out["statements"] = sorted(groups, key=str)
    c.close()
    return out


def _ingest(path: Path, files: list[str], **kw) -> IngestReport:
    with Store(path) as store:
        return ingest(files, store, overrides=MANIFEST, workers=1, **kw)


@pytest.fixture(scope="module")
def together(tmp_path_factory, nlp) -> dict[str, list]:
    """The five samples ingested (and linked) at once."""
    path = tmp_path_factory.mktemp("link") / "together.db"
    assert _ingest(path, SAMPLES).count("ingested") == 5
    return snapshot(str(path))


def test_linking_a_then_b_equals_linking_a_and_b_at_once(together, tmp_path):
    path = tmp_path / "ab.db"
    _ingest(path, SAMPLES[:3])
    with Store(path) as store:
        first = len(store.conn.execute("SELECT id FROM entities").fetchall())
    _ingest(path, SAMPLES[3:])
    got = snapshot(str(path))
    assert first and together["entities"] and together["statements"] and together["contradictions"]
    assert together["claim_groups"] and together["contradiction_totals"]
    for part in together:
        assert got[part] == together[part], part


def test_batches_of_one_article_in_any_order_give_the_same_links(together, tmp_path):
    path = tmp_path / "ones.db"
    _ingest(path, SAMPLES[::-1], analyse=False)
    with Store(path) as store:
        report = repair(store)  # analyses the five, then links them
        assert (report.analysed, report.linked) == (5, 5) and pending(store) == []
        again = link(store, batch=1)  # a full relink, one article per transaction
        assert again.full and again.batches == 5 and len(again.seconds) == 5
    assert snapshot(str(path)) == together


def test_a_killed_link_is_finished_by_the_same_ingest_run_again(together, tmp_path, monkeypatch):
    path = tmp_path / "killed.db"
    with monkeypatch.context() as m:  # the store step runs, the link step never does (killed in between)
        m.setattr(pipeline, "link", lambda *a, **k: None)
        assert _ingest(path, SAMPLES).count("ingested") == 5
    with Store(path) as store:
        assert len(pending(store)) == 5
        assert store.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    report = _ingest(path, SAMPLES)
    assert report.count("ingested") == 0 and report.count("duplicate") == 5
    with Store(path) as store:
        assert pending(store) == []
    assert snapshot(str(path)) == together


def test_a_link_killed_between_batches_resumes_where_it_stopped(together, tmp_path, monkeypatch):
    path = tmp_path / "half.db"
    with monkeypatch.context() as m:
        m.setattr(pipeline, "link", lambda *a, **k: None)
        _ingest(path, SAMPLES)
    calls = []
    real = link_store.link_stances_batch

    def dies_on_the_second_batch(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kw)

    with Store(path) as store:
        with monkeypatch.context() as m:
            m.setattr(link_store, "link_stances_batch", dies_on_the_second_batch)
            with pytest.raises(KeyboardInterrupt):
                link(store, [], batch=2)
        assert len(pending(store)) == 3  # the first batch committed, the second rolled back
        assert not link(store, []).full
        assert pending(store) == []
    assert snapshot(str(path)) == together


# -- one article at a time, in any date order, equals a full relink ---------------------------------------------
COPIED = ("article_entities", "entity_mentions", "entity_role_assertions", "entity_descriptors", "role_mentions",
          "quotes", "stances")
LINKER = {"id", "speaker_entity_id", "on_behalf_of_entity_id", "holder_entity_id", "target_entity_id", "entity_id",
          "node", "speaker_node", "behalf_node", "target_node", "holder_node", "holder_key"}


def _copy_article(c: sqlite3.Connection, src: str, aid: str, years: int, flip: bool) -> None:
    """The analysed rows of article ``src`` again as ``aid``: every date ``years`` later (earlier when negative),
    every stance's negation flipped when ``flip`` (the same people saying the opposite at another time)."""
    def shift(value: str | None) -> str | None:
        return value if not value else f"{int(value[:4]) + years:04d}{value[4:]}"

    art = dict(c.execute("SELECT * FROM articles WHERE id = ?", (src,)).fetchone())
    art.update(id=aid, source=f"copy/{aid}.txt", content_hash=aid, date=shift(art["date"]))
    tables = [("articles", [art])]
    for table in COPIED:
        rows = []
        for r in c.execute(f"SELECT * FROM {table} WHERE article_id = ?", (src,)):
            r = {k: r[k] for k in r.keys() if k not in LINKER} | {"article_id": aid}
            if table == "stances":
                r.update(date=shift(r["date"]), negated=int(bool(r["negated"]) != flip))
            rows.append(r)
        tables.append((table, rows))
    for table, rows in tables:
        for r in rows:
            c.execute(f"INSERT INTO {table}({','.join(chr(34) + k + chr(34) for k in r)}) VALUES "
                      f"({','.join('?' * len(r))})", list(r.values()))


def test_articles_linked_one_at_a_time_out_of_date_order_equal_a_full_relink(tmp_path, monkeypatch, nlp):
    """Contradictions, changes of position, statements and entity joins linked article by article, arriving out
    of date order, are what a relink of everything makes (the incremental stance step reads only the keys a new
    stance touches)."""
    path = tmp_path / "ones.db"
    with monkeypatch.context() as m:
        m.setattr(pipeline, "link", lambda *a, **k: None)
        _ingest(path, SAMPLES)
    rng = random.Random(5)
    with Store(path) as store:
        store.conn.row_factory = sqlite3.Row
        originals = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        copies = [(a, f"copy{k}{i}", years, k % 2 == 0) for k, years in enumerate((3, -2, 1, -4))
                  for i, a in enumerate(originals)]
        rng.shuffle(copies)
        link(store, originals)
        for src, aid, years, flip in copies:
            with store.transaction() as conn:
                _copy_article(conn, src, aid, years, flip)
            report = link(store, [aid])
            assert not report.full and report.articles == 1
    one_by_one = snapshot(str(path))
    assert _lone_surname_tops(str(path)) == _lone_surname_tops(str(path), from_scratch=True)
    with Store(path) as store:
        assert link(store).full
    full = snapshot(str(path))
    assert any(_lone_surname_tops(str(path)).values())  # the samples' lone surnames ("Corbyn") meet their people
    assert full["position_changes"] and full["contradictions"] and len(full["statements"]) > 5
    for part in full:
        assert one_by_one[part] == full[part], part


def _lone_surname_tops(path: str, from_scratch: bool = False) -> dict[str, list[str]]:
    """Each surname's people by weight of full names (what a lone surname weighs), as the link stage reads them
    (the kept ``link_surname_weights``) or summed from scratch over every person of the surname."""
    c = sqlite3.connect(path)
    out = {}
    for (surname,) in c.execute("SELECT DISTINCT surname FROM link_nodes WHERE type = 'person' AND surname IS NOT "
                                "NULL").fetchall():
        if from_scratch:
            rows = c.execute(
                "SELECT n.entity_id FROM link_nodes n JOIN link_surfaces s ON s.node = n.node WHERE n.entity_id IN "
                "(SELECT entity_id FROM link_nodes WHERE surname = ? AND type = 'person' AND key != ? AND entity_id "
                "IS NOT NULL) AND n.type = 'person' AND instr(n.key, ' ') > 0 GROUP BY n.entity_id ORDER BY "
                "sum(s.weight) DESC, n.entity_id", (surname, surname))
        else:
            rows = c.execute("SELECT entity_id FROM link_surname_weights WHERE surname = ? ORDER BY weight DESC, "
                             "entity_id", (surname,))
        out[surname] = [r[0] for r in rows]
    c.close()
    return out


# -- statements blocked by content ----------------------------------------------------------------------------
VOCAB = """
economy taxes trade border wall jobs health schools roads bridges energy oil coal wind solar farms factories
workers families veterans police courts judges voters election campaign media allies army navy budget deficit
debt banks markets wages prices housing rent water climate science internet privacy security
""".split()


def _distinct_quotes(n: int, seed: int = 7) -> list[str]:
    """Quotes of one template: the same frame, different subjects and numbers (different remarks)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b, c = rng.sample(VOCAB, 3)
        out.append(f"We will fix the {a} and the {b} by {i + 2} percent, and our {c} plan number {i * 7 + 3} "
                   f"starts now")
    return out


def test_5000_different_quotes_by_one_speaker_stay_5000_statements():
    texts = _distinct_quotes(5000)
    refs = [QuoteRef(i, "a1", "person:smith", t, "2020-01-01", "John Smith", "person:john-smith")
            for i, t in enumerate(texts)]
    dupes = [  # real duplicates of quote 0: copy, spelling and case, a fragment, a longer report around it
        texts[0], texts[0].upper().replace("FIX", "fix"), " ".join(texts[0].split()[-9:]),
        "He said: " + texts[0] + ", and he meant it",
    ]
    refs += [QuoteRef(5000 + i, f"b{i}", "person:smith", t, "2020-01-02", "John Smith", "person:john-smith")
             for i, t in enumerate(dupes)]
    groups = group_statements(refs)
    sizes = sorted(len(g.reports) for g in groups)
    assert len(groups) == 5000 and sizes[-1] == 5 and sizes[-2] == 1
    big = next(g for g in groups if len(g.reports) == 5)
    assert {q for q, _, _ in big.reports} == {0, 5000, 5001, 5002, 5003}


def test_same_words_rules():
    def same(a: str, b: str) -> bool:
        return near_duplicate(normalise(a), normalise(b)) is not None

    assert same("the wind is at our backs", "the wind at ours backs")  # a word dropped, "our"/"ours"
    assert same("We recognised the threat posed by the centre", "We recognized the threat posed by the center")
    assert not same("We will cut taxes by 5 percent this year", "We will cut taxes by 6 percent this year")
    assert not same("We will fix the roads before the winter", "We will fix the schools before the winter")
    assert not same("It is what it is", "Well, it is what it is, but we will see what the committee says")
    fragment = near_duplicate(normalise("a threat to all our interests"),
                              normalise("General Soleimani posed a threat to all our interests and was responsible "
                                        "for the deaths of hundreds"))
    assert fragment is not None and fragment.fragment


def test_a_fragment_inside_two_different_remarks_joins_neither():
    slogan = "make America great again"
    refs = [QuoteRef(1, "a", "k", slogan),
            QuoteRef(2, "b", "k", f"The Super Bowl is very boring, not as exciting as politics. {slogan}!"),
            QuoteRef(3, "c", "k", f"In our shared mission to {slogan}, I endorse the speaker"),
            QuoteRef(4, "d", "k", "a threat to all our interests"),
            QuoteRef(5, "e", "k", "Soleimani posed a threat to all our interests and was responsible")]
    groups = sorted(sorted(q for q, _, _ in g.reports) for g in group_statements(refs))
    assert groups == [[1], [2], [3], [4, 5]]


def test_an_article_of_300_quotes_by_one_speaker(tmp_path, nlp):
    texts = _distinct_quotes(300, seed=3)
    paras = [f"\u201c{t},\u201d Holloway said." for t in texts]
    paras[250] = paras[10]  # the same remarks quoted twice
    body = ("Holloway lays out her plans\n\nSenator Jane Holloway spoke to reporters in Springfield on Tuesday.\n\n"
            + "\n\n".join(paras) + "\n")
    (tmp_path / "speech.txt").write_text(body, encoding="utf-8")
    with Store(tmp_path / "speech.db") as store:
        assert ingest([str(tmp_path / "speech.txt")], store, workers=1).count("ingested") == 1
        rows = store.conn.execute("SELECT st.id, q.text FROM statements st JOIN statement_reports r ON "
                                  "r.statement_id = st.id JOIN quotes q ON q.id = r.quote_id").fetchall()
        speakers = {r[0] for r in store.conn.execute("SELECT DISTINCT speaker_entity_id FROM quotes")}
    assert len(rows) >= 290 and speakers == {"person:jane-holloway"}
    texts_by_statement: dict[int, set[str]] = {}
    for sid, text in rows:
        texts_by_statement.setdefault(sid, set()).add(normalise(text))
    assert all(len(t) == 1 for t in texts_by_statement.values())  # no two different quotes share a statement
    sizes = sorted(sum(1 for s, _ in rows if s == sid) for sid in texts_by_statement)
    assert sizes[-1] == 2 and sizes[-2] == 1  # the repeated remarks are one statement


# -- merge keeps A ------------------------------------------------------------------------------------------
def test_merge_keeps_the_first_entity_and_its_type():
    clusters = [LinkCluster("a", 0, "Barack Obama", "person", 2), LinkCluster("b", 0, "Obama", "organisation", 5),
                LinkCluster("c", 0, "Obama Foundation", "organisation", 4)]
    fixes = [Correction("merge", "Obama", "Obama Foundation"), Correction("merge", "Barack Obama", "Obama")]
    out = link_entities(clusters, corrections=fixes)
    assert {out.cluster_ids[(a, 0)] for a in "abc"} == {"person:barack-obama"}
    (ent,) = out.entities
    assert (ent.name, ent.type) == ("Barack Obama", "person")


def _store_rows(store: Store, aid: str, date: str, clusters: list[tuple[str, str, int]],
                quotes: list[tuple[str, str, str]]) -> None:
    """An analysed article written as rows (names, types and mention counts; quotes as text, speaker, type)."""
    c = store.conn
    text = " ".join(f"{n}." for n, _, _ in clusters) + " " + " ".join(q for q, _, _ in quotes)
    c.execute("INSERT INTO articles(id, content_hash, source, format, text, ingested_at, date) VALUES "
              "(?,?,?,?,?,?,?)", (aid, aid, aid, "text", text, "now", date))
    for i, (name, typ, count) in enumerate(clusters):
        c.execute("INSERT INTO article_entities(article_id, n, name, type) VALUES (?,?,?,?)", (aid, i, name, typ))
        c.executemany('INSERT INTO entity_mentions(article_id, n, start, "end", text, kind) VALUES (?,?,0,1,?,?)',
                      [(aid, i, name, "name")] * count)
    for i, (q, speaker, typ) in enumerate(quotes):
        c.execute('INSERT INTO quotes(article_id, n, start, "end", text, kind, speaker, speaker_type, confidence) '
                  "VALUES (?,?,0,1,?,'direct',?,?,0.9)", (aid, i, q, speaker, typ))
    c.execute("UPDATE articles SET analysed_at = 'now' WHERE id = ?", (aid,))


def test_merge_a_person_with_a_bare_surname_typed_organisation(tmp_path):
    path = str(tmp_path / "obama.db")
    with Store(path) as store:
        with store.transaction():
            _store_rows(store, "a1", "2016-01-01", [("Barack Obama", "person", 3)],
                        [("We will keep going", "Barack Obama", "person")])
            _store_rows(store, "a2", "2016-01-02", [("Obama", "organisation", 4)],
                        [("The plan is working", "Obama", "organisation")])
        link(store, [])
    with onrecord.open(path) as db:
        assert db.entity("organisation:obama").type == "organisation"
        assert db.find_entity("Obama").id == "person:barack-obama"  # a lone surname means the person, and says so
        assert "taken as Barack Obama" in (db.find_entity("Obama").note or "")
        merged = db.correct_entities("merge", "Barack Obama", "Obama")
        assert (merged.id, merged.type) == ("person:barack-obama", "person")
        assert "Obama" in merged.aliases
        assert {q.speaker_id for q in db.all_quotes()} == {"person:barack-obama"}
        assert db.entity("Obama").id == "person:barack-obama"


def _remarks(rng: random.Random, n: int) -> list[str]:
    words = VOCAB + ["the", "we", "will", "and", "our", "not", "is"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(6, 16))) for _ in range(n)]


def _variant(rng: random.Random, text: str) -> str:
    """A report of ``text`` as outlets differ, or a different remark of the same frame."""
    words = text.split()
    kind = rng.choice(["copy", "case", "fragment", "longer", "dropped", "other"])
    if kind == "case":
        return text.upper()
    if kind == "fragment" and len(words) > 8:
        start = rng.randint(0, len(words) - 5)
        return " ".join(words[start:start + rng.randint(4, 6)])
    if kind == "longer":
        return f"{text} and that is final"
    if kind == "dropped":
        return " ".join(w for w in words if w != "the") or text
    if kind == "other":
        return " ".join(rng.sample(words, len(words)))
    return text


def test_statements_linked_batch_by_batch_match_grouping_everything_at_once(tmp_path):
    rng = random.Random(11)
    pool = _remarks(rng, 12)
    people = ["Ann Lee", "Bob Ray", "Cy Dee", "Lee"]  # "Lee" is Ann Lee until Bo Lee turns up in a20
    articles = []
    for k in range(40):
        said = [(rng.choice(people), _variant(rng, rng.choice(pool))) for _ in range(rng.randint(2, 7))]
        articles.append((f"a{k:02d}", f"2020-01-{k % 28 + 1:02d}", said))

    def write(store: Store, part: list) -> None:
        with store.transaction():
            for aid, date, said in part:
                names = sorted({p for p, _ in said} | ({"Bo Lee"} if aid == "a20" else set()))
                _store_rows(store, aid, date, [(p, "person", 2) for p in names],
                            [(f"\u201c{t}\u201d", p, "person") for p, t in said])

    batched, whole = tmp_path / "batched.db", tmp_path / "whole.db"
    with Store(batched) as store:
        order = articles[:]
        rng.shuffle(order)
        while order:
            n = rng.choice([1, 3, 8])
            write(store, order[:n])
            del order[:n]
            assert not link(store, [], batch=rng.choice([1, 2, 32])).full
    with Store(whole) as store:
        write(store, articles)
        link(store)
        refs = [QuoteRef(r[0], r[1], "person:" + r[3].split()[-1].lower(), r[2], r[5], r[3], r[4]) for r in
                store.conn.execute("SELECT q.id, q.article_id, q.text, q.speaker, q.speaker_entity_id, a.date FROM "
                                   "quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.date, q.id")]
        where = {r[0]: (r[1], r[2]) for r in store.conn.execute("SELECT id, article_id, n FROM quotes")}
    expected = sorted(sorted((where[q], sim) for q, _, sim in g.reports) for g in group_statements(refs))
    assert any(len(g) > 2 for g in expected) and any(len(g) == 1 for g in expected)
    def same_words(path: Path) -> list:  # equal variants tie on length: the earlier quote id speaks, ids differ here
        return sorted((sp, normalise(text), first, reports, articles) for sp, text, first, reports, articles, _ in
                      snapshot(str(path))["statements"])

    assert same_words(whole) == same_words(batched)
    got = sorted(sorted(((a, n), sim) for (a, n), sim in s[3]) for s in snapshot(str(whole))["statements"])
    assert got == [[((a, n), sim) for (a, n), sim in g] for g in expected]


def test_the_migration_fills_the_surname_weights_an_existing_store_lacks(tmp_path, nlp):
    """A store linked before the kept surname totals gets them from ``onrecord migrate``, equal to the sums they
    replace (no relink needed)."""
    path = tmp_path / "old.db"
    _ingest(path, SAMPLES)
    kept = _lone_surname_tops(str(path))
    c = sqlite3.connect(path)
    c.execute("DROP TABLE link_surname_weights")
    c.execute("DROP INDEX link_nodes_unlinked")
    number = next(n for n, _, sql in MIGRATIONS if "CREATE TABLE IF NOT EXISTS link_surname_weights" in sql)
    c.execute(f"PRAGMA user_version = {number - 1}")
    c.commit()
    c.close()
    assert onrecord.migrate(str(path)) == (number - 1, MIGRATIONS[-1][0])
    assert _lone_surname_tops(str(path)) == _lone_surname_tops(str(path), from_scratch=True) == kept
    assert any(kept.values())
