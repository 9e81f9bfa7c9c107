"""Facts the engine and the rules share: who the patient is, which payer and payer type, which
coverages, waivers and records apply. Pure functions of a :class:`DenialContext`; nothing here
reads files.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from recoup.payers import payer_id_of
from recoup.practice import (
    Benefit,
    Coverage,
    Patient,
    PayerInfo,
    PayerType,
    Practice,
    RecordRef,
    Visit,
    Waiver,
    WaiverKind,
)
from recoup.practice.index import index_of
from recoup.records import Adjustment
from recoup.triage.model import DenialContext, Evidence, Source, segment_source

__all__ = [
    "APPEAL_STEPS",
    "DeadlineInputs",
    "PayerTypeFact",
    "active_coverages",
    "cas_evidence",
    "covers_service",
    "deadline_inputs",
    "file_name",
    "patient_id_of",
    "payer_id_of",
    "payer_info_of",
    "payer_state_of",
    "payer_type_of",
    "plan_kind",
    "records_for",
    "service_kind",
    "visit_evidence",
    "waiver_for",
]

# CLP06 claim filing indicators that name the program.
_FILING_TYPES = {"MA": PayerType.MEDICARE, "MB": PayerType.MEDICARE, "MC": PayerType.MEDICAID}


class PayerTypeFact(NamedTuple):
    type: PayerType
    source: str  # where it came from
    assumed: bool = False


def patient_id_of(practice: Practice | None, claim_id: str) -> str | None:
    """The patient of a claim: the visits.csv rows whose claim_id is the CLP01."""
    if practice is None:
        return None
    visits = index_of(practice).visits_by_claim.get(claim_id)
    return visits[0].patient_id if visits else None


def patient_visits(practice: Practice, patient_id: str) -> tuple[Visit, ...]:
    return index_of(practice).visits_by_patient.get(patient_id, ())


def patient_benefits(practice: Practice, patient_id: str) -> tuple[Benefit, ...]:
    return index_of(practice).benefits_by_patient.get(patient_id, ())


def patient_of(practice: Practice, patient_id: str) -> Patient | None:
    return index_of(practice).patients.get(patient_id)


def payer_type_of(ctx: DenialContext) -> PayerTypeFact:
    """Coverage of the patient with this payer, else practice.toml, else CLP06, else assumed."""
    payer_id = payer_id_of(ctx.remittance)
    practice = ctx.practice
    patient_id = patient_id_of(practice, ctx.item.claim.patient_control_number)
    if practice is not None:
        if patient_id is not None:
            for cov in index_of(practice).coverages_by_patient.get(patient_id, ()):
                if cov.payer_id == payer_id:
                    return PayerTypeFact(cov.payer_type, f"{file_name(cov.file)} row {cov.row}")
        info = practice.payer(payer_id)
        if info is not None and info.type is not None:
            return PayerTypeFact(info.type, f"practice.toml [payers.{payer_id}]")
    indicator = ctx.item.claim.filing_indicator
    if indicator in _FILING_TYPES:
        return PayerTypeFact(_FILING_TYPES[indicator], f"CLP06 = {indicator}")
    return PayerTypeFact(
        PayerType.COMMERCIAL,
        f"assumed commercial: payer {payer_id or '?'} has no type on file and CLP06 = "
        f"{indicator or 'empty'}",
        assumed=True,
    )


def active_coverages(
    practice: Practice | None, patient_id: str | None, on: date | None
) -> list[Coverage]:
    """The patient's coverages in force on ``on`` (all of them when the date is unknown)."""
    if practice is None or patient_id is None:
        return []
    out = []
    for cov in index_of(practice).coverages_by_patient.get(patient_id, ()):
        if on is not None and cov.effective_date is not None and on < cov.effective_date:
            continue
        if on is not None and cov.end_date is not None and on > cov.end_date:
            continue
        out.append(cov)
    return sorted(out, key=lambda c: c.rank)


# Plans that cover one kind of care only, told apart by words in coverages.csv payer_name and
# plan_name (the practice folder has no plan-kind column; docs/design.md "The practice folder").
PLAN_KIND_WORDS = {
    "vision": ("vision", "eye", "optical"),
    "dental": ("dental",),
    "behavioral health": ("behavioral", "behavioural", "mental", "bh ", "psych"),
}
MEDICAL = "medical"


def plan_kind(cov: Coverage) -> str:
    """``vision``, ``dental``, ``behavioral health`` or ``medical`` (the default)."""
    text = f"{cov.payer_name} {cov.plan_name} ".lower()
    for kind, words in PLAN_KIND_WORDS.items():
        if any(word in text for word in words):
            return kind
    return MEDICAL


def service_kind(code: str | None) -> str:
    """The kind of plan that would cover a procedure code: eye exams 92002-92499 and HCPCS V
    codes are vision, CDT D codes dental, ABA and psychotherapy codes behavioral health."""
    if not code:
        return MEDICAL
    if code.startswith("V") or (code.isdigit() and "92002" <= code <= "92499"):
        return "vision"
    if code.startswith("D") and code[1:].isdigit():
        return "dental"
    if code.startswith(("9715", "908", "0362", "0373", "H20")):
        return "behavioral health"
    return MEDICAL


def covers_service(cov: Coverage, code: str | None) -> bool:
    """False when the plan covers one kind of care only and the service is another kind (a
    vision-only secondary is never sent a physical-therapy copay)."""
    kind = plan_kind(cov)
    return kind == MEDICAL or kind == service_kind(code)


def waiver_for(
    ctx: DenialContext, patient_id: str | None, on: date | None, code: str | None
) -> Waiver | None:
    """A signed waiver/ABN covering the date and code; never for Medicare Advantage (ABNs may
    not be used there), and only an ABN for Original Medicare."""
    practice = ctx.practice
    if practice is None or patient_id is None or on is None:
        return None
    kind = payer_type_of(ctx).type
    if kind is PayerType.MEDICARE_ADVANTAGE:
        return None
    payer_id = payer_id_of(ctx.remittance)
    for waiver in index_of(practice).waivers_by_patient.get(patient_id, ()):
        if waiver.payer_id and payer_id and waiver.payer_id != payer_id:
            continue
        if kind is PayerType.MEDICARE and waiver.kind is not WaiverKind.ABN:
            continue
        if waiver.signed_date > on:
            continue
        if waiver.valid_through is not None and on > waiver.valid_through:
            continue
        if waiver.codes and code is not None and code not in waiver.codes:
            continue
        return waiver
    return None


def records_for(practice: Practice | None, patient_id: str | None) -> list[RecordRef]:
    """The patient's documents listed in records/index.csv."""
    if practice is None or patient_id is None:
        return []
    return list(index_of(practice).records_by_patient.get(patient_id, ()))


def cas_evidence(ctx: DenialContext, adjustments: tuple[Adjustment, ...] = ()) -> Evidence:
    adjs = adjustments or ctx.item.adjustments
    first = adjs[0]
    what = ", ".join(f"{a.key} ${a.amount}" for a in adjs)
    on = ctx.item.procedure.code if ctx.item.procedure else "the claim"
    remarks = f" (remarks {' '.join(ctx.item.remarks)})" if ctx.item.remarks else ""
    return Evidence(
        segment_source(ctx.file, first.segment, "CAS"),
        f"{what} on {on}, claim {ctx.item.claim.patient_control_number}{remarks}",
    )


@lru_cache(maxsize=256)
def file_name(file: str) -> str:
    """The last part of a path, as evidence shows it (cached: a batch repeats a few files)."""
    return Path(file).name


def visit_evidence(visit: Visit, fact: str) -> Evidence:
    return Evidence(source_of(visit.file, visit.row, "visits.csv"), fact)


@lru_cache(maxsize=4096)
def source_of(file: str, row: int, default: str) -> Source:
    """``visits.csv row 12``, ``records/index.csv row 3``: the file as a person finds it in the
    practice folder (``str()`` of the :class:`Source`)."""
    path = Path(file)
    name = path.name or default
    if path.parent.name == "records":
        name = f"records/{name}"
    return Source("row", name, row)


# -- deadlines: the payer's settings and state (added for the per-payer settings) ---------------

# Steps that are appeals: practice.toml appeal_days replaces their window, never a resubmission's.
APPEAL_STEPS = frozenset(
    {"appeal", "redetermination", "reconsideration", "second_bill_review", "external_review"}
)


class DeadlineInputs(NamedTuple):
    override_days: int | None
    state: str
    clock: str | None  # "service" / "notice" from the payer's corrected_claim_from, else None


def payer_info_of(ctx: DenialContext) -> PayerInfo | None:
    """The remittance payer's ``[payers.<id>]`` table in practice.toml, if any."""
    if ctx.practice is None:
        return None
    return ctx.practice.payer(payer_id_of(ctx.remittance))


def payer_state_of(ctx: DenialContext) -> str:
    """The state whose payer rules apply: practice.toml ``state`` for the payer, else the
    payer's own address in the 835 (N1*PR loop N4)."""
    info = payer_info_of(ctx)
    if info is not None and info.state:
        return info.state
    return ctx.remittance.payer.state.strip().upper()


def deadline_inputs(ctx: DenialContext, step: str) -> DeadlineInputs:
    """What the engine passes to :func:`recoup.deadlines.deadline` beyond the payer type:
    appeal_days for appeal steps, corrected_claim_days (and its clock) for corrected claims,
    and the payer's state for state rules."""
    info = payer_info_of(ctx)
    state = payer_state_of(ctx)
    if info is None:
        return DeadlineInputs(None, state, None)
    if step == "corrected_claim":
        return DeadlineInputs(info.corrected_claim_days, state, info.corrected_claim_from or None)
    if step in APPEAL_STEPS:
        return DeadlineInputs(info.appeal_days, state, None)
    return DeadlineInputs(None, state, None)
