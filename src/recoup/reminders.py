"""Reminders of what comes due: an iCalendar file or feed, and e-mail through an SMTP server.

The items are :func:`recoup.store.teamwork.reminders`: per user, each open or sent denial's
deadline and follow-up ("call back on") that falls by a date. A calendar has one all-day event
per item, with a UID that stays the same for the same denial and kind, so a calendar app that
reads the feed again moves the event instead of adding a second. An e-mail lists one user's
items.

Neither names the patient: a calendar app or a mailbox may sit with another company, so an item
says the denial's number, the claim (account) number, the payer, the lane, the code and the
amount, and the link to the denial in recoup opens the rest for someone signed in.

SMTP settings come from the environment, like the rest of recoup's settings
(``RECOUP_SMTP_HOST``, ``RECOUP_SMTP_PORT``, ``RECOUP_SMTP_SECURITY`` = starttls, ssl or none,
``RECOUP_SMTP_USER``, ``RECOUP_SMTP_PASSWORD``, ``RECOUP_SMTP_FROM``); the command's options
override them.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from recoup.exports import lane_words
from recoup.money import format_money
from recoup.store.teamwork import Reminder, status_label

__all__ = [
    "SECURITY",
    "SmtpSettings",
    "calendar",
    "item_line",
    "messages",
    "send",
]

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def _days(item: Reminder, today: date) -> str:
    days = (item.day - today).days
    if days < 0:
        return f"{-days} d overdue"
    return "today" if days == 0 else f"in {days} d"


def item_line(item: Reminder, today: date) -> str:
    """One item in words, no patient name: for e-mail and the terminal."""
    row = item.row
    return (
        f"{item.day.isoformat()}  {item.kind_label:<9}  {_days(item, today):<13}  denial {row.id}"
        f"  claim {row.patient_account}  {row.payer_name}  {lane_words(row.lane)}  {row.carc}"
        f"  ${format_money(row.denied_amount)}  {status_label(row)}"
    )


# -- iCalendar (RFC 5545) ------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, the rest on continuation lines that start with a space."""
    out: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = " "
            limit = 75
        current += ch
    out.append(current)
    return out


def _event(item: Reminder, stamp: str, base_url: str | None) -> list[str]:
    row = item.row
    what = "Deadline" if item.kind == "deadline" else "Call back"
    summary = (
        f"{what}: {lane_words(row.lane)} {row.carc}, claim {row.patient_account}, "
        f"${format_money(row.denied_amount)}"
    )
    description = (
        f"Denial {row.id} ({row.denial_id}) with {row.payer_name}. {status_label(row)}."
        + (f" Deadline {row.deadline.isoformat()}." if row.deadline else "")
        + (f" Call back on {row.follow_up_on.isoformat()}." if row.follow_up_on else "")
        + (f" Assigned to {row.assigned_to}." if row.assigned_to else " Not assigned.")
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:recoup-{item.kind.replace('_', '-')}-{row.id}@recoup",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{item.day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(item.day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "TRANSP:TRANSPARENT",
    ]
    if base_url:
        lines.append(f"URL:{base_url.rstrip('/')}/denials/{row.id}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    items: Iterable[Reminder],
    name: str,
    *,
    now: datetime | None = None,
    base_url: str | None = None,
) -> str:
    """An iCalendar document with one all-day event per item (CRLF line ends, folded)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//recoup//denial reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for item in items:
        lines.extend(_event(item, stamp, base_url))
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


# -- e-mail --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        sender: str | None = None,
        security: str | None = None,
    ) -> SmtpSettings:
        """The settings from ``RECOUP_SMTP_*``, each overridden by an argument given.
        ValueError names what is missing."""
        env = os.environ if env is None else env
        host = host or env.get("RECOUP_SMTP_HOST")
        sender = sender or env.get("RECOUP_SMTP_FROM")
        security = (security or env.get("RECOUP_SMTP_SECURITY") or "starttls").lower()
        if not host:
            raise ValueError("no SMTP server: set RECOUP_SMTP_HOST or pass --smtp-host")
        if not sender:
            raise ValueError("no sender address: set RECOUP_SMTP_FROM or pass --from")
        if security not in SECURITY:
            raise ValueError(f"RECOUP_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        if port is None:
            text = env.get("RECOUP_SMTP_PORT", "")
            if text and not text.isdigit():
                raise ValueError(f"RECOUP_SMTP_PORT {text!r} is not a port number")
            port = int(text) if text else DEFAULT_PORTS[security]
        return cls(
            host=host,
            port=port,
            sender=sender,
            security=security,
            username=env.get("RECOUP_SMTP_USER") or None,
            password=env.get("RECOUP_SMTP_PASSWORD") or None,
        )


def messages(
    groups: Mapping[str, Sequence[Reminder]],
    addresses: Mapping[str, str],
    sender: str,
    today: date,
    days: int,
    *,
    base_url: str | None = None,
) -> list[tuple[str, EmailMessage]]:
    """One message per user who has items and an address: (user, message)."""
    out: list[tuple[str, EmailMessage]] = []
    for user, items in groups.items():
        address = addresses.get(user)
        if not items or not address:
            continue
        message = EmailMessage()
        message["From"] = sender
        message["To"] = address
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain="recoup.local")
        message["Subject"] = (
            f"recoup: {len(items)} deadline(s) and follow-up(s) due by "
            f"{(today + timedelta(days=days)).isoformat()}"
        )
        body = [
            f"Hello {user},",
            "",
            f"These denials assigned to you come due in the next {days} days "
            f"(as of {today.isoformat()}, overdue ones first):",
            "",
            *(item_line(item, today) for item in items),
            "",
        ]
        if base_url:
            body.append(f"Your work in recoup: {base_url.rstrip('/')}/my-work")
        body.append("Patient names are left out of this e-mail; open the denial in recoup.")
        message.set_content("\n".join(body) + "\n")
        out.append((user, message))
    return out


def send(settings: SmtpSettings, outgoing: Sequence[EmailMessage]) -> int:
    """Send the messages over one SMTP connection; how many the server accepted.
    OSError / smtplib.SMTPException propagate for the caller to report."""
    if not outgoing:
        return 0
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username and settings.password:
            client.login(settings.username, settings.password)
        for message in outgoing:
            client.send_message(message)
    return len(outgoing)
