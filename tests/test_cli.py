"""The CLI in-process: exit codes, output and the resulting database."""
from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import EXAMPLES

from onrecord.cli import main


def test_ingest_articles_show_quotes_demo(tmp_path):
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--manifest", str(EXAMPLES / "manifest.jsonl"),
                                  "--db", db])
    assert r.exit_code == 0, r.output
    assert "5 files: 5 articles ingested, 0 duplicates" in r.output

    again = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", db])
    assert again.exit_code == 0 and "0 articles ingested, 5 duplicates" in again.output
    assert "duplicate:" in again.output and "already stored" in again.output

    arts = CliRunner().invoke(main, ["articles", "--db", db, "--json"])
    rows = [json.loads(line) for line in arts.output.splitlines()]
    assert [(a["outlet"], a["date"]) for a in rows] == [
        ("PoliticsHome", "2016-10-08"), ("PoliticsHome", "2016-12-13"), ("The Sun", "2018-04-09"),
        ("Yahoo News UK", "2020-01-03"), ("LBC", "2020-01-05")]

    sun = rows[2]["id"]
    shown = CliRunner().invoke(main, ["show", sun[:6], "--db", db])
    assert shown.exit_code == 0
    assert "[skip_link]" in shown.output and "Jump directly to the content" in shown.output

    js = CliRunner().invoke(main, ["show", sun, "--db", db, "--json"])
    doc = json.loads(js.output)
    assert doc["id"] == sun and doc["text"].startswith("Jump directly")
    assert all(doc["text"][s["start"]:s["end"]].strip() for s in doc["segments"])

    q = CliRunner().invoke(main, ["quotes", "--db", db, "--format", "jsonl"])
    assert q.exit_code == 0
    quotes = [json.loads(line) for line in q.output.splitlines()]
    texts = {a["id"]: (EXAMPLES / a["source"].rsplit("/", 1)[-1]).read_text(encoding="utf-8") for a in rows}
    for rec in quotes:
        for key in ("source", "article_id", "start", "end", "text", "kind", "speaker", "speaker_type",
                    "on_behalf_of", "speaker_span", "cue", "cue_span", "furniture", "confidence"):
            assert key in rec
        assert texts[rec["article_id"]][rec["start"]:rec["end"]] == rec["text"]
    assert any(r["speaker"] == "Jeremy Corbyn" for r in quotes)

    sure = CliRunner().invoke(main, ["quotes", "--db", db, "--min-confidence", "0.8", "--format", "jsonl"])
    kept = [json.loads(line) for line in sure.output.splitlines()]
    assert kept and len(kept) < len(quotes) and all(r["confidence"] >= 0.8 for r in kept)
    bad = CliRunner().invoke(main, ["quotes", "--db", db, "--min-confidence", "2"])
    assert bad.exit_code == 2 and "between 0 and 1" in bad.output

    by = CliRunner().invoke(main, ["quotes", "--db", db, "--by", "Jeremy Corbyn", "--format", "csv"])
    assert by.exit_code == 0 and by.output.splitlines()[0].startswith("id,")

    demo = CliRunner().invoke(main, ["demo", "--db", db])
    assert demo.exit_code == 0
    assert "The Sun" in demo.output and "Jeremy Corbyn" in demo.output and "make serve" in demo.output


def test_unknown_article_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["show", "nosuchid", "--db", str(tmp_path / "s.db")])
    assert r.exit_code == 2 and "no article with id 'nosuchid'" in r.output


def test_bad_date_flag(tmp_path):
    r = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--date", "soon", "--db", str(tmp_path / "s.db")])
    assert r.exit_code == 2 and "is not a date" in r.output
