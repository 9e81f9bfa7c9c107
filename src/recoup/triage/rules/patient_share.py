"""The patient's cost share (PR-1 deductible, PR-2 coinsurance, PR-3 copay): not a denial, routed.

Why it decides this way (docs/domain.md §7.2; scenario 17): the payer paid what the plan owes and
assigned the rest to the patient. A secondary (or tertiary) coverage in force on the date of
service pays first: it gets a claim with this remittance attached (the primary's CAS at the level
received), and only what it leaves goes to the patient. Sending the patient a statement a
secondary should have paid is the commonest patient complaint, so the order is fixed:

- the payer already forwarded the claim (crossover: NM1*TT, CLP02 19-21, remark MA18 or N89) →
  ``bill_other_payer``: wait for that payer's remittance, do not file twice;
- a coverage ranked after this payer (coverages.csv ``rank``) in force on the date, of a kind
  that covers the service (a vision-only plan never gets a physical-therapy copay) →
  ``bill_other_payer``, naming the plan;
- otherwise → ``bill_patient``; with no practice folder (or a claim not in visits.csv) the
  coverage cannot be checked → ``review``.

The engine keeps these items apart from the denials (``Worklist.patient_share``): they never
count as denied dollars. CO-45 and other contractual write-downs are not routed at all.
"""

from __future__ import annotations

from datetime import date

from recoup.money import display_money
from recoup.practice import Coverage, PayerType
from recoup.records import ClaimPayment
from recoup.triage.facts import (
    active_coverages,
    covers_service,
    patient_id_of,
    payer_id_of,
    payer_type_of,
    source_of,
)
from recoup.triage.model import Decision, DenialContext, Evidence, rule

SHARE_WORDS = {"1": "deductible", "2": "coinsurance", "3": "copay"}
# CLP02: processed as primary/secondary/tertiary, and the same "forwarded to additional payer(s)".
RANK_BY_STATUS = {"1": 1, "2": 2, "3": 3, "19": 1, "20": 2, "21": 3}
FORWARDED_STATUSES = frozenset({"19", "20", "21"})
FORWARDED_REMARKS = frozenset({"MA18", "N89"})


def _this_rank(ctx: DenialContext, coverages: list[Coverage]) -> tuple[int, Evidence | None]:
    """This payer's rank for the patient: its coverages.csv row, else CLP02, else primary."""
    payer_id = payer_id_of(ctx.remittance)
    own = next((c for c in coverages if c.payer_id == payer_id), None)
    if own is not None:
        fact = f"{own.payer_name}, {own.plan_name}: rank {own.rank} (this remittance's payer)"
        return own.rank, Evidence(source_of(own.file, own.row, "coverages.csv"), fact)
    return RANK_BY_STATUS.get(ctx.item.claim.status, 1), None


def _forwarded_to(claim: ClaimPayment, remarks: tuple[str, ...]) -> str | None:
    """Whom the payer forwarded the claim to (crossover), or None when it did not."""
    if claim.crossover_carrier is not None:
        return claim.crossover_carrier.display_name or "the crossover payer (NM1*TT)"
    if claim.status in FORWARDED_STATUSES or FORWARDED_REMARKS & set(remarks):
        return "the patient's next payer"
    return None


def _share_words(ctx: DenialContext) -> str:
    parts = [
        f"{a.key} {SHARE_WORDS.get(a.reason, 'cost share')} {display_money(a.amount)}"
        for a in ctx.item.adjustments
    ]
    return ", ".join(parts)


@rule("R001", "patient cost share", ("1", "2", "3"))
def patient_share(ctx: DenialContext) -> Decision:
    """Route a deductible, coinsurance or copay: the next payer in rank order, else the patient."""
    item = ctx.item
    code = item.procedure.code if item.procedure else None
    on = item.service_date
    reasons = [
        f"{_share_words(ctx)} on {code or 'the claim'}: the patient's cost share under the plan, "
        "not a denial (it is not counted in the denied dollars).",
    ]
    forwarded = _forwarded_to(item.claim, item.remarks)
    patient_id = patient_id_of(ctx.practice, item.claim.patient_control_number)
    coverages = active_coverages(ctx.practice, patient_id, on)
    rank, own = _this_rank(ctx, coverages)
    evidence = [own] if own is not None else []
    this_payer = payer_id_of(ctx.remittance)
    following = [
        c
        for c in coverages
        if c.rank > rank and c.payer_id != this_payer and covers_service(c, code)
    ]
    if forwarded is not None:
        return _forwarded(reasons, evidence, forwarded, following)
    if following:
        return _secondary(reasons, evidence, following[0], rank)
    if ctx.practice is None or patient_id is None:
        return Decision(
            "review",
            (*reasons, "Without the practice's coverages the secondary payer cannot be checked."),
            tuple(evidence),
            missing=(
                f"the patient's coverages (coverages.csv rows for the patient of claim "
                f"{item.claim.patient_control_number}): a secondary pays before the patient",
            ),
            action="check for secondary coverage, then bill it or the patient",
        )
    skipped = [c for c in coverages if c.rank > rank and not covers_service(c, code)]
    return _patient(ctx, reasons, evidence, skipped, on)


def _forwarded(
    reasons: list[str], evidence: list[Evidence], to: str, following: list[Coverage]
) -> Decision:
    name = following[0].payer_name if following else to
    if following:
        cov = following[0]
        evidence.append(
            Evidence(
                source_of(cov.file, cov.row, "coverages.csv"),
                f"rank {cov.rank}: {cov.payer_name}, {cov.plan_name}, member {cov.member_id}",
            )
        )
    return Decision(
        "bill_other_payer",
        (
            *reasons,
            f"The payer forwarded the claim to {to} (crossover): {name} will adjudicate the "
            "patient's share from the forwarded data.",
        ),
        tuple(evidence),
        action=(
            f"wait for {name}'s remittance (do not send a duplicate claim); bill the patient only "
            "what it leaves"
        ),
    )


def _secondary(reasons: list[str], evidence: list[Evidence], cov: Coverage, rank: int) -> Decision:
    which = {1: "secondary", 2: "tertiary"}.get(rank, "next")
    evidence.append(
        Evidence(
            source_of(cov.file, cov.row, "coverages.csv"),
            f"rank {cov.rank}: {cov.payer_name}, {cov.plan_name}, member {cov.member_id}",
        )
    )
    return Decision(
        "bill_other_payer",
        (
            *reasons,
            f"The patient has {which} coverage in force on the date of service: "
            f"{cov.payer_name} ({cov.plan_name}, member {cov.member_id}). Bill it with this "
            "remittance (the primary's CAS at the level received, docs/domain.md §7.2) before "
            "billing "
            "the patient.",
        ),
        tuple(evidence),
        action=(
            f"send a {which} claim to {cov.payer_name} ({cov.plan_name}) with this remittance; "
            "bill the patient only what it leaves"
        ),
    )


def _patient(
    ctx: DenialContext,
    reasons: list[str],
    evidence: list[Evidence],
    skipped: list[Coverage],
    on: date | None,
) -> Decision:
    for cov in skipped:
        reasons.append(
            f"{cov.payer_name} ({cov.plan_name}) is on file but covers other care only; it is "
            "not billed for this service."
        )
        evidence.append(
            Evidence(
                source_of(cov.file, cov.row, "coverages.csv"),
                f"rank {cov.rank}: {cov.payer_name}, {cov.plan_name} (not for this service)",
            )
        )
    when = on.isoformat() if on else "the date of service"
    reasons.append(f"No other coverage in force on {when}: bill the patient.")
    if payer_type_of(ctx).type in (PayerType.MEDICAID, PayerType.MEDICAID_MANAGED_CARE):
        reasons.append(
            "Medicaid: bill the patient no more than the share Medicaid assigned (no balance "
            "billing of a Medicaid member)."
        )
    return Decision(
        "bill_patient",
        tuple(reasons),
        tuple(evidence),
        action="send the patient a statement for this amount",
    )
