"""Bad input: each case gets one clear line naming the file and the reason; the run goes on; nothing is lost."""
from __future__ import annotations

import gzip
import json

from click.testing import CliRunner

from onrecord.cli import main
from onrecord.pipeline import ingest
from onrecord.store import Store

GOOD = ("Ministers said on Monday that the new rules would come into force next year, after months of talks "
        "with the unions and employers who had warned about the cost of the changes.\n")


def _events(report):
    return {e.source.rsplit("/", 1)[-1]: (e.status, e.reason) for e in report.events}


def test_every_bad_input_is_named_and_skipped(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("Good title\n\n" + GOOD, encoding="utf-8")
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text("  \n\n \t\n")
    (d / "big.txt").write_text("Big\n\n" + GOOD * 50)
    (d / "latin1.txt").write_bytes(
        ("Caf\u00e9 society\n\n" + GOOD.replace("Ministers", "Ministères")).encode("latin-1"))
    (d / "german.txt").write_text("Die Regierung\n\nDie Regierung hat am Montag gesagt, dass die neuen Regeln im "
                                  "nächsten Jahr in Kraft treten werden, nachdem es monatelange Gespräche mit den "
                                  "Gewerkschaften und den Arbeitgebern gegeben hat, die vor den Kosten gewarnt "
                                  "haben.\n", encoding="utf-8")
    (d / "bad.jsonl").write_text(json.dumps({"text": GOOD + " jsonl"}) + "\n{broken\n")
    (d / "bad.txt.gz").write_bytes(b"\x1f\x8b not really gzip")
    (d / "ok.txt.gz").write_bytes(gzip.compress(("Zipped\n\n" + GOOD + " zipped").encode()))
    with Store(tmp_path / "s.db") as store:
        report = ingest([str(d)], store, analyse=False, max_bytes=2000)
        ev = _events(report)
        assert ev["good.txt"][0] == "ingested"
        assert ev["latin1.txt"][0] == "ingested"
        assert ev["ok.txt.gz"][0] == "ingested"
        assert ev["bad.jsonl#1"][0] == "ingested"
        assert ev["image.png"] == ("failed", ev["image.png"][1]) and "binary" in ev["image.png"][1]
        assert ev["empty.txt"][0] == "failed" and "empty" in ev["empty.txt"][1]
        assert ev["blank.txt"][0] == "failed" and "empty" in ev["blank.txt"][1]
        assert ev["big.txt"][0] == "failed" and "size cap" in ev["big.txt"][1]
        assert ev["bad.jsonl#2"][0] == "failed" and "line 2" in ev["bad.jsonl#2"][1]
        assert ev["bad.txt.gz"][0] == "failed" and "gzip" in ev["bad.txt.gz"][1]
        assert ev["german.txt"][0] == "skipped" and "German" in ev["german.txt"][1]
        assert not report.ok
        text = store.conn.execute("SELECT text FROM articles WHERE source LIKE '%latin1.txt'").fetchone()[0]
        assert text.startswith("Caf\u00e9 society")


def test_any_language_ingests_it(tmp_path):
    p = tmp_path / "fr.txt"
    p.write_text("Le gouvernement\n\nLe gouvernement a déclaré lundi que les nouvelles règles entreront en "
                 "vigueur l'année prochaine, après des mois de discussions avec les syndicats et les employeurs.\n")
    with Store(tmp_path / "s.db") as store:
        assert ingest([str(p)], store, analyse=False).count("skipped") == 1
        assert ingest([str(p)], store, analyse=False, any_language=True).count("ingested") == 1


def test_cli_exit_status_and_messages_keep_stored_articles(tmp_path):
    db = str(tmp_path / "s.db")
    good = tmp_path / "good.txt"
    good.write_text("Good title\n\n" + GOOD)
    runner = CliRunner()
    r1 = runner.invoke(main, ["ingest", str(good), "--db", db, "--no-analyse"])
    assert r1.exit_code == 0, r1.output
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    r2 = runner.invoke(main, ["ingest", str(bad), str(tmp_path / "missing.txt"), "--db", db, "--no-analyse"])
    assert r2.exit_code == 1
    assert f"failed: {bad}: binary data" in r2.output
    assert f"failed: {tmp_path / 'missing.txt'}: no such file or directory" in r2.output
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_bad_manifest_is_a_clear_error(tmp_path):
    man = tmp_path / "m.jsonl"
    man.write_text('{"outlet": "x"}\n')
    r = CliRunner().invoke(main, ["ingest", str(tmp_path), "--manifest", str(man), "--db", str(tmp_path / "s.db")])
    assert r.exit_code == 2
    assert "m.jsonl#1" in r.output and '"file"' in r.output


def test_not_a_database(tmp_path):
    p = tmp_path / "x.db"
    p.write_bytes(b"this is not sqlite" * 100)
    r = CliRunner().invoke(main, ["articles", "--db", str(p)])
    assert r.exit_code == 2 and "cannot open as an onrecord SQLite store" in r.output


def test_an_analysis_failure_fails_its_articles_only_and_a_rerun_retries_them(tmp_path, monkeypatch):
    import onrecord.pipeline as pipeline

    real = pipeline.Analyser.run

    def flaky(self, items):
        if any("BOOM" in text for text, _segs in items):
            raise RuntimeError("a bug in a rule")
        return real(self, items)

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("Good title\n\n" + GOOD, encoding="utf-8")
    (d / "b.txt").write_text("Bad title\n\nBOOM. " + GOOD, encoding="utf-8")
    monkeypatch.setattr(pipeline, "CHUNK", 1)
    monkeypatch.setattr(pipeline.Analyser, "run", flaky)
    with Store(tmp_path / "x.db") as store:
        report = ingest([str(d)], store, workers=1)
        events = _events(report)
        assert events["a.txt"][0] == "ingested"
        assert events["b.txt"][0] == "failed"
        assert "the analysis failed (RuntimeError: a bug in a rule)" in events["b.txt"][1]
        assert len(store.article_ids()) == 1
        monkeypatch.setattr(pipeline.Analyser, "run", real)
        again = _events(ingest([str(d)], store, workers=1))
        assert again["b.txt"][0] == "ingested" and again["a.txt"][0] == "duplicate"
