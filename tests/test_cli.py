"""The CLI in-process, one behaviour per test: exit status and the exact output (or the exact lines that matter),
on a store built from the five sample articles by `onrecord ingest` (once per module; commands that write get a
copy). Errors a user can make end in one line naming what to do, exit status 2."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLES, FIXTURES

import onrecord
from onrecord import settings
from onrecord.cli import main
from onrecord.errors import BadParameter

MANIFEST = EXAMPLES / "manifest.jsonl"
# article id (the content hash), file, outlet, date, body paragraphs, title: fixed by the sample texts and manifest
ARTICLES = [
    ("89dc12f5fc0e", "004_b3a66aeb771e6232.txt", "PoliticsHome", "2016-10-08", 14,
     "Jeremy Corbyn urged by left-wing supporters to condemn Russia over Syria"),
    ("a2c660ed68f6", "003_835a80c3a358b54e.txt", "PoliticsHome", "2016-12-13", 18,
     "Jeremy Corbyn says Russian attacks in Syria are inexcusable"),
    ("b318a3769e98", "002_8afbbc9a472fbeea.txt", "The Sun", "2018-04-09", 22,
     "How Jeremy Corbyn and his aides have a history of standing up for the Syrian dictator"),
    ("f4e8d3da92ae", "000_0c11736e192a045e.txt", "Yahoo News UK", "2020-01-03", 16,
     "Corbyn accused of 'siding with our enemies' over US killing of Iranian general"),
    ("a0b531139b1a", "001_d9314bceb94995f8.txt", "LBC", "2020-01-05", 21,
     "Boris Johnson finally responds to Iran crisis"),
]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def jsonl(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Result]:
    db = tmp_path_factory.mktemp("cli") / "s.db"
    return db, run("ingest", str(EXAMPLES), "--manifest", str(MANIFEST), "--db", str(db))


@pytest.fixture()
def db(built) -> str:
    return str(built[0])


@pytest.fixture()
def copy(built, tmp_path) -> str:
    """A copy of the sample store, for commands that write."""
    dest = tmp_path / "copy.db"
    with closing(sqlite3.connect(built[0])) as src, closing(sqlite3.connect(dest)) as out:
        src.backup(out)
    return str(dest)


# -- ingest ------------------------------------------------------------------------------------------------------
def test_ingest(built):
    db, result = built
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"5 files: 5 articles ingested, 0 duplicates (already stored), 0 skipped, 0 failed "
                             f"-> {db}\n")
    assert result.stderr == ""


def test_reingest_is_idempotent_and_says_so(copy):
    result = run("ingest", str(EXAMPLES), "--db", copy)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"5 files: 0 articles ingested, 5 duplicates (already stored), 0 skipped, 0 failed "
                             f"-> {copy}\n")
    assert result.stderr.splitlines() == [
        f"duplicate: {EXAMPLES / name}: already stored as {aid} (nothing to do)" for aid, name, *_ in
        sorted(ARTICLES, key=lambda a: a[1])]
    assert len(jsonl(run("articles", "--json", "--db", copy))) == 5


def test_ingest_a_bad_date_is_an_error_and_stores_nothing(tmp_path):
    result = run("ingest", str(EXAMPLES), "--date", "soon", "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 2
    assert result.output == "Error: [E400] cannot read the date 'soon' (use YYYY-MM-DD)\n"
    assert not (tmp_path / "new.db").exists()


def test_ingest_a_missing_file_fails_with_status_1(tmp_path):
    missing = tmp_path / "missing.txt"
    result = run("ingest", str(missing), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 1
    assert result.stderr == f"failed: {missing}: no such file or directory\n"
    assert result.stdout.endswith("0 files: 0 articles ingested, 0 duplicates (already stored), 0 skipped, 1 failed "
                                  f"-> {tmp_path / 's.db'}\n")


# -- articles, show ----------------------------------------------------------------------------------------------
def test_articles(db):
    counts = {aid: len(jsonl(run("quotes", "--article", aid, "--format", "jsonl", "--db", db)))
              for aid, *_ in ARTICLES}
    result = run("articles", "--db", db)
    assert result.exit_code == 0, result.output
    rows = [f"{aid}  {outlet:13}  {date}  {paras:<10}  {counts[aid]:<6}  "
            f"{title[:59] + '…' if len(title) > 60 else title}"
            for aid, _f, outlet, date, paras, title in sorted(ARTICLES, key=lambda a: a[3], reverse=True)]
    assert result.stdout.splitlines() == [
        "id            outlet         date        paragraphs  quotes  title",
        "------------  -------------  ----------  ----------  ------  " + "-" * 60,
        *[r.rstrip() for r in rows]]


def test_articles_json_by_outlet(db):
    rows = jsonl(run("articles", "--outlet", "PoliticsHome", "--json", "--db", db))
    assert [(r["id"], r["source"], r["date"]) for r in rows] == [
        (aid, str(EXAMPLES / name), date) for aid, name, outlet, date, *_ in reversed(ARTICLES)
        if outlet == "PoliticsHome"]


def test_show(db):
    result = run("show", "a0b5", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == [
        f"a0b531139b1a  LBC  2020-01-05  {EXAMPLES / '001_d9314bceb94995f8.txt'}",
        "[dateline]             1-30     date 2020-01-05 Breaking News",
        "[title]               32-77     Boris Johnson finally responds to Iran crisis",
        ("[caption]             79-193    Boris Johnson finally responds to Iran crisis calling Qasem Soleimani "
        "'a threat to all our interests'. Picture: PA")]


def test_show_json(db):
    result = run("show", "b318a3769e98", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    text = (EXAMPLES / "002_8afbbc9a472fbeea.txt").read_text(encoding="utf-8")
    assert doc["id"] == "b318a3769e98" and doc["text"] == text and doc["outlet"] == "The Sun"
    assert doc["segments"][0] == {"start": 0, "end": 28, "kind": "furniture", "furniture": "skip_link"}
    assert text[0:28] == "Jump directly to the content"


def test_show_an_unknown_article(db):
    result = run("show", "nosuchid", "--db", db)
    assert result.exit_code == 1
    assert result.output == "Error: [E300] no article with id 'nosuchid' (see `onrecord articles`)\n"


def test_a_missing_store_is_an_error_and_is_not_created(tmp_path):
    missing = tmp_path / "missing.db"
    result = run("quotes", "--db", str(missing))
    assert result.exit_code == 2
    assert result.output == f"Error: [E200] {missing}: no such database (run `onrecord ingest` first)\n"
    assert not missing.exists()


# -- quotes ------------------------------------------------------------------------------------------------------
def test_quotes_table(db):
    result = run("quotes", "--by", "Boris Johnson", "--outlet", "LBC", "--kind", "direct", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "date        outlet  speaker        cue   kind    text",
        "----------  ------  -------------  ----  ------  " + "-" * 70,
        ("2020-01-05  LBC     Boris Johnson  said  direct  Today I have spoken with President Macron, President Trump "
         "and Chance…"),
        ("2020-01-05  LBC     Boris Johnson  said  direct  General Qassem Soleimani posed a threat to all our "
        "interests and was …"),
        ("2020-01-05  LBC     Boris Johnson  said  direct  Given the leading role he has played in actions that have "
         "led to the …"),
        ("2020-01-05  LBC     Boris Johnson  said  direct  It is clear however that all calls for retaliation or "
        "reprisals will …"),
        ("2020-01-05  LBC     Boris Johnson  said  direct  We are in close contact with all sides to encourage "
         "de-escalation."),
        ("2020-01-05  LBC     Boris Johnson  said  direct  I will be speaking to other leaders and our Iraqi friends "
        "to support …")]


# An article with 41 quotations, the last credited to nobody: the sample texts hold 68 quotations (fewer than a
# table's 100) and, since reported quotes need a speech act and a source (issue 23), none without a speaker.
MORE = "Opening day at the library\n\nMayor Anna Lopez spoke at the opening on Monday.\n\n" + "".join(
    f"“Shelf number {n} holds the books we promised,” Lopez said.\n\n" for n in range(1, 41)) + (
    "The storm passed on Monday evening.\n\n“Nobody expected the water to rise so fast.”\n")


@pytest.fixture()
def more(copy, tmp_path) -> str:
    """The sample store with MORE ingested too."""
    (tmp_path / "more.txt").write_text(MORE, encoding="utf-8")
    assert run("ingest", str(tmp_path / "more.txt"), "--db", copy).exit_code == 0
    return copy


def test_quotes_without_a_speaker_show_as_unattributed(more):
    db = more
    every = jsonl(run("quotes", "--format", "jsonl", "--db", db))
    nobody = [q for q in every if q["speaker_type"] == "unknown"]
    assert nobody and len(nobody) < len(every)
    assert all(q["speaker"] == "unknown" and q["speaker_id"] is None for q in nobody)  # the exports say so
    assert all(q["speaker"] for q in every)  # no record leaves its speaker empty
    rows = list(csv.DictReader(io.StringIO(run("quotes", "--format", "csv", "--limit", "0", "--db", db).stdout)))
    assert sum(r["speaker"] == "unknown" for r in rows) == len(nobody)
    table = run("quotes", "--limit", "0", "--db", db).stdout.splitlines()[2:]
    assert sum("(unattributed)" in line for line in table) == len(nobody)
    with onrecord.open(db, readonly=True) as api:  # never an entity called "unknown"
        assert not any(e.name.lower() == "unknown" for e in api.entities(limit=1000))


def test_quotes_jsonl_offsets_point_into_the_original_text(db):
    quotes = jsonl(run("quotes", "--format", "jsonl", "--db", db))
    texts = {aid: (EXAMPLES / name).read_text(encoding="utf-8") for aid, name, *_ in ARTICLES}
    assert len(quotes) > 60 and {q["article_id"] for q in quotes} == set(texts)
    for q in quotes:
        assert texts[q["article_id"]][q["start"]:q["end"]] == q["text"]
        assert q["source"] == str(EXAMPLES / {a[0]: a[1] for a in ARTICLES}[q["article_id"]])


def test_quotes_csv(db):
    result = run("quotes", "--by", "Jeremy Corbyn", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == (
        "id,article_id,source,outlet,date,start,end,spans,text,kind,speaker,speaker_type,on_behalf_of,"
        "speaker_mention,speaker_span,cue,cue_span,furniture,confidence,clause_span,group,speaker_id,"
        "on_behalf_of_id,method,url,title")
    assert rows and all("person:jeremy-corbyn" in (r["speaker_id"], r["on_behalf_of_id"]) for r in rows)


def test_quotes_filters(db):
    assert {q["date"] for q in jsonl(run("quotes", "--since", "2018", "--until", "2018-12", "--format", "jsonl",
                                         "--db", db))} == {"2018-04-09"}
    found = jsonl(run("quotes", "--search", "negotiated political solution", "--format", "jsonl", "--db", db))
    assert [(q["speaker"], q["on_behalf_of"], q["outlet"]) for q in found] == [
        ("Jeremy Corbyn's spokesperson", "Jeremy Corbyn", "PoliticsHome")]
    about = jsonl(run("quotes", "--about", "Soleimani", "--format", "jsonl", "--db", db))
    assert about and all("Soleimani" in q["text"] for q in about)


def test_quotes_min_confidence_flag_and_environment(db):
    every = jsonl(run("quotes", "--format", "jsonl", "--db", db))
    sure = jsonl(run("quotes", "--min-confidence", "0.8", "--format", "jsonl", "--db", db))
    assert sure and len(sure) < len(every) and all(q["confidence"] >= 0.8 for q in sure)
    from_env = jsonl(run("quotes", "--format", "jsonl", "--db", db, env={"ONRECORD_MIN_CONFIDENCE": "0.8"}))
    assert from_env == sure
    flag_wins = jsonl(run("quotes", "--min-confidence", "0", "--format", "jsonl", "--db", db,
                          env={"ONRECORD_MIN_CONFIDENCE": "0.8"}))
    assert flag_wins == every


def test_quotes_min_confidence_out_of_range(db):
    result = run("quotes", "--min-confidence", "2", "--db", db)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: Invalid value for '--min-confidence' (env var: "
                                              "'ONRECORD_MIN_CONFIDENCE'): 2.0 is not in the range 0<=x<=1.")


def test_quotes_a_bad_date(db):
    result = run("quotes", "--since", "last week", "--db", db)
    assert result.exit_code == 2
    assert result.output == ("Error: [E400] since must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), "
                             "got 'last week'\n")


# -- analyse, eval -----------------------------------------------------------------------------------------------
def test_analyse_ids_and_all(copy):
    before = jsonl(run("quotes", "--format", "jsonl", "--db", copy))
    result = run("analyse", "a2c6", "b318a3769e98", "--db", copy)
    assert (result.exit_code, result.stdout) == (0, "analysed 2 articles\n")
    result = run("analyse", "--all", "--jobs", "1", "--db", copy)
    assert (result.exit_code, result.stdout) == (0, "analysed 5 articles\n")
    after = jsonl(run("quotes", "--format", "jsonl", "--db", copy))
    keys = ("article_id", "start", "end", "speaker", "cue", "kind")
    assert [tuple(q[k] for k in keys) for q in after] == [tuple(q[k] for k in keys) for q in before]


def test_analyse_needs_ids_or_all(copy):
    result = run("analyse", "--db", copy)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: give article ids or --all (not both)"


def test_analyse_an_unknown_article(copy):
    result = run("analyse", "zzzz", "--db", copy)
    assert result.exit_code == 1
    assert result.output == "Error: [E300] no article with id 'zzzz' (see `onrecord articles`)\n"


def test_eval_quotes(db):
    gold = str(FIXTURES / "seed_quotes.jsonl")
    result = run("eval", "quotes", "--gold", gold, "--show", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == "span_p=1.0 span_r=1.0 span_f1=1.0 speaker_acc=1.0 e2e_f1=1.0 tp=59 fp=0 fn=0\n"
    as_json = json.loads(run("eval", "quotes", "--gold", gold, "--json", "--db", db).stdout)
    assert as_json == {"span_p": 1.0, "span_r": 1.0, "span_f1": 1.0, "speaker_acc": 1.0, "e2e_f1": 1.0, "tp": 59,
                       "fp": 0, "fn": 0}


def test_eval_quotes_show_lists_what_is_wrong(copy):
    with closing(sqlite3.connect(copy)) as conn, conn:  # one gold quote lost, one speaker wrong
        conn.execute("DELETE FROM quotes WHERE text LIKE 'Today I have spoken with President Macron%'")
        conn.execute("UPDATE quotes SET speaker = 'Nobody' WHERE text LIKE 'We are in close contact with all sides%'")
    result = run("eval", "quotes", "--gold", str(FIXTURES / "seed_quotes.jsonl"), "--show", "--db", copy)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("missed: 001_d9314bceb94995f8.txt: Today I have spoken with President Macron, President "
                        "Trump and Chancel")
    assert lines[1] == ("wrong speaker: 001_d9314bceb94995f8.txt: We are in close contact with all sides to "
                        "encourage de-escal (gold Boris Johnson, found Nobody)")
    assert lines[2].startswith("span_p=1.0 span_r=0.983 ") and lines[2].endswith(" tp=58 fp=0 fn=1")


# -- demo --------------------------------------------------------------------------------------------------------
def test_demo(db):
    result = run("demo", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == ["", "2016-10-08  PoliticsHome  [89dc12f5fc0e]  14 paragraphs, 7 furniture lines",
                         "  Jeremy Corbyn urged by left-wing supporters to condemn Russia over Syria"]
    assert ("    A spokesman (for Jeremy Corbyn)          said       \u201cJeremy has always been clear on Syria and "
            "how\u2026\u201d") in lines
    assert "Most quoted (quotes, articles):" in lines
    assert lines[-1] == f"Store: {db}. Serve it with `onrecord serve --db {db}` and open http://127.0.0.1:8000/"


# -- entities, entity, merge, split ------------------------------------------------------------------------------
def test_entities(db):
    result = run("entities", "--type", "country", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "name", "type", "articles", "mentions", "quotes"]
    ids = [line.split()[0] for line in lines[2:]]
    assert {"country:syria", "country:iran", "country:russia", "country:united-states"} <= set(ids)
    assert all(line.split()[-4] == "country" for line in lines[2:])


def test_entities_csv(db):
    result = run("entities", "--type", "person", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == "id,name,type,articles,mentions,quotes"
    corbyn = next(r for r in rows if r["id"] == "person:jeremy-corbyn")
    assert (corbyn["name"], corbyn["type"], corbyn["articles"]) == ("Jeremy Corbyn", "person", "4")


def test_entity(db):
    result = run("entity", "Jeremy Corbyn", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Jeremy Corbyn  [person:jeremy-corbyn]  person, 4 article(s)", "  aliases: Jeremy Corbyn"]
    assert any(line.startswith("  role: Leader of the Labour Party  (2015-09-12 .. 2020-04-04; kb+text")
               for line in lines)
    assert any(line.startswith("  described as \"the leftie Labour boss\" by The Sun x1  [loaded]  (confidence ")
               and "2018-04-09" in line for line in lines)  # with the date and offsets of its article
    assert any(line.startswith("  what they said (8 of ") and line.endswith(
        "; all: onrecord quotes --by 'person:jeremy-corbyn'):") for line in lines)


def test_entity_json(db):
    result = run("entity", "Mr Corbyn", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert (rec["id"], rec["name"], rec["type"]) == ("person:jeremy-corbyn", "Jeremy Corbyn", "person")
    assert {"aliases", "roles", "mentions_by_outlet", "descriptors", "quotes_by", "quotes_about"} <= set(rec)


def test_entity_unknown(db):
    result = run("entity", "Nobody Atall", "--db", db)
    assert result.exit_code == 1
    assert result.output == "Error: [E300] no entity named 'Nobody Atall' (see `onrecord entities`)\n"


def test_merge(copy):
    result = run("merge", "United Nations", "UN Security Council", "--db", copy)
    assert result.exit_code == 0, result.output
    assert result.output == ("merged: United Nations [organisation:united-nations] aliases: United Nations, UN, "
                             "UN Security Council\n")
    assert json.loads(run("entity", "UN Security Council", "--json", "--db", copy).stdout)["id"] == \
        "organisation:united-nations"


def test_split(copy):
    assert json.loads(run("entity", "Assad", "--json", "--db", copy).stdout)["id"] == "person:bashar-al-assad"
    result = run("split", "Bashar al-Assad", "--alias", "Assad", "--db", copy)
    assert result.exit_code == 0, result.output
    assert result.output == "split: Bashar al-Assad [person:bashar-al-assad] aliases now: Bashar al-Assad\n"
    assert json.loads(run("entity", "Assad", "--json", "--db", copy).stdout)["id"] != "person:bashar-al-assad"


def test_split_an_unknown_alias(copy):
    result = run("split", "Jeremy Corbyn", "--alias", "Nobody", "--db", copy)
    assert result.exit_code == 1
    assert result.output == "Error: [E300] 'Jeremy Corbyn' has no alias 'Nobody' (its aliases: Jeremy Corbyn)\n"


def test_merge_into_a_missing_store_creates_nothing(tmp_path):
    missing = tmp_path / "missing.db"
    result = run("merge", "A", "B", "--db", str(missing))
    assert result.exit_code == 2
    assert result.output == f"Error: [E200] {missing}: no such database (run `onrecord ingest` first)\n"
    assert not missing.exists()


# -- stances, timeline, contradictions, statements ---------------------------------------------------------------
def test_stances(db):
    result = run("stances", "--holder", "Jeremy Corbyn", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == ["date", "outlet", "holder", "label", "target", "reported_by",
                                                     "confidence", "text"]
    every = jsonl(run("stances", "--limit", "0", "--format", "jsonl", "--db", db))
    assert every and all(0 < s["confidence"] < 1 for s in every)
    floor = sorted(s["confidence"] for s in every)[len(every) // 2]
    sure = jsonl(run("stances", "--limit", "0", "--min-confidence", str(floor), "--format", "jsonl", "--db", db))
    assert sure and len(sure) < len(every) and all(s["confidence"] >= floor for s in sure)
    assert run("stances", "--min-confidence", "2", "--db", db).exit_code == 2
    condemn = jsonl(run("stances", "--label", "condemn", "--format", "jsonl", "--db", db))
    assert condemn and {s["label"] for s in condemn} == {"condemn"}
    assert any(s["holder"] == "Jeremy Corbyn" and s["date"] == "2016-12-13" for s in condemn)


def test_stances_an_unknown_label(db):
    result = run("stances", "--label", "nonsense", "--db", db)
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E400] label must be one of ") and "got 'nonsense'" in result.output


def test_timeline(db):
    result = run("timeline", "Jeremy Corbyn", "--about", "Assad", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)  # newest first
    assert {(r["date"], r["kind"], r["label"], r["negated"], r["target"], r["reported_by"]) for r in rows} >= {
        ("2018-04-09", "stance", "support", "False", "Bashar al-Assad", "The Sun"),
        ("2018-04-09", "stance", "accuse", "True", "Bashar al-Assad", "The Sun")}
    table = run("timeline", "Jeremy Corbyn", "--about", "Assad", "--db", db).stdout.splitlines()
    assert table[0].split() == ["date", "outlet", "kind", "label", "target", "reported_by", "text"]
    assert any(" not accuse " in line for line in table)  # a negated stance reads "not accuse" in a table


def test_contradictions(db):
    found = jsonl(run("contradictions", "Jeremy Corbyn", "--format", "jsonl", "--db", db))
    sides = {(c["claim"]["outlet"], c["claim"]["reported_by"], c["counter"]["date"], c["counter"]["holder"])
             for c in found}
    assert ("The Sun", "The Sun", "2018-04-09", "Jeremy Corbyn") in sides  # against his spokesperson (at the cut)
    result = run("contradictions", "Jeremy Corbyn", "--about", "Assad", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["subject", "about", "confidence", "claim_date", "claim_by", "claim", "counter_date",
                                "counter_by", "counter"]
    # claims dated by their article, or by the time their clause tells ("a year ago, Mr Corbyn again refused")
    assert len(lines) > 2 and all(re.match(r"Jeremy Corbyn  Bashar al-Assad  0\.\d+ +(2018-04-09|2017-04) +The Sun",
                                           line) for line in lines[2:])
    conf = [c["confidence"] for c in found]
    assert all(c == c2["why"]["confidence"] and 0 < c < 1 for c, c2 in zip(conf, found, strict=True))
    sure = jsonl(run("contradictions", "Jeremy Corbyn", "--min-confidence", str(max(conf)), "--format", "jsonl",
                     "--db", db))
    assert sure and all(c["confidence"] == max(conf) for c in sure)


def test_statements(db):
    result = run("statements", "--by", "Dominic Raab", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "first_date", "speaker", "reports", "text"]
    rows = {line.split(maxsplit=1)[1] for line in lines[2:]}  # without the statement id
    assert ("2020-01-03  Dominic Raab  2        Following his death, we urge all parties to de-escalate. Further "
            "conf…") in rows
    found = jsonl(run("statements", "--by", "Dominic Raab", "--format", "jsonl", "--db", db))
    urge = next(st for st in found if st["text"].startswith("Following his death"))
    assert [r["outlet"] for r in urge["reports"]] == ["Yahoo News UK", "LBC"]


# -- load, spark analyse -----------------------------------------------------------------------------------------
def _spark_output(out: Path) -> None:
    """The Spark job's Parquet tables for the five samples, written by its executor functions without Spark."""
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'onrecord[spark]')")
    import pyarrow.parquet as pq

    from onrecord.spark import tasks

    given = onrecord.make_overrides(manifest=MANIFEST)
    records = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        (parsed,) = onrecord.batch.read_file(str(path))
        given.apply(parsed, str(path))
        records.append({k: getattr(parsed, k) for k in tasks.PARSED_KEYS})
    results = tasks.analyse_batch(records, any_language=False).to_pylist()
    for table in onrecord.batch.TABLES:
        (out / table).mkdir(parents=True)
        rows = [row for r in results for row in r[table] or []]
        pq.write_table(pa.Table.from_pylist(rows, schema=onrecord.batch.arrow_schema(table)),
                       out / table / "part-0.parquet")


def test_load(db, tmp_path):
    _spark_output(tmp_path / "out")
    target = tmp_path / "loaded.db"
    result = run("load", str(tmp_path / "out"), "--db", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"5 articles loaded, 0 already stored; job events: none -> {target}\n"
    keys = ("article_id", "start", "end", "text", "speaker", "cue", "kind", "speaker_id")
    loaded = jsonl(run("quotes", "--format", "jsonl", "--db", str(target)))
    ingested = jsonl(run("quotes", "--format", "jsonl", "--db", db))
    assert [tuple(q[k] for k in keys) for q in loaded] == [tuple(q[k] for k in keys) for q in ingested]
    again = run("load", str(tmp_path / "out"), "--db", str(target))
    assert again.output == f"0 articles loaded, 5 already stored; job events: none -> {target}\n"


def test_load_a_folder_that_is_not_spark_output(tmp_path):
    result = run("load", str(tmp_path), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 2
    assert result.output == (f"Error: [E100] {tmp_path}: not an onrecord Parquet output (no articles/ folder); write "
                             "one with `onrecord spark analyse INPUT... --out DIR`\n")


def _spark_or_skip() -> None:
    """Skip without pyspark or Java, except where ONRECORD_REQUIRE_SPARK is set (CI): there that is a failure."""
    missing = [m for m in ("pyspark", "pyarrow") if not _importable(m)] + (
        [] if shutil.which("java") else ["a Java runtime"])
    if missing:
        if os.environ.get("ONRECORD_REQUIRE_SPARK"):
            pytest.fail(f"ONRECORD_REQUIRE_SPARK is set but {', '.join(missing)} is missing")
        pytest.skip(f"{', '.join(missing)} is not installed (pip install 'onrecord[spark]')")


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@pytest.mark.slow
def test_spark_analyse(db, tmp_path):
    _spark_or_skip()
    aid, name, outlet, date, *_ = ARTICLES[4]
    quotes = len(jsonl(run("quotes", "--article", aid, "--format", "jsonl", "--db", db)))
    out = tmp_path / "out"
    result = run("spark", "analyse", str(EXAMPLES / name), "--out", str(out), "--master", "local[1]",
                 "--outlet", outlet, "--date", date)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (f"1 articles analysed, {quotes} quotes; no events -> {out} "
                                              f"(load it: onrecord load {out})")


def test_spark_analyse_a_bad_date(tmp_path):
    result = run("spark", "analyse", str(EXAMPLES), "--out", str(tmp_path / "out"), "--date", "soon")
    assert result.exit_code == 2
    assert result.output == "Error: [E400] cannot read the date 'soon' (use YYYY-MM-DD)\n"


# -- repair -------------------------------------------------------------------------------------------------------
def test_repair_finishes_what_an_ingest_left_undone(copy, tmp_path):
    (tmp_path / "new.txt").write_text(
        "Council approves new budget\n\nThe city council approved a new budget on Tuesday.\n\n\"This budget "
        "protects the services people rely on,\" said Mayor Jane Porter.\n", encoding="utf-8")
    stored = run("ingest", str(tmp_path / "new.txt"), "--no-analyse", "--db", copy)
    assert stored.exit_code == 0, stored.output
    assert jsonl(run("quotes", "--search", "budget protects", "--format", "jsonl", "--db", copy)) == []
    result = run("repair", "--db", copy)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"1 articles analysed, 1 articles linked -> {copy}\n"
    (quote,) = jsonl(run("quotes", "--search", "budget protects", "--format", "jsonl", "--db", copy))
    assert (quote["speaker"], quote["speaker_id"]) == ("Jane Porter", "person:jane-porter")
    assert run("repair", "--db", copy).output == f"0 articles analysed, 0 articles linked -> {copy}\n"


# -- migrate ------------------------------------------------------------------------------------------------------
def test_migrate_an_older_store(tmp_path):
    from onrecord.store.schema import MIGRATIONS, SCHEMA_VERSION

    old = tmp_path / "old.db"
    with closing(sqlite3.connect(old)) as conn:
        for version, _what, sql in MIGRATIONS[:-1]:
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {version}")
    result = run("migrate", "--db", str(old))
    assert result.exit_code == 0, result.output
    assert result.output == f"{old}: migrated from schema {MIGRATIONS[-2][0]} to {SCHEMA_VERSION}\n"
    again = run("migrate", "--db", str(old))
    assert again.output == f"{old}: schema {SCHEMA_VERSION}, nothing to do\n"


def test_migrate_a_missing_store(tmp_path):
    result = run("migrate", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 2
    assert result.output == f"Error: [E200] {tmp_path / 'missing.db'}: no such database (run `onrecord ingest` first)\n"


# -- serve -------------------------------------------------------------------------------------------------------
def test_serve_help_lists_the_settings():
    result = run("serve", "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: main serve [OPTIONS]\n\n  Serve the web UI and the JSON API")
    flat = " ".join(result.output.split())
    for name in ("db", "host", "port", "write_token"):
        s = settings.get(name)
        assert f"{s.flag} {s.metavar}" in flat and s.env in flat, name


def test_serve_a_missing_store_fails_before_serving(tmp_path):
    missing = tmp_path / "missing.db"
    result = run("serve", "--db", str(missing), "--port", "1")
    assert result.exit_code == 2
    assert result.output == f"Error: [E200] {missing}: no such database (run `onrecord ingest` first)\n"


def test_serve_a_bad_port_from_the_environment(db):
    result = run("serve", "--db", db, env={"ONRECORD_PORT": "http"})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: Invalid value for '--port' (env var: 'ONRECORD_PORT'): 'http' "
                                              "is not a valid integer range.")


# -- settings: default < environment < flag; the version ----------------------------------------------------------
def test_the_store_comes_from_the_environment_unless_a_flag_names_one(db, tmp_path):
    from_env = run("articles", "--json", env={"ONRECORD_DB": db})
    assert len(jsonl(from_env)) == 5
    flag_wins = run("articles", "--db", str(tmp_path / "none.db"), env={"ONRECORD_DB": db})
    assert flag_wins.exit_code == 2 and "none.db: no such database" in flag_wins.output


def test_settings_values(monkeypatch):
    monkeypatch.delenv("ONRECORD_JOBS", raising=False)
    assert settings.value("jobs") is None and settings.value("time_limit") == 120.0
    monkeypatch.setenv("ONRECORD_JOBS", "2")
    assert settings.value("jobs") == 2 and settings.value("jobs", 1) == 1
    monkeypatch.setenv("ONRECORD_JOBS", "two")
    with pytest.raises(BadParameter, match=r"ONRECORD_JOBS='two' is not a whole number"):
        settings.value("jobs")
    with pytest.raises(BadParameter, match=r"--jobs must be between 1 and 64, got 0"):
        settings.value("jobs", 0)
    monkeypatch.setenv("ONRECORD_SELECTIVE", "yes")
    assert settings.value("selective") is True


def test_version():
    result = run("--version")
    assert (result.exit_code, result.output) == (0, f"onrecord, version {onrecord.__version__}\n")


# -- a CLI that says what it did (the first hour of a new user) ----------------------------------------------------
LISTS = [("articles",), ("quotes",), ("entities",), ("stances",), ("timeline", "Jeremy Corbyn"),
         ("contradictions",), ("statements", "--min-reports", "1")]


@pytest.mark.parametrize("command", LISTS, ids=[c[0] for c in LISTS])
def test_every_list_command_takes_format_limit_and_offset(db, command):
    every = jsonl(run(*command, "--format", "jsonl", "--limit", "0", "--db", db))
    assert len(every) >= 2, command
    page = run(*command, "--format", "json", "--limit", "2", "--offset", "1", "--db", db)
    assert page.exit_code == 0, page.output
    assert json.loads(page.stdout) == every[1:3]
    csv_rows = run(*command, "--format", "csv", "--limit", "1", "--db", db).stdout.splitlines()
    assert len(csv_rows) == 2 and csv_rows[0].startswith(("id,", "date,", "subject,", "article_id", "kind,", "text"))
    assert run(*command, "--format", "table", "--limit", "1", "--db", db).exit_code == 0


def test_an_export_holds_every_record_unless_limited(more):
    """A table shows 100 rows by default; jsonl, csv and json are files a user scores or loads, so a default cut
    would lose records with the only word of it on stderr (the sample store and MORE hold more than 100 quotes)."""
    db = more
    total = len(jsonl(run("quotes", "--format", "jsonl", "--limit", "0", "--db", db)))
    assert total > 100
    for fmt, count in (("jsonl", lambda out: len(out.splitlines())), ("json", lambda out: len(json.loads(out))),
                       ("csv", lambda out: len(out.splitlines()) - 1)):
        result = run("quotes", "--format", fmt, "--db", db)
        assert (result.exit_code, result.stderr, count(result.stdout)) == (0, "", total), fmt
    table = run("quotes", "--db", db)
    assert len(table.stdout.splitlines()) == 2 + 100 and "showing 1-100 of" in table.stderr


def test_dated_lists_are_newest_first_unless_asked(db):
    for command, key in (("quotes", "date"), ("stances", "date"), ("articles", "date")):
        dates = [r[key] for r in jsonl(run(command, "--format", "jsonl", "--limit", "0", "--db", db)) if r[key]]
        assert dates == sorted(dates, reverse=True), command
        oldest = [r[key] for r in jsonl(run(command, "--format", "jsonl", "--limit", "0", "--oldest-first",
                                            "--db", db)) if r[key]]
        assert oldest == sorted(oldest), command
    entries = jsonl(run("timeline", "Jeremy Corbyn", "--format", "jsonl", "--limit", "0", "--db", db))
    assert [e["date"] for e in entries] == sorted((e["date"] for e in entries), reverse=True)


def test_a_cut_list_says_how_much_it_shows(db):
    cut = run("quotes", "--limit", "5", "--db", db)
    total = len(jsonl(run("quotes", "--format", "jsonl", "--limit", "0", "--db", db)))
    assert cut.stderr == (f"showing 1-5 of {total} quotes, newest first (next: --offset 5; all: --limit 0)\n")
    assert len(cut.stdout.splitlines()) == 2 + 5
    whole = run("articles", "--db", db)
    assert whole.stderr == ""  # nothing left out, nothing to say
    assert run("quotes", "--search", "zzzzqqq", "--db", db).stderr == "no quotes match\n"


@pytest.mark.parametrize("command", [("quotes", "--by"), ("stances", "--holder"), ("timeline",),
                                     ("contradictions",), ("entity",), ("statements", "--by")],
                         ids=lambda c: " ".join(c))
def test_a_name_that_matches_no_entity_is_an_error_with_the_closest_names(db, command):
    result = run(*command, "Jeremy Corbin", "--db", db)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("Error: [E300] no entity named 'Jeremy Corbin'; did you mean 'Jeremy Corbyn'? "
                             "(see `onrecord entities`)\n")


def test_a_surname_alone_means_the_most_quoted_person_and_says_which(db):
    result = run("entity", "Thornberry", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Emily Thornberry  [person:emily-thornberry]  person")
    assert result.stderr == ("note: 'Thornberry' taken as Emily Thornberry [person:emily-thornberry], the only "
                             "person named Thornberry\n")
    by_surname = run("quotes", "--by", "Raab", "--format", "jsonl", "--db", db)
    assert {q["speaker"] for q in jsonl(by_surname)} == {"Dominic Raab"}
    assert "taken as Dominic Raab" in by_surname.stderr


@pytest.mark.parametrize("value", ["2016-13-01", "2016-02-30", "2016-1-1", "yesterday"])
def test_dates_are_validated(db, value):
    for command in (("quotes",), ("stances",), ("articles",), ("timeline", "Jeremy Corbyn")):
        result = run(*command, "--since", value, "--db", db)
        assert result.exit_code == 2, (command, value)
        assert result.stderr == (f"Error: [E400] since must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got "
                                 f"{value!r}\n")


def test_merge_and_split_take_ids_and_names_and_fail_loudly_when_nothing_changes(copy):
    result = run("merge", "organisation:united-nations", "UN Security Council", "--db", copy)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("merged: United Nations [organisation:united-nations]")
    same = run("merge", "Jeremy Corbyn", "person:jeremy-corbyn", "--db", copy)
    assert same.exit_code == 2
    assert same.stderr == ("Error: [E400] 'Jeremy Corbyn' and 'person:jeremy-corbyn' are already one entity: "
                           "Jeremy Corbyn [person:jeremy-corbyn]\n")
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("SELECT action, name, other FROM entity_corrections").fetchall() == [
            ("merge", "United Nations", "UN Security Council")]
    split = run("split", "person:bashar-al-assad", "--alias", "Assad", "--db", copy)
    assert split.exit_code == 0, split.output


def test_tables_fit_the_terminal(db):
    for command in (("quotes",), ("stances",), ("articles",), ("entities",), ("timeline", "Jeremy Corbyn")):
        result = run(*command, "--db", db, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, command
        assert "…" in result.stdout or command == ("entities",)
    ids = [line.split()[0] for line in run("articles", "--db", db, env={"COLUMNS": "80"}).stdout.splitlines()[2:]]
    assert sorted(ids) == sorted(a[0] for a in ARTICLES)  # ids are never cut
    full = jsonl(run("quotes", "--format", "jsonl", "--db", db, env={"COLUMNS": "80"}))
    assert max(len(q["text"]) for q in full) > 80  # the other formats keep the full text


def test_long_steps_show_progress(copy):
    analysed = run("analyse", "--all", "--jobs", "1", "--db", copy)
    assert analysed.exit_code == 0, analysed.output
    assert analysed.stderr == "analyse: analysing 5 articles\nanalyse: linking 5 articles\n"
    linked = run("link", "--db", copy)
    assert (linked.exit_code, linked.stderr) == (0, "link: linking 5 articles\n")
    assert linked.stdout.startswith("linked 5 articles in ")
    seen: list[tuple[str, int, int]] = []
    onrecord.reanalyse(["a0b5"], copy, jobs=1, on_progress=lambda *a: seen.append(a))
    assert seen[0] == ("analysing", 1, 1) and seen[-1][0] == "linking" and seen[-1][1] == seen[-1][2]


def test_eval_stances_and_contradictions(db, tmp_path):
    """The eval commands score the store against a judged gold: here two of the sample's stances judged right and
    one wrong (holder), and one of its contradictions judged right."""
    every = jsonl(run("stances", "--limit", "0", "--format", "jsonl", "--db", db))
    with onrecord.open(db, readonly=True) as api:
        src = dict(api.conn.execute("SELECT id, source FROM articles").fetchall())
    rows = [{"doc": os.path.basename(src[s["article_id"]]), "start": s["start"], "end": s["end"],
             "cue_span": s["cue_span"], "holder": s["holder"], "label": s["label"], "negated": s["negated"],
             "target": s["target"], "ok": k < 2, "error": None if k < 2 else "holder"} for k, s in enumerate(every[:3])]
    gold = tmp_path / "stances.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = json.loads(run("eval", "stances", "--gold", str(gold), "--json", "--db", db).stdout)
    assert (res["judged"], res["right"], res["precision"], res["wrong_holder"]) == (3, 2, 0.667, 1)
    shown = run("eval", "stances", "--gold", str(gold), "--show", "--db", db).stdout
    assert shown.count("wrong (holder): ") == 1 and "unjudged: " in shown
    (pair, *_) = jsonl(run("contradictions", "--format", "jsonl", "--db", db))
    key = {}
    for side in ("claim", "counter"):
        s = pair[side]
        key[side] = {"doc": os.path.basename(src[s["article_id"]]), "cue_span": s["cue_span"], "holder": s["holder"],
                     "label": s["label"], "negated": s["negated"], "target": s["target"]}
    cgold = tmp_path / "contradictions.jsonl"
    cgold.write_text(json.dumps({**key, "ok": True, "error": None}) + "\n", encoding="utf-8")
    res = json.loads(run("eval", "contradictions", "--gold", str(cgold), "--json", "--db", db).stdout)
    assert (res["judged"], res["right"], res["precision"]) == (1, 1, 1.0)
    assert res["unjudged"] == res["contradictions"] - 1
