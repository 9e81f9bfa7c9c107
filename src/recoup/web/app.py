"""The FastAPI application: settings, middleware, templates and the routers of each page.

    >>> app = create_app(Store.open("recoup.db"), multi_user=False)  # doctest: +SKIP

Middleware, outermost first: the gate (a Host check against DNS rebinding, the security headers
on every answer including 413 and 500, a body-size limit before anything is parsed, and the
sign-in check of an unsafe request before its body is read), then one that reads the session,
sets the cookie and writes the access log (method, route template, status, milliseconds: never a
query string, path parameter or body, which may name a patient).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from recoup import __version__
from recoup.store import Store
from recoup.web import filters
from recoup.web.deps import AppState
from recoup.web.errors import install_error_handlers
from recoup.web.gate import Gate
from recoup.web.network import HostPolicy, ProxyPolicy
from recoup.web.routes import ROUTERS
from recoup.web.security import SESSION_COOKIE, SESSION_SECONDS, Session, Signer, load_secret
from recoup.web.uploads import UploadLimits

__all__ = [
    "SERVE_CONFIG_ENV",
    "SESSION_COOKIE",
    "WORKER_HEADER_ENV",
    "app_from_environment",
    "create_app",
    "data_dir_for",
    "serve_config",
]

HERE = Path(__file__).parent
log = logging.getLogger("recoup.web")

# ``recoup serve --workers N``: each worker process builds its app from this (JSON, set by the
# parent before uvicorn starts the workers). Everything a worker shares with the others lives in
# the store (sessions, sign-in limits, the audit log, the work) or in the data folder (the
# secret key, made once by the parent, and the kept practice folders): nothing in its memory.
SERVE_CONFIG_ENV = "RECOUP_SERVE_CONFIG"
# Tests only: answer with the worker's process id in ``X-Recoup-Worker`` (off unless set to 1,
# so a production server never tells a client its process ids).
WORKER_HEADER_ENV = "RECOUP_TEST_WORKER_HEADER"


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
    allowed_hosts: Sequence[str] | None = None,
    port: int | None = None,
    trusted_proxies: Sequence[str] = (),
) -> FastAPI:
    """The recoup web app over ``store``. ``multi_user`` asks for logins and roles; without
    it every request acts as the local administrator (for 127.0.0.1 only: see ``recoup serve``).

    Single-user mode answers only to loopback Host names (with ``port`` when given); multi-user
    mode to ``allowed_hosts`` (``name`` or ``name:port``), or loopback names when none are
    given. ``trusted_proxies`` (addresses or networks) are the reverse proxies whose
    ``X-Forwarded-For`` is believed. Raises ValueError on a bad host or proxy.
    """
    if not multi_user and allowed_hosts:
        raise ValueError("single-user mode answers to loopback host names only")
    hosts = (
        HostPolicy.configured(allowed_hosts)
        if multi_user and allowed_hosts
        else HostPolicy.loopback(port)
    )
    folder = data_dir or data_dir_for(store)
    worker_header = os.environ.get(WORKER_HEADER_ENV) == "1"
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
        hosts=hosts,
        proxies=ProxyPolicy.of(trusted_proxies),
    )
    app = FastAPI(
        title="recoup",
        version=__version__,
        description="Denial management for medical practices: the JSON API behind every page. "
        "State-changing calls need the session cookie and its CSRF token in `X-CSRF-Token` "
        "(GET /api/session returns it).",
        docs_url=None,  # FastAPI's page loads swagger-ui from a CDN with an inline script: ours
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

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> Response:
        """The browsable API: vendored Swagger UI, started by a static script (see the CSP)."""
        return HTMLResponse(_API_DOCS)

    @app.middleware("http")
    async def around(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """One middleware (each costs a task switch): the cookie when the session changed, log."""
        started = time.perf_counter()
        # the gate has read and checked the session (request.state.session, .viewer)
        response = await call_next(request)
        final: Session = request.state.session
        if final is not request.state.session_in:
            _set_cookie(response, state, final)
        if worker_header:
            response.headers["x-recoup-worker"] = str(os.getpid())
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

    app.add_middleware(Gate, state=state)  # outermost of ours
    return app


def serve_config(
    url: str,
    *,
    multi_user: bool,
    today: date | None,
    data_dir: Path,
    allowed_hosts: Sequence[str],
    port: int,
    trusted_proxies: Sequence[str],
) -> str:
    """What :func:`app_from_environment` needs, as the JSON ``recoup serve`` puts in
    :data:`SERVE_CONFIG_ENV` for its worker processes."""
    return json.dumps(
        {
            "url": url,
            "multi_user": multi_user,
            "today": today.isoformat() if today else None,
            "data_dir": str(data_dir),
            "allowed_hosts": list(allowed_hosts),
            "port": port,
            "trusted_proxies": list(trusted_proxies),
        }
    )


def app_from_environment() -> FastAPI:
    """The app factory of a ``recoup serve --workers N`` worker process (uvicorn calls it in
    each one): its own connection pool to the store, the settings the parent checked."""
    config = json.loads(os.environ[SERVE_CONFIG_ENV])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store.open(config["url"])
    fixed = date.fromisoformat(config["today"]) if config["today"] else None
    app = create_app(
        store,
        multi_user=bool(config["multi_user"]),
        today=(lambda: fixed) if fixed else date.today,
        data_dir=Path(config["data_dir"]),
        allowed_hosts=config["allowed_hosts"] or None,
        port=int(config["port"]),
        trusted_proxies=config["trusted_proxies"],
    )
    app.router.on_shutdown.append(store.close)
    return app


_API_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recoup API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""


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
