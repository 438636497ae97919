"""Server-rendered HTML pages: search, the lists (entities, quotes, stances, statements, contradictions, articles)
with facets, sort and CSV/JSON export, a person or organisation page in tabs, an article with its quotes
highlighted, a statement's reports side by side. Handlers call the query API (web.lists and web.views shape its
records); templates (autoescaped) format them.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import iterate_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

import onrecord
from onrecord.web import lists, records, views
from onrecord.web import params as P
from onrecord.web.markup import (
    colour_legend,
    highlight_article,
    highlight_terms,
    safe_url,
    similarity,
    speaker_colours,
    word_diff,
)

PAGE = 20
TABS = {"overview": "Overview", "said": "Said", "others": "Said about them", "stances": "Stances",
        "claims": "Claims against their words", "statements": "Statements", "roles": "Roles",
        "descriptions": "Descriptions", "portrayal": "Portrayal"}
# the person page: each paged list's offset parameter, and how many items a page of it shows
ENTITY_PAGERS = {"said": PAGE, "others": PAGE, "toward": PAGE, "stances": 50, "claims": PAGE, "statements": PAGE,
                 "portrayal": PAGE}
SCOPE = ("outlet", "since", "until")  # the person page's filters beside ``about``, as on the lists
CHANGES_SHOWN = 10  # the overview lists the latest this many changes of position
CHART_STANCES = 300  # the overview's chart draws the latest this many dated stances
STATEMENT_REPORTS = 10  # the Statements tab lists the first this many reports of each statement
REPORTS_PAGE = 50  # a statement's page shows its reports this many at a time


class Links:
    """URLs of the current page with some parameters changed: facet values, sort orders, pages, exports. Every
    view is a plain query string, so every URL can be shared."""

    def __init__(self, request: Request) -> None:
        self.path = quote(request.url.path, safe="/:@")
        self.pairs = [(k, v) for k, v in request.query_params.multi_items() if v != ""]  # outlet=A&outlet=B
        self.params = dict(self.pairs)  # one value per name, for the forms

    def url(self, **changes: Any) -> str:
        """This view with ``changes`` (None removes a parameter), back at the first page (``keep_offset=True``:
        on the same page)."""
        keep = bool(changes.pop("keep_offset", False))
        return self.changed(changes, keep_offset=keep)

    def changed(self, changes: Mapping[str, Any], path: str | None = None, keep_offset: bool = False) -> str:
        """This view with each parameter in ``changes`` set to one value (None: removed), the others kept, repeated
        ones included."""
        pairs = [(k, v) for k, v in self.pairs if (keep_offset or k != "offset") and k not in changes]
        pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
        query = urlencode(pairs)
        return (path or self.path) + ("?" + query if query else "")

    def values(self, name: str) -> list[str]:
        """Every value given for ``name`` (a repeated filter has several)."""
        return [v for k, v in self.pairs if k == name]

    def facet(self, name: str, value: str | None) -> str:
        """The view filtered to one facet value; a year or month sets since and until."""
        if name in ("year", "month"):
            return self.url(since=value, until=value)
        return self.url(**{name: value})

    def selected(self, name: str, value: str | None) -> bool:
        if name in ("year", "month"):
            return value is not None and self.params.get("since") == value == self.params.get("until")
        return value is not None and value.lower() in {v.lower() for v in self.values(name)}

    def unfacet(self, name: str) -> str:
        return self.url(since=None, until=None) if name in ("year", "month") else self.url(**{name: None})

    def sort(self, key: str, default: str | None = None) -> str:
        """Sort by ``key``: ascending first, descending when already ascending, the list's ``default`` order
        (``key`` or ``-key``) included, so the header of the default view toggles too."""
        if self.sorted_by(key, default) == "asc":
            return self.url(_sort=None, _sort_desc=key)
        return self.url(_sort=key, _sort_desc=None)

    def sorted_by(self, key: str, default: str | None = None) -> str:
        """"asc", "desc" or "" for a column header."""
        if self.params.get("_sort") == key:
            return "asc"
        if self.params.get("_sort_desc") == key:
            return "desc"
        if "_sort" not in self.params and "_sort_desc" not in self.params and default:
            return "desc" if default == "-" + key else "asc" if default == key else ""
        return ""

    def export(self, ext: str, stream: bool = False) -> str:
        """The same view as ``.csv`` or ``.json`` (``stream``: every matching row)."""
        extra = {"_stream": "1"} if stream else {}
        return self.changed(extra, self.path.rstrip("/") + "." + ext, keep_offset=not stream)

    def tab(self, name: str) -> str:
        return self.url(tab=None if name == "overview" else name, **dict.fromkeys(ENTITY_PAGERS))


@dataclass
class Pager:
    """Previous/next links for a paged list, keeping the other query parameters."""

    total: int
    limit: int
    offset: int
    prev_url: str | None
    next_url: str | None
    capped: bool = False  # total is where counting stopped: "10,000+"

    @property
    def first(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.limit)


def pager(request: Request, total: int, limit: int, offset: int, key: str = "offset", cap: int | None = None
          ) -> Pager:
    """The pager of a list of ``total`` items (``cap``: where its counting stopped, if it is a capped count)."""
    base = [(k, v) for k, v in request.query_params.multi_items() if k != key]

    def url(o: int) -> str:
        return request.url.path + "?" + urlencode([*base, (key, o)])

    return Pager(total, limit, offset, url(max(0, offset - limit)) if offset > 0 else None,
                 url(offset + limit) if offset + limit < total else None, cap is not None and total >= cap)


def _offset(params: Mapping[str, str], key: str = "offset") -> int:
    return P.integer(params, key, 0, 0, P.MAX_OFFSET)


def render(request: Request, template: str, **context: Any) -> Response:
    web = request.app.state.web
    return web.render(template, request_path=request.url.path, links=Links(request), **context)


# -- the lists, as pages and as exports ---------------------------------------------------------------------------
def list_page(kind: str) -> Any:
    """The handler of ``/KIND``: the page of a list with its facets."""

    def handler(request: Request) -> Response:
        lists.check(kind, request.query_params)
        params = QueryParams([(k, v) for k, v in request.query_params.multi_items() if k != "_stream"])
        listing = lists.LISTS[kind](request.app.state.web.api(), params)
        return render(request, f"{kind}.html", page=listing,
                      paging=pager(request, listing.total, listing.limit, listing.offset, cap=listing.cap),
                      similarity=similarity, terms=listing.filters.get("q"), highlight=highlight_terms,
                      span_link=views.span_link)

    return handler


def list_export(kind: str, ext: str) -> Any:
    """The handler of ``/KIND.csv`` and ``/KIND.json``: exactly the rows of the page with the same query."""

    def handler(request: Request) -> Response:
        lists.check(kind, request.query_params)
        web = request.app.state.web
        api = web.api()
        roots = api.ingest_roots()
        headers = {"Content-Disposition": f'inline; filename="{kind}.{ext}"'}
        if ext == "csv" and request.query_params.get("_stream"):
            rows = lists.stream_csv(web.api, kind, request.query_params, roots)
            return StreamingResponse(iterate_in_threadpool(rows), media_type="text/csv; charset=utf-8",
                                     headers=headers)
        listing = lists.EXPORTS[kind](api, QueryParams([(k, v) for k, v in request.query_params.multi_items()
                                                        if k != "_stream"]))
        refs = api.article_refs(lists.article_ids(kind, listing.records))
        if ext == "csv":
            return Response(lists.csv_text(kind, listing.records, roots, refs), media_type="text/csv; charset=utf-8",
                            headers=headers)
        return Response(lists.json_body(listing, roots, refs), media_type="application/json")

    return handler


# -- pages ------------------------------------------------------------------------------------------------
def home(request: Request) -> Response:
    """Search people and organisations (names and aliases) and quotes (full text, terms marked); the latest
    articles."""
    P.known(request.query_params, ("q", "offset", "min_confidence"), "the search page")
    api = request.app.state.web.api()
    q = P.text(request.query_params, "q")
    offset = _offset(request.query_params)
    floor = P.confidence(request.query_params, P.default_min_confidence())
    people: list[Any] = []
    quotes: Any = []
    quote_pager = None
    hidden = 0
    if q:
        people = [h for h in api.search(q, limit=PAGE, count_cap=api.count_cap) if h.kind == "entity"]
        quotes = api.quotes(q=q, min_confidence=floor, limit=PAGE, offset=offset, count_cap=api.count_cap)
        quote_pager = pager(request, quotes.total, PAGE, offset, cap=api.count_cap)
        if floor:  # the unsure quotes left out, said as every list says it
            hidden = api.count_quotes(q=q, below_confidence=floor)
    latest = api.articles(sort="-date", limit=10)
    return render(request, "home.html", q=q or "", people=people, quotes=quotes, quote_pager=quote_pager,
                  latest=latest, article_total=latest.total, highlight=highlight_terms, hidden=hidden,
                  floor=floor, cap=api.count_cap)


def article(request: Request) -> Response:
    """The original text with every quote highlighted and coloured by speaker (unsure ones marked), each named
    person, organisation or country underlined by its sentence's tone, furniture greyed; ``span=S-E`` outlines
    one piece of evidence (a stance, a role) and anchors it as ``#s-S-E``."""
    P.known(request.query_params, ("span",), "an article's page")
    api = request.app.state.web.api()
    art = api.article(request.path_params["id"])
    focus = P.span(request.query_params, "span", len(art.text))
    segments = api.segments(art.id)
    quotes = api.all_quotes(article=art.id)
    colours = speaker_colours(quotes)
    legend = colour_legend(quotes)
    low = P.default_min_confidence()
    tones = onrecord.portrayal.article_tones(api, art.id)
    return render(request, "article.html", art=art, url=safe_url(art.url), quotes=quotes, colours=colours,
                  legend=legend, tones=tones,
                  sure=[q for q in quotes if onrecord.shown_at(q, low)],
                  unsure=[q for q in quotes if not onrecord.shown_at(q, low)],
                  body=highlight_article(art.text, segments, quotes, focus=focus, min_confidence=low, tones=tones),
                  furniture=sum(s.kind == "furniture" for s in segments),
                  source=views.public_source(art.source, api.ingest_roots()))


def entity(request: Request) -> Response:
    """A person or organisation for a journalist: a summary (roles now, what they are most quoted on, counts by
    outlet, the stance chart) and tabs loaded one at a time: what they said, what others said about them, their
    stances, claims against their own words, statements reported by several articles, roles, descriptions. Every
    list is one page read in SQL and every count stops at the API's cap, so the page costs the same for someone
    quoted ten times or ten thousand."""
    params = request.query_params
    P.known(params, ("tab", "about", "min_confidence", *SCOPE, "_sort", "_sort_desc", *ENTITY_PAGERS),
            "a person's or organisation's page")
    api = request.app.state.web.api()
    about = P.text(params, "about")
    since, until = P.date(params, "since"), P.date(params, "until")
    scope = {"outlet": P.texts(params, "outlet"), "since": since, "until": until}
    sort = P.sort(params)
    tab = P.text(params, "tab", max_len=20) or "overview"
    if tab not in TABS:
        tab = "overview"
    low = P.default_min_confidence()
    everything = P.confidence(params, low) == 0
    mc = None if everything else low
    slow = P.stance_min_confidence()  # stances: the stances' cut
    smc = None if everything else slow
    ent = api.entity(request.path_params["id"], min_confidence=mc)  # descriptions below the cut left out, counted
    offsets = {k: _offset(params, k) for k in ENTITY_PAGERS}

    def paged(key: str, records: Any) -> Pager:
        return pager(request, records.total, ENTITY_PAGERS[key], offsets[key], key, cap=api.count_cap)

    # the outlets' own sentences about the entity, in the page's outlet and dates (the tone model's reading)
    tone_scope = onrecord.portrayal.tone_filter(api, ent.id, kind="portrayal", outlet=scope["outlet"] or None,
                                                since=since, until=until)
    links = Links(request)

    def tone_link(outlet: str, month: str) -> str:
        """The Portrayal tab narrowed to one outlet's sentences in one month: a chart point's link."""
        return links.url(tab="portrayal", outlet=outlet, since=month, until=month, **dict.fromkeys(ENTITY_PAGERS))

    context: dict[str, Any] = {"stances": [], "toward": [], "claims": [], "statements": [], "hidden_naming": 0,
                               "hidden_stances": 0, "chart_hidden": 0, "changes": [],
                               "hidden_toward": 0}
    known: dict[str, int] = {}  # counts the tab's own lists give, not counted twice
    if tab == "overview":
        latest_date = api.latest_article_date()
        by_outlet = {v.value: v.count for v in api.quote_facets(by=ent.id, fields=("outlet",), **scope)[0].values}
        now, described = views.roles_now(ent, latest_date)
        chart = api.latest_stances(ent.id, about=about, min_confidence=smc, limit=CHART_STANCES, **scope)
        context.update(chart=views.stance_chart(chart[::-1], ent.name, about), labels=sorted({s.label for s in chart}),
                       chart_drawn=len(chart), chart_total=chart.total,
                       chart_hidden=0 if everything else api.count_stances(
                           holder=ent.id, target=about, below_confidence=slow, dated=True, **scope),
                       changes=api.position_changes(ent.id, about=about, limit=CHANGES_SHOWN),
                       outlets=views.outlet_table(ent, by_outlet), roles_now=now, roles_described=described,
                       latest_date=latest_date,
                       recent=api.quotes(by=ent.id, about=about, min_confidence=low, sort="-date", limit=3,
                                         count_cap=api.count_cap, **scope))
        groups = onrecord.portrayal.summary(api, tone_scope, ("outlet", "month"), evidence=0)  # one GROUP BY
        context["portrayal"] = views.portrayal_chart(groups, ent.name, tone_link)
        known["portrayal"] = sum(g.n for g in groups)
    elif tab == "said":
        said = api.quotes(by=ent.id, about=about, min_confidence=mc, limit=PAGE, offset=offsets["said"],
                          count_cap=api.count_cap, sort=sort, **scope)
        context.update(said=said, said_pager=paged("said", said))
    elif tab == "others":
        toward = api.stances_toward(ent.id, about=about, min_confidence=smc, limit=ENTITY_PAGERS["toward"],
                                    offset=offsets["toward"], **scope)
        hidden_toward = 0 if everything else api.stances_toward(ent.id, about=about, below_confidence=slow, limit=1,
                                                                **scope).total
        others = api.quotes_naming(ent.id, about=about, min_confidence=mc, limit=ENTITY_PAGERS["others"],
                                   offset=offsets["others"], **scope)
        hidden_naming = 0 if everything else api.count_quotes(about=ent.id, q=about, below_confidence=low, **scope)
        context.update(toward=toward, toward_pager=paged("toward", toward), others_page=others,
                       hidden_toward=hidden_toward, others_pager=paged("others", others), hidden_naming=hidden_naming)
        # the tab counts every confidence, as the lists' totals with their hidden ones
        known.update(toward=min(api.count_cap, toward.total + hidden_toward),
                     naming=min(api.count_cap, others.total + hidden_naming))
    elif tab == "stances":
        stances = api.stances(holder=ent.id, target=about, min_confidence=smc, limit=ENTITY_PAGERS["stances"],
                              offset=offsets["stances"], count_cap=api.count_cap, sort=sort, **scope)
        hidden_stances = 0 if everything else api.count_stances(holder=ent.id, target=about, below_confidence=slow,
                                                                **scope)
        context.update(stances=stances, stances_pager=paged("stances", stances), hidden_stances=hidden_stances)
        known["stances"] = min(api.count_cap, stances.total + hidden_stances)  # the tab counts every confidence
    elif tab == "claims":
        pairs = api.claims_against(ent.id, about=about, limit=ENTITY_PAGERS["claims"], offset=offsets["claims"])
        context.update(claims=views.group_by_claim(pairs), claims_pager=paged("claims", pairs))
        known["claims"] = pairs.total
    elif tab == "portrayal":
        tones = onrecord.portrayal.tones(api, tone_scope, limit=ENTITY_PAGERS["portrayal"],
                                         offset=offsets["portrayal"])
        context.update(tones=tones, tones_pager=paged("portrayal", tones), tone_filter=tone_scope,
                       tone_sentence=views.tone_sentence)
        known["portrayal"] = tones.total
    elif tab == "statements":
        statements = api.statements(by=ent.id, min_articles=2, limit=ENTITY_PAGERS["statements"],
                                    offset=offsets["statements"], reports=STATEMENT_REPORTS, count_cap=api.count_cap)
        context.update(statements=statements, statements_pager=paged("statements", statements),
                       reported=api.statement_counts([s.id for s in statements]))
        known["statements"] = statements.total
    hidden = 0 if everything else api.count_quotes(by=ent.id, about=about, below_confidence=low, **scope)
    where = {**scope, **({"min_confidence": "0"} if everything else {})}
    exports = {"said": list_url("quotes", by=ent.id, about=about, _sort=params.get("_sort"),
                                _sort_desc=params.get("_sort_desc"), **where),
               "others": list_url("quotes", about=ent.id, q=about, **where),
               "stances": list_url("stances", holder=ent.id, target=about, _sort=params.get("_sort"),
                                   _sort_desc=params.get("_sort_desc"), **where)}
    counts = views.tab_counts(api, ent, about, known, scope)
    counts["portrayal"] = known["portrayal"] if "portrayal" in known else onrecord.portrayal.count(
        api, tone_scope, api.count_cap)
    return render(request, "entity.html", ent=ent, about=about or "", tab=tab, tabs=TABS, counts=counts,
                  scope=scope, scoped=any(scope.values()), exports=exports, cap=api.count_cap,
                  counted=functools.partial(views.count_text, cap=api.count_cap), everything=everything,
                  stance_cut=slow, hidden=hidden, topics=views.topics(api, ent.id),
                  descriptors=views.descriptors_by_outlet(ent.descriptors), span_link=views.span_link,
                  similarity=similarity, tone_api="/api/tone?" + urlencode(
                      [("name", ent.id), ("kind", "portrayal"), ("by", "outlet,month"),
                       *[(k, v) for k in ("since", "until") if (v := scope[k])],
                       *[("outlet", o) for o in tone_scope.outlets]]), **context)


def statement(request: Request) -> Response:
    """The reports of one statement across outlets, a page at a time, each worded against the first report, with
    how much of their words they share (what a report adds counts against it)."""
    P.known(request.query_params, ("offset",), "a statement's page")
    api = request.app.state.web.api()
    sid = P.path_id(request.path_params["id"], "statement")
    offset = P.integer(request.query_params, "offset", 0, 0, lists.MAX_PAGE_OFFSET)
    st = api.statements(sid, reports=REPORTS_PAGE, reports_offset=offset)[0]
    first = st.reports[:1] if offset == 0 else api.statements(sid, reports=1)[0].reports
    ref = first[0].text if first else ""
    rows = [(r, word_diff(ref, r.text) if offset + i else None, similarity(ref, r.text))
            for i, r in enumerate(st.reports)]
    counts = api.statement_counts([sid], outlets=True).get(sid, {})
    total = int(counts.get("reports", 0))
    shown = records.first_report(api, st, first)
    return render(request, "statement.html", st=st, rows=rows, outlets=counts.get("outlets", []), shown=shown,
                  articles=counts.get("articles", 0), reports=total,
                  paging=pager(request, total, REPORTS_PAGE, offset))


def list_url(kind: str, **filters: Any) -> str:
    """The list ``/KIND`` with these filters (None left out, a list repeated): a tab's view as a list to export."""
    pairs = [(k, x) for k, v in filters.items() if v is not None
             for x in (v if isinstance(v, (list, tuple)) else [v])]
    return f"/{kind}" + ("?" + urlencode(pairs) if pairs else "")


def routes() -> list[Route]:
    out = [Route("/", home), Route("/articles/{id}", article), Route("/entities/{id}", entity),
           Route("/statements/{id}.json", records.page("statements", json_form=True)),
           Route("/statements/{id}", statement),
           Route("/descriptors/{article}/{span}.json", records.page("descriptors", json_form=True)),
           Route("/descriptors/{article}/{span}", records.page("descriptors"))]
    for kind in records.LOADERS:  # each record's permalink, and the same as JSON (the .json route first)
        out += [Route(f"/{kind}/{{id}}.json", records.page(kind, json_form=True)),
                Route(f"/{kind}/{{id}}", records.page(kind))]
    for kind in lists.LISTS:
        out += [Route(f"/{kind}", list_page(kind), name=kind),
                Route(f"/{kind}.csv", list_export(kind, "csv"), name=f"{kind}_csv"),
                Route(f"/{kind}.json", list_export(kind, "json"), name=f"{kind}_json")]
    return out
