"""onrecord: who said what about whom, with the exact characters that prove it.

    import onrecord
    db = onrecord.open("onrecord.db")
    for q in db.quotes(by="Jeremy Corbyn"):
        print(q.date, q.speaker, q.text)

The CLI, the web app and the Spark job use only this module (with ``models``, ``errors``, ``formats``,
``settings`` and ``batch``); settings left as None take their environment variable, then their default.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from onrecord import batch, data, pipeline, portrayal, settings
from onrecord.analyse.tone import tone
from onrecord.errors import BadParameter, NotFound, OnrecordError, StoreError
from onrecord.evaluate import (
    TONE_POLARITY,
    entity_mentions,
    gold_texts,
    load_jsonl,
    score_contradictions,
    score_descriptors,
    score_entities,
    score_quotes,
    score_reported,
    score_stances,
    score_tone,
    tone_rows,
)
from onrecord.ingest import discover
from onrecord.ingest.dates import parse_date
from onrecord.ingest.decode import repair_string, repaired_warning
from onrecord.link import LinkReport
from onrecord.link import link as link_store
from onrecord.link.stances_store import build_claim_groups
from onrecord.models import (
    Article,
    Event,
    IngestReport,
    Overrides,
    ParsedArticle,
    Quote,
    Segment,
    Tone,
)
from onrecord.pipeline import Repair, load_manifest
from onrecord.query import Onrecord, shown_at
from onrecord.store import Store
from onrecord.store.entities import stored_descriptors
from onrecord.store.parquet import LoadReport
from onrecord.store.schema import SCHEMA_VERSION
from onrecord.workers import Analyser

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Event",
    "IngestReport",
    "LinkReport",
    "LoadReport",
    "Onrecord",
    "OnrecordError",
    "Overrides",
    "ParsedArticle",
    "Quote",
    "Repair",
    "Segment",
    "Tone",
    "__version__",
    "analysis_pool",
    "batch",
    "count_inputs",
    "datasette_metadata",
    "evaluate_contradictions",
    "evaluate_descriptors",
    "evaluate_reported",
    "evaluate_entities",
    "evaluate_quotes",
    "evaluate_stances",
    "evaluate_tone",
    "ingest",
    "ingest_articles",
    "link",
    "load",
    "load_manifest",
    "make_overrides",
    "migrate",
    "name_outlets",
    "open",
    "portrayal",
    "reanalyse",
    "repair",
    "schema_version",
    "settings",
    "shown_at",
    "tone",
]
log = logging.getLogger(__name__)
StrPath = str | os.PathLike[str]


def _db(path: StrPath | None) -> str:
    return str(path) if path is not None else str(settings.value("db"))


def open(path: StrPath | None = None, *, readonly: bool = False, create: bool = True,
         migrate: bool = True) -> Onrecord:
    """The query API over a store: read-write (created unless ``create`` is False, and migrated as needed), or
    ``readonly`` (never created; an older schema is migrated first when the file can be written, unless
    ``migrate`` is False: then nothing is ever written and an older schema is a StoreError saying to run
    ``onrecord migrate``). StoreError when there is no store to open, or it was written by a newer onrecord."""
    where = _db(path)
    if readonly or not create:
        version = schema_version(where)
        if version < SCHEMA_VERSION and migrate:
            try:
                Store(where).close()
                log.info("migrated %s from schema %d to %d", where, version, SCHEMA_VERSION)
            except StoreError as exc:  # a file that cannot be written is read as it is
                log.warning("cannot migrate %s (%s); reading it as it is", where, exc)
    store = Store(where, readonly=readonly)
    try:
        version = store.version()
    except sqlite3.DatabaseError as exc:
        store.close()
        raise StoreError(f"{where}: cannot open as an onrecord SQLite store ({exc})") from exc
    if version > SCHEMA_VERSION:
        store.close()
        raise StoreError(f"{where}: written by a newer onrecord (schema {version}; this one reads up to "
                         f"{SCHEMA_VERSION}): upgrade onrecord")
    if version < SCHEMA_VERSION and not migrate:
        store.close()
        raise StoreError(f"{where}: the store has schema {version}, older than this onrecord's {SCHEMA_VERSION}: "
                         f"run `onrecord migrate --db {where}` (it writes to the file), then try again")
    return Onrecord(store)


def schema_version(path: StrPath | None = None) -> int:
    """The schema version of the store at ``path``, read without writing; StoreError when there is none."""
    where = _db(path)
    try:
        with Store(where, readonly=True) as ro:
            return ro.version()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{where}: cannot open as an onrecord SQLite store ({exc})") from exc


def migrate(path: StrPath | None = None) -> tuple[int, int]:
    """Bring an existing store to this version's schema (new tables, columns, indexes); returns the versions
    before and after. StoreError when there is no store, it cannot be written, or a newer onrecord wrote it."""
    where = _db(path)
    before = schema_version(where)
    if before > SCHEMA_VERSION:
        raise StoreError(f"{where}: written by a newer onrecord (schema {before}; this one reads up to "
                         f"{SCHEMA_VERSION}): upgrade onrecord")
    if before < SCHEMA_VERSION:
        with Store(where) as store:
            with store.transaction() as conn:
                if conn.execute("SELECT 1 FROM link_state WHERE name = 'claim_groups'").fetchone():
                    build_claim_groups(conn)  # schema 8 keeps the contradictions list's claim groups
            if store.conn.execute("SELECT 1 FROM articles WHERE outlet_raw IS NULL LIMIT 1").fetchone():
                pipeline.name_outlets(store)  # schema 18 names outlets by the outlets table, keeping the raw name
    return before, SCHEMA_VERSION


def datasette_metadata(db: StrPath | None = None) -> dict[str, Any]:
    """Datasette's metadata for the store at ``db`` (the shipped src/onrecord/data/datasette.json: titles,
    descriptions, label columns, facets, canned queries), its database named as Datasette names the file (its
    stem); StoreError when there is no store there or onrecord cannot read it."""
    where = _db(db)
    schema_version(where)  # a store this onrecord reads, or StoreError
    meta = data.datasette_metadata()
    meta["databases"] = {os.path.splitext(os.path.basename(where))[0]: meta["databases"]["onrecord"]}
    return meta


def name_outlets(db: StrPath | None = None, *, outlets: StrPath | None = None, relink: bool = True
                 ) -> dict[tuple[str, str], int]:
    """Name every stored article's outlet again by the outlets table (``outlets``: your file; default the
    ``outlets`` setting, else the shipped table), after editing it: returns (old name, new name) -> articles
    renamed; the link stage's per-outlet counts are rebuilt when any changed (``relink=False``: at the next link)."""
    with Store(_db(db)) as store:
        return pipeline.name_outlets(store, str(outlets) if outlets else None, relink=relink)


def make_overrides(outlet: str | None = None, date: str | None = None, manifest: StrPath | None = None) -> Overrides:
    """Metadata for every article of a run (``outlet``, ``date``) and per file (a JSONL ``manifest``); a stray
    byte or lone surrogate in ``outlet`` becomes U+FFFD with a warning on each article; BadParameter when the
    date cannot be read, MalformedRecord naming a bad manifest line."""
    iso = None
    if date:
        iso = parse_date(date)
        if iso is None:
            raise BadParameter(f"cannot read the date {date!r} (use YYYY-MM-DD)")
    warnings = []
    if outlet:
        outlet, n = repair_string(outlet)
        if n:
            warnings.append(repaired_warning(n, "the outlet given for the run (--outlet)"))
    return Overrides(outlet=outlet or None, date=iso, manifest=load_manifest(str(manifest)) if manifest else {},
                     warnings=warnings)


def count_inputs(paths: Iterable[str]) -> int:
    """How many input files ``ingest`` will read from these paths (for a progress bar)."""
    return sum(1 for item in discover(list(paths)) if not isinstance(item, OnrecordError))


def ingest(paths: Iterable[str], db: StrPath | None = None, *, outlet: str | None = None, date: str | None = None,
           manifest: StrPath | None = None, any_language: bool | None = None, max_bytes: int | None = None,
           analyse: bool = True, jobs: int | None = None, selective: bool | None = None,
           time_limit: float | None = None, on_file: Callable[[str], None] | None = None,
           on_event: Callable[[Event], None] | None = None, outlets: StrPath | None = None) -> IngestReport:
    """Ingest files, directories, globs (or '-') into the store at ``db`` and report what happened to each;
    ``outlets``: the outlets table naming their outlets (default the ``outlets`` setting, else the shipped one)."""
    overrides = make_overrides(outlet, date, manifest)
    with Store(_db(db)) as store:
        return pipeline.ingest(list(paths), store, overrides=overrides,
                               any_language=settings.value("any_language", any_language),
                               max_bytes=settings.value("max_bytes", max_bytes), analyse=analyse,
                               workers=settings.value("jobs", jobs), selective=settings.value("selective", selective),
                               time_limit=settings.value("time_limit", time_limit), on_file=on_file,
                               on_event=on_event, outlets=str(outlets) if outlets else None)


def ingest_articles(records: Iterable[ParsedArticle | Mapping[str, Any]], db: StrPath | None = None, *,
                    source: str = "api", outlet: str | None = None, date: str | None = None,
                    any_language: bool | None = None, analyse: bool = True, jobs: int | None = None,
                    time_limit: float | None = None, on_event: Callable[[Event], None] | None = None,
                    pool: Analyser | None = None, outlets: StrPath | None = None) -> IngestReport:
    """Ingest articles given in memory, as ParsedArticles or dicts with "text" and optional "title", "outlet",
    "date", "url", "id" and "source" (default ``SOURCE#N``), into the store at ``db``. No file is written.
    ``pool`` (from ``analysis_pool``): analyse them in its worker processes, under its time limit."""
    overrides = make_overrides(outlet, date)
    with Store(_db(db)) as store:
        return pipeline.ingest_articles(records, store, source=source, overrides=overrides,
                                        any_language=settings.value("any_language", any_language),
                                        analyse=analyse, workers=jobs, on_event=on_event,
                                        time_limit=settings.value("time_limit", time_limit), pool=pool,
                                        outlets=str(outlets) if outlets else None)


def analysis_pool(jobs: int | None = None, time_limit: float | None = None) -> Analyser:
    """Analysis worker processes to share among ``ingest_articles`` calls from many threads (a server's uploads):
    each article is analysed in a worker under ``time_limit`` (the setting), so a slow one fails alone at the
    limit and holds up no other call beyond it. Workers start with the first article; ``close()`` stops them."""
    return Analyser(settings.value("jobs", jobs) or min(2, os.cpu_count() or 1),
                    time_limit=settings.value("time_limit", time_limit), shared=True)


def reanalyse(ids: Iterable[str] | None, db: StrPath | None = None, *, jobs: int | None = None,
              on_done: Callable[[str], None] | None = None,
              on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Re-run the analysis on the stored articles with these ids or unique id prefixes (None: every article),
    replacing earlier results and re-linking; returns how many were analysed. ``on_progress(stage, done,
    total)`` reports the "analysing" and then the "linking" stage."""
    with open(db, create=False) as api:
        full = [api.article(i).id for i in ids] if ids is not None else None
        if full == []:
            return 0
        return pipeline.reanalyse(api.store, full, workers=settings.value("jobs", jobs), on_done=on_done,
                                  on_progress=on_progress)


def link(db: StrPath | None = None, *, on_progress: Callable[[str, int, int], None] | None = None) -> LinkReport:
    """Re-run the cross-article stage (entity linking, statements, contradictions) over the whole store;
    ``on_progress("linking", done, total)`` after each batch."""
    with open(db, create=False) as api:
        return link_store(api.store, on_progress=on_progress)


def repair(db: StrPath | None = None, *, jobs: int | None = None,
           on_progress: Callable[[str, int, int], None] | None = None) -> Repair:
    """Finish what an interrupted ingest, load or link left undone: analyse the articles stored without an
    analysis, then link every article not yet linked; says how many of each (``on_progress`` as for
    ``reanalyse``)."""
    with open(db, create=False) as api:
        return pipeline.repair(api.store, workers=settings.value("jobs", jobs), on_progress=on_progress)


def load(path: StrPath, db: StrPath | None = None) -> LoadReport:
    """Merge the Parquet tables of ``onrecord spark analyse`` into the store and link what they added."""
    with Store(_db(db)) as store:
        return pipeline.load(str(path), store)


def evaluate_descriptors(gold: StrPath, db: StrPath | None = None, *, subset: str | None = None,
                         min_confidence: float | None = None) -> dict[str, Any]:
    """Precision of the stored descriptors against a precision gold (tests/fixtures/descriptor_precision), by
    error kind: only the gold rows of set ``subset`` ("A", "B") when given, only descriptors at least
    ``min_confidence`` sure when given; descriptors the gold does not judge are counted apart."""
    rows = [g for g in load_jsonl(gold) if subset is None or g.get("set") == subset]
    with open(db, readonly=True) as api:
        pred = stored_descriptors(api.conn)
    arts = {g["article_id"] for g in rows}
    return score_descriptors(rows, [p for p in pred if p["article_id"] in arts], min_confidence=min_confidence)


def evaluate_reported(gold: StrPath, db: StrPath | None = None, *, subset: str | None = None,
                      min_confidence: float | None = None) -> dict[str, Any]:
    """Precision of the stored reported quotes (kind not "direct") against a judged precision gold
    (tests/fixtures/reported_precision, docs/annotation.md), by error kind and confidence band: only the gold
    rows of set ``subset`` ("A", "B") when given, only quotes at least ``min_confidence`` sure when given."""
    rows = [g for g in load_jsonl(gold) if subset is None or g.get("set") == subset]
    with open(db, readonly=True) as api:
        src = _sources(api)
        pred = [{**q.to_dict(), "source": src.get(q.article_id)} for q in api.all_quotes()]
    return score_reported(rows, pred, min_confidence=min_confidence)


def evaluate_entities(gold: StrPath, db: StrPath | None = None) -> dict[str, Any]:
    """B-cubed P/R/F1 of the stored person entities against a gold of person clusters (tests/fixtures/entity_dev/
    describes the format) and the share of each article's main people linked to the entity their name finds (as
    ``onrecord entity NAME`` does). The gold's articles must be in the store."""
    rows = load_jsonl(gold)
    with open(db, readonly=True) as api:
        found = entity_mentions(api.store, {os.path.basename(str(g["doc"])) for g in rows})
        entity_of: dict[str, str | None] = {}
        for name in sorted({p for g in rows for p in g.get("main", [])}):
            try:
                entity_of[name] = api.find_entity(name).id
            except NotFound:
                entity_of[name] = None
    return score_entities(rows, found, entity_of)


def evaluate_quotes(gold: StrPath, db: StrPath | None = None, *, details: bool = False) -> dict[str, Any]:
    """Span P/R/F1, speaker accuracy and end-to-end F1 of the stored quotes against gold in the
    seed_quotes.jsonl format; with ``details``, the misses, spurious spans and wrong speakers."""
    rows = load_jsonl(gold)
    with open(db, readonly=True) as api:
        pred = [q.to_dict() for q in api.all_quotes()]
        texts = gold_texts(rows, api.store)  # for gold rows without their text
    return score_quotes(rows, pred, details=details, texts=texts)


def _sources(api: Onrecord) -> dict[str, str]:
    return {aid: src for aid, src in api.conn.execute("SELECT id, source FROM articles")}


def evaluate_stances(gold: StrPath, db: StrPath | None = None, *, details: bool = False,
                     min_confidence: float | None = None) -> dict[str, Any]:
    """Precision (by error kind) of the stored stances against a judged precision gold
    (tests/fixtures/stance_precision/, docs/annotation.md), only those at least ``min_confidence`` sure when given
    (an unscored stance counts); with ``details``, the wrong and unjudged ones."""
    rows = load_jsonl(gold)
    with open(db, readonly=True) as api:
        src = _sources(api)
        pred = [{**s.to_dict(), "source": src.get(s.article_id)} for s in api.all_stances()
                if min_confidence is None or s.confidence is None or s.confidence >= min_confidence]
    return score_stances(rows, pred, details=details)


def evaluate_contradictions(gold: StrPath, db: StrPath | None = None, *, details: bool = False) -> dict[str, Any]:
    """Precision (by error kind) of the stored contradictions against judged pairs (docs/annotation.md)."""
    rows = load_jsonl(gold)
    with open(db, readonly=True) as api:
        src = _sources(api)
        pred = [{"claim": {**c.claim.to_dict(), "source": src.get(c.claim.article_id)},
                 "counter": {**c.counter.to_dict(), "source": src.get(c.counter.article_id)}}
                for c in api.contradictions()]
    return score_contradictions(rows, pred, details=details)


def evaluate_tone(gold: StrPath) -> dict[str, Any]:
    """F1 macro, accuracy and n of ``tone`` on a NewsMTSC-format file (one target a line: ``sentence``,
    ``from``, ``to``, ``polarity`` -1/0/1); BadParameter naming the line that lacks one."""
    try:
        rows = tone_rows(gold)
    except ValueError as exc:
        raise BadParameter(str(exc)) from exc
    return score_tone([TONE_POLARITY[r["polarity"]] for r in rows],
                      [tone(r["sentence"], r["from"], r["to"]).label for r in rows])
