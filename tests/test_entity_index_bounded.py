"""The entity index reads counts the link stage keeps (issue 12): they equal counting every entity's rows, a page's
cost does not grow with the quotes and mentions of the entities it shows, and a facet out of time says so."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import web_support as ws

import onrecord
from onrecord.store.db import _statements
from onrecord.store.schema import MIGRATIONS
from onrecord.web.app import create_app

CORBYN = "person:jeremy-corbyn"
COUNTS = ("quotes_by", "quotes_about", "articles", "outlets", "mentions")


@pytest.fixture()
def store(tmp_path_factory, tmp_path) -> Path:
    return ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path)


def counted(conn: sqlite3.Connection, eid: str, outlet: str | None) -> tuple[int, ...]:
    """An entity's counts over its rows (the queries the index ran per request before the counts were kept);
    with an outlet, in that outlet's articles only."""
    def only(col: str) -> str:
        return f" JOIN articles oa ON oa.id = {col} AND oa.outlet = :o" if outlet else ""
    seen = (f"SELECT ae.article_id AS aid FROM article_entities ae{only('ae.article_id')} WHERE ae.entity_id = :e "
            f"UNION SELECT rm.article_id FROM role_mentions rm{only('rm.article_id')} WHERE rm.entity_id = :e "
            f"UNION SELECT q.article_id FROM quotes q{only('q.article_id')} WHERE q.speaker_entity_id = :e "
            "OR q.on_behalf_of_entity_id = :e")
    sql = {
        "quotes_by": f"SELECT count(*) FROM quotes q{only('q.article_id')} WHERE q.speaker_entity_id = :e OR "
                     "q.on_behalf_of_entity_id = :e",
        "quotes_about": "SELECT count(DISTINCT q.id) FROM article_entities ae JOIN entity_mentions m ON m.article_id = "
                        "ae.article_id AND m.n = ae.n JOIN quotes q ON q.article_id = m.article_id AND m.start >= "
                        f'q.start AND m."end" <= q."end"{only("q.article_id")} WHERE ae.entity_id = :e AND '
                        "m.kind != 'pronoun' AND coalesce(q.speaker_entity_id, '') != :e AND "
                        "coalesce(q.on_behalf_of_entity_id, '') != :e",
        "articles": f"SELECT count(*) FROM ({seen})",
        "outlets": f"SELECT count(DISTINCT sa.outlet) FROM ({seen}) x JOIN articles sa ON sa.id = x.aid",
        "mentions": "SELECT (SELECT count(*) FROM entity_mentions m JOIN article_entities ae ON ae.article_id = "
                    f"m.article_id AND ae.n = m.n{only('ae.article_id')} WHERE ae.entity_id = :e) + (SELECT count(*) "
                    f"FROM role_mentions rm{only('rm.article_id')} WHERE rm.entity_id = :e)",
    }
    return tuple(conn.execute(sql[c], {"e": eid, "o": outlet}).fetchone()[0] for c in COUNTS)


def index(api: onrecord.Onrecord, **filters: Any) -> dict[str, tuple[int, ...]]:
    return {e.id: tuple(getattr(e, c) for c in COUNTS) for e in api.entity_index(**filters, limit=1000)}


def test_kept_counts_equal_the_counts_over_the_rows(store):
    api = onrecord.open(str(store))
    conn = sqlite3.connect(store)
    everyone = index(api)
    assert len(everyone) == conn.execute("SELECT count(*) FROM entities").fetchone()[0] > 20
    assert everyone == {eid: counted(conn, eid, None) for eid in everyone}
    assert everyone[CORBYN][0] > 0 and everyone[CORBYN][1] > 0 and everyone[CORBYN][3] > 1
    # a type filter within an outlet reads a range of ids: every id starts with its type
    assert not conn.execute("SELECT id FROM entities WHERE substr(id, 1, length(type) + 1) != type || ':'").fetchall()
    facets = {f.name: {v.value: v.count for v in f.values} for f in api.entity_facets()}
    outlets = [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")]
    assert len(outlets) > 1
    for outlet in outlets:
        there = index(api, outlet=outlet)
        expected = {eid: c for eid in everyone if (c := counted(conn, eid, outlet))[2]}  # appears in its articles
        assert there == expected, outlet
        assert facets["outlet"][outlet] == len(there) == api.entity_index(outlet=outlet).total
    for typ, n in facets["type"].items():
        assert api.entity_index(type=typ).total == n


@pytest.mark.parametrize("filters", [{}, {"type": "person"}, {"outlet": "The Sun"}, {"type": "organisation",
                                     "outlet": "PoliticsHome"}, {"q": "a"}, {"q": "corb", "outlet": "The Sun"}])
def test_facet_counts_are_what_their_filters_select(store, filters):
    api = onrecord.open(str(store))
    facets = {f.name: f for f in api.entity_facets(**filters)}
    assert facets["type"].values and facets["outlet"].values and facets["type"].counted
    for name, facet in facets.items():
        for v in facet.values:  # a value of a field already filtered on: how many of the selection have it too
            if v.value is not None and (name not in filters or v.value == filters[name]):
                assert api.entity_index(**{**filters, name: v.value}).total == v.count, (name, v)
    assert sum(v.count for v in facets["type"].values) == api.entity_index(**filters).total


def test_sorts_read_the_kept_counts_in_order(store):
    api = onrecord.open(str(store))
    for key in COUNTS:
        rows = list(api.entity_index(sort="-" + key, limit=1000))
        assert [(-getattr(e, key), e.name, e.id) for e in rows] == sorted((-getattr(e, key), e.name, e.id)
                                                                           for e in rows), key
        up = list(api.entity_index(sort=key, type="person", limit=1000))
        assert {e.type for e in up} == {"person"}
        assert [getattr(e, key) for e in up] == sorted(getattr(e, key) for e in up), key
    names = [e.name for e in api.entity_index(sort="-name", limit=1000)]
    assert names == sorted(names, reverse=True)


def test_the_migration_fills_the_counts_linking_keeps(store):
    conn = sqlite3.connect(store)
    kept = (conn.execute("SELECT * FROM entity_outlets ORDER BY 1, 2").fetchall(),
            conn.execute(f"SELECT id, {', '.join(COUNTS)} FROM entities ORDER BY id").fetchall())
    conn.execute("DELETE FROM entity_outlets")
    conn.execute("UPDATE entities SET quotes_by = 0, quotes_about = 0, articles = 0, outlets = 0")
    counts_migration = next(m[2] for m in MIGRATIONS if "INSERT INTO entity_outlets" in m[2])
    fill = [s for s in _statements(counts_migration) if s.lstrip().startswith(
        ("INSERT INTO entity_outlets", "DELETE FROM entity_outlets", "UPDATE entities"))]
    assert len(fill) == 6
    for stmt in fill:
        conn.execute(stmt)
    assert (conn.execute("SELECT * FROM entity_outlets ORDER BY 1, 2").fetchall(),
            conn.execute(f"SELECT id, {', '.join(COUNTS)} FROM entities ORDER BY id").fetchall()) == kept


def steps(api: onrecord.Onrecord, call: Any) -> int:
    """SQLite virtual-machine steps (in tens) that ``call`` makes on the API's connection."""
    n = 0

    def tick() -> int:
        nonlocal n
        n += 1
        return 0
    api.conn.set_progress_handler(tick, 10)
    try:
        call()
    finally:
        api.conn.set_progress_handler(None, 10)
    return n


def grow(path: Path, times: int) -> None:
    """Copy every quote, cluster, mention and role mention ``times`` over (in the same articles): rows the
    entity index must not read, since its counts are kept."""
    conn = sqlite3.connect(path)
    cols = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in ("id", "n")]
            for t in ("quotes", "article_entities", "entity_mentions", "role_mentions")}
    for k in range(1, times + 1):
        conn.execute(f"INSERT INTO quotes(n, {', '.join(cols['quotes'])}) SELECT n + {k * 100_000}, "
                     f"{', '.join(cols['quotes'])} FROM quotes WHERE n < 100000")
        conn.execute(f"INSERT INTO article_entities(n, {', '.join(cols['article_entities'])}) SELECT "
                     f"n + {k * 100_000}, {', '.join(cols['article_entities'])} FROM article_entities WHERE n < 100000")
        conn.execute("INSERT INTO entity_mentions SELECT * FROM entity_mentions WHERE n < 100000")
        conn.execute(f"INSERT INTO role_mentions(n, {', '.join(cols['role_mentions'])}) SELECT n + {k * 100_000}, "
                     f"{', '.join(cols['role_mentions'])} FROM role_mentions WHERE n < 100000")
    conn.commit()
    conn.close()


REQUESTS = {
    "default": lambda api: api.entity_index(limit=20),
    "by quotes": lambda api: api.entity_index(sort="-quotes_by", limit=20),
    "people by articles": lambda api: api.entity_index(type="person", sort="-articles", limit=20),
    "in an outlet": lambda api: api.entity_index(outlet="The Sun", sort="-quotes_about", limit=20),
    "facets": lambda api: api.entity_facets(),
}


def test_a_page_costs_the_same_however_many_rows_its_entities_have(store, tmp_path):
    api = onrecord.open(str(store))
    before = {name: steps(api, lambda r=r: r(api)) for name, r in REQUESTS.items()}
    shown = [e.id for e in api.entity_index(limit=20)]
    api.close()
    grow(store, 10)
    api = onrecord.open(str(store))
    assert api.conn.execute("SELECT count(*) FROM quotes WHERE speaker_entity_id = ?", (CORBYN,)).fetchone()[0] > 50
    after = {name: steps(api, lambda r=r: r(api)) for name, r in REQUESTS.items()}
    assert [e.id for e in api.entity_index(limit=20)] == shown
    assert after == before and min(before.values()) > 10, before


def test_a_facet_out_of_time_is_not_counted(store, monkeypatch):
    api = onrecord.open(str(store))
    facets = api.entity_facets(time_limit=0)
    assert [(f.name, f.counted, f.values) for f in facets] == [("type", False, []), ("outlet", False, [])]
    assert all(f.counted and f.values for f in api.entity_facets(time_limit=10.0))
    with ws.TestClient(create_app(str(store))) as client:
        assert "not counted" not in client.get("/entities").text  # the default budget counts a small store's
        monkeypatch.setenv("ONRECORD_FACET_TIME_LIMIT_MS", "0")
        tree = ws.Tree(client.get("/entities?type=person").text)
        assert len(tree.find("p", class_="not-counted")) == 2
        body = client.get("/entities.json").json()
        assert [f["counted"] for f in body["facets"]] == [False, False] and body["items"]
