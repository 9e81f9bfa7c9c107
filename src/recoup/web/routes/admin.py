"""Administration (multi-user mode): users (create, disable, enable), the practices each may
see, and the audit log.

Disabling an account ends every session of it at once (the store revokes them). A grant or
revocation of a practice holds from the user's next request (it is read on every request).
Administrators see every practice; a biller or read-only user sees the practices granted
(``*``: every one), none until granted."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from recoup.jsonout import to_jsonable
from recoup.store.accounts import ALL_PRACTICES
from recoup.web.deps import Viewer, admin, app_state
from recoup.web.errors import BadRequest

__all__ = ["router"]

router = APIRouter()


class NewUser(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["admin", "biller", "readonly"]
    practices: list[str] = Field(
        default_factory=list,
        max_length=500,
        description='practice keys (NPI, else name) the user may see; "*" for every one',
    )


class Grant(BaseModel):
    practice: str = Field(min_length=1, max_length=200, description='a practice key, or "*"')


def _known_practice(request: Request, text: str) -> str:
    """The key of the stored practice ``text`` names (key, NPI or name), or ``*``."""
    store = app_state(request).store
    key = store.practice_key(text)
    if key is None:
        known = sorted(p.key for p in store.practices())
        raise BadRequest(
            f"no practice {text.strip()[:80]!r} in the store: one of {', '.join(known)} or "
            f"{ALL_PRACTICES} (every practice)"
        )
    return key


def _grant(request: Request, username: str, key: str, viewer: Viewer) -> None:
    store = app_state(request).store
    key = _known_practice(request, key)
    try:
        store.grant_practice(username, key)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    store.audit(viewer.username, "user.grant_practice", detail=f"{username}: {key}")


def _revoke(request: Request, username: str, key: str, viewer: Viewer) -> None:
    store = app_state(request).store
    if store.user(username) is None:
        raise BadRequest(f"there is no user {username}")
    store.revoke_practice(username, key)
    store.audit(viewer.username, "user.revoke_practice", detail=f"{username}: {key}")


def _audit(request: Request, limit: int) -> list[Any]:
    entries: list[Any] = app_state(request).store.audit_entries(limit=limit)
    return entries


def _create(request: Request, body: NewUser, viewer: Viewer) -> None:
    store = app_state(request).store
    for key in body.practices:
        _known_practice(request, key)  # before the account exists: all or nothing
    try:
        store.create_user(body.username, body.password, body.role)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    store.audit(viewer.username, "user.create", detail=f"{body.username} ({body.role})")
    for key in body.practices:
        _grant(request, body.username, key, viewer)


@router.get("/admin", include_in_schema=False)
def admin_page(
    request: Request, limit: int = Query(200, ge=1, le=5000), viewer: Viewer = Depends(admin)
) -> Response:
    state = app_state(request)
    users = state.store.users()
    practices = {p.key: p.name for p in state.store.practices()}
    return state.templates.TemplateResponse(
        request,
        "admin.html",
        {
            "viewer": viewer,
            "entries": _audit(request, limit),
            "users": state.store.users(),
            "grants": {u.username: state.store.practice_grants(u.username) for u in users},
            "practices": practices,
            "notice": request.query_params.get("done"),
        },
    )


@router.post("/admin/users", include_in_schema=False)
def create_user_form(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form(...),
    practices: list[str] = Form([]),
    viewer: Viewer = Depends(admin),
) -> Response:
    try:
        body = NewUser(
            username=username,
            password=password,
            role=role,  # type: ignore[arg-type]
            practices=practices,
        )
    except ValidationError as exc:
        raise BadRequest("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())) from None
    _create(request, body, viewer)
    return RedirectResponse("/admin?done=user", status_code=303)


@router.post("/admin/users/{username}/practices", include_in_schema=False)
def practice_form(
    request: Request,
    username: str,
    practice: str = Form(...),
    action: str = Form("grant"),
    viewer: Viewer = Depends(admin),
) -> Response:
    if action == "revoke":
        _revoke(request, username, practice, viewer)
    else:
        _grant(request, username, practice, viewer)
    return RedirectResponse("/admin?done=practices", status_code=303)


@router.post("/api/users/{username}/practices", tags=["admin"])
def api_grant(
    request: Request, username: str, body: Grant, viewer: Viewer = Depends(admin)
) -> dict[str, Any]:
    """Let the user see a practice (``*``: every practice)."""
    _grant(request, username, body.practice, viewer)
    return {"username": username, "practices": app_state(request).store.practice_grants(username)}


@router.delete("/api/users/{username}/practices/{practice}", tags=["admin"])
def api_revoke(
    request: Request, username: str, practice: str, viewer: Viewer = Depends(admin)
) -> dict[str, Any]:
    """Take a practice away from the user (from their next request on)."""
    _revoke(request, username, practice, viewer)
    return {"username": username, "practices": app_state(request).store.practice_grants(username)}


class Disabled(BaseModel):
    disabled: bool


def _set_disabled(request: Request, username: str, disabled: bool, viewer: Viewer) -> None:
    if disabled and username == viewer.username:
        raise BadRequest("you cannot disable your own account: ask another administrator")
    store = app_state(request).store
    try:
        store.set_user_disabled(username, disabled)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    store.audit(viewer.username, "user.disable" if disabled else "user.enable", detail=username)


@router.post("/admin/users/{username}/disabled", include_in_schema=False)
def disable_user_form(
    request: Request,
    username: str,
    disabled: str = Form(...),
    viewer: Viewer = Depends(admin),
) -> Response:
    _set_disabled(request, username, disabled == "1", viewer)
    return RedirectResponse("/admin?done=disabled", status_code=303)


@router.put("/api/users/{username}/disabled", tags=["admin"])
def api_disable_user(
    request: Request, username: str, body: Disabled, viewer: Viewer = Depends(admin)
) -> dict[str, Any]:
    """Disable (or enable) a user; disabling ends their sessions at once."""
    _set_disabled(request, username, body.disabled, viewer)
    return {"username": username, "disabled": body.disabled}


@router.post("/api/users", tags=["admin"])
def api_create_user(
    request: Request, body: NewUser, viewer: Viewer = Depends(admin)
) -> dict[str, Any]:
    """Create a user (administrators only)."""
    _create(request, body, viewer)
    return {"username": body.username, "role": body.role, "practices": body.practices}


@router.get("/api/audit", tags=["admin"])
def api_audit(
    request: Request, limit: int = Query(200, ge=1, le=5000), viewer: Viewer = Depends(admin)
) -> dict[str, Any]:
    """The latest audit entries: who viewed or changed which patient's data, and when."""
    return {"entries": to_jsonable(_audit(request, limit))}


@router.get("/api/users", tags=["admin"])
def api_users(request: Request, viewer: Viewer = Depends(admin)) -> dict[str, Any]:
    """Every user with their role and practices (administrators only)."""
    store = app_state(request).store
    return {
        "users": [
            {
                "username": u.username,
                "role": u.role,
                "disabled": u.disabled,
                "practices": store.practice_grants(u.username),
            }
            for u in store.users()
        ]
    }
