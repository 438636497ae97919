"""The ingest pipeline: discover -> read -> clean -> analyse -> store, one transaction per article.

Re-running an ingest is idempotent (articles are deduplicated by content hash), and killing it midway
loses nothing already committed.
"""
from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from onrecord.analyse import ANALYSIS_VERSION, analyse_texts, dated
from onrecord.clean import segment
from onrecord.errors import InputError, MalformedRecord, NotEnglish, NotFound
from onrecord.ingest import DEFAULT_MAX_BYTES, discover, read_input
from onrecord.ingest.dates import parse_date
from onrecord.ingest.language import NAMES, detect_language
from onrecord.link import link
from onrecord.models import (
    Analysis,
    Event,
    IngestReport,
    Overrides,
    ParsedArticle,
    Segment,
)
from onrecord.store import Store, content_hash
from onrecord.store.parquet import LoadReport, load_parquet

log = logging.getLogger(__name__)
BATCH = 64  # articles re-analysed together
CHUNK = 16  # articles handed to the analysis (and stored) together during an ingest
AUTO_BYTES = 1_000_000  # inputs this large (~200 articles) start worker processes in "auto" mode


def load_manifest(path: str) -> dict[str, dict[str, Any]]:
    """Read a JSONL sidecar of {"file", "outlet"?, "date"?, "title"?, "url"?} rows, keyed by file name."""
    out: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MalformedRecord(f"{path}#{lineno}", f"manifest line {lineno} is not valid JSON ({exc.msg})")
            if not isinstance(row, dict) or not isinstance(row.get("file"), str):
                raise MalformedRecord(f"{path}#{lineno}", "each manifest line needs a \"file\" name")
            if row.get("date") is not None:
                iso = parse_date(str(row["date"]))
                if iso is None:
                    raise MalformedRecord(f"{path}#{lineno}", f"unrecognised date {row['date']!r} (use YYYY-MM-DD)")
                row["date"] = iso
            out[row["file"]] = row
            out.setdefault(os.path.basename(row["file"]), row)
    return out


def segment_article(parsed: ParsedArticle) -> list[Segment]:
    """Segments of the article; a plain-text article's title is the headline line the segmenter found
    (the first line that is not page furniture such as "Jump directly to the content")."""
    if parsed.format != "text":
        return segment(parsed.text, parsed.title)
    segs = segment(parsed.text)
    head = next((s for s in segs if s.kind == "title"), None)
    first = segs[0] if segs else None
    guessed = first is not None and parsed.title == parsed.text[first.start:first.end]
    if head is not None and (guessed or not parsed.title):
        parsed.title = parsed.text[head.start:head.end]
    return segs


def prepare(parsed: ParsedArticle, any_language: bool = False) -> tuple[list[Segment], str | None]:
    """The clean step of one article: its language (NotEnglish unless ``any_language``) and its segments."""
    lang = detect_language(parsed.text)
    if lang not in ("en", None) and not any_language:
        looks = f"looks {NAMES[lang]}, not English" if lang in NAMES else "does not look English"
        raise NotEnglish(parsed.source, f"the text {looks}; skipped (use --any-language to ingest it anyway)")
    return segment_article(parsed), lang


# -- analysis workers ------------------------------------------------------------------------------------
_WORKER_NLP: Any = None


def _worker_init() -> None:
    global _WORKER_NLP
    from onrecord.nlp import load_nlp

    _WORKER_NLP = load_nlp()


def _worker_analyse(items: list[tuple[str, list[Segment]]], selective: bool = False) -> list[Analysis]:
    return list(analyse_texts(_WORKER_NLP, items, selective=selective))


class Analyser:
    """Analyses chunks of articles in this process, or in ``workers`` processes that run while the caller
    stores earlier results (``submit`` returns at once; ``result`` gives the chunks back in order)."""

    def __init__(self, workers: int = 1, selective: bool = False) -> None:
        self.workers = max(1, workers)
        self.selective = selective  # parse only the sentences that can carry an attribution (plan.py)
        self._pool: Any = None
        self._nlp: Any = None

    @property
    def depth(self) -> int:
        """Chunks to keep in flight: two per worker, so none waits while the caller writes."""
        return 2 * self.workers if self.workers > 1 else 0

    def _workers(self) -> Any:
        """The worker pool (started on first use), or None when analysing in this process."""
        if self.workers > 1 and self._pool is None:
            self._pool = mp.get_context("spawn").Pool(self.workers, initializer=_worker_init)
        return self._pool

    def submit(self, items: list[tuple[str, list[Segment]]]) -> Any:
        """Start analysing; a handle for ``result`` (with no workers, the results themselves)."""
        pool = self._workers()
        if pool is not None:
            return pool.apply_async(_worker_analyse, (items, self.selective))
        return self.run(items)

    @staticmethod
    def result(handle: Any) -> list[Analysis]:
        return handle if isinstance(handle, list) else handle.get()

    def run(self, items: list[tuple[str, list[Segment]]]) -> list[Analysis]:
        """Analyse now and return the results (in a worker when there is a pool)."""
        pool = self._workers()
        if pool is not None:  # one part per worker
            size = max(1, -(-len(items) // self.workers))
            parts = [(items[i:i + size], self.selective) for i in range(0, len(items), size)]
            return [a for res in pool.starmap(_worker_analyse, parts) for a in res]
        if self._nlp is None:
            from onrecord.nlp import load_nlp

            self._nlp = load_nlp()
        return list(analyse_texts(self._nlp, items, selective=self.selective))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def auto_workers(inputs: list[Any]) -> int:
    """Both cores (at most 2 workers) once the input is large enough to repay starting the processes."""
    size = 0
    for item in inputs:
        if isinstance(item, InputError):
            continue
        try:
            size += AUTO_BYTES if item.path == "-" else os.path.getsize(item.path)  # stdin: assume large
        except OSError:
            continue
    return min(2, os.cpu_count() or 1) if size >= AUTO_BYTES else 1


# -- ingest ------------------------------------------------------------------------------------------------
def ingest(paths: Iterable[str], store: Store, *, overrides: Overrides | None = None, any_language: bool = False,
           max_bytes: int = DEFAULT_MAX_BYTES, analyse: bool = True, workers: int | None = None,
           selective: bool = False, on_file: Callable[[str], None] | None = None,
           on_event: Callable[[Event], None] | None = None) -> IngestReport:
    """Ingest every article found under ``paths`` into ``store`` and report what happened to each.

    Articles stream through in chunks: while the workers analyse one chunk, this process reads the next
    and stores the finished ones, each chunk in one transaction (one savepoint per article, so a bad
    article fails alone). Memory stays bounded however many articles the input holds."""
    overrides = overrides or Overrides()
    paths = list(paths)
    inputs = list(discover(paths))
    run_id = store.start_run({"paths": [str(p) for p in paths], "outlet": overrides.outlet,
                              "date": overrides.date, "any_language": any_language})
    report = IngestReport(run_id=run_id)
    analyser = Analyser(workers if workers is not None else auto_workers(inputs), selective) if analyse else None

    def emit(ev: Event, log: bool = True) -> None:
        report.add(ev)
        if log:
            store.log_event(run_id, ev.source, ev.status, ev.reason, ev.article_id)
        if on_event:
            on_event(ev)

    Chunk = list[tuple[ParsedArticle, list[Segment], str | None]]
    chunk: Chunk = []
    inflight: deque[tuple[Chunk, Any]] = deque()
    unstored: set[str] = set()  # content hashes read but not yet committed

    def write(done: Chunk, handle: Any) -> None:
        try:
            if isinstance(handle, Exception):
                raise handle
            results = Analyser.result(handle) if handle is not None else [None] * len(done)
        except Exception as exc:  # a bug in the analysis fails this chunk only; nothing of it is stored
            log.exception("the analysis failed on a chunk of %d articles", len(done))
            for parsed, _segs, _lang in done:
                unstored.discard(content_hash(parsed.text))
                emit(Event(parsed.source, "failed", f"the analysis failed ({type(exc).__name__}: {exc}); "
                                                    "not stored, re-run the ingest to retry"))
            return
        events = []
        with store.transaction():
            for (parsed, segs, lang), result in zip(done, results):
                try:
                    with store.savepoint():
                        art = store.insert_article(parsed, segs, lang)
                        if result is not None:
                            store.write_analysis(art.id, dated(result, parsed.date), ANALYSIS_VERSION)
                        ev = Event(parsed.source, "ingested", None, art.id)
                except sqlite3.Error as exc:
                    ev = Event(parsed.source, "failed", f"could not store the article ({exc})")
                store.log_event(run_id, ev.source, ev.status, ev.reason, ev.article_id)
                events.append(ev)
        for (parsed, _segs, _lang), ev in zip(done, events):
            unstored.discard(content_hash(parsed.text))
            emit(ev, log=False)

    def flush(final: bool = False) -> None:
        if chunk:
            items = [(p.text, segs) for p, segs, _ in chunk]
            try:
                handle = analyser.submit(items) if analyser is not None else None
            except Exception as exc:  # noqa: BLE001 - in-process analysis raised: write() fails the chunk
                handle = exc
            inflight.append((list(chunk), handle))
            chunk.clear()
        while inflight and (final or len(inflight) > (analyser.depth if analyser is not None else 0)):
            write(*inflight.popleft())

    try:
        for item in inputs:
            if isinstance(item, InputError):
                emit(Event(item.source, "failed", item.reason))
                continue
            report.files_seen += 1
            if on_file:
                on_file(item.path)
            for rec in read_input(item, max_bytes):
                if isinstance(rec, InputError):
                    emit(Event(rec.source, "failed", rec.reason))
                    continue
                overrides.apply(rec, item.path)
                digest = content_hash(rec.text)
                dup = store.find_by_hash(rec.text)
                if dup or digest in unstored:
                    emit(Event(rec.source, "duplicate", "already stored" + (f" as {dup}" if dup else ""), dup))
                    continue
                try:
                    segs, lang = prepare(rec, any_language)
                except NotEnglish as err:
                    emit(Event(rec.source, "skipped", err.reason))
                    continue
                chunk.append((rec, segs, lang))
                unstored.add(digest)
                if len(chunk) >= CHUNK:
                    flush()
        flush(final=True)
    except BaseException:
        if analyser is not None:
            analyser.terminate()  # interrupted: do not wait for chunks that will not be stored
        raise
    finally:
        if analyser is not None:
            analyser.close()
        store.finish_run(run_id, report.files_seen)
    if analyse and report.count("ingested"):
        link(store)
    return report




def reanalyse(store: Store, ids: list[str] | None = None, workers: int | None = None,
              on_done: Callable[[str], None] | None = None) -> int:
    """Re-run the analysis on stored articles (all, or the given ids), replacing earlier results."""
    ids = ids or store.article_ids()
    for aid in ids:
        if store.article(aid) is None:
            raise NotFound(f"no article with id {aid!r} (see `onrecord articles`)")
    analyser = Analyser(workers if workers is not None else (min(2, os.cpu_count() or 1) if len(ids) >= BATCH else 1))
    try:
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            arts = [store.article(a) for a in chunk]
            items = [(a.text, store.segments(a.id)) for a in arts if a]
            for art, result in zip([a for a in arts if a], analyser.run(items)):
                with store.transaction():
                    store.write_analysis(art.id, dated(result, art.date), ANALYSIS_VERSION)
                if on_done:
                    on_done(art.id)
    finally:
        analyser.close()
    link(store)
    return len(ids)


def load(path: str, store: Store) -> LoadReport:
    """Merge a Spark job's Parquet output folder into the store, then link what it added."""
    report = load_parquet(path, store)
    if report.loaded:
        link(store)
    return report
