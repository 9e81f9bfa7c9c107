"""The worklist: open denials, filtered, sorted and paged by the store (never in Python here).

The same query parameters drive the page (``/``) and the API (``/api/denials``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from recoup.store import DenialPage, DenialQuery, DenialRow
from recoup.store.teamwork import ASSIGNEE_ME
from recoup.triage.model import LANES
from recoup.web.deps import Viewer, app_state, reader
from recoup.web.errors import BadRequest
from recoup.web.teamwork import worklist_context

__all__ = ["SORTS", "WorklistParams", "router"]

router = APIRouter()

SORTS = ("deadline", "-deadline", "amount", "-amount", "patient", "payer", "lane")
STATUSES = ("open", "sent", "active", "closed", "all")
PER_PAGE = (25, 50, 100, 200)


MAX_DUE_DAYS = 3650
MAX_AMOUNT = Decimal("1000000000")


@dataclass(frozen=True, slots=True)
class WorklistParams:
    """The worklist's filters as the browser sends them (all text, possibly empty)."""

    lane: str = ""
    payer: str = ""
    code: str = ""
    patient: str = ""
    due: str = ""  # due within this many days (overdue included)
    min_amount: str = ""
    q: str = ""
    status: str = "open"
    sort: str = "deadline"
    page: int = 1
    per_page: int = 50
    assignee: str = ""  # a user name, "(me)" or "(none)" (see recoup.store.teamwork)
    follow_up: str = ""  # due, week, set, none

    def to_query(self, today: date) -> DenialQuery:
        if self.lane and self.lane not in LANES:
            raise BadRequest(f"unknown lane {self.lane!r}: one of {', '.join(LANES)}")
        if self.sort not in SORTS:
            raise BadRequest(f"unknown sort {self.sort!r}: one of {', '.join(SORTS)}")
        if self.status not in STATUSES:
            raise BadRequest(f"unknown status {self.status!r}: one of {', '.join(STATUSES)}")
        due: int | None = None
        if self.due.strip():
            try:
                due = int(self.due)
            except ValueError:
                raise BadRequest(
                    f"due within {self.due[:20]!r} days is not a whole number"
                ) from None
            if not 0 <= due <= MAX_DUE_DAYS:
                raise BadRequest(f"due within N days takes N from 0 to {MAX_DUE_DAYS}")
        minimum: Decimal | None = None
        if self.min_amount.strip():
            try:
                minimum = Decimal(self.min_amount.strip().lstrip("$").replace(",", ""))
            except InvalidOperation:
                raise BadRequest(f"minimum amount {self.min_amount!r} is not a number") from None
            if not minimum.is_finite() or abs(minimum) > MAX_AMOUNT:
                raise BadRequest(f"the minimum amount must be a number up to {MAX_AMOUNT}")
        try:
            return self._query(today, due, minimum)
        except ValueError as exc:  # the store's own checks: a request problem, not a crash
            raise BadRequest(str(exc)) from None

    def _query(self, today: date, due: int | None, minimum: Decimal | None) -> DenialQuery:
        return DenialQuery(
            lane=self.lane or None,
            payer=self.payer.strip() or None,
            code=self.code.strip() or None,
            patient=self.patient.strip() or None,
            status=self.status,
            due_within_days=due,
            min_amount=minimum,
            text=self.q.strip() or None,
            sort=self.sort,
            page=max(self.page, 1),
            per_page=self.per_page if self.per_page in PER_PAGE else 50,
            today=today,
            assigned_to=self.assignee.strip() or None,
            follow_up=self.follow_up.strip() or None,
        )

    def as_params(self) -> dict[str, Any]:
        defaults = WorklistParams()
        return {
            name: getattr(self, name)
            for name in (f.name for f in fields(self))
            if getattr(self, name) != getattr(defaults, name)
        }


def params(
    lane: str = "",
    payer: str = "",
    code: str = "",
    patient: str = "",
    due: str = Query("", description="due within this many days (overdue included)"),
    min_amount: str = "",
    q: str = Query("", description="free text: claim number, patient, payer, code"),
    status: str = Query("open", description="open, sent, closed or all"),
    sort: str = Query("deadline", description=" | ".join(SORTS)),
    page: int = Query(1, ge=1, le=1_000_000),
    per_page: int = Query(50, ge=1, le=200),
    assignee: str = Query("", description="a user name, (me) or (none)"),
    follow_up: str = Query("", description="due, week, set or none"),
) -> WorklistParams:
    return WorklistParams(
        lane,
        payer,
        code,
        patient,
        due,
        min_amount,
        q,
        status,
        sort,
        page,
        per_page,
        assignee,
        follow_up,
    )


def build_query(request: Request, wanted: WorklistParams, viewer: Viewer) -> DenialQuery:
    """The store query the page shows: the bulk actions and the exports use the same one."""
    query = replace(wanted.to_query(app_state(request).today()), practice_keys=viewer.practices)
    if query.assigned_to == ASSIGNEE_ME:
        query = replace(query, assigned_to=viewer.username)
    return query


def _fetch(
    request: Request, wanted: WorklistParams, viewer: Viewer
) -> tuple[DenialPage, DenialQuery]:
    state = app_state(request)
    query = build_query(request, wanted, viewer)
    page = state.store.denials(query)
    state.store.audit(
        viewer.username,
        "worklist.view",
        detail=f"page {query.page}: {len(page.rows)} of {page.total} denials",
    )
    return page, query


@router.get("/", include_in_schema=False)
def worklist_page(
    request: Request, wanted: WorklistParams = Depends(params), viewer: Viewer = Depends(reader)
) -> Response:
    state = app_state(request)
    page, query = _fetch(request, wanted, viewer)
    pages = max((page.total + query.per_page - 1) // query.per_page, 1)
    template = "_worklist_results.html" if request.headers.get("hx-request") else "worklist.html"
    return state.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "page": page,
            "query": query,
            "wanted": wanted,
            "current": wanted.as_params(),
            "pages": pages,
            "today": state.today(),
            "lanes": LANES,
            "sorts": SORTS,
            **worklist_context(request, viewer),
        },
    )


def row_json(row: DenialRow) -> dict[str, Any]:
    data: dict[str, Any] = row.to_dict()
    data["url"] = f"/denials/{row.id}"
    return data


@router.get("/api/denials", tags=["worklist"])
def api_denials(
    request: Request, wanted: WorklistParams = Depends(params), viewer: Viewer = Depends(reader)
) -> dict[str, Any]:
    """Open denials (by default), filtered, sorted and paged; totals by lane for the filter."""
    page, query = _fetch(request, wanted, viewer)
    today = app_state(request).today()
    return {
        "today": today.isoformat(),
        "page": query.page,
        "per_page": query.per_page,
        "total": page.total,
        "total_amount": str(page.total_amount),
        "totals_by_lane": {lane: str(v) for lane, v in page.totals_by_lane.items()},
        "rows": [row_json(row) for row in page.rows],
    }
