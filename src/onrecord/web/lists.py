"""The lists of the site: articles, quotes, stances, statements, contradictions and entities, each with its
filters, facets, sort and export columns. One ``Listing`` per request drives the HTML page and the ``.csv`` and
``.json`` of exactly the rows the page shows (``_stream=1``: every matching row, for the CSV).

Parameters follow Datasette: a filter per field (``outlet=``, ``by=`` ...), ``_sort=KEY`` / ``_sort_desc=KEY``,
``limit=N`` (or ``_size=N``) rows per page, ``offset=N`` (up to ``MAX_PAGE_OFFSET``: deeper, narrow the filters
or stream the CSV); a facet value is a link that sets its filter. Totals that would read a large selection are
counted up to the API's ``count_cap`` ("10,000+"; ``"total_capped": true`` in the JSON). A parameter a list does
not take is refused (``FILTERS``).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from onrecord import Onrecord, settings
from onrecord.errors import BadParameter
from onrecord.formats import flat_contradiction
from onrecord.models import (
    ClaimGroupPage,
    ContradictionRecord,
    Facet,
    FacetValue,
    QuoteRecord,
    StanceRecord,
    StatementRecord,
    written_speaker,
)
from onrecord.web import params as P
from onrecord.web.markup import safe_url, similarity, speaker_label
from onrecord.web.views import KINDS, ClaimGroup, jsonable, permalink, present, public_source

STREAM_MAX = 100_000  # rows in one streamed CSV
REPORTS_SHOWN = 5  # reports of each statement a list page shows (the statement's page pages them all)
GROUP_SHOWN = 10  # claims, and pieces of counter-evidence, of each claim group a list page shows
MAX_PAGE_OFFSET = 10_000  # the deepest row a page or export starts at: SQL skips every row before it


@dataclass
class Listing:
    """One page of a list: its records, the filters that chose them, the counts per facet value, the sort."""

    kind: str
    items: list[Any]
    total: int
    limit: int
    offset: int
    filters: dict[str, Any]
    facets: list[Facet] = field(default_factory=list)
    sort: str | None = None
    sorts: tuple[str, ...] = ()
    hidden: int = 0  # items the default min_confidence leaves out
    min_confidence: float | None = None
    pairs: list[ContradictionRecord] = field(default_factory=list)  # contradictions: the pairs behind the groups
    counts: dict[str, int] = field(default_factory=dict)  # other totals the page states
    summaries: dict[Any, dict[str, Any]] = field(default_factory=dict)  # per record id: counts it shows
    cap: int | None = None  # where counting ``total`` (and ``hidden``) stops, when it is a capped count

    @property
    def capped(self) -> bool:
        """Whether ``total`` is where counting stopped ("10,000+"), not the exact number."""
        return self.cap is not None and self.total >= self.cap

    @property
    def active(self) -> list[tuple[str, Any]]:
        """The filters set away from their defaults, for the page to show (each with a link removing it)."""
        defaults = {"min_confidence": P.default_min_confidence(), "min_articles": 2}
        return [(k, v) for k, v in self.filters.items() if v is not None and v != "" and defaults.get(k) != v]

    @property
    def records(self) -> list[Any]:
        """What the page shows as records (for contradictions, the pairs of the claims shown)."""
        return self.pairs if self.kind == "contradictions" else self.items


# -- one builder per list: (api, query parameters) -> Listing ---------------------------------------------------
def _page(params: Mapping[str, str], size: int) -> tuple[int, int]:
    """(rows per page, offset): a page starts at most MAX_PAGE_OFFSET rows in (the streamed CSV goes deeper)."""
    offset = P.integer(params, "offset", 0, 0, P.MAX_OFFSET)
    if offset > MAX_PAGE_OFFSET and not params.get("_stream"):
        raise BadParameter(f"offset goes up to {MAX_PAGE_OFFSET:,} on pages and exports, got {offset:,}: narrow the "
                           "filters (a facet value, a date range) or download every row with the streamed CSV")
    return P.size(params, size), offset


COUNT_IT = 10  # a facet the reader asked to count ("count it") gets this many times the usual time


FACET_SIZE = 10  # values of each facet shown (the query API's default)
FACET_MAX = 200  # values of each facet "and N more" shows (``_facet_size=max``)


def facet_size(params: Mapping[str, str]) -> int:
    """Values shown per facet: the first 10, or with ``_facet_size=max`` (the "and N more" link) up to FACET_MAX."""
    raw = P.text(params, "_facet_size", max_len=5)
    if raw is None:
        return FACET_SIZE
    if raw == "max":
        return FACET_MAX
    return P.integer(params, "_facet_size", FACET_SIZE, 1, FACET_MAX)


def facet_time(params: Mapping[str, str]) -> dict[str, float]:
    """Seconds each facet of a page may take to count (the ``facet_time_limit_ms`` setting), and COUNT_IT times that
    for the facet named by ``_count`` (the "count it" link of a facet not counted in time)."""
    each = float(settings.value("facet_time_limit_ms")) / 1000
    asked = P.text(params, "_count", max_len=20)
    return {"": each, **({asked: each * COUNT_IT} if asked else {})}


def date_facet(filters: Mapping[str, Any]) -> str:
    """Facet by month once the dates are narrowed to one year (since=until=YYYY), else by year."""
    since, until = filters.get("since"), filters.get("until")
    return "month" if since and since == until and len(since) == 4 else "year"


def articles(api: Onrecord, params: Mapping[str, str]) -> Listing:
    limit, offset = _page(params, 50)
    filters: dict[str, Any] = {"outlet": P.texts(params, "outlet"), "since": P.date(params, "since"),
                               "until": P.date(params, "until")}
    sort = P.sort(params) or "-date"
    res = api.articles(**filters, sort=sort, limit=limit, offset=offset)
    return Listing("articles", list(res), res.total, limit, offset, filters,
                   api.article_facets(**filters, fields=("outlet", date_facet(filters)),
                                      time_limit=facet_time(params), size=facet_size(params)), sort,
                   ("date", "outlet", "title", "quotes"))


def quotes(api: Onrecord, params: Mapping[str, str]) -> Listing:
    limit, offset = _page(params, 50)
    filters = P.quote_filters(params, P.default_min_confidence())
    sort = P.sort(params)
    res = api.quotes(**filters, sort=sort, limit=limit, offset=offset, count_cap=api.count_cap)
    hidden = 0
    if filters["min_confidence"]:
        hidden = api.count_quotes(**{**filters, "min_confidence": None}, below_confidence=filters["min_confidence"])
    fields = ("by", "outlet", "kind", "method", date_facet(filters))
    return Listing("quotes", list(res), res.total, limit, offset, filters,
                   api.quote_facets(**filters, fields=fields, time_limit=facet_time(params), size=facet_size(params)),
                   sort, ("date", "outlet", "speaker", "confidence", "kind"), hidden, filters["min_confidence"],
                   cap=api.count_cap)


def stances(api: Onrecord, params: Mapping[str, str]) -> Listing:
    limit, offset = _page(params, 50)
    filters: dict[str, Any] = {"holder": P.text(params, "holder"), "target": P.text(params, "target"),
                               "label": P.text(params, "label", max_len=40), "outlet": P.texts(params, "outlet"),
                               "since": P.date(params, "since"), "until": P.date(params, "until"),
                               "min_confidence": P.confidence(params, P.stance_min_confidence())}
    sort = P.sort(params)
    res = api.stances(**filters, sort=sort, limit=limit, offset=offset, count_cap=api.count_cap)
    hidden = 0
    if filters["min_confidence"]:
        hidden = api.count_stances(**{**filters, "min_confidence": None}, below_confidence=filters["min_confidence"])
    fields = ("label", "holder", "target", "outlet", date_facet(filters))
    return Listing("stances", list(res), res.total, limit, offset, filters,
                   api.stance_facets(**filters, fields=fields, time_limit=facet_time(params), size=facet_size(params)),
                   sort, ("date", "label", "holder", "target", "outlet"), hidden, filters["min_confidence"],
                   cap=api.count_cap)


def statements(api: Onrecord, params: Mapping[str, str], reports: int | None = REPORTS_SHOWN) -> Listing:
    """The statements list; each with its first ``reports`` reports (None: all, for the exports)."""
    limit, offset = _page(params, 20)
    filters: dict[str, Any] = {"by": P.text(params, "by"), "q": P.text(params, "q"),
                               "outlet": P.texts(params, "outlet"), "since": P.date(params, "since"),
                               "until": P.date(params, "until"),
                               "min_articles": P.integer(params, "min_articles", 2, 1, 1000)}
    sort = P.sort(params)
    res = api.statements(**filters, sort=sort, limit=limit, offset=offset, reports=reports, count_cap=api.count_cap)
    return Listing("statements", list(res), res.total, limit, offset, filters,
                   api.statement_facets(**filters, fields=("by", "outlet", "year"),
                                        time_limit=facet_time(params), size=facet_size(params)), sort,
                   ("date", "speaker", "reports", "articles"), summaries=api.statement_counts([s.id for s in res]),
                   cap=api.count_cap)


@dataclass
class ShownGroup(ClaimGroup):
    """A claim group as a list page shows it: its first claims and counter-evidence, and how many more it has."""

    more_claims: int = 0
    more_counters: int = 0


def shown_groups(page: ClaimGroupPage) -> list[ShownGroup]:
    """The groups of a page of ``contradiction_groups``, each with the stances of its shown claims and counters."""
    claims = {c.claim.id: c.claim for c in page}
    pair = {(c.claim.id, c.counter.id): c.id for c in page}
    counters: dict[tuple[int, int], tuple[StanceRecord, str]] = {
        (c.claim.id, c.counter.id): (c.counter, "; ".join(x for x in (
            KINDS.get(c.kind, c.kind.replace("-", " ")), c.why.get("rule"),
            f"confidence {c.confidence:.2f}" if c.confidence is not None else None) if x)) for c in page}
    out = []
    for g in page.groups:
        shown = [i for i in g.claims if i in claims]
        first = shown[0] if shown else -1
        out.append(ShownGroup(g.subject, g.subject_id, [claims[i] for i in shown],
                              [counters[first, k] for k in g.counters if (first, k) in counters],
                              pair_ids={k: [pair[i, k] for i in shown if (i, k) in pair] for k in g.counters},
                              more_claims=g.claims_total - len(g.claims),
                              more_counters=g.counters_total - len(g.counters)))
    return [g for g in out if g.claims]  # (a group whose stances went with a re-analysis, until the next link)


def contradictions(api: Onrecord, params: Mapping[str, str]) -> Listing:
    limit, offset = _page(params, 20)
    filters: dict[str, Any] = {"name": P.text(params, "name"), "about": P.text(params, "about"),
                               "kind": P.text(params, "kind", max_len=40),
                               "min_confidence": P.confidence(params, P.default_min_confidence())}
    shown = None if params.get("_stream") else GROUP_SHOWN  # the streamed CSV has every pair
    page = api.contradiction_groups(**filters, limit=limit, offset=offset, shown=shown)
    hidden = 0
    if filters["min_confidence"]:
        hidden = api.count_contradictions(filters["name"], about=filters["about"], kind=filters["kind"],
                                          below_confidence=filters["min_confidence"])
    facets = api.contradiction_facets(**filters, time_limit=facet_time(params), size=facet_size(params))
    for f in facets:
        if f.name == "kind":
            f.values = [FacetValue(v.value, KINDS.get(v.label, v.label), v.count) for v in f.values]
    return Listing("contradictions", shown_groups(page), page.total, limit, offset, filters, facets,
                   hidden=hidden, min_confidence=filters["min_confidence"], pairs=list(page),
                   counts=api.contradiction_counts(**filters))


def entities(api: Onrecord, params: Mapping[str, str]) -> Listing:
    limit, offset = _page(params, 50)
    filters: dict[str, Any] = {"type": P.text(params, "type", max_len=40), "outlet": P.texts(params, "outlet"),
               "q": P.text(params, "q")}
    sort = P.sort(params)
    res = api.entity_index(**filters, sort=sort, limit=limit, offset=offset)
    return Listing("entities", list(res), res.total, limit, offset, filters,
                   api.entity_facets(**filters, time_limit=facet_time(params), size=facet_size(params)), sort,
                   ("name", "type", "quotes_by", "quotes_about", "articles", "outlets", "mentions"))


# the filters of each list (with P.LIST_PARAMS, and on the pages "_count" and "_stream"): anything else is refused
FILTERS = {"articles": ("outlet", "since", "until"),
           "quotes": ("by", "about", "outlet", "since", "until", "q", "kind", "article", "min_confidence", "method"),
           "stances": ("holder", "target", "label", "outlet", "since", "until", "min_confidence"),
           "statements": ("by", "q", "outlet", "since", "until", "min_articles"),
           "contradictions": ("name", "about", "kind", "min_confidence"),
           "entities": ("type", "outlet", "q")}


def check(kind: str, params: Mapping[str, str]) -> None:
    """BadParameter for a parameter the list ``kind`` does not take (listing those it takes)."""
    P.known(params, (*FILTERS[kind], *P.LIST_PARAMS, "_count", "_stream", "_facet_size"), f"/{kind}")


LISTS: dict[str, Callable[[Onrecord, Mapping[str, str]], Listing]] = {
    "articles": articles, "quotes": quotes, "stances": stances, "statements": statements,
    "contradictions": contradictions, "entities": entities}
EXPORTS = {**LISTS, "statements": lambda api, params: statements(api, params, reports=None)}  # every report


# -- export: the rows of a listing as CSV and JSON ---------------------------------------------------------------
def _quote_row(q: QuoteRecord) -> dict[str, Any]:
    credited_id = q.on_behalf_of_id if q.speaker_type == "spokesperson" and q.on_behalf_of else q.speaker_id
    who = written_speaker(q.speaker, q.speaker_type) if q.speaker is None else speaker_label(q)  # nobody: "unknown"
    return {"id": q.id, "date": q.date, "outlet": q.outlet, "speaker": who, "speaker_id": credited_id,
            "kind": q.kind, "cue": q.cue, "text": q.text, "confidence": q.confidence, "method": q.method,
            "article_id": q.article_id, "start": q.start, "end": q.end, "title": q.title, "url": q.url,
            "permalink": permalink("quote", q.id)}


def _statement_row(s: StatementRecord) -> dict[str, Any]:
    ref = s.reports[0].text if s.reports else s.text
    return {"id": s.id, "speaker": s.speaker, "speaker_id": s.speaker_id, "first_date": s.first_date,
            "reports": len(s.reports), "articles": len({r.article_id for r in s.reports}),
            "outlets": "; ".join(sorted({r.outlet or "unknown" for r in s.reports})),
            "least_similar": min((similarity(ref, r.text) for r in s.reports), default=1.0), "text": s.text,
            "article_id": s.reports[0].article_id if s.reports else None,  # the first report, as the page cites it
            "permalink": permalink("statement", s.id)}


# where each export row's article is named, by prefix: its title, outlet, date and url are added from the article
CITED = {"articles": (), "quotes": (), "entities": (), "stances": ("",), "statements": ("",),
         "contradictions": ("claim_", "counter_")}


def article_ids(kind: str, records: list[Any]) -> list[str]:
    """The articles the export rows of ``records`` cite (each row's, or each side's of a contradiction)."""
    if kind == "contradictions":
        return [s.article_id for c in records for s in (c.claim, c.counter)]
    if kind == "statements":
        return [r.article_id for s in records for r in s.reports]
    return [r.article_id for r in records] if kind == "stances" else []


def cited(obj: Any, refs: Mapping[str, Mapping[str, Any]]) -> Any:
    """A JSON export's records with each object naming an ``article_id`` given that article's ``title``, ``outlet``,
    ``date`` and ``url`` (http(s) only) where it has none of its own."""
    if isinstance(obj, list):
        return [cited(v, refs) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: cited(v, refs) for k, v in obj.items()}
    aid = out.get("article_id")
    for key, value in (refs.get(aid) or {} if isinstance(aid, str) else {}).items():
        out.setdefault(key, safe_url(value) if key == "url" else value)
    return out


ROWS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "articles": lambda a: {"id": a.id, "date": a.date, "outlet": a.outlet, "title": a.title, "source": a.source,
                           "paragraphs": a.paragraphs, "quotes": a.quotes, "url": a.url,
                           "permalink": f"/articles/{a.id}"},
    "quotes": _quote_row,
    "stances": lambda s: {"id": s.id, "date": s.date, "holder": s.holder, "holder_id": s.holder_id,
                          "label": s.label, "negated": s.negated, "target": s.target, "target_id": s.target_id,
                          "reported_by": s.reported_by, "outlet": s.outlet, "confidence": s.confidence, "text": s.text,
                          "article_id": s.article_id, "start": s.start, "end": s.end,
                          "permalink": permalink("stance", s.id)},
    "statements": _statement_row,
    "contradictions": lambda c: {"id": c.id, **flat_contradiction(c), "kind": c.kind,
                                 "permalink": permalink("contradiction", c.id)},
    "entities": lambda e: {"id": e.id, "name": e.name, "type": e.type, "quotes_by": e.quotes_by,
                           "quotes_about": e.quotes_about, "articles": e.articles, "outlets": e.outlets,
                           "mentions": e.mentions},
}
COLUMNS = {kind: tuple(cols.split()) for kind, cols in {
    "articles": "id date outlet title source paragraphs quotes url permalink",
    "quotes": "id date outlet speaker speaker_id kind cue text confidence method article_id start end title url "
              "permalink",
    "stances": "id date holder holder_id label negated target target_id reported_by outlet confidence text article_id "
               "start end title url permalink",
    "statements": "id speaker speaker_id first_date reports articles outlets least_similar text article_id title url "
                  "permalink",
    "contradictions": "id subject about confidence claim_date claim_by claim counter_date counter_by counter "
                      "claim_article claim_outlet claim_title claim_url counter_article counter_outlet counter_title "
                      "counter_url kind permalink",
    "entities": "id name type quotes_by quotes_about articles outlets mentions"}.items()}


def csv_cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_text(kind: str, records: list[Any], roots: list[str], refs: Mapping[str, Mapping[str, Any]],
             header: bool = True) -> str:
    """The export rows of ``records`` as CSV, each citing its article (``refs``: ``Onrecord.article_refs``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if header:
        w.writerow(COLUMNS[kind])
    for r in records:
        row = ROWS[kind](present(r, roots))
        for prefix in CITED[kind]:
            aid = row.get(f"{prefix}article" if prefix else "article_id")
            for key, value in (refs.get(aid) or {} if isinstance(aid, str) else {}).items():
                row.setdefault(prefix + key, safe_url(value) if key == "url" else value)
        w.writerow([csv_cell(row.get(c)) for c in COLUMNS[kind]])
    return buf.getvalue()


def stream_csv(api_for: Callable[[], Onrecord], kind: str, params: Mapping[str, str], roots: list[str]
               ) -> Iterator[str]:
    """Every matching row of a list as CSV, page by page (at most STREAM_MAX rows)."""
    query = [(k, v) for k, v in P.items(params) if k not in ("offset", "_size", "limit")]
    sent = 0
    while sent < STREAM_MAX:
        api = api_for()
        page = EXPORTS[kind](api, QueryParams([*query, ("limit", str(P.MAX_LIMIT)), ("offset", str(sent))]))
        yield csv_text(kind, page.records, roots, api.article_refs(article_ids(kind, page.records)), header=sent == 0)
        sent += len(page.items)
        if not page.items or sent >= page.total:
            return


def _pairs_json(pairs: list[ContradictionRecord]) -> list[dict[str, Any]]:
    """Contradiction pairs as ``jsonable`` gives them, each stance converted once (a claim is in a pair with
    every piece of its counter-evidence)."""
    sides: dict[int, Any] = {}
    out = []
    for c in pairs:
        row = {f.name: getattr(c, f.name) for f in dataclasses.fields(c)}
        for side in ("claim", "counter"):
            s = row[side]
            row[side] = sides[s.id] if s.id in sides else sides.setdefault(s.id, jsonable(s))
        row["shared_keys"] = list(row["shared_keys"])
        row["permalink"] = permalink("contradiction", c.id)
        out.append(row)
    return out


def json_body(listing: Listing, roots: list[str], refs: Mapping[str, Mapping[str, Any]]) -> str:
    """The page as JSON: the records shown (full, as the API gives them, each piece of evidence with its article's
    title, outlet, date and url from ``refs``), total, paging, sort, filters, facets."""
    items = cited(_pairs_json(listing.pairs) if listing.kind == "contradictions" else
                  jsonable([present(r, roots) for r in listing.records]), refs)
    if listing.kind in ("articles", "quotes", "stances", "statements"):
        for item in items:
            item["permalink"] = (f"/articles/{item['id']}" if listing.kind == "articles"
                                 else permalink(listing.kind[:-1], item["id"]))
    body = {"items": items, "total": listing.total,
            "limit": listing.limit, "offset": listing.offset, "sort": listing.sort,
            "filters": {k: v for k, v in listing.filters.items() if v is not None},
            "facets": jsonable(listing.facets)}
    if listing.capped:
        body["total_capped"] = True
    if listing.kind == "contradictions":  # the groups the pairs make, each cut to its first claims and counters
        body["groups"] = [{"subject": g.subject, "subject_id": g.subject_id, "claims": [c.id for c in g.claims],
                           "counters": [s.id for s, _ in g.counters], "more_claims": g.more_claims,
                           "more_counters": g.more_counters} for g in listing.items]
    if listing.min_confidence is not None:
        body["hidden_low_confidence"] = listing.hidden
    return json.dumps(body, ensure_ascii=False)


__all__ = ["EXPORTS", "LISTS", "Listing", "article_ids", "csv_text", "json_body", "public_source", "stream_csv"]
