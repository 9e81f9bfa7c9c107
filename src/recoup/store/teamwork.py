"""A billing team's work on the stored worklist: who has a denial, when to call back, where it
stands, the notes and call log, "My work", and what is coming due for reminders.

Every change takes a list of ``denials`` row ids (one denial, a page's selection, or every row a
filter matches) and is written with one audit entry per row in the same transaction, so the
audit log says who assigned, rescheduled or annotated which patient's denial, and when. Notes'
text is never copied into the audit log (it may hold clinical words): the entry names its kind.

These columns are the biller's: a worklist refresh (:func:`recoup.store.worklist.save`) rewrites
only the triage columns, so assignment, follow-up, status and notes survive every import.

Work statuses a person sets: ``new``, ``working``, ``waiting_on_payer``. The status shown
(:func:`status_label`) is "Appealed" once the appeal is sent and "Closed" once an outcome closed
the denial: those come from the workflow (``status``), not from this column.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Engine, delete, insert, select, update

from recoup.appeal_levels import APPEAL_LANES
from recoup.store.denial_rows import DenialRow, UnknownDenial, denial_row
from recoup.store.engine import reading, writing
from recoup.store.tables import audit_log, calendar_feeds, denial_notes, denials, users

__all__ = [
    "ASSIGNEE_ME",
    "ASSIGNEE_NONE",
    "FOLLOW_UP_FILTERS",
    "NOTE_KINDS",
    "UNASSIGNED",
    "WORK_STATUSES",
    "WRITE_OFF_REASONS",
    "BulkResult",
    "MyWork",
    "Note",
    "Reminder",
    "add_note",
    "assign",
    "calendar_user",
    "conditions",
    "my_work",
    "new_calendar_token",
    "notes",
    "reminders",
    "set_follow_up",
    "set_work_status",
    "set_write_off_reason",
    "status_label",
    "user_emails",
]

WORK_STATUSES = {
    "new": "New",
    "working": "Working",
    "waiting_on_payer": "Waiting on payer",
}
SHOWN_STATUSES = {**WORK_STATUSES, "appealed": "Appealed", "closed": "Closed"}

# Why a denial was written off: the code is stored and exported, the words are shown.
WRITE_OFF_REASONS = {
    "small_balance": "Small balance, not worth appealing",
    "filing_limit_passed": "Filing or appeal limit passed",
    "not_covered": "Service not covered by the plan",
    "contractual": "Contractual adjustment (CO, not billable)",
    "duplicate": "Duplicate or billed in error",
    "uncollectible": "Uncollectible from the patient",
    "payer_upheld": "Payer upheld the denial",
}

NOTE_KINDS = {"note": "Note", "call": "Call"}

# Worklist filters (DenialQuery.assigned_to / follow_up); ( ) cannot be in a user name.
ASSIGNEE_NONE = "(none)"
ASSIGNEE_ME = "(me)"  # the web app turns it into the viewer's name before it reaches the store
FOLLOW_UP_FILTERS = {
    "due": "Due today or overdue",
    "week": "Due within 7 days",
    "set": "Any follow-up set",
    "none": "No follow-up set",
}
UNASSIGNED = "unassigned"  # the reminder group of denials nobody has
ACTIVE = ("open", "sent")
MAX_TEXT = 4000
MAX_FIELD = 200


def status_label(row: DenialRow) -> str:
    """Where a denial stands, in words: the workflow's state first (sent, closed), with the
    appeal level of an appeal ("Appealed level 2"; "Level 2 open" once level 1 was lost)."""
    if row.status == "closed":
        return SHOWN_STATUSES["closed"]
    if row.status == "sent":
        if row.lane in APPEAL_LANES:
            return f"Appealed level {row.appeal_level}"
        return SHOWN_STATUSES["appealed"]
    if row.appeal_level > 1:
        return f"Level {row.appeal_level} open (level {row.appeal_level - 1} lost)"
    return SHOWN_STATUSES.get(row.work_status, row.work_status)


def status_code(row: DenialRow) -> str:
    if row.status == "closed":
        return "closed"
    return "appealed" if row.status == "sent" else row.work_status


# -- filters -------------------------------------------------------------------------------------


def conditions(
    assigned_to: str | None, follow_up: str | None, today: date
) -> list[ColumnElement[bool]]:
    """The worklist's assignee and follow-up filters as SQL conditions."""
    c = denials.c
    where: list[ColumnElement[bool]] = []
    if assigned_to == ASSIGNEE_NONE:
        where.append(c.assigned_to.is_(None))
    elif assigned_to:
        where.append(c.assigned_to == assigned_to)
    if follow_up == "due":
        where.append(c.follow_up_on <= today)
    elif follow_up == "week":
        where.append(c.follow_up_on <= today + timedelta(days=7))
    elif follow_up == "set":
        where.append(c.follow_up_on.is_not(None))
    elif follow_up == "none":
        where.append(c.follow_up_on.is_(None))
    elif follow_up:
        raise ValueError(
            f"follow_up must be one of {', '.join(FOLLOW_UP_FILTERS)}, not {follow_up!r}"
        )
    return where


# -- changes -------------------------------------------------------------------------------------


def _ids(ids: Iterable[int]) -> list[int]:
    out = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"a denial row id is a whole number, not {value!r}")
        out.append(value)
    found = list(dict.fromkeys(out))
    if not found:
        raise ValueError("no denials chosen")
    return found


def _rows(conn: Connection, ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows.extend(conn.execute(select(denials).where(denials.c.id.in_(chunk))).all())
    missing = set(ids) - {r.id for r in rows}
    if missing:
        raise UnknownDenial(f"there is no denial {min(missing)} in the store")
    order = {v: i for i, v in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r.id])


def _who(user: object) -> str:
    if not isinstance(user, str) or not user.strip():
        raise ValueError("the user must not be empty")
    return user.strip()[:MAX_FIELD]


def _audit_rows(
    conn: Connection, user: str, action: str, rows: Sequence[Any], detail: str, now: datetime
) -> None:
    conn.execute(
        insert(audit_log),
        [
            {
                "at": now,
                "username": user,
                "action": action,
                "patient_id": r.patient_id or r.patient_account,
                "denial_id": r.denial_id,
                "detail": detail,
            }
            for r in rows
        ],
    )


def _set(
    engine: Engine,
    ids: Iterable[int],
    column: str,
    value: Any,
    user: str,
    action: str,
    detail: str,
    now: datetime | None,
) -> list[int]:
    """Set one work column on rows that differ; each changed row audited. The rows changed."""
    wanted = _ids(ids)
    user = _who(user)
    now = now or datetime.now(UTC)
    with writing(engine) as conn:
        rows = [r for r in _rows(conn, wanted) if getattr(r, column) != value]
        for start in range(0, len(rows), 500):
            chunk = [r.id for r in rows[start : start + 500]]
            conn.execute(update(denials).where(denials.c.id.in_(chunk)).values({column: value}))
        if rows:
            _audit_rows(conn, user, action, rows, detail, now)
    return [r.id for r in rows]


def _assignee(engine: Engine, name: str | None) -> str | None:
    """None (unassign), or a user the store knows and who is enabled. A store with no accounts
    (single-user mode, the CLI) takes any well-formed name."""
    if name is None or not name.strip():
        return None
    name = name.strip()
    if len(name) > 64 or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise ValueError("a user name is at most 64 letters, digits and . _ - @ (no spaces)")
    with reading(engine) as conn:
        known = conn.execute(select(users.c.username, users.c.disabled)).all()
    if not known:
        return name
    match = next((r for r in known if r.username == name), None)
    if match is None:
        raise ValueError(f"there is no user {name}")
    if match.disabled:
        raise ValueError(f"the user {name} is disabled")
    return name


def assign(
    engine: Engine,
    ids: Iterable[int],
    assignee: str | None,
    user: str,
    *,
    now: datetime | None = None,
) -> list[int]:
    """Give these denials to ``assignee`` (None: to nobody). The rows that changed hands."""
    name = _assignee(engine, assignee)
    detail = f"to={name}" if name else "unassigned"
    return _set(engine, ids, "assigned_to", name, user, "denial.assign", detail, now)


def set_follow_up(
    engine: Engine,
    ids: Iterable[int],
    day: date | None,
    user: str,
    *,
    now: datetime | None = None,
) -> list[int]:
    """Call back on ``day`` (None clears it)."""
    if day is not None and (isinstance(day, datetime) or not isinstance(day, date)):
        raise ValueError("the follow-up must be a date (YYYY-MM-DD)")
    detail = f"on={day.isoformat()}" if day else "cleared"
    return _set(engine, ids, "follow_up_on", day, user, "denial.follow_up", detail, now)


def set_work_status(
    engine: Engine,
    ids: Iterable[int],
    status: str,
    user: str,
    *,
    now: datetime | None = None,
) -> list[int]:
    if status == "closed":
        raise ValueError("a denial closes with its outcome: record the outcome (or write it off)")
    if status not in WORK_STATUSES:
        raise ValueError(f"the status must be one of {', '.join(WORK_STATUSES)}, not {status!r}")
    return _set(
        engine, ids, "work_status", status, user, "denial.work_status", f"status={status}", now
    )


def set_write_off_reason(
    engine: Engine, ids: Iterable[int], reason: str, user: str, *, now: datetime | None = None
) -> list[int]:
    check_write_off_reason(reason)
    detail = f"reason={reason}"
    return _set(engine, ids, "write_off_reason", reason, user, "denial.write_off", detail, now)


def check_write_off_reason(reason: str) -> str:
    if reason not in WRITE_OFF_REASONS:
        raise ValueError(
            f"the write-off reason must be one of {', '.join(WRITE_OFF_REASONS)}, not {reason!r}"
        )
    return reason


# -- notes ---------------------------------------------------------------------------------------


class BulkResult(NamedTuple):
    """What a bulk action did: the rows done, and each row refused with the reason."""

    done: tuple[int, ...]
    refused: tuple[tuple[int, str], ...] = ()


class Note(NamedTuple):
    id: int
    denial_row_id: int
    author: str
    created_at: datetime  # UTC
    kind: str  # note, call
    contact: str
    reference: str
    text: str

    @property
    def kind_label(self) -> str:
        return NOTE_KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["created_at"] = self.created_at.isoformat()
        return data


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _note(row: Any) -> Note:
    return Note(
        row.id,
        row.denial_row_id,
        row.author,
        _aware(row.created_at),
        row.kind,
        row.contact,
        row.reference,
        row.text,
    )


def _field(value: str | None, what: str, limit: int = MAX_FIELD) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValueError(f"{what} is too long ({limit} characters at most)")
    return text


def add_note(
    engine: Engine,
    row_id: int,
    author: str,
    text: str,
    *,
    kind: str = "note",
    contact: str = "",
    reference: str = "",
    now: datetime | None = None,
) -> Note:
    """A note or a call on a denial: whom you spoke to, their reference number, what they
    said. A call needs what was said or a reference number; a note needs its text."""
    if kind not in NOTE_KINDS:
        raise ValueError(f"the kind must be one of {', '.join(NOTE_KINDS)}, not {kind!r}")
    author = _who(author)
    body = _field(text, "the note", MAX_TEXT)
    contact = _field(contact, "the contact")
    reference = _field(reference, "the reference number")
    if not body and not (kind == "call" and reference):
        raise ValueError("write what was said (the note must not be empty)")
    now = now or datetime.now(UTC)
    with writing(engine) as conn:
        (row,) = _rows(conn, _ids([row_id]))
        new_id = conn.execute(
            insert(denial_notes).returning(denial_notes.c.id),
            {
                "denial_row_id": row.id,
                "author": author,
                "created_at": now,
                "kind": kind,
                "contact": contact,
                "reference": reference,
                "text": body,
            },
        ).scalar_one()
        detail = f"kind={kind}" + (" with reference" if reference else "")
        _audit_rows(conn, author, "denial.note", [row], detail, now)
        found = conn.execute(select(denial_notes).where(denial_notes.c.id == new_id)).one()
    return _note(found)


def notes(engine: Engine, row_id: int) -> list[Note]:
    """A denial's notes, newest first."""
    with reading(engine) as conn:
        found = conn.execute(
            select(denial_notes)
            .where(denial_notes.c.denial_row_id == row_id)
            .order_by(denial_notes.c.created_at.desc(), denial_notes.c.id.desc())
        ).all()
    return [_note(r) for r in found]


# -- my work and reminders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MyWork:
    username: str
    today: date
    days: int
    follow_ups: list[DenialRow]  # mine, follow-up due today or overdue
    deadlines: list[DenialRow]  # mine, deadline within ``days`` (overdue included)
    assigned: list[DenialRow]  # all my open and sent denials
    unassigned_deadlines: list[DenialRow]  # nobody's, deadline within ``days``


def _select(conn: Connection, today: date, *where: ColumnElement[bool]) -> list[DenialRow]:
    c = denials.c
    found = conn.execute(
        select(denials)
        .where(c.status.in_(ACTIVE), *where)
        .order_by(c.sort_deadline, c.neg_amount_cents, c.id)
        .limit(500)
    ).all()
    return [denial_row(r, today) for r in found]


def _of_practices(practice_keys: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """The condition that keeps to a user's practices (None: every practice)."""
    if practice_keys is None:
        return []
    return [denials.c.practice_key.in_(sorted(practice_keys))]


def visible_ids(
    engine: Engine, ids: Iterable[int], practice_keys: frozenset[str] | None
) -> list[int]:
    """Those of ``ids`` that are denials of ``practice_keys`` (None: any practice), in the
    order given: what a user may act on. Another practice's id is left out like an id that
    does not exist."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found: set[int] = set()
    with reading(engine) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                conn.scalars(
                    select(denials.c.id).where(
                        denials.c.id.in_(chunk), *_of_practices(practice_keys)
                    )
                )
            )
    return [i for i in wanted if i in found]


def my_work(
    engine: Engine,
    username: str,
    today: date,
    days: int = 14,
    practice_keys: frozenset[str] | None = None,
) -> MyWork:
    """The user's work, within ``practice_keys`` (the practices they may see; None: all)."""
    c = denials.c
    until = today + timedelta(days=days)
    mine = c.assigned_to == username
    of = _of_practices(practice_keys)
    with reading(engine) as conn:
        return MyWork(
            username=username,
            today=today,
            days=days,
            follow_ups=sorted(
                _select(conn, today, mine, *of, c.follow_up_on <= today),
                key=lambda r: (r.follow_up_on, r.id),
            ),
            deadlines=_select(conn, today, mine, *of, c.deadline <= until),
            assigned=_select(conn, today, mine, *of),
            unassigned_deadlines=_select(
                conn, today, c.assigned_to.is_(None), *of, c.deadline <= until
            ),
        )


class Reminder(NamedTuple):
    """One thing coming due: a denial's deadline or its follow-up."""

    who: str  # the assignee, or UNASSIGNED
    kind: str  # deadline, follow_up
    day: date
    row: DenialRow

    @property
    def kind_label(self) -> str:
        return "Deadline" if self.kind == "deadline" else "Call back"

    def to_dict(self) -> dict[str, Any]:
        return {
            "user": self.who,
            "kind": self.kind,
            "date": self.day.isoformat(),
            "denial": self.row.id,
            "denial_id": self.row.denial_id,
            "claim": self.row.patient_account,
            "payer": self.row.payer_name,
            "lane": self.row.lane,
            "carc": self.row.carc,
            "amount": str(self.row.denied_amount),
            "status": status_code(self.row),
        }


def reminders(
    engine: Engine,
    today: date,
    days: int = 14,
    user: str | None = None,
    practice_keys: frozenset[str] | None = None,
) -> dict[str, list[Reminder]]:
    """Per user (and ``unassigned``), the open and sent denials whose deadline or follow-up
    falls on or before ``today + days`` (overdue included), soonest first. ``user`` names one
    user (or ``unassigned``); ``practice_keys`` keeps to those practices (None: all)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError("days must be a whole number, 0 or more")
    c = denials.c
    until = today + timedelta(days=days)
    owner: list[ColumnElement[bool]] = []
    if user == UNASSIGNED:
        owner.append(c.assigned_to.is_(None))
    elif user is not None:
        owner.append(c.assigned_to == user)
    out: dict[str, list[Reminder]] = {}
    with reading(engine) as conn:
        found = conn.execute(
            select(denials).where(
                c.status.in_(ACTIVE),
                (c.deadline <= until) | (c.follow_up_on <= until),
                *owner,
                *_of_practices(practice_keys),
            )
        ).all()
    for raw in found:
        row = denial_row(raw, today)
        who = row.assigned_to or UNASSIGNED
        if row.deadline is not None and row.deadline <= until:
            out.setdefault(who, []).append(Reminder(who, "deadline", row.deadline, row))
        if row.follow_up_on is not None and row.follow_up_on <= until:
            out.setdefault(who, []).append(Reminder(who, "follow_up", row.follow_up_on, row))
    for items in out.values():
        items.sort(key=lambda r: (r.day, r.kind, r.row.id))
    return {k: out[k] for k in sorted(out, key=lambda k: (k == UNASSIGNED, k))}


def user_emails(engine: Engine) -> dict[str, str]:
    """Each enabled user's e-mail address, where one is set."""
    with reading(engine) as conn:
        found = conn.execute(
            select(users.c.username, users.c.email).where(
                users.c.email.is_not(None), users.c.disabled.is_(False)
            )
        ).all()
    return {r.username: r.email for r in found if r.email}


def set_email(engine: Engine, username: str, email: str | None, by: str) -> None:
    address = (email or "").strip() or None
    if address is not None and (
        len(address) > 254 or address.count("@") != 1 or any(ch.isspace() for ch in address)
    ):
        raise ValueError(f"{address!r} is not an e-mail address")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        done = conn.execute(update(users).where(users.c.username == username).values(email=address))
        if done.rowcount != 1:
            raise ValueError(f"there is no user {username}")
        conn.execute(
            insert(audit_log),
            {
                "at": now,
                "username": _who(by),
                "action": "user.email",
                "patient_id": None,
                "denial_id": None,
                "detail": f"{username}: {'set' if address else 'cleared'}",
            },
        )


# -- calendar feeds ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(engine: Engine, username: str, *, now: datetime | None = None) -> str:
    """A new secret feed address for the user (the old one stops working). Only its SHA-256
    is kept: the token is shown once, to be pasted into a calendar app."""
    username = _who(username)
    token = secrets.token_urlsafe(32)
    now = now or datetime.now(UTC)
    with writing(engine) as conn:
        conn.execute(delete(calendar_feeds).where(calendar_feeds.c.username == username))
        conn.execute(
            insert(calendar_feeds),
            {"username": username, "token_hash": _token_hash(token), "created_at": now},
        )
        conn.execute(
            insert(audit_log),
            {
                "at": now,
                "username": username,
                "action": "calendar.new_link",
                "patient_id": None,
                "denial_id": None,
                "detail": "",
            },
        )
    return token


def calendar_user(engine: Engine, token: str) -> str | None:
    """Whose feed a token opens (None: no such feed, or the account is disabled)."""
    if not token or len(token) > 200:
        return None
    with reading(engine) as conn:
        name = conn.scalar(
            select(calendar_feeds.c.username).where(
                calendar_feeds.c.token_hash == _token_hash(token)
            )
        )
        if name is None:
            return None
        disabled = conn.scalar(select(users.c.disabled).where(users.c.username == name))
    # (in multi-user mode the web app also checks that the name is an account)
    return None if disabled else str(name)


def has_calendar(engine: Engine, username: str) -> bool:
    with reading(engine) as conn:
        return (
            conn.scalar(
                select(calendar_feeds.c.created_at).where(calendar_feeds.c.username == username)
            )
            is not None
        )
