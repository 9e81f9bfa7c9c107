"""Splitting a balance into monthly payments that add up to the cent.

Every payment but the last is the balance divided by the number of months, rounded half-up to
the cent; the last takes what is left, so $1,900.00 over 6 months is five payments of $316.67 and
one of $316.65. A balance too small to split keeps fewer payments rather than a $0.00 one.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from recoup.money import CENT

__all__ = ["installments"]


def installments(total: Decimal, months: int) -> tuple[Decimal, ...]:
    """``total`` paid over ``months`` monthly payments (``months`` >= 1; ``total`` >= 0)."""
    if months < 1:
        raise ValueError(f"a payment plan needs at least one month, not {months}")
    total = total.quantize(CENT, ROUND_HALF_UP)
    if total < 0:
        raise ValueError(f"a payment plan cannot split a negative balance ({total})")
    months = max(1, min(months, int(total / CENT) or 1))
    each = (total / months).quantize(CENT, ROUND_HALF_UP)
    first = [each] * (months - 1)
    last = total - sum(first, Decimal(0))
    if last <= 0:  # rounding up left nothing for the last payment: round the others down
        each = (total / months).quantize(CENT, ROUND_DOWN)
        first = [each] * (months - 1)
        last = total - sum(first, Decimal(0))
    return (*first, last)
