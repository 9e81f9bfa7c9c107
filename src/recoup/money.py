"""Money: every amount in recoup is a ``Decimal`` built from source text.

Amounts are never floats. They are kept exactly as the source wrote them (an X12 element, a
CSV cell; see :func:`parse_money`) and rounded only when shown, with an explicit rounding
mode (:func:`format_money`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "CENT",
    "ZERO",
    "MoneyError",
    "display_money",
    "format_money",
    "parse_money",
    "sum_money",
]

ZERO = Decimal("0")
CENT = Decimal("0.01")


class MoneyError(ValueError):
    """Raised when a text is not a plain decimal amount."""


def parse_money(text: str) -> Decimal:
    """Turn ``"185.00"``, ``"-12.5"`` or ``"0"`` into a ``Decimal``.

    Only plain decimal numerals are accepted: no thousands separators, currency signs, exponents,
    ``NaN`` or ``Infinity``. X12 numeric elements (type R) and the practice CSVs use this form.
    """
    stripped = text.strip()
    if not stripped or not _is_plain_decimal(stripped):
        raise MoneyError(f'"{text}" is not an amount (expected digits like 185.00)')
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # pragma: no cover - _is_plain_decimal rules this out
        raise MoneyError(f'"{text}" is not an amount') from exc


def _is_plain_decimal(text: str) -> bool:
    body = text[1:] if text[0] in "+-" else text
    if not body:
        return False
    whole, dot, frac = body.partition(".")
    if not whole and not frac:
        return False
    return (
        (not whole or whole.isdigit())
        and (not dot or not frac or frac.isdigit())
        and (whole.isascii() and frac.isascii())
    )


def format_money(amount: Decimal) -> str:
    """Two decimals, half-up, no separators: the form JSON output and letters use."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def display_money(amount: Decimal) -> str:
    """``$1,234.50`` / ``-$12.00``: how amounts are shown to people."""
    text = f"{abs(amount).quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return f"-${text}" if amount < 0 else f"${text}"


def sum_money(amounts: object) -> Decimal:
    """Sum an iterable of ``Decimal`` starting from an exact zero."""
    total = ZERO
    for amount in amounts:  # type: ignore[attr-defined]
        total += amount
    return total
