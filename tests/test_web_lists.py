"""The lists of the web UI in-process: facets that filter, sorts, CSV/JSON exports of exactly the view, the
entity index, confidence marking, statements across articles, search terms marked."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import web_support as ws

from onrecord.analyse.attribution.reported_confidence import reported_cut
from onrecord.errors import BadParameter
from onrecord.web.app import create_app
from onrecord.web.markup import similarity

CORBYN = "person:jeremy-corbyn"


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    with ws.TestClient(create_app(str(ws.demo_store(tmp_path_factory)))) as c:
        yield c


def page(client, url: str) -> tuple[ws.Tree, str]:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    tree = ws.Tree(r.text)
    assert not tree.errors and not tree.stack, tree.errors
    return tree, r.text


def export_links(tree: ws.Tree) -> dict[str, str]:
    return {cls: a["href"] for cls in ("csv", "json", "csv-all") for a in tree.find("a", class_=cls)}


def quote_ids(html: str) -> list[int]:
    """The quotes a list page shows, in order (each links to its place in the article as #q-ID)."""
    ids = [int(i) for i in re.findall(r'href="/articles/\w{12}#q-(\d+)"', html)]
    return list(dict.fromkeys(ids))


def test_articles_are_newest_first_and_sortable(client):
    tree, html = page(client, "/articles")
    dates = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)</td>', html)
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)
    _, html = page(client, "/articles?_sort=date")
    assert re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)</td>', html) == sorted(dates)
    sort_links = [a["href"] for a in tree.find("a", class_="sort")]
    assert "/articles?_sort=outlet" in sort_links


def test_a_facet_value_filters_the_list_and_shows_as_selected(client):
    tree, html = page(client, "/quotes")
    outlet_links = {a["href"] for a in tree.find("a") if (a["href"] or "").startswith("/quotes?outlet=")}
    assert "/quotes?outlet=The+Sun" in outlet_links
    sun_count = int(re.search(r'outlet=The\+Sun"><bdi>The Sun</bdi></a>\s*<span class="n">(\d+)', html)[1])
    tree, html = page(client, "/quotes?outlet=The+Sun")
    assert f"<span class=\"muted small\">{sun_count}</span>" in html  # the count the facet promised
    api = client.get("/api/quotes", params={"outlet": "The Sun", "min_confidence": 0.4, "limit": 500}).json()
    assert quote_ids(html) == [q["id"] for q in api["items"]]
    assert tree.find("a", class_="on")  # the selected value, a link that removes it
    # a year facet sets since and until; a speaker facet filters by the entity id
    _, html = page(client, "/quotes?since=2016&until=2016")
    assert all(q["date"].startswith("2016") for q in client.get(
        "/api/quotes?since=2016&until=2016&min_confidence=0.4&limit=500").json()["items"])
    assert 'data-facet="month"' in html  # one year chosen: months next
    tree, _ = page(client, "/quotes")
    assert tree.find("a", href=f"/quotes?by={CORBYN.replace(':', '%3A')}")


def test_csv_and_json_exports_are_exactly_the_view(client):
    url = "/quotes?by=person%3Ajeremy-corbyn&_sort_desc=confidence&_size=7&offset=7"
    tree, html = page(client, url)
    shown = quote_ids(html)
    assert len(shown) == 7
    links = export_links(tree)
    assert urlsplit(links["csv"]).path == "/quotes.csv"
    assert parse_qs(urlsplit(links["csv"]).query) == parse_qs(urlsplit(url).query)  # same view, same URL
    rows = list(csv.DictReader(io.StringIO(client.get(links["csv"]).text)))
    assert [int(r["id"]) for r in rows] == shown
    assert all(r["speaker_id"] == CORBYN for r in rows)
    body = client.get(links["json"]).json()
    assert [q["id"] for q in body["items"]] == shown and body["offset"] == 7 and body["limit"] == 7
    assert body["sort"] == "-confidence" and body["filters"]["by"] == CORBYN
    assert {f["name"] for f in body["facets"]} >= {"outlet", "kind"}
    # every matching row, streamed
    everything = list(csv.DictReader(io.StringIO(client.get(links["csv-all"]).text)))
    assert len(everything) == body["total"] > 7
    confidences = [float(r["confidence"]) for r in everything]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize("kind", ["articles", "quotes", "stances", "statements", "contradictions", "entities"])
def test_every_list_has_facets_sort_and_exports(client, kind):
    tree, _ = page(client, f"/{kind}")
    assert tree.find("aside", class_="facets")
    links = export_links(tree)
    rows = list(csv.DictReader(io.StringIO(client.get(links["csv"]).text)))
    body = client.get(links["json"]).json()
    assert len(rows) == len(body["items"]) > 0
    assert body["total"] >= 1 and isinstance(body["facets"], list)
    assert client.get(f"/{kind}?_sort=nonsense").status_code in (200, 400)


def test_entity_index_counts_facets_and_links(client):
    tree, html = page(client, "/entities")
    rows = re.findall(r'<a class="who" href="/entities/([^"]+)"><bdi>([^<]+)</bdi></a>', html)
    assert ("person%3Ajeremy-corbyn", "Jeremy Corbyn") in rows[:2]  # most mentioned first (tied with Assad)
    mentions = [int(m) for m in re.findall(r'<td class="num">(\d+)</td></tr>', html)]
    assert mentions and mentions == sorted(mentions, reverse=True)
    assert tree.find("a", href="/entities?type=person") and tree.find("a", href="/entities?outlet=The+Sun")
    _, html = page(client, "/entities?type=organisation")
    types = re.findall(r'<span class="badge">(\w+)</span>', html)
    assert types and set(types) == {"organisation"}
    _, html = page(client, "/entities?_sort_desc=quotes_by&type=person")
    assert re.findall(r'<bdi>([^<]+)</bdi></a></td>', html)[:2] == ["Jeremy Corbyn", "Boris Johnson"]
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/entities.csv?q=Raab").text)))
    assert [r["name"] for r in csv_rows] == ["Dominic Raab"] and int(csv_rows[0]["quotes_by"]) >= 2


def test_names_link_to_their_pages_everywhere(client):
    for url in ["/quotes", "/stances", "/statements", "/contradictions", "/?q=Corbyn"]:
        tree, _ = page(client, url)
        assert tree.find("a", href="/entities/person%3Ajeremy-corbyn") or tree.find(
            "a", href="/entities/person%3Adominic-raab"), url
    aid = client.get("/api/articles?outlet=LBC").json()["items"][0]["id"]
    tree, _ = page(client, f"/articles/{aid}")
    assert tree.find("a", href="/entities/person%3Adominic-raab")  # speakers in the article's quote table


def test_unsure_attributions_are_left_out_or_marked_never_plain(client):
    everything = client.get("/api/quotes?limit=500").json()["items"]
    # under the web's cut, or a reported quote under the reported quotes' cut (onrecord.query.shown_at)
    unsure = [q for q in everything
              if q["confidence"] < 0.4 or (q["kind"] != "direct" and q["confidence"] < reported_cut())]
    assert unsure
    tree, html = page(client, "/quotes?_size=500")
    shown = set(quote_ids(html))
    assert not shown & {q["id"] for q in unsure}  # the default leaves them out ...
    n = len(unsure)  # ... and says how many, with a link to show them
    assert f"{n} unsure attribution{'' if n == 1 else 's'} (confidence under" in html
    tree, html = page(client, "/quotes?_size=500&min_confidence=0")
    low = tree.find("li", class_="low")
    assert len(low) == len(unsure)  # shown, each marked and collapsed
    assert len(re.findall(r'<li class="quote low k-\w+"><details>', html)) == len(unsure)
    assert all(a.get("title") for a in tree.find("span", class_="conf"))  # the method on hover
    assert "found by the learned classifier" in html and "found by the rules" in html
    # the article page outlines unsure quotes and lists them apart, collapsed
    art = next(q["article_id"] for q in unsure)
    tree, html = page(client, f"/articles/{art}")
    n = sum(1 for q in unsure if q["article_id"] == art)
    assert len({m["data-q"] for m in tree.find("mark", class_="low")}) == n
    assert tree.find("details", class_="unsure") and len(tree.find("tr", class_="low")) == n


def test_statements_need_two_articles_and_similarity_counts_added_words(client):
    page(client, "/statements")
    listed = client.get("/statements.json").json()["items"]
    assert listed and all(len({r["article_id"] for r in s["reports"]}) >= 2 for s in listed)
    every = client.get("/api/statements?limit=500").json()["items"]
    assert len(every) > len(listed)  # statements reported once are left out by default
    # a report that adds 40 words to a ten-word statement no longer matches it fully
    ten = "we urge all parties to de-escalate further conflict is against interests"
    assert similarity(ten, ten) == 1.0
    assert similarity(ten, ten + " " + " ".join(f"word{i}" for i in range(40))) < 0.3
    assert similarity(ten, "We urge all parties to de-escalate. Further conflict is against interests!") == 1.0


def test_search_terms_are_marked_and_escaped(client):
    _, html = page(client, "/?q=dangerous+escalation")
    assert '<mark class="hit">dangerous</mark>' in html and '<mark class="hit">escalation</mark>' in html
    _, html = page(client, "/quotes?q=%3Cb%3E+Syria")
    assert "<b>" not in html.split("<main>")[1]
    _, html = page(client, "/quotes?q=Syria")
    assert '<mark class="hit">Syria</mark>' in html


def test_every_view_is_a_shareable_url(client):
    tree, _ = page(client, "/quotes?kind=direct&_sort=speaker&_size=10")
    pager_links = [a["href"] for a in tree.find("a", rel="next")]
    assert pager_links and all("kind=direct" in h and "_sort=speaker" in h and "_size=10" in h for h in pager_links)
    facet_links = [a["href"] for a in tree.find("a") if "outlet=" in (a["href"] or "")]
    assert facet_links and all("kind=direct" in h and "_sort=speaker" in h for h in facet_links)
    assert not any("offset=" in h for h in facet_links)  # a new filter starts at the first page


def test_the_pages_confidence_cut_is_a_setting(tmp_path_factory, monkeypatch):
    store = str(ws.demo_store(tmp_path_factory))

    def shown_and_left_out() -> tuple[int, int]:
        with ws.TestClient(create_app(store)) as c:
            body = c.get("/quotes.json").json()
            return body["total"], body["hidden_low_confidence"]

    default = shown_and_left_out()
    monkeypatch.setenv("ONRECORD_WEB_MIN_CONFIDENCE", "0.9")
    strict = shown_and_left_out()
    assert strict[0] < default[0] and strict[0] + strict[1] == default[0] + default[1]
    monkeypatch.setenv("ONRECORD_WEB_MIN_CONFIDENCE", "2")
    with pytest.raises(BadParameter, match="ONRECORD_WEB_MIN_CONFIDENCE must be"):
        shown_and_left_out()


def test_stances_and_contradictions_under_the_cut_are_hidden_with_a_count(tmp_path_factory, monkeypatch):
    """/stances and /contradictions leave out what is less sure than web_min_confidence, say how many, and link
    to all of them (min_confidence=0)."""
    store = str(ws.demo_store(tmp_path_factory))
    with ws.TestClient(create_app(store)) as c:
        every = c.get("/stances.json?min_confidence=0").json()["total"]
        pairs = c.get("/api/contradictions?limit=500").json()["items"]
    cut = max(p["confidence"] for p in pairs)  # some pairs are less sure than the surest (several may tie)
    monkeypatch.setenv("ONRECORD_WEB_MIN_CONFIDENCE", str(cut))
    monkeypatch.setenv("ONRECORD_STANCE_MIN_CONFIDENCE", str(cut))  # the stance lists take the higher of the two
    with ws.TestClient(create_app(store)) as c:
        body = c.get("/stances.json").json()
        assert body["total"] + body["hidden_low_confidence"] == every and body["hidden_low_confidence"] > 0
        assert all(s["confidence"] >= cut for s in body["items"])
        html = c.get("/stances").text
        assert f"{body['hidden_low_confidence']} less sure hidden" in html
        assert any("min_confidence=0" in (a["href"] or "") for a in ws.Tree(html).find("a"))
        shown = c.get("/contradictions.json").json()
        below = sum(1 for p in pairs if p["confidence"] < cut)
        assert below and shown["hidden_low_confidence"] == below
        assert all(p["confidence"] >= cut for p in shown["items"])
        assert f"{below} less sure hidden" in c.get("/contradictions").text
        assert c.get("/contradictions.json?min_confidence=0").json()["hidden_low_confidence"] == 0
