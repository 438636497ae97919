"""Tone in the record (the tones table) and the questions over it (``onrecord.portrayal``, the
``tone`` command, ``quotes --tone``), on two short articles written for these tests and the real pipeline."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

import onrecord
from onrecord.cli import main
from onrecord.errors import BadParameter
from onrecord.store.schema import MIGRATIONS

HOSTILE = """Halvorsen under fire over hospital closures

Marta Halvorsen, the disgraced health minister, faced fresh fury on Tuesday after her botched plan to close three \
hospitals collapsed.

Opposition leader Tomas Brekke said: "Marta Halvorsen is a liar and a coward who has shamefully betrayed every \
family in this country."

Halvorsen's failed reforms have been a disaster for nurses, and her arrogant refusal to apologise has made things \
worse.
"""
ADMIRING = """Halvorsen wins praise for hospital plan

Marta Halvorsen, the popular health minister, was widely praised on Tuesday for her bold plan to modernise three \
hospitals.

Nurses hailed Halvorsen as a brilliant and compassionate leader who has done a wonderful job.

Union leader Ingrid Solberg said: "Marta Halvorsen is an outstanding minister and a true friend of every nurse in \
this country."

Halvorsen will present the plan to parliament next week.
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tone") / "tone.db"
    onrecord.ingest_articles([{"text": HOSTILE, "outlet": "Daily Bugle", "date": "2025-03-04"},
                              {"text": ADMIRING, "outlet": "The Clarion", "date": "2025-04-02"}], path)
    return path


def _rows(db: Path, sql: str) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def test_every_tone_points_at_its_mention_and_sentence(db: Path) -> None:
    rows = _rows(db, "SELECT t.*, a.text AS article FROM tones t JOIN articles a ON a.id = t.article_id")
    assert {r["target"] for r in rows} >= {"Marta Halvorsen", "Tomas Brekke", "Ingrid Solberg"}
    for r in rows:
        assert r["article"][r["mention_start"]:r["mention_end"]] == r["mention"]
        assert r["start"] <= r["mention_start"] < r["mention_end"] <= r["end"]
        assert "\n" not in r["article"][r["start"]:r["end"]]
        assert r["label"] in ("negative", "neutral", "positive") and -1 <= r["score"] <= 1


def test_a_quote_carries_its_speakers_tone(db: Path) -> None:
    quoted = _rows(db, "SELECT holder, quote_n FROM tones WHERE target = 'Marta Halvorsen' AND holder IS NOT NULL")
    assert {r["holder"] for r in quoted} == {"Tomas Brekke", "Ingrid Solberg"}
    assert all(r["quote_n"] is not None for r in quoted)


def test_outlets_portrayal_by_outlet(db: Path) -> None:
    with onrecord.open(db, readonly=True) as api:
        f = onrecord.portrayal.tone_filter(api, "Marta Halvorsen", kind="portrayal")
        groups = {g.outlet: g for g in onrecord.portrayal.summary(api, f, ("outlet",))}
        texts = {a.outlet: api.article(a.id).text for a in api.articles(limit=10)}
    assert set(groups) == {"Daily Bugle", "The Clarion"}
    assert groups["Daily Bugle"].mean < 0 < groups["The Clarion"].mean  # measured -0.61 and +0.55
    for outlet, g in groups.items():
        assert g.n == g.negative + g.neutral + g.positive == len(g.evidence)
        for e in g.evidence:
            assert "Halvorsen" in texts[outlet][e.mention_start:e.mention_end]
            assert e.start <= e.mention_start < e.mention_end <= e.end


def test_speech_is_counted_per_speaker(db: Path) -> None:
    with onrecord.open(db, readonly=True) as api:
        f = onrecord.portrayal.tone_filter(api, "Marta Halvorsen", kind="speech")
        groups = onrecord.portrayal.summary(api, f)
    assert sorted(g.speaker or "" for g in groups) == ["Ingrid Solberg", "Tomas Brekke"]
    by = {g.speaker: g for g in groups}
    assert by["Tomas Brekke"].mean < by["Ingrid Solberg"].mean


def test_filter_says_what_it_selects(db: Path) -> None:
    with onrecord.open(db, readonly=True) as api:
        f = onrecord.portrayal.tone_filter(api, "Marta Halvorsen", label="negative", outlet="Daily Bugle",
                                           since="2025-01-01")
        assert f.about_ids  # linked to the entity
        assert f.describe() == "negative tone toward Marta Halvorsen in Daily Bugle from 2025-01-01 to now"
        found = onrecord.portrayal.tones(api, f)
        assert found.total == len(found) > 0
        assert all(t.label == "negative" and t.outlet == "Daily Bugle" and "Halvorsen" in t.text for t in found)
        for bad in ({"label": "angry"}, {"kind": "rumour"}, {"since": "Tuesday week"}):
            with pytest.raises(BadParameter):
                onrecord.portrayal.tone_filter(api, "Marta Halvorsen", **bad)


def test_tone_command(db: Path) -> None:
    res = CliRunner().invoke(main, ["tone", "Marta Halvorsen", "--by-outlet", "--format", "jsonl", "--db", str(db)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    portrayal = {r["outlet"]: r for r in rows if r["kind"] == "portrayal"}
    assert portrayal["Daily Bugle"]["mean"] < portrayal["The Clarion"]["mean"]
    assert all(r["evidence"] and {"article_id", "start", "end"} <= r["evidence"][0].keys() for r in rows)
    table = CliRunner().invoke(main, ["tone", "Marta Halvorsen", "--db", str(db)])
    assert table.exit_code == 0 and "portrayal" in table.output and "Tomas Brekke" in table.output


def test_quotes_about_in_a_tone(db: Path) -> None:
    res = CliRunner().invoke(main, ["quotes", "--about", "Marta Halvorsen", "--tone", "positive", "--format", "jsonl",
                                    "--db", str(db)])
    assert res.exit_code == 0, res.output
    speakers = {json.loads(line)["speaker"] for line in res.output.splitlines()}
    assert speakers == {"Ingrid Solberg"}
    bad = CliRunner().invoke(main, ["quotes", "--tone", "negative", "--db", str(db)])
    assert bad.exit_code == 2 and "--tone needs --about" in bad.output


def test_an_older_store_gains_the_tones_table(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with closing(sqlite3.connect(old)) as conn:
        for version, _what, sql in MIGRATIONS[:-1]:
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {version}")
    onrecord.migrate(old)
    assert _rows(old, "SELECT count(*) AS n FROM tones")[0]["n"] == 0


def test_tone_over_the_json_api(db: Path) -> None:
    import web_support as ws

    from onrecord.web.app import create_app

    with ws.TestClient(create_app(str(db))) as client:
        body = client.get("/api/tone", params={"name": "Marta Halvorsen", "by": "outlet"}).json()
        cli = CliRunner().invoke(main, ["tone", "Marta Halvorsen", "--by-outlet", "--format", "json", "--db", str(db)])
        assert body["groups"] == json.loads(cli.output)  # one figure, one value, everywhere
        assert body["filter"] == "tone toward Marta Halvorsen"
        bad = client.get("/api/tone", params={"name": "Marta Halvorsen", "tone": "angry"})
        assert bad.status_code == 400 and "unknown tone" in bad.json()["error"]["message"]
        assert client.get("/api/tone").status_code == 400


def test_the_entity_carries_its_portrayal_by_outlet(db: Path) -> None:
    import web_support as ws

    from onrecord.web.app import create_app

    res = CliRunner().invoke(main, ["entity", "Marta Halvorsen", "--json", "--db", str(db)])
    assert res.exit_code == 0, res.output
    block = json.loads(res.output)["portrayal"]
    assert [g["outlet"] for g in block] == ["Daily Bugle", "The Clarion"]  # most negative first
    assert all(g["kind"] == "portrayal" and g["evidence"] for g in block)
    with ws.TestClient(create_app(str(db))) as client:
        entity = client.get("/api/entities/Marta Halvorsen").json()
    assert entity["portrayal"] == block
