"""Takebacks on the worklist: a PLB recovery no earlier payment explains (lane ``review_takeback``).

Triage reads every remittance it is given (files, or the store's files for a practice), so a
takeback in one file links to the payment it recovers in another (:mod:`recoup.takebacks` has
the reference rules). A takeback becomes a work item when its reference names no claim of the
payer, or names a claim that was never paid (nothing to recover), or takes back more than was
paid. Its deadline is the payer type's refund-dispute window (``step = "refund_dispute"`` in the
deadlines data); when the payer type is unknown the conservative default row applies and the
basis says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recoup.deadlines import Deadline, days_left, deadline
from recoup.denials import DeniedItem
from recoup.money import ZERO, display_money
from recoup.payers import payer_identity
from recoup.practice import Practice
from recoup.records import ClaimPayment, ProviderAdjustment, Remittance
from recoup.takebacks import (
    ReferenceIndex,
    earliest_payment,
    is_takeback,
    reason_words,
)
from recoup.triage.facts import payer_id_of
from recoup.triage.model import DenialContext, Evidence, WorkItem, segment_source

__all__ = ["LinkedTakeback", "link_takebacks", "takeback_items"]

LANE = "review_takeback"
STEP = "refund_dispute"


class LinkedTakeback(NamedTuple):
    remittance: Remittance
    adjustment: ProviderAdjustment
    position: int  # 1-based among the remittance's PLB pairs
    rule: str  # the reference rule that linked it ("" when none)
    note: str
    claims: tuple[ClaimPayment, ...]  # the claims of the group it names
    paid_before: Decimal  # the earlier payment it recovers (0 when none)
    paid_on: date | None

    @property
    def explained(self) -> bool:
        return bool(self.claims) and self.paid_before >= self.adjustment.amount > ZERO

    @property
    def problem(self) -> str:
        if self.rule == "trace":
            return f"{self.note}; recoup cannot tell which claims the balance came from"
        if not self.claims:
            return self.note
        if self.paid_before <= ZERO:
            return f"{self.note}, but no earlier payment of that claim is on file"
        return (
            f"{self.note}; it takes back {display_money(self.adjustment.amount)} of an earlier "
            f"payment of {display_money(self.paid_before)}"
        )


def link_takebacks(remittances: Sequence[Remittance]) -> list[LinkedTakeback]:
    """Every PLB takeback of ``remittances``, linked to the claims it names (same payer)."""
    indexes: dict[str, ReferenceIndex[tuple[Remittance, ClaimPayment]]] = {}
    for rem in remittances:
        index = indexes.setdefault(payer_identity(rem)[0], ReferenceIndex())
        index.add_trace(rem.trace_number)
        for claim in rem.claims:
            index.add((rem, claim), claim.payer_claim_id, claim.patient_control_number)
    out = []
    for rem in remittances:
        index = indexes[payer_identity(rem)[0]]
        for position, adj in enumerate(rem.provider_adjustments, start=1):
            if not is_takeback(adj):
                continue
            match = index.match(adj.reference, rem.trace_number)
            group = _group(index, match.found)
            paid = earliest_payment(((c.paid, r.notice_date) for r, c in group), rem.notice_date)
            out.append(
                LinkedTakeback(
                    rem,
                    adj,
                    position,
                    match.rule,
                    match.note,
                    tuple(c for _, c in group),
                    paid.amount if paid else ZERO,
                    paid.on if paid else None,
                )
            )
    return out


def _group(
    index: ReferenceIndex[tuple[Remittance, ClaimPayment]],
    found: Sequence[tuple[Remittance, ClaimPayment]],
) -> list[tuple[Remittance, ClaimPayment]]:
    """The named claims and every other claim payment of the same practice claim (CLP01)."""
    out = list(found)
    for _, claim in found:
        for pair in index.by_clp01.get(claim.patient_control_number, []):
            if pair not in out:
                out.append(pair)
    return out


def _payer_type(practice: Practice | None, rem: Remittance) -> tuple[str | None, str]:
    if practice is not None:
        info = practice.payer(payer_id_of(rem))
        if info is not None and info.type is not None:
            return str(info.type), ""
    return None, " (payer type not on file: the conservative default window is used)"


def _deadline(practice: Practice | None, rem: Remittance) -> Deadline:
    kind, note = _payer_type(practice, rem)
    # no commercial refund-dispute row is on file, so an unknown type gets the "any" default
    found = deadline(kind or "commercial", STEP, rem.notice_date)
    return found._replace(basis=found.basis + note) if note else found


def takeback_items(
    remittances: Sequence[Remittance], practice: Practice | None, today: date
) -> list[WorkItem]:
    """A ``review_takeback`` work item for each takeback that no earlier payment explains."""
    items = []
    for link in link_takebacks(remittances):
        if link.explained:
            continue
        rem, adj = link.remittance, link.adjustment
        claim = (
            link.claims[0]
            if link.claims
            else ClaimPayment(adj.reference, "", ZERO, ZERO, None, "", adj.reference)
        )
        due = _deadline(practice, rem)
        when = rem.notice_date.isoformat() if rem.notice_date else "an unknown date"
        fact = (
            f"PLB {adj.reason}:{adj.reference or '(no reference)'} "
            f"{display_money(adj.amount)} ({reason_words(adj.reason)}) on check "
            f"{rem.trace_number or '?'} of {when}"
        )
        evidence = [Evidence(segment_source(rem.file, adj.segment, "PLB"), fact)]
        denied = DeniedItem(claim, None, (), ())
        items.append(
            WorkItem(
                patient_account=claim.patient_control_number if link.claims else "",
                payer_claim_id=claim.payer_claim_id if link.claims else "",
                payer_name=rem.payer.name,
                patient_name=(claim.patient.display_name if link.claims and claim.patient else ""),
                service_date=None,
                code=None,
                modifiers=(),
                group_code="PLB",
                reason_code=adj.reason,
                remark_codes=(),
                denied_amount=adj.amount,
                category="takeback",
                lane=LANE,
                reasons=(
                    f"The payer took back {display_money(adj.amount)} as "
                    f"{reason_words(adj.reason)} ({adj.reason}).",
                    link.problem + ".",
                ),
                evidence=tuple(evidence),
                deadline=due,
                days_left=days_left(due, today),
                rule="TB1",
                action=(
                    "find the payer's overpayment notice for this recovery; if the payment it "
                    "recovers was right, dispute the takeback with the payer"
                ),
                missing=("the payer's overpayment notice (which claim and payment it recovers)",),
                file=rem.file,
                denial_id=f"{rem.trace_number or rem.control_number}-PLB{link.position}",
                context=DenialContext(denied, rem, practice, (), today, rem.file),
            )
        )
    return items
