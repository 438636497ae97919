"""Stance holders, targets and principals link to entities as quote speakers do: through the article's own
cluster for the name or span, never by a store-wide guess (issue 25, second round)."""
from __future__ import annotations

import sqlite3

import onrecord
from onrecord.link import link
from onrecord.store import Store


def _article(store: Store, aid: str, clusters: list[tuple[str, str, int]],
             stances: list[tuple[str, str, str, str]]) -> None:
    """An analysed article written as rows: clusters (name, type, mentions), each mention at its own offsets in
    the text, and stances (holder, holder type, target, target type) whose spans are the first mention of a
    cluster of that name, as the stance analysis writes them."""
    c = store.conn
    text = " ".join(f"{n}." for n, _, count in clusters for _ in range(count))
    c.execute("INSERT INTO articles(id, content_hash, source, format, text, ingested_at, date) VALUES "
              "(?,?,?,?,?,?,?)", (aid, aid, aid, "text", text, "now", "2016-05-01"))
    first: dict[str, tuple[int, int]] = {}
    at = 0
    for i, (name, typ, count) in enumerate(clusters):
        c.execute("INSERT INTO article_entities(article_id, n, name, type) VALUES (?,?,?,?)", (aid, i, name, typ))
        for _ in range(count):
            first.setdefault(name, (at, at + len(name)))
            c.execute('INSERT INTO entity_mentions(article_id, n, start, "end", text, kind) VALUES (?,?,?,?,?,?)',
                      (aid, i, at, at + len(name), name, "name"))
            at += len(name) + 2
    for n, (holder, htype, target, ttype) in enumerate(stances):
        hs, he = first.get(holder, (None, None))
        ts, te = first.get(target, (None, None))
        c.execute('INSERT INTO stances(article_id, n, start, "end", text, label, polarity, holder, holder_type, '
                  "holder_start, holder_end, target, target_type, target_start, target_end, target_keys, source) "
                  "VALUES (?,?,0,1,?,'criticise',-1,?,?,?,?,?,?,?,?,'[]','rule')",
                  (aid, n, f"{holder} criticised {target}", holder, htype, hs, he, target, ttype, ts, te))
    c.execute("UPDATE articles SET analysed_at = 'now' WHERE id = ?", (aid,))


# The report: the recogniser typed "Bernie Sanders" an organisation in one article. The name is written as a
# person's more often, so both are one person, and every stance of his links to him; "Sarah Sanders" stays apart.
ARTICLES = [
    ("a1", [("Bernie Sanders", "person", 4), ("Hillary Clinton", "person", 3)],
     [("Bernie Sanders", "person", "Hillary Clinton", "person")]),
    ("a2", [("Bernie Sanders", "organisation", 2), ("Wall Street", "organisation", 2)],
     [("Bernie Sanders", "organisation", "Wall Street", "organisation")]),
    ("a3", [("Bernie Sanders", "person", 3), ("Sarah Sanders", "person", 2)],
     [("Bernie Sanders", "person", "Sarah Sanders", "person"), ("Sarah Sanders", "person", "media", "group")]),
]


def _stance_links(path: str) -> list[tuple]:
    with sqlite3.connect(path) as c:
        return sorted(c.execute("SELECT article_id, n, holder_entity_id, target_entity_id, holder_key FROM stances"),
                      key=str)


def test_a_holder_the_recogniser_once_typed_an_organisation_links_to_the_person(tmp_path):
    path = str(tmp_path / "sanders.db")
    with Store(path) as store:
        with store.transaction():
            for aid, clusters, stances in ARTICLES:
                _article(store, aid, clusters, stances)
        link(store)
    with onrecord.open(path) as db:
        assert db.entity_ids("Bernie Sanders") == ["person:bernie-sanders"]  # one entity, typed by most mentions
        person = db.entity("person:bernie-sanders")
        mine = db.all_stances(holder=person.id)
        assert sorted(s.article_id for s in mine) == ["a1", "a2", "a3"]  # his page counts every article's stances
        assert {s.target_id for s in mine} == {"person:hillary-clinton", "person:sarah-sanders",
                                               "organisation:wall-street"}
        media = [s for s in db.all_stances() if s.target == "media"]
        assert media[0].holder_id == "person:sarah-sanders" and media[0].target_id is None  # no entity: unlinked


def test_stance_links_made_one_article_at_a_time_equal_a_full_relink(tmp_path):
    """A lone surname's stance ("Sanders") moves to the dominant person once the articles that make him dominant
    arrive: linking one article at a time follows it through the changed node, as a full relink links it."""
    articles = [("b1", [("Sanders", "person", 2), ("Wall Street", "organisation", 1)],
                 [("Sanders", "person", "Wall Street", "organisation")])] + ARTICLES + [
        ("b2", [("Bernie Sanders", "person", 9)], [])]
    one, full = str(tmp_path / "one.db"), str(tmp_path / "full.db")
    with Store(one) as store:
        for aid, clusters, stances in articles:
            with store.transaction():
                _article(store, aid, clusters, stances)
            link(store, [aid])
    with Store(full) as store:
        with store.transaction():
            for aid, clusters, stances in articles:
                _article(store, aid, clusters, stances)
        link(store)
    assert _stance_links(one) == _stance_links(full)
    lone = [r for r in _stance_links(full) if r[0] == "b1"]
    assert lone[0][2] == "person:bernie-sanders"
