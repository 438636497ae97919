"""Table rows of one article and its analysis: the single mapping from typed records to store columns.

The SQLite writers (db.py, entities.py, stances.py) and the Parquet output of the Spark job both insert
these rows, so the two stores cannot drift. Rows are plain dicts keyed by column name; autoincrement
``id`` columns and the entity ids that linking fills in later are not part of them.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from onrecord.models import OUTLET, UNKNOWN_OUTLET, ParsedArticle, Quote, Segment
from onrecord.store.ids import article_id as make_article_id
from onrecord.store.ids import content_hash

Row = dict[str, Any]

# Column -> type ("string", "int64" or "float64") of each table, in store column order. Types map onto
# Arrow/Parquet and Spark schemas (see ``arrow_schema``); tests check them against the SQLite schema.
_S, _I, _F = "string", "int64", "float64"
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {"id": _S, "content_hash": _S, "source": _S, "external_id": _S, "title": _S, "outlet": _S,
                 "date": _S, "url": _S, "format": _S, "language": _S, "text": _S, "ingested_at": _S,
                 "analysed_at": _S, "analysis_version": _S, "outlet_raw": _S},
    "segments": {"article_id": _S, "n": _I, "start": _I, "end": _I, "kind": _S, "furniture": _S},
    "quotes": {"article_id": _S, "n": _I, "start": _I, "end": _I, "spans": _S, "text": _S, "kind": _S,
               "speaker": _S, "speaker_type": _S, "on_behalf_of": _S, "speaker_mention": _S, "speaker_start": _I,
               "speaker_end": _I, "cue": _S, "cue_start": _I, "cue_end": _I, "furniture": _S, "confidence": _F,
               "clause_start": _I, "clause_end": _I, "grp": _I, "speaker_entity_id": _S,
               "on_behalf_of_entity_id": _S, "method": _S},
    "article_entities": {"article_id": _S, "n": _I, "name": _S, "type": _S},
    "entity_mentions": {"article_id": _S, "n": _I, "start": _I, "end": _I, "text": _S, "kind": _S},
    "entity_role_assertions": {"article_id": _S, "n": _I, "role": _S, "text": _S, "start": _I, "end": _I,
                               "former": _I},
    "entity_descriptors": {"article_id": _S, "n": _I, "text": _S, "key": _S, "start": _I, "end": _I, "kind": _S,
                           "loaded": _I, "confidence": _F},
    "role_mentions": {"article_id": _S, "n": _I, "role": _S, "text": _S, "start": _I, "end": _I, "former": _I},
    "stances": {"article_id": _S, "n": _I, "start": _I, "end": _I, "text": _S, "label": _S, "cameo": _S,
                "plover": _S, "polarity": _F, "negated": _I, "holder": _S, "holder_type": _S, "holder_start": _I,
                "holder_end": _I, "on_behalf_of": _S, "target": _S, "target_type": _S, "target_start": _I,
                "target_end": _I, "target_keys": _S, "about": _S, "cue": _S, "cue_start": _I, "cue_end": _I,
                "reported_by": _S, "reporter_type": _S, "reporter_for": _S, "source": _S, "quote_n": _I,
                "date": _S, "date_text": _S, "date_start": _I, "date_end": _I, "aspect": _S, "confidence": _F,
                "features": _S},
    "tones": {"article_id": _S, "n": _I, "entity_n": _I, "target": _S, "target_type": _S, "mention": _S,
              "mention_start": _I, "mention_end": _I, "start": _I, "end": _I, "label": _S, "score": _F,
              "holder": _S, "holder_type": _S, "quote_n": _I},
}
ENTITY_TABLES = ("article_entities", "entity_mentions", "entity_role_assertions", "entity_descriptors",
                 "role_mentions")
ANALYSIS_TABLES = ("quotes", *ENTITY_TABLES, "stances", "tones")
TABLES = ("articles", "segments", *ANALYSIS_TABLES)


def _pair(span: Any) -> tuple[int | None, int | None]:
    return (int(span[0]), int(span[1])) if span else (None, None)


# -- articles and segments ---------------------------------------------------------------------------------
def article_row(parsed: ParsedArticle, language: str | None, ingested_at: str, analysed_at: str | None = None,
                analysis_version: str | None = None) -> Row:
    """The articles row of a parsed article (its id and content hash come from the text)."""
    return {"id": make_article_id(parsed.text), "content_hash": content_hash(parsed.text), "source": parsed.source,
            "external_id": parsed.external_id, "title": parsed.title, "outlet": parsed.outlet, "date": parsed.date,
            "url": parsed.url, "format": parsed.format, "language": language, "text": parsed.text,
            "ingested_at": ingested_at, "analysed_at": analysed_at, "analysis_version": analysis_version,
            "outlet_raw": parsed.outlet_raw}


def segment_rows(article_id: str, segments: Iterable[Segment]) -> list[Row]:
    return [{"article_id": article_id, "n": n, "start": s.start, "end": s.end, "kind": s.kind,
             "furniture": s.furniture} for n, s in enumerate(segments)]


# -- analysis ----------------------------------------------------------------------------------------------
def quote_rows(article_id: str, quotes: Iterable[Quote]) -> list[Row]:
    out = []
    for n, q in enumerate(quotes):
        speaker_start, speaker_end = _pair(q.speaker_span)
        cue_start, cue_end = _pair(q.cue_span)
        clause_start, clause_end = _pair(q.clause_span)
        out.append({"article_id": article_id, "n": n, "start": q.start, "end": q.end,
                    "spans": json.dumps([list(s) for s in q.spans]) if q.spans else None, "text": q.text,
                    "kind": q.kind, "speaker": q.speaker, "speaker_type": q.speaker_type,
                    "on_behalf_of": q.on_behalf_of, "speaker_mention": q.speaker_mention,
                    "speaker_start": speaker_start, "speaker_end": speaker_end, "cue": q.cue, "cue_start": cue_start,
                    "cue_end": cue_end, "furniture": q.furniture, "confidence": q.confidence,
                    "clause_start": clause_start, "clause_end": clause_end, "grp": q.group,
                    "speaker_entity_id": q.speaker_entity_id, "on_behalf_of_entity_id": q.on_behalf_of_entity_id,
                    "method": q.method})
    return out


def entity_rows(article_id: str, found: Any) -> dict[str, list[Row]]:
    """The five per-article entity tables of an ``ArticleEntities`` (all empty for None)."""
    out: dict[str, list[Row]] = {t: [] for t in ENTITY_TABLES}
    if not found:
        return out
    for n, e in enumerate(found.entities):
        out["article_entities"].append({"article_id": article_id, "n": n, "name": e.name, "type": e.type})
        out["entity_mentions"] += [{"article_id": article_id, "n": n, "start": m.start, "end": m.end,
                                    "text": m.text, "kind": m.kind} for m in e.mentions]
        out["entity_role_assertions"] += [{"article_id": article_id, "n": n, "role": r.role, "text": r.text,
                                           "start": r.start, "end": r.end, "former": int(r.former)}
                                          for r in e.roles]
        out["entity_descriptors"] += [{"article_id": article_id, "n": n, "text": d.text, "key": d.key,
                                       "start": d.start, "end": d.end, "kind": d.kind, "loaded": int(d.loaded),
                                       "confidence": d.confidence}
                                      for d in e.descriptors]
    out["role_mentions"] = [{"article_id": article_id, "n": n, "role": r.role, "text": r.text, "start": r.start,
                             "end": r.end, "former": int(r.former)} for n, r in enumerate(found.role_mentions)]
    return out


def stance_rows(article_id: str, stances: Iterable[Any], outlet: str | None, date: str | None) -> list[Row]:
    """Stance rows; a writer's own claim is reported by the article's outlet and dates anchor on its date."""

    out = []
    for n, s in enumerate(stances):
        holder_start, holder_end = _pair(s.holder_span)
        target_start, target_end = _pair(s.target_span)
        cue_start, cue_end = _pair(s.cue_span)
        date_start, date_end = _pair(s.date_span)
        out.append({"article_id": article_id, "n": n, "start": s.start, "end": s.end, "text": s.text,
                    "label": s.label, "cameo": s.cameo, "plover": s.plover, "polarity": s.polarity,
                    "negated": int(s.negated), "holder": s.holder, "holder_type": s.holder_type,
                    "holder_start": holder_start, "holder_end": holder_end, "on_behalf_of": s.on_behalf_of,
                    "target": s.target, "target_type": s.target_type, "target_start": target_start,
                    "target_end": target_end, "target_keys": json.dumps(s.target_keys), "about": s.about,
                    "cue": s.cue, "cue_start": cue_start, "cue_end": cue_end,
                    "reported_by": (outlet or UNKNOWN_OUTLET) if s.reported_by == OUTLET else s.reported_by,
                    "reporter_type": s.reporter_type, "reporter_for": s.reporter_for, "source": s.source,
                    "quote_n": s.quote_index, "date": s.date if s.date is not None else date, "date_text": s.date_text,
                    "date_start": date_start, "date_end": date_end, "aspect": getattr(s, "aspect", None),
                    "confidence": getattr(s, "confidence", None),
                    "features": json.dumps(s.features, sort_keys=True) if getattr(s, "features", None) else None})
    return out


def tone_rows(article_id: str, tones: Iterable[Any]) -> list[Row]:
    """Tone rows: ``entity_n`` is the entity's ``n`` in article_entities, ``quote_n`` the quote's in quotes."""
    return [{"article_id": article_id, "n": n, "entity_n": t.entity, "target": t.target, "target_type": t.target_type,
             "mention": t.mention, "mention_start": t.mention_start, "mention_end": t.mention_end, "start": t.start,
             "end": t.end, "label": t.label, "score": t.score, "holder": t.holder, "holder_type": t.holder_type,
             "quote_n": t.quote_index} for n, t in enumerate(tones)]


def analysis_rows(article_id: str, analysis: Any, outlet: str | None, date: str | None) -> dict[str, list[Row]]:
    """Rows of every analysis table (quotes, entity tables, stances, tones) for one article's Analysis."""
    return {"quotes": quote_rows(article_id, analysis.quotes),
            **entity_rows(article_id, getattr(analysis, "entities", None)),
            "stances": stance_rows(article_id, getattr(analysis, "stances", None) or [], outlet, date),
            "tones": tone_rows(article_id, getattr(analysis, "tones", None) or [])}


def article_rows(parsed: ParsedArticle, segments: list[Segment], language: str | None, analysis: Any,
                 version: str, when: str) -> dict[str, list[Row]]:
    """Every table's rows for one analysed article, as the store holds them before linking."""
    art = article_row(parsed, language, when, when, version)
    return {"articles": [art], "segments": segment_rows(art["id"], segments),
            **analysis_rows(art["id"], analysis, parsed.outlet, parsed.date)}


# -- writing rows ------------------------------------------------------------------------------------------
def insert_rows(conn: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT rows into one of the tables above (call inside a transaction)."""
    cols = list(COLUMNS[table])
    names = ", ".join(f'"{c}"' for c in cols)
    conn.executemany(f"INSERT INTO {table}({names}) VALUES ({', '.join('?' * len(cols))})",
                     [tuple(r.get(c) for c in cols) for r in rows])


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of a table (pyarrow is imported here, only by the Parquet side)."""
    import pyarrow as pa

    types = {_S: pa.string(), _I: pa.int64(), _F: pa.float64()}
    return pa.schema([(c, types[t]) for c, t in COLUMNS[table].items()])


def spark_ddl(table: str) -> str:
    """The Spark DDL struct fields of a table, e.g. ``article_id: string, n: bigint``."""
    types = {_S: "string", _I: "bigint", _F: "double"}
    return ", ".join(f"`{c}`: {types[t]}" for c, t in COLUMNS[table].items())
