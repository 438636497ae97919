"""Issue 26: filters that say no. A parameter a page, an export or an API endpoint does not take is refused with a
400 listing the ones it takes (in the format asked for: a page, JSON or CSV), never silently ignored; ``limit`` and
``_size`` are one page size everywhere."""
from __future__ import annotations

import csv
import io
import re

import pytest
import web_support as ws

from onrecord.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with ws.TestClient(create_app(str(ws.demo_store(tmp_path_factory)))) as c:
        yield c


def test_an_unknown_api_parameter_is_a_400_naming_the_known_ones(client):
    r = client.get("/api/quotes?speaker=Trump")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "E400" and "'speaker'" in err["message"]
    assert all(name in err["message"] for name in ("by", "about", "outlet", "min_confidence", "limit", "_size"))
    assert "did you mean 'outlet'" in client.get("/api/stances?outlte=BBC").json()["error"]["message"]
    assert client.get("/api/quotes?by=Trump").status_code == 200


@pytest.mark.parametrize("url", ["/quotes?speaker=Trump", "/stances?by=x", "/articles?q=x", "/entities?holder=x",
                                 "/statements?holder=x", "/contradictions?by=x", "/?who=x", "/entities/x?speaker=y"])
def test_an_unknown_page_parameter_is_a_400_page_saying_so(client, url):
    r = client.get(url)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "takes no parameter" in r.text and "it takes:" in r.text


def test_errors_on_exports_come_back_in_the_export_format(client):
    j = client.get("/quotes.json?speaker=Trump")
    assert j.status_code == 400 and j.headers["content-type"] == "application/json"
    assert "'speaker'" in j.json()["error"]["message"]
    c = client.get("/quotes.csv?since=2016-13")
    assert c.status_code == 400 and c.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(c.text)))
    assert rows[0] == ["error", "code", "message"] and rows[1][:2] == ["400", "E400"] and "since" in rows[1][2]
    assert client.get("/stances.json?offset=x").json()["error"]["code"] == "E400"


def test_limit_and_size_are_one_page_size_everywhere(client):
    for url in ("/quotes.json?min_confidence=0&{}=3", "/api/quotes?{}=3", "/stances.json?{}=3", "/api/stances?{}=3"):
        by_limit, by_size = (client.get(url.format(name)).json() for name in ("limit", "_size"))
        assert by_limit["limit"] == by_size["limit"] == 3 and by_limit["items"] == by_size["items"]
        assert len(by_limit["items"]) == 3
    assert client.get("/api/quotes?limit=3&_size=4").status_code == 400
    assert client.get("/api/quotes?limit=3&_size=3").status_code == 200


def _outlets(client):
    facet = next(f for f in client.get("/quotes.json?min_confidence=0").json()["facets"] if f["name"] == "outlet")
    return {v["value"]: v["count"] for v in facet["values"] if v["value"]}


def test_an_outlet_is_found_in_any_case_and_repeated_outlets_mean_any_of_them(client):
    counts = _outlets(client)
    assert len(counts) >= 2
    (a, n_a), (b, n_b) = sorted(counts.items())[:2]
    for url in ("/quotes.json?min_confidence=0&outlet={}", "/api/quotes?outlet={}"):
        assert client.get(url.format(a.lower())).json()["total"] == n_a
        assert client.get(url.format(a.upper())).json()["total"] == n_a
        both = client.get(url.format(a) + "&outlet=" + b.swapcase()).json()
        assert both["total"] == n_a + n_b and {q["outlet"] for q in both["items"]} == {a, b}
    page = client.get("/quotes?min_confidence=0&outlet=" + a + "&outlet=" + b).text
    assert f"{n_a + n_b} results" in page or f"of {n_a + n_b}" in page
    assert page.count(f'name="outlet" value="{a}"') == 1 and page.count(f'name="outlet" value="{b}"') == 1
    sorted_url = re.search(r'href="(/quotes\?[^"]*_sort(?:_desc)?=date[^"]*)"', page)[1].replace("&amp;", "&")
    assert f"outlet={a}".replace(" ", "+") in sorted_url and f"outlet={b}".replace(" ", "+") in sorted_url
    articles = client.get(f"/api/articles?outlet={a.upper()}&outlet={b.lower()}&limit=500").json()
    assert {x["outlet"] for x in articles["items"]} == {a, b}
    assert client.get("/api/quotes?outlet=No+Such+Outlet").json()["total"] == 0


def test_and_n_more_in_a_facet_links_to_every_value(client):
    facets = {f["name"]: f for f in client.get("/quotes.json?min_confidence=0").json()["facets"]}
    name, more = next((n, f["more"]) for n, f in facets.items() if f["more"])
    html = client.get("/quotes?min_confidence=0").text
    link = re.search(rf'data-facet="{name}">.*?<a class="facet-more" href="([^"]+)">and {more:,} more</a>', html,
                     re.S)
    assert link, "the 'and N more' of a facet is a link"
    full = {f["name"]: f for f in client.get(link[1].replace("&amp;", "&").replace("/quotes?", "/quotes.json?")
                                             ).json()["facets"]}
    assert full[name]["more"] == 0 and len(full[name]["values"]) == len(facets[name]["values"]) + more
    assert full[name]["values"][:len(facets[name]["values"])] == facets[name]["values"]


def test_docs_web_lists_every_parameter_once():
    """Issue 26: docs/web.md's parameter table names every query parameter a page, an export or the API takes,
    each in one row."""
    import collections
    from pathlib import Path

    from onrecord.web import api, lists, pages
    from onrecord.web import params as P

    doc = (Path(__file__).resolve().parent.parent / "docs" / "web.md").read_text(encoding="utf-8")
    start = doc.index("| parameter |")
    table = doc[start:doc.index("\n\n", start)].splitlines()[2:]
    named = [n for row in table for n in re.findall(r"`([^`]+)`", row.split("|")[1])]
    assert [n for n, k in collections.Counter(named).items() if k > 1] == []
    taken = ({p.name for ep in api.ENDPOINTS for p in ep.params if p.where == "query"}
             | {n for f in lists.FILTERS.values() for n in f} | set(P.LIST_PARAMS)
             | {"_count", "_stream", "_facet_size", "tab", "span", *pages.SCOPE, *pages.ENTITY_PAGERS})
    assert taken - set(named) == set()
