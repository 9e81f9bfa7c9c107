"""Signing in and out (multi-user mode), and the session an API client needs.

Passwords are checked by the store (argon2); attempts are rate-limited per user name and per
address by the store's login log (see :mod:`recoup.store.accounts`), the address being the
peer's or, from a trusted proxy, the one it forwarded. A failed login says only that the name or
password is wrong, and goes to the audit log. Each sign-in opens a session row in the store;
sign-out revokes it, so a copied cookie stops working at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from recoup.store import accounts
from recoup.web.deps import (
    app_state,
    check_csrf,
    client_address,
    current_viewer,
    session,
    viewer_of,
)
from recoup.web.errors import BadRequest, LoginRequired, TooManyAttempts
from recoup.web.security import SESSION_SECONDS, Session

__all__ = ["router"]

router = APIRouter()


class LoginBody(BaseModel):
    username: str
    password: str


def sign_in(request: Request, username: str, password: str) -> Session:
    """Check the password (rate-limited) and put the user in the session; raise otherwise."""
    state = app_state(request)
    if not state.multi_user:
        raise BadRequest("this server runs in single-user mode: there is nothing to sign in to")
    username = username.strip()[:64]
    now = datetime.now(UTC)
    remote = client_address(request)
    store = state.store
    attempt = accounts.begin_login(store.engine, username, remote, now)
    if attempt is None:
        store.audit(username or "-", "session.login_refused", detail=f"from {remote}")
        raise TooManyAttempts("too many failed sign-ins: wait a few minutes and try again")
    user = store.verify_login(username, password)
    accounts.finish_login(store.engine, attempt, user is not None)
    if user is None:
        store.audit(username or "-", "session.login_failed", detail=f"from {remote}")
        raise LoginRequired("the user name or password is wrong")
    sid = accounts.open_session(
        store.engine, user.username, now, timedelta(seconds=SESSION_SECONDS)
    )
    store.audit(user.username, "session.login", detail=f"from {remote}")
    signed = session(request).signed_in(user.username, user.role, sid)
    request.state.session = signed
    request.state.viewer = viewer_of(state, user.username, user.role)
    return signed


def sign_out(request: Request) -> None:
    state = app_state(request)
    viewer = current_viewer(request)
    current = session(request)
    if state.multi_user and current.sid:
        accounts.revoke_session(state.store.engine, current.sid, datetime.now(UTC))
    if viewer is not None and state.multi_user:
        state.store.audit(viewer.username, "session.logout")
    request.state.session = Session.fresh()
    request.state.viewer = None if state.multi_user else viewer


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    state = app_state(request)
    if not state.multi_user or current_viewer(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return state.templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "error": None}
    )


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login_form(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    next: str = Form("/"),
) -> Response:
    state = app_state(request)
    try:
        sign_in(request, username, password)
    except (LoginRequired, TooManyAttempts) as exc:
        return state.templates.TemplateResponse(
            request,
            "login.html",
            {"next": _safe_next(next), "error": exc.message, "username": username},
            status_code=exc.status,
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout_form(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login" if app_state(request).multi_user else "/", status_code=303)


def _session_json(request: Request) -> dict[str, Any]:
    viewer = current_viewer(request)
    return {
        "multi_user": app_state(request).multi_user,
        "username": viewer.username if viewer else None,
        "role": viewer.role if viewer else None,
        "csrf_token": session(request).csrf,
    }


@router.get("/api/session", tags=["session"])
def api_session(request: Request) -> dict[str, Any]:
    """Who is signed in, and the CSRF token to send as ``X-CSRF-Token`` on changes."""
    return _session_json(request)


@router.post("/api/login", tags=["session"], dependencies=[Depends(check_csrf)])
def api_login(request: Request, body: LoginBody) -> dict[str, Any]:
    """Sign in; the answer carries the new CSRF token (the old one stops working)."""
    sign_in(request, body.username, body.password)
    return _session_json(request)


@router.post("/api/logout", tags=["session"], dependencies=[Depends(check_csrf)])
def api_logout(request: Request) -> dict[str, Any]:
    sign_out(request)
    return _session_json(request)
