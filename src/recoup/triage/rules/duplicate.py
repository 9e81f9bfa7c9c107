"""Duplicate claim or service (CARC 18).

Why it decides this way (DOMAIN §1.3, §2.7): a duplicate denial is right when the service was
already paid, and wrong when the claim was a correction the payer could not recognise. The history
is searched: the same claim number (CLP01) paid earlier and this claim not sent as a replacement
(CLP09 is not 7) means the correction was sent as a new claim — resend it with frequency 7 and
the payer's claim number. An earlier payment of the same service on another claim means the
denial stands (write off, nothing is lost). Nothing found: review, and say what to check.
"""

from __future__ import annotations

from recoup.records import ClaimPayment
from recoup.triage.model import Decision, DenialContext, Evidence, rule

REPLACEMENT = "7"


def _codes_on(claim: ClaimPayment) -> set[tuple[str, str]]:
    return {
        (line.procedure.code, line.date_of_service.isoformat())
        for line in claim.lines
        if line.date_of_service is not None and line.paid > 0
    }


@rule("R018", "duplicate", ("18",))
def duplicate(ctx: DenialContext) -> Decision:
    """Check the history for an earlier payment of the same claim or service."""
    claim = ctx.item.claim
    key = next((a.key for a in ctx.item.adjustments if a.reason == "18"), "CO-18")
    position = next((i for i, c in enumerate(ctx.history) if c is claim), len(ctx.history))
    earlier = [c for c in ctx.history[:position] if not c.is_reversal and c.paid > 0]
    same_number = [c for c in earlier if c.patient_control_number == claim.patient_control_number]
    if same_number:
        first = same_number[0]
        ev = Evidence(
            f"remittance history, payer claim {first.payer_claim_id}",
            f"claim {first.patient_control_number} paid ${first.paid} earlier "
            f"(frequency {first.frequency or '1'}); this one has frequency "
            f"{claim.frequency or '1'}",
        )
        if claim.frequency != REPLACEMENT:
            return Decision(
                "corrected_claim",
                (
                    f"{key}: the payer saw this claim as a duplicate of one it already paid.",
                    "The same claim number was paid earlier and this claim was not sent as a "
                    "replacement: resend as a replacement, frequency 7, with the payer claim "
                    f"number {first.payer_claim_id}.",
                ),
                (ev,),
                action=f"resend as a replacement (frequency 7) quoting {first.payer_claim_id}",
                deadline_step="corrected_claim",
            )
        return Decision(
            "appeal",
            (
                f"{key}: the payer treated a replacement claim (frequency 7) as a duplicate.",
                "A replacement is not a duplicate: ask for a reopening/appeal.",
            ),
            (ev,),
            action="appeal: the claim was a replacement of the paid claim",
        )
    mine = _codes_on_item(ctx)
    for other in earlier:
        overlap = mine & _codes_on(other)
        if overlap:
            code, day = sorted(overlap)[0]
            return Decision(
                "write_off",
                (
                    f"{key}: the service was already paid on another claim; the denial is right.",
                    f"{code} on {day} was paid on claim {other.patient_control_number}.",
                ),
                (
                    Evidence(
                        f"remittance history, payer claim {other.payer_claim_id}",
                        f"{code} on {day} paid on claim {other.patient_control_number}",
                    ),
                ),
                action="write off the duplicate (nothing is lost)",
            )
    return Decision(
        "review",
        (
            f"{key}: the payer says the claim or service is a duplicate.",
            "No earlier payment of this claim or service was found in the remittances given.",
        ),
        missing=("the earlier remittance (or the payer portal's claim history) for this service",),
        action="check the payer portal for an earlier payment",
    )


def _codes_on_item(ctx: DenialContext) -> set[tuple[str, str]]:
    item = ctx.item
    lines = (item.line,) if item.line is not None else item.claim.lines
    return {
        (line.procedure.code, line.date_of_service.isoformat())
        for line in lines
        if line.date_of_service is not None
    }
