"""Benefit periods: which ``[start, end)`` window a date of service falls in, and when it resets.

Every kind of ``benefits.csv`` ``period`` is a rule that maps a date to the one period holding it:

============== ==================================================================================
kind           period containing ``on``
============== ==================================================================================
calendar_year  ``[Jan 1, Jan 1 next year)``
plan_year      ``[last anniversary <= on, next anniversary)``; the anniversary is the coverage's
               ``plan_year_start`` (``MM-DD``), none meaning Jan 1. A Feb 29 anniversary falls on
               Feb 28 in non-leap years.
rolling_months ``rolling_months:N`` is a look-back window: the N months ending with ``on``,
               ``[on - N months + 1 day, on + 1 day)``. It slides with every date, so these
               windows do not tile; the count drops as old visits fall out of the window.
lifetime       ``[date.min, date.max)``: one period, never resets (reset date ``None``).
episode        ``[episode_start, date.max)``: open until a new episode starts. Callers choose
               the start; :mod:`recoup.accumulators.status` uses the latest evaluation code on or
               before the date (97161-97163, 97165-97167, 97151), else the first visit.
month          ``[1st of the month, 1st of the next month)``
week           ``[Monday, next Monday)`` (weeks run Monday to Sunday, across year ends)
============== ==================================================================================

Month arithmetic clamps to the last day of a short month (Jan 31 + 1 month = Feb 28 or 29).
Nothing here raises on a date near the ends of the calendar: a bound that would fall past
``date.max`` (or before ``date.min``) is that end instead, meaning "open" (the practice reader
keeps dates within 1900-2199 and rolling periods within ten years, but these functions are
public).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import NamedTuple

from recoup.practice.model import BenefitPeriod, MonthDay, PeriodKind

__all__ = ["Period", "add_months", "anniversary_in", "parse_period", "period_containing"]

FOREVER = date.max
MAX_ROLLING_MONTHS = 1200  # a hundred years: anything longer is not a benefit period


def _shift(day: date, days: int) -> date:
    """``day + days`` held within the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _year_start(year: int) -> date:
    if year > date.max.year:
        return FOREVER
    return date(max(year, date.min.year), 1, 1)


class Period(NamedTuple):
    """A half-open date range ``[start, end)``."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def reset_date(self) -> date | None:
        """The first day of the next period (``end``); ``None`` when the period never ends."""
        return None if self.end == FOREVER else self.end

    @property
    def last_day(self) -> date | None:
        return None if self.end == FOREVER else self.end - timedelta(days=1)

    def __str__(self) -> str:
        start = "always" if self.start == date.min else self.start.isoformat()
        last = self.last_day
        return f"{start} to {last.isoformat() if last else 'open'}"


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary_in(year: int, anniversary: MonthDay) -> date:
    """The plan year's first day in ``year``; Feb 29 becomes Feb 28 in a non-leap year."""
    if year > date.max.year:
        return FOREVER
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, anniversary.month)[1]
    return date(year, anniversary.month, min(anniversary.day, last))


def parse_period(text: str) -> BenefitPeriod:
    """``"calendar_year"`` or ``"rolling_months:12"`` as a :class:`BenefitPeriod`."""
    name, _, months = text.strip().partition(":")
    kind = PeriodKind(name)
    if kind is PeriodKind.ROLLING_MONTHS:
        if (
            not (months.isascii() and months.isdigit())
            or not 1 <= int(months) <= MAX_ROLLING_MONTHS
        ):
            raise ValueError(
                f'"{text[:40]}": rolling_months needs a number of months from 1 to '
                f"{MAX_ROLLING_MONTHS}, e.g. rolling_months:12"
            )
        return BenefitPeriod(kind, int(months))
    if months:
        raise ValueError(f'"{text}": only rolling_months takes a number')
    return BenefitPeriod(kind)


def period_containing(
    kind: PeriodKind | BenefitPeriod | str,
    on: date,
    anniversary: MonthDay | None = None,
    episode_start: date | None = None,
) -> Period:
    """The period of ``kind`` that holds ``on``; its ``end`` is the reset date.

    ``kind`` may be a :class:`PeriodKind` (``rolling_months`` then means 12 months), a
    :class:`BenefitPeriod` or its text (``"rolling_months:6"``). ``episode`` needs
    ``episode_start`` on or before ``on`` (ValueError otherwise).
    """
    period = _as_period(kind)
    match period.kind:
        case PeriodKind.CALENDAR_YEAR:
            return Period(date(on.year, 1, 1), _year_start(on.year + 1))
        case PeriodKind.PLAN_YEAR:
            if anniversary is None:
                return Period(date(on.year, 1, 1), _year_start(on.year + 1))
            start = anniversary_in(on.year, anniversary)
            if start > on:
                start = anniversary_in(on.year - 1, anniversary)
            return Period(start, anniversary_in(start.year + 1, anniversary))
        case PeriodKind.ROLLING_MONTHS:
            months = min(period.months or 12, MAX_ROLLING_MONTHS)
            end = _shift(on, 1)
            return Period(add_months(end, -months), end)
        case PeriodKind.LIFETIME:
            return Period(date.min, FOREVER)
        case PeriodKind.EPISODE:
            if episode_start is None or episode_start > on:
                raise ValueError("an episode period needs an episode start on or before the date")
            return Period(episode_start, FOREVER)
        case PeriodKind.MONTH:
            start = on.replace(day=1)
            return Period(start, add_months(start, 1))
        case PeriodKind.WEEK:
            start = _shift(on, -on.weekday())
            return Period(start, _shift(start, 7))
    raise ValueError(f"unknown period kind {period.kind!r}")  # pragma: no cover


def _as_period(kind: PeriodKind | BenefitPeriod | str) -> BenefitPeriod:
    if isinstance(kind, BenefitPeriod):
        return kind
    if isinstance(kind, PeriodKind):
        return BenefitPeriod(kind, 12 if kind is PeriodKind.ROLLING_MONTHS else None)
    return parse_period(kind)
