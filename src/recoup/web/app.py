"""The FastAPI application: settings, middleware, templates and the routers of each page.

    >>> app = create_app(Store.open("recoup.db"), multi_user=False)  # doctest: +SKIP

Middleware, outermost first: a body-size limit (before anything is parsed), then one that reads
the signed session cookie, sets the security headers and writes the access log (method, route
template, status, milliseconds: never a query string, path parameter or body, which may name a
patient).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recoup import __version__
from recoup.store import Store
from recoup.web import filters
from recoup.web.deps import AppState, current_viewer
from recoup.web.errors import install_error_handlers
from recoup.web.routes import ROUTERS
from recoup.web.security import Session, Signer, load_secret
from recoup.web.uploads import UploadLimits

__all__ = ["SESSION_COOKIE", "create_app", "data_dir_for"]

HERE = Path(__file__).parent
SESSION_COOKIE = "recoup_session"
SESSION_SECONDS = 12 * 3600
log = logging.getLogger("recoup.web")


def data_dir_for(store: Store) -> Path:
    """Next to the SQLite file; for PostgreSQL, ``./recoup-data``."""
    if store.url.startswith("sqlite"):
        database = store.engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            return Path(database).resolve().parent
    return Path("recoup-data").resolve()


def create_app(
    store: Store,
    *,
    multi_user: bool,
    today: Callable[[], date] = date.today,
    data_dir: Path | None = None,
    limits: UploadLimits | None = None,
    secure_cookies: bool = True,
) -> FastAPI:
    """The recoup web app over ``store``. ``multi_user`` asks for logins and roles; without
    it every request acts as the local administrator (for 127.0.0.1 only: see ``recoup serve``).
    """
    folder = data_dir or data_dir_for(store)
    templates = Jinja2Templates(directory=HERE / "templates")
    filters.install(templates.env)
    state = AppState(
        store=store,
        multi_user=multi_user,
        signer=Signer(load_secret(folder)),
        today=today,
        data_dir=folder,
        limits=limits or UploadLimits(),
        secure_cookies=secure_cookies,
        templates=templates,
    )
    app = FastAPI(
        title="recoup",
        version=__version__,
        description="Denial management for medical practices: the JSON API behind every page. "
        "State-changing calls need the session cookie and its CSRF token in `X-CSRF-Token` "
        "(GET /api/session returns it).",
        docs_url="/api/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.recoup = state
    templates.env.globals["multi_user"] = multi_user
    templates.env.globals["version"] = __version__
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def around(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """One middleware (each costs a task switch): session in, then headers, cookie, log."""
        started = time.perf_counter()
        payload = state.signer.unsign(request.cookies.get(SESSION_COOKIE), SESSION_SECONDS)
        current = Session.from_payload(payload) if payload else None
        request.state.session = current or Session.fresh()
        request.state.viewer = current_viewer(request)
        response = await call_next(request)
        final: Session = request.state.session
        if final is not current:
            _set_cookie(response, state, final)
        _security_headers(request, response)
        route = request.scope.get("route")
        template = getattr(route, "path", None) or (
            "/static/*" if request.url.path.startswith("/static/") else "<no route>"
        )
        log.info(
            "%s %s %d %.1fms",
            request.method,
            template,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    app.add_middleware(BodyLimit, limit=state.limits.max_request_bytes)  # outermost
    return app


def _security_headers(request: Request, response: Response) -> None:
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not request.url.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")


def _set_cookie(response: Response, state: AppState, session: Session) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.sign(session.payload()),
        max_age=SESSION_SECONDS,
        httponly=True,
        secure=state.secure_cookies,
        samesite="lax",
        path="/",
    )


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes with 413, before it is parsed: by its
    Content-Length when it has one, else by counting what arrives (whatever the app answered
    after the count ran over is replaced by the 413)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(scope, send, self.limit)
            return
        seen = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                exceeded = True
                raise _BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            if not exceeded:
                await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, counted, guarded)
        if exceeded:
            await _too_large(scope, send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    import json

    mb = limit // (1024 * 1024)
    message = f"the upload is larger than the limit of {mb} MB: import fewer files at a time"
    is_api = str(scope.get("path", "")).startswith("/api/")
    body = (
        json.dumps({"error": message}).encode()
        if is_api
        else (
            "<!doctype html><title>Upload too large</title><p>" + message + "</p>"
            '<p><a href="/import">Back to import</a></p>'
        ).encode()
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json" if is_api else b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
