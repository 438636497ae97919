"""The ASGI app: JSON API under /api/, server-rendered pages, static files, security headers, one error shape.

``create_app("onrecord.db")`` serves a store read-only; a write token enables POST /api/articles.
"""
from __future__ import annotations

import contextlib
import csv
import io
import logging
import threading
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import onrecord
from onrecord import Onrecord
from onrecord.errors import (
    Ambiguous,
    BadParameter,
    InputError,
    NotAllowed,
    NotFound,
    OnrecordError,
    StoreFull,
    StoreReadOnly,
    TooLarge,
)
from onrecord.web import api, pages
from onrecord.web.markup import colour_key, credited, speaker_label, visible_controls
from onrecord.web.params import default_min_confidence
from onrecord.web.svg import glyph, label_class

HERE = Path(__file__).resolve().parent
log = logging.getLogger("onrecord.web")

SECURITY_HEADERS = [
    (b"content-security-policy", (b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                  b"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every HTTP response, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Web:
    """What the routes share: a read-only query API per worker thread, the templates, the write settings."""

    def __init__(self, db_path: str, write_token: str | None, time_limit: float | None = None) -> None:
        self.db_path = db_path
        self.write_token = write_token or None
        self.time_limit = time_limit  # seconds an upload's analysis may go without progress (None: the setting)
        self._pool: Any = None  # the uploads' analysis workers, started with the first upload
        self._pool_lock = threading.Lock()
        self._local = threading.local()
        self._opened: list[Onrecord] = []
        self._opened_lock = threading.Lock()
        self.templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                                            autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize)
        self.templates.filters["pathpart"] = lambda v: urllib.parse.quote(str(v), safe="")
        self.templates.globals.update(speaker_label=speaker_label, credited=credited, colour_key=colour_key,
                                      label_class=label_class, glyph=glyph,
                                      default_confidence=default_min_confidence(),
                                      reported_cut=onrecord.settings.value("reported_min_confidence"),
                                      is_unsure=lambda q: not onrecord.shown_at(q, default_min_confidence()))

    def api(self) -> Onrecord:
        """This thread's read-only connection (SQLite connections are not shared between threads)."""
        api = getattr(self._local, "api", None)
        if api is None:
            api = onrecord.open(self.db_path, readonly=True, migrate=False)
            self._local.api = api
            with self._opened_lock:
                self._opened.append(api)
        return api

    def pool(self) -> Any:
        """The analysis worker pool every upload shares (``onrecord.analysis_pool``), made on first use."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = onrecord.analysis_pool(time_limit=self.time_limit)
            return self._pool

    def close(self) -> None:
        with self._opened_lock:
            for api in self._opened:
                api.close()
            self._opened.clear()
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**context), status_code=status_code)


def _finalize(value: Any) -> Any:
    """Every value a template prints: plain text has its bidirectional controls shown instead of applied (a
    U+202E in a name or a quote would otherwise display the text after it reversed); built markup is left as it
    is (web.markup and web.svg neutralise them as they build)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible_controls(value)
    return value


def check_store(db_path: str) -> None:
    """StoreError unless ``db_path`` is a store this onrecord can serve as it is: serving never writes, so an
    older schema is refused with a message saying to run ``onrecord migrate``."""
    onrecord.open(db_path, readonly=True, migrate=False).close()


# errors as HTTP statuses (subclasses first), and the library's stable codes for statuses raised by the server
STATUS = {Ambiguous: 409, TooLarge: 413, BadParameter: 400, InputError: 400, NotFound: 404, NotAllowed: 403,
          StoreReadOnly: 503, StoreFull: 507}
CODES = {400: BadParameter.code, 401: NotAllowed.code, 403: NotAllowed.code, 404: NotFound.code,
         405: BadParameter.code, 409: Ambiguous.code, 413: TooLarge.code, 415: InputError.code,
         500: OnrecordError.code}


def error_response(request: Request, status: int, message: str, code: str | None = None) -> Response:
    """The one error shape, {"error": {"code", "message"}}, as JSON under /api/ and for a .json export, as CSV
    (error, code, message) for a .csv export, and as a page elsewhere."""
    code = code or CODES.get(status, OnrecordError.code)
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path.endswith(".json"):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    if path.endswith(".csv"):  # an export's error in the export's format, for the program reading it
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([("error", "code", "message"), (status, code, message)])
        return Response(buf.getvalue(), status_code=status, media_type="text/csv; charset=utf-8")
    web: Web = request.app.state.web
    return web.render("error.html", status_code=status, status=status, message=message,
                      request_path=request.url.path)


async def on_onrecord_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OnrecordError)
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
    return error_response(request, status, exc.message, exc.code)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "no such page or endpoint", 405: f"method {request.method} is not allowed here"}.get(
        exc.status_code, str(exc.detail))
    if exc.status_code not in (404, 405) and exc.detail:
        message = str(exc.detail)
    resp = error_response(request, exc.status_code, message)
    for k, v in (exc.headers or {}).items():
        resp.headers[k] = v
    return resp


async def on_server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "internal error: the server log has the details")


def create_app(db_path: str, *, write_token: str | None = None, time_limit: float | None = None) -> Starlette:
    """An ASGI app serving the store at ``db_path`` read-only (plus POST /api/articles when a token is set, each
    upload analysed under ``time_limit``: seconds without progress, default the ``time_limit`` setting)."""
    check_store(db_path)
    web = Web(db_path, write_token, time_limit)
    routes = [*api.routes(), *pages.routes(),
              Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static")]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        web.close()

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        OnrecordError: on_onrecord_error, HTTPException: on_http_error, Exception: on_server_error})
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app
