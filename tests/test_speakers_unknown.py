"""Unknown is an answer: a quotation whose speaker the text does not determine is written out as speaker
"unknown" (speaker_type "unknown") in every export and the API, shown as unattributed, and never becomes an
entity, a person, a "quotes by" count or a stance holder."""
from __future__ import annotations

import csv
import io

import pytest
import web_support as ws

import onrecord
from onrecord.web.app import create_app

# invented: a named mayor's quotes, then a quote after a paragraph that says nothing of who speaks
TEXT = ("Harbour works begin\n\nMayor Ruth Calloway opened the harbour works on Monday.\n\n"
        "“The new quay will be ready by spring,” Calloway said.\n\n"
        "“We owe this to the fishing families,” she added.\n\n"
        "Rain fell over the town through the evening and the roads flooded near the station.\n\n"
        "“Nobody told us the road would close for a whole month.”\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("unknown")
    (folder / "harbour.txt").write_text(TEXT, encoding="utf-8")
    db = str(folder / "unknown.db")
    onrecord.ingest([str(folder / "harbour.txt")], db)
    return db


def test_the_store_keeps_no_name_and_every_record_says_unknown(store: str) -> None:
    with onrecord.open(store, readonly=True) as api:
        quotes = api.all_quotes()
        nobody = [q for q in quotes if q.speaker_type == "unknown"]
        named = [q for q in quotes if q.speaker_type != "unknown"]
        assert [q.text for q in nobody] == ["Nobody told us the road would close for a whole month."]
        assert named and all(q.speaker == "Ruth Calloway" for q in named)
        # in memory and in the store no name: no index, count or link can take "unknown" for one
        assert nobody[0].speaker is None and nobody[0].speaker_id is None
        assert api.conn.execute("SELECT count(*) FROM quotes WHERE speaker = 'unknown'").fetchone()[0] == 0
        # written out: never an empty speaker
        assert nobody[0].to_dict()["speaker"] == "unknown"
        assert all(q.to_dict()["speaker"] == "Ruth Calloway" for q in named)
        # never an entity, never a person with quotes
        people = api.entities(limit=100)
        assert not any(e.name.lower() == "unknown" for e in people)
        assert sum(e.quotes for e in people) == len(named)
        assert not any(s.holder == "unknown" for s in api.all_stances())


def test_the_web_shows_unattributed_and_the_api_and_csv_say_unknown(store: str) -> None:
    with ws.TestClient(create_app(store)) as client:
        items = client.get("/api/quotes?limit=50").json()["items"]
        nobody = [q for q in items if q["speaker_type"] == "unknown"]
        assert len(nobody) == 1 and nobody[0]["speaker"] == "unknown" and nobody[0]["speaker_id"] is None
        page = client.get("/quotes?min_confidence=0").text  # the pages hide low confidence by default
        assert ">unattributed</span>" in page and ">unknown<" not in page and "by=unknown" not in page
        rows = list(csv.DictReader(io.StringIO(client.get("/quotes.csv?min_confidence=0").text)))
        assert sorted(r["speaker"] for r in rows) == ["Ruth Calloway", "Ruth Calloway", "unknown"]
