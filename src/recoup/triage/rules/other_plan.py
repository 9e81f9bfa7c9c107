"""Another plan should pay (CARC 297, 298 vision plan; 300, 301 behavioral-health plan; 109 not
this payer; 22 coordination of benefits).

Why it decides this way (docs/domain.md §1.3, docs/design.md "Know"): these codes do not say the
care is unpaid
for good; they point at another plan. The lane is ``bill_other_payer`` naming the plan found in
coverages.csv; with no such plan on file it is ``review`` and says which coverage is missing.
CO-297 is often misread as "benefit maximum reached": the reasons repeat the official meaning.
"""

from __future__ import annotations

from recoup.codes import explain
from recoup.triage.facts import (
    active_coverages,
    patient_id_of,
    payer_id_of,
    plan_kind,
    source_of,
)
from recoup.triage.model import Decision, DenialContext, Evidence, rule

VISION = ("297", "298")
BEHAVIORAL = ("300", "301")


@rule("R297", "another plan pays", ("297", "298", "300", "301", "109", "22"))
def other_plan(ctx: DenialContext) -> Decision:
    """Bill the plan the payer points to, or say which coverage is missing."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in other_plan_codes())
    exp = explain(adj.group, adj.reason, item.remarks)
    reasons = [f"{adj.key}: {exp.description}"]
    if exp.confusion:
        reasons.append(f"Beware: {exp.confusion}")
    kind = (
        "vision"
        if adj.reason in VISION
        else "behavioral health"
        if adj.reason in BEHAVIORAL
        else ""
    )
    patient_id = patient_id_of(ctx.practice, item.claim.patient_control_number)
    this_payer = payer_id_of(ctx.remittance)
    others = [
        c
        for c in active_coverages(ctx.practice, patient_id, item.service_date)
        if c.payer_id != this_payer
    ]
    if kind:
        others = [c for c in others if plan_kind(c) == kind]
    wanted = f"the patient's {kind} plan" if kind else "the other payer"
    if not others:
        return Decision(
            "review",
            (*reasons, f"No {kind or 'other'} coverage on file for this patient."),
            missing=(
                f"a coverages.csv row for {wanted} (payer, member id) for patient "
                f"{patient_id or '(claim not in visits.csv)'}",
            ),
            action=f"ask the patient for {wanted} and update coordination of benefits",
        )
    cov = others[0]
    return Decision(
        "bill_other_payer",
        (*reasons, f"Bill {cov.payer_name} ({cov.plan_name}, member {cov.member_id})."),
        (
            Evidence(
                source_of(cov.file, cov.row, "coverages.csv"),
                f"{cov.payer_name}, {cov.plan_name}, rank {cov.rank}, member {cov.member_id}",
            ),
        ),
        action=f"submit the service to {cov.payer_name} with this remittance",
    )


def other_plan_codes() -> tuple[str, ...]:
    return (*VISION, *BEHAVIORAL, "109", "22")
