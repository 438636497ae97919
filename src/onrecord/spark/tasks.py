"""What runs on the executors: read inputs into article records, then analyse them into table rows.

Each function maps an iterator of Arrow record batches to another (Spark's ``mapInArrow``) and imports no
Spark, so it runs and is tested as plain Python. Every input that cannot be read or analysed becomes an
event row; nothing here raises for a bad article.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from onrecord import batch
from onrecord.errors import InputError, NotEnglish
from onrecord.models import Overrides, ParsedArticle, Segment

log = logging.getLogger(__name__)
BATCH = 32  # articles handed to analyse_texts (nlp.pipe) together

# One article record after reading; status "ok" (reason: what the reader repaired, if anything) or "failed"
# (reason: why).
RECORD_FIELDS: list[tuple[str, Any]] = [
    ("file_n", pa.int64()), ("record_n", pa.int64()), ("source", pa.string()), ("status", pa.string()),
    ("reason", pa.string()), ("content_hash", pa.string()), ("text", pa.string()), ("title", pa.string()),
    ("outlet", pa.string()), ("date", pa.string()), ("url", pa.string()), ("format", pa.string()),
    ("external_id", pa.string())]
RECORD_SCHEMA = pa.schema(RECORD_FIELDS)
EVENT_FIELDS: list[tuple[str, Any]] = [("source", pa.string()), ("status", pa.string()), ("reason", pa.string()),
                                       ("article_id", pa.string())]
EVENT_TYPE = pa.struct(EVENT_FIELDS)
# One analysed article: a list of rows per table (articles holds one row) and an event when it was not analysed.
RESULT_SCHEMA = pa.schema([(t, pa.list_(pa.struct(list(batch.arrow_schema(t))))) for t in batch.TABLES] +
                          [("event", EVENT_TYPE)])
PARSED_KEYS = ("source", "text", "title", "outlet", "date", "url", "format", "external_id")


def _record(file_n: int, record_n: int, item: ParsedArticle | InputError) -> dict[str, Any]:
    if isinstance(item, InputError):
        return {"file_n": file_n, "record_n": record_n, "source": item.source, "status": "failed",
                "reason": item.reason}
    return {"file_n": file_n, "record_n": record_n, "status": "ok", "content_hash": batch.content_hash(item.text),
            "reason": "; ".join(item.warnings) or None, **{k: getattr(item, k) for k in PARSED_KEYS}}


def read_files(manifest: dict[str, dict[str, Any]], outlet: str | None, date: str | None,
               max_bytes: int) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Batches of (file_n, path) -> batches of article records, each file read by ``read_input``."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in batches:
            for file_n, path in zip(part.column("file_n").to_pylist(), part.column("path").to_pylist()):
                out = []
                for record_n, item in enumerate(batch.read_file(path, max_bytes)):
                    if isinstance(item, ParsedArticle):
                        apply_overrides(item, path, manifest, outlet, date)
                    out.append(_record(file_n, record_n, item))
                yield pa.RecordBatch.from_pylist(out, schema=RECORD_SCHEMA)
    return run


def apply_overrides(parsed: ParsedArticle, path: str, manifest: dict[str, dict[str, Any]], outlet: str | None,
                    date: str | None) -> None:
    """The manifest's metadata for this file, then --outlet/--date, as the single-machine ingest applies them."""

    Overrides(outlet=outlet, date=date, manifest=manifest).apply(parsed, path)


def parquet_rows(outlet: str | None, date: str | None
                 ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Batches of Parquet input rows (text, title?, outlet?, date?, url?, id?, file_n, record_n, file) ->
    article records, checked like JSONL lines (a non-empty text, a recognisable date)."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in batches:
            yield pa.RecordBatch.from_pylist([_record(r["file_n"], r["record_n"], parquet_article(r, outlet, date))
                                              for r in part.to_pylist()], schema=RECORD_SCHEMA)
    return run


def parquet_article(row: dict[str, Any], outlet: str | None = None, date: str | None = None
                    ) -> ParsedArticle | InputError:
    """One Parquet input row as an article, or the error naming the file and row."""
    parsed = batch.read_record(row, f"{row['file']}#{row['record_n'] + 1}", f"row {row['record_n'] + 1}", "column")
    if isinstance(parsed, InputError):
        return parsed
    parsed.format = "parquet"
    parsed.outlet = outlet or parsed.outlet
    parsed.date = date or parsed.date
    return parsed


def analyse_records(any_language: bool, version: str | None = None
                    ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Batches of unique article records -> one result row per article: its rows of every table, or an
    event (skipped: not English; failed: the analysis raised)."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pending: list[dict[str, Any]] = []
        for part in batches:
            for rec in part.to_pylist():
                pending.append(rec)
                if len(pending) >= BATCH:
                    yield analyse_batch(pending, any_language, version)
                    pending = []
        if pending:
            yield analyse_batch(pending, any_language, version)
    return run


def analyse_batch(records: list[dict[str, Any]], any_language: bool, version: str | None = None
                  ) -> pa.RecordBatch:
    """Prepare and analyse up to BATCH articles in one ``analyse_texts`` call (one article at a time when the
    batch raises, so a bad article fails alone)."""
    version = version or batch.ANALYSIS_VERSION
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out: list[dict[str, Any]] = []
    ready: list[tuple[ParsedArticle, list[Segment], str | None]] = []
    for rec in records:
        parsed = ParsedArticle(**{k: rec[k] for k in PARSED_KEYS})
        parsed.warnings = [rec["reason"]] if rec.get("reason") else []  # what the reader repaired
        try:
            segs, lang = batch.prepare(parsed, any_language)
        except NotEnglish as err:
            out.append(_event(parsed.source, "skipped", err.reason))
            continue
        except Exception as exc:  # a bug on one article must not fail the job
            log.exception("prepare failed on %s", parsed.source)
            out.append(_event(parsed.source, "failed", f"cleaning failed ({type(exc).__name__}: {exc})"))
            continue
        ready.append((parsed, segs, lang))
    nlp = batch.load_nlp()  # once per executor process (lru-cached)
    results: list[Any]
    try:
        results = list(batch.analyse_texts(nlp, [(p.text, segs) for p, segs, _ in ready]))
    except Exception:
        results = []
        for p, segs, _ in ready:
            try:
                results.append(next(batch.analyse_texts(nlp, [(p.text, segs)])))
            except Exception as exc:
                log.exception("analysis failed on %s", p.source)
                results.append(exc)
    for (parsed, segs, lang), result in zip(ready, results):
        if isinstance(result, Exception):
            out.append(_event(parsed.source, "failed", f"analysis failed ({type(result).__name__}: {result})"))
        else:
            rows = batch.article_rows(parsed, segs, lang, batch.dated(result, parsed.date), version, when)
            out.append({**rows, "event": _warning(parsed, rows["articles"][0]["id"])})
    return pa.RecordBatch.from_pylist(out, schema=RESULT_SCHEMA)


def _event(source: str, status: str, reason: str | None) -> dict[str, Any]:
    return {"event": {"source": source, "status": status, "reason": reason, "article_id": None}}


def _warning(parsed: ParsedArticle, article_id: str) -> dict[str, Any] | None:
    """The event of an analysed article the reader repaired (bytes that were not UTF-8, lone surrogates): status
    "warning", which ``onrecord load`` stores as the reason of the article's "ingested" event."""
    if not parsed.warnings:
        return None
    return {"source": parsed.source, "status": "warning", "reason": "; ".join(parsed.warnings),
            "article_id": article_id}
