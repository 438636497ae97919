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
    dots = root.findall(f".//{ns}path")
    assert len(dots) == 3
    assert {d.get("class") for d in dots} == {"dot st-oppose", "dot st-support", "dot st-neutral"}
    hrefs = [a.get("href") for a in root.findall(f".//{ns}a")]
    assert hrefs == ["/statements/1", "/statements/2"]  # the javascript: link is dropped
    assert "&lt;b&gt;" in svg
    assert str(timeline_svg([Point(None, "x", "oppose", "t")])) == ""


# -- entity, statement and contradiction pages on the demo store ----------------------------------------------------
CORBYN = "/entities/person:jeremy-corbyn"


def section_text(html: str, section_id: str) -> str:
    part = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return " ".join(" ".join(ws.Tree("<div " + part + "</div>").text).split())


def test_search_lists_people_by_name_and_alias(client):
    tree = page(client, "/?q=Corbyn")
    people = [a["href"] for a in tree.find("a") if (a["href"] or "").startswith("/entities/")]
    assert people and people[0] == "/entities/person%3Ajeremy-corbyn"
    assert page(client, "/?q=Raab").find("a", href="/entities/person%3Adominic-raab")


def test_person_page_shows_roles_with_evidence_and_descriptors(client):
    r = client.get(CORBYN + "?tab=roles")
    tree = page(client, CORBYN + "?tab=roles")
    assert "Jeremy Corbyn" in "".join(tree.text)
    roles = section_text(r.text, "roles")
    assert "Leader of the Labour Party 2015-09-12 2020-04-04" in roles
    evidence = [a["href"] for a in tree.find("a", class_="evidence")]
    assert evidence and all(re.fullmatch(r"/articles/\w{12}\?span=\d+-\d+#s-\d+-\d+", h) for h in evidence)
    r = client.get(CORBYN + "?tab=descriptions")
    tree = page(client, CORBYN + "?tab=descriptions")
    described = section_text(r.text, "descriptors")
    assert "The Sun" in described and "“ the leftie Labour boss ” 2018-04-09 · permalink loaded" in described
    assert tree.find("span", class_="descriptor")  # each description, loaded ones marked
    links = [a["href"] for a in tree.find("a", class_="evidence")]  # each linked to its words in its article
    assert links and all(re.fullmatch(r"/articles/\w{12}\?span=\d+-\d+#s-\d+-\d+", h) for h in links)
    assert [a for a in tree.find("span", class_="loaded")]


def test_person_page_summary_and_tabs(client):
    r = client.get(CORBYN)
    tree = page(client, CORBYN)
    summary = section_text(r.text, "summary")
    assert "Leader of the Labour Party" in summary  # the role the latest articles give him
    assert "Bashar al-Assad" in summary  # what he takes stances on most
    # quotes by him and mentions of him, per outlet (5 in The Sun since only speech is a quote: "mentioning Assad",
    # "refused to point the finger", "defended the regime" and the like were counted before issue 23; 22 mentions
    # since the picture captions that name him count, issue 25: 16 before)
    assert "The Sun 5 22" in summary
    tabs = {a["id"]: a["href"] for a in tree.find("a") if (a.get("id") or "").startswith("tab-")}
    assert {"tab-overview", "tab-said", "tab-others", "tab-stances", "tab-claims", "tab-roles"} <= set(tabs)
    assert tabs["tab-said"] == "/entities/person:jeremy-corbyn?tab=said"
    for href in tabs.values():  # every tab loads on its own, as a shareable URL
        page(client, href)
    # an entity with nothing in a section has no tab for it
    raab = page(client, "/entities/person%3Adominic-raab")
    raab_tabs = {a["id"] for a in raab.find("a") if (a.get("id") or "").startswith("tab-")}
    assert "tab-claims" not in raab_tabs and "tab-said" in raab_tabs
    claims = section_text(client.get("/entities/person%3Adominic-raab").text, "summary")
    assert "none found" in claims and not raab.find("a", id="contradictions-link")  # no alert box for none


def test_person_chart_has_one_mark_per_dated_stance_coloured_and_shaped_by_label(client):
    stances = client.get("/api/stances", params={"holder": "person:jeremy-corbyn", "limit": 500}).json()["items"]
    dated = [s for s in stances if s["date"]]
    r = client.get(CORBYN + "?min_confidence=0")  # every stance drawn (the default hides the less sure)
    svg = r.text.split('<figure class="chart">', 1)[1].split("<figcaption>", 1)[0]
    root = ET.fromstring(svg)
    dots = root.findall(".//{http://www.w3.org/2000/svg}path")
    assert len(dots) == len(dated) > 10
    labels = sorted(d.get("data-label") for d in dots)
    assert labels == sorted(s["label"] for s in dated)
    for d in dots:
        assert f"st-{d.get('data-label')}" in d.get("class").split()
    claimed = [d for d in dots if "claimed" in d.get("class").split()]
    assert len(claimed) == sum(1 for s in dated if s["reporter_type"] not in (None, "spokesperson"))
    legend = ws.Tree(r.text.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0])
    assert {a["class"].split()[1] for a in legend.find("path", class_="dot")} >= {f"st-{s['label']}" for s in dated}
    # each mark links to its evidence
    links = [a.get("href") for a in root.findall(".//{http://www.w3.org/2000/svg}a")]
    assert len(links) == len(dots) and all(re.fullmatch(r"/articles/\w{12}\?span=\d+-\d+#s-\d+-\d+", h)
                                           for h in links)


def _marks(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, label, shape) of each mark of a chart, in drawing order."""
    out = []
    for path in ET.fromstring(svg).findall(".//{http://www.w3.org/2000/svg}path"):
        x, y = re.fullmatch(r"translate\((\S+) (\S+)\)", path.get("transform")).groups()
        out.append((float(x), float(y), path.get("data-label"), path.get("d")))
    return out


def test_same_day_marks_never_overlap_and_similar_labels_differ():
    labels = ["condemn", "criticise", "oppose", "urge", "demand", "support", "praise", "warn"]
    pts = [Point("2020-01-03", "Iran", label, f"s{i}", "/x") for i, label in enumerate(labels)]
    pts += [Point("2020-01-04", "Iran", "condemn", "next day", "/x"), Point("2020-01-03", "Iraq", "urge", "o", "/x")]
    marks = _marks(str(timeline_svg(pts)))
    assert len(marks) == len(pts)
    pairs = [(a, b) for i, a in enumerate(marks) for b in marks[i + 1:]]
    assert all(abs(a[0] - b[0]) >= 11 or abs(a[1] - b[1]) >= 11 for a, b in pairs)  # none touches another
    shape = {m[2]: m[3] for m in marks}
    # oppose has its own shape; condemn and criticise share one and differ in colour; so do urge and demand
    assert shape["condemn"] == shape["criticise"] != shape["oppose"]
    assert shape["urge"] == shape["demand"] != shape["support"]
    css = (ws.EXAMPLES.parent.parent / "src/onrecord/web/static/style.css").read_text(encoding="utf-8")
    fill = {lab: re.search(rf"\.st-{lab} {{ fill: (#\w+);", css)[1] for lab in labels}
    assert fill["condemn"] != fill["criticise"] and fill["urge"] != fill["demand"]


def test_person_page_answers_what_he_said_about_assad_and_who_says_otherwise(client):
    tree = page(client, CORBYN)
    assert tree.find("a", id="contradictions-link")
    topics = [a["href"] for a in tree.find("a") if "?about=" in (a["href"] or "")]
    assert f"{CORBYN}?about=Assad" in topics
    r = client.get(CORBYN + "?about=Assad&tab=claims")
    assert r.status_code == 200
    counter = section_text(r.text, "counter")
    assert "refused to blame" in counter and "The Sun" in counter and "condemn" in counter
    assert "against their" in counter and "words" in counter and "claim-vs-own" not in counter  # words, not codes
    groups = r.text.split('<div class="claimgroup">')[1:]  # claims with the same counter-evidence share a group
    assert groups and all(g.count("Labour has long condemned all attacks") <= 1 for g in groups)  # evidence once
    stances = section_text(client.get(CORBYN + "?about=Assad&tab=stances").text, "stances")
    assert "Bashar al-Assad" in stances and "Brexit" not in stances
    r = client.get(CORBYN + "?about=Assad&tab=said")
    said = ws.Tree(r.text.split('id="said"', 1)[1].split("</section>", 1)[0])
    assert all("assad" in t.lower() for t in said.text if t.startswith("“"))


def test_statement_page_marks_wording_differences_between_outlets(client):
    def statement(words: str) -> tuple[ws.Tree, str]:
        st = client.get("/api/statements", params={"by": "Dominic Raab", "q": words}).json()["items"][0]
        r = client.get(f"/statements/{st['id']}")
        return page(client, f"/statements/{st['id']}"), r.text.split("<tbody>", 1)[1]

    tree, html = statement("urge all parties to de-escalate")
    rows = tree.find("tr", class_="report")
    assert len(rows) == 2 and "Yahoo News UK" in html and "LBC" in html and "<del>" not in html
    tree, html = statement("aggressive threat Quds")
    assert len(tree.find("tr", class_="report")) == 2
    assert "<del>Qassem</del>" in html and "<ins>Qasem</ins>" in html
    assert "Soleimani,</del>" not in html  # punctuation alone is no difference
    page(client, "/statements/abc", 400)
    page(client, "/statements/999999", 404)


def test_contradictions_page_groups_claims_beside_counter_evidence(client):
    tree = page(client, "/contradictions?name=Jeremy+Corbyn")
    pairs = client.get("/api/contradictions?name=Jeremy+Corbyn&limit=500").json()["items"]
    assert len(pairs) >= 2
    claims = {p["claim"]["id"] for p in pairs}
    counters = {p["counter"]["id"] for p in pairs}
    # every claim and every piece of counter-evidence shows once, grouped, not once per pair
    assert len(tree.find("div", class_="claim")) == len(claims)
    assert len(tree.find("div", class_="counter")) <= len(pairs) and len(counters) <= len(tree.find("div",
                                                                                                     class_="counter"))
    text = " ".join("".join(tree.text).split())
    assert "refused to blame Syrian dictator Bashar al-Assad" in text
    assert "condemned" in text and "spokesperson" in text and "against their own words" in text
    assert "claim-vs" not in text and "claim vs" not in text  # kinds in words, not codes
    links = [a["href"] for a in tree.find("a") if "span=" in (a["href"] or "")]
    assert len(links) == len(tree.find("div", class_="claim")) + len(tree.find("div", class_="counter"))
    for href in links[:4]:  # each side links to its characters, outlined and anchored
        path, anchor = href.split("#")
        art = page(client, path)
        assert art.find("span", id=anchor) and (art.find("mark", class_="focus"))
    assert "No contradictions" in "".join(page(client, "/contradictions?name=Nobody+Atall").text)


def test_evidence_span_is_checked(client, first_article):
    aid = first_article["id"]
    page(client, f"/articles/{aid}?span=10-5", 400)
    page(client, f"/articles/{aid}?span=0-99999999", 400)
    page(client, f"/articles/{aid}?span=x", 400)
    tree = page(client, f"/articles/{aid}?span=0-20")
    assert tree.find("span", id="s-0-20") and tree.find("mark", class_="focus")


def test_the_time_axis_covers_the_bulk_of_the_dates_and_marks_an_outlier_at_its_edge():
    """Issue 26: one stance dated 2003 among a 2015-16 campaign no longer squeezes the campaign into a sliver."""
    campaign = [Point(f"2015-{m:02d}-{d:02d}" if m <= 12 else f"2016-{m - 12:02d}-{d:02d}", "Trade", "criticize", "t",
                      "/articles/a")
                for m in range(3, 23) for d in (3, 17)]
    pts = [*campaign, Point("2003-05-01", "Trade", "support", "old", "/articles/b")]
    root = ET.fromstring(str(timeline_svg(pts)))
    ns = "{http://www.w3.org/2000/svg}"
    xs = [float(re.search(r"translate\(([\d.]+) ", p.get("transform"))[1]) for p in root.iter(f"{ns}path")]
    plot = 880 - 190 - 24
    assert max(xs[1:]) - min(xs[1:]) > 0.85 * plot  # the campaign spans the axis (it was about 20% of it)
    old = [p for p in root.iter(f"{ns}path") if "2003-05-01" in p.find(f"{ns}title").text]
    assert len(old) == 1 and "offaxis" in old[0].get("class")
    assert float(re.search(r"translate\(([\d.]+) ", old[0].get("transform"))[1]) <= 190 + 1
    assert "1 earlier, at the edge" in "".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert all("offaxis" not in p.get("class") for p in ET.fromstring(str(timeline_svg(campaign))).iter(f"{ns}path"))
