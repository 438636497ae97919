"""The ingest pipeline: discover -> read -> clean -> analyse -> store, one transaction per article.

Re-running an ingest is idempotent (articles are deduplicated by content hash), and killing it midway
loses nothing already committed.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from onrecord.analyse import ANALYSIS_VERSION, Analysis, analyse_texts
from onrecord.clean import segment
from onrecord.errors import InputError, MalformedRecord, NotEnglish
from onrecord.ingest import DEFAULT_MAX_BYTES, discover, read_input
from onrecord.ingest.dates import parse_date
from onrecord.ingest.language import NAMES, detect_language
from onrecord.models import ParsedArticle, Segment
from onrecord.store import Store, content_hash

BATCH = 64  # articles analysed together; a full batch in "auto" mode starts the worker processes


@dataclass
class Event:
    """One outcome of an ingest run, for progress display and the run record."""

    source: str
    status: str  # ingested | duplicate | failed | skipped
    reason: str | None = None
    article_id: str | None = None


@dataclass
class IngestReport:
    run_id: int
    files_seen: int = 0
    events: list[Event] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(e.status == status for e in self.events)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


@dataclass
class Overrides:
    """Metadata given by the user: flags apply to every article, the manifest per file name."""

    outlet: str | None = None
    date: str | None = None
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply(self, parsed: ParsedArticle, path: str) -> None:
        entry = self.manifest.get(path) or self.manifest.get(os.path.basename(path)) or {}
        for key in ("outlet", "date", "title", "url"):
            if entry.get(key):
                setattr(parsed, key, entry[key])
        if self.outlet:
            parsed.outlet = self.outlet
        if self.date:
            parsed.date = self.date


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


def _worker_analyse(items: list[tuple[str, list[Segment]]]) -> list[Analysis]:
    return list(analyse_texts(_WORKER_NLP, items))


class Analyser:
    """Runs the analysis in this process, or in worker processes once the work is large enough."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers  # None = auto: start min(2, cpus) workers on the first full batch
        self._pool: Any = None
        self._nlp: Any = None

    def __call__(self, items: list[tuple[str, list[Segment]]]) -> list[Analysis]:
        n = self.workers if self.workers is not None else (min(2, os.cpu_count() or 1) if len(items) >= BATCH else 1)
        if n > 1 and self._pool is None:
            self._pool = mp.get_context("spawn").Pool(n, initializer=_worker_init)
        if self._pool is not None:
            chunk = max(1, len(items) // (n * 4) or 1)
            parts = [items[i:i + chunk] for i in range(0, len(items), chunk)]
            return [a for res in self._pool.map(_worker_analyse, parts) for a in res]
        if self._nlp is None:
            from onrecord.nlp import load_nlp

            self._nlp = load_nlp()
        return list(analyse_texts(self._nlp, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


# -- ingest ------------------------------------------------------------------------------------------------
def ingest(paths: Iterable[str], store: Store, *, overrides: Overrides | None = None, any_language: bool = False,
           max_bytes: int = DEFAULT_MAX_BYTES, analyse: bool = True, workers: int | None = None,
           on_file: Callable[[str], None] | None = None, on_event: Callable[[Event], None] | None = None,
           ) -> IngestReport:
    """Ingest every article found under ``paths`` into ``store`` and report what happened to each."""
    overrides = overrides or Overrides()
    paths = list(paths)
    inputs = list(discover(paths))
    run_id = store.start_run({"paths": [str(p) for p in paths], "outlet": overrides.outlet,
                              "date": overrides.date, "any_language": any_language})
    report = IngestReport(run_id=run_id)
    analyser = Analyser(workers) if analyse else None

    def emit(ev: Event) -> None:
        report.events.append(ev)
        store.log_event(run_id, ev.source, ev.status, ev.reason, ev.article_id)
        if on_event:
            on_event(ev)

    pending: list[tuple[ParsedArticle, list[Segment], str | None]] = []
    pending_hashes: set[str] = set()

    def flush() -> None:
        if not pending:
            return
        results: list[Analysis | None] = [None] * len(pending)
        if analyser is not None:
            results = list(analyser([(p.text, segs) for p, segs, _ in pending]))
        for (parsed, segs, lang), result in zip(pending, results):
            with store.transaction():
                art = store.insert_article(parsed, segs, lang)
                if result is not None:
                    store.write_analysis(art.id, result, ANALYSIS_VERSION)
            emit(Event(parsed.source, "ingested", None, art.id))
        pending.clear()
        pending_hashes.clear()

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
                dup = store.find_by_hash(rec.text)
                if dup or content_hash(rec.text) in pending_hashes:
                    emit(Event(rec.source, "duplicate", "already stored" + (f" as {dup}" if dup else ""), dup))
                    continue
                try:
                    segs, lang = prepare(rec, any_language)
                except NotEnglish as err:
                    emit(Event(rec.source, "skipped", err.reason))
                    continue
                pending.append((rec, segs, lang))
                pending_hashes.add(content_hash(rec.text))
                if len(pending) >= BATCH:
                    flush()
        flush()
    finally:
        if analyser is not None:
            analyser.close()
        store.finish_run(run_id, report.files_seen)
    if analyse and report.count("ingested"):
        link(store)
    return report


def link(store: Store) -> None:
    """Cross-article steps that run after articles are analysed: entity linking, statements, stances."""
    from onrecord.store.entities import link_store
    from onrecord.store.stances import link_stances

    with store.transaction() as conn:
        link_store(conn)
    link_stances(store)  # keep last: statements and contradictions use the entity ids set above


def reanalyse(store: Store, ids: list[str] | None = None, workers: int | None = None,
              on_done: Callable[[str], None] | None = None) -> int:
    """Re-run the analysis on stored articles (all, or the given ids), replacing earlier results."""
    from onrecord.errors import NotFound

    ids = ids or store.article_ids()
    for aid in ids:
        if store.article(aid) is None:
            raise NotFound(f"no article with id {aid!r} (see `onrecord articles`)")
    analyser = Analyser(workers)
    try:
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            arts = [store.article(a) for a in chunk]
            items = [(a.text, store.segments(a.id)) for a in arts if a]
            for aid, result in zip(chunk, analyser(items)):
                with store.transaction():
                    store.write_analysis(aid, result, ANALYSIS_VERSION)
                if on_done:
                    on_done(aid)
    finally:
        analyser.close()
    link(store)
    return len(ids)
