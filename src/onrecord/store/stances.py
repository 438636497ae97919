"""Stance, statement and contradiction tables: writes from the analysis and link stages, reads for queries."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from onrecord.models import (
    ContradictionRecord,
    ReportRecord,
    Stance,
    StanceRecord,
    StatementRecord,
)
from onrecord.store.rows import insert_rows
from onrecord.store.rows import stance_rows as stance_table_rows


def replace_stances(conn: sqlite3.Connection, article_id: str, stances: list[Stance]) -> None:
    """Replace an article's stances (call inside a transaction); dates and the outlet come from the article."""
    row = conn.execute("SELECT outlet, date FROM articles WHERE id = ?", (article_id,)).fetchone()
    outlet, date = (row[0], row[1]) if row else (None, None)
    conn.execute("DELETE FROM stances WHERE article_id = ?", (article_id,))
    insert_rows(conn, "stances", stance_table_rows(article_id, stances, outlet, date))


def stance_rows(conn: sqlite3.Connection, where: str = "1=1", args: Iterable[Any] = (),
                order: str = "s.date IS NULL, s.date, a.date, s.article_id, s.start", limit: int | None = None,
                offset: int = 0) -> list[sqlite3.Row]:
    """Stance rows joined with their article's outlet and date."""
    sql = ("SELECT s.*, a.outlet, a.date AS article_date, a.source AS article_source FROM stances s "
           f"JOIN articles a ON a.id = s.article_id WHERE {where} ORDER BY {order}")
    params = list(args)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return conn.execute(sql, params).fetchall()


# -- reads for the query API ---------------------------------------------------------------------------------


def _span(a: Any, b: Any) -> list[int] | None:
    return [a, b] if a is not None and b is not None else None


def to_stance(r: sqlite3.Row) -> StanceRecord:
    return StanceRecord(
        id=r["id"], article_id=r["article_id"], outlet=r["outlet"], date=r["date"], article_date=r["article_date"],
        holder=r["holder"], holder_id=r["holder_entity_id"], holder_type=r["holder_type"],
        on_behalf_of=r["on_behalf_of"], on_behalf_of_id=r["on_behalf_of_entity_id"], target=r["target"],
        target_id=r["target_entity_id"], target_type=r["target_type"], label=r["label"], cameo=r["cameo"],
        plover=r["plover"], polarity=r["polarity"], negated=bool(r["negated"]), about=r["about"], cue=r["cue"],
        reported_by=r["reported_by"], reporter_type=r["reporter_type"], reporter_for=r["reporter_for"],
        source=r["source"], start=r["start"], end=r["end"], text=r["text"], date_text=r["date_text"],
        holder_span=_span(r["holder_start"], r["holder_end"]), target_span=_span(r["target_start"], r["target_end"]),
        cue_span=_span(r["cue_start"], r["cue_end"]), aspect=r["aspect"], confidence=r["confidence"],
        features=json.loads(r["features"]) if r["features"] else None)


def name_condition(column: str, name: str, ids: list[str], id_column: str) -> tuple[str, list[Any]]:
    """SQL matching a name column by the full name, a trailing surname ("Corbyn"), or entity ids. An entity id
    given as the name ("person:jeremy-corbyn", as the entity page asks) matches by id alone, so the query stays
    on indexes instead of scanning every row for a trailing word."""
    if name in ids and ":" in name and " " not in name:
        return f"({id_column} IN ({','.join('?' * len(ids))}) OR {column} = ? COLLATE NOCASE)", [*ids, name]
    cond = [f"{column} = ? COLLATE NOCASE", f"{column} LIKE ? ESCAPE '\\'"]
    args: list[Any] = [name, "% " + name.replace("%", "\\%").replace("_", "\\_")]
    if ids:
        cond.append(f"{id_column} IN ({','.join('?' * len(ids))})")
        args += ids
    return "(" + " OR ".join(cond) + ")", args


def statements(conn: sqlite3.Connection, where: str, args: list[Any], limit: int, offset: int,
               order: str = "st.first_date IS NULL, st.first_date, st.id", reports: int | None = None,
               reports_offset: int = 0) -> list[StatementRecord]:
    """Statements matching a condition on the statements table ``st``, with their reports (``reports`` of each
    from ``reports_offset`` when given)."""
    rows = conn.execute(f"SELECT * FROM statements st WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*args, limit, offset]).fetchall()
    out = []
    for r in rows:
        reps = conn.execute('SELECT q.id, q.article_id, a.outlet, a.date, q.text, q.start, q."end", sr.similarity '
                            "FROM statement_reports sr JOIN quotes q ON q.id = sr.quote_id JOIN articles a ON "
                            "a.id = q.article_id WHERE sr.statement_id = ? ORDER BY a.date, q.id LIMIT ? OFFSET ?",
                            (r["id"], -1 if reports is None else reports, reports_offset))
        out.append(StatementRecord(r["id"], r["speaker"], r["speaker_entity_id"], r["text"], r["first_date"],
                                   [ReportRecord(*tuple(x)) for x in reps]))
    return out


def contradictions(conn: sqlite3.Connection, where: str = "1=1", args: Iterable[Any] = (),
                   tables: str = "contradictions c", limit: int | None = None, offset: int = 0
                   ) -> list[ContradictionRecord]:
    """Contradictions (``c``, in ``tables``) with both sides' evidence, by subject, then as they were found; one
    page of them with ``limit``."""
    sql = f"SELECT c.* FROM {tables} WHERE {where} ORDER BY c.subject, c.id"
    params = list(args)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    rows = conn.execute(sql, params).fetchall()
    ids = sorted({i for r in rows for i in (r["claim_id"], r["counter_id"])})
    stances: dict[int, StanceRecord] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stances.update((x["id"], to_stance(x)) for x in stance_rows(conn, f"s.id IN ({','.join('?' * len(chunk))})",
                                                                    chunk))
    out = []
    for r in rows:
        pair = {i: stances[i] for i in (r["claim_id"], r["counter_id"]) if i in stances}
        if r["claim_id"] in pair and r["counter_id"] in pair:
            out.append(ContradictionRecord(r["id"], r["subject"], r["subject_entity_id"], r["about"], r["kind"],
                                           json.loads(r["shared_keys"] or "[]"), pair[r["claim_id"]],
                                           pair[r["counter_id"]], json.loads(r["why"] or "{}"), r["confidence"]))
    return out
