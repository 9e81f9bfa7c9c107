"""Reading the practice folder's CSV files: rows of cells, each cell checked with its place.

A :class:`Row` turns its cells into typed values (dates, times of day, money, whole numbers, one
of a fixed set of words, code lists, plan-year days, benefit periods). A cell that does not fit
becomes a finding naming the file, the row (the header is row 1) and the column, and what was
expected; the row is then marked bad and the reader leaves it out. Nothing here raises for bad
input.

Every value is also held to sane bounds (:data:`LIMITS`): dates from 1900 to 2199, benefit
periods of at most ten years, amounts and counts below a billion. A value outside them is
almost always a typo or a placeholder (``9999-12-31``), and letting it in would make date
arithmetic further on overflow (a benefit period of ``rolling_months:99999999`` took every
benefits page down).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from recoup.findings import Finding, Severity
from recoup.money import MoneyError, parse_money
from recoup.practice.model import BenefitPeriod, MonthDay, PeriodKind

__all__ = ["LIMITS", "CsvFile", "Limits", "Row", "read_csv"]

E = TypeVar("E", bound=StrEnum)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")
_DIGITS = re.compile(
    r"[0-9]{1,4}"
)  # ASCII only: str.isdigit() also accepts "²", which int() refuses


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds every practice-folder value is held to."""

    earliest: date = date(1900, 1, 1)
    latest: date = date(2199, 12, 31)
    max_period_months: int = 120
    max_amount: Decimal = Decimal("999999999.99")
    max_integer: int = 999_999_999
    max_appeal_days: int = 3650


LIMITS = Limits()


class Row:
    """One data row of a CSV file; cells are read by column name."""

    __slots__ = ("_cells", "bad", "file", "findings", "row")

    def __init__(self, cells: dict[str, str], file: str, row: int) -> None:
        self._cells = cells
        self.file = file
        self.row = row
        self.findings: list[Finding] = []
        self.bad = False

    def error(self, column: str | None, code: str, message: str) -> None:
        self.findings.append(
            Finding(Severity.ERROR, code, message, self.file, row=self.row, column=column)
        )
        self.bad = True

    def warn(self, column: str | None, code: str, message: str) -> None:
        self.findings.append(
            Finding(Severity.WARNING, code, message, self.file, row=self.row, column=column)
        )

    def raw(self, column: str) -> str:
        return self._cells.get(column, "").strip()

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, "practice.required", f"{column} is empty (a value is required)")
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        if _DATE.fullmatch(value) and value.isascii():
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if LIMITS.earliest <= day <= LIMITS.latest:
                    return day
                self.error(
                    column,
                    "practice.date_range",
                    f'"{value}" is outside the dates recoup accepts ({LIMITS.earliest} to '
                    f"{LIMITS.latest}); leave it empty if there is no end",
                )
                return None
        self.error(column, "practice.date", f'"{value}" is not a date (expected YYYY-MM-DD)')
        return None

    def time(self, column: str, *, required: bool = False) -> time | None:
        value = self.text(column, required=required)
        if not value:
            return None
        match = _TIME.fullmatch(value) if value.isascii() else None
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        self.error(
            column, "practice.time", f'"{value}" is not a time of day (expected HH:MM, 24-hour)'
        )
        return None

    def money(self, column: str, *, required: bool = False, default: str = "") -> Decimal | None:
        """A plain decimal (``185.00``, ``20``); negative amounts are refused."""
        value = self.text(column, required=required and not default) or default
        if not value:
            return None
        try:
            amount = parse_money(value)
        except MoneyError:
            self.error(column, "practice.number", f'"{value}" is not a number (expected 185.00)')
            return None
        if not amount.is_finite():
            self.error(column, "practice.number", f'"{value}" is not a number (expected 185.00)')
            return None
        if amount < 0:
            self.error(column, "practice.number", f'"{value}" is negative (expected 0 or more)')
            return None
        if amount > LIMITS.max_amount:
            self.error(
                column,
                "practice.number_range",
                f'"{value[:40]}" is larger than recoup accepts (at most {LIMITS.max_amount})',
            )
            return None
        return amount

    def integer(self, column: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = self.text(column, required=required)
        if not value:
            return None
        if not _INTEGER.fullmatch(value) or int(value) < minimum or int(value) > LIMITS.max_integer:
            self.error(
                column,
                "practice.integer",
                f'"{value[:40]}" is not a whole number from {minimum} to {LIMITS.max_integer}',
            )
            return None
        return int(value)

    def choice(self, column: str, kind: type[E], *, required: bool = True) -> E | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return kind(value.lower())
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            self.error(
                column, "practice.unknown_value", f'unknown {column} "{value}" (expected {allowed})'
            )
            return None

    def month_day(self, column: str) -> MonthDay | None:
        """``MM-DD``: the first day of a plan year."""
        value = self.text(column)
        if not value:
            return None
        month, _, day = value.partition("-")
        if len(value) == 5 and _DIGITS.fullmatch(month) and _DIGITS.fullmatch(day):
            try:
                date(2000, int(month), int(day))  # 2000 was a leap year: 02-29 is a day
                return MonthDay(int(month), int(day))
            except ValueError:
                pass
        self.error(
            column, "practice.month_day", f'"{value}" is not a month and day (expected MM-DD)'
        )
        return None

    def period(self, column: str) -> BenefitPeriod | None:
        """``calendar_year``, ``rolling_months:12``, ``week``, ...: a benefit period."""
        value = self.text(column, required=True).lower()
        if not value:
            return None
        kind, _, months = value.partition(":")
        if kind == PeriodKind.ROLLING_MONTHS and months.isascii() and months.isdigit():
            count = int(months)
            if 1 <= count <= LIMITS.max_period_months:
                return BenefitPeriod(PeriodKind.ROLLING_MONTHS, count)
            self.error(
                column,
                "practice.period_range",
                f'"{value[:40]}": a rolling period is 1 to {LIMITS.max_period_months} months',
            )
            return None
        if not months and kind != PeriodKind.ROLLING_MONTHS and kind in set(PeriodKind):
            return BenefitPeriod(PeriodKind(kind))
        allowed = ", ".join(
            "rolling_months:N" if p is PeriodKind.ROLLING_MONTHS else p.value for p in PeriodKind
        )
        self.error(
            column, "practice.unknown_value", f'unknown {column} "{value}" (expected {allowed})'
        )
        return None

    def codes(self, column: str) -> tuple[str, ...]:
        """A space-separated list (``97110 97140``, modifiers ``GP 59``)."""
        return tuple(self.raw(column).replace(",", " ").split())


class CsvFile:
    """A CSV file of the folder: its rows, and the problems of the file as a whole."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name  # as shown in findings, e.g. "visits.csv"
        self.findings: list[Finding] = []
        self.header: list[str] = []
        self._records: list[tuple[int, list[str]]] = []

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def rows(self) -> Iterator[Row]:
        for number, values in self._records:
            yield Row(dict(zip(self.header, values, strict=False)), self.name, number)

    def _fail(
        self, code: str, message: str, column: str | None = None, row: int | None = None
    ) -> None:
        self.findings.append(
            Finding(Severity.ERROR, code, message, self.name, row=row, column=column)
        )


def read_csv(path: Path, name: str, columns: tuple[str, ...]) -> CsvFile | None:
    """Read ``path`` when it exists (every practice file but practice.toml is optional).

    The header must name every column in ``columns``; other columns are ignored. Blank lines
    are skipped but still counted, so row numbers match what a spreadsheet shows.
    """
    if not path.exists():
        return None
    table = CsvFile(path, name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        table._fail("practice.encoding", f"not UTF-8 text (byte {exc.start})")
        return table
    except OSError as exc:
        table._fail("practice.unreadable", f"cannot read the file: {exc.strerror}")
        return table
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(records, None)
        if header is None:
            expected = ", ".join(columns)
            table._fail("practice.csv.empty", f"the file is empty (expected a header: {expected})")
            return table
        table.header = [cell.strip().lower() for cell in header]
        for number, values in enumerate(records, start=2):
            if any(value.strip() for value in values):
                table._records.append((number, values))
    except csv.Error as exc:
        table._fail("practice.csv.syntax", f"not a readable CSV file: {exc}")
        return table
    for column in columns:
        if column not in table.header:
            table._fail(
                "practice.csv.missing_column", f"the header has no column {column}", column, 1
            )
    return table
