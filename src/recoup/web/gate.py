"""The app's outermost middleware: what every request passes before any route or body parser.

In order:

1. The Host header must be one the app answers to (:mod:`recoup.web.network`): a page that
   rebinds its own name to 127.0.0.1 gets 400 and no data.
2. Every answer gets the security headers (and ``Cache-Control: no-store`` outside
   ``/static``), including the 400, 401 and 413 answers made here.
3. The session cookie is read once, and in multi-user mode checked against the store's
   session row and account; the result is kept in ``request.state`` (``session``, ``viewer``).
4. An unsafe request (POST and the like) in multi-user mode needs a signed-in user before a
   byte of its body is read (an upload also a role that may change data), so an anonymous
   client cannot make the server spool 100 MB to disk only to be told 401. Sign-in and
   sign-out themselves are open.
5. A body larger than the limit is refused with 413 by its Content-Length when it has one, else
   by counting what arrives. Only the import routes take the upload limit; every other route
   takes :data:`SMALL_BODY_BYTES`.

This is a plain ASGI class rather than an ``@app.middleware`` function so that it can refuse a
request without Starlette reading the body first.
"""

from __future__ import annotations

import contextlib
import json
from html import escape
from urllib.parse import quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recoup.web.deps import AppState, Viewer, resolve_viewer
from recoup.web.security import SECURITY_HEADERS, SESSION_COOKIE, SESSION_SECONDS, Session

__all__ = ["OPEN_WRITES", "SMALL_BODY_BYTES", "UPLOAD_PATHS", "Gate"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_WRITES = frozenset({"/login", "/api/login", "/logout", "/api/logout"})
UPLOAD_PATHS = frozenset({"/import", "/api/imports"})
SMALL_BODY_BYTES = 1024 * 1024  # a form or JSON body: sign-in, sent, outcome, new user


class Gate:
    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        send = _with_headers(send, static=path.startswith("/static/"))
        headers = Headers(scope=scope)
        if not self.state.hosts.allows(headers.get("host")):
            await answer(scope, send, 400, "this server does not answer to that host name")
            return
        request = Request(scope)
        payload = self.state.signer.unsign(request.cookies.get(SESSION_COOKIE), SESSION_SECONDS)
        arrived = Session.from_payload(payload) if payload else None
        current = arrived or Session.fresh()
        viewer = resolve_viewer(self.state, current)
        if self.state.multi_user and current.username and viewer is None:
            current = Session.fresh()  # signed out, revoked or disabled: forget who it was
        kept = scope.setdefault("state", {})
        kept.update(session_in=arrived, session=current, viewer=viewer)
        method = str(scope.get("method", "GET")).upper()
        if method not in SAFE_METHODS and path not in OPEN_WRITES:
            refusal = _refusal(self.state, viewer, path)
            if refusal is not None:
                status, message = refusal
                await answer(scope, send, status, message)
                return
        limit = self.state.limits.max_request_bytes if path in UPLOAD_PATHS else SMALL_BODY_BYTES
        await _limited(self.app, scope, receive, send, limit)


def _refusal(state: AppState, viewer: Viewer | None, path: str) -> tuple[int, str] | None:
    if not state.multi_user:
        return None
    if viewer is None:
        return 401, "sign in to continue"
    if path in UPLOAD_PATHS and not viewer.can_change:
        return 403, f"the {viewer.role} role can look but not change anything"
    return None


def _with_headers(send: Send, *, static: bool) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS:
                headers.setdefault(name, value)
            if not static:
                headers.setdefault("cache-control", "no-store")
        await send(message)

    return sending


async def answer(scope: Scope, send: Send, status: int, message: str) -> None:
    """An error answered here: the API's JSON shape, or a small page (401: the sign-in form)."""
    path = str(scope.get("path", ""))
    headers: list[tuple[bytes, bytes]] = []
    if path.startswith("/api/"):
        body = json.dumps({"error": message}).encode()
        headers.append((b"content-type", b"application/json"))
    elif status == 401:
        body = b""
        status = 303
        headers.append((b"location", f"/login?next={quote(path)}".encode()))
    else:
        back = (
            '<a href="/import">Back to import</a>'
            if path in UPLOAD_PATHS
            else ('<a href="/">Back to the worklist</a>')
        )
        body = f"<!doctype html><title>recoup</title><p>{escape(message)}</p><p>{back}</p>".encode()
        headers.append((b"content-type", b"text/html; charset=utf-8"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


async def _limited(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Run the app, refusing a body over ``limit`` bytes with 413 (whatever the app answered
    after the count ran over is replaced by the 413)."""
    length = Headers(scope=scope).get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        await _too_large(scope, send, limit)
        return
    seen = 0
    exceeded = False

    async def counted() -> Message:
        nonlocal seen, exceeded
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            exceeded = True
            raise _BodyTooLarge
        return message

    async def guarded(message: Message) -> None:
        if not exceeded:
            await send(message)

    with contextlib.suppress(_BodyTooLarge):
        await app(scope, counted, guarded)
    if exceeded:
        await _too_large(scope, send, limit)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    if str(scope.get("path", "")) in UPLOAD_PATHS:
        mb = limit // (1024 * 1024)
        message = f"the upload is larger than the limit of {mb} MB: import fewer files at a time"
    else:
        message = f"the request is larger than the limit of {limit // 1024} KB"
    await answer(scope, send, 413, message)
