"""The public Python API the adapters are built on: ingesting articles held in memory, opening a store read-only
or only if it exists, schema versions, and typed results from every query method."""
from __future__ import annotations

import sqlite3
import typing
from contextlib import closing

import pytest

import onrecord
from onrecord.errors import StoreError
from onrecord.models import ParsedArticle
from onrecord.store.schema import MIGRATIONS, SCHEMA_VERSION

NEWS = ("Council approves new budget\n\nThe city council approved a new budget on Tuesday after a long debate.\n\n"
        "\"This budget protects the services people rely on,\" said Mayor Jane Porter.\n")
OTHER = ("Bridge to reopen in May\n\nThe old bridge will reopen in May, the county said on Monday.\n\n"
         "\"We are proud of the work,\" said engineer Sam Patel.\n")


def test_every_public_name_exists():
    assert all(hasattr(onrecord, name) for name in onrecord.__all__)


def test_ingest_articles_from_dicts_and_records(tmp_path):
    db = tmp_path / "s.db"
    report = onrecord.ingest_articles(
        [{"text": NEWS, "outlet": "City Times", "date": "2021-03-02", "id": "a1", "source": "upload:a1"},
         ParsedArticle(text=OTHER, source="feed:bridge", outlet="County News"),
         {"text": "  ", "title": "empty"}, {"text": NEWS}], db, source="api")
    events = {e.source: (e.status, e.reason) for e in report.events}  # stored ones come when their chunk is
    assert {k: v[0] for k, v in events.items()} == {"upload:a1": "ingested", "feed:bridge": "ingested",
                                                    "api#3": "failed", "api#4": "duplicate"}
    assert events["api#3"][1] == "record 3 has no non-empty string field 'text'"
    with onrecord.open(db, readonly=True) as api:
        arts = {a.source: a for a in api.articles()}
        assert set(arts) == {"upload:a1", "feed:bridge"}
        art = api.article(arts["upload:a1"].id)
        assert (art.outlet, art.date, art.external_id, art.text) == ("City Times", "2021-03-02", "a1", NEWS)
        (quote,) = api.quotes(article=art.id, kind="direct")
        assert (quote.speaker, quote.text) == ("Jane Porter", "This budget protects the services people rely on,")


def test_ingest_articles_a_bad_date_is_a_failed_record(tmp_path):
    report = onrecord.ingest_articles([{"text": NEWS, "date": "soon"}], tmp_path / "s.db", source="upload")
    (event,) = report.events
    assert (event.source, event.status, event.reason) == ("upload#1", "failed",
                                                          "record 1: unrecognised date 'soon' (use YYYY-MM-DD)")


def test_open_read_only_or_existing_never_creates(tmp_path):
    missing = tmp_path / "missing.db"
    for kwargs in ({"readonly": True}, {"create": False}):
        with pytest.raises(StoreError, match=r"no such database \(run `onrecord ingest` first\)"):
            onrecord.open(missing, **kwargs)
    assert not missing.exists()


def _old_store(path):
    with closing(sqlite3.connect(path)) as conn:
        for version, _what, sql in MIGRATIONS[:-1]:
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {version}")


def test_an_older_store_is_migrated_or_refused(tmp_path):
    old = tmp_path / "old.db"
    _old_store(old)
    assert onrecord.schema_version(old) == MIGRATIONS[-2][0]
    with pytest.raises(StoreError, match=r"run `onrecord migrate --db .*old\.db`"):
        onrecord.open(old, readonly=True, migrate=False)
    assert onrecord.schema_version(old) == MIGRATIONS[-2][0]  # refusing wrote nothing
    with onrecord.open(old, readonly=True) as api:
        assert api.schema_version() == SCHEMA_VERSION
    assert onrecord.migrate(old) == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_a_store_of_a_newer_onrecord_is_refused(tmp_path):
    new = tmp_path / "new.db"
    onrecord.open(new).close()
    with closing(sqlite3.connect(new)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="written by a newer onrecord"):
        onrecord.open(new, readonly=True)


def test_query_methods_return_concrete_types():
    hints = {name: typing.get_type_hints(getattr(onrecord.Onrecord, name))
             for name in dir(onrecord.Onrecord) if not name.startswith("_")
             and callable(getattr(onrecord.Onrecord, name))}
    untyped = [name for name, h in hints.items() if "return" not in h or "Any" in str(h["return"])]
    assert not untyped, f"Onrecord methods without a concrete return type: {untyped}"


def test_a_web_upload_is_ingested_from_memory_with_its_source(tmp_path):
    pytest.importorskip("starlette", reason="the web extra is not installed (pip install 'onrecord[web]')")
    from web_support import TestClient

    from onrecord.web.app import create_app

    db = tmp_path / "s.db"
    onrecord.open(db).close()
    auth = {"Authorization": "Bearer t0ken"}
    with TestClient(create_app(str(db), write_token="t0ken")) as client:
        assert client.post("/api/articles", json={"text": NEWS, "id": "wire-1"}, headers=auth).status_code == 201
        plain = client.post("/api/articles?name=notes.txt", content=OTHER.encode(),
                            headers={**auth, "Content-Type": "text/plain"})
        assert plain.status_code == 201, plain.text
    with onrecord.open(db, readonly=True) as api:
        assert {a.source for a in api.articles()} == {"upload:wire-1", "upload:notes.txt"}
