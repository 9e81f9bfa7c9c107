"""Which adjustments are denials: a first reading of a remittance before triage.

A denial is read from the adjustments (group + reason code) and remarks, not from the claim
status: in 5010, CLP02 = 4 only means the patient was not recognised, and a denied claim for a
known member comes back as 1, 2 or 3 with nothing paid. Contractual write-downs (CO-45 and kin)
and the patient's cost share (PR-1/2/3) are adjustments but not denials.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recoup.codes import category_of
from recoup.money import ZERO
from recoup.records import Adjustment, ClaimPayment, Procedure, ServiceLine

__all__ = [
    "PATIENT_SHARE_REASONS",
    "DeniedItem",
    "denied_items",
    "is_denial",
    "is_patient_share",
    "patient_share_items",
    "summarize",
]

# Categories of adjustments that are not denials (see recoup.codes categories).
NOT_DENIAL_CATEGORIES = frozenset({"contractual", "patient_cost_share"})
# CARC 23 reports what earlier payers did (on secondary and tertiary remittances): information.
NOT_DENIAL_REASONS = frozenset({"23"})
# The patient's cost share the worklist routes (to a secondary, else the patient): deductible,
# coinsurance, copay. Other cost-share CARCs (66 blood deductible, ...) are rare and not routed.
PATIENT_SHARE_REASONS = frozenset({"1", "2", "3"})


def is_denial(adjustment: Adjustment) -> bool:
    """True when the adjustment takes money away for a reason someone should work."""
    if adjustment.amount <= ZERO or adjustment.reason in NOT_DENIAL_REASONS:
        return False
    return category_of(adjustment.reason) not in NOT_DENIAL_CATEGORIES


class DeniedItem(NamedTuple):
    """A denied service line (or claim, when the payer adjudicated at claim level).

    The same shape carries a line's patient cost share (:func:`patient_share_items`): then
    ``adjustments`` are the PR-1/2/3 amounts, which are not a denial but still need routing.
    """

    claim: ClaimPayment
    line: ServiceLine | None
    adjustments: tuple[Adjustment, ...]  # the denial adjustments only
    remarks: tuple[str, ...]

    @property
    def amount(self) -> Decimal:
        total = ZERO
        for adj in self.adjustments:
            total += adj.amount
        return total

    @property
    def service_date(self) -> date | None:
        if self.line is not None and self.line.date_of_service is not None:
            return self.line.date_of_service
        return self.claim.service_date

    @property
    def procedure(self) -> Procedure | None:
        return self.line.procedure if self.line is not None else None

    @property
    def codes(self) -> str:
        return ", ".join(dict.fromkeys(adj.key for adj in self.adjustments))


def denied_items(claim: ClaimPayment) -> Iterator[DeniedItem]:
    """Each denied line of a claim, then the claim-level denial if there is one.

    Reversals (CLP02 = 22) are skipped: they undo an earlier adjudication and are not new
    denials.
    """
    if claim.is_reversal:
        return
    for line in claim.lines:
        denials = tuple(adj for adj in line.adjustments if is_denial(adj))
        if denials:
            yield DeniedItem(claim, line, denials, line.remarks + claim.remarks)
    claim_denials = tuple(adj for adj in claim.adjustments if is_denial(adj))
    if claim_denials:
        yield DeniedItem(claim, None, claim_denials, claim.remarks)


def is_patient_share(adjustment: Adjustment) -> bool:
    """PR-1, PR-2 or PR-3: what the plan assigned to the patient (or a secondary) to pay."""
    return adjustment.group == "PR" and adjustment.reason in PATIENT_SHARE_REASONS


def patient_share_items(claim: ClaimPayment) -> Iterator[DeniedItem]:
    """Each line's deductible, coinsurance and copay (PR-1/2/3), then the claim-level ones.

    Not denials: they are kept apart so they never count as denied dollars, but a person must
    still send them to the secondary payer or the patient. Reversals are skipped, and so is a
    line whose PR-1/2/3 amounts net to zero or less (a take-back is not a bill).
    """
    if claim.is_reversal:
        return
    for line in claim.lines:
        shares = tuple(adj for adj in line.adjustments if is_patient_share(adj))
        if shares and sum((a.amount for a in shares), ZERO) > ZERO:
            yield DeniedItem(claim, line, shares, line.remarks + claim.remarks)
    claim_shares = tuple(adj for adj in claim.adjustments if is_patient_share(adj))
    if claim_shares and sum((a.amount for a in claim_shares), ZERO) > ZERO:
        yield DeniedItem(claim, None, claim_shares, claim.remarks)


class RemittanceTotals(NamedTuple):
    claims: int
    billed: Decimal  # charges of the claims adjudicated here (reversals not included)
    paid: Decimal  # net: what the claims pay, reversals taking back what they undo
    adjusted: Decimal
    patient_responsibility: Decimal
    denied: Decimal
    reversals: int
    reversed_paid: Decimal  # the (negative) payments of the reversals


def summarize(claims: list[ClaimPayment] | tuple[ClaimPayment, ...]) -> RemittanceTotals:
    billed = paid = adjusted = patient = denied = reversed_paid = ZERO
    reversals = 0
    for claim in claims:
        paid += claim.paid
        if claim.is_reversal:
            reversals += 1
            reversed_paid += claim.paid
            continue
        billed += claim.charge
        for adj in claim.all_adjustments:
            adjusted += adj.amount
            if adj.group == "PR":
                patient += adj.amount
        for item in denied_items(claim):
            denied += item.amount
    return RemittanceTotals(
        len(claims), billed, paid, adjusted, patient, denied, reversals, reversed_paid
    )
