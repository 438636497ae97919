"""Server-rendered HTML pages: search, an entity, an article with its quotes highlighted, a statement's
reports side by side, contradictions. Handlers gather typed records; templates (autoescaped) format them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from onrecord.errors import BadParameter
from onrecord.web import params as P
from onrecord.web.markup import (
    highlight_article,
    safe_url,
    speaker_colours,
    speaker_label,
    word_diff,
)
from onrecord.web.svg import Point, timeline_svg

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
    """Search people, organisations and quotes; the latest articles."""
    api = request.app.state.web.api()
    q = P.text(request.query_params, "q")
    offset = _offset(request.query_params)
    people: dict[str, str] = {}
    quotes: Any = []
    quote_pager = None
    if q:
        by = api.quotes(by=q, limit=1)  # the name as a speaker (names, aliases and entity ids match)
        if by:
            people[speaker_label(by[0]) or q] = by[0].speaker_id or speaker_label(by[0]) or q
        quotes = api.quotes(q=q, limit=PAGE, offset=offset)
        quote_pager = pager(request, quotes.total, PAGE, offset)
        for r in quotes:  # the speakers of the quotes found
            name = speaker_label(r)
            if name and name not in people:
                people[name] = r.speaker_id or name
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
    """The original text with every quote highlighted and coloured by speaker, furniture greyed."""
    api = request.app.state.web.api()
    art = api.article(request.path_params["id"])
    segments = api.segments(art.id)
    quotes = api.all_quotes(article=art.id)
    colours = speaker_colours(quotes)
    return render(request, "article.html", art=art, url=safe_url(art.url), quotes=quotes, colours=colours,
                  body=highlight_article(art.text, segments, quotes),
                  furniture=sum(s.kind == "furniture" for s in segments))


def entity(request: Request) -> Response:
    """A person or organisation: roles, stance timeline, what they said, what others said, descriptors."""
    web = request.app.state.web
    api = web.api()
    params = request.query_params
    ent = api.entity(request.path_params["id"])
    said_off, about_off = _offset(params, "said"), _offset(params, "about")
    said = api.quotes(by=ent.id, limit=PAGE, offset=said_off)
    about = api.quotes(about=ent.name, limit=PAGE, offset=about_off)
    points = [Point(getattr(s, "date", None), getattr(s, "about", None) or "(no topic)",
                    getattr(s, "label", None) or "unknown", getattr(s, "text", "") or "",
                    f"/statements/{int(s.statement_id)}" if getattr(s, "statement_id", None) is not None else None)
              for s in api.timeline(ent.name)]
    labels = sorted({p.label for p in points})
    return render(request, "entity.html", ent=ent, said=said, about=about, chart=timeline_svg(
        points, title=f"Statements by {ent.name} over time"), labels=labels,
        said_pager=pager(request, said.total, PAGE, said_off, "said"),
        about_pager=pager(request, about.total, PAGE, about_off, "about"))


def statement(request: Request) -> Response:
    """Every report of one statement across outlets, each worded against the first report."""
    api = request.app.state.web.api()
    raw = request.path_params["id"]
    if not raw.isdigit() or len(raw) > 12:
        raise BadParameter(f"a statement id is a number, got {raw[:40]!r}")
    st = api.statement(int(raw))
    reports = list(st.reports)
    ref = reports[0].text if reports else ""
    rows = [(r, word_diff(ref, r.text) if i else None) for i, r in enumerate(reports)]
    return render(request, "statement.html", st=st, rows=rows)


def contradictions(request: Request) -> Response:
    """Claims and the counter-evidence, side by side, each linked to its place in the article."""
    api = request.app.state.web.api()
    name = P.text(request.query_params, "name")
    items = list(api.contradictions(name)) if name else []
    return render(request, "contradictions.html", name=name or "", items=items)


def routes() -> list[Route]:
    return [Route("/", home), Route("/articles", articles), Route("/articles/{id}", article),
            Route("/entities/{id}", entity), Route("/statements/{id}", statement),
            Route("/contradictions", contradictions)]
