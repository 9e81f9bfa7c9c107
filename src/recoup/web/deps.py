"""What every route needs: the app's settings, who is asking, and the checks on unsafe requests.

Routes declare these as FastAPI dependencies, so a route that changes data cannot forget the
CSRF check or the role check: ``Depends(writer)`` does both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from recoup.store import Store, accounts
from recoup.web.errors import CsrfRejected, Forbidden, LoginRequired
from recoup.web.network import HostPolicy, ProxyPolicy
from recoup.web.security import CSRF_FIELD, CSRF_HEADER, Session, Signer, tokens_match
from recoup.web.uploads import UploadLimits

__all__ = [
    "AppState",
    "Viewer",
    "admin",
    "app_state",
    "client_address",
    "reader",
    "resolve_viewer",
    "session",
    "viewer_of",
    "writer",
]

LOCAL_USER = "local"


@dataclass(frozen=True, slots=True)
class AppState:
    store: Store
    multi_user: bool
    signer: Signer
    today: Callable[[], date]
    data_dir: Path
    limits: UploadLimits
    secure_cookies: bool
    templates: Jinja2Templates
    hosts: HostPolicy
    proxies: ProxyPolicy


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person behind a request: a signed-in user, or the local user in single-user mode.

    ``practices`` is the one place practice access is decided: the practice keys this person
    may see, or ``None`` for every practice (an administrator, the local user, a grant of
    ``*``). Every store read a route makes passes it on (``DenialQuery.practice_keys``,
    ``Store.denial(practice_keys=)``, ``Store.kpis(practice_keys=)``,
    :func:`recoup.web.practices.visible_practices`); a denial, patient or document of another
    practice is "not found", never "forbidden", so its id is not confirmed."""

    username: str
    role: str
    practices: frozenset[str] | None = None

    def sees(self, practice_key: str) -> bool:
        return self.practices is None or practice_key in self.practices

    @property
    def can_change(self) -> bool:
        return self.role in ("admin", "biller")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.recoup
    return state


def session(request: Request) -> Session:
    current: Session = request.state.session
    return current


def resolve_viewer(state: AppState, current: Session) -> Viewer | None:
    """Who a session belongs to, checked against the store (run once per request)."""
    if not state.multi_user:
        return Viewer(LOCAL_USER, "admin")
    if not (current.username and current.role and current.sid):
        return None
    # the signed cookie says who signed in; the store's session row says whether that sign-in
    # is still live (not signed out or revoked), and the account whether, and as what, they may
    found = accounts.session_access(state.store.engine, current.sid, datetime.now(UTC))
    if found is None or found[0].username != current.username:
        return None
    account, practices = found
    return Viewer(account.username, account.role, practices)


def viewer_of(state: AppState, username: str, role: str) -> Viewer:
    """The viewer of a user who has just signed in, with the practices they may see."""
    with state.store.engine.connect() as conn:
        return Viewer(username, role, accounts.allowed_practices(conn, username, role))


def current_viewer(request: Request) -> Viewer | None:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return viewer


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted reverse proxy says it heard from."""
    peer = request.client.host if request.client else None
    return app_state(request).proxies.client(peer, request.headers.get("x-forwarded-for"))


def reader(request: Request) -> Viewer:
    """Anyone signed in (or the local user)."""
    viewer = current_viewer(request)
    if viewer is None:
        raise LoginRequired("sign in to continue")
    return viewer


async def check_csrf(request: Request) -> None:
    """The request echoes the session's CSRF token in a header or a form field."""
    expected = session(request).csrf
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not tokens_match(given, expected):
        raise CsrfRejected(
            "the security token of this form is missing or out of date: reload the page and "
            "try again"
        )


async def writer(request: Request) -> Viewer:
    """A user who may change data (admin, biller), on a request that passed the CSRF check."""
    viewer = reader(request)
    await check_csrf(request)
    if not viewer.can_change:
        raise Forbidden(f"the {viewer.role} role can look but not change anything")
    return viewer


async def admin(request: Request) -> Viewer:
    viewer = reader(request)
    if not viewer.is_admin:
        raise Forbidden("only an administrator can do this")
    if request.method not in ("GET", "HEAD"):
        await check_csrf(request)
    return viewer
