"""Sessions, CSRF tokens and the secret that signs them.

A session is a small signed cookie (HMAC-SHA256 over a JSON payload, with its issue time): the
user, role and server-side session id once logged in, and the CSRF token every form and
state-changing API call must echo back (form field ``csrf_token`` or header ``X-CSRF-Token``).
It only must not be forgeable, so signing is enough; it carries no patient data. A signed-in
cookie is honoured only while the store's session row for its id is live (not signed out, not
revoked by a password change or by disabling the account, not expired).

The signing key is ``$RECOUP_SECRET_KEY`` when set, else a random key kept in a file next to the
SQLite database (or in the data folder for PostgreSQL), created with mode 0600.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "ROLES",
    "SECRET_ENV",
    "SECURITY_HEADERS",
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "Session",
    "Signer",
    "load_secret",
    "new_token",
    "tokens_match",
]

SESSION_COOKIE = "recoup_session"
SESSION_SECONDS = 12 * 3600
SECRET_ENV = "RECOUP_SECRET_KEY"
SECRET_FILE = "recoup-secret.key"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ROLES = ("admin", "biller", "readonly")

# On every answer, errors included (see recoup.web.gate).
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
)


def load_secret(folder: Path) -> bytes:
    """``$RECOUP_SECRET_KEY``, else the key in ``folder/recoup-secret.key`` (made if missing)."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode()
    path = folder / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as out:
        out.write(key.hex())
    return key


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given), expected)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks small JSON payloads: ``<payload>.<signature>``, both base64url."""

    def __init__(self, key: bytes, purpose: str = "session") -> None:
        self._key = hashlib.sha256(key + b"\0recoup\0" + purpose.encode()).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def sign(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(body)}"

    def unsign(self, value: str | None, max_age: float, now: float | None = None) -> dict[str, Any]:
        """The payload, or ``{}`` when the value is missing, forged, malformed or too old."""
        if not value or value.count(".") != 1:
            return {}
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return {}
        try:
            payload = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(payload, dict):
            return {}
        issued = payload.get("t")
        current = time.time() if now is None else now
        if not isinstance(issued, int | float) or not 0 <= current - issued <= max_age:
            return {}
        return payload


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in (if anyone) and the CSRF token of this browser session."""

    csrf: str
    username: str | None = None
    role: str | None = None
    issued: float = field(default_factory=time.time)
    sid: str | None = None  # the server-side session (signed in only)

    @classmethod
    def fresh(cls) -> Session:
        return cls(csrf=new_token())

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Session | None:
        csrf = payload.get("c")
        if not isinstance(csrf, str) or not csrf:
            return None
        user, role, sid = payload.get("u"), payload.get("r"), payload.get("s")
        if user is not None and (
            not isinstance(user, str) or role not in ROLES or not isinstance(sid, str)
        ):
            return None
        if user is None:
            sid = None
        return cls(csrf=csrf, username=user, role=role, issued=float(payload["t"]), sid=sid)

    def payload(self) -> dict[str, Any]:
        return {
            "c": self.csrf,
            "u": self.username,
            "r": self.role,
            "s": self.sid,
            "t": int(self.issued),
        }

    def signed_in(self, username: str, role: str, sid: str) -> Session:
        """A new session for the user: a new CSRF token too, so a token seen before login
        (session fixation) is worth nothing after it."""
        return replace(
            self, csrf=new_token(), username=username, role=role, issued=time.time(), sid=sid
        )
