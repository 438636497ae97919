"""Issue 26 item 7: Datasette for the rest. `onrecord datasette` gives the shipped metadata (labels, descriptions,
facets, canned queries) for a store and the command that serves it read-only; the metadata names only tables and
columns the store has, covers every table (described or hidden), and its canned queries run on a real store and
count what the query API counts. With Datasette installed (the lock has it), the store is opened in a real Datasette
in-process with that metadata: its titles, descriptions, label columns, hidden tables, sorts and facets as Datasette
shows them, and every canned query's rows as Datasette returns them, counted against the query API."""
from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from typing import Any
from urllib.parse import quote

import pytest
import web_support as ws
from click.testing import CliRunner
from markupsafe import escape  # as Jinja escapes, which Datasette renders with

import onrecord
from onrecord.cli import DATASETTE_SETTINGS, main


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    return str(ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path_factory.mktemp("datasette")))


@pytest.fixture(scope="module")
def meta(store) -> dict:
    result = CliRunner().invoke(main, ["datasette", "--db", store, "--metadata-only"])
    assert result.exit_code == 0, result.output
    assert "datasette serve --immutable" in result.stderr and "--metadata demo-metadata.json" in result.stderr
    assert "--setting suggest_facets off" in result.stderr
    return json.loads(result.stdout)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"SELECT * FROM pragma_table_xinfo('{table}')")}


def test_the_metadata_names_the_store_and_only_tables_and_columns_it_has(store, meta) -> None:
    assert list(meta["databases"]) == ["demo"]  # Datasette names a database after its file
    db = meta["databases"]["demo"]
    with closing(sqlite3.connect(store)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(db["tables"]) == tables  # every table described or hidden, none that is not there
        for name, t in db["tables"].items():
            if t.get("hidden"):
                continue
            assert t.get("title") and t.get("description"), name
            cols = _columns(conn, name)
            named = [*t.get("facets", []), *t.get("columns", {}), *[t[k] for k in ("label_column", "sort",
                                                                                    "sort_desc") if k in t]]
            assert named and all(c in cols for c in named), (name, set(named) - cols)
        assert "outlet_raw" in db["tables"]["articles"]["columns"]


def test_the_canned_queries_run_and_count_what_the_query_api_counts(store, meta) -> None:
    queries = meta["databases"]["demo"]["queries"]
    assert len(queries) >= 5
    with onrecord.open(store, readonly=True) as api, closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as c:
        entities = [e.id for e in api.entity_index(limit=500)]
        assert entities
        seen = {name: 0 for name in queries}
        for name, q in queries.items():
            assert q["title"] and q["description"] and q["sql"].lstrip().upper().startswith("SELECT"), name
            params = set(re.findall(r":(\w+)", q["sql"]))
            assert params <= {"entity", "min_articles"}, (name, params)
            for eid in entities if "entity" in params else [None]:
                rows = c.execute(q["sql"], {"entity": eid, "min_articles": "2"}).fetchall()
                seen[name] += len(rows)
                if name == "quotes_by":
                    assert len(rows) == api.count_quotes(by=eid), eid
                if name == "quotes_about":
                    assert len(rows) == api.count_quotes(about=eid), eid
                if name == "stances_of":
                    assert len(rows) == api.count_stances(holder=eid), eid
                if name == "contradictions_of":
                    assert len(rows) == api.contradictions(eid).total, eid
                if name == "statements_across_outlets":
                    assert len(rows) == api.statements(min_articles=2, limit=500).total
                if name == "outlet_names":
                    assert sum(r[2] for r in rows) == api.articles().total
        assert all(seen[n] for n in ("quotes_by", "quotes_about", "stances_of", "contradictions_of",
                                     "statements_across_outlets", "outlet_names")), seen


def test_without_datasette_the_command_prints_the_metadata_and_how_to_serve_it(store, monkeypatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    result = CliRunner().invoke(main, ["datasette", "--db", store])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["databases"]["demo"]["tables"]["quotes"]["label_column"] == "text"
    assert "pip install 'onrecord[datasette]'" in result.stderr
    assert f"datasette serve --immutable {store} --metadata demo-metadata.json" in result.stderr


def test_no_store_is_an_error_naming_the_file(tmp_path) -> None:
    result = CliRunner().invoke(main, ["datasette", "--db", str(tmp_path / "none.db"), "--metadata-only"])
    assert result.exit_code != 0 and "none.db" in result.stderr


# -- a real Datasette ---------------------------------------------------------------------------------------------
def _datasette(store: str, meta: dict, paths: list[str]) -> dict[str, Any]:
    """Each path's response from a real Datasette serving ``store`` read-only (immutable) with ``meta``, in-process:
    the JSON of a ``.json`` path, else the HTML."""
    app = pytest.importorskip("datasette.app")

    async def fetch() -> dict[str, Any]:
        ds = app.Datasette(immutables=[store], metadata=meta,
                           settings={k: v == "on" for k, v in DATASETTE_SETTINGS.items()})
        await ds.invoke_startup()
        out: dict[str, Any] = {}
        for path in paths:
            r = await ds.client.get(path)
            assert r.status_code == 200, (path, r.status_code, r.text[:500])
            out[path] = r.json() if ".json" in path else r.text
        return out

    return asyncio.run(fetch())


def test_datasette_shows_the_tables_with_their_titles_descriptions_and_hidden_tables(store, meta) -> None:
    db = meta["databases"]["demo"]
    shown = [t for t, m in db["tables"].items() if not m.get("hidden")]
    got = _datasette(store, meta, ["/demo.json", *(f"/demo/{t}" for t in shown)])
    listed = {t["name"]: t for t in got["/demo.json"]["tables"]}
    assert {t for t, m in listed.items() if m["hidden"]} == {t for t, m in db["tables"].items() if m.get("hidden")}
    assert {q["name"] for q in got["/demo.json"]["queries"]} == set(db["queries"])
    for t in shown:
        page = got[f"/demo/{t}"]
        assert f"<h1>{escape(db['tables'][t]['title'])}" in page.replace("\n", " "), t
        assert escape(db["tables"][t]["description"]) in page, t
    quotes = got["/demo/quotes"]
    for column, text in db["tables"]["quotes"]["columns"].items():  # the column descriptions, as Datasette lists them
        assert f"<dt>{column}</dt>" in quotes and escape(text) in quotes, column


def test_datasette_labels_sorts_and_facets_count_what_the_query_api_counts(store, meta) -> None:
    got = _datasette(store, meta, ["/demo/quotes.json?_labels=on&_size=max&_shape=objects",
                                   "/demo/articles.json?_size=max", "/demo/stances.json?_size=max"])
    quotes = got["/demo/quotes.json?_labels=on&_size=max&_shape=objects"]
    articles = got["/demo/articles.json?_size=max"]
    with onrecord.open(store, readonly=True) as api:
        titles = {a.id: a.title for a in api.articles(limit=500)}
        # the article a quote is in, labelled by the articles table's label column (its title)
        assert all(row["article_id"]["label"] == titles[row["article_id"]["value"]] for row in quotes["rows"])
        assert len(quotes["rows"]) == api.count_quotes()
        # the default facets, counted by Datasette, against the query API's counts of the same selection
        kinds = {r["value"]: r["count"] for r in quotes["facet_results"]["kind"]["results"]}
        assert kinds and kinds == {k: api.count_quotes(kind=k) for k in kinds}
        methods = {r["value"]: r["count"] for r in quotes["facet_results"]["method"]["results"]}
        assert methods == {m: api.count_quotes(method=m) for m in methods}
        outlets = {r["value"]: r["count"] for r in articles["facet_results"]["outlet"]["results"]}
        api_outlets = api.article_facets(fields=("outlet",))[0]
        assert outlets == {v.value: v.count for v in api_outlets.values} and len(outlets) > 1
        stances = got["/demo/stances.json?_size=max"]["facet_results"]["label"]["results"]
        labels = {r["value"]: r["count"] for r in stances}
        assert labels == {v.value: v.count for v in api.stance_facets(fields=("label",), size=100)[0].values}
    assert quotes["suggested_facets"] == []  # DATASETTE_SETTINGS: no column tried on every page load
    assert articles["human_description_en"] == "sorted by date descending"  # as the shipped metadata sorts them
    dates = [r[articles["columns"].index("date")] for r in articles["rows"]]
    assert dates == sorted(dates, key=lambda d: (d is not None, d), reverse=True)


def test_every_canned_query_in_datasette_counts_what_the_query_api_counts(store, meta) -> None:
    queries = meta["databases"]["demo"]["queries"]
    with onrecord.open(store, readonly=True) as api:
        every = [e.id for e in api.entity_index(limit=500)]
        entities = [e.id for e in api.entity_index(limit=500) if e.type in ("person", "organisation")][:25]
        paths = {(name, eid): f"/demo/{name}.json?_shape=objects&entity={quote(eid or '')}&min_articles=2"
                 for name, q in queries.items() for eid in (entities if ":entity" in q["sql"] else [None])}
        got = _datasette(store, meta, sorted(set(paths.values())))
        seen = dict.fromkeys(queries, 0)
        for (name, eid), path in paths.items():
            rows = got[path]["rows"]
            assert not got[path]["truncated"], path
            seen[name] += len(rows)
            expected = {"quotes_by": lambda e: api.count_quotes(by=e),
                        "quotes_about": lambda e: api.count_quotes(about=e),
                        "stances_of": lambda e: api.count_stances(holder=e),
                        "contradictions_of": lambda e: api.contradictions(e).total,
                        "statements_across_outlets": lambda e: api.statements(min_articles=2, limit=500).total,
                        "changes_of_position": lambda e: sum(api.position_changes(x).total for x in every),
                        }.get(name)
            if name == "outlet_names":
                assert sum(r["articles"] for r in rows) == api.articles().total
            else:
                assert expected is not None, f"canned query {name} has no count to check it against"
                assert len(rows) == expected(eid), (name, eid)
            assert all(str(r.get("permalink", "/")).startswith("/") for r in rows)
    assert all(seen[n] for n in ("quotes_by", "quotes_about", "stances_of", "contradictions_of",
                                 "statements_across_outlets", "outlet_names")), seen


def test_the_documented_datasette_command_serves_the_store(store, meta, tmp_path) -> None:
    pytest.importorskip("datasette")
    path = tmp_path / "demo-metadata.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    # `datasette serve` as docs/web.md gives it; --get requests one path and exits instead of listening
    out = subprocess.run([sys.executable, "-m", "datasette", "serve", "--immutable", store, "--metadata", str(path),
                          *(a for k, v in DATASETTE_SETTINGS.items() for a in ("--setting", k, v)),
                          "--get", "/demo/quotes_by.json?_shape=array&entity=person:jeremy-corbyn"],
                         capture_output=True, text=True, timeout=120, check=True)
    with onrecord.open(store, readonly=True) as api:
        assert len(json.loads(out.stdout)) == api.count_quotes(by="person:jeremy-corbyn") > 0
