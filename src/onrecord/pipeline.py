"""The ingest pipeline: discover -> read -> clean -> analyse -> store, one transaction per article.

Re-running an ingest is idempotent (articles are deduplicated by content hash), and killing it midway
loses nothing already committed.
"""
from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from onrecord.analyse import ANALYSIS_VERSION, dated
from onrecord.clean import segment
from onrecord.errors import (
    InputError,
    MalformedRecord,
    NotEnglish,
    NotFollowed,
    NotFound,
    OnrecordError,
    StoreError,
    StoreFull,
    StoreReadOnly,
    Terminated,
    describe,
)
from onrecord.ingest import DEFAULT_MAX_BYTES, InputFile, discover, display_path, read_input
from onrecord.ingest import outlets as outlet_table
from onrecord.ingest.dates import parse_date
from onrecord.ingest.decode import decode, repair_string, repaired_warning
from onrecord.ingest.jsonl import record_article
from onrecord.ingest.language import NAMES, detect_language
from onrecord.link import link, pending
from onrecord.models import (
    Event,
    IngestReport,
    Overrides,
    ParsedArticle,
    Segment,
)
from onrecord.store import Store, content_hash
from onrecord.store.parquet import LoadReport, load_parquet
from onrecord.workers import Analyser, Failed, auto_workers, stop_on_sigterm

log = logging.getLogger(__name__)
BATCH = 64  # articles re-analysed together
CHUNK = 16  # articles handed to the analysis (and stored) together during an ingest
_MANIFEST_FIELDS = ("file", "outlet", "date", "title", "url")


def load_manifest(path: str) -> dict[str, dict[str, Any]]:
    """Read a JSONL sidecar of {"file", "outlet"?, "date"?, "title"?, "url"?} rows, keyed by file name.

    The manifest is decoded as an article is (UTF-8 with a few bad bytes replaced, else a legacy code page);
    bad bytes and lone surrogates in a row become U+FFFD, and the row's "warnings" say so for its articles.
    """
    where = display_path(path)
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        return {}
    decoded = decode(data, where)
    out: dict[str, dict[str, Any]] = {}
    start = 0
    for lineno, line in enumerate(decoded.text.split("\n"), start=1):
        line_start, start = start, start + len(line) + 1
        if line.strip():
            row = _manifest_row(line, f"{where}#{lineno}", lineno, decoded.count(line_start, line_start + len(line)))
            out[row["file"]] = row
            out.setdefault(os.path.basename(row["file"]), row)
    return out


def _manifest_row(line: str, where: str, lineno: int, replaced: int) -> dict[str, Any]:
    """One manifest line as a row of strings (surrogates repaired), the date as YYYY-MM-DD; MalformedRecord
    naming the line when it cannot be used."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecord(where, f"manifest line {lineno} is not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise MalformedRecord(where, f"manifest line {lineno} nests its JSON too deeply to read") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("file"), str):
        raise MalformedRecord(where, "each manifest line needs a \"file\" name")
    row: dict[str, Any] = {}
    for key in _MANIFEST_FIELDS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise MalformedRecord(where, f"manifest line {lineno}: \"{key}\" must be a string, not a JSON "
                                         f"{type(value).__name__}")
        row[key], n = repair_string(str(value))
        replaced += n
    if row.get("date") is not None:
        iso = parse_date(row["date"])
        if iso is None:
            raise MalformedRecord(where, f"unrecognised date {row['date'][:40]!r} (use YYYY-MM-DD)")
        row["date"] = iso
    row["warnings"] = [repaired_warning(replaced, f"manifest line {lineno}")] if replaced else []
    return row


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


# -- ingest ------------------------------------------------------------------------------------------------
def ingest(paths: Iterable[str], store: Store, *, overrides: Overrides | None = None, any_language: bool = False,
           max_bytes: int = DEFAULT_MAX_BYTES, analyse: bool = True, workers: int | None = None,
           selective: bool = False, on_file: Callable[[str], None] | None = None,
           on_event: Callable[[Event], None] | None = None, time_limit: float | None = None,
           outlets: str | None = None) -> IngestReport:
    """Ingest every article found under ``paths`` into ``store`` and report what happened to each; ``outlets``:
    the outlets table to name outlets by (a file; default the ``outlets`` setting, else the shipped table).

    Articles stream through in chunks: while the workers analyse one chunk, this process reads the next
    and stores the finished ones, each chunk in one transaction (one savepoint per article, so a bad
    article fails alone). Memory stays bounded however many articles the input holds."""
    paths = list(paths)
    return _ingest(list(discover(paths)), lambda item: read_input(item, max_bytes), store,
                   {"paths": [str(p) for p in paths]}, overrides=overrides, any_language=any_language,
                   analyse=analyse, workers=workers, selective=selective, on_file=on_file, on_event=on_event,
                   time_limit=time_limit, outlets=outlets)


def ingest_articles(records: Iterable[ParsedArticle | Mapping[str, Any]], store: Store, *, source: str = "api",
                    overrides: Overrides | None = None, any_language: bool = False, analyse: bool = True,
                    workers: int | None = None, selective: bool = False,
                    on_event: Callable[[Event], None] | None = None, time_limit: float | None = None,
                    pool: Analyser | None = None, outlets: str | None = None) -> IngestReport:
    """Ingest articles handed over in memory, as ``ingest`` does files (no file is written): ParsedArticles, or
    dicts with "text" and optional "title", "outlet", "date", "url", "id", "source" (default ``SOURCE#N``).
    ``pool``: a shared Analyser to analyse them in (its own time limit), kept open after the run."""
    def read(_item: InputFile) -> Iterator[ParsedArticle | InputError]:
        for n, rec in enumerate(records, start=1):
            if isinstance(rec, ParsedArticle):
                yield rec
            elif not isinstance(rec, Mapping):
                yield MalformedRecord(f"{source}#{n}", f"record {n} is a {type(rec).__name__}, not an article")
            else:
                where = repair_string(str(rec.get("source") or f"{source}#{n}"))[0]
                yield record_article(dict(rec), where, f"record {n}")

    return _ingest([InputFile(source)], read, store, {"articles": source}, overrides=overrides,
                   any_language=any_language, analyse=analyse, workers=1 if workers is None else workers,
                   selective=selective, on_file=None, on_event=on_event, time_limit=time_limit, pool=pool,
                   outlets=outlets)


Chunk = list[tuple[ParsedArticle, list[Segment], str | None]]


class _Run:
    """One ingest run: admits articles into chunks, hands each chunk to the analyser and stores finished chunks,
    each in one transaction with a savepoint per article, so one bad article fails alone."""

    def __init__(self, store: Store, report: IngestReport, analyser: Analyser | None, any_language: bool,
                 on_event: Callable[[Event], None] | None) -> None:
        self.store, self.report, self.analyser = store, report, analyser
        self.any_language, self.on_event = any_language, on_event
        self.chunk: Chunk = []
        self.inflight: deque[tuple[Chunk, Any]] = deque()
        self.unstored: set[str] = set()  # content hashes read but not yet committed

    def emit(self, ev: Event, log_it: bool = True) -> None:
        """Count an outcome, record it in the store (unless already recorded) and tell the caller; a surrogate
        in its source or reason (from a name given through the API) becomes U+FFFD, as UTF-8 cannot hold it."""
        ev.source = repair_string(ev.source)[0]
        ev.reason = repair_string(ev.reason)[0] if ev.reason else ev.reason
        self.report.add(ev)
        if log_it:
            self.store.log_event(self.report.run_id, ev.source, ev.status, ev.reason, ev.article_id)
        if self.on_event:
            self.on_event(ev)

    def admit(self, rec: ParsedArticle) -> None:
        """Queue an article for analysis unless it is a duplicate, not English, or cannot be cleaned."""
        try:
            digest = content_hash(rec.text)
            dup = self.store.find_by_hash(rec.text)
            if dup or digest in self.unstored:
                self.emit(Event(rec.source, "duplicate", "already stored" + (f" as {dup}" if dup else ""), dup))
                return
            segs, lang = prepare(rec, self.any_language)
        except NotEnglish as err:
            self.emit(Event(rec.source, "skipped", err.reason))
            return
        except Exception as exc:  # an article that cannot be hashed or cleaned fails alone
            self.emit(Event(rec.source, "failed", f"could not read the article ({describe(exc)})"))
            return
        self.chunk.append((rec, segs, lang))
        self.unstored.add(digest)
        if len(self.chunk) >= CHUNK:
            self.flush()

    def flush(self, final: bool = False) -> None:
        """Submit the open chunk; store finished chunks, keeping ``analyser.depth`` in flight (none at the end)."""
        if self.chunk:
            items = [(p.text, segs) for p, segs, _ in self.chunk]
            try:
                handle = self.analyser.submit(items) if self.analyser is not None else None
            except Exception as exc:  # in-process analysis raised: write() fails the chunk
                handle = exc
            self.inflight.append((list(self.chunk), handle))
            self.chunk.clear()
        depth = self.analyser.depth if self.analyser is not None else 0
        while self.inflight and (final or len(self.inflight) > depth):
            self.write(*self.inflight.popleft())

    def write(self, done: Chunk, handle: Any) -> None:
        """Store a finished chunk in one transaction; a failed analysis fails the whole chunk, unstored."""
        try:
            if isinstance(handle, Exception):
                raise handle
            results = Analyser.result(handle) if handle is not None else [None] * len(done)
        except Exception as exc:  # a bug in the analysis fails this chunk only; nothing of it is stored
            log.exception("the analysis failed on a chunk of %d articles", len(done))
            for parsed, _segs, _lang in done:
                self.unstored.discard(content_hash(parsed.text))
                self.emit(Event(parsed.source, "failed", f"the analysis failed ({describe(exc)}); "
                                                         "not stored, re-run the ingest to retry"))
            return
        events = []
        with self.store.transaction():
            for (parsed, segs, lang), result in zip(done, results):
                ev = self.store_one(parsed, segs, lang, result)
                self.store.log_event(self.report.run_id, ev.source, ev.status, ev.reason, ev.article_id)
                events.append(ev)
        for (parsed, _segs, _lang), ev in zip(done, events):
            self.unstored.discard(content_hash(parsed.text))
            self.emit(ev, log_it=False)

    def store_one(self, parsed: ParsedArticle, segs: list[Segment], lang: str | None, result: Any) -> Event:
        """Store one article and its analysis inside a savepoint; whatever goes wrong fails it alone."""
        try:
            with self.store.savepoint():
                dup = self.store.find_by_hash(parsed.text)  # stored meanwhile by another process
                if isinstance(result, Failed):  # a worker died or timed out on it, or a rule raised
                    return Event(parsed.source, "failed", result.reason)
                if dup is not None:
                    return Event(parsed.source, "duplicate", f"already stored as {dup} (by another ingest "
                                                             "running at the same time)", dup)
                art = self.store.insert_article(parsed, segs, lang)
                if result is not None:
                    self.store.write_analysis(art.id, dated(result, parsed.date), ANALYSIS_VERSION)
                return Event(parsed.source, "ingested", "; ".join(parsed.warnings) or None, art.id)
        except (StoreReadOnly, StoreFull):  # no article can be stored: the run stops, naming the cause
            raise
        except Exception as exc:  # whatever goes wrong with one article fails it alone
            return Event(parsed.source, "failed", f"could not store the article ({describe(exc)})")


def _ingest(inputs: list[InputFile | InputError], read: Callable[[InputFile], Iterable[ParsedArticle | InputError]],
            store: Store, run_args: dict[str, Any], *, overrides: Overrides | None, any_language: bool,
            analyse: bool, workers: int | None, selective: bool, on_file: Callable[[str], None] | None,
            on_event: Callable[[Event], None] | None, time_limit: float | None = None,
            pool: Analyser | None = None, outlets: str | None = None) -> IngestReport:
    """The ingest loop over ``inputs``, each read into articles by ``read``; ``time_limit``: seconds the
    analysis may go without progress on one article before that article fails (default 120); ``pool``: a
    shared Analyser to use instead of starting one. SIGTERM stops the run as Ctrl-C does: the workers are
    stopped, what was committed stays, and the run is marked interrupted (re-running completes it)."""
    overrides = overrides or Overrides()
    names = outlet_table.load(outlets)
    with stop_on_sigterm():
        run_id = store.start_run({**run_args, "outlet": overrides.outlet, "date": overrides.date,
                                  "any_language": any_language})
        report = IngestReport(run_id=run_id)
        analyser = (pool or Analyser(workers if workers is not None else auto_workers(inputs), selective,
                                     time_limit)) if analyse else None
        own = analyser is not None and analyser is not pool
        run = _Run(store, report, analyser, any_language, on_event)
        stopped: str | None = None
        try:
            for item in inputs:
                if isinstance(item, InputError):
                    run.emit(Event(item.source, "skipped" if isinstance(item, NotFollowed) else "failed",
                                   item.reason))
                    continue
                report.files_seen += 1
                if on_file:
                    on_file(item.path)
                for rec in read(item):
                    if isinstance(rec, InputError):
                        run.emit(Event(rec.source, "failed", rec.reason))
                    else:
                        overrides.apply(rec, item.path)
                        outlet_table.apply(rec, names)
                        run.admit(rec)
            run.flush(final=True)
            if own and analyser is not None:
                analyser.close()
            if analyse:  # what this run stored, and whatever an interrupted ingest or link left unlinked
                link(store, [e.article_id for e in report.events if e.status == "ingested" and e.article_id])
        except BaseException as exc:
            stopped = stopped_by(exc)
            if own and analyser is not None:
                analyser.terminate()  # interrupted: do not wait for chunks that will not be stored
            raise
        finally:
            finish_run(store, run_id, report.files_seen, stopped)
    return report


def stopped_by(exc: BaseException) -> str:
    """Why a run stopped before its end, in words for its row in ingest_runs."""
    if isinstance(exc, Terminated):
        return "terminated (SIGTERM)"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C)"
    if isinstance(exc, OnrecordError):
        return str(exc)
    return describe(exc)


def finish_run(store: Store, run_id: int, files_seen: int, stopped: str | None) -> None:
    """Mark the run finished, or interrupted with why; when it was stopped by an error (a full disk) and the mark
    cannot be written either, say so in the log and let the first error be the one reported."""
    try:
        store.finish_run(run_id, files_seen, stopped)
    except StoreError as exc:
        if stopped is None:
            raise
        log.warning("run %d: could not mark it interrupted (%s)", run_id, exc)


# -- outlets -------------------------------------------------------------------------------------------------
def name_outlets(store: Store, outlets: str | None = None, *, relink: bool = True) -> dict[tuple[str, str], int]:
    """Name every stored article's outlet by the outlets table (``outlets``: a file; default the ``outlets``
    setting, else the shipped table), from the outlet it came with (``outlet_raw``; an article stored before
    schema 18 keeps its outlet as that), as ingest does. The outlet's own sentences (stances reported by it) follow;
    when anything changed, the link stage's per-outlet counts are rebuilt (``relink``: now, else at the next link).
    Returns (old name, new name) -> articles renamed."""
    names = outlet_table.load(outlets)
    changed: dict[tuple[str, str], int] = {}
    with store.transaction() as conn:
        rows = conn.execute("SELECT id, outlet, outlet_raw, url FROM articles").fetchall()
        for aid, outlet, raw, url in rows:
            given = raw if raw is not None else outlet or ""  # "": the input gave none
            new = outlet_table.normalise(names, given, url)
            if new == outlet and raw is not None:
                continue
            conn.execute("UPDATE articles SET outlet = ?, outlet_raw = ? WHERE id = ?", (new, given, aid))
            if new != outlet:
                conn.execute("UPDATE stances SET reported_by = ? WHERE article_id = ? AND reported_by = ? AND "
                             "reporter_type = 'outlet'", (new, aid, outlet))
                key = (outlet or "", new or "")
                changed[key] = changed.get(key, 0) + 1
        if changed:
            conn.execute("INSERT OR IGNORE INTO link_state(name, value) VALUES ('full', 'outlets renamed')")
    if changed and relink:
        link(store)
    return changed


@stop_on_sigterm()  # SIGTERM stops the workers and leaves each article's last committed analysis
def reanalyse(store: Store, ids: list[str] | None = None, workers: int | None = None,
              on_done: Callable[[str], None] | None = None,
              on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Re-run the analysis on stored articles (all, or the given ids), replacing earlier results;
    ``on_progress(stage, done, total)`` as each article is analysed, then as each batch is linked."""
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
                if isinstance(result, Failed):  # its earlier analysis stays
                    log.error("%s: %s", art.id, result.reason)
                    continue
                with store.transaction():
                    store.write_analysis(art.id, dated(result, art.date), ANALYSIS_VERSION)
                if on_done:
                    on_done(art.id)
            if on_progress:
                on_progress("analysing", min(i + BATCH, len(ids)), len(ids))
    except BaseException:
        analyser.terminate()  # interrupted: do not wait for the workers
        raise
    finally:
        analyser.close()
    # incremental for articles analysed the first time; re-analysed ones relink the store
    link(store, ids, on_progress=on_progress)
    return len(ids)


def load(path: str, store: Store) -> LoadReport:
    """Merge a Spark job's Parquet output folder into the store, then link what it added."""
    report = load_parquet(path, store)
    link(store, ())  # what it loaded, and whatever an interrupted load left unlinked
    return report


@dataclass
class Repair:
    """What ``repair`` finished: articles analysed (stored without an analysis) and articles linked."""

    analysed: int = 0
    linked: int = 0


def repair(store: Store, workers: int | None = None,
           on_progress: Callable[[str, int, int], None] | None = None) -> Repair:
    """Finish every stage an interrupted ingest, load or link left undone: analyse the articles stored without
    an analysis, then link every article analysed but not linked."""
    missing = [r[0] for r in store.conn.execute("SELECT id FROM articles WHERE analysed_at IS NULL ORDER BY date, id")]
    linked = len(pending(store))
    if missing:
        reanalyse(store, missing, workers, on_progress=on_progress)
        return Repair(len(missing), linked + len(missing))
    link(store, (), on_progress=on_progress)
    return Repair(0, linked)
