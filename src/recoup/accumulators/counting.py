"""Counting service lines toward a limit: visits, units, hours or dollars.

* **visits**: one per distinct date of service that has at least one counting line, however many
  lines or claims that date has;
* **units**: billed units summed (per code with :func:`units_by_code`);
* **hours**: ABA codes billed in 15-minute units (97151-97158, 0362T, 0373T) give units / 4;
  other codes give the time between their start and end time when the visit row has both;
* **dollars**: the charge, or the allowed amount where the payer's figure is known.

A line counts when its code is not in ``excludes_codes`` and, if ``counts_codes`` is given, is in
it (an evaluation 97161 is left out of a treatment-visit cap this way). Counting depends only on
the set of lines, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from recoup.practice.model import Visit

__all__ = [
    "QUARTER_HOUR_CODES",
    "CodeFilter",
    "CountedLine",
    "count",
    "from_visits",
    "line_hours",
    "units_by_code",
]

ZERO = Decimal("0")
FOUR = Decimal("4")
SIXTY = Decimal("60")

# ABA codes reported in 15-minute units (AMA CPT 2019 adaptive behaviour codes).
QUARTER_HOUR_CODES = frozenset(
    {"97151", "97152", "97153", "97154", "97155", "97156", "97157", "97158", "0362T", "0373T"}
)


class CountedLine(NamedTuple):
    """One billed service line, from the practice (visits.csv) or the payer (an 835)."""

    service_date: date
    code: str
    units: Decimal
    charge: Decimal
    minutes: Decimal | None = None  # from start and end time, when known
    allowed: Decimal | None = None  # the payer's allowed amount, when known
    claim_id: str = ""  # CLP01
    payer_claim_id: str = ""  # CLP07


class CodeFilter(NamedTuple):
    counts_codes: tuple[str, ...] = ()
    excludes_codes: tuple[str, ...] = ()

    def counts(self, code: str) -> bool:
        if code in self.excludes_codes:
            return False
        return not self.counts_codes or code in self.counts_codes


def from_visits(visits: Iterable[Visit]) -> list[CountedLine]:
    out = []
    for v in visits:
        minutes = None
        if v.start_time is not None and v.end_time is not None:
            span = datetime.combine(v.service_date, v.end_time) - datetime.combine(
                v.service_date, v.start_time
            )
            minutes = Decimal(int(span.total_seconds()) // 60)
        out.append(
            CountedLine(v.service_date, v.code, v.units, v.charge, minutes, None, v.claim_id)
        )
    return out


def line_hours(line: CountedLine) -> Decimal:
    if line.code in QUARTER_HOUR_CODES:
        return line.units / FOUR
    if line.minutes is not None and line.minutes > 0:
        return line.minutes / SIXTY
    return ZERO


def count(
    lines: Iterable[CountedLine],
    unit: str,
    codes: CodeFilter = CodeFilter(),
    *,
    allowed: bool = False,
) -> Decimal:
    """How much of ``unit`` (visits, units, hours, dollars) the counting lines use."""
    counted = [line for line in lines if codes.counts(line.code)]
    if unit == "visits":
        return Decimal(len({line.service_date for line in counted}))
    if unit == "units":
        return sum((line.units for line in counted), ZERO)
    if unit == "hours":
        return sum((line_hours(line) for line in counted), ZERO)
    if unit == "dollars":
        return sum(
            (
                line.allowed if allowed and line.allowed is not None else line.charge
                for line in counted
            ),
            ZERO,
        )
    raise ValueError(f"unknown unit {unit!r} (visits, units, hours, dollars)")


def units_by_code(
    lines: Iterable[CountedLine], codes: CodeFilter = CodeFilter()
) -> dict[str, Decimal]:
    """Billed units per code, codes in sorted order."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        if codes.counts(line.code):
            totals[line.code] = totals.get(line.code, ZERO) + line.units
    return dict(sorted(totals.items()))
