"""A billing team's work: bulk actions on the worklist, a denial's assignment, follow-up,
status and notes, "My work", the calendar feeds and the CSV / Excel exports.

Forms and API calls that change data take ``Depends(writer)`` (sign-in, role, CSRF token); the
store writes each change with its audit entry. Exports and bulk actions on "all matching the
filter" use the worklist page's own query (:func:`recoup.web.routes.worklist.build_query`), so
they hold exactly what the page shows, on every page of it.

The calendar feed ``GET /calendar/{token}.ics`` needs no session (calendar apps cannot sign
in): the unguessable token is the credential. Each user makes (and remakes, which ends the old
address) their own on the My work page; the store keeps only its SHA-256.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from recoup import exports, reminders
from recoup.store import DenialRow
from recoup.store.teamwork import BulkResult, status_label
from recoup.web.deps import AppState, Viewer, app_state, reader, writer
from recoup.web.errors import BadRequest, NotFound
from recoup.web.filters import query as qs
from recoup.web.routes.dashboard import practice_filter
from recoup.web.routes.worklist import WorklistParams, build_query, params, row_json

__all__ = ["router"]

router = APIRouter()

MAX_BULK = 5000  # rows one bulk action changes; more is a narrower filter
FEED_DAYS = 366  # a calendar feed holds what comes due within a year (and what is overdue)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Action = Literal["assign", "follow_up", "status", "sent", "write_off"]


class BulkBody(BaseModel):
    action: Action
    ids: list[int] = Field(default_factory=list, max_length=MAX_BULK)
    matching: dict[str, str] | None = Field(
        None, description="instead of ids: every denial these worklist filters match"
    )
    assignee: str | None = Field(None, description="assign: a user name; empty unassigns")
    follow_up_on: date | None = Field(None, description="follow_up: the day (null clears)")
    status: str | None = Field(None, description="status: new, working, waiting_on_payer")
    sent_date: date | None = None
    channel: str | None = None
    reason: str | None = Field(None, description="write_off: a reason code")


class WorkBody(BaseModel):
    assignee: str | None = None
    follow_up_on: date | None = None
    status: str | None = None


class NoteBody(BaseModel):
    kind: Literal["note", "call"] = "note"
    text: str = Field("", max_length=4000)
    contact: str = Field("", max_length=200)
    reference: str = Field("", max_length=200)


def _row(state: AppState, key: str, viewer: Viewer) -> DenialRow:
    """The denial, when it is of a practice the viewer may see: else 404, like an id that
    does not exist."""
    row = state.store.denial(key, today=state.today(), practice_keys=viewer.practices)
    if row is None:
        raise NotFound(f"no denial {key!r}: it may have been re-imported under a new number")
    return row


def _day(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"{what} {text[:20]!r} is not a date (YYYY-MM-DD)") from None


def _who(value: str | None, viewer: Viewer) -> str | None:
    if value is None or not value.strip():
        return None
    return viewer.username if value.strip() == "(me)" else value.strip()


def _apply(state: AppState, body: BulkBody, ids: list[int], viewer: Viewer) -> BulkResult:
    """One bulk action on ``ids``; a store refusal is a 400 naming it. Ids of a practice the
    viewer may not see are refused as "no such denial", like ids that do not exist."""
    if not ids:
        raise BadRequest("choose at least one denial (or all matching the filter)")
    chosen = list(dict.fromkeys(ids))
    ids = state.store.visible_ids(chosen, viewer.practices)
    if not ids:
        raise NotFound("none of the chosen denials is in the store")
    hidden = tuple((i, f"there is no denial {i} in the store") for i in chosen if i not in ids)
    result = _act(state, body, ids, viewer)
    return BulkResult(result.done, result.refused + hidden)


def _act(state: AppState, body: BulkBody, ids: list[int], viewer: Viewer) -> BulkResult:
    if len(ids) > MAX_BULK:
        raise BadRequest(f"{len(ids)} denials is more than {MAX_BULK} at once: narrow the filter")
    store, user = state.store, viewer.username
    try:
        if body.action == "assign":
            return BulkResult(tuple(store.assign(ids, _who(body.assignee, viewer), user)))
        if body.action == "follow_up":
            return BulkResult(tuple(store.set_follow_up(ids, body.follow_up_on, user)))
        if body.action == "status":
            return BulkResult(tuple(store.set_work_status(ids, body.status or "", user)))
        if body.action == "sent":
            if body.sent_date is None or not body.channel:
                raise BadRequest("marking as sent needs the date sent and the channel")
            return store.mark_sent_many(ids, body.sent_date, body.channel, user)
        if not body.reason:
            raise BadRequest("a write-off needs its reason")
        return store.write_off(ids, body.reason, state.today(), user)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _matching(request: Request, values: dict[str, str], viewer: Viewer) -> list[int]:
    text: dict[str, Any] = {
        name: v
        for name, v in values.items()
        if name in WorklistParams.__dataclass_fields__ and name not in ("page", "per_page")
    }
    wanted = WorklistParams(**text)
    query = build_query(request, wanted, viewer)
    return app_state(request).store.matching_ids(query, today=app_state(request).today())


def _form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/worklist/bulk", include_in_schema=False)
async def bulk_form(request: Request, viewer: Viewer = Depends(writer)) -> Response:
    """The worklist's selection (or every denial the filter matches) and one action."""
    state = app_state(request)
    form = await request.form()
    filters = {
        name: _form_text(form, name)
        for name in WorklistParams.__dataclass_fields__
        if name not in ("page", "per_page") and _form_text(form, name)
    }
    if _form_text(form, "all_matching"):
        ids = _matching(request, filters, viewer)
    else:
        raw = [v for v in form.getlist("ids") if isinstance(v, str)]
        if not all(v.isdigit() for v in raw):
            raise BadRequest("the chosen denials must be denial numbers")
        ids = [int(v) for v in raw]
    action = _form_text(form, "action")
    if action not in ("assign", "follow_up", "status", "sent", "write_off"):
        raise BadRequest("choose what to do with the chosen denials")
    body = BulkBody(
        action=action,  # type: ignore[arg-type]
        matching=None,
        assignee=_form_text(form, "to_user"),
        follow_up_on=_day(_form_text(form, "call_back_on"), "the call-back date"),
        status=_form_text(form, "work_status") or None,
        sent_date=_day(_form_text(form, "sent_date"), "the date sent"),
        channel=_form_text(form, "channel") or None,
        reason=_form_text(form, "reason") or None,
    )
    result = _apply(state, body, ids, viewer)
    back = {k: v for k, v in filters.items() if k in WorklistParams.__dataclass_fields__}
    target = qs(
        back,
        done_bulk=action,
        n=str(len(result.done)),
        refused=str(len(result.refused)) if result.refused else None,
    )
    return RedirectResponse(f"/?{target}", status_code=303)


@router.post("/api/denials/bulk", tags=["team"])
def api_bulk(request: Request, body: BulkBody, viewer: Viewer = Depends(writer)) -> dict[str, Any]:
    """One action on many denials: assign, set the follow-up, set the status, mark as sent or
    write off (with a reason code). ``ids`` or ``matching`` (worklist filters, e.g.
    ``{"lane": "appeal", "payer": "Aetna"}``) says which."""
    ids = _matching(request, body.matching, viewer) if body.matching is not None else body.ids
    result = _apply(app_state(request), body, ids, viewer)
    return {
        "action": body.action,
        "chosen": len(ids),
        "done": list(result.done),
        "refused": [{"id": i, "reason": r} for i, r in result.refused],
    }


# -- one denial ----------------------------------------------------------------------------------


def _work(state: AppState, row: DenialRow, body: WorkBody, viewer: Viewer) -> None:
    """Apply what differs from the row (each change audited by the store)."""
    store, user = state.store, viewer.username
    try:
        assignee = _who(body.assignee, viewer)
        if assignee != row.assigned_to:
            store.assign([row.id], assignee, user)
        if body.follow_up_on != row.follow_up_on:
            store.set_follow_up([row.id], body.follow_up_on, user)
        if body.status and body.status != row.work_status:
            store.set_work_status([row.id], body.status, user)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


@router.post("/denials/{key}/work", include_in_schema=False)
def work_form(
    request: Request,
    key: str,
    to_user: str = Form(""),
    call_back_on: str = Form(""),
    work_status: str = Form(""),
    viewer: Viewer = Depends(writer),
) -> Response:
    state = app_state(request)
    row = _row(state, key, viewer)
    body = WorkBody(
        assignee=to_user,
        follow_up_on=_day(call_back_on, "the call-back date"),
        status=work_status or None,
    )
    _work(state, row, body, viewer)
    return RedirectResponse(f"/denials/{row.id}?done=work#h-work", status_code=303)


@router.post("/api/denials/{key}/work", tags=["team"])
def api_work(
    request: Request, key: str, body: WorkBody, viewer: Viewer = Depends(writer)
) -> dict[str, Any]:
    """Set who works the denial, when to call back and its status (the fields given; an
    empty assignee unassigns, a null follow-up clears it)."""
    state = app_state(request)
    _work(state, _row(state, key, viewer), body, viewer)
    return row_json(_row(state, key, viewer))


def _note(state: AppState, row: DenialRow, body: NoteBody, viewer: Viewer) -> dict[str, Any]:
    try:
        note = state.store.add_note(
            row.id,
            viewer.username,
            body.text,
            kind=body.kind,
            contact=body.contact,
            reference=body.reference,
        )
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return note.to_dict()


@router.post("/denials/{key}/notes", include_in_schema=False)
def note_form(
    request: Request,
    key: str,
    kind: str = Form("note"),
    text: str = Form(""),
    contact: str = Form(""),
    reference: str = Form(""),
    viewer: Viewer = Depends(writer),
) -> Response:
    state = app_state(request)
    row = _row(state, key, viewer)
    if kind not in ("note", "call"):
        raise BadRequest("a note is a note or a call")
    body = NoteBody(kind=kind, text=text[:4000], contact=contact[:200], reference=reference[:200])  # type: ignore[arg-type]
    _note(state, row, body, viewer)
    return RedirectResponse(f"/denials/{row.id}?done=note#h-notes", status_code=303)


@router.post("/api/denials/{key}/notes", tags=["team"])
def api_add_note(
    request: Request, key: str, body: NoteBody, viewer: Viewer = Depends(writer)
) -> dict[str, Any]:
    """Add a note or a call (whom you spoke to, their reference number, what they said)."""
    state = app_state(request)
    return _note(state, _row(state, key, viewer), body, viewer)


@router.get("/api/denials/{key}/notes", tags=["team"])
def api_notes(request: Request, key: str, viewer: Viewer = Depends(reader)) -> dict[str, Any]:
    """A denial's notes and calls, newest first, with author and time (UTC)."""
    state = app_state(request)
    row = _row(state, key, viewer)
    state.store.audit(
        viewer.username,
        "denial.notes_view",
        patient_id=row.patient_id or row.patient_account,
        denial_id=row.denial_id,
    )
    return {"denial": row.id, "notes": [n.to_dict() for n in state.store.notes(row.id)]}


# -- my work and calendars -----------------------------------------------------------------------


def _my_work_page(request: Request, viewer: Viewer, new_feed: str | None = None) -> Response:
    state = app_state(request)
    today = state.today()
    work = state.store.my_work(viewer.username, today, practice_keys=viewer.practices)
    state.store.audit(viewer.username, "my_work.view")
    return state.templates.TemplateResponse(
        request,
        "my_work.html",
        {
            "viewer": viewer,
            "work": work,
            "today": today,
            "has_feed": state.store.has_calendar(viewer.username),
            "status_label": status_label,
            "new_feed": new_feed,
        },
    )


@router.get("/my-work", include_in_schema=False)
def my_work_page(request: Request, viewer: Viewer = Depends(reader)) -> Response:
    return _my_work_page(request, viewer)


@router.get("/api/my-work", tags=["team"])
def api_my_work(
    request: Request,
    days: int = Query(14, ge=0, le=366),
    viewer: Viewer = Depends(reader),
) -> dict[str, Any]:
    """Assigned to me; my follow-ups due today or overdue; my deadlines within ``days``; and
    nobody's deadlines within ``days``."""
    state = app_state(request)
    work = state.store.my_work(viewer.username, state.today(), days, practice_keys=viewer.practices)
    state.store.audit(viewer.username, "my_work.view")
    return {
        "user": work.username,
        "today": work.today.isoformat(),
        "days": work.days,
        "follow_ups": [row_json(r) for r in work.follow_ups],
        "deadlines": [row_json(r) for r in work.deadlines],
        "assigned": [row_json(r) for r in work.assigned],
        "unassigned_deadlines": [row_json(r) for r in work.unassigned_deadlines],
    }


@router.post("/me/calendar-link", include_in_schema=False)
def new_calendar_link(request: Request, viewer: Viewer = Depends(writer)) -> Response:
    """A new secret feed address (the old one stops working), shown once on the page. Like
    every write, it needs a role that may change data (those who are assigned denials)."""
    state = app_state(request)
    token = state.store.new_calendar_token(viewer.username)
    url = f"{str(request.base_url).rstrip('/')}/calendar/{token}.ics"
    return _my_work_page(request, viewer, new_feed=url)


def _ics(
    request: Request, state: AppState, username: str, practices: frozenset[str] | None
) -> Response:
    today = state.today()
    found = state.store.reminders(today, FEED_DAYS, username, practice_keys=practices)
    items = found.get(username, [])
    body = reminders.calendar(
        items,
        f"recoup: {username}",
        now=datetime.now().astimezone(),
        base_url=str(request.base_url),
    )
    state.store.audit(username, "calendar.feed", detail=f"{len(items)} events")
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/me/calendar.ics", include_in_schema=False)
def my_calendar(request: Request, viewer: Viewer = Depends(reader)) -> Response:
    return _ics(request, app_state(request), viewer.username, viewer.practices)


@router.get("/calendar/{token}.ics", include_in_schema=False)
def calendar_feed(request: Request, token: str) -> Response:
    """A user's deadlines and follow-ups as an iCalendar feed; the secret token (made on the
    My work page) is the credential, so calendar apps can subscribe."""
    state = app_state(request)
    name = state.store.calendar_user(token)
    practices: frozenset[str] | None = None
    if name is not None and state.multi_user:
        account = state.store.user(name)
        if account is None or account.disabled:
            name = None
        else:  # the practices the user may see today, not when the link was made
            practices = state.store.allowed_practices(account.username, account.role)
    if name is None:
        raise NotFound("no such calendar feed: make a new link on the My work page")
    return _ics(request, state, name, practices)


# -- exports -------------------------------------------------------------------------------------


def _download(data: bytes, media: str, name: str) -> Response:
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _export_worklist(
    request: Request, wanted: WorklistParams, viewer: Viewer, fmt: str
) -> Response:
    state = app_state(request)
    today = state.today()
    query = build_query(request, wanted, viewer)
    rows = state.store.all_denials(query, today=today)
    state.store.audit(
        viewer.username, "worklist.export", detail=f"format={fmt}: {len(rows)} denials"
    )
    name = f"worklist-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(exports.worklist_csv(rows), "text/csv; charset=utf-8", name)
    return _download(exports.worklist_xlsx(rows), XLSX, name)


@router.get("/worklist.csv", include_in_schema=False)
def worklist_csv(
    request: Request, wanted: WorklistParams = Depends(params), viewer: Viewer = Depends(reader)
) -> Response:
    """Every denial the worklist's filters match (all pages), as CSV."""
    return _export_worklist(request, wanted, viewer, "csv")


@router.get("/worklist.xlsx", include_in_schema=False)
def worklist_xlsx(
    request: Request, wanted: WorklistParams = Depends(params), viewer: Viewer = Depends(reader)
) -> Response:
    """Every denial the worklist's filters match (all pages), as an Excel workbook."""
    return _export_worklist(request, wanted, viewer, "xlsx")


@router.get("/dashboard/kpis.{fmt}", include_in_schema=False)
def kpis_export(
    request: Request,
    fmt: Literal["csv", "xlsx"],
    months: int = Query(12, ge=1, le=60),
    practice: str = Query("", max_length=200),
    viewer: Viewer = Depends(reader),
) -> Response:
    """The dashboard's tables (by reason code, payer and month) as CSV or Excel, for every
    practice or one (``practice``), as the dashboard shows them."""
    state = app_state(request)
    today = state.today()
    kpis = state.store.kpis(
        today,
        months=months,
        practice_keys=viewer.practices,
        practice=practice_filter(state.store, practice, viewer),
    )
    state.store.audit(viewer.username, "dashboard.export", detail=f"format={fmt}")
    name = f"kpis-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(exports.kpi_csv(kpis), "text/csv; charset=utf-8", name)
    return _download(exports.kpi_xlsx(kpis), XLSX, name)
