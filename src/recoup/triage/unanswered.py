"""Missing remittances: sent claims (837P) that no remittance (835) answers in time.

A claim the practice sent is a worklist item in the ``missing_remittance`` lane when

* the payer has not answered it (no 835 claim payment with its CLM01 from that payer, dated no
  earlier than the claim was sent) ``remit_days`` after it was sent (the payer's setting in
  practice.toml, default :data:`DEFAULT_REMIT_DAYS`): the payer may never have received it; or
* it is unpaid and its timely filing limit is :data:`TIMELY_WARNING_DAYS` days away or less,
  whatever the payer's usual days: a claim the payer did not receive must reach it before then.

The timely filing limit is the payer type's claim filing window of :mod:`recoup.deadlines` (the
``corrected_claim`` step: the window a claim, first or corrected, must reach the payer in,
counted from the date of service), or the payer's ``corrected_claim_days`` in practice.toml.
Which sent claims are unanswered is the store's answer
(:func:`recoup.store.sent.unanswered_claims`); this module only decides, from facts with their
sources, like a triage rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Protocol

from recoup.deadlines import Deadline, deadline
from recoup.money import format_money
from recoup.practice import Practice
from recoup.practice.index import index_of
from recoup.practice.model import PayerType
from recoup.triage.facts import patient_id_of, patient_of
from recoup.triage.model import Evidence, Lane, WorkItem, note_source

__all__ = [
    "DEFAULT_REMIT_DAYS",
    "RULE_ID",
    "TIMELY_WARNING_DAYS",
    "SentClaimFacts",
    "missing_remittances",
]

RULE_ID = "M001"
DEFAULT_REMIT_DAYS = 30
TIMELY_WARNING_DAYS = 30
_FILING_TYPES = {
    "MA": PayerType.MEDICARE,
    "MB": PayerType.MEDICARE,
    "MC": PayerType.MEDICAID,
    "CI": PayerType.COMMERCIAL,
    "BL": PayerType.COMMERCIAL,
    "HM": PayerType.COMMERCIAL,
}


class SentClaimFacts(Protocol):
    """What the check reads of a stored sent claim (``recoup.store.sent.SentClaim``)."""

    @property
    def patient_control_number(self) -> str: ...
    @property
    def frequency(self) -> str: ...
    @property
    def charge(self) -> Decimal: ...
    @property
    def payer_id(self) -> str: ...
    @property
    def payer_name(self) -> str: ...
    @property
    def filing_indicator(self) -> str: ...
    @property
    def patient_name(self) -> str: ...
    @property
    def service_date(self) -> date | None: ...
    @property
    def sent_date(self) -> date | None: ...
    @property
    def file(self) -> str: ...
    @property
    def segment(self) -> int: ...


def missing_remittances(
    claims: Iterable[SentClaimFacts], practice: Practice | None, today: date
) -> list[WorkItem]:
    """One work item per unanswered sent claim that is overdue or near its filing limit."""
    out = []
    for claim in claims:
        item = _item(claim, practice, today)
        if item is not None:
            out.append(item)
    return out


def _payer_type(claim: SentClaimFacts, practice: Practice | None) -> tuple[PayerType | None, str]:
    info = practice.payer(claim.payer_id) if practice is not None else None
    patient_id = patient_id_of(practice, claim.patient_control_number)
    if practice is not None and patient_id is not None:
        for cov in index_of(practice).coverages_by_patient.get(patient_id, ()):
            if cov.payer_id == claim.payer_id:
                return cov.payer_type, f"{PurePath(cov.file).name} row {cov.row}"
    if info is not None and info.type is not None:
        return info.type, f"practice.toml [payers.{claim.payer_id}]"
    found = _FILING_TYPES.get(claim.filing_indicator)
    if found is not None:
        return found, f"the claim's SBR09 = {claim.filing_indicator}"
    return None, ""


def _item(claim: SentClaimFacts, practice: Practice | None, today: date) -> WorkItem | None:
    sent_on = claim.sent_date or claim.service_date
    if sent_on is None or claim.frequency == "8":
        return None
    info = practice.payer(claim.payer_id) if practice is not None else None
    usual = info.remit_days if info is not None and info.remit_days else None
    days = usual or DEFAULT_REMIT_DAYS
    setting = (
        f"practice.toml [payers.{claim.payer_id}] remit_days"
        if usual
        else f"recoup's default of {DEFAULT_REMIT_DAYS} days (set remit_days for this payer "
        "in practice.toml)"
    )
    expected_by = sent_on + timedelta(days=days)
    kind, kind_source = _payer_type(claim, practice)
    limit = _filing_limit(claim, practice, kind)
    overdue = today > expected_by
    near = limit.date is not None and (limit.date - today).days <= TIMELY_WARNING_DAYS
    if not overdue and not near:
        return None
    source = note_source(f"{PurePath(claim.file).name} segment {claim.segment} (CLM)")
    billed = format_money(claim.charge)
    evidence = [
        Evidence(
            source,
            f"claim {claim.patient_control_number} sent {sent_on.isoformat()} to "
            f"{claim.payer_name}, billed {billed}",
        ),
        Evidence(note_source("the stored remittances"), "no 835 answers it yet"),
    ]
    reasons = [
        f"Claim {claim.patient_control_number} ({billed}) was sent on {sent_on.isoformat()} and "
        f"no remittance from {claim.payer_name} answers it."
    ]
    if overdue:
        reasons.append(
            f"{claim.payer_name} usually answers within {days} days ({setting}); the answer was "
            f"due by {expected_by.isoformat()}."
        )
    if limit.date is not None:
        left = (limit.date - today).days
        when = f"passed on {limit.date.isoformat()}" if left < 0 else f"is {limit.date.isoformat()}"
        reasons.append(f"Its timely filing limit {when}: {limit.basis}.")
        if kind_source:
            evidence.append(Evidence(note_source(kind_source), f"payer type {kind}"))
    else:
        reasons.append(f"Its timely filing limit is not known: {limit.basis}.")
    if limit.date is not None and limit.date < today:
        action = (
            "check the claim's status with the payer (portal, phone or a 276 inquiry); the "
            "filing limit has passed, so a claim the payer never received needs proof of timely "
            "filing (the clearinghouse's acceptance report) with the resubmission"
        )
    else:
        action = (
            "check the claim's status with the payer (portal, phone or a 276 inquiry) and, if it "
            "was not received, send it again"
            + (f" before {limit.date.isoformat()}" if limit.date else "")
        )
    patient_id = patient_id_of(practice, claim.patient_control_number)
    patient = patient_of(practice, patient_id) if practice is not None and patient_id else None
    return WorkItem(
        patient_account=claim.patient_control_number,
        payer_claim_id="",
        payer_name=claim.payer_name,
        patient_name=patient.display_name if patient is not None else _name(claim.patient_name),
        service_date=claim.service_date,
        code=None,
        modifiers=(),
        group_code="",
        reason_code="",
        remark_codes=(),
        denied_amount=claim.charge,
        category="timely_filing_near" if near and not overdue else "no_remittance",
        lane=Lane.MISSING_REMITTANCE.value,
        reasons=tuple(reasons),
        evidence=tuple(evidence),
        deadline=limit,
        days_left=(limit.date - today).days if limit.date is not None else None,
        rule=RULE_ID,
        action=action[0].upper() + action[1:],
        missing=() if limit.date is not None else ("the payer's timely filing limit",),
        file=claim.file,
        denial_id=f"{claim.patient_control_number}-unanswered@{claim.payer_id or 'payer'}",
    )


def _filing_limit(
    claim: SentClaimFacts, practice: Practice | None, kind: PayerType | None
) -> Deadline:
    info = practice.payer(claim.payer_id) if practice is not None else None
    if claim.service_date is None:
        return Deadline(None, "the claim has no date of service", "", "corrected_claim")
    return deadline(
        kind,
        "corrected_claim",
        None,
        override_days=info.corrected_claim_days if info is not None else None,
        state=info.state if info is not None else None,
        clock=info.corrected_claim_from or None if info is not None else None,
        service_date=claim.service_date,
    )


def _name(sent: str) -> str:
    """ "LAST, FIRST" as the 837 has it, as "First Last"."""
    last, _, first = sent.partition(", ")
    return " ".join(p.title() for p in (first, last) if p)
