"""Benefits: where each patient stands against each cap and authorisation; "check a visit".

The figures come from :mod:`recoup.accumulators` over the kept practice folders (the last
uploaded copy of each practice), exactly as ``recoup benefits`` and ``recoup check-visit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from recoup.accumulators import (
    AuthStatus,
    BenefitStatus,
    VisitCheck,
    authorization_status,
    benefit_status,
    check_visit,
    load_eligibility,
)
from recoup.jsonout import to_jsonable
from recoup.practice import Authorization, Practice
from recoup.web.deps import AppState, Viewer, app_state, reader
from recoup.web.errors import BadRequest, NotFound
from recoup.web.practices import stored_practices

__all__ = ["PatientBenefits", "patient_benefits", "router"]

router = APIRouter()


@dataclass(frozen=True, slots=True)
class PatientBenefits:
    practice: Practice
    folder: Path
    patient_id: str
    name: str
    on: date
    benefits: list[BenefitStatus]
    authorizations: list[AuthStatus]

    @property
    def not_in_force(self) -> list[Authorization]:
        """The patient's authorisations that have ended or not begun on the date: at check-in
        an ended one means a new authorisation is needed before the visit is billed."""
        return sorted(
            (
                a
                for a in self.practice.authorizations
                if a.patient_id == self.patient_id and not a.start_date <= self.on <= a.end_date
            ),
            key=lambda a: (a.end_date, a.auth_number),
            reverse=True,
        )

    @property
    def worst(self) -> str:
        states = {s.status for s in self.benefits} | {a.status for a in self.authorizations}
        for status in ("exhausted", "warning", "ok"):
            if status in states:
                return status
        return "none"

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "name": self.name,
            "practice": self.practice.name,
            "on": self.on.isoformat(),
            "status": self.worst,
            "benefits": to_jsonable(self.benefits),
            "authorizations": to_jsonable(self.authorizations),
            "authorizations_not_in_force": [
                {
                    "auth_number": a.auth_number,
                    "payer_id": a.payer_id,
                    "codes": list(a.codes),
                    "start_date": a.start_date.isoformat(),
                    "end_date": a.end_date.isoformat(),
                    "state": "ended" if a.end_date < self.on else "not yet begun",
                    "source": f"{a.file}:{a.row}",
                }
                for a in self.not_in_force
            ],
        }


def _find(state: AppState, patient_id: str) -> tuple[Path, Practice] | None:
    for folder, practice in stored_practices(state.store):
        if practice.patient(patient_id) is not None:
            return folder, practice
    return None


def patient_benefits(state: AppState, patient_id: str, on: date) -> PatientBenefits | None:
    found = _find(state, patient_id)
    if found is None:
        return None
    folder, practice = found
    eligibility, _ = load_eligibility(folder)
    patient = practice.patient(patient_id)
    return PatientBenefits(
        practice,
        folder,
        patient_id,
        patient.display_name if patient else patient_id,
        on,
        benefit_status(practice, patient_id, on, eligibility=eligibility),
        authorization_status(practice, patient_id, on),
    )


def _all_patients(state: AppState, on: date) -> list[PatientBenefits]:
    out = []
    for _, practice in stored_practices(state.store):
        with_limits = {b.patient_id for b in practice.benefits} | {
            a.patient_id for a in practice.authorizations
        }
        for patient in practice.patients:
            if patient.patient_id in with_limits:
                found = patient_benefits(state, patient.patient_id, on)
                if found is not None:
                    out.append(found)
    return out


def _on(text: str | None, state: AppState) -> date:
    if not text:
        return state.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _patient(state: AppState, patient_id: str, on: date, viewer: Viewer) -> PatientBenefits:
    found = patient_benefits(state, patient_id, on)
    if found is None:
        raise NotFound(f"no patient {patient_id!r} in the imported practice folders")
    state.store.audit(viewer.username, "benefits.view", patient_id=patient_id)
    return found


def _check(
    state: AppState, found: PatientBenefits, on: str, code: str, units: str, viewer: Viewer
) -> VisitCheck:
    day = _on(on, state)
    if not code.strip():
        raise BadRequest("enter the code to bill (e.g. 97110)")
    try:
        count = Decimal(units or "1")
    except InvalidOperation:
        raise BadRequest(f"units {units!r} is not a number") from None
    if not count.is_finite() or count <= 0:
        raise BadRequest("units must be a positive number")
    state.store.audit(
        viewer.username,
        "benefits.check_visit",
        patient_id=found.patient_id,
        detail=code.strip().upper(),
    )
    return check_visit(found.practice, found.patient_id, day, code.strip().upper(), count)


@router.get("/benefits", include_in_schema=False)
def benefits_index(
    request: Request, on: str | None = None, viewer: Viewer = Depends(reader)
) -> Response:
    state = app_state(request)
    day = _on(on, state)
    patients = _all_patients(state, day)
    state.store.audit(viewer.username, "benefits.view", detail=f"{len(patients)} patients")
    return state.templates.TemplateResponse(
        request, "benefits.html", {"viewer": viewer, "patients": patients, "on": day, "one": None}
    )


@router.get("/benefits/{patient_id}", include_in_schema=False)
def benefits_page(
    request: Request,
    patient_id: str,
    on: str | None = None,
    code: str = "",
    units: str = "1",
    visit_date: str = "",
    viewer: Viewer = Depends(reader),
) -> Response:
    state = app_state(request)
    day = _on(on, state)
    found = _patient(state, patient_id, day, viewer)
    check = _check(state, found, visit_date, code, units, viewer) if code.strip() else None
    template = (
        "_visit_check.html"
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "check"
        else "benefits.html"
    )
    return state.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "patients": _all_patients(state, day),
            "on": day,
            "one": found,
            "check": check,
            "form": {"code": code, "units": units, "visit_date": visit_date or day.isoformat()},
        },
    )


@router.get("/api/patients", tags=["benefits"])
def api_patients(
    request: Request, on: str | None = None, viewer: Viewer = Depends(reader)
) -> dict[str, Any]:
    """Every patient with a benefit cap or an authorisation, with their worst status."""
    state = app_state(request)
    day = _on(on, state)
    patients = _all_patients(state, day)
    state.store.audit(viewer.username, "benefits.view", detail=f"{len(patients)} patients")
    return {
        "on": day.isoformat(),
        "patients": [
            {"patient_id": p.patient_id, "name": p.name, "status": p.worst} for p in patients
        ],
    }


@router.get("/api/patients/{patient_id}/benefits", tags=["benefits"])
def api_benefits(
    request: Request, patient_id: str, on: str | None = None, viewer: Viewer = Depends(reader)
) -> dict[str, Any]:
    """Each cap and authorisation: limit, used, remaining, period, reset date, status."""
    state = app_state(request)
    return _patient(state, patient_id, _on(on, state), viewer).to_dict()


@router.get("/api/patients/{patient_id}/check-visit", tags=["benefits"])
def api_check_visit(
    request: Request,
    patient_id: str,
    visit_date: str = Query(..., alias="date", description="planned date of service"),
    code: str = Query(..., description="CPT/HCPCS code to bill"),
    units: str = "1",
    viewer: Viewer = Depends(reader),
) -> dict[str, Any]:
    """Would a planned visit exceed a benefit cap or an authorisation, and what to do."""
    state = app_state(request)
    found = _patient(state, patient_id, _on(visit_date, state), viewer)
    result = _check(state, found, visit_date, code, units, viewer)
    data: dict[str, Any] = to_jsonable(result)
    data["exceeds"] = result.exceeds
    return data
