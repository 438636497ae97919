"""Issue 26 item 5: every record has a permalink. Descriptions, statements, contradiction pairs and changes of
position each get a page with their words in context, the article's title, outlet, date and URL and a line to cite
them by, and the same as JSON; the lists, tabs and exports link to them; text from articles is escaped there."""
from __future__ import annotations

import csv
import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import web_support as ws

import onrecord
from onrecord.web.app import create_app
from onrecord.web.markup import safe_url

PAYLOAD = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
# two articles in which one senator's own words on Russia go opposite ways (a change of position), their titles,
# outlets and a sentence of the text carrying HTML and script payloads
MARCH = ("Senator Mary Brennan spoke to reporters in Columbus on Monday about the war.\n\n"
         f"“We condemn Russia for its brutal attacks on civilians,” Brennan said. “This cannot go on {IMG}.”\n\n"
         "The senator, a Democrat from Ohio, has served since 2012.")
JUNE = ("Senator Mary Brennan met the ambassador in Washington on Tuesday.\n\n"
        f"“I praise Russia for its help with the ceasefire,” Brennan said. “They kept their word {IMG}.”\n\n"
        "The senator, a Democrat from Ohio, faces re-election next year.")
ARTICLES = [{"text": MARCH, "outlet": f"Example Post {PAYLOAD}", "date": "2019-03-04", "source": "march.txt",
             "title": f"Brennan on the war {PAYLOAD}", "url": "https://news.example/march"},
            {"text": JUNE, "outlet": "Example Times", "date": "2020-06-02", "source": "june.txt",
             "title": f"Brennan meets the ambassador {IMG}", "url": "javascript:alert(1)"}]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path_factory.mktemp("permalinks"))
    with closing(sqlite3.connect(path)) as conn, conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        conn.executemany("UPDATE articles SET url = ? WHERE id = ?", [(f"https://news.example/{i}", i) for i in ids])
    return str(path)


@pytest.fixture(scope="module")
def client(demo):
    with ws.TestClient(create_app(demo)) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("hostile-permalinks") / "changes.db"
    assert onrecord.ingest_articles(ARTICLES, db).ok
    return db


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace(
        "'", "&#39;")


def _check_piece(html: str, art, start: int, end: int) -> None:
    """The piece's words marked in context, its article's title, outlet, date, URL and characters on the page."""
    assert f"<mark>{_escaped(art.text[start:end])}</mark>" in html
    assert _escaped(art.title) in html and _escaped(art.outlet) in html and (art.date or "undated") in html
    assert f"characters {start}-{end} of article {art.id}" in html
    url = safe_url(art.url)
    assert (f'href="{url}"' in html) if url else "javascript:" not in html


def test_every_contradiction_pair_has_a_permalink_with_both_sides_and_a_citation(client, demo):
    with onrecord.open(demo, readonly=True) as api:
        pairs = api.contradictions()
        assert pairs
        for c in pairs:
            html = client.get(f"/contradictions/{c.id}").text
            for side in (c.claim, c.counter):
                _check_piece(html, api.article(side.article_id), side.start, side.end)
            cite = re.search(r'id="citation">([^<]*)<', html)
            assert cite and f"/contradictions/{c.id}:" in cite[1] and " Against: " in cite[1]
            body = client.get(f"/contradictions/{c.id}.json").json()
            assert body["record"]["id"] == c.id and body["permalink"] == f"/contradictions/{c.id}"
            assert [(e["article_id"], e["start"], e["end"]) for e in body["evidence"]] == [
                (s.article_id, s.start, s.end) for s in (c.claim, c.counter)]
            assert all(e["url"] == f"https://news.example/{e['article_id']}" for e in body["evidence"])
        listed = client.get("/contradictions?min_confidence=0").text
        shown = {int(i) for i in re.findall(r'href="/contradictions/(\d+)"', listed)}
        exported = client.get("/contradictions.json?min_confidence=0").json()["items"]
        assert shown and shown == {p["id"] for p in exported}  # every pair on the page links to its permalink
        assert all(p["permalink"] == f"/contradictions/{p['id']}" for p in exported)
        rows = list(csv.DictReader(io.StringIO(client.get("/contradictions.csv?min_confidence=0").text)))
        assert rows and all(r["permalink"] == f"/contradictions/{r['id']}" for r in rows)
    assert client.get("/contradictions/999999").status_code == 404
    assert client.get("/contradictions/999999.json").json()["error"]["code"] == "E300"


def test_every_description_has_a_permalink_named_by_its_evidence(client, demo):
    with closing(sqlite3.connect(demo)) as conn:
        stored = conn.execute('SELECT article_id, start, "end", text FROM entity_descriptors').fetchall()
    assert stored
    with onrecord.open(demo, readonly=True) as api:
        for article_id, start, end, text in stored:
            url = f"/descriptors/{article_id}/{start}-{end}"
            r = client.get(url)
            assert r.status_code == 200, url
            _check_piece(r.text, api.article(article_id), start, end)
            body = client.get(url + ".json").json()
            assert body["record"]["text"] == text and body["permalink"] == url
            assert body["evidence"][0]["text"] == api.article(article_id).text[start:end]
    article_id = stored[0][0]
    assert client.get(f"/descriptors/{article_id}/0-1").status_code == 404  # no description there
    assert client.get(f"/descriptors/{article_id}/5-2").status_code == 400
    assert client.get("/descriptors/nosuch/0-1").status_code == 404
    described = client.get("/api/entities/person:jeremy-corbyn").json()["descriptors"]
    evidence = [ev for d in described for ev in d["evidence"]]
    assert evidence and all(ev["permalink"] == f"/descriptors/{ev['article_id']}/{ev['start']}-{ev['end']}"
                            and client.get(ev["permalink"]).status_code == 200 for ev in evidence)
    tab = client.get("/entities/person:jeremy-corbyn?tab=descriptions&min_confidence=0").text
    linked = set(re.findall(r'href="/descriptors/(\w+)/(\d+)-(\d+)"', tab))
    assert linked and all((a, int(s), int(e)) in {(x[0], x[1], x[2]) for x in stored} for a, s, e in linked)


def test_a_statement_page_cites_its_first_report_and_links_each_report_to_its_quote(client, demo):
    with onrecord.open(demo, readonly=True) as api:
        st = api.statements(min_articles=2, limit=1)[0]
        first = st.reports[0]
        html = client.get(f"/statements/{st.id}").text
        _check_piece(html, api.article(first.article_id), first.start, first.end)
        assert all(f'href="/quotes/{r.quote_id}"' in html for r in st.reports)
        body = client.get(f"/statements/{st.id}.json").json()
    assert body["permalink"] == f"/statements/{st.id}" and body["reports_total"] == len(st.reports)
    assert [r["quote_id"] for r in body["record"]["reports"]] == [r.quote_id for r in st.reports]
    assert f"/statements/{st.id}:" in body["citation"]
    rows = list(csv.DictReader(io.StringIO(client.get("/statements.csv").text)))
    assert rows and all(r["permalink"] == f"/statements/{r['id']}" for r in rows)


def test_a_change_of_position_has_a_permalink_and_its_text_from_articles_is_escaped(hostile):
    with onrecord.open(hostile, readonly=True) as api:
        changes = api.position_changes("person:mary-brennan")
        assert len(changes) == 1 and changes[0].id is not None
        change = api.position_change(changes[0].id)
        arts = [api.article(s.article_id) for s in (change.before, change.after)]
        quotes, stances = api.all_quotes(), api.all_stances()
        assert [e.id for e in api.timeline("Mary Brennan") if e.kind == "changed position"] == [change.id]
    with ws.TestClient(create_app(str(hostile))) as client:
        timeline = client.get("/api/timeline", params={"name": "Mary Brennan"}).json()["items"]
        kinds = {"stance": "stances", "quote": "quotes", "changed position": "changes"}
        assert {e["kind"] for e in timeline} == set(kinds)
        assert all(e["permalink"] == f"/{kinds[e['kind']]}/{e['id']}" and client.get(e["permalink"]).status_code == 200
                   for e in timeline)
    with ws.TestClient(create_app(str(hostile))) as client:
        person = client.get("/entities/person:mary-brennan").text
        assert f'href="/changes/{change.id}"' in person
        urls = [f"/changes/{change.id}", *[f"/quotes/{q.id}" for q in quotes], *[f"/stances/{s.id}" for s in stances]]
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, url
            for raw in (PAYLOAD, IMG):
                assert raw not in r.text, url
            assert "javascript:" not in r.text
            as_json = client.get(url + ".json")
            assert as_json.headers["content-type"] == "application/json"
            assert as_json.json()["permalink"] == url
        html = client.get(f"/changes/{change.id}").text
        for art, side in zip(arts, (change.before, change.after), strict=True):
            _check_piece(html, art, side.start, side.end)
        assert _escaped(PAYLOAD) in html and _escaped(IMG) in html  # shown as text, not run
        body = client.get(f"/changes/{change.id}.json").json()
    assert body["record"]["before"]["label"] == "condemn" and body["record"]["after"]["label"] == "praise"
    assert [e["url"] for e in body["evidence"]] == ["https://news.example/march", None]
    assert PAYLOAD in body["evidence"][0]["outlet"]  # the JSON keeps the text exact


def test_a_permalink_reads_the_same_however_many_other_records_the_store_holds(tmp_path_factory, tmp_path):
    """A permalink is one indexed lookup per piece: ten times the contradictions, stances and descriptions of
    other articles cost it no more SQLite VM steps."""
    db = ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path)
    with closing(sqlite3.connect(db)) as conn, conn:
        cid, claim = conn.execute("SELECT id, claim_id FROM contradictions ORDER BY id LIMIT 1").fetchone()
        article, start, end = conn.execute('SELECT article_id, start, "end" FROM entity_descriptors LIMIT 1').fetchone()
        statement = conn.execute("SELECT id FROM statements WHERE articles >= 2 LIMIT 1").fetchone()[0]
    urls = [f"/contradictions/{cid}", f"/contradictions/{cid}.json", f"/stances/{claim}",
            f"/descriptors/{article}/{start}-{end}", f"/descriptors/{article}/{start}-{end}.json",
            f"/statements/{statement}.json"]
    before = ws.request_steps(db, urls, every=100)
    with closing(sqlite3.connect(db)) as conn, conn:
        for table, where in (("contradictions", "1=1"), ("stances", "1=1"),
                             ("entity_descriptors", f"article_id != '{article}'")):
            cols = [r[1] for r in conn.execute(f"SELECT * FROM pragma_table_info('{table}')") if r[1] != "id"]
            names = ", ".join(f'"{c}"' for c in cols)
            for i in range(1, 10):  # a stance's (article, n) is unique: copies get new numbers
                values = ", ".join(f'"{c}" + {1000 * i}' if (table, c) == ("stances", "n") else f'"{c}"' for c in cols)
                conn.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} WHERE {where} AND "
                             f"{'n < 1000' if table == 'stances' else '1=1'}")
        grown = conn.execute("SELECT count(*) FROM contradictions").fetchone()[0]
    assert grown >= 10 * 9
    assert ws.request_steps(db, urls, every=100) == before


def test_a_citation_of_words_nobody_is_credited_with_says_unattributed() -> None:
    from onrecord.models import Article
    from onrecord.web.views import Evidence

    art = Article(id="a1", source="a1.txt", text="x", title="Budget row", outlet="Riverside Gazette",
                  date="2019-03-02", url="https://example.org/budget")
    cited = Evidence("Statement", None, art, 0, 1, "", "“The budget is fair.”", "").cite()
    assert cited == ("Unattributed: “The budget is fair.”. “Budget row”, Riverside Gazette, 2019-03-02. "
                     "https://example.org/budget")
