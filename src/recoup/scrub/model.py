"""The scrub's records: the claim it checks, what it found, and the report.

The scrub does not depend on one claim format. :class:`ScrubClaim` holds what the checks need
from an 837P claim (CLM01, frequency, payer, subscriber, prior authorisation, the service lines);
:mod:`recoup.scrub.adapters` builds it from an 837P claim record or from a practice's visits.csv.
A value the input cannot state is ``None`` (an authorisation number visits.csv has no column
for), so a check never mistakes "not said" for "missing".
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import NamedTuple

__all__ = ["BLOCK", "WARN", "Issue", "ScrubClaim", "ScrubLine", "ScrubReport"]

BLOCK = "block"  # the payer would deny the line as sent
WARN = "warn"  # the line may be denied; someone should look


class ScrubLine(NamedTuple):
    number: int  # LX01, 1-based within the claim
    service_date: date
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    start_time: time | None = None  # from the visit log (visits.csv), when known
    end_time: time | None = None
    note_ref: str = ""  # the session note in records/, when known
    prior_auth: str | None = None  # REF*G1 at the line; None: the input cannot say
    source: str = ""

    @property
    def timed(self) -> bool:
        return self.start_time is not None and self.end_time is not None


class ScrubClaim(NamedTuple):
    claim_id: str  # CLM01: the practice's claim number (CLP01 in the 835)
    patient_id: str  # the practice's patient id ("" when no patient matched)
    subscriber_id: str  # the member id (NM109 of 2010BA)
    payer_id: str
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    lines: tuple[ScrubLine, ...]
    prior_auth: str | None = None  # REF*G1 on the claim; None: the input cannot say
    submitted: date | None = None  # the batch date (BHT04); None: the last date of service
    filing_indicator: str = ""  # SBR09 (MB Medicare Part B, MC Medicaid, CI commercial, ...)
    source: str = ""

    @property
    def first_date(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def last_date(self) -> date:
        return max(line.service_date for line in self.lines)

    @property
    def sent_on(self) -> date:
        return self.submitted or self.last_date


class Issue(NamedTuple):
    """One thing the scrub found on a claim line (``line`` 0: the whole claim)."""

    claim_id: str
    line: int
    service_date: date | None
    code: str
    rule: str  # benefit_cap, authorization, ncci_ptp, mue, kx, therapy_modifier, ...
    severity: str  # block, warn
    message: str  # what would be denied and why
    change: str  # what to change before sending
    source: str  # the rule's source: the table, the file and row
    denial_codes: tuple[str, ...] = ()  # CARCs a payer uses for it (to compare with remittances)
    amount: Decimal = Decimal(0)  # the line's charge

    def to_dict(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "line": self.line,
            "service_date": self.service_date.isoformat() if self.service_date else None,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "change": self.change,
            "source": self.source,
            "denial_codes": list(self.denial_codes),
            "amount": str(self.amount),
        }


class ScrubReport(NamedTuple):
    claims: int
    lines: int
    issues: tuple[Issue, ...]
    tables: tuple[str, ...]  # every table a decision used, by name

    @property
    def blocking(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == BLOCK)

    @property
    def blocked(self) -> bool:
        return bool(self.blocking)
