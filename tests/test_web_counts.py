"""Issue 26: one definition per number. Each count the site shows about an entity (quotes by, quotes about, stances,
articles, mentions) is one query of the query layer, so the index, the person page's header and tabs, the lists'
totals (with the quotes their confidence floor leaves out), the API and the CLI give the same value for every entity
of a store built by the real pipeline."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import web_support as ws
from click.testing import CliRunner

import onrecord
from onrecord.cli import main
from onrecord.web.app import create_app


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(ws.demo_store(tmp_path_factory))


@pytest.fixture(scope="module")
def client(store):
    with ws.TestClient(create_app(store)) as c:
        yield c


def _number(html: str, element_id: str) -> int | None:
    m = re.search(rf'id="{element_id}"[^>]*>([\d,]+)', html)
    return int(m[1].replace(",", "")) if m else None


def _listed(client, url: str) -> int:
    """A list's total as its .json gives it, plus the unsure records its confidence floor left out."""
    body = client.get(url).json()
    assert not body.get("total_capped")
    return int(body["total"]) + int(body.get("hidden_low_confidence", 0))


def test_every_count_of_every_entity_agrees_on_every_surface(client, store):
    index = client.get("/entities.json?_size=500").json()
    assert index["total"] == len(index["items"]) > 10
    checked = 0
    for row in index["items"]:
        eid, path = row["id"], quote(row["id"], safe="")
        detail = client.get(f"/api/entities/{path}").json()
        assert (detail["quotes_by"], detail["quotes_about"], detail["articles"]) == (
            row["quotes_by"], row["quotes_about"], row["articles"]), eid
        assert sum(detail["mentions_by_outlet"].values()) == row["mentions"], eid

        by = row["quotes_by"]
        assert _listed(client, f"/quotes.json?by={path}") == by, eid
        assert client.get(f"/quotes.json?by={path}&min_confidence=0").json()["total"] == by, eid
        assert client.get(f"/api/quotes?by={path}").json()["total"] == by, eid

        about = row["quotes_about"]
        assert _listed(client, f"/quotes.json?about={path}") == about, eid
        assert client.get(f"/api/quotes?about={path}").json()["total"] == about, eid

        stances = client.get(f"/api/stances?holder={path}").json()["total"]
        assert _listed(client, f"/stances.json?holder={path}") == stances, eid
        assert client.get(f"/stances.json?holder={path}&min_confidence=0").json()["total"] == stances, eid

        page = client.get(f"/entities/{path}").text
        assert _number(page, "n-quotes-by") == by and _number(page, "n-quotes-about") == about, eid
        if by:
            assert re.search(rf'id="tab-said">[^<]*<span class="n">{by:,}</span>', page), eid
        if stances:
            assert re.search(rf'id="tab-stances">[^<]*<span class="n">{stances:,}</span>', page), eid
        if about:
            others = client.get(f"/entities/{path}?tab=others").text
            assert _number(others, "n-naming") == about, eid
            checked += 1
    assert checked >= 5, "the demo store has entities that others' quotes name"


def test_the_cli_counts_quotes_by_and_about_as_the_index_does(client, store):
    index = client.get("/entities.json?_sort_desc=quotes_about&_size=5").json()["items"]
    runner = CliRunner()
    for row in index:
        for flag, column in (("--by", "quotes_by"), ("--about", "quotes_about")):
            out = runner.invoke(main, ["quotes", flag, row["id"], "--format", "json", "--db", store])
            assert out.exit_code == 0, out.output
            assert len(json.loads(out.stdout)) == row[column], (row["id"], flag)


def test_about_a_name_no_entity_has_still_finds_the_words(store):
    with onrecord.open(store, readonly=True) as api:
        words = api.quotes(about="negotiated political solution")
        assert words.total and all("negotiated political solution" in q.text for q in words)


def _credited_value(q) -> str | None:
    if q.speaker_type == "spokesperson" and q.on_behalf_of:
        return q.on_behalf_of_id or q.on_behalf_of
    return q.speaker_id or q.speaker


@pytest.mark.parametrize("filters", [{}, {"since": "2016"}, {"until": "2018-06"}, {"kind": "direct"},
                                     {"min_confidence": 0.4, "method": "rules"}, {"since": "2017", "kind": "indirect"}])
def test_every_quote_facet_counts_exactly_the_quotes_the_list_holds(store, filters):
    from collections import Counter

    with onrecord.open(store, readonly=True) as api:
        outlets = sorted({a.outlet for a in api.articles(limit=100) if a.outlet})
        for extra in ({}, {"outlet": outlets[0].upper()}, {"outlet": outlets[:2]}):
            listed = api.all_quotes(**filters, **extra)
            expected = {"outlet": Counter(q.outlet for q in listed), "kind": Counter(q.kind for q in listed),
                        "method": Counter(q.method for q in listed),
                        "year": Counter(q.date[:4] if q.date else None for q in listed),
                        "by": Counter(_credited_value(q) for q in listed)}
            for f in api.quote_facets(**filters, **extra, fields=tuple(expected), size=500):
                assert {v.value: v.count for v in f.values} == {
                    k: n for k, n in expected[f.name].items()}, (f.name, filters, extra)


@pytest.mark.parametrize("filters", [{}, {"min_confidence": "median"}, {"since": "2016", "min_confidence": "median"},
                                     {"until": "2016-06", "min_confidence": 0}, {"label": "criticise"}])
def test_every_stance_facet_counts_exactly_the_stances_the_list_holds(store, filters):
    """The stance facets count from their covering indexes (migration 20) what the list itself selects: each value's
    count is the number of listed stances with that value, whatever the confidence cut (at the sample's median
    stance confidence, so that it leaves stances out), dates or outlets."""
    from collections import Counter
    from statistics import median

    with onrecord.open(store, readonly=True) as api:
        if filters.get("min_confidence") == "median":
            cut = median(s.confidence for s in api.all_stances() if s.confidence is not None)
            filters = {**filters, "min_confidence": cut}
            assert 0 < api.count_stances(min_confidence=cut) < api.count_stances()
        outlets = sorted({a.outlet for a in api.articles(limit=100) if a.outlet})
        for extra in ({}, {"outlet": outlets[0].upper()}, {"outlet": outlets[:2]}):
            listed = api.all_stances(**filters, **extra)
            expected = {"label": Counter(s.label for s in listed), "outlet": Counter(s.outlet for s in listed),
                        "holder": Counter(s.holder_id or s.holder for s in listed),
                        "target": Counter(s.target_id or s.target for s in listed),
                        "year": Counter(s.date[:4] if s.date else None for s in listed)}
            assert sum(expected["label"].values()) == api.count_stances(**filters, **extra)
            for f in api.stance_facets(**filters, **extra, fields=tuple(expected), size=500):
                assert f.counted and {v.value: v.count for v in f.values} == dict(expected[f.name]), (
                    f.name, filters, extra)


def _statement_outlets(path) -> set[tuple[int, str]]:
    """(statement, outlet) as the triggers of migration 20 keep them, and as the reports' articles give them."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
        kept = set(c.execute("SELECT statement_id, outlet FROM statement_outlets"))
        derived = set(c.execute("SELECT DISTINCT r.statement_id, coalesce(a.outlet, '') FROM statement_reports r "
                                "LEFT JOIN articles a ON a.id = r.article_id"))
    assert kept == derived
    return kept


def test_the_statements_outlet_facet_counts_what_the_outlet_filter_lists(store, tmp_path):
    """Each statement's outlets are kept beside its reports (statement_outlets) as the link stage writes them, again
    after a full relink and after the outlets are renamed; the outlet facet counts, per outlet, the statements the
    list holds with outlet= set to it."""
    db = ws.copy_store(Path(store), tmp_path)
    assert len(_statement_outlets(db)) > 1
    for min_articles in (1, 2):
        with onrecord.open(db, readonly=True) as api:
            (facet,) = api.statement_facets(min_articles=min_articles, fields=("outlet",), size=100)
            assert facet.counted and facet.values
            for v in facet.values:
                assert v.count == api.statements(outlet=v.value, min_articles=min_articles).total, v
    onrecord.link(db)  # a full relink deletes every report and writes them again
    _statement_outlets(db)
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db)) as c, c:  # as reanalysing an article and removing one would
        c.execute("PRAGMA foreign_keys = ON")
        quote_ids = [r[0] for r in c.execute("SELECT quote_id FROM statement_reports ORDER BY quote_id")]
        c.execute("DELETE FROM quotes WHERE id = ?", (quote_ids[len(quote_ids) // 2],))
        (article,) = c.execute("SELECT article_id FROM statement_reports ORDER BY quote_id DESC LIMIT 1").fetchone()
        c.execute("DELETE FROM articles WHERE id = ?", (article,))
    assert len(_statement_outlets(db)) > 1
    mine = tmp_path / "mine.tsv"
    mine.write_text("outlet\tvariants\tdomains\nEveryone\tPoliticsHome\tpoliticshome.com\n", encoding="utf-8")
    onrecord.name_outlets(db, outlets=mine)
    assert any(o == "Everyone" for _, o in _statement_outlets(db))
    with onrecord.open(db, readonly=True) as api:
        (facet,) = api.statement_facets(min_articles=1, fields=("outlet",), size=100)
        assert {v.value: v.count for v in facet.values}["Everyone"] == api.statements(outlet="Everyone").total > 0
