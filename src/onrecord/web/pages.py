"""Server-rendered HTML pages: search, the lists (entities, quotes, stances, statements, contradictions, articles)
with facets, sort and CSV/JSON export, a person or organisation page in tabs, an article with its quotes
highlighted, a statement's reports side by side. Handlers call the query API (web.lists and web.views shape its
records); templates (autoescaped) format them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from onrecord.web import lists, views
from onrecord.web import params as P
from onrecord.web.markup import (
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
        "descriptions": "Descriptions"}


class Links:
    """URLs of the current page with some parameters changed: facet values, sort orders, pages, exports. Every
    view is a plain query string, so every URL can be shared."""

    def __init__(self, request: Request) -> None:
        self.path = quote(request.url.path, safe="/:@")
        self.params = {k: v for k, v in request.query_params.items() if v != ""}

    def url(self, **changes: Any) -> str:
        """This view with ``changes`` (None removes a parameter), back at the first page (``keep_offset=True``:
        on the same page)."""
        keep = bool(changes.pop("keep_offset", False))
        return self.changed(changes, keep_offset=keep)

    def changed(self, changes: Mapping[str, Any], path: str | None = None, keep_offset: bool = False) -> str:
        params = {k: v for k, v in self.params.items() if keep_offset or k != "offset"}
        for k, v in changes.items():
            if v is None:
                params.pop(k, None)
            else:
                params[k] = str(v)
        query = urlencode(params)
        return (path or self.path) + ("?" + query if query else "")

    def facet(self, name: str, value: str | None) -> str:
        """The view filtered to one facet value; a year or month sets since and until."""
        if name in ("year", "month"):
            return self.url(since=value, until=value)
        return self.url(**{name: value})

    def selected(self, name: str, value: str | None) -> bool:
        if name in ("year", "month"):
            return value is not None and self.params.get("since") == value == self.params.get("until")
        return value is not None and self.params.get(name) == value

    def unfacet(self, name: str) -> str:
        return self.url(since=None, until=None) if name in ("year", "month") else self.url(**{name: None})

    def sort(self, key: str) -> str:
        """Sort by ``key``: ascending first, descending when already ascending."""
        if self.params.get("_sort") == key:
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
        return self.url(tab=None if name == "overview" else name, said=None, others=None)


@dataclass
class Pager:
    """Previous/next links for a paged list, keeping the other query parameters."""

    total: int
    limit: int
    offset: int
    prev_url: str | None
    next_url: str | None

    @property
    def first(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.limit)


def pager(request: Request, total: int, limit: int, offset: int, key: str = "offset") -> Pager:
    base = {k: v for k, v in request.query_params.items() if k != key}

    def url(o: int) -> str:
        return request.url.path + "?" + urlencode({**base, key: o})

    return Pager(total, limit, offset, url(max(0, offset - limit)) if offset > 0 else None,
                 url(offset + limit) if offset + limit < total else None)


def _offset(params: Mapping[str, str], key: str = "offset") -> int:
    return P.integer(params, key, 0, 0, P.MAX_OFFSET)


def render(request: Request, template: str, **context: Any) -> Response:
    web = request.app.state.web
    return web.render(template, request_path=request.url.path, links=Links(request), **context)


# -- the lists, as pages and as exports ---------------------------------------------------------------------------
def list_page(kind: str) -> Any:
    """The handler of ``/KIND``: the page of a list with its facets."""

    def handler(request: Request) -> Response:
        listing = lists.LISTS[kind](request.app.state.web.api(), request.query_params)
        return render(request, f"{kind}.html", page=listing,
                      paging=pager(request, listing.total, listing.limit, listing.offset),
                      similarity=similarity, terms=listing.filters.get("q"), highlight=highlight_terms,
                      span_link=views.span_link)

    return handler


def list_export(kind: str, ext: str) -> Any:
    """The handler of ``/KIND.csv`` and ``/KIND.json``: exactly the rows of the page with the same query."""

    def handler(request: Request) -> Response:
        web = request.app.state.web
        api = web.api()
        roots = api.ingest_roots()
        headers = {"Content-Disposition": f'inline; filename="{kind}.{ext}"'}
        if ext == "csv" and request.query_params.get("_stream"):
            rows = lists.stream_csv(web.api, kind, request.query_params, roots)
            return StreamingResponse(iterate_in_threadpool(rows), media_type="text/csv; charset=utf-8",
                                     headers=headers)
        listing = lists.LISTS[kind](api, request.query_params)
        if ext == "csv":
            return Response(lists.csv_text(kind, listing.records, roots), media_type="text/csv; charset=utf-8",
                            headers=headers)
        return Response(lists.json_body(listing, roots), media_type="application/json")

    return handler


# -- pages ------------------------------------------------------------------------------------------------
def home(request: Request) -> Response:
    """Search people and organisations (names and aliases) and quotes (full text, terms marked); the latest
    articles."""
    api = request.app.state.web.api()
    q = P.text(request.query_params, "q")
    offset = _offset(request.query_params)
    people: list[Any] = []
    quotes: Any = []
    quote_pager = None
    if q:
        people = [h for h in api.search(q, limit=PAGE) if h.kind == "entity"]
        quotes = api.quotes(q=q, limit=PAGE, offset=offset)
        quote_pager = pager(request, quotes.total, PAGE, offset)
    latest = api.articles(sort="-date", limit=10)
    return render(request, "home.html", q=q or "", people=people, quotes=quotes, quote_pager=quote_pager,
                  latest=latest, article_total=latest.total, highlight=highlight_terms)


def article(request: Request) -> Response:
    """The original text with every quote highlighted and coloured by speaker (unsure ones marked), furniture
    greyed; ``span=S-E`` outlines one piece of evidence (a stance, a role) and anchors it as ``#s-S-E``."""
    api = request.app.state.web.api()
    art = api.article(request.path_params["id"])
    focus = P.span(request.query_params, "span", len(art.text))
    segments = api.segments(art.id)
    quotes = api.all_quotes(article=art.id)
    colours = speaker_colours(quotes)
    low = P.DEFAULT_MIN_CONFIDENCE
    return render(request, "article.html", art=art, url=safe_url(art.url), quotes=quotes, colours=colours,
                  sure=[q for q in quotes if q.confidence >= low], unsure=[q for q in quotes if q.confidence < low],
                  body=highlight_article(art.text, segments, quotes, focus=focus, min_confidence=low),
                  furniture=sum(s.kind == "furniture" for s in segments),
                  source=views.public_source(art.source, api.ingest_roots()))


def entity(request: Request) -> Response:
    """A person or organisation for a journalist: a summary (roles now, what they are most quoted on, counts by
    outlet, the stance chart) and tabs loaded one at a time: what they said, what others said about them, their
    stances, claims against their own words, statements reported by several articles, roles, descriptions."""
    api = request.app.state.web.api()
    params = request.query_params
    ent = api.entity(request.path_params["id"])
    about = P.text(params, "about")
    tab = P.text(params, "tab", max_len=20) or "overview"
    if tab not in TABS:
        tab = "overview"
    low = P.DEFAULT_MIN_CONFIDENCE
    everything = P.confidence(params, low) == 0
    mc = None if everything else low
    stances = api.all_stances(holder=ent.id, target=about)
    toward = views.stances_toward(api, ent.id, about)
    others = views.quotes_by_others(api, ent, about, mc)
    claims = views.group_by_claim(api.contradictions_about(ent.id, about))
    said = api.quotes(by=ent.id, about=about, min_confidence=mc, limit=1)
    said_all = api.quotes(by=ent.id, about=about, limit=1).total
    statements = api.statements(by=ent.id, min_articles=2, limit=PAGE)
    counts = {"overview": 1, "said": said_all, "others": len(others) + len(toward), "stances": len(stances),
              "claims": sum(len(g.claims) for g in claims), "statements": statements.total, "roles": len(ent.roles),
              "descriptions": len(ent.descriptors)}
    context: dict[str, Any] = {}
    if tab == "overview":
        latest = api.articles(sort="-date", limit=1)
        by_outlet = {v.value: v.count for v in api.quote_facets(by=ent.id, fields=("outlet",))[0].values}
        now, described = views.roles_now(ent, latest[0].date if latest else None)
        context.update(chart=views.stance_chart(stances, ent.name, about), labels=sorted({s.label for s in stances}),
                       outlets=views.outlet_table(ent, by_outlet), roles_now=now, roles_described=described,
                       latest_date=latest[0].date if latest else None,
                       recent=api.quotes(by=ent.id, about=about, min_confidence=low, sort="-date", limit=3))
    elif tab == "said":
        offset = _offset(params, "said")
        said = api.quotes(by=ent.id, about=about, min_confidence=mc, limit=PAGE, offset=offset)
        context.update(said=said, said_pager=pager(request, said.total, PAGE, offset, "said"))
    elif tab == "others":
        offset = _offset(params, "others")
        context.update(others_page=others[offset:offset + PAGE],
                       others_pager=pager(request, len(others), PAGE, offset, "others"))
    return render(request, "entity.html", ent=ent, about=about or "", tab=tab, tabs=TABS, counts=counts,
                  stances=stances, toward=toward, claims=claims, statements=statements, everything=everything,
                  hidden=said_all - said.total if not everything else 0, topics=views.topics(api, ent.id),
                  descriptors=views.descriptors_by_outlet(ent.descriptors), span_link=views.span_link,
                  similarity=similarity, **context)


def statement(request: Request) -> Response:
    """Every report of one statement across outlets, each worded against the first report, with how much of
    their words they share (what a report adds counts against it)."""
    api = request.app.state.web.api()
    st = api.statements(P.path_id(request.path_params["id"], "statement"))[0]
    reports = list(st.reports)
    ref = reports[0].text if reports else ""
    rows = [(r, word_diff(ref, r.text) if i else None, similarity(ref, r.text)) for i, r in enumerate(reports)]
    return render(request, "statement.html", st=st, rows=rows, outlets=sorted({r.outlet or "" for r in reports}),
                  articles=len({r.article_id for r in reports}))


def routes() -> list[Route]:
    out = [Route("/", home), Route("/articles/{id}", article), Route("/entities/{id}", entity),
           Route("/statements/{id}", statement)]
    for kind in lists.LISTS:
        out += [Route(f"/{kind}", list_page(kind), name=kind),
                Route(f"/{kind}.csv", list_export(kind, "csv"), name=f"{kind}_csv"),
                Route(f"/{kind}.json", list_export(kind, "json"), name=f"{kind}_json")]
    return out
