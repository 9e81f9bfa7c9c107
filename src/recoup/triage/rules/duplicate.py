"""Duplicate claim or service (CARC 18).

Why it decides this way (docs/domain.md §1.3, §2.7): a duplicate denial is right when the service
was
already paid, and wrong when the claim was a correction the payer could not recognise. The lines
decide it: the denied claim is laid next to the earlier paid claim of the same number (CLP01),
line by line (code, modifiers, date, units, charge).

- the same lines → an exact duplicate: nothing more is owed; close it as a write-off naming the
  earlier payment, and prevent the resend;
- different lines, this claim not sent as a replacement (CLP09 is not 7) → the correction was sent
  as a new claim: send it again in the payer's correction form
  (:func:`recoup.triage.rules.common.correction_for`: a reopening for Original Medicare, a
  replacement with frequency 7 and the payer's claim number elsewhere);
- a replacement (frequency 7) denied as a duplicate → appeal (a replacement is not a duplicate);
- the same service paid on another claim → the denial stands (write off, nothing is lost);
- nothing found → review, and say what to check.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from recoup.records import ClaimPayment, ServiceLine
from recoup.triage.model import Decision, DenialContext, Evidence, rule
from recoup.triage.rules.common import correction_for, honours_no_appeal

REPLACEMENT = "7"
PREVENTION = (
    "Prevention: before resending a claim, check the payer's claim status (277 or portal); send "
    "a correction only as the payer's correction form, never the same claim again."
)

LineKey = tuple[str, tuple[str, ...], str, Decimal, Decimal]


def _codes_on(claim: ClaimPayment) -> set[tuple[str, str]]:
    return {
        (line.procedure.code, line.date_of_service.isoformat())
        for line in claim.lines
        if line.date_of_service is not None and line.paid > 0
    }


def _key(line: ServiceLine, claim: ClaimPayment) -> LineKey:
    day = line.date_of_service or claim.service_date
    units = line.original_units or line.units or Decimal(1)
    return (
        line.procedure.code,
        tuple(line.procedure.modifiers),
        day.isoformat() if day else "",
        units,
        line.charge,
    )


def _line_words(key: LineKey) -> str:
    code, mods, day, units, charge = key
    return f"{code}{'-' + '-'.join(mods) if mods else ''} {day} {units} units ${charge}"


def _differences(denied: ClaimPayment, paid: ClaimPayment) -> list[str]:
    """What the resend changed, line by line (empty: an exact duplicate)."""
    mine = Counter(_key(ln, denied) for ln in denied.lines)
    theirs = Counter(_key(ln, paid) for ln in paid.lines)
    out = [f"added {_line_words(k)}" for k in sorted((mine - theirs).elements())]
    out += [f"dropped {_line_words(k)}" for k in sorted((theirs - mine).elements())]
    return out


@rule("R018", "duplicate", ("18",))
@honours_no_appeal
def duplicate(ctx: DenialContext) -> Decision:
    """Compare the lines with the earlier payment: exact duplicate, correction, or review."""
    claim = ctx.item.claim
    key = next((a.key for a in ctx.item.adjustments if a.reason == "18"), "CO-18")
    position = next((i for i, c in enumerate(ctx.history) if c is claim), len(ctx.history))
    earlier = [c for c in ctx.history[:position] if not c.is_reversal and c.paid > 0]
    same_number = [c for c in earlier if c.patient_control_number == claim.patient_control_number]
    if same_number:
        first = same_number[0]
        changes = _differences(claim, first)
        ev = Evidence(
            f"remittance history, payer claim {first.payer_claim_id}",
            f"claim {first.patient_control_number} paid ${first.paid} earlier "
            f"(frequency {first.frequency or '1'}); this one has frequency "
            f"{claim.frequency or '1'}; lines compared: "
            + ("; ".join(changes) if changes else f"all {len(claim.lines)} the same"),
        )
        if not changes and claim.frequency != REPLACEMENT:
            return Decision(
                "write_off",
                (
                    f"{key}: an exact duplicate: the same {len(claim.lines)} line(s), dates, "
                    f"units and charges as claim {first.patient_control_number}, which the payer "
                    f"paid (${first.paid}, payer claim {first.payer_claim_id}).",
                    "Nothing more is owed: close the denial; the earlier payment stands.",
                    PREVENTION,
                ),
                (ev,),
                action=f"close as a duplicate of payer claim {first.payer_claim_id} (paid "
                f"${first.paid}): nothing more is owed for this resend",
            )
        if claim.frequency != REPLACEMENT:
            fix = correction_for(ctx)
            return Decision(
                "corrected_claim",
                (
                    f"{key}: the payer saw this claim as a duplicate of one it already paid.",
                    f"The resend differs from the paid claim ({'; '.join(changes)}), and it was "
                    "not sent as a correction (frequency 7): it is a correction the payer could "
                    f"not recognise against payer claim number {first.payer_claim_id}.",
                    fix.why,
                ),
                (ev,),
                action=f"send the correction again: {fix.how}",
                deadline_step=fix.step,
                correction_form=fix.form,
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
                    PREVENTION,
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
