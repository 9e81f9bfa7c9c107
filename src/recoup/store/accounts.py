"""Accounts for server mode: users with argon2 password hashes, login rate limits, the audit log.

* Passwords are hashed with argon2id (argon2-cffi's defaults); a login re-hashes a password whose
  hash used older parameters. A login for an unknown user still runs one argon2 verification,
  so the time taken does not say whether the user exists.
* Rate limit, counted in the store so every worker process shares it, within :data:`WINDOW`:
  :data:`MAX_FAILURES` failed logins of one user from one address (since that pair's last
  success), :data:`MAX_ACCOUNT_FAILURES` of one user from anywhere, or, once an address has
  :data:`MAX_REMOTE_FAILURES` failures, any further attempt from it for a name that failed
  there. An account that did not fail is never refused: another user behind the same office
  address still signs in. :func:`begin_login` checks and records the attempt (as failed until
  :func:`finish_login` says otherwise) in one write transaction, so concurrent guesses cannot
  all slip under the limit.
* Sessions: :func:`open_session` keeps one row per sign-in (the SHA-256 of a random token);
  :func:`session_user` is checked on every request; sign-out, :func:`set_password` and
  :func:`set_disabled` revoke.
* The audit log records who did what to which patient's data by ids only (patient id, denial
  id), never names or clinical text. Timestamps are UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from recoup.store.engine import reading, writing
from recoup.store.tables import audit_log, login_attempts, user_practices, users, web_sessions

__all__ = [
    "ALL_PRACTICES",
    "MAX_ACCOUNT_FAILURES",
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
MAX_ACCOUNT_FAILURES = 20
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
ALL_PRACTICES = "*"  # a grant of every practice (a billing company's own staff)

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
        if disabled:
            _revoke_all(conn, username, datetime.now(UTC))
        return _user(conn.execute(select(users).where(users.c.username == username)).one())


def set_password(engine: Engine, username: str, password: str) -> User:
    """A new password for the user; every session of theirs ends."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)
    with writing(engine) as conn:
        done = conn.execute(
            update(users).where(users.c.username == username).values(password_hash=hashed)
        )
        if done.rowcount != 1:
            raise ValueError(f"there is no user {username}")
        _revoke_all(conn, username, datetime.now(UTC))
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


def _last_success(conn: Connection, start: datetime, *where: object) -> datetime:
    last_ok = conn.scalar(
        select(func.max(login_attempts.c.at)).where(
            login_attempts.c.ok.is_(True),
            login_attempts.c.at > start,
            *where,  # type: ignore[arg-type]
        )
    )
    return max(start, _aware(last_ok)) if last_ok is not None else start


def _allowed(conn: Connection, username: str, remote: str, now: datetime) -> bool:
    start = now - WINDOW
    name = login_attempts.c.username == username
    place = login_attempts.c.remote == remote
    pair_since = _last_success(conn, start, name, place)
    pair = _failures(conn, pair_since, name, place)
    if pair >= MAX_FAILURES:
        return False
    if _failures(conn, _last_success(conn, start, name), name) >= MAX_ACCOUNT_FAILURES:
        return False
    # a busy address only blocks the names that failed there, never one that did not fail
    return pair == 0 or _failures(conn, start, place) < MAX_REMOTE_FAILURES


def login_allowed(engine: Engine, username: str, remote: str, now: datetime) -> bool:
    """Whether a sign-in of ``username`` from ``remote`` may be tried now (a look only: use
    :func:`begin_login` to check and count in one step)."""
    with reading(engine) as conn:
        return _allowed(conn, username[:200], remote[:200], _utc(now))


def begin_login(engine: Engine, username: str, remote: str, now: datetime) -> int | None:
    """Check the limits and, when allowed, record the attempt as failed; its id for
    :func:`finish_login`, or None when refused. One write transaction, so two workers cannot
    both see room for one more attempt."""
    now = _utc(now)
    username, remote = username[:200], remote[:200]
    with writing(engine) as conn:
        if not _allowed(conn, username, remote, now):
            return None
        attempt = conn.execute(
            insert(login_attempts).returning(login_attempts.c.id),
            {"at": now, "username": username, "remote": remote, "ok": False},
        ).scalar_one()
        # old attempts say nothing any more: keep the table small
        conn.execute(login_attempts.delete().where(login_attempts.c.at < now - 4 * WINDOW))
    return int(attempt)


def finish_login(engine: Engine, attempt: int, ok: bool) -> None:
    """The outcome of an attempt from :func:`begin_login` (it counts as failed until then)."""
    if ok:
        with writing(engine) as conn:
            conn.execute(
                update(login_attempts).where(login_attempts.c.id == attempt).values(ok=True)
            )


def record_login_attempt(
    engine: Engine, username: str, remote: str, ok: bool, now: datetime
) -> None:
    now = _utc(now)
    with writing(engine) as conn:
        conn.execute(
            insert(login_attempts),
            {"at": now, "username": username[:200], "remote": remote[:200], "ok": bool(ok)},
        )
        conn.execute(login_attempts.delete().where(login_attempts.c.at < now - 4 * WINDOW))


# -- sessions ------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, username: str, now: datetime, lifetime: timedelta) -> str:
    """A new session for the user; the token goes in the (signed) cookie."""
    now = _utc(now)
    token = secrets.token_urlsafe(32)
    with writing(engine) as conn:
        conn.execute(
            insert(web_sessions),
            {
                "token_hash": _token_hash(token),
                "username": username,
                "created_at": now,
                "expires_at": now + lifetime,
                "revoked_at": None,
            },
        )
        # sessions long over say nothing any more
        conn.execute(web_sessions.delete().where(web_sessions.c.expires_at < now - WINDOW))
    return token


def session_user(engine: Engine, token: str, now: datetime) -> User | None:
    """The user of a live session: not revoked, not expired, the account enabled."""
    if not token or len(token) > 200:
        return None
    now = _utc(now)
    query = (
        select(users, web_sessions.c.expires_at)
        .join(web_sessions, web_sessions.c.username == users.c.username)
        .where(web_sessions.c.token_hash == _token_hash(token), web_sessions.c.revoked_at.is_(None))
    )
    with reading(engine) as conn:
        row = conn.execute(query).first()
    if row is None or row.disabled or _aware(row.expires_at) <= now:
        return None
    return _user(row)


def session_access(
    engine: Engine, token: str, now: datetime
) -> tuple[User, frozenset[str] | None] | None:
    """:func:`session_user` and the practices that user may see (``None``: every one), read
    together on every request, so a grant or a revocation holds on the next click."""
    user = session_user(engine, token, now)
    if user is None:
        return None
    with reading(engine) as conn:
        return user, allowed_practices(conn, user.username, user.role)


def revoke_session(engine: Engine, token: str, now: datetime) -> None:
    with writing(engine) as conn:
        conn.execute(
            update(web_sessions)
            .where(web_sessions.c.token_hash == _token_hash(token))
            .values(revoked_at=_utc(now))
        )


def _revoke_all(conn: Connection, username: str, now: datetime) -> None:
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.username == username, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_sessions(engine: Engine, username: str, now: datetime) -> None:
    """End every session of the user."""
    with writing(engine) as conn:
        _revoke_all(conn, username, _utc(now))


def live_sessions(engine: Engine, username: str, now: datetime) -> int:
    with reading(engine) as conn:
        count = conn.scalar(
            select(func.count()).where(
                web_sessions.c.username == username,
                web_sessions.c.revoked_at.is_(None),
                web_sessions.c.expires_at > _utc(now),
            )
        )
    return int(count or 0)


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


# -- practice access -----------------------------------------------------------------------------


def allowed_practices(conn: Connection, username: str, role: str) -> frozenset[str] | None:
    """The practice keys the user may see, or ``None`` for every practice (an administrator,
    or a grant of ``*``). A user with no grant sees none."""
    if role == "admin":
        return None
    keys = frozenset(
        conn.scalars(
            select(user_practices.c.practice_key).where(user_practices.c.username == username)
        )
    )
    return None if ALL_PRACTICES in keys else keys


def practice_grants(engine: Engine, username: str) -> list[str]:
    """What the user was granted (``*`` for every practice), sorted."""
    with reading(engine) as conn:
        return sorted(
            conn.scalars(
                select(user_practices.c.practice_key).where(user_practices.c.username == username)
            )
        )


def grant_practice(engine: Engine, username: str, practice_key: str) -> bool:
    """Let the user see the practice (``*``: every one); False when they already could."""
    key = practice_key.strip()
    if not key:
        raise ValueError("name the practice (its NPI or name, as recoup practices lists it)")
    with writing(engine) as conn:
        if conn.scalar(select(users.c.id).where(users.c.username == username)) is None:
            raise ValueError(f"there is no user {username}")
        held = conn.scalar(
            select(user_practices.c.id).where(
                user_practices.c.username == username, user_practices.c.practice_key == key
            )
        )
        if held is not None:
            return False
        conn.execute(insert(user_practices), {"username": username, "practice_key": key})
    return True


def revoke_practice(engine: Engine, username: str, practice_key: str) -> bool:
    """Take the practice away from the user; False when they had no such grant."""
    with writing(engine) as conn:
        done = conn.execute(
            user_practices.delete().where(
                user_practices.c.username == username,
                user_practices.c.practice_key == practice_key.strip(),
            )
        )
    return bool(done.rowcount)
