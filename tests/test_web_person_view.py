"""Issue 26: the person page is a view like the lists. Its outlet, date and sort parameters narrow and order its
tabs as the same parameters narrow the lists (the counts agree), each tab exports its view, and sort headers toggle
from a list's default order."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import web_support as ws

import onrecord
from onrecord.web.app import create_app
from onrecord.web.params import stance_min_confidence


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with ws.TestClient(create_app(str(ws.demo_store(tmp_path_factory)))) as c:
        yield c


def _tab_count(html: str, tab: str) -> int:
    m = re.search(rf'id="tab-{tab}"[^>]*>[^<]*<span class="n">([\d,]+)', html)
    return int(m[1].replace(",", "")) if m else 0


def _quote_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="permalink" href="/quotes/(\d+)"', html)]


def _most_quoted(client):
    return client.get("/entities.json?_sort_desc=quotes_by&limit=1").json()["items"][0]


def test_the_outlet_and_dates_narrow_the_tabs_as_they_narrow_the_lists(client):
    person = _most_quoted(client)
    path = quote(person["id"], safe="")
    outlets = [v for f in client.get(f"/quotes.json?by={path}&min_confidence=0").json()["facets"]
               if f["name"] == "outlet" for v in f["values"] if v["value"]]
    assert len(outlets) >= 2, "the most quoted person is quoted in two outlets"
    outlet = outlets[0]["value"]
    for scope in (f"outlet={quote(outlet.upper())}", "since=2016&until=2017", f"outlet={quote(outlet)}&since=2000"):
        page = client.get(f"/entities/{path}?tab=said&{scope}&min_confidence=0").text
        listed = client.get(f"/quotes.json?by={path}&{scope}&min_confidence=0&limit=500").json()
        assert _tab_count(page, "said") == listed["total"], scope
        assert _quote_ids(page) == [q["id"] for q in listed["items"]][:20], scope
        stances = client.get(f"/stances.json?holder={path}&{scope}&min_confidence=0").json()["total"]
        assert _tab_count(page, "stances") == stances, scope
    narrowed = client.get(f"/entities/{path}?tab=said&outlet={quote(outlet)}").text
    assert 'id="scope"' in narrowed and outlet in narrowed
    assert client.get(f"/entities/{path}?outlet=x&speaker=y").status_code == 400


def _chart_dates(html: str) -> list[str]:
    """The date of each mark of the page's stance chart (its title starts with it)."""
    svg = html[html.index('<svg class="timeline"'):]
    svg = svg[:svg.index("</svg>")]
    return re.findall(r"<path[^>]*>\s*<title>(\d{4}(?:-\d\d){0,2}) ", svg)


def test_the_date_filter_zooms_the_stance_chart(client):
    """Issue 26 item 4: since= and until= narrow the stance chart to their dates, so its axis spans them."""
    facets = client.get("/stances.json").json()["facets"]
    holder = next(f["values"][0]["value"] for f in facets if f["name"] == "holder")  # who holds the most stances
    path = quote(holder, safe="")
    every = _chart_dates(client.get(f"/entities/{path}").text)
    months = sorted({d[:7] for d in every if len(d) >= 7})
    assert len(months) >= 2, "the stances of whoever holds the most fall in two months"
    zoomed = _chart_dates(client.get(f"/entities/{path}?since={months[-1]}&until={months[-1]}").text)
    assert zoomed and all(d.startswith(months[-1]) for d in zoomed)
    assert len(zoomed) == sum(d.startswith(months[-1]) for d in every) < len(every)


def test_a_tab_sorts_and_exports_its_view(client):
    path = quote(_most_quoted(client)["id"], safe="")
    page = client.get(f"/entities/{path}?tab=said&_sort_desc=confidence&min_confidence=0").text
    shown = _quote_ids(page)
    listed = client.get(f"/quotes.json?by={path}&_sort_desc=confidence&min_confidence=0&limit=20").json()["items"]
    assert shown == [q["id"] for q in listed] and len(shown) > 1
    assert [q["confidence"] for q in listed] == sorted((q["confidence"] for q in listed), reverse=True)
    export = re.search(r'<a class="csv" href="([^"]+)"', page)[1].replace("&amp;", "&")
    assert export.startswith("/quotes.csv?") and "_sort_desc=confidence" in export
    rows = client.get(export + "&limit=20").text.splitlines()[1:]
    assert [int(r.split(",")[0]) for r in rows] == shown
    stances = client.get(f"/entities/{path}?tab=stances&_sort=label").text
    assert 'aria-sort="ascending"' in stances and "/stances.csv?" in stances


@pytest.mark.parametrize(("url", "key", "toggled"), [("/quotes", "date", "_sort_desc=date"),
                                                     ("/entities", "mentions", "_sort=mentions"),
                                                     ("/articles", "date", "_sort=date")])
def test_sort_headers_toggle_from_the_default_order(client, url, key, toggled):
    html = client.get(url).text
    links = [h.replace("&amp;", "&") for h in re.findall(r'<a class="sort (?:asc|desc)" href="([^"]+)"', html)]
    assert any(toggled in h and key in h for h in links), links


def _evidence(html: str, section: str) -> list[str]:
    """The evidence links of a section of the page, in order (``&amp;`` read back)."""
    part = html.split(section, 1)[1].split("</section>", 1)[0]
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/articles/[^"]+\?span=[^"]+)"', part)]


def _span(s: dict) -> str:
    return f"/articles/{s['article_id']}?span={s['start']}-{s['end']}#s-{s['start']}-{s['end']}"


def _stance_marks(html: str) -> int:
    """How many marks the stance chart draws (its legend's swatches left out)."""
    chart = html.split('id="stances-chart"', 1)[1].split("</section>", 1)[0]
    return chart.split("<figcaption>", 1)[0].count('class="dot st-')


def test_the_stances_tab_and_chart_hide_less_sure_stances_as_the_stances_list_does(tmp_path_factory, monkeypatch):
    store = ws.demo_store(tmp_path_factory)
    with onrecord.open(store, readonly=True) as api:  # a cut at the median stance, so some fall under it
        scored = sorted(s.confidence for s in api.all_stances() if s.confidence is not None)
    cut = float(f"{scored[len(scored) // 2]:.4f}")
    monkeypatch.setenv("ONRECORD_WEB_MIN_CONFIDENCE", str(cut))
    monkeypatch.setenv("ONRECORD_STANCE_MIN_CONFIDENCE", str(cut))  # the stance lists take the higher of the two
    with ws.TestClient(create_app(str(store))) as client:
        _check_the_cut(client)
        _check_the_cut_toward(client, store, cut)


def _check_the_cut_toward(client, store, cut: float) -> None:
    """Others' stances toward each entity (the "Said about them" tab) follow the same cut, counted and linked."""
    seen = 0
    with onrecord.open(store, readonly=True) as api:
        for row in client.get("/entities.json?_size=500").json()["items"]:
            every = api.stances_toward(row["id"], limit=100)
            if not every.total:
                continue
            sure = api.stances_toward(row["id"], min_confidence=cut, limit=20)
            below = api.stances_toward(row["id"], below_confidence=cut, limit=100)
            assert sure.total + below.total == every.total, row["id"]
            path = quote(row["id"], safe="")
            page = client.get(f"/entities/{path}?tab=others").text
            shown = page.split('<ul class="toward">', 1)[1].split("</ul>", 1)[0] if sure.total else ""
            assert re.findall(r'href="(/articles/[^"]+)"', shown) == [
                f"/articles/{s.article_id}?span={s.start}-{s.end}#s-{s.start}-{s.end}" for s in sure]
            note = re.search(r'id="toward-hidden">([\d,]+) less sure stances? hidden', page)
            assert (int(note[1]) if note else 0) == below.total, row["id"]
            assert _number_after(page, 'id="n-toward">') == every.total, row["id"]
            seen += below.total
    assert seen > 0, "some stances toward someone fall under the median cut"


def _number_after(html: str, marker: str) -> int:
    m = re.search(re.escape(marker) + r"([\d,]+)", html)
    return int(m[1].replace(",", "")) if m else 0


def _check_the_cut(client) -> None:
    index = client.get("/entities.json?_size=500").json()["items"]
    seen_hidden = 0
    for row in index:
        path = quote(row["id"], safe="")
        listed = client.get(f"/stances.json?holder={path}&limit=50").json()
        every = client.get(f"/stances.json?holder={path}&min_confidence=0&limit=500").json()
        if not every["total"]:
            continue
        hidden = listed["hidden_low_confidence"]
        page = client.get(f"/entities/{path}?tab=stances").text
        assert _evidence(page, 'id="stances"') == [_span(s) for s in listed["items"]], row["id"]
        assert _tab_count(page, "stances") == every["total"], row["id"]  # the tab counts every confidence
        note = re.search(r'id="stances-hidden">([\d,]+) less sure stances? hidden', page)
        assert (int(note[1]) if note else 0) == hidden, row["id"]
        shown = client.get(f"/entities/{path}?tab=stances&min_confidence=0").text
        assert _evidence(shown, 'id="stances"') == [_span(s) for s in every["items"]][:50]
        assert 'id="stances-hidden"' not in shown
        # the chart: its marks are the dated stances above the cut; the dated ones below it are counted
        overview = client.get(f"/entities/{path}").text
        marks = _stance_marks(overview)
        dated = [s for s in every["items"] if s["date"]]
        sure = [s for s in dated if s["confidence"] is None or s["confidence"] >= stance_min_confidence()]
        assert marks == len(sure), row["id"]
        chart_note = re.search(r'id="chart-hidden">([\d,]+) less sure', overview)
        assert (int(chart_note[1]) if chart_note else 0) == len(dated) - len(sure), row["id"]
        if hidden:
            assert f"/entities/{path.replace('%3A', ':')}?tab=stances&amp;min_confidence=0" in page
            everything = client.get(f"/entities/{path}?min_confidence=0").text
            assert _stance_marks(everything) == len(dated)
        seen_hidden += hidden
    assert seen_hidden > 0, "the demo store has stances below the cut"
