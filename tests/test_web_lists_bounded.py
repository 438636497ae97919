"""Issue 12 for the lists: a list request does a bounded amount of work. Facets that run out of their time say
so, contradictions are grouped and paged in SQL, a statement in a list shows its first reports and how many more
(its article count kept by the link stage), a statement's page pages its reports, large totals stop at the count cap
("N+", ``total_capped``), pages stop at a maximum offset, quote sorts walk their own index, and the contradictions
list pages through the claim groups the link stage keeps (the same VM steps however many other pairs are added)."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import web_support as ws

import onrecord
from onrecord.link import link
from onrecord.link.stances_store import build_claim_groups
from onrecord.store import Store
from onrecord.store.db import TimeUp, _statements
from onrecord.store.schema import MIGRATIONS
from onrecord.web import lists
from onrecord.web.app import create_app
from onrecord.web.views import group_by_claim


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(ws.demo_store(tmp_path_factory))


@pytest.fixture(scope="module")
def client(store):
    with ws.TestClient(create_app(store)) as c:
        yield c


def test_a_read_past_its_time_limit_is_interrupted_and_the_connection_stays_usable(tmp_path):
    with Store(tmp_path / "s.db") as s:
        endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        with pytest.raises(TimeUp), s.time_limit(0.01):
            s.conn.execute(endless).fetchone()
        with pytest.raises(TimeUp), s.time_limit(0):
            s.conn.execute("SELECT 1").fetchone()
        assert s.conn.execute("SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2)").fetchone()[0] == 2


@pytest.mark.parametrize("kind", ["quotes", "stances", "statements", "articles", "contradictions"])
def test_a_facet_given_no_time_is_shown_as_not_counted_never_as_zero(client, monkeypatch, kind):
    counted = client.get(f"/{kind}.json").json()
    assert counted["facets"] and all(f["counted"] for f in counted["facets"])
    monkeypatch.setenv("ONRECORD_FACET_TIME_LIMIT_MS", "0")
    body = client.get(f"/{kind}.json").json()
    assert body["facets"] and all(not f["counted"] and f["values"] == [] for f in body["facets"])
    assert body["items"] == counted["items"] and body["total"] == counted["total"]  # the rows themselves are kept
    html = client.get(f"/{kind}").text
    assert html.count("not counted (too many rows to count in time; narrow the filters") == len(body["facets"])
    assert html.count('class="count-it"') == len(body["facets"])


@pytest.mark.parametrize("kind", ["quotes", "stances", "articles"])
def test_count_it_gives_one_facet_more_time_and_counts_it_as_the_unlimited_count_does(client, monkeypatch, kind):
    everything = {f["name"]: f for f in client.get(f"/{kind}.json").json()["facets"]}
    monkeypatch.setenv("ONRECORD_FACET_TIME_LIMIT_MS", "1")
    monkeypatch.setattr(lists, "COUNT_IT", 100_000)  # a demo store counts in far less than 100 s
    monkeypatch.setattr(lists, "facet_time", lambda params, f=lists.facet_time: {**f(params), "": 0.0})
    html = client.get(f"/{kind}").text
    link = re.search(r'<a class="count-it" href="([^"]+)"', html)
    assert link, "a facet not counted offers to count it"
    asked = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", link[1].replace("&amp;", "&")))["_count"]
    body = client.get(link[1].replace("&amp;", "&").replace(f"/{kind}?", f"/{kind}.json?")).json()
    got = {f["name"]: f for f in body["facets"]}
    assert got[asked]["counted"] and got[asked] == everything[asked]
    assert all(not f["counted"] for name, f in got.items() if name != asked)


def test_contradiction_groups_are_paged_in_sql_exactly_as_grouped_before(store):
    with onrecord.open(store, readonly=True) as api:
        pairs = api.contradictions()
        groups = group_by_claim(pairs)
        assert groups, "the demo store has contradictions"
        for offset, expected in enumerate(groups):
            page = api.contradiction_groups(limit=1, offset=offset)
            assert page.total == len(groups)
            (got,) = group_by_claim(page)
            assert ([c.id for c in got.claims], [s.id for s, _ in got.counters]) == (
                [c.id for c in expected.claims], [s.id for s, _ in expected.counters])
        assert not api.contradiction_groups(limit=1, offset=len(groups)) and api.contradiction_groups(
            limit=1, offset=len(groups)).total == len(groups)
        assert api.contradiction_counts() == {"claims": len({c.claim.id for c in pairs}),
                                              "counters": len({c.counter.id for c in pairs})}
        facets = {f.name: {v.value: v.count for v in f.values} for f in api.contradiction_facets()}
        assert sum(facets["kind"].values()) == len(pairs)


def test_the_contradictions_api_pages_in_sql(client, store):
    with onrecord.open(store, readonly=True) as api:
        every = [c.id for c in api.contradictions()]
    assert len(every) > 1
    first = client.get("/api/contradictions?limit=1").json()
    second = client.get("/api/contradictions?limit=1&offset=1").json()
    assert first["total"] == second["total"] == len(every)
    assert [first["items"][0]["id"], second["items"][0]["id"]] == every[:2]


def test_a_statement_in_a_list_shows_its_first_reports_and_counts_them_all(client, store):
    with onrecord.open(store, readonly=True) as api:
        full = api.statements(min_articles=2, limit=50)
        short = api.statements(min_articles=2, limit=50, reports=1)
        counts = api.statement_counts([s.id for s in full])
    assert [s.id for s in short] == [s.id for s in full] and short.total == full.total
    assert all(len(s.reports) == 1 for s in short)
    assert any(len(s.reports) > 1 for s in full)
    for s in full:
        assert counts[s.id]["reports"] == len(s.reports)
        assert counts[s.id]["articles"] == len({r.article_id for r in s.reports})
    html = client.get("/statements").text
    for s in full:
        assert f"{len(s.reports)} reports in {len({r.article_id for r in s.reports})} articles" in html
    # the exports still carry every report
    exported = client.get("/statements.json").json()["items"]
    assert [len(s["reports"]) for s in exported] == [len(s.reports) for s in full[:len(exported)]]


def test_the_articles_a_statement_is_reported_in_are_kept_by_the_link_stage(store, client):
    with onrecord.open(store, readonly=True) as api:
        kept = dict(api.conn.execute("SELECT id, articles FROM statements"))
        counted = dict(api.conn.execute("SELECT statement_id, count(DISTINCT article_id) FROM statement_reports "
                                        "GROUP BY statement_id"))
        assert kept and kept == counted
        several = api.statements(min_articles=2, limit=50)
        assert [s.id for s in several] == [s.id for s in api.statements(limit=50) if counted[s.id] >= 2]
        by_articles = api.statements(sort="-articles", limit=50)
        assert [counted[s.id] for s in by_articles] == sorted(counted.values(), reverse=True)[:50]
    plan = " ".join(str(r[3]) for r in api_plan(store, "SELECT id FROM statements st WHERE st.reports >= 1 AND "
                                                "st.articles >= 2 ORDER BY (st.articles) IS NULL, st.articles DESC, "
                                                "st.id LIMIT 20"))
    assert "TEMP B-TREE" not in plan  # a page of the articles sort reads its index in order


def api_plan(store, sql):
    with onrecord.open(store, readonly=True) as api:
        return api.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()


def test_a_statements_page_shows_one_page_of_its_reports_and_counts_them_all(client, store, monkeypatch):
    from onrecord.web import pages
    with onrecord.open(store, readonly=True) as api:
        st = max(api.statements(limit=100), key=lambda s: len(s.reports))
    n = len(st.reports)
    assert n > 1
    monkeypatch.setattr(pages, "REPORTS_PAGE", 1)
    first = client.get(f"/statements/{st.id}").text
    assert first.count('<tr class="report">') == 1 and ">reference</span>" in first
    assert f"1–1 of {n} reports" in first and f"One statement, {n} reports" in first
    second = client.get(f"/statements/{st.id}?offset=1").text
    assert second.count('<tr class="report">') == 1 and f"2–2 of {n} reports" in second
    assert ">reference</span>" not in second and re.search(r'<td class="num">[01]\.\d\d</td>', second)
    body = client.get(f"/api/statements/{st.id}?limit=1&offset=1").json()
    assert body["reports_total"] == n and [r["quote_id"] for r in body["reports"]] == [st.reports[1].quote_id]
    every = client.get(f"/api/statements/{st.id}").json()
    assert [r["quote_id"] for r in every["reports"]] == [r.quote_id for r in st.reports]


@pytest.mark.parametrize("url", ["/quotes", "/stances", "/statements?min_articles=1", "/?q=the"])
def test_a_total_past_the_count_cap_shows_as_at_least_in_pages_and_json(client, store, monkeypatch, url):
    with onrecord.open(store, readonly=True) as api:
        exact = {"/quotes": api.quotes(min_confidence=0.5, limit=1).total, "/stances": api.stances(limit=1).total,
                 "/statements?min_articles=1": api.statements(limit=1).total,
                 "/?q=the": api.quotes(q="the", limit=1).total}[url]
    assert exact > 2
    monkeypatch.setattr(onrecord.Onrecord, "count_cap", 2)
    html = client.get(url).text
    assert "of 2+ " in html  # the pager: "1–2 of 2+ quotes"
    if url != "/?q=the":
        path, _, query = url.partition("?")
        body = client.get(f"{path}.json?{query}").json()
        assert body["total"] == 2 and body["total_capped"] is True
        api_body = client.get(f"/api{path}?{query}").json()
        assert api_body["total"] == 2 and api_body["total_capped"] is True
    with onrecord.open(store, readonly=True) as api:  # the library's totals stay exact by default
        assert api.quotes(limit=1).total > 2 and "total_capped" not in client.get("/api/quotes?by=nobody").json()


def test_pages_stop_at_a_maximum_offset_and_say_how_to_go_further(client, monkeypatch):
    from onrecord.web import lists
    every = client.get("/quotes.csv?_stream=1&min_confidence=0").text.splitlines()
    monkeypatch.setattr(lists, "MAX_PAGE_OFFSET", 1)
    assert client.get("/quotes?offset=1").status_code == 200
    for url in ("/quotes?offset=2", "/quotes.json?offset=2", "/quotes.csv?offset=2", "/quotes.json?offset=2&_stream=1"):
        r = client.get(url)
        assert r.status_code == 400 and "narrow the filters" in r.text
    # the streamed CSV still pages past it, for every matching row
    assert client.get("/quotes.csv?_stream=1&min_confidence=0&_size=1").text.splitlines() == every


@pytest.mark.parametrize("sort", ["speaker", "-speaker", "kind", "-kind", "confidence", "-confidence"])
def test_quotes_sorted_by_a_field_of_the_quote_walk_its_index_and_tie_in_stored_order(store, sort):
    with onrecord.open(store, readonly=True) as api:
        every = api.quotes(min_confidence=0, sort=sort, limit=500)
        key = {"speaker": lambda q: q.speaker if q.speaker_type != "spokesperson" or not q.on_behalf_of
               else q.on_behalf_of, "kind": lambda q: q.kind, "confidence": lambda q: q.confidence}[sort.lstrip("-")]
        values = [key(q) for q in every]
        present = sorted((v for v in values if v is not None), reverse=sort.startswith("-"))
        assert values == present + [None] * (len(values) - len(present))  # rows without a value last
        for a, b in zip(every, every[1:]):
            if key(a) == key(b):
                assert a.id < b.id
        assert [q.id for q in api.quotes(min_confidence=0, sort=sort, limit=3, offset=3)] == [q.id for q in every[3:6]]
        ran: list[str] = []  # the statements the API runs, their arguments written in
        api.conn.set_trace_callback(ran.append)
        api.quotes(kind="direct", sort=sort, limit=20)
        api.conn.set_trace_callback(None)
        (page,) = [sql for sql in ran if "ORDER BY" in sql]
        plan = api.conn.execute(f"EXPLAIN QUERY PLAN {page}").fetchall()
        assert "TEMP B-TREE" not in " ".join(str(r[3]) for r in plan)


# -- contradictions: the claim groups the link stage keeps ------------------------------------------------------
def grow_contradictions(path, times: int) -> None:
    """Add ``times`` copies of every contradiction pair, copy k about a subject of its own ("~0007 Jeremy Corbyn",
    after every real subject) with its own copies of both stances, leaving out a different third of the pairs in
    each copy so that claims split into groups; then keep the groups as the link stage does."""
    conn = sqlite3.connect(path)
    with conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(stances)")]
        picked = ", ".join(f"t.{c} + k.i * 100000" if c in ("id", "n") else f't."{c}"' for c in cols)
        k = f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {times})"
        conn.execute(f"{k} INSERT INTO stances({', '.join(chr(34) + c + chr(34) for c in cols)}) SELECT {picked} "
                     "FROM stances t, k WHERE t.id IN (SELECT claim_id FROM contradictions UNION SELECT counter_id "
                     "FROM contradictions)")
        conn.execute(f"{k} INSERT INTO contradictions(subject, subject_entity_id, about, claim_id, counter_id, kind, "
                     "shared_keys, group_key) SELECT printf('~%04d ', k.i) || subject, subject_entity_id || k.i, "
                     "about, claim_id + k.i * 100000, counter_id + k.i * 100000, kind, shared_keys, group_key || k.i "
                     "FROM contradictions t, k WHERE t.claim_id < 100000 AND (t.claim_id + t.counter_id + k.i) % 3")
        build_claim_groups(conn)
    conn.close()


@pytest.fixture(scope="module")
def paired(store, tmp_path_factory):
    """The demo store relinked with the stances' cut at 0.7, so that its contradictions hold pairs of both kinds and
    groups of several claims and counters (at the shipped cut the sample keeps fewer): these tests are about how
    the pages group and page pairs, not about which pairs the sample makes."""
    path = ws.copy_store(Path(store), tmp_path_factory.mktemp("paired"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ONRECORD_STANCE_MIN_CONFIDENCE", "0.7")
        with Store(path) as s:
            link(s)
    with sqlite3.connect(path) as conn:
        kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM contradictions")}
    assert {"claim-vs-own", "claim-vs-spokesperson"} <= kinds, kinds
    return path


@pytest.fixture(scope="module")
def grown(paired, tmp_path_factory):
    """The paired store with 25 and with 250 copies of its contradictions about subjects of their own."""
    out = {}
    for times in (25, 250):
        path = ws.copy_store(Path(paired), tmp_path_factory.mktemp(f"grown{times}"))
        grow_contradictions(path, times)
        out[times] = path
    return out


def _groups(page):
    return [(g.subject, g.subject_id, g.claims, g.counters, g.claims_total, g.counters_total) for g in page.groups]


@pytest.mark.parametrize("kind", [None, "claim-vs-own", "claim-vs-spokesperson"])
def test_the_kept_claim_groups_page_exactly_as_the_sql_grouping(grown, tmp_path, kind):
    kept = grown[25]
    sql = ws.copy_store(kept, tmp_path)
    with sqlite3.connect(sql) as conn:  # as a store migrated to schema 8 before its next link: no kept groups
        conn.execute("DELETE FROM claim_groups")
        conn.execute("DELETE FROM contradiction_totals")
        groups_migration = next(m[2] for m in MIGRATIONS if "'claim_groups'" in m[2])
        (mark,) = [m for m in _statements(groups_migration) if "'claim_groups'" in m]
        conn.execute(mark)
    with onrecord.open(kept, readonly=True) as a, onrecord.open(sql, readonly=True) as b:
        every = b.contradiction_groups(kind=kind, limit=1000)
        assert every.total > 25 and len(every.groups) == every.total
        assert any(g.claims_total > 1 for g in every.groups)
        assert kind or any(g.counters_total > 1 for g in every.groups)  # (one piece of each kind in the demo)
        assert a.contradiction_groups(kind=kind, limit=1000).total == every.total
        for offset in range(0, every.total + 7, 7):
            x, y = a.contradiction_groups(kind=kind, limit=7, offset=offset), b.contradiction_groups(
                kind=kind, limit=7, offset=offset)
            assert _groups(x) == _groups(y) == _groups(every)[offset:offset + 7]
            assert [c.id for c in x] == [c.id for c in y] and x.total == y.total
            assert [([c.id for c in g.claims], [s.id for s, _ in g.counters]) for g in group_by_claim(x)] == [
                (g.claims, g.counters) for g in x.groups]
        assert a.contradiction_counts(kind=kind) == b.contradiction_counts(kind=kind)
        assert a.contradictions(kind=kind, limit=3).total == b.contradictions(kind=kind, limit=3).total
    with Store(sql) as s:  # the next link keeps them
        link(s, [])
        assert not s.conn.execute("SELECT 1 FROM link_state WHERE name = 'claim_groups'").fetchone()
    with onrecord.open(sql, readonly=True) as b:
        assert _groups(b.contradiction_groups(kind=kind, limit=1000)) == _groups(every)


def test_a_claim_group_shows_its_first_claims_and_counters_and_how_many_more(paired, monkeypatch):
    store = paired
    with onrecord.open(store, readonly=True) as api:  # the first group with several claims and counters
        at = next(i for i, g in enumerate(api.contradiction_groups(limit=100).groups)
                  if g.claims_total > 1 and g.counters_total > 1)
        full = api.contradiction_groups(limit=1, offset=at)
        cut = api.contradiction_groups(limit=1, offset=at, shown=1)
    (g,) = full.groups
    assert g.claims_total == len(g.claims) > 1 and g.counters_total == len(g.counters) > 1
    (c,) = cut.groups
    assert (c.claims, c.counters, c.claims_total, c.counters_total) == (
        g.claims[:1], g.counters[:1], g.claims_total, g.counters_total)
    assert [(p.claim.id, p.counter.id) for p in cut] == [(g.claims[0], g.counters[0])]  # only the pairs shown
    monkeypatch.setattr(lists, "GROUP_SHOWN", 1)
    with ws.TestClient(create_app(str(store))) as client:
        body = client.get(f"/contradictions.json?offset={at}&_size=1").json()
        assert [(x["claims"], x["counters"], x["more_claims"], x["more_counters"]) for x in body["groups"]] == [
            (g.claims[:1], g.counters[:1], g.claims_total - 1, g.counters_total - 1)]
        assert len(body["items"]) == 1 and body["total"] == full.total
        html = client.get(f"/contradictions?offset={at}&_size=1").text
        more = g.claims_total - 1
        assert f"and {more} more claim{'s' if more > 1 else ''}" in html and "more piece" in html
        assert html.count('class="claim"') == 1 and html.count('class="counter"') == 1
        assert f"{g.claims_total} claims about" in html
        streamed = client.get("/contradictions.csv?_stream=1").text  # the streamed CSV keeps every pair
        with onrecord.open(store, readonly=True) as api:
            assert len(streamed.strip().splitlines()) == 1 + len(api.contradictions())


def test_the_contradictions_list_reads_the_same_whatever_other_subjects_add(grown, monkeypatch):
    # the facets are the one open-ended count, under their own time limit (given none here, so not counted)
    monkeypatch.setenv("ONRECORD_FACET_TIME_LIMIT_MS", "0")
    urls = ["/contradictions", "/contradictions.json", "/contradictions?kind=claim-vs-own", "/contradictions?offset=5",
            "/api/contradictions", "/api/contradictions?limit=5&offset=5"]
    small, large = (ws.request_steps(grown[n], urls, every=100) for n in (25, 250))
    with sqlite3.connect(grown[25]) as a, sqlite3.connect(grown[250]) as b:
        counts = [c.execute("SELECT count(*) FROM contradictions").fetchone()[0] for c in (a, b)]
    assert counts[1] > 8 * counts[0]
    assert large == small, (small, large)
    assert all(small.values())


def test_the_statements_api_shows_a_few_reports_of_each_and_says_how_many(store):
    with ws.TestClient(create_app(str(store))) as client:
        full = client.get("/api/statements?_sort_desc=reports&limit=5&reports=500").json()["items"]
        assert full and all("reports_total" not in s for s in full)
        most = max(len(s["reports"]) for s in full)
        assert most >= 2
        cut = client.get("/api/statements?_sort_desc=reports&limit=5&reports=1").json()["items"]
        assert [s["id"] for s in cut] == [s["id"] for s in full]
        for a, b in zip(cut, full):
            assert a["reports"] == b["reports"][:1]
            assert a.get("reports_total", 1) == len(b["reports"])
        assert client.get("/api/statements?reports=0").status_code == 400
