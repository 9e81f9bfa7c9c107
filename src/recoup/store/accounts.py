"""Accounts for server mode: users with argon2 password hashes, login rate limits, the audit log.

* Passwords are hashed with argon2id (argon2-cffi's defaults); a login re-hashes a password whose
  hash used older parameters. A login for an unknown user still runs one argon2 verification,
  so the time taken does not say whether the user exists.
* Rate limit: after :data:`MAX_FAILURES` failed logins of one user within :data:`WINDOW` (since
  that user's last success), or :data:`MAX_REMOTE_FAILURES` failures from one remote address,
  :func:`login_allowed` says no until the window has passed.
* The audit log records who did what to which patient's data by ids only (patient id, denial
  id), never names or clinical text. Timestamps are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from recoup.store.engine import reading, writing
from recoup.store.tables import audit_log, login_attempts, users

__all__ = [
    "MAX_FAILURES",
    "MAX_REMOTE_FAILURES",
    "ROLES",
    "WINDOW",
    "AuditEntry",
    "User",
]

ROLES = ("admin", "biller", "readonly")
MAX_FAILURES = 5
MAX_REMOTE_FAILURES = 20
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that answer takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("recoup: no such user")


class User(NamedTuple):
    id: int
    username: str
    role: str
    created_at: datetime
    disabled: bool


class AuditEntry(NamedTuple):
    id: int
    at: datetime  # UTC
    username: str
    action: str
    patient_id: str | None
    denial_id: str | None
    detail: str


def _utc(value: datetime) -> datetime:
    """Aware UTC for the store (SQLite keeps no zone: every timestamp in it is UTC)."""
    if value.tzinfo is None:
        raise ValueError("timestamps must carry their time zone (e.g. datetime.now(UTC))")
    return value.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _user(row: object) -> User:
    return User(
        row.id,  # type: ignore[attr-defined]
        row.username,  # type: ignore[attr-defined]
        row.role,  # type: ignore[attr-defined]
        _aware(row.created_at),  # type: ignore[attr-defined]
        bool(row.disabled),  # type: ignore[attr-defined]
    )


def _username(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("the user name must not be empty")
    name = name.strip()
    if len(name) > 64 or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise ValueError("a user name is at most 64 letters, digits and . _ - @ (no spaces)")
    return name


def create_user(engine: Engine, username: str, password: str, role: str) -> User:
    name = _username(username)
    if role not in ROLES:
        raise ValueError(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)
    try:
        with writing(engine) as conn:
            if conn.scalar(select(users.c.id).where(users.c.username == name)) is not None:
                raise ValueError(f"there is already a user {name}")
            conn.execute(
                insert(users),
                {
                    "username": name,
                    "password_hash": hashed,
                    "role": role,
                    "created_at": datetime.now(UTC),
                    "disabled": False,
                },
            )
            row = conn.execute(select(users).where(users.c.username == name)).one()
    except IntegrityError as exc:  # created by another process at the same moment
        raise ValueError(f"there is already a user {name}") from exc
    return _user(row)


def list_users(engine: Engine) -> list[User]:
    with reading(engine) as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def find_user(engine: Engine, username: str) -> User | None:
    """The account of that name, or None (the web app checks it on every request, so a user
    disabled or given another role is affected at once, not when the session expires)."""
    with reading(engine) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return _user(row) if row is not None else None


def set_disabled(engine: Engine, username: str, disabled: bool) -> User:
    with writing(engine) as conn:
        done = conn.execute(
            update(users).where(users.c.username == username).values(disabled=disabled)
        )
        if done.rowcount != 1:
            raise ValueError(f"there is no user {username}")
        return _user(conn.execute(select(users).where(users.c.username == username)).one())


def verify_login(engine: Engine, username: str, password: str) -> User | None:
    """The user when the password is right and the account enabled, else ``None``."""
    with reading(engine) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(stored):
        with writing(engine) as conn:
            conn.execute(
                update(users)
                .where(users.c.id == row.id, users.c.password_hash == stored)
                .values(password_hash=_hasher.hash(password))
            )
    return _user(row)


# -- rate limiting -------------------------------------------------------------------------------


def _failures(conn: Connection, since: datetime, *where: object) -> int:
    query = select(func.count()).where(
        login_attempts.c.ok.is_(False),
        login_attempts.c.at > since,
        *where,  # type: ignore[arg-type]
    )
    return conn.scalar(query) or 0


def login_allowed(engine: Engine, username: str, remote: str, now: datetime) -> bool:
    now = _utc(now)
    start = now - WINDOW
    with reading(engine) as conn:
        last_ok = conn.scalar(
            select(func.max(login_attempts.c.at)).where(
                login_attempts.c.username == username,
                login_attempts.c.ok.is_(True),
                login_attempts.c.at > start,
            )
        )
        since = max(start, _aware(last_ok)) if last_ok is not None else start
        if _failures(conn, since, login_attempts.c.username == username) >= MAX_FAILURES:
            return False
        return _failures(conn, start, login_attempts.c.remote == remote) < MAX_REMOTE_FAILURES


def record_login_attempt(
    engine: Engine, username: str, remote: str, ok: bool, now: datetime
) -> None:
    now = _utc(now)
    with writing(engine) as conn:
        conn.execute(
            insert(login_attempts),
            {"at": now, "username": username[:200], "remote": remote[:200], "ok": bool(ok)},
        )
        # old attempts say nothing any more: keep the table small
        conn.execute(login_attempts.delete().where(login_attempts.c.at < now - 4 * WINDOW))


# -- audit ---------------------------------------------------------------------------------------


def audit(
    engine: Engine,
    username: str,
    action: str,
    *,
    patient_id: str | None = None,
    denial_id: str | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    if not action:
        raise ValueError("an audit entry needs an action")
    with writing(engine) as conn:
        conn.execute(
            insert(audit_log),
            {
                "at": _utc(now) if now is not None else datetime.now(UTC),
                "username": username,
                "action": action,
                "patient_id": patient_id,
                "denial_id": denial_id,
                "detail": detail,
            },
        )


def audit_entries(
    engine: Engine, limit: int = 100, patient_id: str | None = None
) -> list[AuditEntry]:
    """The newest entries first."""
    if limit < 1:
        raise ValueError("limit must be 1 or more")
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(audit_log.c.patient_id == patient_id)
    with reading(engine) as conn:
        return [
            AuditEntry(
                r.id, _aware(r.at), r.username, r.action, r.patient_id, r.denial_id, r.detail
            )
            for r in conn.execute(query)
        ]
