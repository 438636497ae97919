"""Ingestion of plain text, JSONL, stdin, directories and globs; dates, titles, manifest and overrides."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES

from onrecord.ingest import InputFile, detect_format, discover, read_input
from onrecord.ingest.dates import date_line, parse_date
from onrecord.ingest.text import read_text
from onrecord.models import Overrides
from onrecord.pipeline import ingest, load_manifest
from onrecord.store import Store

BODY = ("The minister said on Tuesday that the plan would go ahead. Critics said it was a mistake and that "
        "the government had not listened to the people who live in the area.\n")


@pytest.mark.parametrize("text,iso", [
    ("date 2020-01-05 Breaking News", "2020-01-05"),
    ("13th December 2016", "2016-12-13"),
    ("Posted On: 8th October 2016", "2016-10-08"),
    ("December 13, 2016", "2016-12-13"),
    ("Published 3 Sept 2019", "2019-09-03"),
])
def test_date_lines(text, iso):
    assert date_line(text) == iso


def test_not_date_lines():
    assert date_line("The 13th December 2016 meeting was attended by the whole cabinet and many others too") is None
    assert parse_date("31 February 2016") is None


def test_text_title_and_posted_on_date():
    text = "Jeremy Corbyn says attacks are inexcusable\n\nPosted On:\u00a0\n13th December 2016\n\n" + BODY
    art = read_text(text, "a.txt")
    assert art.title == "Jeremy Corbyn says attacks are inexcusable"
    assert art.date == "2016-12-13"
    assert art.text == text  # never rewritten


def test_text_date_line_before_title():
    art = read_text(" date 2020-01-05 Breaking News\n\nBoris Johnson responds\n\n" + BODY, "b.txt")
    assert art.date == "2020-01-05"
    assert art.title == "Boris Johnson responds"


def test_jsonl_records_and_errors(tmp_path):
    p = tmp_path / "dump.jsonl"
    rows = [json.dumps({"id": "x1", "title": "T1", "text": BODY, "date": "2019-05-01", "outlet": "The Times",
                        "url": "https://example.com/a"}),
            "{not json",
            json.dumps({"title": "no text"}),
            json.dumps(["a", "list"]),
            json.dumps({"text": BODY + " second", "date": "yesterday"}),
            json.dumps({"text": BODY + " third"})]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = list(read_input(InputFile(str(p))))
    ok = [r for r in out if not isinstance(r, Exception)]
    bad = [r for r in out if isinstance(r, Exception)]
    assert [r.source for r in ok] == [f"{p}#1", f"{p}#6"]
    assert ok[0].title == "T1" and ok[0].outlet == "The Times" and ok[0].date == "2019-05-01"
    assert ok[0].external_id == "x1" and ok[0].format == "jsonl"
    assert [b.source for b in bad] == [f"{p}#2", f"{p}#3", f"{p}#4", f"{p}#5"]
    assert "not valid JSON" in bad[0].reason and "'text'" in bad[1].reason
    assert "expected an object" in bad[2].reason and "unrecognised date" in bad[3].reason


def test_detect_format_from_content_and_extension():
    assert detect_format("x.txt", b"Title\n\nBody text.") == "text"
    assert detect_format("x", b'{"text": "a"}\n{"text": "b"}\n') == "jsonl"
    assert detect_format("x.jsonl", b'{"text": "a"}') == "jsonl"
    assert detect_format("page", b"<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert detect_format("crawl.bin", b"WARC/1.0\r\nWARC-Type: warcinfo\r\n") == "warc"


def test_discover_dirs_globs_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "sub" / "b.txt").write_text(BODY)
    (tmp_path / ".hidden").write_text(BODY)
    found = list(discover([str(tmp_path), str(tmp_path / "*.txt"), str(tmp_path / "nope.txt"),
                           str(tmp_path / "*.xml")]))
    paths = [f.path for f in found if isinstance(f, InputFile)]
    assert paths == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt"), str(tmp_path / "a.txt")]
    errors = [f for f in found if not isinstance(f, InputFile)]
    assert [e.reason for e in errors] == ["no such file or directory", "the pattern matches no file"]


def test_manifest_and_flag_overrides(tmp_path):
    man = tmp_path / "m.jsonl"
    man.write_text(json.dumps({"file": "a.txt", "outlet": "LBC", "date": "2020-01-05"}) + "\n")
    o = Overrides(manifest=load_manifest(str(man)))
    art = read_text("Title\n\n" + BODY, "a.txt")
    o.apply(art, str(tmp_path / "a.txt"))
    assert (art.outlet, art.date) == ("LBC", "2020-01-05")
    Overrides(outlet="The Sun", manifest=o.manifest).apply(art, "a.txt")
    assert art.outlet == "The Sun"


def test_sample_articles_ingest_with_manifest(tmp_path):
    with Store(tmp_path / "s.db") as store:
        report = ingest([str(EXAMPLES)], store, analyse=False,
                        overrides=Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl"))))
        assert report.ok and report.count("ingested") == 5 and report.files_seen == 5
        rows = {r["source"].split("/")[-1]: dict(r) for r in store.conn.execute("SELECT * FROM articles")}
    assert rows["002_8afbbc9a472fbeea.txt"]["outlet"] == "The Sun"
    assert rows["002_8afbbc9a472fbeea.txt"]["date"] == "2018-04-09"
    assert rows["003_835a80c3a358b54e.txt"]["title"] == "Jeremy Corbyn says Russian attacks in Syria are inexcusable"
    for name, row in rows.items():  # the original text, exactly as read
        assert row["text"] == (EXAMPLES / name).read_text(encoding="utf-8")


def test_reingest_is_a_noop(tmp_path):
    with Store(tmp_path / "s.db") as store:
        first = ingest([str(EXAMPLES)], store, analyse=False)
        second = ingest([str(EXAMPLES)], store, analyse=False)
        assert first.count("ingested") == 5
        assert second.count("ingested") == 0 and second.count("duplicate") == 5
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
        runs = [dict(r) for r in store.conn.execute("SELECT * FROM ingest_runs ORDER BY id")]
    assert [(r["files_seen"], r["ingested"], r["duplicates"], r["failures"]) for r in runs] == [
        (5, 5, 0, 0), (5, 0, 5, 0)]


def test_stdin(tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(("Stdin title\n\n" + BODY).encode())))
    with Store(tmp_path / "s.db") as store:
        report = ingest(["-"], store, analyse=False)
        assert report.count("ingested") == 1
        assert store.conn.execute("SELECT source, title FROM articles").fetchone()[:] == ("<stdin>", "Stdin title")


def test_crlf_is_read_as_python_text_mode(tmp_path):
    p = tmp_path / "w.txt"
    p.write_bytes(("Title\r\n\r\n" + BODY).encode())
    art = next(read_input(InputFile(str(p))))
    assert art.text == Path(p).read_text()


def test_worker_processes_store_the_same_as_one_process(tmp_path):
    """The streaming pool (workers analyse while the main process stores) changes nothing in what is stored,
    for an ingest and for a re-analysis."""
    from onrecord.pipeline import reanalyse

    def quotes(store: Store) -> list[tuple]:
        return [tuple(r) for r in store.conn.execute(
            'SELECT article_id, n, start, "end", speaker, kind FROM quotes ORDER BY article_id, n')]

    with Store(tmp_path / "one.db") as one, Store(tmp_path / "two.db") as two:
        ingest([str(EXAMPLES)], one, workers=1)
        report = ingest([str(EXAMPLES)], two, workers=2)
        assert report.count("ingested") == 5 and quotes(one) == quotes(two)
        assert reanalyse(two, workers=2) == 5 and quotes(two) == quotes(one)
