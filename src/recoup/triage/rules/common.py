"""What every rule decides the same way: the form a correction takes, who may be billed for a
CO amount, and the remarks that take appeal rights away. Not a rule itself (nothing registers).

Why (docs/why.md):

- **Correction form.** Medicare Part B does not take replacement claims (frequency 7) for a
  processed claim: a clerical error such as a missing modifier is a *reopening* within one year of
  the initial determination (42 CFR 405.980(b)). A claim returned as unprocessable (MA130) was
  never processed, so it is corrected and sent as a *new* claim. Other payers take a
  *replacement* (frequency 7 with the payer's claim number in REF*F8, docs/domain.md §2.7) unless
  the
  practice's payer setting ``correction_form`` says otherwise.
- **Liability follows the group code.** A CO amount is the provider's (docs/domain.md §1.2);
billing a
  patient for an amount the payer did not report as PR risks penalties (RARC MA13). A notice on
  file changes that only in the payer's own way: Original Medicare through the GA modifier on the
  claim (ABN), Medicare Advantage through the plan's pre-service organization determination (an
  ABN is not valid there), a commercial plan only when its remittance says so (N492) or the
  contract allows it and the practice has recorded that (``co_member_billing``).
- **No appeal rights.** MA130, MA44, N211 and N704 say the decision cannot be appealed: every rule
  takes the resubmission path instead of an appeal or a dispute.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import NamedTuple

from recoup.codes import explain_remark
from recoup.practice import CoMemberBilling, CorrectionForm, PayerType, Waiver, WaiverKind
from recoup.practice.index import index_of
from recoup.records import Adjustment
from recoup.triage.facts import (
    payer_id_of,
    payer_info_of,
    payer_type_of,
    source_of,
)
from recoup.triage.model import Decision, DenialContext, Evidence

__all__ = [
    "APPEAL_LANES",
    "NO_APPEAL_REMARKS",
    "UNPROCESSABLE_REMARKS",
    "Correction",
    "co_liability",
    "correction_for",
    "honours_no_appeal",
    "notice_evidence",
    "notices_on_file",
    "remarks_of",
]

# Remarks saying the decision cannot be appealed (the resubmission path instead).
NO_APPEAL_REMARKS = ("MA130", "MA44", "N211", "N704")
# Remarks saying the claim was not processed at all: corrected and sent as a new claim.
UNPROCESSABLE_REMARKS = frozenset({"MA130"})
APPEAL_LANES = frozenset({"appeal", "exception_appeal", "recount_dispute"})
MEDICARE_CLERICAL = (
    "Medicare Part B takes no replacement claim (frequency 7) for a processed claim: a clerical "
    "error such as a missing modifier is corrected by a reopening within one year of the "
    "initial determination (42 CFR 405.980(b))."
)


def remarks_of(ctx: DenialContext) -> tuple[str, ...]:
    """The denied line's remarks and its claim's (MOA) remarks, once each."""
    return tuple(dict.fromkeys(ctx.item.remarks))  # DeniedItem joins SVC and MOA remarks


class Correction(NamedTuple):
    form: str  # a CorrectionForm value
    step: str  # the deadline step: "reopening" or "corrected_claim"
    how: str  # the words for the action: how to send it
    why: str  # the reason this form applies


def correction_for(ctx: DenialContext) -> Correction:
    """The form the payer accepts for a correction of this claim."""
    claim_number = ctx.item.claim.payer_claim_id or "(the payer's claim number)"
    remarks = set(remarks_of(ctx))
    if remarks & UNPROCESSABLE_REMARKS:
        return Correction(
            CorrectionForm.NEW.value,
            "corrected_claim",
            "send it as a new claim (frequency 1), not a replacement",
            "MA130: the claim was returned as unprocessable, so it was never processed: correct "
            "it and send a new claim; a replacement (frequency 7) would have nothing to replace.",
        )
    info = payer_info_of(ctx)
    if info is not None and info.correction_form is not None:
        form = info.correction_form
        where = f"practice.toml [payers.{info.payer_id}] correction_form = {form.value!r}"
        return _of_form(form, claim_number, f"This payer takes corrections as set in {where}.")
    if payer_type_of(ctx).type is PayerType.MEDICARE:
        return _of_form(CorrectionForm.REOPENING, claim_number, MEDICARE_CLERICAL)
    return _of_form(
        CorrectionForm.REPLACEMENT,
        claim_number,
        "The payer takes a replacement claim (frequency 7) naming its claim number "
        f"{claim_number} (REF*F8), docs/domain.md §2.7.",
    )


def _of_form(form: CorrectionForm, claim_number: str, why: str) -> Correction:
    if form is CorrectionForm.REOPENING:
        how = (
            f"ask the payer for a clerical-error reopening of claim {claim_number} (portal, phone "
            "or written request), not a replacement claim"
        )
        return Correction(form.value, "reopening", how, why)
    if form is CorrectionForm.NEW:
        return Correction(
            form.value, "corrected_claim", "send it as a new claim (frequency 1)", why
        )
    if form is CorrectionForm.VOID:
        how = f"void claim {claim_number} (frequency 8, REF*F8 {claim_number}) and bill it anew"
        return Correction(form.value, "corrected_claim", how, why)
    how = f"resend as a replacement claim (frequency 7) with payer claim number {claim_number}"
    return Correction(form.value, "corrected_claim", how, why)


# -- notices on file and who may be billed for a CO amount -----------------------------------------


def notices_on_file(
    ctx: DenialContext, patient_id: str | None, on: date | None, code: str | None
) -> list[Waiver]:
    """Every signed notice (ABN, waiver, MA determination) of the patient for this payer that
    covers the date and code, whatever its kind (the caller says which kinds count)."""
    practice = ctx.practice
    if practice is None or patient_id is None or on is None:
        return []
    payer_id = payer_id_of(ctx.remittance)
    out = []
    for waiver in index_of(practice).waivers_by_patient.get(patient_id, ()):
        if waiver.payer_id and payer_id and waiver.payer_id != payer_id:
            continue
        if waiver.signed_date > on:
            continue
        if waiver.valid_through is not None and on > waiver.valid_through:
            continue
        if waiver.codes and code is not None and code not in waiver.codes:
            continue
        out.append(waiver)
    return out


def notice_evidence(waiver: Waiver) -> Evidence:
    return Evidence(
        source_of(waiver.file, waiver.row, "waivers.csv"),
        f"{waiver.kind} signed {waiver.signed_date.isoformat()}, codes "
        f"{' '.join(waiver.codes) or 'all'}"
        + (f", valid through {waiver.valid_through.isoformat()}" if waiver.valid_through else ""),
    )


MA13 = (
    "A CO amount is the provider's: billing the patient for an amount the payer did not report "
    "as patient responsibility (group PR) risks penalties (remark MA13)."
)


def co_liability(
    ctx: DenialContext,
    adj: Adjustment,
    notices: list[Waiver],
    reasons: tuple[str, ...],
    evidence: tuple[Evidence, ...],
) -> Decision | None:
    """The decision for a CO (or OA/PI) denial when a notice is on file, or ``None`` when no
    notice changes who pays (the rule goes on to its own provider-liable lane).

    Original Medicare + ABN: a correction adding GA (the MAC then reports the amount as PR);
    Medicare Advantage: the patient only with the plan's pre-service determination, never on an
    ABN; commercial: the patient only with N492 or the contract clause the practice recorded."""
    kind = payer_type_of(ctx).type
    code = ctx.item.procedure.code if ctx.item.procedure else None
    modifiers = ctx.item.procedure.modifiers if ctx.item.procedure else ()
    remarks = remarks_of(ctx)
    if kind is PayerType.MEDICARE:
        abn = next((w for w in notices if w.kind is WaiverKind.ABN), None)
        if abn is None:
            return None
        ev = (*evidence, notice_evidence(abn))
        if "GA" in modifiers:
            return Decision(
                "review",
                (
                    *reasons,
                    f"{adj.key} with GA on the line and a signed ABN of "
                    f"{abn.signed_date.isoformat()}: Medicare still held the provider liable, "
                    "so it found the ABN defective (check for remark M39) or not covering this "
                    "service.",
                    MA13,
                ),
                ev,
                ("the ABN itself (CMS-R-131): the service, the cost estimate, the option box "
                 "checked, the signature date",),
                action="check the ABN against the service; appeal if it was valid",
            )  # fmt: skip
        fix = correction_for(ctx)
        return Decision(
            "corrected_claim",
            (
                *reasons,
                f"A signed ABN of {abn.signed_date.isoformat()} covers {code or 'the service'} "
                "on this date, but the claim did not carry GA, so Medicare held the provider "
                f"liable ({adj.key}). An ABN works only through the GA modifier on the claim: "
                "add GA; Medicare then reports the amount as patient responsibility (PR) and "
                "only then may the patient be billed.",
                "KX and GA contradict each other: GA says the service may not be reasonable and "
                "necessary; never send both.",
                MA13,
                fix.why,
            ),
            ev,
            action=f"add modifier GA to {code or 'the line'}: {fix.how}; bill the patient only "
            "after the new remittance assigns the amount to the patient (PR)",
            deadline_step=fix.step,
            correction_form=fix.form,
        )
    if kind is PayerType.MEDICARE_ADVANTAGE:
        determination = next((w for w in notices if w.kind is WaiverKind.MA_DETERMINATION), None)
        if determination is not None:
            return Decision(
                "bill_patient",
                (
                    *reasons,
                    "The plan's pre-service organization determination of "
                    f"{determination.signed_date.isoformat()} denied {code or 'the service'} "
                    "before it was given: the enrollee was told in advance and may be billed. "
                    "The statement rests on that determination, not on the CO adjustment.",
                ),
                (*evidence, notice_evidence(determination)),
                action="send the patient a statement citing the plan's pre-service "
                "determination (not the CO code)",
            )
        abn = next((w for w in notices if w.kind is WaiverKind.ABN), None)
        if abn is None:
            return None
        return Decision(
            "review",
            (
                *reasons,
                "For a Medicare Advantage patient, an ABN is not a valid waiver: the ABN of "
                f"{abn.signed_date.isoformat()} on file does not let the patient be billed. "
                "Only the plan's pre-service organization determination (denial notice) does.",
                MA13,
            ),
            (*evidence, notice_evidence(abn)),
            ("the plan's pre-service organization determination for this service (waivers.csv "
             "kind ma_determination), or appeal the denial with the plan",),
            action="do not bill the patient; appeal with the plan or write off",
        )  # fmt: skip
    waiver = next((w for w in notices if w.kind is not WaiverKind.ABN), None)
    if waiver is None:
        return None
    info = payer_info_of(ctx)
    setting = info.co_member_billing if info is not None else CoMemberBilling.NO
    payer = info.payer_id if info is not None else payer_id_of(ctx.remittance)
    ev = (*evidence, notice_evidence(waiver))
    signed = f"the member's signed {waiver.kind} of {waiver.signed_date.isoformat()}"
    allowed = setting is CoMemberBilling.CONTRACT or (
        setting is CoMemberBilling.N492 and "N492" in remarks
    )
    if allowed:
        why = (
            f"the remittance carries N492 ({explain_remark('N492').description})"
            if "N492" in remarks
            else "the contract lets the member be billed after a written agreement"
        )
        return Decision(
            "bill_patient",
            (
                *reasons,
                f"The patient may be billed on {signed}: {why}, and practice.toml "
                f"[payers.{payer}] co_member_billing = {setting.value!r} records that the "
                "contract allows it. The statement rests on the signed agreement, not on the CO "
                "adjustment.",
            ),
            ev,
            action="send the patient a statement citing the signed agreement (not the CO code)",
        )
    if "N492" in remarks:
        check = (
            "the payer signals the member may be billed (N492), but the practice has not "
            "recorded that its contract allows it"
        )
    else:
        check = "the payer did not signal that the member may be billed (no N492)"
    return Decision(
        "review",
        (
            *reasons,
            f"{signed.capitalize()} is on file, but {adj.key} is contractual: {check}.",
            MA13,
        ),
        ev,
        (
            f"the contract with payer {payer}: does it let the member be billed for a CO denial "
            'after a written agreement? If so, set co_member_billing = "contract" (or "n492" '
            f"to require the payer's N492) in practice.toml [payers.{payer}]",
        ),
        action="check the contract before billing the patient; otherwise appeal or write off",
    )


# -- remarks that take appeal rights away ----------------------------------------------------------


RuleFunc = Callable[[DenialContext], Decision]


def honours_no_appeal(func: RuleFunc) -> RuleFunc:
    """Wrap a rule: an appeal-like lane under a no-appeal remark becomes the resubmission path."""

    @wraps(func)
    def wrapper(ctx: DenialContext) -> Decision:
        decision = func(ctx)
        if decision.lane not in APPEAL_LANES:
            return decision
        remarks = remarks_of(ctx)
        found = [r for r in NO_APPEAL_REMARKS if r in remarks]
        if not found:
            return decision
        return resubmission(ctx, decision, found)

    return wrapper


def resubmission(ctx: DenialContext, decision: Decision, found: list[str]) -> Decision:
    """The appeal the rule chose, turned into a correction: the remark forbids the appeal."""
    fix = correction_for(ctx)
    said = [f"{r}: {explain_remark(r).description}" for r in found]
    return Decision(
        "corrected_claim",
        (
            *decision.reasons,
            *said,
            f"No appeal rights ({', '.join(found)}): the {decision.lane.replace('_', ' ')} "
            "above cannot be filed; correct what the payer names and resubmit instead.",
            fix.why,
        ),
        decision.evidence,
        (
            *decision.missing,
            "what to correct on the claim (the payer's remark or a call to the payer), since "
            "the decision itself cannot be appealed",
        ),
        action=f"correct the claim and {fix.how} (no appeal: {', '.join(found)})",
        deadline_step=fix.step,
        correction_form=fix.form,
    )
