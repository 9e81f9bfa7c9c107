"""The triage engine: every denied dollar in a set of remittances, decided, dated and ordered.

For each remittance and claim (reversals and claims a later correction replaced are skipped),
each denied line or claim-level denial goes to the rule registered for its reason code (the first
denial adjustment with a rule, CO/PI/OA before PR). With no rule it becomes a ``review`` item that
explains the code and says what is missing; a rule that raises becomes ``review`` with the error's
message. The deadline comes from :mod:`recoup.deadlines` by payer type and step.

The patient's cost share (PR-1/2/3) is not a denial, but someone must bill it: each line's share
goes through its own rule (R001: the secondary payer, else the patient) into
``Worklist.patient_share``, a list apart from ``Worklist.items``, so it never inflates the denied
dollars. Contractual write-downs (CO-45 and kin) appear in neither list, except that a paid line
whose allowed amount is below the practice's contracted rate (``fee_schedules/``) becomes an
``underpayment`` item (rule U001) for the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import recoup.triage.rules  # noqa: F401  (registers every rule)
from recoup.codes import category_of, explain
from recoup.deadlines import Deadline, days_left, deadline
from recoup.denials import DeniedItem, denied_items, patient_share_items
from recoup.lineage import current_positions
from recoup.money import ZERO
from recoup.practice import Practice
from recoup.records import Adjustment, ClaimPayment, Remittance
from recoup.triage.facts import (
    cas_evidence,
    deadline_inputs,
    patient_id_of,
    patient_of,
    payer_type_of,
)
from recoup.triage.model import (
    LANES,
    Decision,
    DenialContext,
    RuleInfo,
    WorkItem,
    Worklist,
    registered_rules,
    rule_for,
)
from recoup.triage.rules.underpayment import RULE_ID as UNDERPAYMENT_RULE
from recoup.triage.rules.underpayment import paid_lines, shortfall
from recoup.x12 import ParseResult

__all__ = ["WorkItem", "Worklist", "denial_id", "triage"]

_NO_DEADLINE = {
    "bill_other_payer": "no appeal deadline: the claim goes to another payer (its own timely "
    "filing limit applies)",
    "bill_patient": "no appeal deadline: the balance is billed to the patient",
    "write_off": "no deadline: the balance is written off",
}
_SHARE_BASIS = (
    "no appeal deadline: the patient's cost share is billed (to the next payer within its timely "
    "filing limit, or to the patient), not appealed"
)
_PROVIDER_GROUPS = ("CO", "PI", "OA", "CR")
_UNDERPAYMENT = next(r for r in registered_rules() if r.id == UNDERPAYMENT_RULE)
# an underpaid line with no write-down at all: no CAS code took it
_NO_ADJUSTMENT = Adjustment("", "", ZERO)


# -- selecting claims ----------------------------------------------------------------------------


def _ordered(results: Sequence[ParseResult]) -> list[tuple[Remittance, ClaimPayment]]:
    """Every claim with its remittance, in arrival order (notice date, then input order)."""
    rems = [rem for result in results for rem in result.remittances]
    rems.sort(key=lambda r: r.notice_date or date.min)
    return [(rem, claim) for rem in rems for claim in rem.claims]


def _histories(
    pairs: Sequence[tuple[Remittance, ClaimPayment]], practice: Practice | None
) -> dict[str, tuple[ClaimPayment, ...]]:
    """The claims of each patient (by patient id, else by the 835's member id), oldest first."""
    hist: dict[str, list[ClaimPayment]] = {}
    for _, claim in pairs:
        hist.setdefault(_patient_key(practice, claim), []).append(claim)
    return {k: tuple(v) for k, v in hist.items()}


def _patient_key(practice: Practice | None, claim: ClaimPayment) -> str:
    pid = patient_id_of(practice, claim.patient_control_number)
    if pid is not None:
        return f"id:{pid}"
    member = claim.patient.id if claim.patient else ""
    return f"member:{member}" if member else f"claim:{claim.patient_control_number}"


# -- deciding --------------------------------------------------------------------------------------


def _pick(item: DeniedItem) -> tuple[Adjustment, RuleInfo | None]:
    ordered = sorted(item.adjustments, key=lambda a: 0 if a.group in _PROVIDER_GROUPS else 1)
    for adj in ordered:
        info = rule_for(adj.reason)
        if info is not None:
            return adj, info
    return ordered[0], None


def _fallback(ctx: DenialContext, adj: Adjustment) -> Decision:
    exp = explain(adj.group, adj.reason, ctx.item.remarks)
    reasons = [f"{adj.key}: {exp.description}"]
    if exp.explanation:
        reasons.append(exp.explanation)
    if exp.typical_fix:
        reasons.append(f"Typical fix: {exp.typical_fix}")
    return Decision(
        "review",
        tuple(reasons),
        (cas_evidence(ctx),),
        missing=(
            f"no triage rule for CARC {adj.reason} yet: a person must read the remittance and "
            "the records and choose the lane",
        ),
        action="read the denial and decide the lane by hand",
    )


def _decide(ctx: DenialContext, adj: Adjustment, info: RuleInfo | None) -> Decision:
    if info is None:
        return _fallback(ctx, adj)
    try:
        decision = info.func(ctx)
    except Exception as exc:  # a rule's bug must not stop the worklist
        return Decision(
            "review",
            (f"Rule {info.id} ({info.name}) could not decide: {type(exc).__name__}: {exc}",),
            (cas_evidence(ctx),),
            missing=(f"rule {info.id} failed on this denial",),
        )
    if decision.lane not in LANES:
        return Decision(
            "review",
            (f"Rule {info.id} returned an unknown lane {decision.lane!r}.", *decision.reasons),
            decision.evidence,
            decision.missing,
        )
    return decision


def _deadline(ctx: DenialContext, decision: Decision) -> Deadline:
    step = decision.deadline_step
    if not step:
        if decision.lane in _NO_DEADLINE:
            return Deadline(None, _NO_DEADLINE[decision.lane], "", "")
        step = "corrected_claim" if decision.lane == "corrected_claim" else "appeal"
    kind = payer_type_of(ctx)
    inputs = deadline_inputs(ctx, step)  # the payer's settings for this step, and its state
    found = deadline(
        kind.type,
        step,
        ctx.remittance.notice_date,
        override_days=inputs.override_days,
        state=inputs.state,
        clock=inputs.clock,
        service_date=ctx.item.service_date,
    )
    if kind.assumed:
        return found._replace(basis=f"{found.basis} (payer type {kind.source})")
    return found


def _patient_name(practice: Practice | None, claim: ClaimPayment) -> str:
    pid = patient_id_of(practice, claim.patient_control_number)
    if practice is not None and pid is not None:
        patient = patient_of(practice, pid)
        if patient is not None:
            return patient.display_name
    return claim.patient.display_name if claim.patient else ""


def _item(ctx: DenialContext, *, share: bool = False, underpaid: Decimal | None = None) -> WorkItem:
    info: RuleInfo | None
    if underpaid is not None:  # an underpayment: its rule, not the CAS codes', decides
        info = _UNDERPAYMENT
        adj = ctx.item.adjustments[0] if ctx.item.adjustments else _NO_ADJUSTMENT
    else:
        adj, info = _pick(ctx.item)
    decision = _decide(ctx, adj, info)
    evidence = decision.evidence
    if ctx.item.adjustments and not any(e.place.segment_id == "CAS" for e in evidence):
        evidence = (cas_evidence(ctx), *evidence)
    due = Deadline(None, _SHARE_BASIS, "", "") if share else _deadline(ctx, decision)
    proc = ctx.item.procedure
    claim = ctx.item.claim
    return WorkItem(
        patient_account=claim.patient_control_number,
        payer_claim_id=claim.payer_claim_id,
        payer_name=ctx.remittance.payer.name,
        patient_name=_patient_name(ctx.practice, claim),
        service_date=ctx.item.service_date,
        code=proc.code if proc else None,
        modifiers=proc.modifiers if proc else (),
        group_code=adj.group,
        reason_code=adj.reason,
        remark_codes=ctx.item.remarks,
        denied_amount=ctx.item.amount if underpaid is None else underpaid,
        category=category_of(adj.reason) if underpaid is None else "underpayment",
        lane=decision.lane,
        reasons=decision.reasons,
        evidence=evidence,
        deadline=due,
        days_left=days_left(due, ctx.today),
        rule=info.id if info else "",
        action=decision.action,
        missing=decision.missing,
        file=ctx.file,
        denial_id=denial_id(ctx.item),
        context=ctx,
        correction_form=decision.correction_form,
    )


def _share_item(ctx: DenialContext) -> WorkItem:
    """A patient-share row: its id is the line's denial id with ``/share``, so a line that has
    both a denial and a patient share gets two distinct ids."""
    item = _item(ctx, share=True)
    return item._replace(denial_id=f"{item.denial_id}/share")


def denial_id(item: DeniedItem) -> str:
    """``CLP01-<line>`` (1-based SVC position, or ``claim``) + ``@CLP07`` when there is one."""
    claim = item.claim
    if item.line is None:
        where = "claim"
    else:
        where = next((str(i) for i, line in enumerate(claim.lines, 1) if line is item.line), "line")
    tail = f"@{claim.payer_claim_id}" if claim.payer_claim_id else ""
    return f"{claim.patient_control_number}-{where}{tail}"


def _sort_key(item: WorkItem) -> tuple[int, date, Decimal]:
    due = item.deadline.date
    return (0 if due else 1, due or date.max, -item.denied_amount)


def triage(results: Iterable[ParseResult], practice: Practice | None, today: date) -> Worklist:
    """Every denial in ``results`` decided by its rule, ordered by deadline then dollars."""
    pairs = _ordered(list(results))
    current = current_positions(pairs)  # reversals and what they (or a replacement) undid drop
    histories = _histories(pairs, practice)
    items: list[WorkItem] = []
    shares: list[WorkItem] = []
    for i, (rem, claim) in enumerate(pairs):
        if i not in current:
            continue
        history = histories[_patient_key(practice, claim)]
        for denied in denied_items(claim):
            ctx = DenialContext(denied, rem, practice, history, today, rem.file)
            items.append(_item(ctx))
        if practice is not None and practice.fee_schedules:
            for line in paid_lines(claim):
                ctx = DenialContext(line, rem, practice, history, today, rem.file)
                found = shortfall(ctx)
                if found is not None:
                    items.append(_item(ctx, underpaid=found.difference))
        for share in patient_share_items(claim):
            ctx = DenialContext(share, rem, practice, history, today, rem.file)
            shares.append(_share_item(ctx))
    items.sort(key=_sort_key)
    shares.sort(key=_sort_key)
    return Worklist(tuple(items), today, tuple(shares))
