"""Issue 26 item 6: outlets as users think of them. An outlets table (name, variants, domains; the shipped one or the
user's own) names each article's outlet at ingest, keeping the name it came with; `onrecord outlets` names a store's
outlets again after the table changes, `onrecord migrate` names those of a store made before; facets, filters and
the per-outlet counts see one outlet."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import web_support as ws
from click.testing import CliRunner

import onrecord
from onrecord.cli import main
from onrecord.data import parse_outlets
from onrecord.errors import BadParameter, DataFileError
from onrecord.ingest import outlets
from onrecord.web.app import create_app

ARTICLES = [
    {"text": "Senator Mary Brennan spoke in Columbus on Monday.\n\n“We condemn Russia for its attacks,” Brennan said.",
     "outlet": "NYTimes", "date": "2019-03-04", "url": "https://www.nytimes.com/2019/03/04/brennan.html"},
    {"text": "Senator Mary Brennan met the ambassador on Tuesday.\n\n“I praise Russia for its help,” Brennan said.",
     "outlet": "nytimes.com", "date": "2019-03-05"},
    {"text": "The council met on Tuesday.\n\n“We back the budget,” council leader Tom Hart said.",
     "url": "https://edition.cnn.com/2019/03/05/council", "date": "2019-03-05"},
    {"text": "The mayor spoke on Friday.\n\n“We reject the plan,” Mayor Jo Smith said.",
     "outlet": "  Riverside   Gazette ", "date": "2019-03-08"},
]
TABLE = ("outlet\tvariants\tdomains\nThe New York Times\tNYTimes|NYT\tnytimes.com\n"
         "Le Monde\tLE MONDE.fr|Lé  Monde\tlemonde.fr\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("outlets") / "outlets.db"
    assert onrecord.ingest_articles(ARTICLES, db).ok
    return db


def _outlets(db: Path) -> list[tuple[str | None, str | None]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT outlet, outlet_raw FROM articles ORDER BY date, outlet_raw").fetchall()


def test_the_table_names_variants_domains_and_urls_in_any_case_and_keeps_unknown_names() -> None:
    table = parse_outlets(TABLE)
    assert outlets.normalise(table, "nyt") == "The New York Times"
    assert outlets.normalise(table, "le monde") == "Le Monde"  # the name itself, in any case
    assert outlets.normalise(table, "LE  MONDE") == "Le Monde"  # spaces
    assert outlets.normalise(table, "le monde") == outlets.normalise(table, "Lé Monde")  # accents
    assert outlets.normalise(table, "www.lemonde.fr") == "Le Monde"
    assert outlets.normalise(table, "https://abonnes.lemonde.fr/x") == "Le Monde"  # a URL on a subdomain
    assert outlets.normalise(table, None, "https://www.nytimes.com/a") == "The New York Times"  # no outlet: its URL
    assert outlets.normalise(table, "  Riverside   Gazette ") == "Riverside Gazette"  # unknown: kept, trimmed
    assert outlets.normalise(table, None, "https://example.org/a") is None
    assert outlets.normalise(table, "Times") == "Times"  # no guessing from part of a name
    assert outlets.normalise(table, "https://www.example.com/news") == "example.com"  # a URL for a name: its site
    with pytest.raises(DataFileError, match=r"line 4: 'nyt' is 'New York Today' here but 'The New York Times' on"):
        parse_outlets(TABLE + "New York Today\tNYT\t\n")  # a variant belongs to one outlet only


def test_a_users_table_replaces_the_shipped_one_and_a_bad_line_names_the_file(tmp_path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text(TABLE, encoding="utf-8")
    assert outlets.normalise(outlets.load(str(mine)), "lemonde.fr") == "Le Monde"
    assert outlets.normalise(outlets.load(), "lemonde.fr") == "lemonde.fr"  # not in the shipped table
    mine.write_text("outlet\tvariants\tdomains\nA\tb\tc.com\textra\n", encoding="utf-8")
    with pytest.raises(BadParameter, match=r"mine.tsv, line 2: expected an outlet"):
        outlets.load(str(mine))
    with pytest.raises(BadParameter, match=r"cannot read the outlets file"):
        outlets.load(str(tmp_path / "missing.tsv"))


def test_ingest_names_outlets_by_the_shipped_table_and_keeps_the_name_given(store) -> None:
    assert _outlets(store) == [("The New York Times", "NYTimes"), ("CNN", ""), ("The New York Times", "nytimes.com"),
                               ("Riverside Gazette", "  Riverside   Gazette ")]


def test_facets_and_filters_see_one_outlet_whatever_name_is_given(store) -> None:
    with ws.TestClient(create_app(str(store))) as client:
        facets = client.get("/articles.json").json()["facets"]
        outlet = next(f for f in facets if f["name"] == "outlet")
        assert {v["value"]: v["count"] for v in outlet["values"]} == {"The New York Times": 2, "CNN": 1,
                                                                      "Riverside Gazette": 1}
        for given in ("NYTimes", "nytimes.com", "NYT", "the new york times"):
            items = client.get("/api/articles", params={"outlet": given}).json()["items"]
            assert [a["outlet"] for a in items] == ["The New York Times"] * 2, given
        assert client.get("/api/quotes", params={"outlet": "nyt"}).json()["total"] == 2
        one = client.get("/api/articles", params={"outlet": "cnn"}).json()["items"][0]
        assert client.get(f"/api/articles/{one['id']}").json()["outlet_raw"] == ""
        html = client.get("/articles").text
        assert "NYTimes" not in html and "nytimes.com" not in html  # one outlet, one name


def test_onrecord_outlets_names_a_store_again_by_the_users_table_and_the_counts_follow(store, tmp_path) -> None:
    db = ws.copy_store(store, tmp_path)
    mine = tmp_path / "mine.tsv"
    mine.write_text("outlet\tvariants\tdomains\nThe Riverside Gazette\tRiverside Gazette\t\n"
                    "The New York Times\tNYTimes\tnytimes.com\n", encoding="utf-8")
    with onrecord.open(db, readonly=True) as api:
        mayor = api.entity("Jo Smith").id
        assert [e.id for e in api.entity_index(outlet="Riverside Gazette") if e.id == mayor] == [mayor]
        assert list(api.entity_index(outlet="CNN"))
    result = CliRunner().invoke(main, ["outlets", "--db", str(db), "--outlets", str(mine)])
    assert result.exit_code == 0, result.output
    assert "Riverside Gazette -> The Riverside Gazette: 1 article" in result.output
    assert "CNN -> (none): 1 article" in result.output  # the user's table has no cnn.com
    assert "2 articles renamed" in result.output
    assert ("The Riverside Gazette", "  Riverside   Gazette ") in _outlets(db)
    with onrecord.open(db, readonly=True) as api:  # the per-outlet counts were rebuilt
        assert [e.id for e in api.entity_index(outlet="The Riverside Gazette") if e.id == mayor] == [mayor]
        assert not list(api.entity_index(outlet="CNN"))
    again = CliRunner().invoke(main, ["outlets", "--db", str(db), "--outlets", str(mine)])
    assert "nothing to do" in again.output


def test_migrate_names_the_outlets_of_a_store_made_before_outlets_were_named(store, tmp_path) -> None:
    db = ws.copy_store(store, tmp_path)
    with closing(sqlite3.connect(db)) as conn, conn:  # as a store of schema 17 left them: the name as given
        conn.execute("UPDATE articles SET outlet = outlet_raw")
        conn.execute("UPDATE articles SET outlet = NULL WHERE outlet = ''")
        for index in ("articles_outlet_raw", "statements_facets", "statement_reports_article"):  # schema 18's
            conn.execute(f"DROP INDEX {index}")
        conn.execute("ALTER TABLE articles DROP COLUMN outlet_raw")
        conn.execute("ALTER TABLE stances DROP COLUMN features")  # schema 19's
        conn.execute("PRAGMA user_version = 17")
    assert onrecord.migrate(db)[0] == 17
    assert _outlets(db) == [("The New York Times", "NYTimes"), ("CNN", ""), ("The New York Times", "nytimes.com"),
                            ("Riverside Gazette", "  Riverside   Gazette ")]
    with onrecord.open(db, readonly=True) as api:
        assert {v.value for v in api.article_facets(fields=("outlet",))[0].values} == {
            "The New York Times", "CNN", "Riverside Gazette"}
