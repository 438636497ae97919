"""Hostile inputs and events: nothing hangs, nothing is lost.

A worker killed or stuck on an article fails that article only and the run goes on; any number of
processes create, migrate and write one store at once; a file of quote marks, a huge paragraph and an
article of hundreds of quotes by one speaker cost what their size says, and keep their quotations.
"""
from __future__ import annotations

import cProfile
import itertools
import multiprocessing as mp
import os
import pstats
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
import web_support as ws
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc
from test_link import MANIFEST, SAMPLES, snapshot

from onrecord import analyse, pipeline, workers
from onrecord.analyse import analyse_text, make_doc, windows
from onrecord.analyse.attribution.cues import clause_extent
from onrecord.analyse.attribution.marks import scan_paragraph
from onrecord.analyse.attribution.tree import children, same_sent, sent, subtree_ends, subtree_max, tree
from onrecord.analyse.intervals import Intervals
from onrecord.clean import segment
from onrecord.errors import StoreError
from onrecord.link import link, pending
from onrecord.pipeline import ingest
from onrecord.store import Store, db
from onrecord.store.schema import SCHEMA_VERSION
from onrecord.web.app import create_app

KILL_MARK = "Kellerwald"  # a worker that meets this word dies (test hook below)
HANG_MARK = "Hangelsberg"  # and this one makes it hang
SENTENCES = ('"We will not back down," said Maria Lopez, the mayor of the city. '
             'The council met on Tuesday to discuss the budget for next year. '
             'John Smith, a local businessman, said the plan was "a disaster for everyone". '
             '"This is the best deal we could get," Lopez told reporters. ')


def news(i: int, place: str = "Springfield") -> str:
    """A short English news article with two attributed quotations."""
    return (f"Council vote number {i} in {place}\n\n"
            f'"We will not back down on item {i}," said Maria Lopez, the mayor of {place}.\n\n'
            f"The council met on Tuesday in {place} to discuss the budget for the coming year, and many "
            "residents came to listen to the debate.\n\n"
            'John Smith, a local businessman, said the plan was "a disaster for everyone".\n')


def _hostile_worker(conn, selective):
    """Test hook: an analysis worker that kills itself (as the OOM killer would) or hangs on a marker."""
    real = workers.analyse_texts

    def hooked(nlp, items, **kw):
        if any(KILL_MARK in text for text, _ in items):
            os.kill(os.getpid(), signal.SIGKILL)
        if any(HANG_MARK in text for text, _ in items):
            time.sleep(3600)
        return real(nlp, items, **kw)

    workers.analyse_texts = hooked
    workers._worker_main(conn, selective)


def _by_name(report) -> dict[str, tuple[str, str | None]]:
    return {Path(e.source).name: (e.status, e.reason) for e in report.events}


# -- row 2: workers that die or hang ----------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_or_stuck_worker_fails_its_article_only_and_the_run_goes_on(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(7):
        place = {1: KILL_MARK, 6: HANG_MARK}.get(i, "Springfield")
        (src / f"{i}.txt").write_text(news(i, place), encoding="utf-8")
    monkeypatch.setattr(workers, "_worker_main", _hostile_worker)
    monkeypatch.setattr(pipeline, "CHUNK", 3)  # the killer spoils a chunk of three: the other two still go in
    with Store(tmp_path / "s.db") as store:
        events = _by_name(ingest([str(src)], store, workers=2, time_limit=4))
        assert events["1.txt"] == ("failed", ("the analysis worker died (signal 9) on this article; not stored, "
                                              "re-run to retry"))
        assert events["6.txt"][0] == "failed" and "timed out after 4 s on this article" in events["6.txt"][1]
        assert all(events[f"{i}.txt"][0] == "ingested" for i in range(2, 6)) and events["0.txt"][0] == "ingested"
        assert len(store.article_ids()) == 5
        assert store.conn.execute("SELECT count(*) FROM quotes WHERE speaker = 'Maria Lopez'").fetchone()[0] == 5
        monkeypatch.undo()
        again = _by_name(ingest([str(src)], store, workers=1))  # "re-run to retry": now they go in
        assert again["1.txt"][0] == again["6.txt"][0] == "ingested"
        assert len(store.article_ids()) == 7


def test_a_stuck_analysis_in_this_process_times_out_too(tmp_path, monkeypatch):
    real = workers.analyse_texts

    def stuck(nlp, items, **kw):
        if any(HANG_MARK in text for text, _ in items):
            time.sleep(60)
        return real(nlp, items, **kw)

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(news(i, HANG_MARK if i == 1 else "Springfield"), encoding="utf-8")
    monkeypatch.setattr(workers, "analyse_texts", stuck)
    with Store(tmp_path / "s.db") as store:
        events = _by_name(ingest([str(src)], store, workers=1, time_limit=1))
    assert events["1.txt"][0] == "failed" and "timed out after 1 s" in events["1.txt"][1]
    assert events["0.txt"][0] == events["2.txt"][0] == "ingested"


# -- rows 3 and 11: many processes, one store -------------------------------------------------------------
def _create_then_ingest(path: str, folder: str, barrier, results) -> None:
    """In a fresh process: open (so create) the store at the same moment as the others, then ingest the same
    folder at the same moment as the others."""
    try:
        barrier.wait()
        with Store(path) as store:
            store.start_run({"pid": os.getpid()})
            version = store.version()
        barrier.wait()
        with Store(path) as store:
            report = ingest([folder], store, analyse=False)
        results.put(("ok", version, report.count("ingested"), report.count("duplicate"), report.count("failed"),
                     [e.reason for e in report.events if e.status == "failed"][:3]))
    except Exception as exc:  # reported to the test
        barrier.abort()
        results.put(("error", repr(exc)))


@pytest.mark.slow
def test_processes_create_and_fill_one_store_at_once(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    n = 300
    for i in range(n):
        (src / f"{i:04d}.txt").write_text(news(i), encoding="utf-8")
    path, k = tmp_path / "new.db", 3
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(k), ctx.Queue()
    procs = [ctx.Process(target=_create_then_ingest, args=(str(path), str(src), barrier, results)) for _ in range(k)]
    for p in procs:
        p.start()
    runs = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
    assert all(r[:2] == ("ok", SCHEMA_VERSION) for r in runs), runs  # no "table already exists", no "locked"
    assert all(r[4] == 0 for r in runs), runs  # no "UNIQUE constraint failed": the others' copies are duplicates
    assert sum(r[2] for r in runs) == n and sum(r[3] for r in runs) == (k - 1) * n
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (n, n)
        assert conn.execute("SELECT sum(failures) FROM ingest_runs").fetchone()[0] == 0
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_writer_waits_for_another_process_to_finish(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.05)  # each statement gives up fast: the retry loop must wait
    path = tmp_path / "s.db"
    with Store(path) as store:
        other = sqlite3.connect(path, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.5, other.commit).start()
        store.start_run({"waited": True})  # would fail with "database is locked" without the retry
        monkeypatch.setattr(db, "BUSY_RETRY", 0.3)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="another process kept the store locked"):
            store.start_run({"gave up": True})
        other.rollback()
        other.close()


# -- row 4: a second ingest while the first links ----------------------------------------------------------
def test_a_second_ingest_stores_and_links_its_articles_while_the_first_is_linking(tmp_path, monkeypatch, nlp):
    """Linking holds the write lock one batch at a time: between two batches of a full relink, another
    ingest (with a lock wait of 0.05 s and retries for 0.3 s) stores, analyses and links its own articles,
    the relink then finishes, and the store ends as if everything had been ingested at once."""
    extra = tmp_path / "extra"
    extra.mkdir()
    for i in range(3):
        (extra / f"council-{i}.txt").write_text(news(i, "Riverton"), encoding="utf-8")
    path = tmp_path / "busy.db"
    with Store(path) as store:
        assert ingest(SAMPLES, store, overrides=MANIFEST, workers=1).count("ingested") == 5
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(db, "BUSY_RETRY", 0.3)  # a writer kept out for longer than this gives up
    during: list[pipeline.IngestReport] = []
    left: list[int] = []

    def second_ingest(_n: int) -> None:
        if not during:  # after the relink's first batch, with its later batches still to come
            with Store(path) as other:
                left.append(len(pending(other)))
                during.append(ingest([str(extra)], other, workers=1))

    with Store(path) as store:
        report = link(store, batch=1, on_batch=second_ingest)
    assert report.full and left == [4]  # the second ingest ran with four articles of the relink left to link
    assert during and during[0].count("ingested") == 3 and during[0].count("failed") == 0
    with Store(path) as store:
        assert not store.conn.execute("SELECT count(*) FROM link_pending").fetchone()[0]
    at_once = tmp_path / "at_once.db"
    with Store(at_once) as store:
        ingest(SAMPLES, store, overrides=MANIFEST, workers=1)
        ingest([str(extra)], store, workers=1)
    assert snapshot(str(path)) == snapshot(str(at_once))


# -- row 6: quote marks -----------------------------------------------------------------------------------
def test_a_file_of_quote_marks_is_cheap_and_does_not_spoil_its_chunk(tmp_path, nlp):
    marks = '"' * 20_000
    doc = make_doc(nlp, marks)
    assert doc.text == marks and len(doc) <= len(marks) // 50  # not one token per mark: spaCy is quadratic there
    spaced = '" ' * 10_000  # marks with spaces between: as many tokens as marks would cost 2.6x prose of its size
    doc = make_doc(nlp, spaced)
    assert doc.text == spaced and len(doc) <= len(spaced) // 50
    mixed = "Some words " + "“" * 450 + " and \n" + "x" * 300 + "  then more words"
    assert make_doc(nlp, mixed).text == mixed
    assert [t.text for t in make_doc(nlp, SENTENCES)] == [t.text for t in nlp.make_doc(SENTENCES)]
    spans = scan_paragraph("“" * 20_000, 0, 20_000)  # 20,000 openers: one quotation left open, found in one pass
    assert [(m.open_at, m.end) for m in spans] == [(0, 20_000)]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(news(1), encoding="utf-8")
    (src / "b.txt").write_text("Marks\n\n" + marks + "\n", encoding="utf-8")
    (src / "c.txt").write_text(news(2), encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        events = _by_name(ingest([str(src)], store, workers=1))
        assert [events[f][0] for f in ("a.txt", "b.txt", "c.txt")] == ["ingested"] * 3
        assert store.conn.execute("SELECT count(*) FROM quotes WHERE speaker = 'Maria Lopez'").fetchone()[0] == 2


def test_paragraphs_run_together_still_split_into_quotations():
    text = ('Corbyn said: “The strike is a dangerous escalation. “The government must urge restraint. '
            '“All countries should step back.” Raab said the threat was “aggressive”.')
    assert [text[m.start:m.end] for m in scan_paragraph(text, 0, len(text))] == [
        "The strike is a dangerous escalation.", "The government must urge restraint.",
        "All countries should step back.", "aggressive"]


# -- row 8: one huge paragraph ------------------------------------------------------------------------------
def test_a_long_paragraph_is_cut_at_sentence_ends_outside_quotations():
    text = "Budget row\n\n" + SENTENCES * 1200 + "\n"  # a 320 KB paragraph
    segs = segment(text)
    spans = windows(text, segs)
    assert len(spans) >= 4 and spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(e - s <= analyse.WINDOW_CHARS for s, e in spans)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    body = next(s for s in segs if s.kind == "body")
    quoted = [(m.open_at, m.end) for m in scan_paragraph(text, body.start, body.end)]
    for _s, cut in spans[:-1]:
        if cut <= body.start:  # between the headline and the paragraph
            continue
        assert text[cut - 1] == " " and text[:cut].rstrip()[-1] in '.”"', text[cut - 40:cut + 10]
        assert not any(a < cut <= b for a, b in quoted)


def test_a_long_paragraph_is_parsed_window_by_window_and_keeps_its_quotes(nlp, monkeypatch):
    unit = "Budget row\n\n" + SENTENCES * 10 + "\n"
    per_unit = len(analyse_text(nlp, unit, segment(unit)).quotes)
    text = "Budget row\n\n" + SENTENCES * 60 + "\n"  # one paragraph of 16,000 characters
    whole = analyse_text(nlp, text, segment(text))
    assert per_unit == 30 and len(whole.quotes) == 6 * per_unit

    class Spy:
        """The model, recording how many characters each nlp.pipe call parses."""

        def __init__(self) -> None:
            self.vocab, self.make_doc, self.calls = nlp.vocab, nlp.make_doc, []

        def pipe(self, docs, batch_size):
            docs = list(docs)
            self.calls.append(sum(len(d if isinstance(d, str) else d.text) for d in docs))
            return nlp.pipe(docs, batch_size=batch_size)

    spy = Spy()
    monkeypatch.setattr(analyse, "WINDOW_CHARS", 3_000)  # windows of 3,000 characters instead of 100,000
    cut = analyse_text(spy, text, segment(text))
    assert len(spy.calls) >= 6 and max(spy.calls) <= 3_000  # never the whole paragraph at once
    assert [(q.start, q.end, q.speaker) for q in cut.quotes] == [(q.start, q.end, q.speaker) for q in whole.quotes]


# -- row 12: many quotations by one speaker -----------------------------------------------------------------
def _calls(nlp, n: int) -> tuple[int, int]:
    """Python function calls made analysing an article of ``n`` quotations by one speaker, and its quotes
    attributed to her (a count, not a time: the same on any machine)."""
    text = "Mayor speaks\n\n" + "\n\n".join(
        f'"We will deliver item {i} of the plan on time," said Maria Lopez, the mayor.' for i in range(n)) + "\n"
    segs = segment(text)
    prof = cProfile.Profile()
    prof.enable()
    quotes = analyse_text(nlp, text, segs).quotes
    prof.disable()
    return pstats.Stats(prof).total_calls, sum(q.speaker == "Maria Lopez" for q in quotes)


def test_an_article_of_many_quotations_by_one_speaker_costs_linear_work(nlp):
    small, small_found = _calls(nlp, 40)
    large, large_found = _calls(nlp, 320)
    assert (small_found, large_found) == (40, 320)
    assert large / small < 10  # 8 times the quotations: linear work is ~7x; the quadratic steps made it ~14x


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 600)), max_size=30),
       st.lists(st.tuples(st.integers(0, 2600), st.integers(0, 600)), max_size=30))
def test_intervals_answer_like_a_scan(spans, queries):
    spans = [(s, s + n) for s, n in spans]
    index = Intervals(spans)
    for s, n in queries:
        e = s + n
        assert index.overlaps(s, e) == any(a < e and s < b for a, b in spans)
        assert index.holds(s) == any(a <= s < b for a, b in spans)


# -- issue 27: speech nested in speech ----------------------------------------------------------------------
def _nested(nlp, unit: str, n: int) -> tuple[int, str, list]:
    """Python function calls made analysing ``unit`` n times over in one paragraph (a count, not a time: the
    same on any machine), the text and its quotations."""
    text = "He said\n\n" + unit * n + "\n"
    prof = cProfile.Profile()
    prof.enable()
    quotes = analyse_text(nlp, text, segment(text), strict=True).quotes
    prof.disable()
    return pstats.Stats(prof).total_calls, text, quotes


@pytest.mark.parametrize("unit", ['"He said ', "He said that "])
def test_speech_nested_in_speech_costs_linear_work(nlp, unit, monkeypatch):
    # every attribution, as PolNeAR annotates them: the record keeps no reported quote of an unresolved "He"
    monkeypatch.setenv("ONRECORD_SPEECH_ONLY", "0")
    small, _, _ = _nested(nlp, unit, 100)
    large, text, quotes = _nested(nlp, unit, 400)
    assert large / small < 6  # 4 times the text: linear work is ~3.5x; a subtree walked per clause made it ~12x
    end = len(text.rstrip())
    found = [(q.kind, q.start, q.end, q.speaker_mention, q.cue) for q in quotes]
    if unit.startswith('"'):  # one quotation, left open to the paragraph's end, nobody named
        assert found == [("direct", 10, end, None, None)]
    else:  # the outermost reported clause, said by "He"
        assert found == [("indirect", 17, end, "He", "said")]


def _clause_walked(c) -> tuple[int, int]:
    """clause_extent as it was before its tables: walk the subtree, drop the trailing tokens."""
    cut = None
    for ch in c.children:
        own_subj = any(x.dep_ in ("nsubj", "nsubjpass", "expl") for x in ch.children)
        comma = ch.left_edge.i > 0 and c.doc[ch.left_edge.i - 1].text in (",", ";", "--", "—")
        if ch.i > c.i and not own_subj and comma and (ch.dep_ == "conj" and ch.pos_ in ("VERB", "AUX") or (
                ch.dep_ == "advcl" and ch.tag_ == "VBG")):
            cut = ch.left_edge.i if cut is None else min(cut, ch.left_edge.i)
    toks = [t for t in c.subtree if cut is None or t.i < cut]
    while len(toks) > 1 and (toks[-1].is_punct and toks[-1].text not in "”’\"'" or toks[-1].dep_ == "cc"):
        toks.pop()
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def test_parse_tables_answer_as_spacy_walks_do(nlp):
    """The tables of tree.py give spaCy's answers: on a parsed text, and on a hand-built non-projective tree
    (where the subtree is walked, as before)."""
    parsed = nlp(SENTENCES + "The minister said that the plan, which he wrote, works, and urged calm. Then, he left!")
    odd = Doc(nlp.vocab, words=["Rules", "said", "officials", "changed", "."], heads=[3, 1, 1, 1, 1],
              deps=["nsubj", "ROOT", "nsubj", "ccomp", "punct"])  # "Rules" hangs from "changed" across "said"
    assert not tree(odd).proj[1] and [t.i for t in odd[1].subtree] == [1, 2, 0, 3, 4]
    for doc in (parsed, odd):
        for t in doc:
            walked = list(t.subtree)
            assert children(t) == list(t.children)
            assert subtree_ends(t) == (walked[0], walked[-1]) and subtree_max(t) == max(x.i for x in walked)
            assert sent(t) == t.sent and same_sent(t, doc[0]) == (t.sent == doc[0].sent)
            assert clause_extent(t) == _clause_walked(t), t.text


def test_intervals_far_into_a_long_text_answer_like_a_scan():
    spans = [(k * 7_919 % 300_000, k * 7_919 % 300_000 + k % 5_000) for k in range(400)]
    index = Intervals(spans)
    for s in range(0, 310_000, 997):
        for n in (0, 1, 300, 40_000):
            assert index.overlaps(s, s + n) == any(a < s + n and s < b for a, b in spans)
        assert index.holds(s) == any(a <= s < b for a, b in spans)


# -- issue 27: uploads under the time limit, unparseable bodies, SIGTERM -------------------------------------
def _uploads_app(path: Path, token: str):
    Store(path).close()
    return ws.TestClient(create_app(str(path), write_token=token))


@pytest.mark.slow
def test_an_upload_fails_at_the_time_limit_and_holds_up_no_other(tmp_path, monkeypatch):
    """Uploads are analysed in the shared worker pool under the time limit, as the CLI's articles are: one stuck
    in its analysis fails at the limit (not after the analysis ends), and one sent meanwhile goes straight in."""
    limit = 4
    monkeypatch.setenv("ONRECORD_TIME_LIMIT", str(limit))
    monkeypatch.setattr(workers, "_worker_main", _hostile_worker)
    auth = {"Authorization": "Bearer t0ken"}
    out: dict[str, tuple[int, dict, float]] = {}
    with _uploads_app(tmp_path / "s.db", "t0ken") as client:

        def upload(name: str, text: str) -> None:
            t0 = time.monotonic()
            r = client.post("/api/articles", json={"text": text, "name": name}, headers=auth)
            out[name] = (r.status_code, r.json(), time.monotonic() - t0)

        upload("first", news(0))  # the pool starts its workers with the first upload
        slow = threading.Thread(target=upload, args=("slow", news(1, HANG_MARK)))
        slow.start()
        time.sleep(0.5)
        upload("normal", news(2))
        slow.join(120)
        assert client.get("/api/articles").json()["total"] == 2
    assert out["first"][0] == 201, out["first"]
    status, body, took = out["normal"]
    assert status == 201 and took < limit, (status, body, took)  # not queued behind the stuck one
    status, body, took = out["slow"]
    assert status == 400 and f"timed out after {limit} s on this article" in body["error"]["message"], body
    assert limit <= took < limit + 5, took


@pytest.mark.parametrize("body", [
    b"[" * 200_000 + b"]" * 200_000,  # deeper than the parser goes: RecursionError
    b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"text": ' + b"1" * 5_000 + b"}",  # an integer too long to convert
    b'{"text": "a", "title": ' + b"{\"a\": " * 50_000 + b"1" + b"}" * 50_000 + b"}",
    b"\xff\xfe\x00",
    b"",
    b"[1, 2]",
    b'"just a string"',
])
def test_an_upload_body_that_cannot_be_parsed_is_400_whatever_its_shape(tmp_path, body):
    with _uploads_app(tmp_path / "s.db", "t0ken") as client:
        r = client.post("/api/articles", content=body,
                        headers={"Authorization": "Bearer t0ken", "Content-Type": "application/json"})
    assert r.status_code == 400, r.text[:300]
    assert r.json()["error"]["code"] == "E400"


def _stored(path: Path) -> int:
    try:
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.slow
def test_sigterm_stops_an_ingest_quietly_and_a_rerun_completes_it(tmp_path):
    """`kill PID` on a running `onrecord ingest --jobs 2`: no worker prints a broken-pipe traceback or outlives it,
    what was committed stays, the run's row says it was terminated, and running it again completes it."""
    src = tmp_path / "in"
    src.mkdir()
    n = 150
    for i in range(n):
        (src / f"{i:03d}.txt").write_text(news(i), encoding="utf-8")
    path = tmp_path / "s.db"
    exe = Path(sys.executable).parent / "onrecord"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "onrecord.cli"]
    cmd += ["ingest", str(src), "--db", str(path), "--jobs", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 180
    while _stored(path) < pipeline.CHUNK:  # the first chunk is committed: the workers are busy with the next
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the ingest stored nothing in 180 s"
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)  # to the ingest process alone, as `kill PID` does
    _out, err = proc.communicate(timeout=60)  # until every process holding its stderr (the workers) is gone
    assert proc.returncode == 143, err  # 128 + SIGTERM, as a shell reports a process the signal ended
    assert "terminated (SIGTERM)" in err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    for _ in range(100):  # nothing of its process group is left (the workers; multiprocessing's tracker exits too)
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a process of the interrupted ingest is still running")
    kept = _stored(path)
    assert pipeline.CHUNK <= kept < n
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT finished_at IS NOT NULL, interrupted, ingested FROM ingest_runs").fetchall() == [
            (1, "terminated (SIGTERM)", kept)]
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _stored(path) == n
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT interrupted, ingested, duplicates FROM ingest_runs WHERE id = 2").fetchone() == (
            None, n - kept, kept)
        assert not conn.execute("SELECT count(*) FROM link_pending").fetchone()[0]
