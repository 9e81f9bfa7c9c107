"""Build :class:`~recoup.scrub.model.ScrubClaim` values from what a practice has.

* :func:`claims_from_visits`: one claim per ``claim_id`` of visits.csv (the claims the practice
  billed, when it has no 837 files at hand); the submission date is the claim's last date of
  service and the prior authorisation is unknown (visits.csv has no column for it).
* :func:`claims_from_837`: 837P claim records (any object shaped like the 837P reader's
  ``Claim837``: see :class:`Claim837Like`), with the batch date (BHT04) as the submission date;
  start and stop times and session notes come from the visits.csv row of the same claim and line.
* :func:`read_837_claims`: the 837P reader's claims from files, when the reader is installed.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from recoup.findings import Finding, Severity
from recoup.practice import Practice, Visit
from recoup.scrub.model import ScrubClaim, ScrubLine

__all__ = [
    "Claim837Like",
    "claim_from_837",
    "claims_from_837",
    "claims_from_visits",
    "read_837_claims",
]


def _visit_source(v: Visit) -> str:
    return f"{Path(v.file).name or 'visits.csv'} row {v.row}"


def _line(v: Visit, number: int, prior_auth: str | None = None) -> ScrubLine:
    return ScrubLine(
        number,
        v.service_date,
        v.code,
        v.modifiers,
        v.units,
        v.charge,
        v.start_time,
        v.end_time,
        v.note_ref,
        prior_auth,
        _visit_source(v),
    )


def _payer_of(practice: Practice, patient_id: str, on: date) -> tuple[str, str]:
    """(payer id, member id) of the patient's primary coverage on ``on``."""
    best = None
    for c in practice.coverages:
        if c.patient_id != patient_id:
            continue
        if (c.effective_date and on < c.effective_date) or (c.end_date and on > c.end_date):
            continue
        if best is None or c.rank < best.rank:
            best = c
    return (best.payer_id, best.member_id) if best else ("", "")


def claims_from_visits(practice: Practice) -> list[ScrubClaim]:
    """One claim per visits.csv ``claim_id``, in file order, billed to the primary coverage."""
    by_claim: dict[str, list[Visit]] = defaultdict(list)
    for v in practice.visits:
        by_claim[v.claim_id].append(v)
    claims = []
    for claim_id, visits in by_claim.items():
        patient = visits[0].patient_id
        payer, member = _payer_of(practice, patient, visits[0].service_date)
        lines = tuple(_line(v, v.line or n) for n, v in enumerate(visits, start=1))
        claims.append(
            ScrubClaim(
                claim_id,
                patient,
                member,
                payer,
                "1",
                lines,
                None,
                None,
                "",
                f"visits.csv claim {claim_id}",
            )
        )
    return claims


# -- 837P ------------------------------------------------------------------------------------


class _Procedure(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def modifiers(self) -> tuple[str, ...]: ...


class _Line837(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def procedure(self) -> _Procedure: ...
    @property
    def charge(self) -> Decimal: ...
    @property
    def units(self) -> Decimal: ...
    @property
    def service_date(self) -> date | None: ...
    @property
    def prior_authorization(self) -> str: ...
    @property
    def segment(self) -> int: ...


class _Id(Protocol):
    @property
    def id(self) -> str: ...


class _Subscriber(Protocol):
    @property
    def member(self) -> _Id: ...
    @property
    def payer(self) -> _Id: ...
    @property
    def filing_indicator(self) -> str: ...


class _Patient(Protocol):
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def birth_date(self) -> date | None: ...


class Claim837Like(Protocol):
    """The fields of the 837P reader's ``Claim837`` the scrub reads."""

    @property
    def patient_control_number(self) -> str: ...
    @property
    def frequency(self) -> str: ...
    @property
    def subscriber(self) -> _Subscriber: ...
    @property
    def prior_authorization(self) -> str: ...
    @property
    def lines(self) -> Sequence[_Line837]: ...
    @property
    def patient(self) -> _Patient | None: ...
    @property
    def file(self) -> str: ...
    @property
    def segment(self) -> int: ...


def _patient_for(practice: Practice, claim: Claim837Like, member_id: str, payer_id: str) -> str:
    """The practice's patient id: the visits.csv rows of the same claim number, else the member
    id on file, else (a dependent: 2010CA, whose member id the 837 does not carry) the name and
    birth date in patients.csv."""
    owner = next(
        (v.patient_id for v in practice.visits if v.claim_id == claim.patient_control_number), ""
    )
    if owner:
        return owner
    for c in practice.coverages:
        if c.member_id == member_id and (not payer_id or c.payer_id == payer_id):
            return c.patient_id
    for c in practice.coverages:
        if c.member_id == member_id:
            return c.patient_id
    person = claim.patient
    if person is not None:
        for p in practice.patients:
            same = (p.first_name.lower(), p.last_name.lower()) == (
                person.first_name.lower(),
                person.last_name.lower(),
            )
            if same and (person.birth_date is None or p.birth_date == person.birth_date):
                return p.patient_id
    return ""


def claim_from_837(
    claim: Claim837Like, practice: Practice, submitted: date | None = None
) -> ScrubClaim:
    """One 837P claim as the scrub sees it; times and notes from the visits.csv row of the same
    claim and line, when the practice has one."""
    member = claim.subscriber.member.id
    payer = claim.subscriber.payer.id
    patient = _patient_for(practice, claim, member, payer)
    visits = {v.line: v for v in practice.visits if v.claim_id == claim.patient_control_number}
    name = Path(claim.file).name
    lines = []
    for line in claim.lines:
        visit = visits.get(line.number)
        day = line.service_date or (visit.service_date if visit else None)
        if day is None:
            continue  # the 837 reader reports a line without a date as a finding
        lines.append(
            ScrubLine(
                line.number,
                day,
                line.procedure.code,
                tuple(line.procedure.modifiers),
                line.units,
                line.charge,
                visit.start_time if visit else None,
                visit.end_time if visit else None,
                visit.note_ref if visit else "",
                line.prior_authorization,
                f"{name} segment {line.segment} (SV1)",
            )
        )
    return ScrubClaim(
        claim.patient_control_number,
        patient,
        member,
        payer,
        claim.frequency or "1",
        tuple(lines),
        claim.prior_authorization,
        submitted,
        claim.subscriber.filing_indicator,
        f"{name} segment {claim.segment} (CLM)",
    )


def claims_from_837(
    batches: Iterable[tuple[date | None, Iterable[Claim837Like]]], practice: Practice
) -> list[ScrubClaim]:
    """Claims of several 837P batches: (BHT04 date, claims) pairs."""
    return [
        claim_from_837(claim, practice, created)
        for created, claims in batches
        for claim in claims
        if claim.lines
    ]


def read_837_claims(
    paths: Sequence[str | Path], practice: Practice
) -> tuple[list[ScrubClaim], list[Finding]]:
    """Read 837P files with recoup's 837P reader (``recoup.x12.reader837``)."""
    try:
        reader: Any = importlib.import_module("recoup.x12.reader837")
    except ImportError:
        message = "this build of recoup has no 837P reader; scrub the practice's visits instead"
        return [], [Finding(Severity.ERROR, "scrub.no_837_reader", message)]
    claims: list[ScrubClaim] = []
    findings: list[Finding] = []
    for path in paths:
        result = reader.read_837_file(path)
        findings.extend(result.findings)
        batches = [(batch.created, batch.claims) for batch in result.batches]
        claims.extend(claims_from_837(batches, practice))
    return claims, findings
