"""The practice manager's figures, computed from the store (docs/design.md, "Measure").

The window is the last ``months`` calendar months up to ``today``: ``[first day of the month
months-1 before today's, today + 1 day)``. What each figure is computed from:

* **denial rates** (by CARC, payer and month): denied lines / adjudicated lines, and denied
  dollars / charged dollars. Denied lines are the worklist's denials whose remittance date
  (notice date) is in the window, leaving out those a later remittance took back (closed by
  "remittance"). Adjudicated lines are the service lines (a claim without lines counts as one) of
  the claim payments in force (not reversals, not reversed) with a notice date in the window;
  charged dollars are their charges. The CARC rate divides by every adjudicated line.
* **dollars denied**: the denied amounts of those denials.
* **recovered**: outcome amounts recorded as won or partly won; **written off**: outcome amounts
  recorded as written off; both with an outcome date in the window.
* **appeal success rate**: (won + partly won) / (won + partly won + lost), outcomes in the window.
* **days to resolution**: outcome date - the remittance's date, over outcomes in the window
  (mean and median).
* **patient collection rate**: over denials with a notice date in the window that triage put in
  the ``bill_patient`` lane or that ended ``billed_patient``: the amounts recorded with the
  ``billed_patient`` outcome / those denials' dollars.
* **expiring**: open denials whose deadline falls in the next 14 days, today included
  (``[today, today + 14)``).

Money is ``Decimal`` throughout; rates are ``Decimal`` fractions (``0.1250`` = 12.5 %), ``None``
when there is nothing to divide by. Denied amounts are summed in SQL as whole cents (exact for
X12 amounts, which have at most two decimals); charges and outcomes are summed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from recoup.money import ZERO
from recoup.store.denial_rows import CLOSED_BY_REMITTANCE
from recoup.store.tables import claims, denials, practices, remittances, service_lines

__all__ = ["EXPIRING_DAYS", "Kpis", "RateRow", "compute_kpis", "window_start"]

EXPIRING_DAYS = 14
_RATE = Decimal("0.0001")
_DAYS = Decimal("0.1")
APPEAL_OUTCOMES = ("won", "partly_won", "lost")


class RateRow(NamedTuple):
    key: str  # "CO-119", a payer's name, "2026-03"
    denied_lines: int
    adjudicated_lines: int
    rate: Decimal | None
    denied_amount: Decimal
    charged_amount: Decimal
    dollar_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Kpis:
    today: date
    months: int
    start: date  # first day of the window; the window ends with today
    denied_lines: int
    adjudicated_lines: int
    denial_rate: Decimal | None
    denied_amount: Decimal
    charged_amount: Decimal
    by_carc: list[RateRow]  # most denied lines first
    by_payer: list[RateRow]
    by_month: list[RateRow]  # oldest month first, every month of the window
    recovered: Decimal
    written_off: Decimal
    appeals_won: int  # won or partly won
    appeals_lost: int
    appeal_success_rate: Decimal | None
    resolved: int  # outcomes in the window
    mean_days_to_resolution: Decimal | None
    median_days_to_resolution: Decimal | None
    patient_billed: Decimal
    patient_lane_amount: Decimal
    patient_collection_rate: Decimal | None
    expiring_count: int
    expiring_amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        from recoup.jsonout import to_jsonable

        out: dict[str, Any] = {}
        for spec in fields(self):
            name, value = spec.name, getattr(self, spec.name)
            if isinstance(value, list):
                value = [row._asdict() for row in value]
            out[name] = to_jsonable(value)
        return out


def window_start(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATE, rounding=ROUND_HALF_UP)


def _dollars(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(start: date, today: date) -> list[str]:
    out, day = [], start
    while day <= today:
        out.append(_month(day))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


class _Tally:
    def __init__(self) -> None:
        self.denied: dict[str, int] = {}
        self.denied_cents: dict[str, int] = {}
        self.lines: dict[str, int] = {}
        self.charged: dict[str, Decimal] = {}

    def deny(self, key: str, count: int, cents: int) -> None:
        self.denied[key] = self.denied.get(key, 0) + count
        self.denied_cents[key] = self.denied_cents.get(key, 0) + cents

    def adjudicate(self, key: str, count: int, charge: Decimal) -> None:
        self.lines[key] = self.lines.get(key, 0) + count
        self.charged[key] = self.charged.get(key, ZERO) + charge

    def rows(self, keys: list[str], all_lines: int | None, all_charged: Decimal) -> list[RateRow]:
        out = []
        for key in keys:
            lines = all_lines if all_lines is not None else self.lines.get(key, 0)
            charged = all_charged if all_lines is not None else self.charged.get(key, ZERO)
            denied_amount = _dollars(self.denied_cents.get(key, 0))
            out.append(
                RateRow(
                    key,
                    self.denied.get(key, 0),
                    lines,
                    _ratio(self.denied.get(key, 0), lines),
                    denied_amount,
                    charged,
                    _ratio(denied_amount, charged),
                )
            )
        return out


def _adjudicated(
    conn: Connection,
    start: date,
    end: date,
    by_payer: _Tally,
    by_month: _Tally,
    practice_keys: frozenset[str] | None = None,
) -> tuple[int, Decimal]:
    in_force = and_(
        claims.c.lineage != "reversal",
        claims.c.reversed_by_id.is_(None),
        claims.c.notice_date >= start,
        claims.c.notice_date < end,
        *_claims_of(practice_keys),
    )
    total, charged = 0, ZERO
    lines = select(claims.c.payer_name, claims.c.notice_date, service_lines.c.charge).join(
        service_lines, service_lines.c.claim_id == claims.c.id
    )
    bare = (
        select(claims.c.payer_name, claims.c.notice_date, claims.c.charge)
        .outerjoin(service_lines, service_lines.c.claim_id == claims.c.id)
        .where(service_lines.c.id.is_(None))
    )
    for query in (lines.where(in_force), bare.where(in_force)):
        for payer, notice, charge in conn.execute(query):
            by_payer.adjudicate(payer, 1, charge)
            by_month.adjudicate(_month(notice), 1, charge)
            total += 1
            charged += charge
    return total, charged


def _claims_of(practice_keys: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """Claims paid to these practices (by the remittance's payee NPI); none = every claim."""
    if practice_keys is None:
        return []
    npis = select(practices.c.npi).where(practices.c.practice_key.in_(sorted(practice_keys)))
    paid_to = select(remittances.c.id).where(remittances.c.payee_id.in_(npis))
    return [claims.c.remittance_id.in_(paid_to)]


def _denials_of(practice_keys: frozenset[str] | None) -> list[ColumnElement[bool]]:
    return [] if practice_keys is None else [denials.c.practice_key.in_(sorted(practice_keys))]


def compute_kpis(
    conn: Connection, today: date, months: int = 12, practice_keys: frozenset[str] | None = None
) -> Kpis:
    """The figures over every practice, or only ``practice_keys`` (a user's practices)."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise ValueError("months must be a whole number from 1 to 120")
    start, end = window_start(today, months), today + timedelta(days=1)
    d = denials.c
    by_carc, by_payer, by_month = _Tally(), _Tally(), _Tally()
    denied_query = (
        select(
            d.notice_date,
            d.payer_name,
            d.group_code,
            d.reason_code,
            func.count(),
            func.sum(d.amount_cents),
        )
        .where(
            d.notice_date >= start,
            d.notice_date < end,
            or_(d.closed_by.is_(None), d.closed_by != CLOSED_BY_REMITTANCE),
            *_denials_of(practice_keys),
        )
        .group_by(d.notice_date, d.payer_name, d.group_code, d.reason_code)
    )
    denied_lines, denied_cents = 0, 0
    for notice, payer, group, reason, count, cents in conn.execute(denied_query):
        by_carc.deny(f"{group}-{reason}", count, cents)
        by_payer.deny(payer, count, cents)
        by_month.deny(_month(notice), count, cents)
        denied_lines += count
        denied_cents += cents
    lines, charged = _adjudicated(conn, start, end, by_payer, by_month, practice_keys)
    carcs = sorted(by_carc.denied, key=lambda k: (-by_carc.denied[k], k))
    payers = sorted(set(by_payer.denied) | set(by_payer.lines))
    outcomes = conn.execute(
        select(d.outcome, d.outcome_amount, d.outcome_date, d.notice_date).where(
            d.outcome.is_not(None),
            d.outcome_date >= start,
            d.outcome_date < end,
            *_denials_of(practice_keys),
        )
    ).all()
    recovered = written_off = ZERO
    won = lost = 0
    days: list[int] = []
    for outcome, amount, when, notice in outcomes:
        if outcome in ("won", "partly_won"):
            recovered += amount
            won += 1
        elif outcome == "lost":
            lost += 1
        elif outcome == "written_off":
            written_off += amount
        if notice is not None:
            days.append((when - notice).days)
    patient_billed, patient_lane = _patient(conn, start, end, practice_keys)
    soon = conn.execute(
        select(func.count(), func.sum(d.amount_cents)).where(
            d.status == "open",
            d.deadline >= today,
            d.deadline < today + timedelta(days=EXPIRING_DAYS),  # [today, today + 14 days)
            *_denials_of(practice_keys),
        )
    ).one()
    return Kpis(
        today=today,
        months=months,
        start=start,
        denied_lines=denied_lines,
        adjudicated_lines=lines,
        denial_rate=_ratio(denied_lines, lines),
        denied_amount=_dollars(denied_cents),
        charged_amount=charged,
        by_carc=by_carc.rows(carcs, lines, charged),
        by_payer=by_payer.rows(payers, None, ZERO),
        by_month=by_month.rows(_months(start, today), None, ZERO),
        recovered=recovered,
        written_off=written_off,
        appeals_won=won,
        appeals_lost=lost,
        appeal_success_rate=_ratio(won, won + lost),
        resolved=len(outcomes),
        mean_days_to_resolution=(
            (Decimal(sum(days)) / len(days)).quantize(_DAYS, rounding=ROUND_HALF_UP)
            if days
            else None
        ),
        median_days_to_resolution=(Decimal(str(median(days))).quantize(_DAYS) if days else None),
        patient_billed=patient_billed,
        patient_lane_amount=patient_lane,
        patient_collection_rate=_ratio(patient_billed, patient_lane),
        expiring_count=soon[0] or 0,
        expiring_amount=_dollars(soon[1] or 0),
    )


def _patient(
    conn: Connection, start: date, end: date, practice_keys: frozenset[str] | None = None
) -> tuple[Decimal, Decimal]:
    d = denials.c
    rows = conn.execute(
        select(d.lane, d.denied_amount, d.outcome, d.outcome_amount).where(
            d.notice_date >= start,
            d.notice_date < end,
            or_(d.lane == "bill_patient", d.outcome == "billed_patient"),
            *_denials_of(practice_keys),
        )
    )
    # one set of denials for both figures (the patient lane, or billed to the patient whatever
    # the lane), so the rate compares like with like and cannot pass 100 % by construction
    billed = lane = ZERO
    for _lane, denied, outcome, amount in rows:
        lane += denied
        if outcome == "billed_patient" and amount is not None:
            billed += amount
    return billed, lane
