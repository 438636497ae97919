"""Server-rendered HTML pages: search, an entity, an article with its quotes highlighted, a statement's
reports side by side, contradictions. Handlers call the query API (views shapes its records for the templates);
templates (autoescaped) format them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from onrecord.web import params as P
from onrecord.web import views
from onrecord.web.markup import highlight_article, safe_url, speaker_colours, word_diff

PAGE = 20


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
        return request.url.path + "?" + urlencode({**base, key: o}) + (f"#{key}" if key != "offset" else "")

    return Pager(total, limit, offset, url(max(0, offset - limit)) if offset > 0 else None,
                 url(offset + limit) if offset + limit < total else None)


def _offset(params: Mapping[str, str], key: str = "offset") -> int:
    return P.integer(params, key, 0, 0, P.MAX_OFFSET)


def render(request: Request, template: str, **context: Any) -> Response:
    web = request.app.state.web
    return web.render(template, request_path=request.url.path, **context)


# -- pages ------------------------------------------------------------------------------------------------
def home(request: Request) -> Response:
    """Search people and organisations (names and aliases) and quotes (full text); the latest articles."""
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
    total = api.articles(limit=1).total
    latest = list(reversed(api.articles(limit=10, offset=max(0, total - 10))))
    return render(request, "home.html", q=q or "", people=people, quotes=quotes, quote_pager=quote_pager,
                  latest=latest, article_total=total)


def articles(request: Request) -> Response:
    """Every article, paged, filterable by outlet and dates."""
    api = request.app.state.web.api()
    params = request.query_params
    offset = _offset(params)
    outlet, since, until = P.text(params, "outlet"), P.date(params, "since"), P.date(params, "until")
    res = api.articles(outlet=outlet, since=since, until=until, limit=PAGE * 2, offset=offset)
    return render(request, "articles.html", items=res, paging=pager(request, res.total, PAGE * 2, offset),
                  outlet=outlet or "", since=since or "", until=until or "")


def article(request: Request) -> Response:
    """The original text with every quote highlighted and coloured by speaker, furniture greyed; ``span=S-E``
    outlines one piece of evidence (a stance, a role) and anchors it as ``#s-S-E``."""
    api = request.app.state.web.api()
    art = api.article(request.path_params["id"])
    focus = P.span(request.query_params, "span", len(art.text))
    segments = api.segments(art.id)
    quotes = api.all_quotes(article=art.id)
    colours = speaker_colours(quotes)
    return render(request, "article.html", art=art, url=safe_url(art.url), quotes=quotes, colours=colours,
                  body=highlight_article(art.text, segments, quotes, focus=focus),
                  furniture=sum(s.kind == "furniture" for s in segments))


def entity(request: Request) -> Response:
    """A person or organisation: roles over time with evidence, their stances charted by label, what they
    said and what others said about them (both filterable by topic), claims against their own words, and how
    each outlet describes them."""
    api = request.app.state.web.api()
    params = request.query_params
    ent = api.entity(request.path_params["id"])
    about = P.text(params, "about")
    said_off, others_off = _offset(params, "said"), _offset(params, "others")
    said = api.quotes(by=ent.id, about=about, limit=PAGE, offset=said_off)
    stances = api.all_stances(holder=ent.id, target=about)
    others = views.quotes_by_others(api, ent, about)
    counter = views.contradictions_about(api, ent.id, about)
    return render(
        request, "entity.html", ent=ent, about=about or "", said=said,
        said_pager=pager(request, said.total, PAGE, said_off, "said"),
        stances=stances, chart=views.stance_chart(stances, ent.name, about),
        labels=sorted({s.label for s in stances}), topics=views.topics(api, ent.id),
        toward=views.stances_toward(api, ent.id, about),
        others=others[others_off:others_off + PAGE], others_pager=pager(request, len(others), PAGE, others_off,
                                                                        "others"),
        contradictions=counter, all_contradictions=len(api.contradictions(ent.id)) if about else len(counter),
        statements=api.statements(by=ent.id, min_reports=2, limit=PAGE),
        descriptors=views.descriptors_by_outlet(ent.descriptors), span_link=views.span_link)


def statement(request: Request) -> Response:
    """Every report of one statement across outlets, each worded against the first report."""
    api = request.app.state.web.api()
    st = api.statements(P.path_id(request.path_params["id"], "statement"))[0]
    reports = list(st.reports)
    ref = reports[0].text if reports else ""
    rows = [(r, word_diff(ref, r.text) if i else None) for i, r in enumerate(reports)]
    return render(request, "statement.html", st=st, rows=rows, outlets=sorted({r.outlet or "" for r in reports}))


def contradictions(request: Request) -> Response:
    """Claims about someone's stance beside their own (or their spokespeople's) words going the other way,
    each side linked to its characters in the article."""
    api = request.app.state.web.api()
    params = request.query_params
    name, about = P.text(params, "name"), P.text(params, "about")
    offset = _offset(params)
    items = views.contradictions_about(api, name, about)
    subject = None
    if name:
        subject = views.find_entity(api, name)
    return render(request, "contradictions.html", name=name or "", about=about or "", subject=subject,
                  items=items[offset:offset + PAGE], paging=pager(request, len(items), PAGE, offset),
                  span_link=views.span_link, by=views.vouched_by)


def routes() -> list[Route]:
    return [Route("/", home), Route("/articles", articles), Route("/articles/{id}", article),
            Route("/entities/{id}", entity), Route("/statements/{id}", statement),
            Route("/contradictions", contradictions)]
