"""Browsing the store: sort orders, counts per value of a field (facets) and the entity index.

The query API (``Onrecord``) builds each list's filter as SQL (tables, a condition and its arguments); this module
orders the list and counts the values of its fields under the same filter, the way Datasette facets a table.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from onrecord.errors import BadParameter
from onrecord.models import EntityRow, Facet, FacetValue
from onrecord.store import db
from onrecord.store.entities import across_types

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
                   "articles": "st.articles"},
}
# quotes sorted by speaker, kind or confidence tie in the order they were stored, so that one index of the quotes
# (``quotes_<key>_sort[_desc]``) gives a page in order; by date or outlet, in the articles' order
KEYED = {"quotes": ("speaker", "kind", "confidence")}
TIEBREAK = {"articles": "a.source, a.id", "quotes": "a.source, a.id, q.start, q.id",
            "stances": "s.article_id, s.start, s.id",
            "statements": "st.id", "entities": "e.name, e.id"}



# per list: facet name (the filter its values set) -> (value, label, count) SQL over the list's tables; a value that
# is a linked entity's id is labelled by the entity's canonical name (NAMED), looked up once per value
FACETS: dict[str, dict[str, tuple[str, str, str]]] = {
    "articles": {"outlet": ("a.outlet", "a.outlet", "count(*)"),
                 "year": ("substr(a.date, 1, 4)", "substr(a.date, 1, 4)", "count(*)"),
                 "month": ("substr(a.date, 1, 7)", "substr(a.date, 1, 7)", "count(*)")},
    "quotes": {"outlet": ("a.outlet", "a.outlet", "count(*)"),
               "by": (SPEAKER_VALUE, SPEAKER_NAME, "count(*)"),
               "kind": ("q.kind", "q.kind", "count(*)"),
               "method": ("q.method", "q.method", "count(*)"),
               "year": ("substr(a.date, 1, 4)", "substr(a.date, 1, 4)", "count(*)"),
               "month": ("substr(a.date, 1, 7)", "substr(a.date, 1, 7)", "count(*)")},
    "stances": {"label": ("s.label", "s.label", "count(*)"),
                "holder": ("coalesce(s.holder_entity_id, s.holder)", "s.holder", "count(*)"),
                "target": ("coalesce(s.target_entity_id, s.target)", "s.target", "count(*)"),
                "outlet": ("a.outlet", "a.outlet", "count(*)"),
                "year": ("substr(s.date, 1, 4)", "substr(s.date, 1, 4)", "count(*)"),
                "month": ("substr(s.date, 1, 7)", "substr(s.date, 1, 7)", "count(*)")},
    "statements": {"by": ("coalesce(st.speaker_entity_id, st.speaker)", "st.speaker", "count(*)"),
                   "outlet": ("nullif(so.outlet, '')", "nullif(so.outlet, '')", "count(*)"),
                   "year": ("substr(st.first_date, 1, 4)", "substr(st.first_date, 1, 4)", "count(*)")},
    "contradictions": {"name": ("coalesce(c.subject_entity_id, c.subject)", "c.subject", "count(*)"),
                       "kind": ("c.kind", "c.kind", "count(*)")},
}


NAMED = {("quotes", "by"), ("stances", "holder"), ("stances", "target"), ("statements", "by")}


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
    tie = "q.id" if name in KEYED.get(kind, ()) else TIEBREAK[kind]
    return f"({expr}) IS NULL, {expr}{' DESC' if desc else ''}, {tie}"


# lists whose rows belong to an article -> the rows' article column: a facet on the article's own fields (outlet,
# year) counts the selected rows per article first, then sums the counts by the articles' values (each list walks
# its article-ordered covering index: quotes_article_facets, stances_article_facet)
ROWS_OF_ARTICLE = {"quotes": "q.article_id", "stances": "s.article_id"}
TimeLimit = float | Mapping[str, float] | None  # seconds for each facet; a mapping: per facet name, "" for the rest


def time_for(time_limit: TimeLimit, name: str) -> float | None:
    """The seconds facet ``name`` may take to count under ``time_limit`` (None: no limit)."""
    if isinstance(time_limit, Mapping):
        return time_limit.get(name, time_limit.get(""))
    return time_limit


def facets(conn: sqlite3.Connection, kind: str, tables: str, cond: str, args: Sequence[Any],
           names: Sequence[str], size: int = FACET_SIZE, time_limit: TimeLimit = None) -> list[Facet]:
    """For each facet name, the values of the current selection with their counts, most frequent first (dates
    in date order); rows without a value are counted under a None value. With ``time_limit`` (seconds for each
    facet, see ``time_for``), a facet whose counting runs out of its time comes back with ``counted=False`` and no
    values. The facets on an article's own fields (outlet, year, month) share one count of the rows per article,
    in the sum of their times."""
    for name in names:
        if name not in FACETS[kind]:
            raise BadParameter(f"facet must be one of {', '.join(FACETS[kind])}, got {name!r}")
    out: dict[str, Facet] = {}
    shared = [n for n in names if _per_article(kind, n, cond)]
    if len(shared) > 1:
        limits = [time_for(time_limit, n) for n in shared]
        try:
            with db.time_limit(conn, None if None in limits else sum(x or 0.0 for x in limits)):
                out.update(_article_facets(conn, kind, shared, tables, cond, args, size))
        except db.TimeUp:
            out.update({n: Facet(n, [], 0, counted=False) for n in shared})
    for name in names:
        if name in out:
            continue
        try:
            with db.time_limit(conn, time_for(time_limit, name)):
                out[name] = _facet(conn, kind, name, tables, cond, args, size)
        except db.TimeUp:
            out[name] = Facet(name, [], 0, counted=False)
    return [out[n] for n in names]


def _per_article(kind: str, name: str, cond: str) -> bool:
    """Whether facet ``name`` counts the selected rows per article first (a field of the article itself, under a
    condition that reads the rows alone)."""
    return kind in ROWS_OF_ARTICLE and "a." not in cond and FACETS[kind][name][0].startswith(("a.", "substr(a."))


def _article_facets(conn: sqlite3.Connection, kind: str, names: Sequence[str], tables: str, cond: str,
                    args: Sequence[Any], size: int) -> dict[str, Facet]:
    """Facets on the articles' own fields from one count of the selected rows per article, summed by the
    combinations of those fields (a few hundred: outlets by month), then by each field."""
    rows_of, table = ROWS_OF_ARTICLE[kind], tables.split(" JOIN ")[0]
    keys = ", ".join(f"{FACETS[kind][n][0]} AS k{i}" for i, n in enumerate(names))
    rows = conn.execute(f"SELECT {keys}, sum(c.n) AS n FROM (SELECT {rows_of} AS aid, count(*) AS n FROM {table} "
                        f"WHERE {cond} GROUP BY {rows_of}) c JOIN articles a ON a.id = c.aid "
                        f"GROUP BY {', '.join(f'k{i}' for i in range(len(names)))}", list(args)).fetchall()
    out = {}
    for i, name in enumerate(names):
        counts: dict[Any, int] = {}
        for r in rows:
            counts[r[i]] = counts.get(r[i], 0) + int(r["n"])
        if name in ("year", "month"):  # newest first, no date last (as ORDER BY v DESC)
            order = sorted((v for v in counts if v is not None), reverse=True) + ([None] if None in counts else [])
        else:  # most first, ties by value, no value first among its ties (as ORDER BY n DESC, v)
            order = sorted(counts, key=lambda v: (-counts[v], v is not None, v or ""))
        out[name] = Facet(name, [FacetValue(None if v is None else str(v), "" if v is None else str(v), counts[v])
                                 for v in order[:size]], max(0, len(order) - size))
    return out


def _facet(conn: sqlite3.Connection, kind: str, name: str, tables: str, cond: str, args: Sequence[Any],
           size: int) -> Facet:
    """One facet's top ``size`` values and how many more there are, in one pass over the selection."""
    value, label, count = FACETS[kind][name]
    order = "v DESC" if name in ("year", "month") else "n DESC, v"
    source = f"{tables} WHERE {cond}"
    rows_of, table = ROWS_OF_ARTICLE.get(kind), tables.split(" JOIN ")[0]
    if "a." not in cond and rows_of:
        if value.startswith(("a.", "substr(a.")):
            source = (f"(SELECT {rows_of} AS aid, count(*) AS n FROM {table} WHERE {cond} GROUP BY {rows_of}) c "
                      "JOIN articles a ON a.id = c.aid")
            count = "sum(c.n)"
        elif "a." not in value:
            source = f"{table} WHERE {cond}"  # nothing reads the article: no join
    named = "coalesce((SELECT en.name FROM entities en WHERE en.id = v), l)" if (kind, name) in NAMED else "l"
    # the label is a bare column (SQLite takes it from one row of the group, at no cost per row): the rows of a
    # value share its label, except a linked entity's spellings, and those are labelled by the entity's name
    rows = conn.execute(f"SELECT v, {named} AS l, n, values_n FROM (SELECT v, l, n, count(*) OVER () AS values_n "
                        f"FROM (SELECT {value} AS v, {label} AS l, {count} AS n FROM {source} GROUP BY v) "
                        f"ORDER BY {order} LIMIT ?)", [*args, size + 1]).fetchall()
    more = max(0, int(rows[0]["values_n"]) - size) if rows else 0
    return Facet(name, [FacetValue(None if r["v"] is None else str(r["v"]),
                                   str(r["l"] if r["l"] is not None else r["v"] or ""), int(r["n"]))
                        for r in rows[:size]], more)


# -- the entity index ------------------------------------------------------------------------------------------
# The counts are kept by the link stage (``link/entity_counts.py``): per entity in ``entities``, with an index per
# sort, and per entity and outlet in ``entity_outlets``; a page reads its rows, never an entity's quotes or mentions.
COUNTS = ("quotes_by", "quotes_about", "articles", "outlets", "mentions")
ENTITY_SORTS = ("name", "type", *COUNTS)


def _in_outlet(outlet: str | None) -> tuple[str, list[Any]]:
    """The join to an entity's kept counts in one outlet's articles (only entities that appear there), or nothing."""
    if not outlet:
        return "", []
    return " JOIN entity_outlets eo ON eo.entity_id = e.id AND eo.outlet = ?", [outlet]


def _counts(outlet: str | None) -> dict[str, str]:
    """Each count of the index as a column: the entity's, or with an outlet, its count in that outlet's articles."""
    if not outlet:
        return {c: f"e.{c}" for c in COUNTS}
    return {"quotes_by": "eo.quotes_by", "quotes_about": "eo.quotes_about", "articles": "eo.articles",
            "outlets": "1", "mentions": "eo.mentions"}


def entity_filter(type: str | None, outlet: str | None, q: str | None) -> tuple[str, str, list[Any]]:
    """(tables, condition, arguments) selecting ``entities e`` of a type, appearing in an outlet (joined to their
    counts there as ``eo``) and with words in the name or an alias."""
    tables, args = _in_outlet(outlet)
    where = ["1=1"]
    if type:
        if type not in ENTITY_TYPES:
            raise BadParameter(f"type must be {', '.join(ENTITY_TYPES[:-1])} or {ENTITY_TYPES[-1]}, got {type!r}")
        if outlet:  # read off the outlet's index: an entity id starts with its type and a colon (link/entities.py)
            where.append("eo.entity_id >= ? AND eo.entity_id < ?")
            args += [type + ":", type + ";"]
        else:
            where.append("e.type = ?")
            args.append(type)
    if q:
        pattern = like_pattern(q.strip())
        where.append("e.id IN (SELECT id FROM entities WHERE name LIKE ? ESCAPE '\\' UNION "  # one scan per name
                     "SELECT entity_id FROM entity_aliases WHERE alias LIKE ? ESCAPE '\\')")
        args += [pattern, pattern]
    return "entities e" + tables, " AND ".join(where), args


def entity_index(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None,
                 sort: str | None, limit: int, offset: int) -> tuple[int, list[EntityRow]]:
    """(total, one page of entities with their counts); with ``outlet``, only entities that appear in it, counted
    in its articles only. Reads the kept counts: a page in the order of an index, whatever the entities' sizes."""
    tables, cond, args = entity_filter(type, outlet, q)
    total = conn.execute(f"SELECT count(*) FROM {tables} WHERE {cond}", args).fetchone()[0]
    name, desc = sort_key(ENTITY_SORTS, sort, "-mentions")
    counts = _counts(outlet)
    direction = " DESC" if desc else ""
    key = f"e.name{direction}, e.id" if name == "name" else f"{counts.get(name, 'e.' + name)}{direction}, e.name, e.id"
    cols = ", ".join(f"{expr} AS {col}" for col, expr in counts.items())
    select = f"SELECT e.id, e.name, e.type, {cols} FROM {tables} WHERE {cond}"
    if name in COUNTS and not (type or outlet or q):  # the counts are indexed per type: each type's rows, merged
        # (a name search reads its matches by id, and would be run once per type)
        rows = conn.execute(*across_types(conn, "id, name, type, " + ", ".join(COUNTS), select, args, key,
                                          f"{name}{direction}, name, id", limit, offset))
    else:
        rows = conn.execute(f"{select} ORDER BY {key} LIMIT ? OFFSET ?", [*args, limit, offset])
    return total, [EntityRow(r["id"], r["name"], r["type"], *(int(r[c]) for c in COUNTS)) for r in rows]


def _kept(type: str | None, outlet: str | None) -> tuple[str, str, list[Any]]:
    """(tables, condition, arguments) selecting the entities of a type in an outlet as rows ``x`` of
    ``entity_outlets`` (one per entity and outlet it appears in), so counting them visits no entity row: an entity
    id starts with its type and a colon (``link/entities.py``), so a type is a range of ids."""
    source, where, args = "entity_outlets x", ["1=1"], []
    if outlet:
        source = "entity_outlets eo JOIN entity_outlets x ON x.entity_id = eo.entity_id"
        where.append("eo.outlet = ?")
        args.append(outlet)
    if type:
        where.append("x.entity_id >= ? AND x.entity_id < ?")
        args += [type + ":", type + ";"]
    return source, " AND ".join(where), args


def _facet_types(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None) -> Facet:
    """How many entities of the selection are of each type."""
    tables, cond, args = entity_filter(type, outlet, q)
    if outlet and not q:  # the outlet's kept rows, by id
        source, where, args = _kept(type, None)
        rows = conn.execute(f"SELECT substr(x.entity_id, 1, instr(x.entity_id, ':') - 1) AS t, count(*) AS n FROM "
                            f"{source} WHERE {where} AND x.outlet = ? GROUP BY t ORDER BY n DESC, t", [*args, outlet])
    else:
        rows = conn.execute(f"SELECT e.type AS t, count(*) AS n FROM {tables} WHERE {cond} GROUP BY e.type "
                            "ORDER BY n DESC, e.type", args)
    return Facet("type", [FacetValue(r[0], r[0], r[1]) for r in rows])


def _facet_outlets(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None,
                   size: int) -> Facet:
    """How many entities of the selection appear in each outlet (from the kept counts per entity and outlet)."""
    if q:
        tables, cond, args = entity_filter(type, outlet, q)
        source, where = f"{tables} JOIN entity_outlets x ON x.entity_id = e.id", cond
    else:
        source, where, args = _kept(type, outlet)
    rows = conn.execute(f"SELECT x.outlet AS v, count(*) AS n FROM {source} WHERE {where} GROUP BY x.outlet "
                        "ORDER BY n DESC, v LIMIT ?", [*args, size + 1]).fetchall()
    more = 0
    if len(rows) > size:
        more = conn.execute(f"SELECT count(DISTINCT x.outlet) FROM {source} WHERE {where}", args).fetchone()[0] - size
    return Facet("outlet", [FacetValue(r["v"] or None, r["v"], r["n"]) for r in rows[:size]], more)


def entity_facets(conn: sqlite3.Connection, type: str | None, outlet: str | None, q: str | None,
                  size: int = FACET_SIZE, time_limit: TimeLimit = None) -> list[Facet]:
    """How many entities of the selection are of each type, and appear in each outlet; with ``time_limit``
    (seconds for each, see ``time_for``), a facet not counted in time comes back with ``counted=False``."""
    entity_filter(type, outlet, q)  # checks the type
    out = []
    for name in ("type", "outlet"):
        try:
            with db.time_limit(conn, time_for(time_limit, name)):
                out.append(_facet_types(conn, type, outlet, q) if name == "type"
                           else _facet_outlets(conn, type, outlet, q, size))
        except db.TimeUp:
            out.append(Facet(name, [], 0, counted=False))
    return out
