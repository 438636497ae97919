"""The JSON API in-process: lists, filters, paging, one error shape, OpenAPI coverage."""
from __future__ import annotations

import pytest
import web_support as ws

from onrecord.web.app import create_app


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    app = create_app(str(ws.demo_store(tmp_path_factory)))
    with ws.TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def articles(client):
    return client.get("/api/articles").json()["items"]


def test_articles_list_counts_and_order(client, articles):
    body = client.get("/api/articles").json()
    assert body["total"] == 5 and len(body["items"]) == 5
    dates = [a["date"] for a in body["items"]]
    assert dates == sorted(dates)
    assert {a["outlet"] for a in body["items"]} == {"Yahoo News UK", "LBC", "The Sun", "PoliticsHome"}
    assert sum(a["quotes"] for a in body["items"]) > 20


def test_articles_filters_and_paging(client):
    page1 = client.get("/api/articles?limit=2").json()
    page2 = client.get("/api/articles?limit=2&offset=2").json()
    assert page1["total"] == page2["total"] == 5
    assert not {a["id"] for a in page1["items"]} & {a["id"] for a in page2["items"]}
    politics = client.get("/api/articles?outlet=PoliticsHome").json()
    assert politics["total"] == 2 and all(a["outlet"] == "PoliticsHome" for a in politics["items"])
    since = client.get("/api/articles?since=2020-01-01").json()
    assert since["total"] == 2 and all(a["date"] >= "2020-01-01" for a in since["items"])


def test_article_detail_has_text_segments_and_quotes(client, articles):
    aid = articles[0]["id"]
    art = client.get(f"/api/articles/{aid}").json()
    assert art["id"] == aid and art["text"]
    assert art["segments"] and all(0 <= s["start"] < s["end"] <= len(art["text"]) for s in art["segments"])
    assert art["quotes"]
    for q in art["quotes"]:
        assert 0 <= q["start"] < q["end"] <= len(art["text"])
        assert q["article_id"] == aid
    # a unique prefix works too
    assert client.get(f"/api/articles/{aid[:6]}").json()["id"] == aid


def test_quotes_filters(client, articles):
    corbyn = client.get("/api/quotes", params={"by": "Jeremy Corbyn", "limit": 500}).json()
    assert corbyn["total"] >= 3
    assert all("Corbyn" in (q["speaker"] or "") + (q["on_behalf_of"] or "")
               or "person:jeremy-corbyn" in (q["speaker_id"], q["on_behalf_of_id"]) for q in corbyn["items"])
    direct = client.get("/api/quotes?kind=direct&limit=500").json()
    assert direct["total"] > 0 and all(q["kind"] == "direct" for q in direct["items"])
    found = client.get("/api/quotes?q=escalation").json()
    assert found["total"] >= 1 and all("escalation" in q["text"].lower() for q in found["items"])
    aid = articles[0]["id"]
    one = client.get(f"/api/quotes?article={aid}&limit=500").json()
    assert one["total"] == articles[0]["quotes"] and all(q["article_id"] == aid for q in one["items"])
    dated = client.get("/api/quotes?since=2018-01-01&until=2018-12-31&limit=500").json()
    assert dated["total"] > 0 and all(q["date"].startswith("2018") for q in dated["items"])
    sun = client.get("/api/quotes", params={"outlet": "The Sun", "limit": 500}).json()
    assert sun["total"] > 0 and all(q["outlet"] == "The Sun" for q in sun["items"])


def test_quotes_paging_is_consistent(client):
    everything = client.get("/api/quotes?limit=500").json()
    pages = [client.get(f"/api/quotes?limit=7&offset={o}").json() for o in range(0, everything["total"], 7)]
    assert [q["id"] for p in pages for q in p["items"]] == [q["id"] for q in everything["items"]]
    assert all(p["total"] == everything["total"] for p in pages)


@pytest.mark.parametrize("url, words", [
    ("/api/quotes?limit=abc", "limit must be a whole number"),
    ("/api/quotes?limit=0", "limit must be between 1 and 500"),
    ("/api/quotes?limit=100000", "limit must be between 1 and 500"),
    ("/api/quotes?offset=-1", "offset must be between 0"),
    ("/api/quotes?since=notadate", "since must be a date"),
    ("/api/articles?until=2020-13", "until must be a date"),
    ("/api/quotes?kind=shouted", "kind must be one of"),
    ("/api/quotes?q=" + "x" * 201, "the limit is 200"),
    ("/api/quotes?q=%21%21%21", "no words"),
])
def test_bad_parameters_are_400_with_the_error_shape(client, url, words):
    r = client.get(url)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert set(err) == {"code", "message"} and words in err["message"]


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/api/articles/ffffffffffff", 404),
    ("GET", "/api/no-such-endpoint", 404),
    ("DELETE", "/api/quotes", 405),
    ("PUT", "/api/articles", 405),
])
def test_not_found_and_method_errors_use_the_error_shape(client, method, url, status):
    r = client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()["error"]) == {"code", "message"}


def test_sql_and_fts_syntax_in_parameters_is_harmless(client):
    for value in ["'; DROP TABLE quotes; --", 'escalation" OR "1', "NEAR(a b)", "*", "a AND OR NOT"]:
        r = client.get("/api/quotes", params={"q": value, "by": value, "outlet": value})
        assert r.status_code in (200, 400), (value, r.text)
    assert client.get("/api/quotes?limit=1").json()["total"] > 0


def test_openapi_describes_every_endpoint_and_parameter(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    served = {(r.path, m) for r in client.app.routes if getattr(r, "path", "").startswith("/api/")
              for m in (r.methods or []) if m != "HEAD" and r.path not in ("/api/openapi.json", "/api/docs")}
    documented = {(p, m.upper()) for p, ops in spec["paths"].items() for m in ops}
    assert served == documented
    quote_params = {p["name"] for p in spec["paths"]["/api/quotes"]["get"]["parameters"]}
    assert quote_params == {"by", "about", "outlet", "since", "until", "q", "kind", "article", "limit", "offset"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    for path in spec["paths"]:
        assert path in docs.text
