"""One denial: what was denied and why, what to do, by when; and the actions on it.

Actions (each also under ``/api/denials/{key}/...``): download the appeal packet (DOCX, PDF,
Markdown, or the whole packet folder as a zip), mark it as sent, record the outcome (which
closes it and feeds the dashboard, or opens the next appeal level when a sent appeal is lost),
undo the last outcome. The page's form asks for the result and the amount (no default) and
shows what will happen before it is recorded. Every view and change is written to the audit log
with the patient it concerns.
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

from recoup.appeal_levels import APPEAL_LANES, chain, level_deadline, next_level
from recoup.codes import explain
from recoup.jsonout import to_jsonable
from recoup.practice import Practice
from recoup.store import ClaimHistory, ClaimView, DenialRow
from recoup.store.sent import SentClaim
from recoup.store.takebacks import RemittanceView
from recoup.web.charts import timeline_chart
from recoup.web.deps import AppState, Viewer, app_state, reader, writer
from recoup.web.errors import BadRequest, NotFound
from recoup.web.filters import CHANNELS, OUTCOME_LABELS
from recoup.web.filters import money as money_words
from recoup.web.packets import PACKET_FORMATS, claim_file, packet_file
from recoup.web.practices import visible_practices
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
    outcome_date: date = Field(description="the payer's decision date")
    reference: str = Field("", max_length=200, description="the decision's reference number")
    force: bool = Field(False, description="replace the outcome of a closed denial")


def _row(state: AppState, key: str, viewer: Viewer) -> DenialRow:
    """The denial, when it belongs to a practice the viewer may see: else 404 (not 403), so
    another practice's ids are not confirmed."""
    row = state.store.denial(key, today=state.today(), practice_keys=viewer.practices)
    if row is None:
        raise NotFound(f"no denial {key!r}: it may have been re-imported under a new number")
    return row


def _claim(state: AppState, row: DenialRow) -> tuple[ClaimView, ClaimHistory] | None:
    """The stored claim payment the denial is on, with the claim's whole payment history."""
    if not row.patient_account:
        return None  # a takeback whose reference names no claim
    for history in state.store.claim_history(row.patient_account):
        for claim in reversed(history.claims):
            if claim.payer_claim_id == row.payer_claim_id:
                return claim, history
    return None


def _remittance(state: AppState, row: DenialRow, claim: ClaimView | None) -> RemittanceView | None:
    """The check the denial came on: the claim's, or for a takeback review the check whose PLB
    it is (its denial id is the trace number, ``-PLB`` and the pair's position)."""
    if claim is not None and row.lane != "review_takeback":
        remittance_id = state.store.remittance_of(claim_id=claim.id)
    else:
        trace = row.denial_id.rpartition("-PLB")[0] if "-PLB" in row.denial_id else ""
        remittance_id = state.store.remittance_of(trace_number=trace, payer_name=row.payer_name)
    return None if remittance_id is None else state.store.remittance(remittance_id)


_FREQUENCY = {"1": "original claim", "7": "replacement of a prior claim", "8": "void"}
_DIAGNOSIS = {"ABK": "principal", "ABF": "other", "BK": "principal (ICD-9)", "BF": "other (ICD-9)"}


def _sent_claim(state: AppState, row: DenialRow, claim: ClaimView | None) -> SentClaim | None:
    """The sent claim the denied payment answers; for a missing remittance (no payment), the
    latest claim sent with its number to its payer. Only a claim billed by the denial's own
    practice (its NPI): another practice may use the same claim numbers."""
    npi = next(
        (p.npi for _, p in visible_practices(state.store, None) if p.key == row.practice_key), ""
    )
    if claim is not None:
        sent = claim.sent
    elif row.lane == "missing_remittance":
        name = row.payer_name.strip().upper()
        found = [
            s
            for s in state.store.sent_claims(row.patient_account)
            if s.payer_name.strip().upper() == name and (not npi or s.billing_npi == npi)
        ]
        sent = found[-1] if found else None
    else:
        sent = None
    if sent is not None and npi and sent.billing_npi != npi:
        return None
    return sent


def as_sent(
    sent: SentClaim | None, claim: ClaimView | None, row: DenialRow
) -> dict[str, Any] | None:
    """The 837P claim, as it was sent, for the page and the API: None when the store has no
    837 for it. Each line says what the 835 (``claim``, when there is one) did with it, and
    the line this denial is about is marked."""
    if sent is None:
        return None
    lines = claim.lines if claim is not None else ()
    answers = {ln.sent_line: ln for ln in lines if ln.sent_line is not None}
    denied = None
    head = row.denial_id.split("@", 1)[0]
    if (
        claim is not None
        and head.startswith(row.patient_account + "-")
        and head.rsplit("-", 1)[1].isdigit()
    ):
        position = int(head.rsplit("-", 1)[1])  # the denied 835 line, 1-based
        if 0 < position <= len(claim.lines):
            denied = claim.lines[position - 1].sent_line
    diagnoses = []
    for number, text in enumerate(sent.diagnoses, start=1):
        qualifier, _, code = text.partition(":")
        diagnoses.append(
            {"pointer": number, "code": code, "kind": _DIAGNOSIS.get(qualifier, qualifier)}
        )
    return {
        "patient_control_number": sent.patient_control_number,
        "frequency": sent.frequency,
        "frequency_label": _FREQUENCY.get(sent.frequency, "frequency " + sent.frequency),
        "place_of_service": sent.place_of_service,
        "charge": sent.charge,
        "sent_date": sent.sent_date,
        "payer_name": sent.payer_name,
        "payer_claim_control_number": sent.payer_claim_control_number,
        "prior_authorization": sent.prior_authorization,
        "diagnoses": diagnoses,
        "source": f"{Path(sent.file).name} segment {sent.segment}",
        "lines": [
            {
                "number": line.position,
                "service_date": line.service_date,
                "code": line.code,
                "modifiers": list(line.modifiers),
                "units": line.units,
                "charge": line.charge,
                "control_number": line.control_number,
                "prior_authorization": line.prior_authorization,
                "diagnosis_pointers": list(line.diagnosis_pointers),
                "paid": answers[index].paid if index in answers else None,
                "adjustments": [code for code, _ in answers[index].adjustments]
                if index in answers
                else [],
                "denied_here": index == denied,
            }
            for index, line in enumerate(sent.lines)
        ],
    }


def _view(state: AppState, key: str, viewer: Viewer) -> DenialRow:
    row = _row(state, key, viewer)
    state.store.audit(
        viewer.username,
        "denial.view",
        patient_id=row.patient_id or row.patient_account,
        denial_id=row.denial_id,
    )
    return row


def _practice(state: AppState, row: DenialRow, viewer: Viewer) -> tuple[Path, Practice] | None:
    return next(
        (
            (f, p)
            for f, p in visible_practices(state.store, viewer.practices)
            if p.key == row.practice_key
        ),
        None,
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


def _history(state: AppState, row: DenialRow) -> list[tuple[date | None, str, str]]:
    """Every step of the denial, oldest first: (date, what, detail) in words."""
    steps: list[tuple[date | None, str, str]] = [
        (
            row.notice_date,
            f"Denied {row.group_code}-{row.reason_code}, {money_words(row.denied_amount)}",
            f"remittance {Path(row.file).name}",
        )
    ]
    levels = chain(row.payer_type)
    for e in state.store.events(row.id):
        name = levels[e.level - 1].short if e.level <= len(levels) else "appeal"
        struck = " (undone)" if e.undone else ""
        if e.kind == "sent":
            what = (
                f"Level {e.level} ({name}) sent{struck}"
                if row.lane in APPEAL_LANES
                else (f"Sent{struck}")
            )
            steps.append((e.on, what, f"{e.detail}, by {e.username}"))
        elif e.kind == "decision":
            label = OUTCOME_LABELS.get(e.outcome or "", e.outcome or "")
            what = f"Level {e.level} decision: {label.lower()}{struck}"
            ref = f"reference {e.reference}, " if e.reference else ""
            amount = money_words(e.amount) if e.amount is not None else ""
            steps.append((e.on, what, f"{amount}, {ref}recorded by {e.username}".lstrip(", ")))
        elif e.kind == "level_opened":
            due = f"deadline {e.deadline.isoformat()}" if e.deadline else "no deadline on file"
            level_name = e.detail.split(": ", 1)[0]  # the basis is on the deadline card
            steps.append((e.on, f"Level {e.level} ({name}) opened, {due}{struck}", level_name))
        elif e.kind == "paid":
            label = OUTCOME_LABELS.get(e.outcome or "", e.outcome or "")
            amount = money_words(e.amount) if e.amount is not None else ""
            steps.append((e.on, f"Paid by a later remittance: {label.lower()}, {amount}", e.detail))
        elif e.kind == "taken_back":
            steps.append((e.on, "Payment taken back by a later remittance", e.detail))
        elif e.kind == "undone":
            steps.append((e.on, "Outcome undone", f"{e.detail}, by {e.username}"))
    return steps


def _undoable(state: AppState, row: DenialRow) -> bool:
    """The last outcome was recorded by a person (a remittance's payment is not undone)."""
    live = [
        e for e in state.store.events(row.id) if not e.undone and e.kind in ("decision", "paid")
    ]
    return bool(live) and live[-1].kind == "decision"


@router.get("/denials/{key}", include_in_schema=False)
def denial_page(request: Request, key: str, viewer: Viewer = Depends(reader)) -> Response:
    state = app_state(request)
    row = _view(state, key, viewer)
    today = state.today()
    found = _practice(state, row, viewer)
    benefits = (
        patient_benefits(state, row.patient_id, today, viewer)
        if row.patient_id and row.category == "benefit_maximum"
        else None
    )
    found_claim = _claim(state, row)
    claim, history = found_claim if found_claim else (None, None)
    sent = _sent_claim(state, row, claim)
    return state.templates.TemplateResponse(
        request,
        "denial.html",
        {
            "viewer": viewer,
            "row": row,
            "key": key,
            "today": today,
            "explanation": explain(row.group_code, row.reason_code, row.remark_codes),
            "claim": claim,
            "money_history": history,
            "remittance": _remittance(state, row, claim),
            "as_sent": as_sent(sent, claim, row),
            "benefits": benefits,
            "formats": PACKET_FORMATS,
            "channels": CHANNELS,
            "outcomes": OUTCOME_LABELS,
            "notice": request.query_params.get("done"),
            "sources": _sources(state, found, row),
            "timeline": _timeline(found, row),
            "history": _history(state, row),
            "undoable": _undoable(state, row),
            "levels": chain(row.payer_type) if row.lane in APPEAL_LANES else (),
            "contacts": state.store.payer_contacts(row),
            **denial_work_context(state, row),
        },
    )


@router.get("/api/denials/{key}", tags=["denials"])
def api_denial(request: Request, key: str, viewer: Viewer = Depends(reader)) -> dict[str, Any]:
    """One denial with its reasons, evidence, deadline, status, the code explanation, and the
    claim as it was sent (``as_sent``: the stored 837P, null when none is stored)."""
    state = app_state(request)
    row = _view(state, key, viewer)
    data = row_json(row)
    data["explanation"] = explain(row.group_code, row.reason_code, row.remark_codes).to_dict()
    found = _claim(state, row)
    history = found[1] if found else None
    data["claim_money"] = None if history is None else _money_json(history)
    remittance = _remittance(state, row, found[0] if found else None)
    data["remittance"] = None if remittance is None else remittance.to_dict()
    claim = found[0] if found else None
    data["as_sent"] = to_jsonable(as_sent(_sent_claim(state, row, claim), claim, row))
    data["payer_contacts"] = [c.to_dict() for c in state.store.payer_contacts(row)]
    return data


def _money_json(history: ClaimHistory) -> dict[str, Any]:
    """What the payer paid on the claim, what PLB took back, and the net."""
    paid = sum((c.paid for c in history.current), Decimal(0))
    recouped = sum((r.amount for r in history.recoupments), Decimal(0))
    return {
        "paid": str(paid),
        "recouped": str(recouped),
        "net": str(history.net),
        "story": history.money_story(),
        "recoupments": [
            {
                "on": r.on.isoformat() if r.on else None,
                "reason": r.reason,
                "reference": r.reference,
                "amount": str(r.amount),
                "trace_number": r.trace_number,
            }
            for r in history.recoupments
        ],
    }


@router.get("/api/remittances/{remittance_id}", tags=["remittances"])
def api_remittance(
    request: Request, remittance_id: int, viewer: Viewer = Depends(reader)
) -> dict[str, Any]:
    """One stored check: its provider-level adjustments (PLB, with the claim each names) and
    the reconciliation sum(CLP04) - sum(PLB) = BPR02, shown as sent and never corrected."""
    state = app_state(request)
    found = state.store.remittance(remittance_id)
    if found is not None and viewer.practices is not None:
        owner = state.store.remittance_owner(remittance_id)
        if owner is None or owner not in viewer.practices:
            found = None  # another practice's check answers as one that does not exist
    if found is None:
        raise NotFound(f"no remittance {remittance_id}")
    state.store.audit(viewer.username, "remittance.view", detail=f"remittance={remittance_id}")
    return found.to_dict()


def _packet(request: Request, key: str, fmt: str, viewer: Viewer) -> Response:
    state = app_state(request)
    if fmt not in PACKET_FORMATS:
        raise BadRequest(f"unknown packet format {fmt!r}: one of {', '.join(PACKET_FORMATS)}")
    row = _row(state, key, viewer)
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
    row = _row(state, key, viewer)
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
    row = _row(state, key, viewer)  # by its numeric id: a denial id may recur in two practices
    try:
        return state.store.mark_sent(row.id, body.sent_date, body.channel, viewer.username)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _record_outcome(state: AppState, key: str, body: OutcomeBody, viewer: Viewer) -> DenialRow:
    row = _row(state, key, viewer)
    try:
        return state.store.record_outcome(
            row.id,
            body.outcome,
            body.amount,
            body.outcome_date,
            viewer.username,
            reference=body.reference or None,
            force=body.force,
        )
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _undo(state: AppState, key: str, viewer: Viewer) -> DenialRow:
    row = _row(state, key, viewer)
    try:
        return state.store.undo_outcome(row.id, viewer.username, today=state.today())
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
    outcome: str = Form(""),
    amount: str = Form(""),
    outcome_date: str = Form(...),
    reference: str = Form(""),
    confirmed: str = Form(""),
    viewer: Viewer = Depends(writer),
) -> Response:
    """First the page says what will happen (close, or open the next level with its deadline);
    the outcome is recorded when that is confirmed."""
    if not outcome.strip():
        raise BadRequest("choose the result (won, partly won, lost, ...)")
    if not amount.strip():
        raise BadRequest("enter the amount (0.00 when nothing was paid)")
    cleaned = amount.strip().lstrip("$").replace(",", "")
    body = _form_body(
        OutcomeBody,
        outcome=outcome,
        amount=cleaned,
        outcome_date=outcome_date,
        reference=reference.strip(),
    )
    state = app_state(request)
    if confirmed != "yes":
        return _confirm_page(request, state, key, body, viewer)
    row = _record_outcome(state, key, body, viewer)
    done = "level" if row.status != "closed" and row.appeal_level > 1 else "outcome"
    return RedirectResponse(f"/denials/{row.id}?done={done}", status_code=303)


def _confirm_page(
    request: Request, state: AppState, key: str, body: OutcomeBody, viewer: Viewer
) -> Response:
    row = _row(state, key, viewer)
    if row.status == "closed":
        raise BadRequest(f"denial {row.id} is closed already: undo its outcome first")
    if body.amount > row.denied_amount:
        raise BadRequest(f"the amount {body.amount} is more than the {row.denied_amount} denied")
    upcoming = (
        next_level(row.payer_type, row.appeal_level)
        if body.outcome == "lost" and row.status == "sent" and row.lane in APPEAL_LANES
        else None
    )
    due = level_deadline(row.payer_type, upcoming, body.outcome_date) if upcoming else None
    return state.templates.TemplateResponse(
        request,
        "confirm_outcome.html",
        {
            "viewer": viewer,
            "row": row,
            "body": body,
            "label": OUTCOME_LABELS.get(body.outcome, body.outcome),
            "upcoming": upcoming,
            "due": due,
        },
    )


@router.post("/denials/{key}/outcome/undo", include_in_schema=False)
def undo_form(request: Request, key: str, viewer: Viewer = Depends(writer)) -> Response:
    row = _undo(app_state(request), key, viewer)
    return RedirectResponse(f"/denials/{row.id}?done=undone", status_code=303)


@router.post("/api/denials/{key}/outcome/undo", tags=["denials"])
def api_undo(request: Request, key: str, viewer: Viewer = Depends(writer)) -> dict[str, Any]:
    """Undo the last outcome a person recorded: the denial is open (or sent) again."""
    return row_json(_undo(app_state(request), key, viewer))


@router.post("/api/denials/{key}/outcome", tags=["denials"])
def api_outcome(
    request: Request, key: str, body: OutcomeBody, viewer: Viewer = Depends(writer)
) -> dict[str, Any]:
    """Record the result (won, partly won, lost, written off, billed to patient or another
    payer) with its amount: this closes the denial and counts in the dashboard; lost on a sent
    appeal opens the next level when the payer type has one. A closed denial's outcome is
    replaced only with ``force``."""
    state = app_state(request)
    return row_json(_record_outcome(state, key, body, viewer))
