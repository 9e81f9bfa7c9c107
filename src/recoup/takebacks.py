"""Provider-level adjustments (PLB): what each one is, which claim it names, and the check balance.

A remittance's PLB segment carries money that belongs to no single claim payment on it: an
overpayment recovered from an earlier payment (WO), a refund the practice authorised (72), a
balance carried from or to another check (FB), interest the payer owes (L6), and so on
(docs/domain.md §2.6). A positive amount lowers the check; a negative one raises it. The check
balances when

    sum of the claim payments (CLP04) - sum of the PLB amounts = the payment (BPR02)

(for a debit, BPR03 = D, the payment counts as negative). :func:`reconcile` says whether it does,
and by how much it does not: a remittance's numbers are shown as sent, never "fixed".

Linking a PLB to the claim it recovers follows :data:`REFERENCE_RULES` (versioned: a change of
rule changes :data:`RULES_VERSION`), tried in order on PLB03-2 (the reference):

1. ``clp07``: the reference is a payer claim control number (CLP07) of the same payer;
2. ``clp07_prefix``: the reference starts with a CLP07 of at least 6 characters, or one of its
   words (split at spaces, ``-``, ``/`` and ``*``) is one (Medicare contractors write the
   financial control number then the MBI; commercial payers add a sequence or the account);
3. ``clp01``: the reference, or one of its words, is the practice's claim number (CLP01);
4. ``trace``: the reference is the trace number (TRN02) of another check of the same payer (a
   forwarding balance, FB, naming the check the balance came from).

The first rule that finds exactly one claim (or one check, for ``trace``) links; a reference
that fits several is not guessed at. A takeback (:data:`TAKEBACK_REASONS`, positive amount) that
links to nothing, or to a claim never paid before, is *unexplained*: triage puts it on the
worklist in the ``review_takeback`` lane.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Generic, NamedTuple, TypeVar

from recoup.money import ZERO
from recoup.records import ProviderAdjustment, Remittance

__all__ = [
    "REASONS",
    "REFERENCE_RULES",
    "RULES_VERSION",
    "TAKEBACK_REASONS",
    "Match",
    "Reconciliation",
    "ReferenceIndex",
    "is_takeback",
    "reason_words",
    "reconcile",
]

RULES_VERSION = "2026.12.03"
REFERENCE_RULES = ("clp07", "clp07_prefix", "clp01", "trace")
_MIN_PREFIX = 6

# PLB03-1 adjustment reason codes (X12 835 005010X221A1, element 426), in recoup's own words.
REASONS: dict[str, str] = {
    "50": "late charge",
    "51": "interest penalty charge",
    "72": "authorized return (a refund the provider agreed to, taken from this check)",
    "90": "early payment allowance",
    "AH": "origination fee",
    "AM": "applied to borrower's account",
    "AP": "acceleration of benefits",
    "B2": "rebate",
    "B3": "recovery allowance",
    "BD": "bad debt adjustment",
    "BN": "bonus",
    "C5": "temporary allowance",
    "CR": "capitation interest",
    "CS": "adjustment (the payer's own explanation is in the reference)",
    "CT": "capitation payment",
    "CV": "capital passthrough",
    "CW": "certified registered nurse anesthetist passthrough",
    "DM": "direct medical education passthrough",
    "E3": "withholding",
    "FB": "forwarding balance (carried from or to another check)",
    "FC": "fund allocation",
    "GO": "graduate medical education passthrough",
    "HM": "hemophilia clotting factor supplement",
    "IP": "incentive premium payment",
    "IR": "Internal Revenue Service withholding",
    "IS": "interim settlement",
    "J1": "nonreimbursable",
    "L3": "penalty",
    "L6": "interest owed (paid by the payer)",
    "LE": "levy",
    "LS": "lump sum",
    "OA": "organ acquisition passthrough",
    "OB": "offset for affiliated providers",
    "PI": "periodic interim payment",
    "PL": "payment final",
    "RA": "retro-activity adjustment",
    "RE": "return on equity",
    "SL": "student loan repayment",
    "TL": "third party liability",
    "WO": "overpayment recovery",
    "WU": "unspecified recovery",
}

# Reasons that take back money paid earlier on claims: when positive, the practice must know
# which payment they recover, and dispute it if it is wrong.
TAKEBACK_REASONS = frozenset({"WO", "72", "FB", "WU", "J1", "CS", "B3", "OB"})


def reason_words(code: str) -> str:
    return REASONS.get(code.strip().upper(), "unknown PLB reason code (kept as sent)")


def is_takeback(adj: ProviderAdjustment) -> bool:
    """A positive amount under a recovery reason: money taken back from the practice."""
    return adj.reason.strip().upper() in TAKEBACK_REASONS and adj.amount > ZERO


# -- the check balance ---------------------------------------------------------------------------


class Reconciliation(NamedTuple):
    claims_paid: Decimal  # sum of CLP04
    provider_adjustments: Decimal  # sum of PLB amounts (positive lowers the check)
    payment: Decimal | None  # BPR02 (negative for a debit); None when missing or unreadable

    @property
    def expected(self) -> Decimal:
        return self.claims_paid - self.provider_adjustments

    @property
    def difference(self) -> Decimal | None:
        """BPR02 minus (claims - PLB); 0 when the check balances, None when BPR02 is missing."""
        return None if self.payment is None else self.payment - self.expected

    @property
    def status(self) -> str:
        """``match``, ``mismatch`` or ``missing`` (no readable BPR02)."""
        if self.difference is None:
            return "missing"
        return "match" if self.difference == ZERO else "mismatch"

    def words(self) -> str:
        from recoup.money import display_money

        head = (
            f"claim payments {display_money(self.claims_paid)} - provider adjustments "
            f"{display_money(self.provider_adjustments)} = {display_money(self.expected)}"
        )
        if self.payment is None:
            return f"{head}; BPR02 payment missing: the check cannot be reconciled"
        if self.difference == ZERO:
            return f"{head} = BPR02 payment {display_money(self.payment)}: matches"
        assert self.difference is not None
        return (
            f"{head}, but BPR02 pays {display_money(self.payment)}: differs by "
            f"{display_money(self.difference)} (shown as sent, not corrected)"
        )


def reconcile(remit: Remittance) -> Reconciliation:
    paid = ZERO
    for claim in remit.claims:
        paid += claim.paid
    plb = ZERO
    for adj in remit.provider_adjustments:
        plb += adj.amount
    payment = remit.payment_amount
    if payment is not None and remit.credit_debit.strip().upper() == "D":
        payment = -payment
    return Reconciliation(paid, plb, payment)


# -- linking references ----------------------------------------------------------------------------

T = TypeVar("T")
_WORDS = re.compile(r"[\s\-/*:]+")


class Match(NamedTuple, Generic[T]):
    rule: str  # one of REFERENCE_RULES, or "" when nothing matched
    found: tuple[T, ...]  # the claims (or checks, for "trace") it names
    note: str  # plain words: what matched, or why nothing did


class ReferenceIndex(Generic[T]):
    """The claims (and checks) of one payer a PLB reference may name, by CLP07, CLP01, TRN02.

    ``T`` is whatever the caller links to: a stored claim id, a ``ClaimPayment``."""

    def __init__(self) -> None:
        self.by_clp07: dict[str, list[T]] = {}
        self.by_clp01: dict[str, list[T]] = {}
        self.traces: set[str] = set()

    def add(self, item: T, payer_claim_id: str, patient_control_number: str) -> None:
        if payer_claim_id.strip():
            self.by_clp07.setdefault(payer_claim_id.strip(), []).append(item)
        if patient_control_number.strip():
            self.by_clp01.setdefault(patient_control_number.strip(), []).append(item)

    def add_trace(self, trace: str) -> None:
        if trace.strip():
            self.traces.add(trace.strip())

    def match(self, reference: str, own_trace: str = "") -> Match[T]:
        ref = reference.strip()
        if not ref:
            return Match("", (), "PLB03-2 gives no reference")
        words = [w for w in _WORDS.split(ref) if w]
        found = self.by_clp07.get(ref, [])
        if found:
            return Match("clp07", tuple(found), f"PLB03-2 {ref} is the payer claim number")
        prefixed = {
            key
            for key in self.by_clp07
            if len(key) >= _MIN_PREFIX and (ref.startswith(key) or key in words)
        }
        if len(prefixed) == 1:
            key = prefixed.pop()
            return Match(
                "clp07_prefix",
                tuple(self.by_clp07[key]),
                f"PLB03-2 {ref} begins with (or holds) payer claim number {key}",
            )
        if len(prefixed) > 1:
            return Match("", (), f"PLB03-2 {ref} fits {len(prefixed)} payer claim numbers")
        accounts = {w for w in [ref, *words] if w in self.by_clp01}
        if len(accounts) == 1:
            key = accounts.pop()
            return Match(
                "clp01", tuple(self.by_clp01[key]), f"PLB03-2 {ref} names claim {key} (CLP01)"
            )
        if ref in self.traces and ref != own_trace:
            return Match("trace", (), f"PLB03-2 {ref} is the trace number of an earlier check")
        return Match("", (), f"PLB03-2 {ref} names no claim or check on file for this payer")


class PaidBefore(NamedTuple):
    amount: Decimal
    on: date | None


def earliest_payment(
    payments: Iterable[tuple[Decimal, date | None]], by: date | None
) -> PaidBefore | None:
    """The payment (positive CLP04) a takeback dated ``by`` recovers: the latest on or before it."""
    best: PaidBefore | None = None
    for amount, on in payments:
        if amount <= ZERO:
            continue
        if by is not None and on is not None and on > by:
            continue
        if best is None or (on or date.min) >= (best.on or date.min):
            best = PaidBefore(amount, on)
    return best


def plb_total(items: Sequence[ProviderAdjustment]) -> Decimal:
    total = ZERO
    for adj in items:
        total += adj.amount
    return total
