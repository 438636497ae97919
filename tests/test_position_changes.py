"""Changes of position (issue 22 item 1): a person's own words on one target at two dates going opposite ways are
stored by the link stage (``position_changes``), kept the same whatever order articles are linked in, shown on
the timeline as 'changed position' with both statements' evidence, and never listed as a contradiction. End to
end with the real model on two short articles written for it."""
from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

import onrecord

MARCH = ("Senator Mary Brennan spoke to reporters in Columbus on Monday about the war.\n\n"
         "“We condemn Russia for its brutal attacks on civilians,” Brennan said. “This cannot go on.”\n\n"
         "The senator, a Democrat from Ohio, has served since 2012.")
JUNE = ("Senator Mary Brennan met the ambassador in Washington on Tuesday.\n\n"
        "“I praise Russia for its help with the ceasefire,” Brennan said. “They kept their word.”\n\n"
        "The senator, a Democrat from Ohio, faces re-election next year.")
ARTICLES = [{"text": MARCH, "outlet": "Example Post", "date": "2019-03-04", "source": "march.txt"},
            {"text": JUNE, "outlet": "Example Times", "date": "2020-06-02", "source": "june.txt"}]


def changes(db: Path) -> list[tuple[str, str, str, str]]:
    """Each stored change as (holder entity, earlier source and label, later source and label)."""
    c = sqlite3.connect(db)
    rows = c.execute("SELECT p.holder_entity_id, ab.source || ':' || b.label, aa.source || ':' || a.label, "
                     "p.shared_keys FROM position_changes p JOIN stances b ON b.id = p.before_id JOIN stances a ON "
                     "a.id = p.after_id JOIN articles ab ON ab.id = b.article_id JOIN articles aa ON aa.id = "
                     "a.article_id").fetchall()
    c.close()
    return sorted(rows)


@pytest.fixture(scope="module")
def together(tmp_path_factory, nlp) -> Path:
    db = tmp_path_factory.mktemp("changes") / "together.db"
    assert onrecord.ingest_articles(ARTICLES, db).ok
    return db


def test_own_words_going_the_other_way_later_are_stored_as_a_change(together) -> None:
    found = changes(together)
    assert [(h, b, a) for h, b, a, _ in found] == [("person:mary-brennan", "march.txt:condemn", "june.txt:praise")]
    assert "gov:russia" in found[0][3]
    with onrecord.open(together, readonly=True) as api:
        assert api.contradictions().total == 0  # her own words both times: never a contradiction


def test_linking_one_article_then_the_other_stores_the_same_change(together, tmp_path) -> None:
    for order in (ARTICLES, ARTICLES[::-1]):
        db = tmp_path / f"{order[0]['source']}.db"
        for art in order:
            assert onrecord.ingest_articles([art], db).ok
        assert changes(db) == changes(together)


def test_the_timeline_shows_the_change_with_both_statements(together) -> None:
    with onrecord.open(together, readonly=True) as api:
        entries = api.timeline("Mary Brennan")
    moved = [e for e in entries if e.kind == "changed position"]
    assert len(moved) == 1
    e = moved[0]
    assert (e.date, e.label, e.target, e.outlet) == ("2020-06-02", "praise", "Russia", "Example Times")
    assert JUNE[e.start:e.end] == e.text and "I praise Russia" in e.text
    b = e.before
    assert b is not None and (b["date"], b["label"], b["outlet"]) == ("2019-03-04", "condemn", "Example Post")
    assert MARCH[b["start"]:b["end"]] == b["text"] and "We condemn Russia" in b["text"]


def test_the_person_page_and_the_api_show_the_change_never_the_contradictions_list(together) -> None:
    import web_support as ws

    from onrecord.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's nudge from httpx towards httpx2
        client = ws.TestClient(create_app(str(together)))
    with client:
        page = client.get("/entities/person:mary-brennan").text
        assert "Changed position (1)" in page and "not a contradiction" in page
        assert page.count("?span=") >= 2  # both statements link to their evidence
        api = client.get("/api/timeline", params={"name": "Mary Brennan"}).json()
        moved = [e for e in api["items"] if e["kind"] == "changed position"]
        assert len(moved) == 1 and moved[0]["before"]["label"] == "condemn"
        assert "Mary Brennan" not in client.get("/contradictions").text


def test_the_cli_timeline_shows_both_statements(together) -> None:
    from click.testing import CliRunner

    from onrecord.cli import main

    out = CliRunner().invoke(main, ["timeline", "Mary Brennan", "--db", str(together), "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    assert '"kind": "changed position"' in out.output and '"before": {' in out.output
