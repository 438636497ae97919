"""The JSON API in-process: lists, filters, paging, one error shape, OpenAPI coverage."""
from __future__ import annotations

import sqlite3

import pytest
import web_support as ws

import onrecord
from onrecord.errors import StoreError
from onrecord.store.ids import article_id
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


@pytest.mark.parametrize("method, url, status, code", [
    ("GET", "/api/articles/ffffffffffff", 404, "E300"),
    ("GET", "/api/no-such-endpoint", 404, "E300"),
    ("DELETE", "/api/quotes", 405, "E400"),
    ("PUT", "/api/articles", 405, "E400"),
    ("GET", "/api/quotes?limit=abc", 400, "E400"),
])
def test_errors_use_one_shape_with_the_command_lines_codes(client, method, url, status, code):
    r = client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()["error"]) == {"code", "message"} and r.json()["error"]["code"] == code
    if status == 405:
        assert r.headers["allow"] == "GET, HEAD, OPTIONS"


def test_sql_and_fts_syntax_in_parameters_is_harmless(client):
    for value in ["'; DROP TABLE quotes; --", 'escalation" OR "1', "NEAR(a b)", "*", "a AND OR NOT"]:
        r = client.get("/api/quotes", params={"q": value, "by": value, "outlet": value})
        assert r.status_code in (200, 400), (value, r.text)
    assert client.get("/api/quotes?limit=1").json()["total"] > 0


def test_openapi_describes_every_endpoint_and_parameter(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    served = {r.path for r in client.app.routes if getattr(r, "path", "").startswith("/api/")} - {
        "/api/openapi.json", "/api/docs"}
    assert served == set(spec["paths"])
    for path, ops in spec["paths"].items():  # OPTIONS tells the truth (POST only while uploads are on)
        r = client.options(path.replace("{id}", "x"))
        assert r.status_code == 204
        allow = {m.strip() for m in r.headers["allow"].split(",")}
        assert {m.upper() for m in ops} - {"POST"} <= allow and "POST" not in allow and "OPTIONS" in allow
    quote_params = {p["name"] for p in spec["paths"]["/api/quotes"]["get"]["parameters"]}
    assert quote_params == {"by", "about", "outlet", "since", "until", "q", "kind", "article", "min_confidence",
                            "method", "_sort", "_sort_desc", "limit", "offset"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    for path in spec["paths"]:
        assert path in docs.text


# -- entities, stances, statements, contradictions, search --------------------------------------------------------
CORBYN = "person:jeremy-corbyn"


def test_entities_list_is_paged_and_typed(client):
    body = client.get("/api/entities?limit=500").json()
    assert body["total"] == len(body["items"]) > 10
    assert CORBYN in {e["id"] for e in body["items"]}
    mentions = [e["mentions"] for e in body["items"]]
    assert mentions == sorted(mentions, reverse=True)
    people = client.get("/api/entities?type=person&limit=3").json()
    assert len(people["items"]) == 3 and people["total"] > 3 and {e["type"] for e in people["items"]} == {"person"}
    second = client.get("/api/entities?type=person&limit=3&offset=3").json()
    assert not {e["id"] for e in people["items"]} & {e["id"] for e in second["items"]}


def test_entity_detail_has_roles_with_evidence_and_descriptors(client):
    ent = client.get(f"/api/entities/{CORBYN}").json()
    assert ent["name"] == "Jeremy Corbyn" and ent["type"] == "person"
    assert client.get("/api/entities/Jeremy Corbyn").json()["id"] == CORBYN  # by name too
    leader = next(r for r in ent["roles"] if r["role"] == "Leader of the Labour Party")
    assert leader["from"] == "2015-09-12" and leader["to"] == "2020-04-04"
    assert leader["evidence"] and all("leader" in e["text"].lower() for e in leader["evidence"])
    sun = [d for d in ent["descriptors"] if d["outlet"] == "The Sun"]
    assert any(d["loaded"] and "leftie" in d["text"] for d in sun)
    assert ent["mentions_by_outlet"]["The Sun"] > 0 and ent["quotes_by"] >= 10


def test_timeline_is_in_date_order_and_filters_by_topic(client):
    body = client.get("/api/timeline", params={"name": "Jeremy Corbyn", "limit": 500}).json()
    items = body["items"]
    assert body["total"] == len(items) > 10 and {i["kind"] for i in items} == {"stance", "quote"}
    dates = [i["date"] for i in items if i["date"]]
    assert dates == sorted(dates)
    page2 = client.get("/api/timeline", params={"name": "Jeremy Corbyn", "limit": 5, "offset": 5}).json()
    assert page2["items"] == items[5:10] and page2["total"] == body["total"]
    assad = client.get("/api/timeline", params={"name": "Jeremy Corbyn", "about": "Assad"}).json()
    stances = [i for i in assad["items"] if i["kind"] == "stance"]
    assert stances and all(i["target"] == "Bashar al-Assad" for i in stances)
    assert any(i["reported_by"] == "The Sun" and i["negated"] for i in stances)  # "refused to blame"


def test_stances_filter_by_holder_target_label_and_date(client):
    condemn = client.get("/api/stances", params={"holder": CORBYN, "label": "condemn", "limit": 500}).json()
    assert condemn["total"] >= 3 and all(s["label"] == "condemn" for s in condemn["items"])
    assert all(s["holder_id"] == CORBYN or "Corbyn" in s["holder"] for s in condemn["items"])
    toward = client.get("/api/stances", params={"target": "Assad", "limit": 500}).json()
    assert toward["total"] >= 3 and all("Assad" in (s["target"] or "") for s in toward["items"])
    y2020 = client.get("/api/stances?since=2020-01-01&limit=500").json()
    assert y2020["total"] > 0 and all(s["date"] >= "2020-01-01" for s in y2020["items"])
    for s in y2020["items"]:
        art = client.get(f"/api/articles/{s['article_id']}").json()
        assert art["text"][s["start"]:s["end"]] == s["text"]  # evidence offsets point at the text


def test_contradictions_pair_the_suns_claim_with_corbyns_own_words(client):
    body = client.get("/api/contradictions", params={"name": "Jeremy Corbyn"}).json()
    assert body["total"] == len(body["items"]) >= 2
    refused = [c for c in body["items"] if "refused to blame" in c["claim"]["text"]]
    assert refused, [c["claim"]["text"] for c in body["items"]]
    counters = {c["counter"]["reported_by"] or "own words" for c in refused}
    assert any("spokesperson" in c for c in counters) or "own words" in counters
    assert all(c["claim"]["reported_by"] == "The Sun" and c["counter"]["label"] == "condemn" for c in refused)
    assert client.get("/api/contradictions", params={"name": "Jeremy Corbyn", "about": "Assad"}).json()["total"] >= 2
    assert client.get("/api/contradictions", params={"name": "Jeremy Corbyn", "about": "Brexit"}).json()["total"] == 0
    total = client.get("/api/contradictions").json()["total"]
    assert client.get("/api/contradictions?limit=1").json()["total"] == total


def raab_statement(client, words: str) -> dict:
    found = client.get("/api/statements", params={"by": "Dominic Raab", "q": words, "min_reports": 2}).json()
    assert found["total"] == 1, found
    return found["items"][0]


def test_statement_reports_across_outlets(client):
    st = raab_statement(client, "urge all parties to de-escalate")
    one = client.get(f"/api/statements/{st['id']}").json()
    assert one == st and one["speaker_id"] == "person:dominic-raab"
    assert sorted(r["outlet"] for r in one["reports"]) == ["LBC", "Yahoo News UK"]
    assert all("de-escalate" in r["text"] for r in one["reports"])
    several = client.get("/api/statements?min_reports=2&limit=500").json()
    assert several["total"] >= 2 and all(len(s["reports"]) >= 2 for s in several["items"])


def test_search_finds_entities_then_quotes(client):
    body = client.get("/api/search?q=Corbyn").json()
    kinds = [h["kind"] for h in body["items"]]
    assert kinds[0] == "entity" and "quote" in kinds and kinds == sorted(kinds)  # entities first
    assert body["items"][0]["id"] == CORBYN and body["total"] == len(body["items"])
    assert client.get("/api/search?q=Corbyn&limit=1&offset=1").json()["items"] == body["items"][1:2]


def test_search_totals_and_paging_are_exact(client):
    quotes = client.get("/api/quotes?q=Syria&limit=500").json()["total"]
    entities = [e for e in client.get("/api/entities?q=Syria&limit=500").json()["items"]]
    body = client.get("/api/search?q=Syria&limit=500").json()
    assert body["total"] == quotes + len(entities) == len(body["items"])
    pages = [client.get(f"/api/search?q=Syria&limit=3&offset={o}").json() for o in range(0, body["total"], 3)]
    assert [h for p in pages for h in p["items"]] == body["items"]  # page by page, across entities and quotes
    assert all(p["total"] == body["total"] for p in pages)
    assert client.get("/api/search?q=%25").status_code == 400  # no words; and % is no wildcard anywhere
    assert client.get("/api/search?q=Syri_").json()["total"] == 0


def test_id_lookups_take_no_wildcards(client, articles):
    aid = articles[0]["id"]
    for probe in ["%" + aid[-6:], "_" * 12, aid[:3] + "%", aid[:4] + "_" * 8, "%25"]:
        r = client.get("/api/articles/" + probe.replace("%", "%25"))
        assert r.status_code == 404, (probe, r.text)
    assert client.get("/api/articles/" + aid[:4]).json()["id"] == aid  # a real prefix still works
    assert client.get("/articles/" + "%25" + aid[-6:]).status_code == 404


def test_sources_are_relative_and_urls_only_http(client, articles):
    for a in client.get("/api/articles").json()["items"]:
        assert a["source"].endswith(".txt") and "/" not in a["source"]  # relative to examples/articles
    art = client.get(f"/api/articles/{articles[0]['id']}").json()
    assert "/" not in art["source"] and all("/" not in q["source"] for q in art["quotes"])
    assert art["url"] is None or art["url"].startswith(("http://", "https://"))


def test_lists_sort_both_ways(client):
    newest = client.get("/api/articles?_sort_desc=date").json()["items"]
    assert [a["date"] for a in newest] == sorted((a["date"] for a in newest), reverse=True)
    sure = client.get("/api/quotes?_sort_desc=confidence&limit=500").json()["items"]
    assert [q["confidence"] for q in sure] == sorted((q["confidence"] for q in sure), reverse=True)
    people = client.get("/api/entities?_sort=name&type=person&limit=500").json()["items"]
    assert [e["name"] for e in people] == sorted(e["name"] for e in people)
    r = client.get("/api/quotes?_sort=shoe_size")
    assert r.status_code == 400 and "sort must be one of date" in r.json()["error"]["message"]
    assert client.get("/api/quotes?_sort=date&_sort_desc=date").status_code == 400


def test_quotes_filter_by_confidence_and_method(client):
    everything = client.get("/api/quotes?limit=500").json()
    sure = client.get("/api/quotes?limit=500&min_confidence=0.4").json()
    assert 0 < sure["total"] < everything["total"] and all(q["confidence"] >= 0.4 for q in sure["items"])
    learned = client.get("/api/quotes?limit=500&method=learned").json()
    assert learned["total"] > 0 and {q["method"] for q in learned["items"]} == {"learned"}
    assert client.get("/api/quotes?min_confidence=2").status_code == 400
    assert client.get("/api/quotes?method=guess").status_code == 400


def test_entity_index_counts_filters_and_facets(client):
    body = client.get("/api/entities?limit=500").json()
    corbyn = next(e for e in body["items"] if e["id"] == CORBYN)
    detail = client.get(f"/api/entities/{CORBYN}").json()
    assert (corbyn["quotes_by"], corbyn["quotes_about"], corbyn["articles"]) == (
        detail["quotes_by"], detail["quotes_about"], detail["articles"])
    assert corbyn["outlets"] == len(detail["mentions_by_outlet"])
    sun = client.get("/api/entities", params={"outlet": "The Sun", "limit": 500}).json()
    assert 0 < sun["total"] < body["total"]
    in_sun = next(e for e in sun["items"] if e["id"] == CORBYN)
    assert in_sun["outlets"] == 1 and in_sun["quotes_by"] < corbyn["quotes_by"]  # counted in The Sun only
    found = client.get("/api/entities?q=corb").json()
    assert [e["id"] for e in found["items"]] == [CORBYN]


@pytest.mark.parametrize("url, words", [
    ("/api/entities?type=planet", "type must be person"),
    ("/api/entities?limit=0", "limit must be between"),
    ("/api/timeline", "'name' is required"),
    ("/api/timeline?name=Corbyn&since=yesterday", "since must be a date"),
    ("/api/stances?label=hug", "label must be one of"),
    ("/api/stances?offset=x", "offset must be a whole number"),
    ("/api/contradictions?limit=9999", "limit must be between"),
    ("/api/statements?min_reports=0", "min_reports must be between"),
    ("/api/statements/abc", "a statement id is a number"),
    ("/api/search", "'q' is required"),
])
def test_bad_entity_and_stance_parameters_are_400(client, url, words):
    r = client.get(url)
    assert r.status_code == 400, r.text
    assert set(r.json()["error"]) == {"code", "message"} and words in r.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/entities/person:nobody-at-all", "/api/statements/999999"])
def test_unknown_entity_or_statement_is_404(client, url):
    r = client.get(url)
    assert r.status_code == 404 and set(r.json()["error"]) == {"code", "message"}


def test_openapi_documents_the_entity_and_stance_parameters(client):
    spec = client.get("/api/openapi.json").json()

    def names(path: str) -> set[str]:
        return {p["name"] for p in spec["paths"][path]["get"]["parameters"]}

    sort = {"_sort", "_sort_desc"}
    assert names("/api/stances") == {"holder", "target", "label", "since", "until", "outlet", "min_confidence",
                                     "limit", "offset"} | sort
    assert names("/api/timeline") == {"name", "about", "since", "until", "limit", "offset"}
    assert names("/api/contradictions") == {"name", "about", "min_confidence", "limit", "offset"}
    assert names("/api/statements") == {"by", "q", "min_reports", "min_articles", "outlet", "since", "until",
                                        "reports", "limit", "offset"} | sort
    assert names("/api/entities") == {"type", "outlet", "q", "limit", "offset"} | sort
    assert names("/api/search") == {"q", "limit", "offset"}
    for path in ["/api/entities", "/api/timeline", "/api/stances", "/api/contradictions", "/api/statements",
                 "/api/search"]:
        assert spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Page"}


# -- ambiguous prefixes, and a server that never writes ------------------------------------------------------------
def _colliding_texts() -> tuple[str, str]:
    """Two article texts whose ids share their first four characters."""
    seen: dict[str, str] = {}
    for n in range(100_000):
        text = f"Council meets on budget, item {n}.\n\nThe council said the budget would pass.\n"
        prefix = article_id(text)[:4]
        if prefix in seen:
            return seen[prefix], text
        seen[prefix] = text
    raise AssertionError("no collision")


def test_an_ambiguous_id_prefix_is_409(tmp_path):
    a, b = _colliding_texts()
    db = tmp_path / "two.db"
    report = onrecord.ingest_articles([{"text": a, "id": "a"}, {"text": b, "id": "b"}], db, analyse=False)
    assert report.count("ingested") == 2
    with ws.TestClient(create_app(str(db))) as c:
        ids = [x["id"] for x in c.get("/api/articles").json()["items"]]
        prefix = ids[0][:4]
        assert ids[1].startswith(prefix)
        r = c.get(f"/api/articles/{prefix}")
        assert r.status_code == 409 and r.json()["error"]["code"] == "E301"
        assert "several" in r.json()["error"]["message"]
        assert c.get(f"/articles/{prefix}").status_code == 409
        assert c.get(f"/api/articles/{ids[0]}").json()["id"] == ids[0]  # the whole id is never ambiguous


def test_serving_never_writes_and_refuses_an_older_schema(tmp_path):
    db = tmp_path / "old.db"
    onrecord.ingest_articles([{"text": "Mayor resigns.\n\nThe mayor said she would go.\n"}], db, analyse=False)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 5")  # as an older onrecord left it
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="onrecord migrate"):
        create_app(str(db))
    assert db.read_bytes() == before  # nothing written, nothing migrated


def test_uploads_are_analysed_under_the_servers_time_limit(tmp_path, monkeypatch):
    """`serve --time-limit` (or ONRECORD_TIME_LIMIT): the seconds each upload's analysis may go without progress."""
    db = tmp_path / "s.db"
    onrecord.open(db).close()
    monkeypatch.setenv("ONRECORD_TIME_LIMIT", "9")
    for given, used in ((7.0, 7.0), (None, 9.0)):
        web = create_app(str(db), write_token="t", time_limit=given).state.web
        try:
            assert web.pool().time_limit == used
        finally:
            web.close()
