"""Issue 24 item 3: the person page's portrayal chart. How each outlet portrays someone in its own sentences, one
panel per outlet, the mean tone per month with counts, every point a link to its sentences (the Portrayal tab
filtered by outlet and month), each sentence linked to its words in the article. The chart is one GROUP BY read
through ``onrecord.portrayal``, escaped, and costs the same however many tones there are about others."""
from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import web_support as ws

import onrecord
from onrecord import portrayal
from onrecord.web.app import create_app
from onrecord.web.markup import tone_title
from onrecord.web.svg import TonePoint, portrayal_svg

CORBYN = "person:jeremy-corbyn"
PAGE = "/entities/person%3Ajeremy-corbyn"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return ws.demo_store(tmp_path_factory)


@pytest.fixture(scope="module")
def client(store):
    with ws.TestClient(create_app(str(store))) as c:
        yield c


def _chart(html: str) -> ET.Element:
    section = html.split('id="portrayal-chart"', 1)[1].split("</section>", 1)[0]
    return ET.fromstring(section.split('<figure class="chart">', 1)[1].split("<figcaption>", 1)[0])


def _rows(html: str) -> list[tuple[str, str, str, str]]:
    """(date, outlet, sentence link, marked words) of each row of the Portrayal tab."""
    part = html.split('<section id="portrayal">', 1)[1].split("</section>", 1)[0]
    return [(d, unescape(o), unescape(h), unescape(m)) for d, o, h, m in re.findall(
        r'<tr><td class="nowrap">([^<]*)</td><td><bdi>([^<]*)</bdi></td>.*?<a class="evidence" href="([^"]+)">'
        r'<bdi>.*?<mark class="mention">([^<]*)</mark>', part, flags=re.S)]


def test_each_point_is_an_outlets_month_with_its_figures_and_links_to_exactly_its_sentences(client, store):
    with onrecord.open(store, readonly=True) as api:
        groups = portrayal.summary(api, portrayal.tone_filter(api, CORBYN, kind="portrayal"), ("outlet", "month"))
        every = portrayal.tones(api, portrayal.tone_filter(api, CORBYN, kind="portrayal"), limit=500)
        texts = {a.id: api.article(a.id).text for a in api.articles(limit=100)}
    page = client.get(PAGE).text
    circles = _chart(page).findall(f".//{SVG}circle")
    expected = {(g.outlet, g.month): g for g in groups if g.month}
    assert len(expected) >= 3 and len(circles) == len(expected)
    panels = [t.text for t in _chart(page).findall(f".//{SVG}text") if "rowlabel" in (t.get("class") or "")]
    assert panels == sorted({g.outlet for g in expected.values()},
                            key=lambda o: (-sum(g.n for g in expected.values() if g.outlet == o), o))
    tab = re.search(r'id="tab-portrayal">[^<]*<span class="n">([\d,]+)', page)
    assert tab and int(tab[1]) == every.total == sum(g.n for g in groups) > 20
    links = {a.find(f"{SVG}circle").get("data-month"): a.get("href") for a in _chart(page).iter(f"{SVG}a")}
    assert len(links) == len({g.month for g in expected.values()})  # each month here is one outlet's
    for c in circles:
        g = expected[(c.get("data-outlet"), c.get("data-month"))]
        assert int(c.get("data-n")) == g.n and float(c.get("data-mean")) == pytest.approx(g.mean, abs=1e-4)
        assert f"over {g.n} sentence" in c.find(f"{SVG}title").text
        assert f"({g.negative} negative, {g.neutral} neutral, {g.positive} positive)" in c.find(f"{SVG}title").text
        listed = client.get(links[g.month])
        assert listed.status_code == 200
        rows = _rows(listed.text)
        assert len(rows) == g.n and all(o == g.outlet and d.startswith(g.month) for d, o, _, _ in rows)
        for _, _, href, words in rows:  # each sentence links to its place in the article, its mention marked
            m = re.fullmatch(r"/articles/(\w+)\?span=(\d+)-(\d+)#s-\d+-\d+", href)
            assert m
            t = next(t for t in every if (t.article_id, t.start, t.end) == (m[1], int(m[2]), int(m[3]))
                     and t.mention == words)
            assert texts[t.article_id][t.mention_start:t.mention_end] == words
            assert client.get(href).status_code == 200
    assert "Tone is a model’s reading" in page and "0.67" in page


def test_the_page_scope_narrows_the_chart_and_the_tab(client):
    page = client.get(PAGE + "?outlet=the+sun").text
    circles = _chart(page).findall(f".//{SVG}circle")
    assert circles and {c.get("data-outlet") for c in circles} == {"The Sun"}
    n = sum(int(c.get("data-n")) for c in circles)
    tab = client.get(PAGE + "?tab=portrayal&outlet=the+sun").text
    assert len(_rows(tab)) == n and 'id="tab-portrayal"' in tab
    assert "outlet=the+sun" in tab.split('class="json" href="', 1)[1].split('"', 1)[0]
    later = client.get(PAGE + "?since=2019").text
    assert {c.get("data-month")[:4] for c in _chart(later).findall(f".//{SVG}circle")} == {"2020"}
    assert client.get(PAGE + "?tab=portrayal&since=2016-13").status_code == 400


def test_the_chart_escapes_what_it_is_given_and_links_only_on_this_site():
    hostile = '<script>alert(1)</script>"\u202e'
    pts = [TonePoint(hostile, "2020-01", 3, 1, 1, 1, -0.2, "/entities/x?tab=portrayal"),
           TonePoint(hostile, "2020-02", 1, 0, 0, 1, 0.9, "javascript:alert(1)"),
           TonePoint("Other", "2003-05", 2, 2, 0, 0, -0.8, "//evil.example/"),
           *[TonePoint("Other", f"2020-{m:02d}", 1, 0, 1, 0, 0.0, f"/p{m}") for m in range(1, 12)]]
    svg = str(portrayal_svg(pts, title=hostile))
    root = ET.fromstring(svg)  # well-formed
    assert "<script" not in svg and "\u202e" not in svg
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/entities/x?tab=portrayal",
                                                               *[f"/p{m}" for m in range(1, 12)]]
    assert len(root.findall(f".//{SVG}circle")) == len(pts)
    assert "1 earlier, at the edge" in svg  # a month far from the rest is drawn at the edge, marked
    assert len(root.findall(f".//{SVG}line[@class='toneline']")) == 1 + 10  # only consecutive months are joined
    assert str(portrayal_svg([TonePoint("A", "", 2, 1, 1, 0, 0.0)])) == ""


def _grow_tones_about_others(path: Path, times: int) -> None:
    conn = sqlite3.connect(path)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(tones)")]
    picked = ", ".join(f"t.{c} + k.i * 100000" if c in ("id", "n") else f't."{c}"' for c in cols)
    with conn:
        conn.execute(f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {times}) "
                     f"INSERT INTO tones({', '.join(chr(34) + c + chr(34) for c in cols)}) SELECT {picked} "
                     f"FROM tones t, k WHERE (t.article_id, t.entity_n) NOT IN (SELECT article_id, n FROM "
                     f"article_entities WHERE entity_id = ?)", (CORBYN,))
    conn.close()


def test_the_chart_and_the_tab_read_nothing_of_tones_about_others(store, tmp_path):
    grown = ws.copy_store(store, tmp_path)
    _grow_tones_about_others(grown, 60)
    with sqlite3.connect(store) as a, sqlite3.connect(grown) as b:
        assert b.execute("SELECT count(*) FROM tones").fetchone()[0] > 30 * a.execute(
            "SELECT count(*) FROM tones").fetchone()[0]
    urls = [PAGE, PAGE + "?tab=portrayal", PAGE + "?tab=portrayal&outlet=The+Sun&since=2018-04&until=2018-04",
            PAGE + "?tab=said"]
    before, after = ws.request_steps(store, urls), ws.request_steps(grown, urls)
    grew = {u: (before[u], after[u]) for u in urls if after[u] > before[u] + 1}
    assert not grew, grew


# -- tone marks on the article page ---------------------------------------------------------------------------------
_TM = re.compile(r'<span class="tm (tm-\w+)" title="([^"]*)">')


class _ToneText(HTMLParser):
    """The text inside each tone mark, by title (nested marks each count their text), and each mark's class."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str] | None] = []
        self.text: dict[str, str] = {}
        self.cls: dict[str, set[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        tm = tag == "span" and "tm" in (a.get("class") or "").split()
        self.stack.append((a.get("title") or "", (a.get("class") or "").split()[-1]) if tm else None)

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for mark in self.stack:
            if mark:
                self.text[mark[0]] = self.text.get(mark[0], "") + data
                self.cls.setdefault(mark[0], set()).add(mark[1])


def test_each_mention_on_the_article_page_carries_its_sentences_tone(client, store):
    with onrecord.open(store, readonly=True) as api:
        arts = [a.id for a in api.articles(limit=100)]
        checked = 0
        for aid in arts:
            tones = portrayal.article_tones(api, aid)
            text = api.article(aid).text
            html = client.get(f"/articles/{aid}").text
            body = html.split('<div class="text" id="text">', 1)[1].split("</div>", 1)[0]
            assert not ws.Tree(f"<div>{body}</div>").errors
            marked = _ToneText(body)
            for t in tones:
                title = tone_title(t)
                assert f"{t.label} tone toward {t.target} ({t.score:+.2f}" in title and "model’s reading" in title
                assert ("’s words" in title) == (t.holder is not None)
                assert marked.cls[title] == {f"tm-{t.label}"}
                assert text[t.mention_start:t.mention_end] in marked.text[title]  # its words, under its mark
                checked += 1
            assert ('id="tone-legend"' in html) == bool(tones)
    assert checked > 100


def test_tone_marks_are_escaped_and_keep_the_markup_balanced_and_the_text_whole():
    from types import SimpleNamespace

    from onrecord.models import Segment
    from onrecord.web.markup import highlight_article

    text = 'Mr <b>Smith</b> said "Jones & co are a disgrace" today.'
    segs = [Segment(0, len(text), "body")]
    quote = SimpleNamespace(id=1, start=21, end=47, spans=None, speaker="Smith", speaker_type="person",
                            on_behalf_of=None, speaker_mention=None, cue_span=None, speaker_span=(3, 14))
    hostile = '<script>alert(1)</script>"\u202e'
    tones = [SimpleNamespace(id=1, mention_start=3, mention_end=14, label="neutral", score=0.01, target=hostile,
                             holder=None, outlet=hostile),
             SimpleNamespace(id=2, mention_start=22, mention_end=32, label="negative", score=-0.9, target="Jones",
                             holder=hostile, outlet="X"),
             SimpleNamespace(id=3, mention_start=40, mention_end=70, label="bogus", score=0.0, target="y",
                             holder=None, outlet=None)]
    html = str(highlight_article(text, segs, [quote], tones=tones))
    tree = ws.Tree(f"<div>{html}</div>")
    assert not tree.errors and not tree.stack
    assert "".join(tree.text) == text  # the words, unchanged
    assert "<script" not in html and "\u202e" not in html and "<b>" not in html
    classes = [cls for cls, _ in _TM.findall(html)]
    assert "tm-neutral" in classes and "tm-negative" in classes and not any("bogus" in c for c in classes)
    inside_quote = re.search(r'<mark class="q [^"]*"[^>]*><span class="tm tm-negative"', html)
    assert inside_quote  # the speaker's colour stays on the quote, the tone innermost
