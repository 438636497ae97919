"""One record on its own page (its permalink): a quote, a stance, a description, a contradiction or a change of
position, with each piece of its evidence in its paragraph, its article's title, outlet, date and URL, and a line
to cite it by; the same as JSON at the permalink with ``.json``.

Each kind is one loader: (api, the id from the URL) -> ``Shown``; one template draws them all.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from onrecord import Onrecord
from onrecord.errors import NotFound
from onrecord.formats import flat_contradiction
from onrecord.models import ReportRecord, StatementRecord
from onrecord.web import params as P
from onrecord.web import views
from onrecord.web.markup import speaker_label
from onrecord.web.views import Evidence

KINDS = {"contradiction": "contradiction pair", "change": "change of position", "descriptor": "description"}
JSON_EXTRAS = ("reports_total",)  # what a permalink's JSON adds beyond the record and its evidence


@dataclass
class Shown:
    """What a permalink page shows: the record, its URL, and its evidence, one piece or two (claim and
    counter-evidence; earlier and later words)."""

    kind: str  # quote | stance | descriptor | contradiction | change
    record: Any
    permalink: str
    pieces: list[Evidence]
    extra: dict[str, Any]  # what the template's line for the kind needs beyond the record

    @property
    def title(self) -> str:
        return f"{KINDS.get(self.kind, self.kind).capitalize()} {self.ident}"

    @property
    def ident(self) -> str:
        return self.permalink.split("/", 2)[2]

    def citation(self) -> str:
        return views.citation_of(self.pieces, self.permalink)


def quote(api: Onrecord, raw: str) -> Shown:
    q = api.quote(P.path_id(raw, "quote"))
    return Shown("quote", q, views.permalink("quote", q.id),
                 [views.evidence(api, "The quote", speaker_label(q), q.article_id, q.start, q.end, said=q.text)], {})


def stance(api: Onrecord, raw: str) -> Shown:
    s = api.stance(P.path_id(raw, "stance"))
    return Shown("stance", s, views.permalink("stance", s.id),
                 [views.evidence(api, "The stance", s.holder, s.article_id, s.start, s.end, said=s.text)], {})


def contradiction(api: Onrecord, raw: str) -> Shown:
    c = api.contradiction(P.path_id(raw, "contradiction"))
    flat = flat_contradiction(c)
    how = views.KINDS.get(c.kind, c.kind.replace("-", " "))
    return Shown("contradiction", c, views.permalink("contradiction", c.id), [
        views.evidence(api, f"The claim about {c.subject}’s stance", flat["claim_by"], c.claim.article_id,
                       c.claim.start, c.claim.end, said=c.claim.text),
        views.evidence(api, f"Against it: {how}", flat["counter_by"], c.counter.article_id, c.counter.start,
                       c.counter.end, said=c.counter.text)], {"how": how})


def change(api: Onrecord, raw: str) -> Shown:
    ch = api.position_change(P.path_id(raw, "change of position"))
    return Shown("change", ch, views.permalink("change", ch.id), [
        views.evidence(api, f"{when}, {side.date or 'undated'}", ch.holder, side.article_id, side.start, side.end,
                       said=side.text) for when, side in (("Earlier", ch.before), ("Later", ch.after))], {})


def descriptor(api: Onrecord, raw: str, span: str) -> Shown:
    art = api.article(raw)
    where = P.span({"span": span}, "span", len(art.text))
    assert where is not None  # a path segment is never blank
    d = api.descriptor(art.id, *where)
    names = api.entity_names(d.entity_id) if d.entity_id else []
    who = art.outlet or "the article"
    return Shown("descriptor", d, views.permalink("descriptor", (art.id, d.start, d.end)),
                 [views.evidence(api, "The description", who, art.id, d.start, d.end)],
                 {"entity": names[0] if names else None})


STATEMENT_REPORTS = 100  # a statement's JSON carries its first this many reports (its page pages them all)


def first_report(api: Onrecord, st: StatementRecord, first: list[ReportRecord]) -> Shown:
    """A statement on its page, cited by its first report (``first``: it, or nothing for a statement without)."""
    return Shown("statement", st, views.permalink("statement", st.id), [
        views.evidence(api, "First reported", st.speaker, r.article_id, r.start, r.end, said=r.text) for r in first
    ], {})


def statement(api: Onrecord, raw: str) -> Shown:
    """A statement, cited by its first report (the earliest article reporting it)."""
    sid = P.path_id(raw, "statement")
    found = api.statements(sid, reports=STATEMENT_REPORTS)
    if not found:
        raise NotFound(f"no statement with id {sid} (see `onrecord statements`)")
    st = found[0]
    shown = first_report(api, st, st.reports[:1])
    shown.extra["reports_total"] = api.statement_counts([sid]).get(sid, {}).get("reports", len(st.reports))
    return shown


LOADERS: dict[str, Callable[..., Shown]] = {"quotes": quote, "stances": stance, "contradictions": contradiction,
                                            "changes": change, "statements": statement}


def page(kind: str, json_form: bool = False) -> Callable[[Request], Response]:
    """The handler of ``/KIND/ID`` (``json_form``: ``/KIND/ID.json``): one record's permalink."""

    def handler(request: Request) -> Response:
        P.known(request.query_params, (), f"a {kind[:-1]}'s page")
        web = request.app.state.web
        api = web.api()
        if kind == "descriptors":
            shown = descriptor(api, request.path_params["article"], request.path_params["span"])
        else:
            shown = LOADERS[kind](api, request.path_params["id"])
        if json_form:
            body = {**views.record_json(shown.kind, shown.record, shown.pieces, shown.permalink, api.ingest_roots()),
                    **views.jsonable({k: v for k, v in shown.extra.items() if k in JSON_EXTRAS})}
            return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")
        return web.render("record.html", request_path=request.url.path, shown=shown, rec=shown.record,
                          kind=shown.kind, **shown.extra)

    return handler


__all__ = ["LOADERS", "Shown", "page"]
