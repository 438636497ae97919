"""Hostile articles render as inert text; strict headers everywhere; the write endpoint is off unless a token
is set, then needs it; the store is served read-only."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
import web_support as ws

from onrecord.models import Overrides
from onrecord.web.app import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_LINK = '<a href="javascript:alert(1)">click here</a>'
HOSTILE_TEXT = f"""Minister {SCRIPT} faces questions

The minister said: "{SCRIPT} is not our policy, and {IMG} never will be."

"Visit javascript:alert(document.cookie) for more," said Jane {IMG} Smith, a spokesperson for the council.

Opposition leader Tom Jones said the plan was "a disgrace {JS_LINK}" and called for a vote.

Read more: {JS_LINK} and <iframe src="https://evil.example"></iframe> <style>body{{display:none}}</style>
"""
HOSTILE_HTML = f"""<!doctype html><html><head><title>Council {SCRIPT} row</title></head><body><article>
<h1>Council row {IMG}</h1>
<p>The leader said: &quot;We will not back down &lt;script&gt;alert(2)&lt;/script&gt;,&quot; on Monday.</p>
<p>She added that the budget was <a href="javascript:alert(3)" onclick="alert(4)">fully funded</a> and
that residents &quot;deserve better than this&quot;, according to a statement.</p>
<p>Critics disagreed. &quot;It is a shambles,&quot; said Councillor Ann Lee, who leads the opposition group.</p>
</article></body></html>"""
RLO, PDF = "\u202e", "\u202c"
BIDI_TEXT = (f"Council {RLO}backs{PDF} the budget\n\n"
             f'The council leader said: "We will {RLO}never cut the library budget{PDF} this year," on Monday.\n\n'
             "Opposition councillor Ann Lee said the plan was \"a sensible compromise\" and backed it.\n")
LONG_OUTLET = "W" * 500
TOKEN = "s3cret-token-for-tests"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory):
    from onrecord.pipeline import ingest, load_manifest
    from onrecord.store import Store

    d = tmp_path_factory.mktemp("hostile")
    (d / "in").mkdir()
    (d / "in" / "a.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (d / "in" / "b.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (d / "in" / "c.txt").write_text(BIDI_TEXT, encoding="utf-8")
    (d / "manifest.jsonl").write_text(json.dumps({
        "file": "a.txt", "outlet": IMG, "date": "2021-02-03", "title": SCRIPT + " headline",
        "url": "javascript:alert(document.domain)"}) + "\n" + json.dumps({
        "file": "c.txt", "outlet": LONG_OUTLET + RLO, "date": "2021-03-04"}) + "\n", encoding="utf-8")
    path = d / "hostile.db"
    with Store(path) as store:
        report = ingest([str(d / "in")], store, overrides=Overrides(manifest=load_manifest(str(d / "manifest.jsonl"))))
    assert report.count("ingested") == 3, report.events
    return path


@pytest.fixture(scope="session")
def client(hostile_db):
    with ws.TestClient(create_app(str(hostile_db))) as c:
        yield c


def assert_inert(html: str) -> ws.Tree:
    """No script but the static file, no event handlers, no javascript: URLs, no injected elements."""
    tree = ws.Tree(html)
    assert not tree.errors and not tree.stack, tree.errors
    scripts = [a for t, a in tree.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}]
    for tag, attrs in tree.tags:
        assert tag not in ("img", "iframe", "style", "object", "embed", "base", "form") or (
            tag == "form" and (attrs.get("action") in ("/", "/articles", "/contradictions", "/quotes", "/stances",
                                                       "/statements", "/entities")
                               or (attrs.get("action") or "").startswith("/entities/"))), tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            assert name != "style", tag
            if name in ("href", "src", "action", "xlink:href"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:", "//")), (tag, value)
    return tree


def test_hostile_article_pages_are_inert(client):
    arts = client.get("/api/articles").json()["items"]
    assert len(arts) == 3
    for art in arts:
        r = client.get(f"/articles/{art['id']}")
        assert r.status_code == 200
        tree = assert_inert(r.text)
        text = "".join(tree.text)
        if art["source"] == "a.txt":
            assert SCRIPT in text and IMG in text and JS_LINK in text  # shown, as text
            assert not tree.find("a", rel="noopener noreferrer nofollow")  # the javascript: URL is not a link


def test_hostile_lists_search_and_errors_are_inert(client):
    for url in ["/", "/articles", "/?q=script alert", "/articles?outlet=" + IMG,
                "/?q=" + SCRIPT, "/articles/" + SCRIPT, "/nope" + IMG, "/api/docs", "/contradictions"]:
        r = client.get(url)
        assert r.status_code in (200, 400, 404), url
        assert_inert(r.text)


def test_hostile_entity_statement_and_contradiction_pages_are_inert(client):
    ents = client.get("/api/entities?limit=500").json()["items"]
    assert ents
    for e in ents:
        from urllib.parse import quote

        r = client.get("/entities/" + quote(e["id"], safe=""), params={"about": SCRIPT})
        assert r.status_code == 200, e
        assert_inert(r.text)
        assert SCRIPT not in r.text  # the topic is shown escaped
    for st in client.get("/api/statements?limit=500").json()["items"]:
        assert_inert(client.get(f"/statements/{st['id']}").text)
    for url in ["/contradictions?name=" + IMG + "&about=" + SCRIPT, "/articles/x?span=" + SCRIPT,
                "/entities/" + IMG]:
        assert_inert(client.get(url).text)
    r = client.get("/api/timeline", params={"name": IMG})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"


def test_security_headers_on_pages_api_static_and_errors(client):
    for url in ["/", "/api/articles", "/static/style.css", "/static/app.js", "/nope", "/api/nope",
                "/api/quotes?limit=abc"]:
        h = client.get(url).headers
        assert h["content-security-policy"] == CSP, url
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
        assert h["x-frame-options"] == "DENY"


def test_json_api_returns_hostile_text_as_data(client):
    art = client.get("/api/articles", params={"outlet": IMG}).json()["items"]
    r = client.get("/api/articles/" + art[0]["id"])
    assert r.headers["content-type"] == "application/json"
    assert SCRIPT in r.json()["text"]


def test_writes_are_off_without_a_token(client):
    r = client.post("/api/articles", json={"text": "Hello"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "E600"
    assert "--write-token" in r.json()["error"]["message"]


def test_the_store_is_opened_read_only(client):
    api = client.app.state.web.api()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        api.conn.execute("DELETE FROM articles")


@pytest.fixture()
def writer(hostile_db, tmp_path):
    with ws.TestClient(create_app(str(ws.copy_store(hostile_db, tmp_path)), write_token=TOKEN)) as c:
        yield c


def test_uploads_need_the_bearer_token(writer):
    body = {"text": "x"}
    for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": "Basic " + TOKEN}, {"Authorization": "Bearer " + TOKEN + "x"}]:
        r = writer.post("/api/articles", json=body, headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["www-authenticate"] == "Bearer" and set(r.json()["error"]) == {"code", "message"}
    auth = {"Authorization": "Bearer " + TOKEN}
    assert writer.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"}).json()["error"][
        "code"] == "E600"
    assert writer.post("/api/articles", content=b"x", headers={**auth, "Content-Type": "image/png"}).status_code == 415
    big = writer.post("/api/articles", content=b"a" * (5 * 1024 * 1024 + 1),
                      headers={**auth, "Content-Type": "text/plain"})
    assert big.status_code == 413 and "limit" in big.json()["error"]["message"]
    bad = writer.post("/api/articles", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert bad.status_code == 400


def test_an_uploaded_article_is_ingested_and_rendered_inert(writer):
    auth = {"Authorization": "Bearer " + TOKEN}
    text = (f'Mayor {SCRIPT} resigns\n\nThe mayor said: "I am stepping down {IMG} today," '
            "in a statement on Friday.\n\nCouncillors said they were surprised by the decision.\n")
    r = writer.post("/api/articles", json={"text": text, "title": SCRIPT, "outlet": IMG, "date": "2022-05-06",
                                           "url": "javascript:alert(1)"}, headers=auth)
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    again = writer.post("/api/articles", json={"text": text}, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    page = writer.get(f"/articles/{aid}")
    tree = assert_inert(page.text)
    assert SCRIPT in "".join(tree.text)
    plain = writer.post("/api/articles?outlet=Wire&date=2022-05-07", content=b"Short plain text upload.\n",
                        headers={**auth, "Content-Type": "text/plain"})
    assert plain.status_code == 201
    assert writer.get(f"/api/articles/{plain.json()['id']}").json()["outlet"] == "Wire"


def test_options_lists_post_only_while_uploads_are_on(client, writer):
    assert client.options("/api/articles").headers["allow"] == "GET, HEAD, OPTIONS"
    assert writer.options("/api/articles").headers["allow"] == "GET, POST, HEAD, OPTIONS"
    r = writer.delete("/api/articles")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST, HEAD, OPTIONS"


def test_the_api_shows_no_server_paths_and_no_javascript_urls(client):
    arts = client.get("/api/articles").json()["items"]
    assert sorted(a["source"] for a in arts) == ["a.txt", "b.html", "c.txt"]  # relative to the ingest argument
    for a in arts:
        full = client.get(f"/api/articles/{a['id']}").json()
        assert not full["source"].startswith("/") and full["url"] is None  # the javascript: URL is null
        assert all(not q["source"].startswith("/") for q in full["quotes"])
    for q in client.get("/api/quotes?limit=500").json()["items"]:
        assert not q["source"].startswith("/")


def test_bidi_controls_are_shown_not_applied_everywhere(client):
    art = next(a for a in client.get("/api/articles").json()["items"] if a["source"] == "c.txt")
    assert RLO in client.get(f"/api/articles/{art['id']}").json()["text"]  # the data keeps them
    quotes = client.get("/api/quotes", params={"article": art["id"]}).json()["items"]
    assert any(RLO in q["text"] for q in quotes)
    for url in [f"/articles/{art['id']}", "/quotes?min_confidence=0", "/articles", "/?q=library budget",
                "/quotes?q=library", "/entities", f"/quotes.csv?article={art['id']}"]:
        r = client.get(url)
        assert r.status_code == 200, url
        if ".csv" in url:
            assert RLO in r.text  # an export is data, kept exact
            continue
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", r.text), url  # no control reaches a page
        assert "U+202E" in r.text, url  # but each is shown where it was
        assert_inert(r.text)
    for url in ["/stances", "/statements?min_articles=1", "/contradictions"]:
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", client.get(url).text), url


def test_exported_csv_cannot_run_formulas(client):
    from onrecord.web.lists import csv_cell

    assert csv_cell("=HYPERLINK(\"http://evil\")") == "'=HYPERLINK(\"http://evil\")"
    assert [csv_cell(v) for v in ["+1", "-1", "@SUM(A1)", "plain", None, 0.5]] == ["'+1", "'-1", "'@SUM(A1)", "plain",
                                                                                    "", 0.5]


def test_uploads_get_an_upload_source(writer):
    auth = {"Authorization": "Bearer " + TOKEN}
    r = writer.post("/api/articles", json={"text": "Budget passes.\n\nThe mayor said it was fair.\n",
                                           "name": "budget-note"}, headers=auth)
    assert r.status_code == 201, r.text
    art = writer.get(f"/api/articles/{r.json()['id']}").json()
    assert art["source"] == "upload:budget-note"
