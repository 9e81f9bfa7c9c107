"""What the payers already did, from the practice's 835 remittances: the scrub's history.

* paid claims by CLP01 and paid services by (patient, date, code): a claim sent again would be a
  duplicate;
* allowed amounts by patient and payer: the Medicare therapy threshold (KX) counts the year's
  allowed amounts (deductible and coinsurance included, docs/domain.md §5.1);
* the denied lines, to compare with what the scrub would have flagged.

Only what the payer had decided by a date counts as history on that date (a remittance's notice
date, BPR16 or DTM*405), so scrubbing last year's claims against this year's remittances does
not call a claim a duplicate of its own payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.denials import DeniedItem, denied_items, is_denial
from recoup.findings import Finding
from recoup.practice import Practice
from recoup.records import ClaimPayment, Remittance, ServiceLine
from recoup.x12 import read_835

__all__ = ["History", "PaidLine", "read_history"]

ZERO = Decimal(0)


class PaidLine(NamedTuple):
    patient_id: str
    payer_id: str
    claim_id: str  # CLP01
    payer_claim_id: str  # CLP07
    line: int | None  # from REF*6R <claim_id>-<n>
    service_date: date
    code: str
    units: Decimal
    paid: Decimal
    allowed: Decimal
    denied: bool
    notice_date: date | None
    source: str


class Denial(NamedTuple):
    item: DeniedItem
    patient_id: str
    line: int | None
    source: str


def payer_id_of(remittance: Remittance) -> str:
    """REF*2U in the payer loop, else the N1*PR id (as triage reads it)."""
    ref = next((v for q, v in remittance.payer.references if q == "2U"), "")
    return ref or remittance.payer.id


def _line_number(line: ServiceLine, claim_id: str) -> int | None:
    head, _, tail = (line.control_number or "").rpartition("-")
    return int(tail) if head == claim_id and tail.isdigit() else None


def _allowed(line: ServiceLine) -> Decimal:
    """AMT*B6, else the charge less every adjustment that is not the patient's share."""
    if line.allowed is not None:
        return line.allowed
    taken = sum((a.amount for a in line.adjustments if a.group != "PR"), ZERO)
    return line.charge - taken


class History:
    """Indexes over the remittances; every lookup takes the date the history is read on."""

    def __init__(self) -> None:
        self.by_claim: dict[str, list[PaidLine]] = defaultdict(list)
        self.by_service: dict[tuple[str, date, str], list[PaidLine]] = defaultdict(list)
        self.by_patient: dict[tuple[str, str], list[PaidLine]] = defaultdict(list)
        self.denials: list[Denial] = []
        self.reversed: set[tuple[str, str]] = set()  # (CLP01, CLP07) undone by a reversal

    def add(self, remittance: Remittance, practice: Practice | None) -> None:
        payer = payer_id_of(remittance)
        notice = remittance.notice_date
        name = Path(remittance.file).name
        owners = _owners(practice)
        for claim in remittance.claims:
            if claim.is_reversal:
                self.reversed.add((claim.patient_control_number, claim.payer_claim_id))
                continue
            patient = _patient_of(claim, owners)
            self._add_claim(claim, patient, payer, notice, name)

    def _add_claim(
        self, claim: ClaimPayment, patient: str, payer: str, notice: date | None, name: str
    ) -> None:
        for line in claim.lines:
            day = line.date_of_service or claim.service_date
            if day is None:
                continue
            denied = any(is_denial(a) for a in line.adjustments)
            paid = PaidLine(
                patient_id=patient,
                payer_id=payer,
                claim_id=claim.patient_control_number,
                payer_claim_id=claim.payer_claim_id,
                line=_line_number(line, claim.patient_control_number),
                service_date=day,
                code=line.procedure.code,
                units=line.units if line.units is not None else Decimal(1),
                paid=line.paid,
                allowed=_allowed(line),
                denied=denied,
                notice_date=notice,
                source=f"{name} segment {line.segment} (SVC)",
            )
            self.by_claim[paid.claim_id].append(paid)
            self.by_patient[(patient, payer)].append(paid)
            if not denied:  # adjudicated and allowed (paid, or applied to the deductible)
                self.by_service[(patient, day, paid.code)].append(paid)
        for item in denied_items(claim):
            line_no = _line_number(item.line, claim.patient_control_number) if item.line else None
            where = item.line.segment if item.line else claim.segment
            self.denials.append(Denial(item, patient, line_no, f"{name} segment {where}"))

    def _live(self, paid: PaidLine, before: date) -> bool:
        return (
            paid.notice_date is not None
            and paid.notice_date < before
            and (paid.claim_id, paid.payer_claim_id) not in self.reversed
        )

    def paid_claim(self, claim_id: str, before: date) -> PaidLine | None:
        """A line of claim ``claim_id`` the payer allowed before ``before`` (paid, or applied to
        the deductible: processed either way, so sending it again is a duplicate)."""
        return next(
            (p for p in self.by_claim.get(claim_id, ()) if not p.denied and self._live(p, before)),
            None,
        )

    def paid_service(
        self, patient: str, day: date, code: str, before: date, other_than: str
    ) -> PaidLine | None:
        """The same service paid on another claim before ``before``."""
        return next(
            (
                p
                for p in self.by_service.get((patient, day, code), ())
                if p.claim_id != other_than and self._live(p, before)
            ),
            None,
        )

    def allowed_lines(self, patient: str, payer: str) -> Sequence[PaidLine]:
        return self.by_patient.get((patient, payer), ())


def _owners(practice: Practice | None) -> dict[str, str]:
    if practice is None:
        return {}
    owners = {v.claim_id: v.patient_id for v in practice.visits}
    owners.update({f"member:{c.member_id}": c.patient_id for c in practice.coverages})
    return owners


def _patient_of(claim: ClaimPayment, owners: dict[str, str]) -> str:
    found = owners.get(claim.patient_control_number)
    if found:
        return found
    member = claim.patient.id if claim.patient is not None else ""
    return owners.get(f"member:{member}", "")


def read_history(
    paths: Iterable[str | Path], practice: Practice | None
) -> tuple[History, list[Finding]]:
    """The history of the 835 files (a file with errors still adds what it could read)."""
    history = History()
    findings: list[Finding] = []
    for path in paths:
        try:
            result = read_835(path)
        except OSError as exc:
            from recoup.findings import Severity

            findings.append(
                Finding(Severity.ERROR, "file.unreadable", f"cannot read: {exc}", str(path))
            )
            continue
        findings.extend(result.findings)
        for remittance in result.remittances:
            history.add(remittance, practice)
    return history, findings
