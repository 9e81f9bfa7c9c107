"""The practice manager's figures, computed from the store (docs/design.md, "Measure").

The window is the last ``months`` calendar months up to ``today``: ``[first day of the month
months-1 before today's, today + 1 day)``. What each figure is computed from:

Every figure may be for one practice (``practice``: its key, the NPI else the name, as
``practices.practice_key``): its worklist rows, the claim payments of its remittances (by payee
NPI, else by its visits) and its payments.csv; ``None`` is every practice.

* **denial rates** (by CARC, payer and month): denied lines / adjudicated lines, and denied
  dollars / charged dollars. Denied lines are the worklist's denials whose remittance date
  (notice date) is in the window, leaving out those a later remittance took back (closed by
  "remittance" with no outcome) and underpayments (paid lines, counted under **underpaid**); a
  line a later remittance paid stays, with its outcome. Adjudicated lines are the service lines
  (a claim without lines counts as one) of the claim payments in force (not reversals, not
  reversed) with a notice date in the window; charged dollars are their charges. The CARC rate
  divides by every adjudicated line.
* **dollars denied**: the denied amounts of those denials.
* **recovered**: outcome amounts recorded as won or partly won (by a person, or by the later
  remittance that paid the line); **written off**: outcome amounts
  recorded as written off; both with an outcome date in the window.
* **appeal success rate**: (won + partly won) / (won + partly won + lost), outcomes in the window
  of items appealed: every lane but the corrected claim and the two billing lanes (bill another
  payer, bill the patient: a new bill, not an appeal; a won or lost item of the write-off or
  review lane was appealed all the same). **corrected claim success rate**: the same over
  items in the corrected claim lane. Outcomes of the billing lanes count in neither rate.
* **days to resolution**: outcome date - the remittance's date, over outcomes in the window
  (mean and median).
* **patient collection rate**: what patients paid / what they owe, over the claims of denials
  with a notice date in the window that triage put in the ``bill_patient`` lane or that ended
  ``billed_patient`` (see :func:`patient_collection`). ``patient_billed`` and
  ``patient_lane_amount`` keep the amounts billed to patients and those denials' dollars.
* **paid, taken back, net paid**: *paid* is the claim payments (CLP04) in force with a notice date
  in the window; *taken back* is the PLB takebacks (WO, 72, FB, WU, J1, CS, B3, OB with a
  positive amount, recoup.takebacks) on remittances dated in the window, linked to a claim or
  not; *net paid* = paid - taken back, what the practice kept.
* **expiring**: open denials whose deadline falls in the next 14 days, today included
  (``[today, today + 14)``); **overdue**: open denials whose deadline is before today. The two
  never overlap. Open here is "not sent": a sent appeal has met its deadline.
* **open denied dollars** and **aging**: the dollars of denials not yet closed (open or sent,
  underpayments apart), whatever their notice date, by age = today - the remittance's date
  (notice date): 0-30, 31-60, 61-90 and over 90 days (see :func:`open_aging`).
* **underpaid** (by payer and by procedure code): the ``underpayment`` items with a notice date
  in the window, each the contract minus the allowed amount (see :func:`underpaid`).

Money is ``Decimal`` throughout; rates are ``Decimal`` fractions (``0.1250`` = 12.5 %), ``None``
when there is nothing to divide by. Denied amounts are summed in SQL as whole cents (exact for
X12 amounts, which have at most two decimals); charges and outcomes are summed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from recoup.money import ZERO
from recoup.store.denial_rows import CLOSED_BY_REMITTANCE
from recoup.store.resends import counted_claim
from recoup.store.sources import remittance_owners
from recoup.store.tables import (
    claims,
    denials,
    patient_payments,
    practices,
    provider_adjustments,
    remittances,
    service_lines,
)
from recoup.takebacks import TAKEBACK_REASONS

__all__ = [
    "AGING_BUCKETS",
    "CORRECTED_LANES",
    "EXPIRING_DAYS",
    "NOT_APPEAL_LANES",
    "AgingRow",
    "Kpis",
    "PatientCollection",
    "RateRow",
    "UnderpaidRow",
    "compute_kpis",
    "open_aging",
    "patient_collection",
    "underpaid",
    "window_start",
]

EXPIRING_DAYS = 14
_RATE = Decimal("0.0001")
_DAYS = Decimal("0.1")
APPEAL_OUTCOMES = ("won", "partly_won", "lost")
# an outcome (won, partly won, lost) on an item of these lanes is not an appeal's: billing
# another payer or the patient is a new bill, and a corrected claim has its own rate
NOT_APPEAL_LANES = frozenset({"bill_other_payer", "bill_patient", "corrected_claim"})
CORRECTED_LANES = frozenset({"corrected_claim"})
UNDERPAYMENT_LANE = "underpayment"
# (label, lowest age in days, highest age in days or None)
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


class RateRow(NamedTuple):
    key: str  # "CO-119", a payer's name, "2026-03"
    denied_lines: int
    adjudicated_lines: int
    rate: Decimal | None
    denied_amount: Decimal
    charged_amount: Decimal
    dollar_rate: Decimal | None


class AgingRow(NamedTuple):
    bucket: str  # "0-30", "31-60", "61-90", "90+" (days since the remittance's date)
    denials: int
    amount: Decimal


class UnderpaidRow(NamedTuple):
    key: str  # a payer's name, or a procedure code
    lines: int
    amount: Decimal  # contract - allowed, summed
    open_amount: Decimal  # of it, on items not yet closed


class PatientCollection(NamedTuple):
    owed: Decimal  # what patients were billed on the claims in scope
    collected: Decimal  # what they paid on those claims (at most what each claim owes)
    rate: Decimal | None
    received: Decimal  # every patient payment dated in the window, on any claim
    payments: int  # how many payments that is


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
    # -- the dashboard that tells the truth (issue 17): one practice or all, overdue apart from
    # expiring, open dollars by age, corrected claims apart from appeals, what patients paid
    practice: str | None = None
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    open_count: int = 0
    open_amount: Decimal = ZERO
    aging: list[AgingRow] = field(default_factory=list)
    corrected_won: int = 0
    corrected_lost: int = 0
    corrected_success_rate: Decimal | None = None
    patient_owed: Decimal = ZERO
    patient_collected: Decimal = ZERO
    patient_received: Decimal = ZERO
    patient_payments: int = 0
    # -- underpayments (issue 16): contract - allowed, by payer and by code
    underpaid_lines: int = 0
    underpaid_amount: Decimal = ZERO
    underpaid_by_payer: list[UnderpaidRow] = field(default_factory=list)
    underpaid_by_code: list[UnderpaidRow] = field(default_factory=list)
    # -- takebacks (issue 16): claim payments, PLB takebacks, what the practice kept
    paid: Decimal = ZERO  # CLP04 of the claims in force, notice date in the window
    taken_back: Decimal = ZERO  # PLB takebacks on remittances dated in the window
    net_paid: Decimal = ZERO  # paid - taken back

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
    keys: frozenset[str] | None,
) -> tuple[int, Decimal]:
    in_force = and_(
        claims.c.lineage != "reversal",
        claims.c.reversed_by_id.is_(None),
        counted_claim(),  # not only on a copy of a check the payer later re-sent
        claims.c.notice_date >= start,
        claims.c.notice_date < end,
    )
    owners = remittance_owners(conn) if keys is not None else {}
    total, charged = 0, ZERO
    lines = select(
        claims.c.remittance_id, claims.c.payer_name, claims.c.notice_date, service_lines.c.charge
    ).join(service_lines, service_lines.c.claim_id == claims.c.id)
    bare = (
        select(claims.c.remittance_id, claims.c.payer_name, claims.c.notice_date, claims.c.charge)
        .outerjoin(service_lines, service_lines.c.claim_id == claims.c.id)
        .where(service_lines.c.id.is_(None))
    )
    for query in (lines.where(in_force), bare.where(in_force)):
        for remittance_id, payer, notice, charge in conn.execute(query):
            if keys is not None and owners.get(remittance_id) not in keys:
                continue
            by_payer.adjudicate(payer, 1, charge)
            by_month.adjudicate(_month(notice), 1, charge)
            total += 1
            charged += charge
    return total, charged


def _of(keys: frozenset[str] | None) -> list[Any]:
    """The worklist rows of these practices, or of all (no condition)."""
    return [] if keys is None else [denials.c.practice_key.in_(sorted(keys))]


def compute_kpis(
    conn: Connection,
    today: date,
    months: int = 12,
    practice_keys: frozenset[str] | None = None,
    practice: str | None = None,
) -> Kpis:
    """The figures over every practice, or only ``practice_keys`` (a user's practices), or
    only ``practice`` (one practice's key, the dashboard's filter; within ``practice_keys``)."""
    keys = practice_keys
    if practice is not None:
        keys = frozenset({practice}) & (practice_keys if practice_keys is not None else {practice})
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
            # a line a later remittance took back is out; one it paid stays (won or partly won)
            or_(
                d.closed_by.is_(None),
                d.closed_by != CLOSED_BY_REMITTANCE,
                d.outcome.is_not(None),
            ),
            d.lane != UNDERPAYMENT_LANE,
            d.lane != "review_takeback",  # a takeback is no denial: it is in taken_back
            *_of(keys),
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
    lines, charged = _adjudicated(conn, start, end, by_payer, by_month, keys)
    carcs = sorted(by_carc.denied, key=lambda k: (-by_carc.denied[k], k))
    payers = sorted(set(by_payer.denied) | set(by_payer.lines))
    outcomes = conn.execute(
        select(d.outcome, d.outcome_amount, d.outcome_date, d.notice_date, d.lane).where(
            d.outcome.is_not(None), d.outcome_date >= start, d.outcome_date < end, *_of(keys)
        )
    ).all()
    recovered = written_off = ZERO
    won = lost = corrected_won = corrected_lost = 0
    days: list[int] = []
    for outcome, amount, when, notice, lane in outcomes:
        if outcome in ("won", "partly_won"):
            recovered += amount
            won += lane not in NOT_APPEAL_LANES
            corrected_won += lane in CORRECTED_LANES
        elif outcome == "lost":
            lost += lane not in NOT_APPEAL_LANES
            corrected_lost += lane in CORRECTED_LANES
        elif outcome == "written_off":
            written_off += amount
        if notice is not None:
            days.append((when - notice).days)
    patient_billed, patient_lane = _patient(conn, start, end, keys)
    patients = patient_collection(conn, start, today, keys)
    soon = conn.execute(
        select(func.count(), func.sum(d.amount_cents)).where(
            d.status == "open",
            d.deadline >= today,
            d.deadline < today + timedelta(days=EXPIRING_DAYS),  # [today, today + 14 days)
            *_of(keys),
        )
    ).one()
    late = conn.execute(
        select(func.count(), func.sum(d.amount_cents)).where(
            d.status == "open", d.deadline < today, *_of(keys)
        )
    ).one()
    aging = open_aging(conn, today, keys)
    by_up_payer, by_up_code = underpaid(conn, start, end, keys)
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
        patient_collection_rate=patients.rate,
        expiring_count=soon[0] or 0,
        expiring_amount=_dollars(soon[1] or 0),
        practice=practice,
        overdue_count=late[0] or 0,
        overdue_amount=_dollars(late[1] or 0),
        open_count=sum(row.denials for row in aging),
        open_amount=sum((row.amount for row in aging), ZERO),
        aging=aging,
        corrected_won=corrected_won,
        corrected_lost=corrected_lost,
        corrected_success_rate=_ratio(corrected_won, corrected_won + corrected_lost),
        patient_owed=patients.owed,
        patient_collected=patients.collected,
        patient_received=patients.received,
        patient_payments=patients.payments,
        underpaid_lines=sum(row.lines for row in by_up_payer),
        underpaid_amount=sum((row.amount for row in by_up_payer), ZERO),
        underpaid_by_payer=by_up_payer,
        underpaid_by_code=by_up_code,
        **_net(conn, start, end, keys),
    )


def _net(
    conn: Connection, start: date, end: date, practice_keys: frozenset[str] | None = None
) -> dict[str, Decimal]:
    """Claim payments in force, the PLB takebacks, and what is left (module docstring)."""
    paid = ZERO
    owners = remittance_owners(conn) if practice_keys is not None else {}
    for remittance_id, amount in conn.execute(
        select(claims.c.remittance_id, claims.c.paid).where(
            claims.c.lineage != "reversal",
            claims.c.reversed_by_id.is_(None),
            counted_claim(),
            claims.c.notice_date >= start,
            claims.c.notice_date < end,
        )
    ):
        if practice_keys is None or owners.get(remittance_id) in practice_keys:
            paid += amount
    taken = ZERO
    dated = func.coalesce(remittances.c.payment_date, remittances.c.production_date)
    for (amount,) in conn.execute(
        select(provider_adjustments.c.amount)
        .join(remittances, remittances.c.id == provider_adjustments.c.remittance_id)
        .where(
            provider_adjustments.c.reason_code.in_(sorted(TAKEBACK_REASONS)),
            remittances.c.superseded_by_id.is_(None),
            dated >= start,
            dated < end,
            *_paid_to(practice_keys),
        )
    ):
        if amount > ZERO:
            taken += amount
    return {"paid": paid, "taken_back": taken, "net_paid": paid - taken}


def _paid_to(practice_keys: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """Remittances paid to these practices (by payee NPI); none = every remittance."""
    if practice_keys is None:
        return []
    npis = select(practices.c.npi).where(practices.c.practice_key.in_(sorted(practice_keys)))
    return [remittances.c.payee_id.in_(npis)]


def _patient(
    conn: Connection, start: date, end: date, keys: frozenset[str] | None
) -> tuple[Decimal, Decimal]:
    d = denials.c
    rows = conn.execute(
        select(d.lane, d.denied_amount, d.outcome, d.outcome_amount).where(
            d.notice_date >= start,
            d.notice_date < end,
            or_(d.lane == "bill_patient", d.outcome == "billed_patient"),
            *_of(keys),
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


# -- open dollars by age -------------------------------------------------------------------------


def _bucket(age: int) -> int:
    for i, (_label, low, high) in enumerate(AGING_BUCKETS):
        if age >= low and (high is None or age <= high):
            return i
    return 0  # a notice date after today (a clock set back): the youngest bucket


def open_aging(conn: Connection, today: date, keys: frozenset[str] | None = None) -> list[AgingRow]:
    """Denials not closed (open or sent; underpayments, takeback reviews and missing
    remittances apart: no denied dollars), whatever their notice date, by
    days since the remittance's date (the notice date: BPR16, else the production date): 0-30,
    31-60, 61-90, over 90. A denial with no notice date counts as over 90 days (its age cannot
    be told, and hiding it in the youngest bucket would flatter the figure)."""
    d = denials.c
    query = (
        select(d.notice_date, func.count(), func.sum(d.amount_cents))
        .where(
            d.status != "closed",
            d.lane.not_in([UNDERPAYMENT_LANE, "review_takeback", "missing_remittance"]),
            *_of(keys),
        )
        .group_by(d.notice_date)
    )
    counts = [0] * len(AGING_BUCKETS)
    cents = [0] * len(AGING_BUCKETS)
    for notice, count, total in conn.execute(query):
        i = len(AGING_BUCKETS) - 1 if notice is None else _bucket((today - notice).days)
        counts[i] += count
        cents[i] += total or 0
    return [
        AgingRow(label, counts[i], _dollars(cents[i]))
        for i, (label, _low, _high) in enumerate(AGING_BUCKETS)
    ]


# -- underpayments (issue 16) --------------------------------------------------------------------


def underpaid(
    conn: Connection, start: date, end: date, keys: frozenset[str] | None = None
) -> tuple[list[UnderpaidRow], list[UnderpaidRow]]:
    """The ``underpayment`` items with a notice date in ``[start, end)``, by payer and by
    procedure code, most dollars first: each item's amount is the contract minus the allowed
    amount (rule U001). ``open_amount`` is the part on items not yet closed."""
    d = denials.c
    query = (
        select(
            d.payer_name,
            d.code,
            d.status,
            func.count(),
            func.sum(d.amount_cents),
        )
        .where(
            d.lane == UNDERPAYMENT_LANE,
            d.notice_date >= start,
            d.notice_date < end,
            *_of(keys),
        )
        .group_by(d.payer_name, d.code, d.status)
    )
    payer: dict[str, list[int]] = {}
    code: dict[str, list[int]] = {}
    for name, proc, status, count, cents in conn.execute(query):
        for table, key in ((payer, name), (code, proc or "(claim)")):
            tally = table.setdefault(key, [0, 0, 0])
            tally[0] += count
            tally[1] += cents or 0
            tally[2] += 0 if status == "closed" else cents or 0

    def rows(table: dict[str, list[int]]) -> list[UnderpaidRow]:
        ordered = sorted(table.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [UnderpaidRow(k, v[0], _dollars(v[1]), _dollars(v[2])) for k, v in ordered]

    return rows(payer), rows(code)


# -- what patients paid --------------------------------------------------------------------------


def patient_collection(
    conn: Connection, start: date, today: date, keys: frozenset[str] | None = None
) -> PatientCollection:
    """What patients paid against what they owe.

    **Owed**: per claim (practice and claim number, CLP01), the denials with a notice date in
    the window that triage put in the ``bill_patient`` lane or that ended ``billed_patient``:
    the amount recorded with the ``billed_patient`` outcome, else (not yet closed) the denied
    amount; a denial closed otherwise (won from the payer, written off) is owed by no patient.
    **Collected**: the payments of ``payments.csv`` (practice folder) on those claims dated up
    to today, at most what each claim owes (a copay paid at the visit for another part of the
    claim must not push the rate past 100 %). **Received**: every payment dated in the window.
    """
    d = denials.c
    owed: dict[tuple[str, str], Decimal] = {}
    rows = conn.execute(
        select(
            d.practice_key,
            d.patient_account,
            d.denied_amount,
            d.status,
            d.outcome,
            d.outcome_amount,
        ).where(
            d.notice_date >= start,
            d.notice_date <= today,
            or_(d.lane == "bill_patient", d.outcome == "billed_patient"),
            *_of(keys),
        )
    )
    for key, account, denied, status, outcome, amount in rows:
        if outcome == "billed_patient":
            due = amount if amount is not None else denied
        elif status == "closed":
            continue
        else:
            due = denied
        owed[(key, account)] = owed.get((key, account), ZERO) + due
    paid: dict[tuple[str, str], Decimal] = {}
    received, count = ZERO, 0
    pay = patient_payments.c
    query = (
        select(practices.c.practice_key, pay.claim_id, pay.amount, pay.paid_on)
        .join(practices, practices.c.id == pay.practice_id)
        .where(pay.paid_on <= today)
    )
    if keys is not None:
        query = query.where(practices.c.practice_key.in_(sorted(keys)))
    for key, claim_id, amount, paid_on in conn.execute(query):
        if (key, claim_id) in owed:
            paid[(key, claim_id)] = paid.get((key, claim_id), ZERO) + amount
        if paid_on >= start:
            received += amount
            count += 1
    total_owed = sum(owed.values(), ZERO)
    collected = sum((min(paid.get(k, ZERO), v) for k, v in owed.items()), ZERO)
    return PatientCollection(total_owed, collected, _ratio(collected, total_owed), received, count)
