"""Issue 26 item 7: Datasette for the rest. `onrecord datasette` gives the shipped metadata (labels, descriptions,
facets, canned queries) for a store and the command that serves it read-only; the metadata names only tables and
columns the store has, covers every table (described or hidden), and its canned queries run on a real store and
count what the query API counts."""
from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from contextlib import closing

import pytest
import web_support as ws
from click.testing import CliRunner

import onrecord
from onrecord.cli import main


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    return str(ws.copy_store(ws.demo_store(tmp_path_factory), tmp_path_factory.mktemp("datasette")))


@pytest.fixture(scope="module")
def meta(store) -> dict:
    result = CliRunner().invoke(main, ["datasette", "--db", store, "--metadata-only"])
    assert result.exit_code == 0, result.output
    assert "datasette serve --immutable" in result.stderr and "--metadata demo-metadata.json" in result.stderr
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


def test_without_datasette_the_command_prints_the_metadata_and_how_to_serve_it(store) -> None:
    if importlib.util.find_spec("datasette") is not None:
        pytest.skip("datasette is installed here: the command would start it")
    result = CliRunner().invoke(main, ["datasette", "--db", store])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["databases"]["demo"]["tables"]["quotes"]["label_column"] == "text"
    assert "pip install 'onrecord[datasette]'" in result.stderr
    assert f"datasette serve --immutable {store} --metadata demo-metadata.json" in result.stderr


def test_no_store_is_an_error_naming_the_file(tmp_path) -> None:
    result = CliRunner().invoke(main, ["datasette", "--db", str(tmp_path / "none.db"), "--metadata-only"])
    assert result.exit_code != 0 and "none.db" in result.stderr
