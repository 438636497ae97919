"""Server-rendered pages in-process, parsed as HTML; the highlighter, the word diff and the SVG chart as units."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
import web_support as ws
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.models import Segment
from onrecord.web.app import create_app
from onrecord.web.markup import highlight_article, safe_url, word_diff
from onrecord.web.svg import Point, timeline_svg


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    with ws.TestClient(create_app(str(ws.demo_store(tmp_path_factory)))) as c:
        yield c


@pytest.fixture(scope="session")
def first_article(client):
    return client.get("/api/articles?outlet=Yahoo News UK").json()["items"][0]


def page(client, url: str, status: int = 200) -> ws.Tree:
    r = client.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    tree = ws.Tree(r.text)
    assert not tree.errors and not tree.stack, (tree.errors, tree.stack)
    return tree


def test_home_lists_latest_articles_newest_first(client):
    tree = page(client, "/")
    assert tree.find("form", action="/", method="get") and tree.find("input", name="q")
    links = [a["href"] for a in tree.find("a") if re.fullmatch(r"/articles/\w{12}", a["href"] or "")]
    dates = [a["date"] for a in client.get("/api/articles").json()["items"]]
    assert len(links) == 5
    assert links[0] == "/articles/" + client.get("/api/articles?offset=4&limit=1").json()["items"][0]["id"]
    assert dates == sorted(dates)


def test_search_finds_quotes_by_their_words(client):
    r = client.get("/?q=dangerous escalation")
    tree = ws.Tree(r.text)
    quotes = tree.find("li", class_="quote")
    assert r.status_code == 200 and quotes
    assert "dangerous escalation" in "".join(tree.text)
    assert any(re.fullmatch(r"/articles/\w{12}#q-\d+", a["href"] or "") for a in tree.find("a"))


def test_articles_page_is_paged_and_filterable(client):
    tree = page(client, "/articles?outlet=PoliticsHome")
    assert len([a for a in tree.find("a") if (a["href"] or "").startswith("/articles/")]) == 2
    page(client, "/articles?since=2099", 200)
    page(client, "/articles?offset=-4", 400)


def test_article_page_highlights_every_quote_over_the_original_text(client, first_article):
    aid = first_article["id"]
    data = client.get(f"/api/articles/{aid}").json()
    r = client.get(f"/articles/{aid}")
    tree = page(client, f"/articles/{aid}")
    anchors = {a["id"] for a in tree.find("span", class_="anchor")}
    assert anchors == {f"q-{q['id']}" for q in data["quotes"]}
    marks = tree.find("mark", class_="q")
    assert {int(m["data-q"]) for m in marks} <= {q["id"] for q in data["quotes"]}
    # each speaker keeps one colour
    colour_of: dict[str, set[str]] = {}
    by_id = {q["id"]: q for q in data["quotes"]}
    for m in marks:
        q = by_id[int(m["data-q"])]
        colour = next(c for c in m["class"].split() if re.fullmatch(r"c\d|cu", c))
        colour_of.setdefault(q["speaker"] or "", set()).add(colour)
    assert all(len(v) == 1 for k, v in colour_of.items() if k)
    # the body text is the article's segments, unchanged, with furniture greyed and labelled
    body = r.text.split('<div class="text" id="text">')[1].split("</div>")[0]
    plain = re.sub(r'<span class="flabel">[^<]*</span>', "", body)
    plain = ws.Tree(plain)
    joined = "".join(plain.text)
    for s in data["segments"]:
        assert data["text"][s["start"]:s["end"]] in joined
    assert len(tree.find("p", class_="furniture")) == sum(s["kind"] == "furniture" for s in data["segments"])
    # a details row per quote, for the popover and for readers without JavaScript
    assert len(tree.find("tr", class_="qdetail")) == len(data["quotes"])


def test_page_errors_are_html_pages(client):
    tree = page(client, "/articles/ffffffffffff", 404)
    assert any("no article with id" in t for t in tree.text)
    page(client, "/no/such/page", 404)
    page(client, "/?offset=abc", 400)


# -- units: the highlighter, the diff, the chart ---------------------------------------------------------------
def _quote(i: int, a: int, b: int, speaker: str | None = "A", cue=None, spk=None, spans=None) -> SimpleNamespace:
    return SimpleNamespace(id=i, start=a, end=b, spans=spans, speaker=speaker, speaker_type="person",
                           on_behalf_of=None, speaker_mention=None, cue_span=cue, speaker_span=spk)


def _check(html: str, text: str) -> ws.Tree:
    tree = ws.Tree(f"<div>{html}</div>")
    assert not tree.errors and not tree.stack, tree.errors
    return tree


def test_overlapping_and_crossing_quotes_keep_the_markup_balanced():
    text = 'Title\n\nShe said "one <two> & three" and "four five".\n\nCaption: a photo & more'
    segs = [Segment(0, 5, "title"), Segment(7, 52, "body"), Segment(54, len(text), "furniture", "caption")]
    quotes = [_quote(1, 16, 35, "A", cue=(11, 15), spk=(7, 10)), _quote(2, 20, 60, "B"),
              _quote(3, 38, 49, None, spans=[[38, 42], [44, 49]])]
    html = str(highlight_article(text, segs, quotes))
    tree = _check(html, text)
    assert "&lt;two&gt; &amp;" in html and "<two>" not in html
    assert {a["id"] for a in tree.find("span", class_="anchor")} == {"q-1", "q-2", "q-3"}
    assert tree.find("mark", class_="multi") and tree.find("span", class_="cue") and tree.find("p", class_="furniture")
    assert tree.find("mark", class_="cu")  # no speaker: the grey class


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='ab <>&"\'\n', min_size=1, max_size=60), st.lists(
    st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6), st.integers(0, 60))
def test_any_spans_give_balanced_markup_and_the_same_text(text, spans, cut):
    segs = [Segment(0, min(cut, len(text)), "body"), Segment(min(cut, len(text)), len(text), "furniture", "x")]
    quotes = [_quote(i, min(a, b), max(a, b) + 1, f"S{i % 3}", cue=(a, a + 2)) for i, (a, b) in enumerate(spans)]
    tree = _check(str(highlight_article(text, segs, quotes)), text)
    shown = "".join(tree.text).replace("x", "")  # "x" is the furniture label; the text has no x
    assert shown == text


def test_word_diff_marks_missing_and_added_words():
    out = str(word_diff("the US assassination is a dangerous escalation",
                        "the assassination is an extremely dangerous escalation"))
    assert "<del>US</del>" in out and "<ins>an extremely</ins>" in out and "<del>a</del>" in out
    assert str(word_diff("same words", "same words")) == "same words"
    assert "&lt;b&gt;" in str(word_diff("x", "<b>"))


def test_safe_url_only_allows_http():
    assert safe_url("https://example.com/a?b=c") == "https://example.com/a?b=c"
    for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.com", 'http://a"b']:
        assert safe_url(bad) is None


def test_timeline_svg_is_valid_svg_with_one_dot_per_dated_statement():
    pts = [Point("2016-10-08", "Russia", "oppose", 'said "<b>no</b>"', "/statements/1"),
           Point("2018-04", "Syria", "support", "yes", "/statements/2"),
           Point("2020", "Russia", "neutral", "maybe", "javascript:alert(1)"),
           Point(None, "Russia", "oppose", "undated")]
    svg = str(timeline_svg(pts))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    dots = root.findall(f".//{ns}circle")
    assert len(dots) == 3
    assert {d.get("class") for d in dots} == {"dot st-oppose", "dot st-support", "dot st-neutral"}
    hrefs = [a.get("href") for a in root.findall(f".//{ns}a")]
    assert hrefs == ["/statements/1", "/statements/2"]  # the javascript: link is dropped
    assert "&lt;b&gt;" in svg
    assert str(timeline_svg([Point(None, "x", "oppose", "t")])) == ""
