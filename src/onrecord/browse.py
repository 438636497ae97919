"""Browsing the store: sort orders, counts per value of a field (facets) and the entity index.

The query API (``Onrecord``) builds each list's filter as SQL (tables, a condition and its arguments); this module
orders the list and counts the values of its fields under the same filter, the way Datasette facets a table.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from onrecord.errors import BadParameter
from onrecord.models import EntityRow, Facet, FacetValue

FACET_SIZE = 10
ENTITY_TYPES = ("person", "organisation", "country", "group")

# the speaker a quote is credited to: a spokesperson's principal, else the speaker (as an entity id when linked)
CREDITED = "q.speaker_type = 'spokesperson' AND q.on_behalf_of IS NOT NULL"
SPEAKER_VALUE = f"CASE WHEN {CREDITED} THEN coalesce(q.on_behalf_of_entity_id, q.on_behalf_of) " \
                "ELSE coalesce(q.speaker_entity_id, q.speaker) END"
SPEAKER_NAME = f"CASE WHEN {CREDITED} THEN q.on_behalf_of ELSE q.speaker END"

# per list: sort key -> SQL expression ("-key" sorts descending; rows without a value always come last)
SORTS: dict[str, dict[str, str]] = {
    "articles": {"date": "a.date", "outlet": "a.outlet", "title": "a.title", "quotes": "quotes"},
    "quotes": {"date": "a.date", "outlet": "a.outlet", "speaker": SPEAKER_NAME, "confidence": "q.confidence",
               "kind": "q.kind"},
    "stances": {"date": "s.date", "label": "s.label", "holder": "s.holder", "target": "s.target",
                "outlet": "a.outlet"},
    "statements": {"date": "st.first_date", "speaker": "st.speaker", "reports": "st.reports",
                   "articles": ("(SELECT count(DISTINCT r.article_id) FROM statement_reports r "
                                "WHERE r.statement_id = st.id)")},
}
TIEBREAK = {"articles": "a.source, a.id", "quotes": "a.source, q.start, q.id", "stances": "s.article_id, s.start, s.id",
            "statements": "st.id", "entities": "e.name, e.id"}



def _named(value: str, name: str) -> str:
    """A label SQL: the linked entity's canonical name when ``value`` is an entity id, else ``name``."""
    return f"coalesce((SELECT en.name FROM entities en WHERE en.id = {value}), {name})"


# per list: facet name (the filter its values set) -> (value, label, count) SQL over the list's tables
FACETS: dict[str, dict[str, tuple[str, str, str]]] = {
    "articles": {"outlet": ("a.outlet", "a.outlet", "count(*)"),
                 "year": ("substr(a.date, 1, 4)", "substr(a.date, 1, 4)", "count(*)"),
                 "month": ("substr(a.date, 1, 7)", "substr(a.date, 1, 7)", "count(*)")},
    "quotes": {"outlet": ("a.outlet", "a.outlet", "count(*)"),
               "by": (SPEAKER_VALUE, _named(SPEAKER_VALUE, SPEAKER_NAME), "count(*)"),
               "kind": ("q.kind", "q.kind", "count(*)"),
               "method": ("q.method", "q.method", "count(*)"),
               "year": ("substr(a.date, 1, 4)", "substr(a.date, 1, 4)", "count(*)"),
               "month": ("substr(a.date, 1, 7)", "substr(a.date, 1, 7)", "count(*)")},
    "stances": {"label": ("s.label", "s.label", "count(*)"),
                "holder": ("coalesce(s.holder_entity_id, s.holder)", _named("s.holder_entity_id", "s.holder"),
                           "count(*)"),
                "target": ("coalesce(s.target_entity_id, s.target)", _named("s.target_entity_id", "s.target"),
                           "count(*)"),
                "outlet": ("a.outlet", "a.outlet", "count(*)"),
                "year": ("substr(s.date, 1, 4)", "substr(s.date, 1, 4)", "count(*)"),
                "month": ("substr(s.date, 1, 7)", "substr(s.date, 1, 7)", "count(*)")},
    "statements": {"by": ("coalesce(st.speaker_entity_id, st.speaker)",
                          _named("st.speaker_entity_id", "st.speaker"), "count(DISTINCT st.id)"),
                   "outlet": ("a.outlet", "a.outlet", "count(DISTINCT st.id)"),
                   "year": ("substr(st.first_date, 1, 4)", "substr(st.first_date, 1, 4)", "count(DISTINCT st.id)")},
}


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE ? ESCAPE '\\'`` with the text's own ``%``, ``_`` and ``\\`` matched literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def sort_key(keys: Sequence[str], sort: str | None, default: str) -> tuple[str, bool]:
    """(key, descending) of a sort like ``date`` or ``-date``; BadParameter names the keys this list sorts by."""
    raw = (sort or default).strip()
    name = raw.removeprefix("-")
    if name not in keys:
        raise BadParameter(f"sort must be one of {', '.join(keys)} (with '-' first for descending), got {raw!r}")
    return name, raw.startswith("-")


def order_by(kind: str, sort: str | None, default: str) -> str:
    """The ORDER BY clause of a list for ``sort`` (``key`` or ``-key``), rows without a value last."""
    name, desc = sort_key(list(SORTS[kind]), sort, default)
    expr = SORTS[kind][name]
    return f"({expr}) IS NULL, {expr}{' DESC' if desc else ''}, {TIEBREAK[kind]}"


def facets(conn: sqlite3.Connection, kind: str, tables: str, cond: str, args: Sequence[Any],
           names: Sequence[str], size: int = FACET_SIZE) -> list[Facet]:
    """For each facet name, the values of the current selection with their counts, most frequent first (dates
    in date order); rows without a value are counted under a None value."""
    out = []
    for name in names:
        if name not in FACETS[kind]:
            raise BadParameter(f"facet must be one of {', '.join(FACETS[kind])}, got {name!r}")
        value, label, count = FACETS[kind][name]
        order = "v DESC" if name in ("year", "month") else "n DESC, l"
        rows = conn.execute(f"SELECT {value} AS v, max({label}) AS l, {count} AS n FROM {tables} WHERE {cond} "
                            f"GROUP BY v ORDER BY {order} LIMIT ?", [*args, size + 1]).fetchall()
        more = 0
        if len(rows) > size:
            rows = rows[:size]
            distinct = conn.execute(f"SELECT count(DISTINCT {value}) FROM {tables} WHERE {cond}", list(args)
                                    ).fetchone()[0]
            more = max(0, distinct - size)
        out.append(Facet(name, [FacetValue(None if r["v"] is None else str(r["v"]),
                                           str(r["l"] if r["l"] is not None else r["v"] or ""), int(r["n"]))
                                for r in rows], more))
    return out


# -- the entity index ------------------------------------------------------------------------------------------
def _in_outlet(col: str, outlet: str | None) -> tuple[str, list[Any]]:
    """A join to the article row of ``col`` restricted to one outlet (nothing when no outlet is given)."""
    if not outlet:
        return "", []
    return f" JOIN articles oa ON oa.id = {col} AND oa.outlet = ?", [outlet]


def _counts(eid: str, outlet: str | None) -> dict[str, tuple[str, list[Any]]]:
    """Each count of the index as a correlated SQL expression over the entity id ``eid`` (e.g. ``e.id``)."""
    j_ae, a_ae = _in_outlet("ae.article_id", outlet)
    j_rm, a_rm = _in_outlet("rm.article_id", outlet)
    j_q, a_q = _in_outlet("q.article_id", outlet)
    seen = (f"SELECT ae.article_id AS aid FROM article_entities ae{j_ae} WHERE ae.entity_id = {eid} "
            f"UNION SELECT rm.article_id FROM role_mentions rm{j_rm} WHERE rm.entity_id = {eid} "
            f"UNION SELECT q.article_id FROM quotes q{j_q} WHERE q.speaker_entity_id = {eid} "
            f"OR q.on_behalf_of_entity_id = {eid}")
    seen_args = [*a_ae, *a_rm, *a_q]
    return {
        "articles": (f"(SELECT count(*) FROM ({seen}))", seen_args),
        "outlets": (f"(SELECT count(DISTINCT sa.outlet) FROM ({seen}) x JOIN articles sa ON sa.id = x.aid)",
                    seen_args),
        "quotes_by": ((f"(SELECT count(*) FROM quotes q{j_q} WHERE q.speaker_entity_id = {eid} "
                       f"OR q.on_behalf_of_entity_id = {eid})"), a_q),
        "quotes_about": ((f"(SELECT count(DISTINCT q.id) FROM article_entities ae JOIN entity_mentions m ON "
                          f"m.article_id = ae.article_id AND m.n = ae.n JOIN quotes q ON q.article_id = m.article_id "
                          f'AND m.start >= q.start AND m."end" <= q."end"{j_q} WHERE ae.entity_id = {eid} AND '
                          f"m.kind != 'pronoun' AND coalesce(q.speaker_entity_id, '') != {eid} AND "
                          f"coalesce(q.on_behalf_of_entity_id, '') != {eid})"), a_q),
        "mentions": ((f"((SELECT count(*) FROM entity_mentions m JOIN article_entities ae ON ae.article_id = "
                      f"m.article_id AND ae.n = m.n{j_ae} WHERE ae.entity_id = {eid}) + (SELECT count(*) FROM "
                      f"role_mentions rm{j_rm} WHERE rm.entity_id = {eid}))"), [*a_ae, *a_rm]),
    }


COUNTS = ("quotes_by", "quotes_about", "articles", "outlets", "mentions")
ENTITY_SORTS = ("name", "type", *COUNTS)


def entity_filter(type: str | None, outlet: str | None, q: str | None) -> tuple[str, list[Any]]:
    """The condition on ``entities e`` for a type, an outlet it appears in and words in its name or aliases."""
    where, args = ["1=1"], []
    if type:
        if type not in ENTITY_TYPES:
            raise BadParameter(f"type must be {', '.join(ENTITY_TYPES[:-1])} or {ENTITY_TYPES[-1]}, got {type!r}")
        where.append("e.type = ?")
        args.append(type)
    if outlet:
        where.append("e.id IN (SELECT ae.entity_id FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                     "WHERE a.outlet = ? UNION SELECT rm.entity_id FROM role_mentions rm JOIN articles a ON "
                     "a.id = rm.article_id WHERE a.outlet = ? UNION SELECT q.speaker_entity_id FROM quotes q JOIN "
                     "articles a ON a.id = q.article_id WHERE a.outlet = ? UNION SELECT q.on_behalf_of_entity_id "
                     "FROM quotes q JOIN articles a ON a.id = q.article_id WHERE a.outlet = ?)")
        args += [outlet] * 4
    if q:
        pattern = like_pattern(q.strip())
        where.append("(e.name LIKE ? ESCAPE '\\' OR e.id IN (SELECT entity_id FROM entity_aliases "
                     "WHERE alias LIKE ? ESCAPE '\\'))")
        args += [pattern, pattern]
    return " AND ".join(where), args


def entity_index(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None,
                 sort: str | None, limit: int, offset: int) -> tuple[int, list[EntityRow]]:
    """(total, one page of entities with their counts); with ``outlet``, only entities that appear in it, counted
    in its articles only. Only the sort key is computed for every entity; the other counts for the page."""
    cond, args = entity_filter(type, outlet, q)
    total = conn.execute(f"SELECT count(*) FROM entities e WHERE {cond}", args).fetchone()[0]
    name, desc = sort_key(ENTITY_SORTS, sort, "-mentions")
    counts = _counts("e.id", outlet)
    if name in COUNTS:
        expr, expr_args = counts[name]
        key = f"{expr} {'DESC' if desc else ''}, e.name, e.id"
    else:
        expr_args = []
        key = f"e.{name} {'DESC' if desc else ''}, e.name, e.id"
    ids = [r[0] for r in conn.execute(f"SELECT e.id FROM entities e WHERE {cond} ORDER BY {key} LIMIT ? OFFSET ?",
                                      [*args, *expr_args, limit, offset])]
    if not ids:
        return total, []
    cols = ", ".join(f"{expr} AS {col}" for col, (expr, _) in counts.items())
    col_args = [a for _, (_, a) in counts.items() for a in a]
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in conn.execute(f"SELECT e.id, e.name, e.type, {cols} FROM entities e "
                                             f"WHERE e.id IN ({marks})", [*col_args, *ids])}
    return total, [EntityRow(i, rows[i]["name"], rows[i]["type"], *(int(rows[i][c]) for c in COUNTS)) for i in ids]


def entity_facets(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None,
                  size: int = FACET_SIZE) -> list[Facet]:
    """How many entities of the selection are of each type, and appear in each outlet."""
    cond, args = entity_filter(type, outlet, q)
    types = [FacetValue(r[0], r[0], r[1]) for r in conn.execute(
        f"SELECT e.type, count(*) AS n FROM entities e WHERE {cond} GROUP BY e.type ORDER BY n DESC, e.type", args)]
    seen = ("SELECT entity_id AS eid, article_id FROM article_entities WHERE entity_id IS NOT NULL UNION "
            "SELECT entity_id, article_id FROM role_mentions WHERE entity_id IS NOT NULL UNION "
            "SELECT speaker_entity_id, article_id FROM quotes WHERE speaker_entity_id IS NOT NULL")
    rows = conn.execute(f"SELECT a.outlet AS v, count(DISTINCT x.eid) AS n FROM ({seen}) x JOIN articles a ON "
                        f"a.id = x.article_id JOIN entities e ON e.id = x.eid WHERE {cond} GROUP BY a.outlet "
                        f"ORDER BY n DESC, v LIMIT ?", [*args, size + 1]).fetchall()
    outlets = [FacetValue(r["v"], r["v"] or "", r["n"]) for r in rows[:size]]
    more = 0
    if len(rows) > size:
        more = conn.execute(f"SELECT count(DISTINCT a.outlet) FROM ({seen}) x JOIN articles a ON a.id = x.article_id "
                            f"JOIN entities e ON e.id = x.eid WHERE {cond}", args).fetchone()[0] - size
    return [Facet("type", types), Facet("outlet", outlets, more)]
