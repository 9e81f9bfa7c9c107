"""Reading and working the stored worklist: pages of denials and the biller's actions.

:func:`query` pages the rows with SQL (filters, sort, LIMIT/OFFSET on indexed columns) and sums
the page's totals by lane in SQL over whole cents, so it stays fast at 100,000s of denials;
:func:`find` fetches one denial; :func:`mark_sent`, :func:`record_outcome` and
:func:`undo_outcome` change its workflow and write the audit entry and the timeline's step
(:mod:`recoup.store.outcomes`) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from recoup.appeal_levels import APPEAL_LANES, level_deadline, next_level
from recoup.money import ZERO
from recoup.store import outcomes, teamwork
from recoup.store.denial_rows import (
    CLOSED_BY_REMITTANCE,
    MAX_PER_PAGE,
    NO_DEADLINE,
    SORTS,
    STATUSES,
    DenialRow,
    UnknownDenial,
    cents,
    denial_row,
    from_cents,
)
from recoup.store.engine import writing
from recoup.store.tables import audit_log, denial_events, denials
from recoup.triage.model import LANES
from recoup.workflow import Channel, Outcome, parse

__all__ = [
    "DenialPage",
    "DenialQuery",
    "find",
    "mark_sent",
    "matching_ids",
    "query",
    "record_outcome",
    "undo_outcome",
]


# -- queries -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DenialQuery:
    """Which denials, in which order, which page. Every filter is optional."""

    lane: str | None = None
    payer: str | None = None  # the payer's name exactly, or its id when all digits
    code: str | None = None  # a CARC ("119" or "CO-119") or a procedure code ("97110")
    patient: str | None = None  # part of the patient's name or account number (CLP01)
    status: str | None = "open"  # open, sent, closed, active (open or sent), all / None
    due_within_days: int | None = None  # deadline on or before today + N (overdue included)
    min_amount: Decimal | None = None
    text: str | None = None  # part of the name, account, claim number, payer, code or action
    practice_key: str | None = None
    practice_keys: frozenset[str] | None = None  # only these practices (a user's); None = all
    sort: str = "deadline"
    page: int = 1  # 1-based
    per_page: int = 50
    today: date | None = None  # for days left and due_within_days (else Store.denials' today)
    # the team's filters (teamwork.conditions): a user name or "(none)"; due, week, set, none
    assigned_to: str | None = None
    follow_up: str | None = None

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.lane is not None and self.lane not in LANES:
            raise ValueError(f"lane must be one of {', '.join(LANES)}, not {self.lane!r}")
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if isinstance(self.page, bool) or not isinstance(self.page, int) or self.page < 1:
            raise ValueError(f"page must be a whole number from 1, not {self.page!r}")
        if (
            isinstance(self.per_page, bool)
            or not isinstance(self.per_page, int)
            or not 1 <= self.per_page <= MAX_PER_PAGE
        ):
            raise ValueError(f"per_page must be from 1 to {MAX_PER_PAGE}, not {self.per_page!r}")
        if self.min_amount is not None and not isinstance(self.min_amount, Decimal):
            raise ValueError("min_amount must be a Decimal amount such as Decimal('100.00')")
        if self.due_within_days is not None and (
            isinstance(self.due_within_days, bool)
            or not isinstance(self.due_within_days, int)
            or self.due_within_days < 0
        ):
            raise ValueError("due_within_days must be a whole number of days, 0 or more")
        if self.follow_up is not None and self.follow_up not in teamwork.FOLLOW_UP_FILTERS:
            allowed = ", ".join(teamwork.FOLLOW_UP_FILTERS)
            raise ValueError(f"follow_up must be one of {allowed}, not {self.follow_up!r}")


@dataclass(frozen=True, slots=True)
class DenialPage:
    rows: list[DenialRow]
    total: int  # denials matching the filters, on every page
    totals_by_lane: dict[str, Decimal]  # denied dollars matching the filters, in LANES order
    total_amount: Decimal
    page: int = 1
    per_page: int = 50
    today: date = date.min
    counts_by_lane: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(q: DenialQuery, today: date) -> list[ColumnElement[bool]]:
    c = denials.c
    where: list[ColumnElement[bool]] = []
    if q.status == "active":
        where.append(c.status.in_(("open", "sent")))
    elif q.status not in (None, "all"):
        where.append(c.status == q.status)
    if q.practice_key is not None:
        where.append(c.practice_key == q.practice_key)
    if q.practice_keys is not None:
        where.append(c.practice_key.in_(sorted(q.practice_keys)))
    if q.lane:
        where.append(c.lane == q.lane)
    if q.payer:  # one column per query (an OR of two would keep SQLite off the indexes)
        where.append(c.payer_id == q.payer if q.payer.isdigit() else c.payer_name == q.payer)
    if q.code:
        code = q.code.strip().upper()
        group, dash, reason = code.partition("-")
        if dash and group.isalpha() and reason:
            where.append(and_(c.group_code == group, c.reason_code == reason))
        elif len(code) >= 5:  # procedure codes (CPT/HCPCS) have five characters, CARCs fewer
            where.append(c.code == code)
        else:
            where.append(c.reason_code == code)
    if q.patient:
        where.append(c.search_patient.contains(q.patient.strip().lower(), autoescape=True))
    if q.due_within_days is not None:
        where.append(c.sort_deadline <= today + timedelta(days=q.due_within_days))
    if q.min_amount is not None:
        where.append(c.amount_cents >= cents(q.min_amount))
    if q.text:
        where.append(c.search_all.contains(q.text.strip().lower(), autoescape=True))
    where.extend(teamwork.conditions(q.assigned_to, q.follow_up, today))
    return where or [true()]


def _order(sort: str) -> list[Any]:
    c = denials.c
    orders: dict[str, list[Any]] = {
        "deadline": [c.sort_deadline, c.neg_amount_cents, c.id],
        "-deadline": [c.sort_deadline.desc(), c.amount_cents, c.id.desc()],
        "amount": [c.amount_cents, c.sort_deadline, c.id],
        "-amount": [c.amount_cents.desc(), c.sort_deadline, c.id],
        "patient": [c.patient_name, c.patient_account, c.sort_deadline, c.id],
        "payer": [c.payer_name, c.sort_deadline, c.neg_amount_cents, c.id],
        "lane": [c.lane, c.sort_deadline, c.amount_cents.desc(), c.id],
    }
    return orders[sort]


def query(conn: Connection, q: DenialQuery, today: date) -> DenialPage:
    """One page of ``q``; days left count from ``q.today``, else ``today``."""
    today = q.today or today
    where = _conditions(q, today)
    totals = conn.execute(
        select(denials.c.lane, func.count(), func.sum(denials.c.amount_cents))
        .where(*where)
        .group_by(denials.c.lane)
    ).all()
    by_lane = {lane: from_cents(amount) for lane, _, amount in totals}
    counts = {lane: count for lane, count, _ in totals}
    total = sum(counts.values())
    rows = conn.execute(
        select(denials)
        .where(*where)
        .order_by(*_order(q.sort))
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page)
    ).all()
    ordered = {lane: by_lane[lane] for lane in (*LANES, *sorted(by_lane)) if lane in by_lane}
    return DenialPage(
        rows=[denial_row(r, today) for r in rows],
        total=total,
        totals_by_lane=ordered,
        total_amount=sum(by_lane.values(), ZERO),
        page=q.page,
        per_page=q.per_page,
        today=today,
        counts_by_lane={lane: counts[lane] for lane in ordered},
    )


def matching_ids(conn: Connection, q: DenialQuery, today: date) -> list[int]:
    """The row ids of every denial ``q``'s filters match (all pages), in its order: what a
    bulk action on "all matching the filter" works on."""
    today = q.today or today
    return list(
        conn.scalars(select(denials.c.id).where(*_conditions(q, today)).order_by(*_order(q.sort)))
    )


def find(
    conn: Connection,
    key: int | str,
    today: date,
    practice_keys: frozenset[str] | None = None,
) -> DenialRow | None:
    """A denial by its numeric id (an int, or digits) or its denial id; with
    ``practice_keys``, only one of those practices (another's is not found at all)."""
    c = denials.c
    if isinstance(key, int) and not isinstance(key, bool):
        where: ColumnElement[bool] = c.id == key
    elif isinstance(key, str) and key.isdigit():
        where = or_(c.id == int(key), c.denial_id == key)
    elif isinstance(key, str):
        where = c.denial_id == key
    else:
        raise UnknownDenial(f"not a denial id: {key!r}")
    if practice_keys is not None:
        where = and_(where, c.practice_key.in_(sorted(practice_keys)))
    found = conn.execute(select(denials).where(where).order_by(c.id).limit(2)).all()
    if len(found) > 1 and not isinstance(key, int):
        # the same denial id in two practices: the numeric id tells them apart
        exact = [r for r in found if str(r.id) == key]
        found = exact or found[:1]
    return denial_row(found[0], today) if found else None


# -- workflow ------------------------------------------------------------------------------------


def _require(conn: Connection, key: int | str, on: date) -> DenialRow:
    row = find(conn, key, on)
    if row is None:
        raise UnknownDenial(f"there is no denial {key} in the store")
    return row


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must not be empty")
    if len(value.strip()) > 200:
        raise ValueError(f"{what} is too long (200 characters at most)")
    return value.strip()


def _date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date (YYYY-MM-DD)")
    return value


def _audit(
    conn: Connection, user: str, action: str, row: DenialRow, detail: str, now: datetime
) -> None:
    conn.execute(
        insert(audit_log),
        {
            "at": now,
            "username": user,
            "action": action,
            "patient_id": row.patient_id or row.patient_account,
            "denial_id": row.denial_id,
            "detail": detail,
        },
    )


def mark_sent(
    engine: Engine, key: int | str, sent_date: date, channel: str, user: str
) -> DenialRow:
    sent_date = _date(sent_date, "the date sent")
    channel = parse(Channel, channel, "the channel")
    user = _text(user, "the user")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        row = _require(conn, key, sent_date)
        if row.status == "closed":
            raise ValueError(f"denial {row.id} is closed ({row.outcome or row.closed_by})")
        if row.notice_date is not None and sent_date < row.notice_date:
            raise ValueError(
                f"the date sent {sent_date} is before the remittance's date {row.notice_date}"
            )
        before = outcomes.before_of(conn, row.id)
        conn.execute(
            update(denials)
            .where(denials.c.id == row.id)
            .values(status="sent", sent_date=sent_date, sent_channel=channel, updated_at=now)
        )
        _audit(conn, user, "denial.sent", row, f"channel={channel} date={sent_date}", now)
        outcomes.add_event(
            conn,
            row.id,
            "sent",
            level=row.appeal_level,
            user=user,
            now=now,
            on=sent_date,
            detail=f"by {channel}",
            before=before,
        )
        return _require(conn, row.id, sent_date)


def record_outcome(
    engine: Engine,
    key: int | str,
    outcome: str,
    amount: Decimal,
    outcome_date: date,
    user: str,
    *,
    reference: str | None = None,
    force: bool = False,
) -> DenialRow:
    """Record how the denial (or its appeal at the current level) ended.

    A closed denial keeps its outcome unless ``force``. ``lost`` on a sent appeal whose payer
    type has a further level opens that level (open again, its deadline counted from
    ``outcome_date``, the decision kept as a step with its ``reference``); any other outcome
    closes the denial."""
    outcome = parse(Outcome, outcome, "the outcome")
    if isinstance(amount, bool) or not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError("the amount must be an exact amount such as 120.00")
    if amount < 0:
        raise ValueError(f"the amount must not be negative ({amount})")
    outcome_date = _date(outcome_date, "the outcome date")
    user = _text(user, "the user")
    ref = (reference or "").strip()
    if len(ref) > 200:
        raise ValueError("the reference is too long (200 characters at most)")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        row = _require(conn, key, outcome_date)
        if row.status == "closed" and not force:
            was = (
                f"{Outcome(row.outcome).label.lower()} {row.outcome_amount} on {row.outcome_date}"
                if row.outcome
                else "no outcome"
            )
            raise ValueError(
                f"denial {row.id} is closed already ({was}, by {row.closed_by}): "
                "replacing it needs --force (or undo it first)"
            )
        if amount > row.denied_amount:
            raise ValueError(f"the amount {amount} is more than the {row.denied_amount} denied")
        if row.notice_date is not None and outcome_date < row.notice_date:
            raise ValueError(
                f"the outcome date {outcome_date} is before the remittance's date {row.notice_date}"
            )
        if row.sent_date is not None and outcome_date < row.sent_date and row.status == "sent":
            raise ValueError(
                f"the decision date {outcome_date} is before the appeal was sent ({row.sent_date})"
            )
        before = outcomes.before_of(conn, row.id)
        upcoming = (
            next_level(row.payer_type, row.appeal_level)
            if outcome == Outcome.LOST and row.status == "sent" and row.lane in APPEAL_LANES
            else None
        )
        detail = f"outcome={outcome} amount={amount}" + (
            " replaced" if row.status == "closed" else ""
        )
        outcomes.add_event(
            conn,
            row.id,
            "decision",
            level=row.appeal_level,
            user=user,
            now=now,
            on=outcome_date,
            outcome=outcome,
            amount=amount,
            reference=ref,
            detail=detail,
            before=before,
        )
        if upcoming is not None:
            due = level_deadline(row.payer_type, upcoming, outcome_date)
            conn.execute(
                update(denials)
                .where(denials.c.id == row.id)
                .values(
                    status="open",
                    sent_date=None,
                    sent_channel=None,
                    appeal_level=upcoming.number,
                    deadline=due.date,
                    sort_deadline=due.date or NO_DEADLINE,
                    deadline_basis=due.basis,
                    outcome_reference=ref or None,
                    updated_at=now,
                )
            )
            outcomes.add_event(
                conn,
                row.id,
                "level_opened",
                level=upcoming.number,
                user=user,
                now=now,
                on=outcome_date,
                deadline=due.date,
                detail=f"{upcoming.name}: {due.basis}",
            )
            _audit(
                conn,
                user,
                "denial.outcome",
                row,
                f"outcome=lost level={row.appeal_level} next_level={upcoming.number}",
                now,
            )
            return _require(conn, row.id, outcome_date)
        conn.execute(
            update(denials)
            .where(denials.c.id == row.id)
            .values(
                status="closed",
                outcome=outcome,
                outcome_amount=amount,
                outcome_date=outcome_date,
                outcome_reference=ref or None,
                outcome_source=None,
                closed_by=user,
                updated_at=now,
            )
        )
        _audit(conn, user, "denial.outcome", row, detail, now)
        return _require(conn, row.id, outcome_date)


def undo_outcome(engine: Engine, key: int | str, user: str, today: date) -> DenialRow:
    """Take back the last outcome a person recorded on the denial (a decision, and the level it
    opened): the workflow is put back as it was before it, and the audit log says who undid it.
    A payment recorded by a remittance is not undone here: the remittance says it."""
    user = _text(user, "the user")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        row = _require(conn, key, today)
        steps = [e for e in outcomes.events(conn, row.id) if not e.undone]
        last = next((e for e in reversed(steps) if e.kind in ("decision", "paid")), None)
        if last is None:
            raise ValueError(f"denial {row.id} has no recorded outcome to undo")
        if last.kind == "paid" or row.closed_by == CLOSED_BY_REMITTANCE:
            raise ValueError(
                f"denial {row.id} was closed by the remittance that paid it: that is not undone"
            )
        later = [e for e in steps if e.id >= last.id]
        before = conn.scalar(select(denial_events.c.before).where(denial_events.c.id == last.id))
        if before is None:
            raise ValueError(f"denial {row.id}: the step before this outcome was not kept")
        conn.execute(
            update(denials)
            .where(denials.c.id == row.id)
            .values(**outcomes.restored(before), updated_at=now)
        )
        conn.execute(
            update(denial_events)
            .where(denial_events.c.id.in_([e.id for e in later]))
            .values(undone_at=now)
        )
        label = Outcome(last.outcome).label.lower() if last.outcome else "outcome"
        outcomes.add_event(
            conn,
            row.id,
            "undone",
            level=last.level,
            user=user,
            now=now,
            on=today,
            outcome=last.outcome,
            detail=f"the level-{last.level} {label} of {last.on} was undone",
        )
        _audit(conn, user, "denial.outcome_undone", row, f"outcome={last.outcome}", now)
        return _require(conn, row.id, today)
