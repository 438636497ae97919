"""Issue 26: evidence one click away. Each quote and stance has a permalink page (its words in their paragraph,
the article's title, outlet, date and URL, a line to cite it); quote exports and the articles API carry the source
URL; search leaves unsure quotes out and says so, as every list does."""
from __future__ import annotations

import csv
import io
import re
import sqlite3
from contextlib import closing

import pytest
import web_support as ws

import onrecord
from onrecord.web.app import create_app
from onrecord.web.markup import safe_url
from onrecord.web.params import default_min_confidence


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo store, its articles given source URLs as HTML ingests keep them (one not http(s), never shown)."""
    path = ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path_factory.mktemp("evidence"))
    with closing(sqlite3.connect(path)) as conn, conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        urls = [f"https://news.example/{i}" for i in ids[:-2]] + ["javascript:alert(1)", None]
        conn.executemany("UPDATE articles SET url = ? WHERE id = ?", list(zip(urls, ids, strict=True)))
    return str(path)


@pytest.fixture(scope="module")
def client(store):
    with ws.TestClient(create_app(store)) as c:
        yield c


def test_every_quote_and_stance_has_a_permalink_with_its_words_in_context_and_a_citation(client, store):
    with onrecord.open(store, readonly=True) as api:
        quotes, stances = api.all_quotes(), api.all_stances()
        assert quotes and stances
        for kind, records in (("quotes", quotes), ("stances", stances)):
            for rec in records[:: max(1, len(records) // 15)]:
                art = api.article(rec.article_id)
                r = client.get(f"/{kind}/{rec.id}")
                assert r.status_code == 200, (kind, rec.id)
                evidence = art.text[rec.start:rec.end]
                assert f"<mark>{_escaped(evidence)}</mark>" in r.text, (kind, rec.id)
                if art.title:
                    assert _escaped(art.title) in r.text
                assert f"characters {rec.start}-{rec.end} of article {art.id}" in r.text
                url = safe_url(art.url)
                assert (r.text.count(url) == 3 if url else "javascript:" not in r.text), (kind, rec.id)
                assert f"/{kind}/{rec.id}" in r.text
    assert client.get("/quotes/999999").status_code == 404
    assert client.get("/stances/x").status_code == 400


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace(
        "'", "&#39;")


def test_quote_exports_and_the_articles_api_carry_the_source_url_title_and_permalink(client, store):
    with onrecord.open(store, readonly=True) as api:
        urls = {a.id: safe_url(api.article(a.id).url) for a in api.articles(limit=100)}
    assert len(set(urls.values())) == len(urls) - 1 and None in urls.values()  # the javascript: one is dropped
    rows = list(csv.DictReader(io.StringIO(client.get("/quotes.csv?min_confidence=0&limit=500").text)))
    assert rows and all(r["url"] == (urls[r["article_id"]] or "") for r in rows)
    assert all(r["permalink"] == f"/quotes/{r['id']}" for r in rows)
    items = client.get("/quotes.json?min_confidence=0&limit=500").json()["items"]
    assert items and all(q["url"] == urls[q["article_id"]] for q in items)
    assert all(a["url"] == urls[a["id"]] for a in client.get("/api/articles").json()["items"])
    assert all(q["url"] == urls[q["article_id"]] for q in client.get("/api/quotes?limit=500").json()["items"])
    stance_rows = list(csv.DictReader(io.StringIO(client.get("/stances.csv").text)))
    assert stance_rows and all(r["permalink"] == f"/stances/{r['id']}" for r in stance_rows)


def test_every_export_cites_its_articles_url_title_outlet_and_date_with_the_permalink(client, store):
    """Stances, statements (by their first report; in the JSON every report), contradictions (each side) and
    articles: the CSV and JSON exports name the article's title, outlet, date and http(s) URL, and the permalink."""
    with onrecord.open(store, readonly=True) as api:
        arts = {a.id: api.article(a.id) for a in api.articles(limit=100)}

    def ref(aid: str, csv_row: bool) -> dict:
        a = arts[aid]
        url = safe_url(a.url) or ("" if csv_row else None)
        return {"title": a.title, "outlet": a.outlet or ("" if csv_row else None), "url": url}

    def rows(url: str) -> list[dict]:
        out = list(csv.DictReader(io.StringIO(client.get(url).text)))
        assert out, url
        return out

    for r in rows("/stances.csv?min_confidence=0&limit=500"):
        assert {k: r[k] for k in ("title", "outlet", "url")} == ref(r["article_id"], True)
        assert r["permalink"] == f"/stances/{r['id']}"
    for r in rows("/statements.csv?min_articles=1&limit=500"):
        assert {k: r[k] for k in ("title", "url")} == {k: ref(r["article_id"], True)[k] for k in ("title", "url")}
        assert r["permalink"] == f"/statements/{r['id']}" and r["first_date"]
    for r in rows("/contradictions.csv?min_confidence=0&_stream=1"):
        for side in ("claim", "counter"):
            assert {k: r[f"{side}_{k}"] for k in ("title", "outlet", "url")} == ref(r[f"{side}_article"], True)
        assert r["permalink"] == f"/contradictions/{r['id']}"
    for r in rows("/articles.csv"):
        assert r["permalink"] == f"/articles/{r['id']}" and r["url"] == (safe_url(arts[r["id"]].url) or "")
    assert any(r["url"] == "" and arts[r["id"]].url for r in rows("/articles.csv"))  # the javascript: one
    stances = client.get("/stances.json?min_confidence=0&limit=500").json()["items"]
    assert stances and all({k: s[k] for k in ("title", "outlet", "url")} == ref(s["article_id"], False)
                           and s["permalink"] == f"/stances/{s['id']}" for s in stances)
    statements = client.get("/statements.json?min_articles=1&limit=500").json()["items"]
    reports = [r for s in statements for r in s["reports"]]
    assert reports and all({k: r[k] for k in ("title", "url")} == {k: ref(r["article_id"], False)[k]
                                                                    for k in ("title", "url")} for r in reports)
    pairs = client.get("/contradictions.json?min_confidence=0").json()["items"]
    assert pairs and all({k: p[side][k] for k in ("title", "outlet", "url")} == ref(p[side]["article_id"], False)
                         for p in pairs for side in ("claim", "counter"))
    assert all(a["permalink"] == f"/articles/{a['id']}" for a in client.get("/articles.json").json()["items"])


def test_search_leaves_unsure_quotes_out_and_says_how_many(client, store):
    floor = default_min_confidence()
    with onrecord.open(store, readonly=True) as api:
        word = next(w for q in api.all_quotes() if q.confidence < floor
                    for w in q.text.split() if w.isalpha() and len(w) > 5)
        every = api.quotes(q=word, limit=500)
    unsure = [q for q in every if q.confidence < floor]
    assert unsure
    html = client.get(f"/?q={word}").text
    assert all(f'href="/quotes/{q.id}"' not in html for q in unsure)
    assert f"{len(unsure)} unsure attribution" in html and "left out" in html
    shown = client.get(f"/?q={word}&min_confidence=0").text
    assert all(f'href="/quotes/{q.id}"' in shown for q in every)


def test_an_article_colours_quotes_by_the_entity_they_are_credited_to_not_by_how_it_is_written(client, store):
    from onrecord.web.markup import credited

    merged = 0
    with onrecord.open(store, readonly=True) as api:
        for a in api.articles(limit=100):
            quotes = api.all_quotes(article=a.id)
            html = client.get(f"/articles/{a.id}").text
            marks = {int(q): c for c, q in re.findall(r'<mark class="q (c\d+|cu)[^"]*" data-q="(\d+)"', html)}
            rows = {int(q): c for q, c in re.findall(r'id="qd-(\d+)"[^>]*>\s*<td><span class="sw (c\d+|cu)"', html)}
            by_entity: dict[str, set[str]] = {}
            names: dict[str, set[str]] = {}
            for q in quotes:
                name, eid = credited(q)
                if eid:
                    by_entity.setdefault(eid, set()).update(x[q.id] for x in (marks, rows) if q.id in x)
                    names.setdefault(eid, set()).add(q.speaker or "")
            assert rows and all(len(colours) == 1 for colours in by_entity.values()), a.id
            merged += sum(len(n) > 1 for n in names.values())
            distinct = [next(iter(c)) for c in by_entity.values() if c]
            assert len(set(distinct)) == len(distinct) or len(distinct) > 10, a.id  # ten colours, then they repeat
    assert merged, "some entity is quoted under two names in one sample article"
