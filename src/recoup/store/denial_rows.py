"""The worklist's rows as the store holds them: one :class:`DenialRow` per denial, the
workflow's vocabulary (statuses, outcomes, sorts) and whole-cent amounts.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from recoup.money import CENT
from recoup.triage.model import Evidence, Source
from recoup.workflow import Outcome, StatusFilter

__all__ = [
    "CLOSED_BY_REMITTANCE",
    "MAX_PER_PAGE",
    "NO_DEADLINE",
    "OUTCOMES",
    "SORTS",
    "STATUSES",
    "DenialRow",
    "UnknownDenial",
    "cents",
    "denial_row",
    "from_cents",
]

OUTCOMES = tuple(o.value for o in Outcome)
SORTS = ("deadline", "-deadline", "amount", "-amount", "patient", "payer", "lane")
# "active" = open or sent (waiting on the payer); "all" (or None) = any status
STATUSES = tuple(s.value for s in StatusFilter)
MAX_PER_PAGE = 500
NO_DEADLINE = date(9999, 12, 31)  # sort_deadline of denials without one: last
CLOSED_BY_REMITTANCE = "remittance"


class UnknownDenial(ValueError):
    """No denial with that id in the store."""


def cents(amount: Decimal) -> int:
    """Whole cents (half-up): the sortable, summable form of an amount."""
    return int(amount.quantize(CENT) * 100)


def from_cents(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


# -- rows ----------------------------------------------------------------------------------------


class DenialRow(NamedTuple):
    """One denial of the worklist as the store holds it."""

    id: int
    practice_key: str
    denial_id: str
    patient_account: str
    payer_claim_id: str
    payer_id: str
    payer_name: str
    patient_name: str
    patient_id: str | None
    service_date: date | None
    notice_date: date | None
    code: str | None
    modifiers: tuple[str, ...]
    group_code: str
    reason_code: str
    remark_codes: tuple[str, ...]
    denied_amount: Decimal
    category: str
    lane: str
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    action: str
    missing: tuple[str, ...]
    deadline: date | None
    deadline_basis: str
    days_left: int | None  # from the query's "today"
    rule: str
    file: str
    triaged_on: date
    first_seen: datetime
    status: str
    sent_date: date | None
    sent_channel: str | None
    outcome: str | None
    outcome_amount: Decimal | None
    outcome_date: date | None
    closed_by: str | None
    updated_at: datetime
    # the team's work (migration 0011, recoup.store.teamwork)
    assigned_to: str | None = None
    follow_up_on: date | None = None
    work_status: str = "new"
    write_off_reason: str | None = None
    # outcomes and appeal levels (migration 0015, recoup.store.outcomes)
    appeal_level: int = 1
    payer_type: str | None = None
    outcome_source: dict[str, Any] | None = None  # the remittance that paid the denied line
    outcome_reference: str | None = None  # the payer's decision reference, as entered

    @property
    def carc(self) -> str:
        return f"{self.group_code}-{self.reason_code}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as strings with two decimals, dates ISO."""
        out: dict[str, Any] = {}
        for name, value in self._asdict().items():
            if isinstance(value, Decimal):
                value = str(value.quantize(CENT))
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            elif name == "evidence":
                value = [{"source": e.text, "fact": e.fact, "at": e.place.to_dict()} for e in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[name] = value
        return out


def _aware(value: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; the store writes them in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _evidence(stored: dict[str, Any]) -> Evidence:
    """An evidence item as stored (rows written before sources were records have no ``at``)."""
    at = stored.get("at")
    source: Source | str = Source.from_dict(at) if isinstance(at, dict) else stored["source"]
    return Evidence(source, stored["fact"])


def denial_row(row: Any, today: date) -> DenialRow:
    deadline = row.deadline
    return DenialRow(
        id=row.id,
        practice_key=row.practice_key,
        denial_id=row.denial_id,
        patient_account=row.patient_account,
        payer_claim_id=row.payer_claim_id,
        payer_id=row.payer_id,
        payer_name=row.payer_name,
        patient_name=row.patient_name,
        patient_id=row.patient_id,
        service_date=row.service_date,
        notice_date=row.notice_date,
        code=row.code,
        modifiers=tuple(row.modifiers.split()),
        group_code=row.group_code,
        reason_code=row.reason_code,
        remark_codes=tuple(row.remark_codes.split()),
        denied_amount=row.denied_amount,
        category=row.category,
        lane=row.lane,
        reasons=tuple(json.loads(row.reasons)),
        evidence=tuple(_evidence(e) for e in json.loads(row.evidence)),
        action=row.action,
        missing=tuple(json.loads(row.missing)),
        deadline=deadline,
        deadline_basis=row.deadline_basis,
        days_left=(deadline - today).days if deadline else None,
        rule=row.rule,
        file=row.file,
        triaged_on=row.triaged_on,
        first_seen=_aware(row.first_seen),
        status=row.status,
        sent_date=row.sent_date,
        sent_channel=row.sent_channel,
        outcome=row.outcome,
        outcome_amount=row.outcome_amount,
        outcome_date=row.outcome_date,
        closed_by=row.closed_by,
        updated_at=_aware(row.updated_at),
        assigned_to=row.assigned_to,
        follow_up_on=row.follow_up_on,
        work_status=row.work_status,
        write_off_reason=row.write_off_reason,
        appeal_level=row.appeal_level or 1,
        payer_type=row.payer_type,
        outcome_source=json.loads(row.outcome_source) if row.outcome_source else None,
        outcome_reference=row.outcome_reference,
    )
