"""The ingest's steps one article at a time, for batch jobs that run them elsewhere (the Spark job's executors):
list and read inputs, clean, analyse, and map the results to the store's table rows and Arrow/Spark schemas.

The same functions the single-machine ingest runs, so a batch job's output equals the store's.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import onrecord.analyse as analysis
from onrecord.analyse import ANALYSIS_VERSION
from onrecord.errors import InputError
from onrecord.ingest import DEFAULT_MAX_BYTES, InputFile, discover, read_input
from onrecord.ingest import outlets as outlet_table
from onrecord.ingest.jsonl import record_article
from onrecord.models import Analysis, ParsedArticle, Segment
from onrecord.nlp import load_nlp
from onrecord.pipeline import prepare
from onrecord.store import content_hash
from onrecord.store.rows import COLUMNS, TABLES, Row, arrow_schema, spark_ddl
from onrecord.store.rows import article_rows as _article_rows

__all__ = ["ANALYSIS_VERSION", "COLUMNS", "DEFAULT_MAX_BYTES", "TABLES", "analyse_texts", "arrow_schema",
           "article_rows", "content_hash", "dated", "list_inputs", "load_nlp", "prepare", "read_file", "read_record",
           "spark_ddl"]


def list_inputs(paths: Iterable[str]) -> Iterator[str | InputError]:
    """The input files under ``paths`` (directories walked, globs expanded) in ingest order, or an error each."""
    for item in discover(list(paths)):
        yield item if isinstance(item, InputError) else item.path


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ParsedArticle | InputError]:
    """The articles of one input file (text, HTML, JSONL, WARC; '-' is stdin), or errors naming file and record."""
    return read_input(InputFile(path), max_bytes)


def read_record(record: Mapping[str, Any], where: str, label: str, kind: str = "field") -> ParsedArticle | InputError:
    """An article from one record with "text" and optional title, url, date, outlet, id (a JSONL line, a
    Parquet row), or the error naming it (``label`` "row 3", ``kind`` "column")."""
    return record_article(dict(record), where, label, kind)


def analyse_texts(nlp: Any, items: list[tuple[str, list[Segment]]], selective: bool = False) -> Iterator[Analysis]:
    """One Analysis per (text, segments), in order, from one ``nlp.pipe`` over them all."""
    return analysis.analyse_texts(nlp, items, selective=selective)


def dated(result: Analysis, article_date: str | None) -> Analysis:
    """The analysis with its stances dated on the article's publication date, as the store keeps them."""
    return analysis.dated(result, article_date)


def article_rows(parsed: ParsedArticle, segments: list[Segment], language: str | None, result: Analysis,
                 version: str, analysed_at: str) -> dict[str, list[Row]]:
    """The rows of every store table (articles, segments, quotes, entities, stances) for one analysed article, its
    outlet named by the outlets table as ingest names it (the ``outlets`` setting, else the shipped table)."""
    if parsed.outlet_raw is None:
        outlet_table.apply(parsed, outlet_table.load())
    return _article_rows(parsed, segments, language, result, version, analysed_at)
