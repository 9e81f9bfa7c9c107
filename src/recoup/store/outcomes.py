"""How a denial ends, and every step on the way: outcomes that hold, appeal levels, undo.

* **A later remittance that pays a denied line** records the outcome itself. When a refresh no
  longer finds a denial because the payer reversed or replaced the claim (``claims`` lineage) and
  the claim now in force pays the line (same procedure and date of service), the denial closes
  as ``won`` (no adjustment under the denial's reason code is left on the line: what remains is
  the contract's write-down and the patient's share) or ``partly_won`` (some of it is still
  denied), with the amount the payer paid on the line beyond what it paid before (at most the
  denied amount), dated the paying remittance's date, and ``outcome_source`` naming that
  remittance (file, trace or check number, payment method, claim number and segment). The row
  keeps its place in the history and the figures (:mod:`recoup.store.kpis`).
* **An appeal the payer upholds** (outcome ``lost`` on a sent appeal) opens the next level when
  the payer type has one (:mod:`recoup.appeal_levels`): the row goes back to open at level N+1,
  its deadline counted from the decision date, the decision (date, reference) kept as a step.
* **Undo** takes back the last outcome a person recorded: the row's workflow columns are put back
  as they were before it (``before`` of the step), the item is open (or sent) again, and the
  audit log says who undid it.

Every step is a ``denial_events`` row, the denial page's timeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from sqlalchemy import Connection, insert, select

from recoup.money import ZERO
from recoup.store.denial_rows import NO_DEADLINE
from recoup.store.tables import (
    adjustments,
    claims,
    denial_events,
    denials,
    remittances,
    service_lines,
    source_files,
)

__all__ = [
    "RESTORED_COLUMNS",
    "Event",
    "Paid",
    "add_event",
    "before_of",
    "events",
    "paid_by_remittance",
    "restored",
]

# the workflow columns an outcome changes and an undo puts back
RESTORED_COLUMNS = (
    "status",
    "sent_date",
    "sent_channel",
    "outcome",
    "outcome_amount",
    "outcome_date",
    "closed_by",
    "appeal_level",
    "deadline",
    "sort_deadline",
    "deadline_basis",
    "outcome_reference",
    "outcome_source",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a denial's history, as the timeline shows it."""

    id: int
    at: datetime
    on: date | None
    kind: str  # sent, decision, level_opened, paid, undone
    level: int
    outcome: str | None
    amount: Decimal | None
    reference: str
    deadline: date | None
    detail: str
    username: str
    undone: bool


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def events(conn: Connection, row_id: int) -> list[Event]:
    """The denial's steps, oldest first."""
    e = denial_events.c
    rows = conn.execute(
        select(denial_events).where(e.denial_row_id == row_id).order_by(e.at, e.id)
    ).all()
    return [
        Event(
            r.id,
            _aware(r.at),
            r.on,
            r.kind,
            r.level,
            r.outcome,
            r.amount,
            r.reference,
            r.deadline,
            r.detail,
            r.username,
            r.undone_at is not None,
        )
        for r in rows
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def before_of(conn: Connection, row_id: int) -> str:
    """The row's workflow columns as JSON, for an undo."""
    row = conn.execute(
        select(*(denials.c[name] for name in RESTORED_COLUMNS)).where(denials.c.id == row_id)
    ).one()
    return json.dumps({name: _plain(getattr(row, name)) for name in RESTORED_COLUMNS})


def restored(before: str) -> dict[str, Any]:
    """The columns of a ``before`` snapshot, typed for an UPDATE."""
    data = json.loads(before)
    out: dict[str, Any] = {}
    for name in RESTORED_COLUMNS:
        value = data.get(name)
        if name in ("sent_date", "outcome_date", "deadline", "sort_deadline") and value:
            value = date.fromisoformat(value)
        elif name == "outcome_amount" and value is not None:
            value = Decimal(value)
        out[name] = value
    if out.get("sort_deadline") is None:
        out["sort_deadline"] = out.get("deadline") or NO_DEADLINE
    if out.get("appeal_level") is None:
        out["appeal_level"] = 1
    return out


def add_event(
    conn: Connection,
    row_id: int,
    kind: str,
    *,
    level: int,
    user: str,
    now: datetime,
    on: date | None = None,
    outcome: str | None = None,
    amount: Decimal | None = None,
    reference: str = "",
    deadline: date | None = None,
    detail: str = "",
    before: str | None = None,
) -> None:
    conn.execute(
        insert(denial_events),
        {
            "denial_row_id": row_id,
            "at": now,
            "on": on,
            "kind": kind,
            "level": level,
            "outcome": outcome,
            "amount": amount,
            "reference": reference,
            "deadline": deadline,
            "detail": detail,
            "username": user,
            "before": before,
        },
    )


# -- paid by a later remittance --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paid:
    """What a later remittance did with a denied line."""

    outcome: str  # won, partly_won
    amount: Decimal
    on: date | None
    source: dict[str, Any]


def _line_match(lines: Sequence[Any], row: Any, claim_service: date | None) -> Any | None:
    """The service line for the denial's procedure and date of service (modifiers break ties)."""
    if row.code is None:
        return None
    wanted = row.modifiers.split()
    same = [
        line
        for line in lines
        if line.procedure_code == row.code
        and (line.service_date or claim_service) == row.service_date
    ]
    if not same:
        return None
    exact = [line for line in same if line.modifiers.split() == wanted]
    return (exact or same)[0]


def _in_force_after(conn: Connection, claim: Any) -> Any | None:
    """The claim now in force for a claim a reversal or replacement undid (None: taken back
    with nothing in its place yet)."""
    c = claims.c
    current = claim
    for _ in range(20):  # a chain of corrections; never a loop
        if current.reversed_by_id is None:
            return current if current.id != claim.id else None
        undoer = conn.execute(select(claims).where(c.id == current.reversed_by_id)).first()
        if undoer is None:
            return None
        if undoer.lineage == "reversal":
            undoer = conn.execute(
                select(claims).where(c.follows_id == undoer.id).order_by(c.id).limit(1)
            ).first()
            if undoer is None:
                return None
        current = undoer
    return None


def _lines(conn: Connection, claim_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(service_lines)
            .where(service_lines.c.claim_id == claim_id)
            .order_by(service_lines.c.position)
        )
    )


def _paid_one(conn: Connection, row: Any) -> Paid | None:
    c = claims.c
    denied = conn.execute(
        select(claims)
        .where(
            c.patient_control_number == row.patient_account,
            c.payer_claim_id == row.payer_claim_id,
            c.lineage != "reversal",
            c.reversed_by_id.is_not(None),
        )
        .order_by(c.notice_date.desc(), c.id.desc())
        .limit(1)
    ).first()
    if denied is None:
        return None
    now_in_force = _in_force_after(conn, denied)
    if now_in_force is None:
        return None
    if row.code is None:  # a claim-level denial: the claim's payment
        before, after = denied.paid, now_in_force.paid
        still = _still_denied(conn, now_in_force.id, None, row)
    else:
        old = _line_match(_lines(conn, denied.id), row, denied.service_date)
        new = _line_match(_lines(conn, now_in_force.id), row, now_in_force.service_date)
        if new is None:
            return None
        before = old.paid if old is not None else ZERO
        after = new.paid
        still = _still_denied(conn, now_in_force.id, new.id, row)
    recovered = min(max(after - before, ZERO), row.denied_amount)
    if recovered <= ZERO:
        return None
    remit = conn.execute(
        select(remittances, source_files.c.name.label("file_name"))
        .join(source_files, source_files.c.id == remittances.c.source_file_id)
        .where(remittances.c.id == now_in_force.remittance_id)
    ).one()
    source = {
        "file": PurePath(remit.file_name).name,
        "source_file_id": remit.source_file_id,
        "trace_number": remit.trace_number,
        "payment_method": remit.payment_method,
        "payment_date": _plain(remit.payment_date),
        "payer_claim_id": now_in_force.payer_claim_id,
        "notice_date": _plain(now_in_force.notice_date),
        "segment": now_in_force.segment,
        "paid": str(after),
        "paid_before": str(before),
    }
    outcome = "partly_won" if still > ZERO else "won"
    return Paid(outcome, recovered, now_in_force.notice_date, source)


def _still_denied(conn: Connection, claim_id: int, line_id: int | None, row: Any) -> Decimal:
    """What the claim now in force still adjusts under the denial's own reason code."""
    a = adjustments.c
    where = [a.claim_id == claim_id, a.reason_code == row.reason_code]
    where.append(a.line_id == line_id if line_id is not None else a.line_id.is_(None))
    amounts = conn.scalars(select(a.amount).where(*where))
    return sum(amounts, ZERO)


def paid_by_remittance(conn: Connection, row_ids: Iterable[int]) -> dict[int, Paid]:
    """Of these denials (a refresh no longer finds them), the ones a later remittance paid."""
    out: dict[int, Paid] = {}
    ids = list(row_ids)
    for start in range(0, len(ids), 500):
        for row in conn.execute(select(denials).where(denials.c.id.in_(ids[start : start + 500]))):
            found = _paid_one(conn, row)
            if found is not None:
                out[row.id] = found
    return out
