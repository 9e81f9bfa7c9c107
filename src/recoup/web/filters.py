"""How values look on a page: money, dates, days left, lanes. Presentation only."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

from recoup.letters.reader import key_words
from recoup.textsafe import terminal_text
from recoup.web.security import CSRF_FIELD
from recoup.words import WORDS, word

__all__ = ["LANE_LABELS", "OUTCOME_LABELS", "days_class", "install", "money"]

LANE_LABELS = dict(WORDS["lane"])  # the one table: recoup.words
OUTCOME_LABELS = dict(WORDS["outcome"])
CHANNELS = ("mail", "fax", "portal", "clearinghouse", "email")


def money(value: Decimal | int | str | None, cents: bool = True) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if cents:
        text = f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    else:
        text = f"{amount.quantize(Decimal(1), ROUND_HALF_UP):,.0f}"
    return f"−${text[1:]}" if text.startswith("-") else f"${text}"


def iso(value: date | None) -> str:
    return value.isoformat() if value else "—"


def nice_date(value: date | None) -> str:
    return value.strftime("%b %-d, %Y") if value else "—"


def days_left(deadline: date | None, today: date) -> int | None:
    return (deadline - today).days if deadline else None


def days_class(days: int | None) -> str:
    """overdue, soon (within 14 days), or ok; ``none`` without a deadline."""
    if days is None:
        return "none"
    if days < 0:
        return "overdue"
    return "soon" if days <= 14 else "ok"


def days_label(days: int | None) -> str:
    if days is None:
        return "no deadline"
    if days < 0:
        return f"{-days} d overdue"
    if days == 0:
        return "due today"
    return f"{days} d left"


def lane_label(lane: str | None) -> str:
    return word("lane", lane)


def words(code: object, kind: str) -> str:
    """A code as words on a page (``{{ row.category | words("category") }}``)."""
    return word(kind, code)


def percent(value: Decimal | float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)) * 100:.{digits}f}%"


def number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    amount = Decimal(str(value))
    if amount == amount.to_integral():
        return f"{amount:,.0f}"
    return f"{amount.normalize():,f}"


def query(params: dict[str, Any], **changes: Any) -> str:
    """The query string for ``params`` with ``changes`` applied (``None`` drops a key)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def in_words(text: str | None) -> str:
    """A rule's sentence with recoup's lane, benefit and period keys as words ("20 visits per
    calendar year"); setting names stay, for the biller to find them."""
    return key_words(text) if text else ""


def basename(path: str | None) -> str:
    return PurePath(path).name if path else ""


def install(env: Environment) -> None:
    env.filters.update(
        money=money,
        iso=iso,
        nice_date=nice_date,
        days_class=days_class,
        days_label=days_label,
        lane_label=lane_label,
        words=words,
        in_words=in_words,
        percent=percent,
        number=number,
        basename=basename,
        visible=terminal_text,  # control characters from X12 and CSV text shown as \xNN
    )
    env.globals.update(
        LANE_LABELS=LANE_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        CHANNELS=CHANNELS,
        CSRF_FIELD=CSRF_FIELD,
        days_left=days_left,
        qs=query,
    )
