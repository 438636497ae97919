"""The Spark job on local[2]: the same quotes as the single-machine ingest, bad inputs as events, and its
Parquet output loaded into a store. One SparkSession for the module, so the JVM starts once."""
from __future__ import annotations

import json
import os
import shutil
import sys

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from onrecord.cli import main
from onrecord.models import Overrides
from onrecord.pipeline import ingest, load_manifest
from onrecord.store import Store

GERMAN = ("Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die steigenden Energiepreise beschlossen. "
          "Der Kanzler sagte, man werde die Bürger nicht im Stich lassen. Die Opposition kritisierte die Pläne als "
          "unzureichend und forderte weitere Entlastungen für Familien.\n")
NEW_ARTICLE = ("Council approves new budget\n\nThe city council approved a new budget on Tuesday after a long "
               "debate.\n\n\"This budget protects the services people rely on,\" said Mayor Jane Porter, who "
               "had pushed for the plan since the spring.\n\nCritics said the plan would raise local taxes.\n")


def test_a_missing_extra_names_it(monkeypatch):
    from onrecord.errors import MissingExtra
    from onrecord.spark import require_spark

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingExtra, match=r"pip install 'onrecord\[spark\]'"):
        require_spark()
    r = CliRunner().invoke(main, ["spark", "analyse", str(EXAMPLES), "--out", "unused"])
    assert r.exit_code == 2 and "pip install 'onrecord[spark]'" in r.output


def _missing(reason: str) -> None:
    """Skip, except where ONRECORD_REQUIRE_SPARK is set (CI): there a missing Spark is a failure."""
    if os.environ.get("ONRECORD_REQUIRE_SPARK"):
        pytest.fail(f"ONRECORD_REQUIRE_SPARK is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark():
    for module in ("pyspark", "pyarrow"):
        try:
            __import__(module)
        except ImportError:
            _missing(f"{module} is not installed (pip install 'onrecord[spark]')")
    if shutil.which("java") is None:
        _missing("there is no Java runtime on PATH (Spark needs Java 17+)")
    from onrecord.spark.job import spark_session

    session = spark_session("local[2]", "onrecord-tests", {"spark.ui.enabled": "false",
                                                           "spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The five samples plus a duplicate of one, a binary file, a German text, a missing path and an English
    article with one stray Latin-1 byte (read as UTF-8 with a warning)."""
    extra = tmp_path_factory.mktemp("extra")
    curly = NEW_ARTICLE.replace('"This', "\u201cThis").replace('on,"', "on,\u201d").encode("utf-8")
    (extra / "latin.txt").write_bytes(curly.replace(b"long debate", b"long d\xe9bate"))
    shutil.copy(EXAMPLES / "002_8afbbc9a472fbeea.txt", extra / "copy_of_002.txt")
    (extra / "photo.bin").write_bytes(bytes(range(256)) * 8)
    (extra / "german.txt").write_text("Energiepreise\n\n" + GERMAN * 2, encoding="utf-8")
    return [str(EXAMPLES), str(extra), str(extra / "missing.txt")]


@pytest.fixture(scope="module")
def job(spark, inputs, tmp_path_factory):
    from onrecord.spark.job import run_job

    out = tmp_path_factory.mktemp("spark") / "out"
    report = run_job(spark, inputs, str(out), manifest=load_manifest(str(EXAMPLES / "manifest.jsonl")))
    return out, report


@pytest.fixture(scope="module")
def direct(inputs, tmp_path_factory, nlp):
    """The single-machine ingest of the same inputs."""
    db = tmp_path_factory.mktemp("direct") / "s.db"
    with Store(db) as store:
        report = ingest(inputs, store, overrides=Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl"))))
    return db, report


def _parquet(out, table: str) -> list[dict]:
    import pyarrow.dataset as ds

    return ds.dataset(out / table, format="parquet").to_table().to_pylist()


KEYS = ("article_id", "n", "start", "end", "text", "speaker", "cue", "kind")


def test_quotes_equal_the_single_machine_ingest(job, direct):
    out, report = job
    with Store(direct[0]) as store:
        want = [tuple(r) for r in store.conn.execute(
            'SELECT article_id, n, start, "end", text, speaker, cue, kind FROM quotes ORDER BY article_id, n')]
    got = sorted(tuple(q[k] for k in KEYS) for q in _parquet(out, "quotes"))
    assert len(want) > 50 and got == want
    assert report.rows["articles"] == 6 and report.rows["quotes"] == len(want)
    arts = {a["id"]: a for a in _parquet(out, "articles")}
    assert max((a["outlet"], a["date"]) for a in arts.values() if a["outlet"]) == ("Yahoo News UK", "2020-01-03")
    for q in _parquet(out, "quotes"):  # offsets point into the article text
        assert arts[q["article_id"]]["text"][q["start"]:q["end"]] == q["text"]


def test_bad_inputs_become_events_like_the_single_machine_ingest(job, direct):
    out, report = job
    events = {(e["source"].rsplit("/", 1)[-1], e["status"], e["reason"]) for e in _parquet(out, "events")}
    assert {e[:2] for e in events} == {("copy_of_002.txt", "duplicate"), ("photo.bin", "failed"),
                                       ("german.txt", "skipped"), ("missing.txt", "failed"), ("latin.txt", "warning")}
    # the single-machine ingest's events (its repaired article is "ingested" with the same warning as reason)
    assert {(e.source.rsplit("/", 1)[-1], "warning" if e.status == "ingested" else e.status)
            for e in direct[1].events if e.status != "ingested" or e.reason} == {e[:2] for e in events}
    assert {e.reason for e in direct[1].events if e.status == "ingested" and e.reason} == {
        e[2] for e in events if e[1] == "warning"}
    assert report.events == {"duplicate": 1, "failed": 2, "skipped": 1, "warning": 1}
    reasons = {e[1]: e[2] for e in events}
    assert "not English" in reasons["skipped"] and "002_8afbbc9a472fbeea.txt" in reasons["duplicate"]
    assert reasons["warning"] == "1 byte that is not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)"


def test_load_gives_the_store_of_a_direct_ingest(job, direct, tmp_path):
    out, _ = job
    db = str(tmp_path / "loaded.db")
    r = CliRunner().invoke(main, ["load", str(out), "--db", db])
    assert r.exit_code == 0, r.output
    assert "6 articles loaded, 0 already stored; job events: 1 duplicate, 2 failed, 1 skipped, 1 warning" in r.output
    with Store(direct[0]) as a, Store(db) as b:
        for sql in (('SELECT article_id, n, start, "end", text, speaker, cue, kind, speaker_entity_id FROM quotes '
                     "ORDER BY article_id, n"), "SELECT id, name, type FROM entities ORDER BY id",
                    ("SELECT article_id, n, label, holder, target, reported_by, date FROM stances "
                     "ORDER BY article_id, n"),
                    "SELECT id, title, outlet, date, source, language FROM articles ORDER BY id"):
            assert [tuple(x) for x in b.conn.execute(sql)] == [tuple(x) for x in a.conn.execute(sql)], sql
    again = CliRunner().invoke(main, ["load", str(out), "--db", db])
    assert again.exit_code == 0 and "0 articles loaded, 6 already stored" in again.output
    with Store(direct[0]) as a, Store(db) as b:  # the repaired article's event keeps its warning
        sql = "SELECT status, reason FROM ingest_events WHERE source LIKE '%latin.txt' ORDER BY id LIMIT 1"
        assert tuple(b.conn.execute(sql).fetchone()) == tuple(a.conn.execute(sql).fetchone()) == (
            "ingested", "1 byte that is not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)")


def test_cli_reads_parquet_and_jsonl_inputs(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": [NEW_ARTICLE, "  "], "outlet": ["City Times", None],
                             "date": ["2021-03-02", None], "id": ["a1", "a2"]}), tmp_path / "in.parquet")
    pq.write_table(pa.table({"body": ["no text column"]}), tmp_path / "other.parquet")
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": NEW_ARTICLE, "outlet": "Copy"}) + "\n{oops\n",
                                       encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["spark", "analyse", str(tmp_path / "in.parquet"), str(tmp_path / "other.parquet"),
                                  str(tmp_path / "in.jsonl"), "--out", str(out), "--partitions", "2"])
    assert r.exit_code == 1, r.output  # as ingest: some inputs failed
    assert "1 articles analysed" in r.output and "1 duplicate, 3 failed" in r.output
    (art,) = _parquet(out, "articles")
    assert (art["outlet"], art["date"], art["external_id"], art["format"]) == ("City Times", "2021-03-02", "a1",
                                                                              "parquet")
    assert art["source"].endswith("in.parquet#1")
    quotes = _parquet(out, "quotes")
    assert any(q["speaker"] == "Jane Porter" and q["text"].startswith("This budget") for q in quotes)
    reasons = sorted(e["reason"] for e in _parquet(out, "events") if e["status"] == "failed")
    assert any("no 'text' column" in x for x in reasons) and any("column 'text'" in x for x in reasons)
    assert any("not valid JSON" in x for x in reasons)


def test_a_parquet_dataset_folder_is_read_as_parquet(tmp_path):
    from onrecord.spark.job import split_inputs

    (tmp_path / "ds").mkdir()
    for name in ("part-0.parquet", "part-1.parquet", "_SUCCESS"):
        (tmp_path / "ds" / name).write_bytes(b"")
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    files, parquet, errors = split_inputs([str(tmp_path / "a.txt"), str(tmp_path / "ds"), "s3a://bucket/news.warc",
                                           "hdfs:///out/articles"])
    assert files == [(0, str(tmp_path / "a.txt"))]
    assert parquet == [(1, str(tmp_path / "ds" / "part-0.parquet")), (2, str(tmp_path / "ds" / "part-1.parquet")),
                       (3, "hdfs:///out/articles")]
    assert errors == [("s3a://bucket/news.warc", "only Parquet inputs can be read from a remote file system")]


def test_an_article_the_analysis_raises_on_fails_alone(nlp, monkeypatch):
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'onrecord[spark]')")
    import onrecord.analyse
    from onrecord.spark import tasks

    real = onrecord.analyse.analyse_texts

    def flaky(nlp_, items, *a, **k):
        if any("POISON" in text for text, _ in items):
            raise ValueError("boom")
        return real(nlp_, items, *a, **k)

    monkeypatch.setattr(onrecord.analyse, "analyse_texts", flaky)
    records = [{"source": name, "text": text, "title": None, "outlet": None, "date": None, "url": None,
                "format": "text", "external_id": None}
               for name, text in (("good.txt", NEW_ARTICLE), ("bad.txt", NEW_ARTICLE + "POISON\n"),
                                  ("de.txt", GERMAN * 2))]
    rows = tasks.analyse_batch(records, any_language=False).to_pylist()
    assert [r["event"] for r in rows] == [
        {"source": "de.txt", "status": "skipped", "reason": rows[0]["event"]["reason"], "article_id": None},
        None, {"source": "bad.txt", "status": "failed", "reason": "analysis failed (ValueError: boom)",
               "article_id": None}]
    assert "not English" in rows[0]["event"]["reason"]
    assert rows[1]["articles"][0]["source"] == "good.txt" and rows[1]["quotes"]
