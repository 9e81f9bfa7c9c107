"""Coverage not in force on the date (CARC 27 after coverage ended, 26 before it began, 200 in a
lapse) or the patient not identified as the payer's member (CARC 31).

Why it decides this way (docs/domain.md §1.3 "27: eligibility; bill patient/other coverage", §7.2):
the payer says it owed nothing because the patient had no coverage with it on the date. The
coverage dates on file (coverages.csv ``effective_date``/``end_date``) decide the lane:

- another coverage in force on the date (not this payer, not a payer that already answered the
  claim) → ``bill_other_payer`` naming it;
- none, and the dates on file confirm the gap → ``bill_patient``: on a secondary's remittance the
  amount is the patient's cost share the primary assigned (PR), which no secondary now covers; on
  a primary's, the patient had no coverage for the service. The statement rests on the coverage
  dates and the primary's PR, never on the CO code (a CO amount is not the patient's debt);
- the dates on file do not show the gap → ``review``: verify eligibility (271) for the date.

The practice is never told to send a secondary claim to a payer that has already answered. CARC
31 compares the member id on file with the one the claim carried: a different id is a corrected
claim with the id on file; the same id needs the patient's card and an eligibility check.
"""

from __future__ import annotations

from datetime import date

from recoup.practice import Coverage
from recoup.practice.index import index_of
from recoup.records import ClaimPayment
from recoup.triage.facts import (
    active_coverages,
    patient_id_of,
    payer_id_of,
    source_of,
)
from recoup.triage.model import Decision, DenialContext, Evidence, rule
from recoup.triage.rules.common import correction_for, honours_no_appeal

CODES = ("27", "26", "200", "31")
WHAT = {
    "27": "the service was after the patient's coverage ended",
    "26": "the service was before the patient's coverage began",
    "200": "the service was during a lapse in the patient's coverage",
    "31": "the payer cannot identify the patient as its member",
}
SECONDARY_STATUSES = frozenset({"2", "3", "20", "21"})


def _cov_evidence(cov: Coverage, note: str = "") -> Evidence:
    dates = (
        f"effective {cov.effective_date.isoformat() if cov.effective_date else '?'}, "
        f"ends {cov.end_date.isoformat() if cov.end_date else '(open)'}"
    )
    return Evidence(
        source_of(cov.file, cov.row, "coverages.csv"),
        f"{cov.payer_name}, {cov.plan_name}, rank {cov.rank}, member {cov.member_id}: {dates}"
        + (f" ({note})" if note else ""),
    )


def _outside(cov: Coverage, on: date) -> str:
    """Why the date is outside the coverage on file ("" when it is inside)."""
    if cov.end_date is not None and on > cov.end_date:
        return f"coverage ended {cov.end_date.isoformat()}"
    if cov.effective_date is not None and on < cov.effective_date:
        return f"coverage began {cov.effective_date.isoformat()}"
    return ""


def _answered(ctx: DenialContext, mine: list[Coverage], on: date) -> set[str]:
    """Payers that already answered this claim: this one, and when the history holds an earlier
    remittance of the same claim number, the plans ranked before this one (the claim reached
    this payer after them; an 835 claim does not name its payer, the ranks do)."""
    out = {payer_id_of(ctx.remittance)}
    number = ctx.item.claim.patient_control_number
    if not any(c is not ctx.item.claim and c.patient_control_number == number for c in ctx.history):
        return out
    rank = min((c.rank for c in mine), default=2)
    patient_id = patient_id_of(ctx.practice, number)
    out |= {c.payer_id for c in active_coverages(ctx.practice, patient_id, on) if c.rank < rank}
    return out


def _earlier_share(ctx: DenialContext) -> tuple[ClaimPayment, str] | None:
    """The primary's remittance of the same claim with a PR amount on the same code and date."""
    item = ctx.item
    code = item.procedure.code if item.procedure else None
    for claim in ctx.history:
        if claim is item.claim or claim.patient_control_number != item.claim.patient_control_number:
            continue
        for line in claim.lines:
            if code is not None and line.procedure.code != code:
                continue
            if line.date_of_service != item.service_date:
                continue
            shares = [a for a in line.adjustments if a.group == "PR"]
            if shares:
                words = ", ".join(f"{a.key} ${a.amount}" for a in shares)
                return claim, words
    return None


@rule("R027", "coverage not in force", CODES)
@honours_no_appeal
def coverage(ctx: DenialContext) -> Decision:
    """Bill the plan that covers the date, else the patient when the dates on file show the gap;
    CARC 31: correct the member id, or verify eligibility."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in CODES)
    on = item.service_date
    head = f"{adj.key}: {WHAT[adj.reason]}."
    patient_id = patient_id_of(ctx.practice, item.claim.patient_control_number)
    if ctx.practice is None or patient_id is None or on is None:
        return Decision(
            "review",
            (head, "Without the practice's coverages the dates cannot be checked."),
            missing=(f"coverages.csv rows for the patient of claim "
                     f"{item.claim.patient_control_number}",),
            action="verify eligibility (271) for the date of service",
        )  # fmt: skip
    this_payer = payer_id_of(ctx.remittance)
    mine = [
        c
        for c in index_of(ctx.practice).coverages_by_patient.get(patient_id, ())
        if c.payer_id == this_payer
    ]
    if adj.reason == "31":
        return _not_identified(ctx, head, mine)
    answered = _answered(ctx, mine, on)
    others = [
        c for c in active_coverages(ctx.practice, patient_id, on) if c.payer_id not in answered
    ]
    gap = next(((c, why) for c in mine if (why := _outside(c, on))), None)
    evidence = [_cov_evidence(c, why) for c, why in ([gap] if gap else [])]
    if others:
        cov = others[0]
        return Decision(
            "bill_other_payer",
            (
                head,
                f"{cov.payer_name} ({cov.plan_name}, member {cov.member_id}) covers "
                f"{on.isoformat()}: bill it; do not resend the claim to the payer that answered.",
            ),
            (*evidence, _cov_evidence(cov, "in force on the date")),
            action=f"submit the claim to {cov.payer_name} with this remittance",
        )
    if gap is None:
        return Decision(
            "review",
            (
                head,
                "The coverage dates on file do not show a gap on "
                f"{on.isoformat()}: the payer's eligibility and the practice's records disagree.",
            ),
            tuple(_cov_evidence(c) for c in mine),
            (f"the coverage dates with this payer as of {on.isoformat()} (an eligibility "
             "check, 271): record end_date or effective_date in coverages.csv",),
            action="verify eligibility for the date of service, then bill the payer that "
            "covers it or the patient",
        )  # fmt: skip
    cov, why = gap
    secondary = item.claim.status in SECONDARY_STATUSES or cov.rank >= 2
    share = _earlier_share(ctx)
    if secondary or share is not None:
        primary = (
            f" The primary assigned it to the patient ({share[1]}, payer claim "
            f"{share[0].payer_claim_id})."
            if share
            else ""
        )
        reasons = (
            head,
            f"{cov.payer_name} was the secondary and its {why} (coverages.csv), before "
            f"{on.isoformat()}; no other plan covers the date.{primary}",
            "The amount is the patient's cost share, which no secondary now covers: bill the "
            "patient for it, citing the primary's patient responsibility and the coverage end "
            "date, not the CO code. Do not send another secondary claim: this payer has "
            "already answered.",
        )
        ev = list(evidence)
        if share is not None:
            ev.append(
                Evidence(
                    f"remittance history, payer claim {share[0].payer_claim_id}",
                    f"primary: {share[1]} on {item.procedure.code if item.procedure else '-'}",
                )
            )
        return Decision(
            "bill_patient",
            reasons,
            tuple(ev),
            action="send the patient a statement for the primary's patient responsibility "
            "(not the CO amount as such); update coverages.csv",
        )
    return Decision(
        "bill_patient",
        (
            head,
            f"The patient's coverage with {cov.payer_name}: {why}, and no other plan on file "
            f"covers {on.isoformat()}: the service was uninsured, so the patient owes it as a "
            "self-pay patient. The statement rests on the coverage dates, not on the CO code.",
            "Prevention: verify eligibility (271) before each visit.",
        ),
        tuple(evidence),
        ("the patient's current coverage, if any (ask the patient for a new card first)",),
        action="ask the patient for current coverage; if none, send a self-pay statement",
    )


def _not_identified(ctx: DenialContext, head: str, mine: list[Coverage]) -> Decision:
    claim = ctx.item.claim
    sent = (claim.patient.id if claim.patient else "") or ""
    on_file = mine[0] if mine else None
    if on_file is not None and sent and on_file.member_id and on_file.member_id != sent:
        fix = correction_for(ctx)
        return Decision(
            "corrected_claim",
            (
                head,
                f"The claim carried member id {sent}; the coverage on file has "
                f"{on_file.member_id}: correct the member id and resend.",
                fix.why,
            ),
            (_cov_evidence(on_file),),
            action=f"correct the member id to {on_file.member_id}: {fix.how}",
            deadline_step=fix.step,
            correction_form=fix.form,
        )
    return Decision(
        "review",
        (head, "The member id sent matches the one on file (or none is on file)."),
        tuple(_cov_evidence(c) for c in mine),
        ("a copy of the patient's current insurance card and an eligibility check (271)",),
        action="verify the patient's coverage and member id, then resend or bill the patient",
    )
