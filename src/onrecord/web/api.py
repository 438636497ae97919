"""The JSON API under /api/: one table of endpoints drives both the routes and the OpenAPI document.

Handlers parse parameters (web.params), call one ``Onrecord`` method and serialise its typed records. Sources are
shown relative to what was ingested (``upload:NAME`` for uploads), URLs only when http(s); every path answers
OPTIONS with the methods it allows.
"""
from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import onrecord
from onrecord.errors import BadParameter, InputError
from onrecord.web import params as P
from onrecord.web.views import jsonable, permalink, present

MAX_UPLOAD = 5 * 1024 * 1024
STATEMENT_REPORTS = 20  # reports per statement in /api/statements unless ?reports= says otherwise


@dataclass
class Param:
    name: str
    description: str
    type: str = "string"
    required: bool = False
    where: str = "query"
    format: str | None = None


@dataclass
class Endpoint:
    path: str
    summary: str
    handler: Callable[..., Any]
    params: list[Param] = field(default_factory=list)
    method: str = "GET"
    paged: bool = False


def page(records: Any, limit: int, offset: int, roots: list[str] | None = None, cap: int | None = None
         ) -> dict[str, Any]:
    """{"items", "total", "limit", "offset"}: ``total`` counts every match before paging; when it was counted up to
    ``cap`` and reached it, ``"total_capped": true`` says it is a floor ("at least")."""
    items = [present(r, roots or []) for r in records]
    out = {"items": jsonable(items), "total": getattr(records, "total", len(items) + offset),
           "limit": limit, "offset": offset}
    if cap is not None and out["total"] >= cap:
        out["total_capped"] = True
    return out


# -- handlers: (web, request) -> JSON value -----------------------------------------------------------------
def get_quotes(web: Any, req: Request) -> Any:
    limit, offset = P.paging(req.query_params)
    api = web.api()
    res = api.quotes(**P.quote_filters(req.query_params), sort=P.sort(req.query_params), limit=limit, offset=offset,
                     count_cap=api.count_cap)
    return page(res, limit, offset, api.ingest_roots(), api.count_cap)


def get_articles(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    api = web.api()
    res = api.articles(outlet=P.texts(q, "outlet"), since=P.date(q, "since"), until=P.date(q, "until"),
                       sort=P.sort(q), limit=limit, offset=offset)
    return page(res, limit, offset, api.ingest_roots())


def get_article(web: Any, req: Request) -> Any:
    api = web.api()
    roots = api.ingest_roots()
    art = api.article(req.path_params["id"])
    out = jsonable(present(art, roots))
    out["segments"] = jsonable(api.segments(art.id))
    out["quotes"] = jsonable([present(q, roots) for q in api.all_quotes(article=art.id)])
    return out


def get_entities(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    res = web.api().entity_index(type=P.text(q, "type", max_len=40), outlet=P.texts(q, "outlet"), q=P.text(q, "q"),
                                 sort=P.sort(q), limit=limit, offset=offset)
    return page(res, limit, offset)


def get_entity(web: Any, req: Request) -> Any:
    api = web.api()
    rec = api.entity(req.path_params["id"])
    body = {**jsonable(rec), "portrayal": jsonable(onrecord.portrayal.portrayal_by_outlet(api, rec.id))}
    for d in body["descriptors"]:  # each description's evidence with its permalink
        for ev in d["evidence"]:
            ev["permalink"] = permalink("descriptor", (ev["article_id"], ev["start"], ev["end"]))
    return body


def get_tone(web: Any, req: Request) -> Any:
    """How the outlets portray someone and how speakers speak of them (``onrecord.portrayal.summary``)."""
    q = req.query_params
    api = web.api()
    by = tuple(g for g in (P.text(q, "by", max_len=40) or "").split(",") if g)
    f = onrecord.portrayal.tone_filter(api, P.text(q, "name", required=True) or "", label=P.text(q, "tone", max_len=20),
                                       outlet=P.texts(q, "outlet"), since=P.date(q, "since"), until=P.date(q, "until"),
                                       kind=P.text(q, "kind", max_len=20))
    return {"filter": f.describe(), "about_ids": list(f.about_ids),
            "groups": jsonable(onrecord.portrayal.summary(api, f, by))}


def sliced(records: Any, q: Any) -> dict[str, Any]:
    """Page an unpaged list of records (timeline, contradictions) with limit and offset."""
    limit, offset = P.paging(q)
    items = list(records)
    return {"items": jsonable(items[offset:offset + limit]), "total": len(items), "limit": limit, "offset": offset}


def get_timeline(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    res = web.api().timeline(P.text(q, "name", required=True), about=P.text(q, "about"),
                             since=P.date(q, "since"), until=P.date(q, "until"), limit=limit, offset=offset)
    body = page(res, limit, offset, cap=web.api().count_cap)
    for item in body["items"]:  # each stance, quote and change of position with its permalink
        item["permalink"] = permalink(item["kind"], item["id"]) if item.get("id") is not None else None
    return body


def get_stances(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    api = web.api()
    res = api.stances(holder=P.text(q, "holder"), target=P.text(q, "target"),
                      label=P.text(q, "label", max_len=40), since=P.date(q, "since"),
                      until=P.date(q, "until"), outlet=P.texts(q, "outlet"), min_confidence=P.confidence(q),
                      sort=P.sort(q), limit=limit, offset=offset, count_cap=api.count_cap)
    return page(res, limit, offset, cap=api.count_cap)


def get_contradictions(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    return page(web.api().contradictions(P.text(q, "name"), about=P.text(q, "about"),
                                         min_confidence=P.confidence(q), limit=limit, offset=offset), limit, offset)


def get_statements(web: Any, req: Request) -> Any:
    """A page of statements, each with its first ``reports`` reports (a statement reported thousands of times
    would otherwise make the page megabytes) and, when that is not all of them, ``reports_total``."""
    q = req.query_params
    limit, offset = P.paging(q)
    shown = P.integer(q, "reports", STATEMENT_REPORTS, 1, P.MAX_LIMIT)
    api = web.api()
    res = api.statements(by=P.text(q, "by"), q=P.text(q, "q"),
                         min_reports=P.integer(q, "min_reports", 1, 1, 1000),
                         min_articles=P.integer(q, "min_articles", 1, 1, 1000), outlet=P.texts(q, "outlet"),
                         since=P.date(q, "since"), until=P.date(q, "until"), sort=P.sort(q),
                         limit=limit, offset=offset, count_cap=api.count_cap, reports=shown)
    out = page(res, limit, offset, cap=api.count_cap)
    cut = [item["id"] for item in out["items"] if len(item["reports"]) >= shown]
    counts = api.statement_counts(cut)
    for item in out["items"]:
        if item["id"] in counts and counts[item["id"]]["reports"] != len(item["reports"]):
            item["reports_total"] = counts[item["id"]]["reports"]
    return out


def get_statement(web: Any, req: Request) -> Any:
    """One statement with one page of its reports (``limit``, ``offset``); when that is not every report, how many
    it has in all (``reports_total``) and the paging."""
    limit, offset = P.paging(req.query_params, default=100)
    api = web.api()
    sid = P.path_id(req.path_params["id"], "statement")
    out = jsonable(api.statements(sid, reports=limit, reports_offset=offset)[0])
    total = api.statement_counts([sid]).get(sid, {}).get("reports", 0)
    if offset or total != len(out["reports"]):
        out.update(reports_total=total, limit=limit, offset=offset)
    return out


def get_search(web: Any, req: Request) -> Any:
    q = req.query_params
    limit, offset = P.paging(q)
    api = web.api()
    return page(api.search(P.text(q, "q", required=True), limit=limit, offset=offset, count_cap=api.count_cap),
                limit, offset, cap=api.count_cap)


# -- the one write endpoint ---------------------------------------------------------------------------------
def check_token(web: Any, req: Request) -> None:
    """403 when writing is off; 401 unless ``Authorization: Bearer <token>`` matches (constant-time)."""
    if not web.write_token:
        raise HTTPException(403, "writing is off on this server: start it with --write-token "
                                 "(or ONRECORD_WRITE_TOKEN) to accept uploads")
    scheme, _, given = req.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), web.write_token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required to upload",
                            headers={"WWW-Authenticate": "Bearer"})


async def read_body(req: Request) -> bytes:
    if int(req.headers.get("content-length") or 0) > MAX_UPLOAD:
        raise HTTPException(413, f"the upload is over the limit of {MAX_UPLOAD:,} bytes")
    body = bytearray()
    async for chunk in req.stream():
        body += chunk
        if len(body) > MAX_UPLOAD:
            raise HTTPException(413, f"the upload is over the limit of {MAX_UPLOAD:,} bytes")
    return bytes(body)


def upload_record(content_type: str, body: bytes, query: Any) -> dict[str, Any]:
    """The uploaded article as one JSONL record: a JSON object, or plain text with metadata in the query."""
    if content_type == "application/json":
        try:
            obj = json.loads(body)
        except RecursionError as exc:  # [[[[...]]]] deeper than the parser goes
            raise BadParameter("the body is not valid JSON (it is nested too deeply)") from exc
        except ValueError as exc:  # not JSON, not UTF-8/16/32, an integer of thousands of digits
            raise BadParameter(f"the body is not valid JSON ({exc})") from exc
        if not isinstance(obj, dict):
            raise BadParameter("the JSON body must be an object with a 'text' field")
        return {k: obj[k] for k in ("text", "title", "outlet", "date", "url", "id", "name") if k in obj}
    if content_type == "text/plain":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadParameter("a text/plain upload must be UTF-8") from exc
        meta = {k: P.text(query, k) for k in ("title", "outlet", "url", "name")}
        return {"text": text, "date": P.date(query, "date"), **{k: v for k, v in meta.items() if v}}
    raise HTTPException(415, "send application/json ({\"text\": ..., \"title\"?, \"outlet\"?, \"date\"?, "
                             "\"url\"?}) or text/plain")


def ingest_record(db_path: str, record: dict[str, Any], pool: Any = None) -> tuple[str, str | None, str | None]:
    """Ingest one record through the real pipeline, its source ``upload:`` + the client's id or name, analysed in
    ``pool`` (``onrecord.analysis_pool``: worker processes under the time limit); returns (status, article id,
    reason)."""
    name = record.get("id") or record.get("name")
    source = f"upload:{name}" if name else "upload"
    report = onrecord.ingest_articles([{**record, "source": source}], db_path, source="upload", pool=pool)
    ev = report.events[-1]
    return ev.status, ev.article_id, ev.reason


async def post_article(req: Request) -> Response:
    web = req.app.state.web
    check_token(web, req)
    body = await read_body(req)
    record = upload_record(req.headers.get("content-type", "").split(";")[0].strip().lower(), body,
                           req.query_params)

    def run() -> tuple[str, str | None, str | None]:
        # uploads run side by side, each analysed in the shared worker pool under the time limit; SQLite
        # serialises their writes (each waits for the write lock as a second ingest process would)
        return ingest_record(web.db_path, record, web.pool())

    status, article_id, reason = await run_in_threadpool(run)
    if status in ("failed", "skipped"):
        raise InputError("upload", reason or status)
    return JSONResponse({"status": status, "id": article_id, "reason": reason},
                        status_code=201 if status == "ingested" else 200)


# -- the table -------------------------------------------------------------------------------------------------
LIMIT = Param("limit", f"page size, 1 to {P.MAX_LIMIT} (_size is another name for it)", "integer")
OFFSET = Param("offset", "number of results to skip", "integer")
SINCE = Param("since", "from this date (YYYY-MM-DD, YYYY-MM or YYYY)", format="date")
UNTIL = Param("until", "up to this date (YYYY-MM-DD, YYYY-MM or YYYY)", format="date")


def sorts(*keys: str) -> list[Param]:
    return [Param("_sort", f"sort by one of {', '.join(keys)}, ascending"),
            Param("_sort_desc", f"sort by one of {', '.join(keys)}, descending")]


ENDPOINTS = [
    Endpoint("/api/quotes", "Quotes with speakers, cues, confidence, method and character offsets", get_quotes, [
        Param("by", "speaker name, alias or entity id (spokespeople count for their principal)"),
        Param("about", "name of whom or what the quote mentions"),
        Param("outlet", "outlet name, in any case; repeated: any of them"), SINCE, UNTIL,
        Param("q", "full-text search in the quoted words (every word must occur)"),
        Param("kind", "direct, partial, indirect or mixed"),
        Param("article", "article id (or a unique prefix of 4+ characters)"),
        Param("min_confidence", "only attributions at least this sure, 0 to 1 (the pages default to "
              f"{P.default_min_confidence()}; the API to every quote)", "number"),
        Param("method", "how the attribution was found: rules or learned"),
        *sorts("date", "outlet", "speaker", "confidence", "kind"), LIMIT, OFFSET], paged=True),
    Endpoint("/api/articles", "Articles with paragraph, furniture and quote counts (oldest first unless sorted)",
             get_articles, [Param("outlet", "outlet name, in any case; repeated: any of them"), SINCE, UNTIL,
                            *sorts("date", "outlet", "title", "quotes"), LIMIT, OFFSET], paged=True),
    Endpoint("/api/articles/{id}", "One article: original text, segments and quotes", get_article,
             [Param("id", "article id, or a unique prefix of 4+ characters (409 when several match)", required=True,
                    where="path")]),
    Endpoint("/api/articles", "Upload one article to ingest (needs the server's write token)", post_article, [
        Param("title", "title, for a text/plain upload"), Param("outlet", "outlet, for a text/plain upload"),
        Param("date", "date, for a text/plain upload", format="date"), Param("url", "URL, for a text/plain upload"),
        Param("name", "a name for the upload, for a text/plain upload (its source becomes upload:NAME)")],
        method="POST"),
    Endpoint("/api/entities", "People, organisations, countries and groups with quotes by and about them, articles, "
             "outlets and mentions (most mentioned first unless sorted)", get_entities,
             [Param("type", "person, organisation, country or group"),
              Param("outlet", "only entities in this outlet's articles, counted there"),
              Param("q", "words in the name or an alias"),
              *sorts("name", "type", "quotes_by", "quotes_about", "articles", "outlets", "mentions"), LIMIT, OFFSET],
             paged=True),
    Endpoint("/api/entities/{id}", "One entity: aliases, roles over time (from, to, evidence), mentions and "
             "descriptors by outlet (loaded ones marked), quote counts, portrayal by outlet (tone, with evidence)",
             get_entity,
             [Param("id", "entity id (person:jeremy-corbyn), name or alias", required=True, where="path")]),
    Endpoint("/api/timeline", "A person's stances (their own and those claimed for them) and quotes in date order",
             get_timeline, [Param("name", "name, alias or entity id", required=True),
                            Param("about", "only stances toward, and quotes containing, this name or words"),
                            SINCE, UNTIL, LIMIT, OFFSET], paged=True),
    Endpoint("/api/stances", "Stances: who condemns, supports, urges ... whom, when, by whose account", get_stances, [
        Param("holder", "who holds the stance: name, alias or entity id (spokespeople count for their principal)"),
        Param("target", "whom or what the stance is toward: name, alias or entity id"),
        Param("label", "a stance label, e.g. condemn, support, urge, accuse"), SINCE, UNTIL,
        Param("outlet", "outlet name, in any case; repeated: any of them"),
        Param("min_confidence", "only stances at least this sure, 0 to 1 (the pages default to "
              f"{P.default_min_confidence()}; the API to every stance)", "number"),
        *sorts("date", "label", "holder", "target", "outlet"), LIMIT, OFFSET], paged=True),
    Endpoint("/api/tone", "How the outlets portray someone in their own sentences and how each speaker speaks of them: "
             "sentences by tone, mean tone (-1 to 1) and evidence (article id, sentence and mention offsets)", get_tone,
             [Param("name", "whom: name, alias or entity id", required=True),
              Param("by", "group by outlet, month or both (comma-separated); speech is always per speaker"),
              Param("kind", "portrayal (the outlets' own sentences) or speech (quoted words)"),
              Param("tone", "only sentences of this tone: negative, neutral or positive"),
              Param("outlet", "outlet name, in any case; repeated: any of them"), SINCE, UNTIL]),
    Endpoint("/api/contradictions", "Claims about someone's stance set against their own or their spokespeople's "
             "words going the other way", get_contradictions,
             [Param("name", "whose stance: name, alias or entity id (all when absent)"),
              Param("about", "only pairs whose topic or targets match this name or words"),
              Param("min_confidence", "only pairs at least this sure, 0 to 1 (the pages default to "
                    f"{P.default_min_confidence()}; the API to every pair)", "number"), LIMIT, OFFSET],
             paged=True),
    Endpoint("/api/statements", "Statements (one statement, many reports across articles) with their first reports",
             get_statements, [Param("by", "speaker name, alias or entity id"),
                              Param("q", "full-text search in the reported words"),
                              Param("min_reports", "only statements reported at least this often", "integer"),
                              Param("min_articles", "only statements reported in at least this many articles",
                                    "integer"),
                              Param("outlet", "only statements this outlet reported"), SINCE, UNTIL,
                              Param("reports", f"reports shown per statement (default {STATEMENT_REPORTS}; a "
                                    "statement with more says how many in reports_total; all of them: "
                                    "/api/statements/{id})", "integer"),
                              *sorts("date", "speaker", "reports", "articles"), LIMIT, OFFSET], paged=True),
    Endpoint("/api/statements/{id}", "One statement with a page of its reports across outlets (reports_total "
             "counts them all)", get_statement,
             [Param("id", "statement id", "integer", required=True, where="path"), LIMIT, OFFSET]),
    Endpoint("/api/search", "Entities whose name or alias contains the text, then quotes containing its words; "
             "total counts both", get_search, [Param("q", "search text", required=True), LIMIT, OFFSET], paged=True),
]


ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]  # the endpoint answers 405 itself


def allowed(web: Any, methods: list[str]) -> list[str]:
    """The methods a path answers: its endpoints' (POST only while uploads are on), HEAD with GET, OPTIONS."""
    out = [m for m in methods if m != "POST" or web.write_token]
    return out + (["HEAD"] if "GET" in out else []) + ["OPTIONS"]


def path_route(path: str, eps: list[Endpoint]) -> Route:
    """One route per path answering its endpoints' methods, OPTIONS (204 and Allow) and 405 with a true Allow."""
    by_method = {ep.method: ep for ep in eps}

    async def endpoint(request: Request) -> Response:
        web = request.app.state.web
        method = "GET" if request.method == "HEAD" else request.method
        allow = ", ".join(allowed(web, list(by_method)))
        if method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        ep = by_method.get(method)
        if ep is None:
            raise HTTPException(405, headers={"Allow": allow})
        P.known(request.query_params, [p.name for p in ep.params if p.where == "query"], ep.path)
        if method == "POST":
            return await ep.handler(request)
        return JSONResponse(await run_in_threadpool(ep.handler, web, request))

    return Route(path, endpoint, methods=ANY_METHOD, name=eps[0].handler.__name__)


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document, generated from ENDPOINTS."""
    error = {"description": "error",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    paths: dict[str, Any] = {}
    for ep in ENDPOINTS:
        ok: dict[str, Any] = {"description": "a page of results: items, total, limit, offset" if ep.paged else "ok",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}
                                                               if ep.paged else {"type": "object"}}}}
        op: dict[str, Any] = {
            "summary": ep.summary, "operationId": ep.handler.__name__,
            "parameters": [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                            "description": p.description,
                            "schema": {"type": p.type, **({"format": p.format} if p.format else {})}}
                           for p in ep.params],
            "responses": {"200": ok, "400": error, "404": error, "409": error, "500": error}}
        if ep.method == "POST":
            op["security"] = [{"bearer": []}]
            op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object", "required": ["text"],
                "properties": {k: {"type": "string"} for k in ("text", "title", "outlet", "date", "url", "id",
                                                                 "name")}}},
                "text/plain": {"schema": {"type": "string"}}}}
            op["responses"] = {"201": {"description": "ingested"}, "200": {"description": "already stored"},
                               "401": error, "403": error, "413": error}
        paths.setdefault(ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "onrecord", "version": onrecord.__version__,
                 "description": "Who said what about whom, sourced to the character, from news articles."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Page": {"type": "object", "properties": {"items": {"type": "array"}, "total": {"type": "integer"},
                                                          "limit": {"type": "integer"},
                                                          "offset": {"type": "integer"}}}}}}


def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi())


def api_docs(request: Request) -> Response:
    return request.app.state.web.render("api_docs.html", spec=openapi(), request_path=request.url.path)


def read_only(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A GET page that answers OPTIONS too."""
    def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, HEAD, OPTIONS"})
        return handler(request)

    return endpoint


def routes() -> list[Route]:
    paths: dict[str, list[Endpoint]] = {}
    for ep in ENDPOINTS:
        paths.setdefault(ep.path, []).append(ep)
    return [Route("/api/openapi.json", read_only(openapi_json), methods=["GET", "OPTIONS"]),
            Route("/api/docs", read_only(api_docs), methods=["GET", "OPTIONS"]),
            *[path_route(path, eps) for path, eps in paths.items()]]
