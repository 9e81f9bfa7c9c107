"""One denial: what was denied and why, what to do, by when; and the actions on it.

Actions (each also under ``/api/denials/{key}/...``): download the appeal packet (DOCX, PDF,
Markdown, or the whole packet folder as a zip), mark it as sent, record the outcome (which
closes it and feeds the dashboard). Every view and change is written to the audit log with the
patient it concerns.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field, ValidationError

from recoup.codes import explain
from recoup.practice import Practice
from recoup.store import ClaimView, DenialRow
from recoup.web.charts import timeline_chart
from recoup.web.deps import AppState, Viewer, app_state, reader, writer
from recoup.web.errors import BadRequest, NotFound
from recoup.web.filters import CHANNELS, OUTCOME_LABELS
from recoup.web.packets import PACKET_FORMATS, claim_file, packet_file
from recoup.web.practices import stored_practices
from recoup.web.routes.benefits import patient_benefits
from recoup.web.routes.worklist import row_json
from recoup.web.sources import Snippet, open_source
from recoup.web.teamwork import denial_work_context

__all__ = ["router"]

router = APIRouter()
Body = TypeVar("Body", bound=BaseModel)

Outcome = Literal[
    "won", "partly_won", "lost", "written_off", "billed_patient", "billed_other_payer"
]
Channel = Literal["mail", "fax", "portal", "clearinghouse", "email"]


class SentBody(BaseModel):
    sent_date: date
    channel: Channel


class OutcomeBody(BaseModel):
    outcome: Outcome
    amount: Decimal = Field(ge=0, description="dollars recovered or billed (0 when lost)")
    outcome_date: date


def _row(state: AppState, key: str) -> DenialRow:
    row = state.store.denial(key, today=state.today())
    if row is None:
        raise NotFound(f"no denial {key!r}: it may have been re-imported under a new number")
    return row


def _claim(state: AppState, row: DenialRow) -> ClaimView | None:
    for history in state.store.claim_history(row.patient_account):
        for claim in reversed(history.claims):
            if claim.payer_claim_id == row.payer_claim_id:
                return claim
    return None


def _view(state: AppState, key: str, viewer: Viewer) -> DenialRow:
    row = _row(state, key)
    state.store.audit(
        viewer.username,
        "denial.view",
        patient_id=row.patient_id or row.patient_account,
        denial_id=row.denial_id,
    )
    return row


def _practice(state: AppState, row: DenialRow) -> tuple[Path, Practice] | None:
    return next(
        ((f, p) for f, p in stored_practices(state.store) if p.key == row.practice_key), None
    )


def _sources(
    state: AppState, found: tuple[Path, Practice] | None, row: DenialRow
) -> list[Snippet | None]:
    """Each evidence item's place, opened in the kept practice folder or the stored 835."""
    folder = found[0] if found else None
    return [open_source(folder, item.place, state.store.stored_835) for item in row.evidence]


def _timeline(found: tuple[Path, Practice] | None, row: DenialRow) -> Markup | None:
    """The day's session log (visits.csv start and stop times) for a bundling denial."""
    if found is None or row.category != "bundling" or row.service_date is None:
        return None
    day = [
        v
        for v in found[1].visits
        if v.claim_id == row.patient_account
        and v.service_date == row.service_date
        and v.start_time
        and v.end_time
    ]
    bars = [
        (
            f"{v.code}{':' + ':'.join(v.modifiers) if v.modifiers else ''} × {v.units.normalize()}",
            v.start_time.hour * 60 + v.start_time.minute,  # type: ignore[union-attr]
            v.end_time.hour * 60 + v.end_time.minute,  # type: ignore[union-attr]
            v.code == row.code,
        )
        for v in sorted(day, key=lambda v: (v.start_time, v.line))
    ]
    return timeline_chart(bars, title=f"Sessions on {row.service_date.isoformat()}")


@router.get("/denials/{key}", include_in_schema=False)
def denial_page(request: Request, key: str, viewer: Viewer = Depends(reader)) -> Response:
    state = app_state(request)
    row = _view(state, key, viewer)
    today = state.today()
    found = _practice(state, row)
    benefits = (
        patient_benefits(state, row.patient_id, today)
        if row.patient_id and row.category == "benefit_maximum"
        else None
    )
    return state.templates.TemplateResponse(
        request,
        "denial.html",
        {
            "viewer": viewer,
            "row": row,
            "key": key,
            "today": today,
            "explanation": explain(row.group_code, row.reason_code, row.remark_codes),
            "claim": _claim(state, row),
            "benefits": benefits,
            "formats": PACKET_FORMATS,
            "channels": CHANNELS,
            "outcomes": OUTCOME_LABELS,
            "notice": request.query_params.get("done"),
            "sources": _sources(state, found, row),
            "timeline": _timeline(found, row),
            "contacts": state.store.payer_contacts(row),
            **denial_work_context(state, row),
        },
    )


@router.get("/api/denials/{key}", tags=["denials"])
def api_denial(request: Request, key: str, viewer: Viewer = Depends(reader)) -> dict[str, Any]:
    """One denial with its reasons, evidence, deadline, status, and the code explanation."""
    state = app_state(request)
    row = _view(state, key, viewer)
    data = row_json(row)
    data["explanation"] = explain(row.group_code, row.reason_code, row.remark_codes).to_dict()
    data["payer_contacts"] = [c.to_dict() for c in state.store.payer_contacts(row)]
    return data


def _packet(request: Request, key: str, fmt: str, viewer: Viewer) -> Response:
    state = app_state(request)
    if fmt not in PACKET_FORMATS:
        raise BadRequest(f"unknown packet format {fmt!r}: one of {', '.join(PACKET_FORMATS)}")
    row = _row(state, key)
    response = packet_file(state, row, fmt)
    state.store.audit(
        viewer.username,
        "denial.packet",
        patient_id=row.patient_id or row.patient_account,
        denial_id=row.denial_id,
        detail=f"format={fmt}",
    )
    return response


@router.get("/denials/{key}/packet.{fmt}", include_in_schema=False)
def packet_page(request: Request, key: str, fmt: str, viewer: Viewer = Depends(reader)) -> Response:
    return _packet(request, key, fmt, viewer)


@router.get("/api/denials/{key}/packet", tags=["denials"])
def api_packet(
    request: Request,
    key: str,
    format: Literal["docx", "pdf", "md", "zip"] = "pdf",
    viewer: Viewer = Depends(reader),
) -> Response:
    """The appeal packet: the letter as DOCX, PDF or Markdown, or the packet folder as a zip."""
    return _packet(request, key, format, viewer)


def _claim_file(request: Request, key: str, viewer: Viewer) -> Response:
    state = app_state(request)
    row = _row(state, key)
    response = claim_file(state, row)
    state.store.audit(
        viewer.username,
        "denial.claim_file",
        patient_id=row.patient_id or row.patient_account,
        denial_id=row.denial_id,
    )
    return response


@router.get("/denials/{key}/claim.837", include_in_schema=False)
def claim_page(request: Request, key: str, viewer: Viewer = Depends(reader)) -> Response:
    return _claim_file(request, key, viewer)


@router.get("/api/denials/{key}/claim", tags=["denials"])
def api_claim(request: Request, key: str, viewer: Viewer = Depends(reader)) -> Response:
    """The corrected (frequency 7 or 1) or secondary 837P claim the decision calls for."""
    return _claim_file(request, key, viewer)


def _mark_sent(state: AppState, key: str, body: SentBody, viewer: Viewer) -> DenialRow:
    """The store checks the change and writes it with its audit entry."""
    _row(state, key)
    try:
        return state.store.mark_sent(key, body.sent_date, body.channel, viewer.username)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _record_outcome(state: AppState, key: str, body: OutcomeBody, viewer: Viewer) -> DenialRow:
    _row(state, key)
    try:
        return state.store.record_outcome(
            key, body.outcome, body.amount, body.outcome_date, viewer.username
        )
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _form_body(model: type[Body], **fields: str) -> Body:
    """A form's fields checked by the API's own body model; a problem is a 400 saying what."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise BadRequest(problems) from None


@router.post("/denials/{key}/sent", include_in_schema=False)
def sent_form(
    request: Request,
    key: str,
    sent_date: str = Form(...),
    channel: str = Form(...),
    viewer: Viewer = Depends(writer),
) -> Response:
    body = _form_body(SentBody, sent_date=sent_date, channel=channel)
    row = _mark_sent(app_state(request), key, body, viewer)
    return RedirectResponse(f"/denials/{row.id}?done=sent", status_code=303)


@router.post("/api/denials/{key}/sent", tags=["denials"])
def api_sent(
    request: Request, key: str, body: SentBody, viewer: Viewer = Depends(writer)
) -> dict[str, Any]:
    """Mark the appeal (or corrected claim) as sent on a date, by a channel."""
    state = app_state(request)
    return row_json(_mark_sent(state, key, body, viewer))


@router.post("/denials/{key}/outcome", include_in_schema=False)
def outcome_form(
    request: Request,
    key: str,
    outcome: str = Form(...),
    amount: str = Form("0"),
    outcome_date: str = Form(...),
    viewer: Viewer = Depends(writer),
) -> Response:
    cleaned = amount.strip().lstrip("$").replace(",", "") or "0"
    body = _form_body(OutcomeBody, outcome=outcome, amount=cleaned, outcome_date=outcome_date)
    row = _record_outcome(app_state(request), key, body, viewer)
    return RedirectResponse(f"/denials/{row.id}?done=outcome", status_code=303)


@router.post("/api/denials/{key}/outcome", tags=["denials"])
def api_outcome(
    request: Request, key: str, body: OutcomeBody, viewer: Viewer = Depends(writer)
) -> dict[str, Any]:
    """Record the result (won, partly won, lost, written off, billed to patient or another
    payer) with its amount: this closes the denial and counts in the dashboard."""
    state = app_state(request)
    return row_json(_record_outcome(state, key, body, viewer))
