"""Benefit periods: the one half-open period holding a date, and its reset date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.accumulators import Period, add_months, parse_period, period_containing
from recoup.practice import BenefitPeriod, MonthDay, PeriodKind

D = date.fromisoformat
JUL1 = MonthDay(7, 1)
FEB29 = MonthDay(2, 29)

CASES = [
    # kind, on, anniversary, expected start, expected end (= reset date)
    ("calendar_year", "2026-12-31", None, "2026-01-01", "2027-01-01"),
    ("calendar_year", "2027-01-01", None, "2027-01-01", "2028-01-01"),
    ("plan_year", "2026-06-30", JUL1, "2025-07-01", "2026-07-01"),
    ("plan_year", "2026-07-01", JUL1, "2026-07-01", "2027-07-01"),
    ("plan_year", "2026-03-05", None, "2026-01-01", "2027-01-01"),  # no anniversary: Jan 1
    # A Feb 29 anniversary falls on Feb 28 in non-leap years.
    ("plan_year", "2024-02-29", FEB29, "2024-02-29", "2025-02-28"),
    ("plan_year", "2025-02-27", FEB29, "2024-02-29", "2025-02-28"),
    ("plan_year", "2025-02-28", FEB29, "2025-02-28", "2026-02-28"),
    ("plan_year", "2028-02-28", FEB29, "2027-02-28", "2028-02-29"),
    ("rolling_months:12", "2026-03-15", None, "2025-03-16", "2026-03-16"),
    ("rolling_months:1", "2026-03-31", None, "2026-03-01", "2026-04-01"),
    ("month", "2024-02-29", None, "2024-02-01", "2024-03-01"),
    ("month", "2026-12-31", None, "2026-12-01", "2027-01-01"),
    ("week", "2026-01-01", None, "2025-12-29", "2026-01-05"),  # Thursday; week began Monday
    ("week", "2027-01-03", None, "2026-12-28", "2027-01-04"),  # Sunday ends the week
    ("week", "2026-06-08", None, "2026-06-08", "2026-06-15"),  # a Monday starts one
]


@pytest.mark.parametrize(("kind", "on", "anniversary", "start", "end"), CASES)
def test_period_containing(
    kind: str, on: str, anniversary: MonthDay | None, start: str, end: str
) -> None:
    period = period_containing(kind, D(on), anniversary)
    assert period == Period(D(start), D(end))
    assert period.reset_date == D(end)
    assert D(on) in period


def test_lifetime_never_resets() -> None:
    period = period_containing(PeriodKind.LIFETIME, D("2026-05-05"))
    assert D("1900-01-01") in period and period.reset_date is None
    assert str(period) == "always to open"


def test_episode_starts_at_the_given_date() -> None:
    period = period_containing("episode", D("2026-06-01"), episode_start=D("2026-05-05"))
    assert period.start == D("2026-05-05") and period.reset_date is None
    with pytest.raises(ValueError, match="episode"):
        period_containing("episode", D("2026-05-01"), episode_start=D("2026-05-05"))


def test_parse_period() -> None:
    assert parse_period("rolling_months:6") == BenefitPeriod(PeriodKind.ROLLING_MONTHS, 6)
    assert parse_period("week") == BenefitPeriod(PeriodKind.WEEK)
    for bad in ("rolling_months", "rolling_months:0", "week:2", "fortnight"):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2026-03-31"), -13) == D("2025-02-28")


days = st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31))
anniversaries = st.builds(MonthDay, st.integers(1, 12), st.integers(1, 28)) | st.just(FEB29)
TILING = ["calendar_year", "plan_year", "month", "week"]


@given(day=days, anniversary=anniversaries, kind=st.sampled_from(TILING))
def test_a_date_is_in_exactly_one_period_and_periods_tile(
    day: date, anniversary: MonthDay, kind: str
) -> None:
    period = period_containing(kind, day, anniversary)
    assert period.start <= day < period.end
    # every day of the period maps to this same period ...
    assert period_containing(kind, period.start, anniversary) == period
    assert period_containing(kind, period.end - timedelta(days=1), anniversary) == period
    # ... and the next period starts where this one ends, the previous ends where it starts
    assert period_containing(kind, period.end, anniversary).start == period.end
    assert (
        period_containing(kind, period.start - timedelta(days=1), anniversary).end == period.start
    )


@given(day=days, months=st.integers(1, 36))
def test_a_rolling_window_ends_with_its_date(day: date, months: int) -> None:
    period = period_containing(f"rolling_months:{months}", day)
    assert period.start <= day < period.end == day + timedelta(days=1)
    assert add_months(period.end, -months) == period.start


# -- security review item 6: no period arithmetic raises at the ends of the calendar ----------


@pytest.mark.parametrize("kind", list(PeriodKind))
@pytest.mark.parametrize("on", [date.min, date(1, 1, 3), date(9999, 12, 30), date.max])
def test_no_period_raises_at_the_ends_of_the_calendar(kind: PeriodKind, on: date) -> None:
    period = BenefitPeriod(kind, 99999999 if kind is PeriodKind.ROLLING_MONTHS else None)
    found = period_containing(period, on, MonthDay(2, 29), episode_start=on)
    assert found.start <= on and (on < found.end or found.end == date.max)


def test_a_rolling_period_past_the_bound_is_refused_as_text() -> None:
    with pytest.raises(ValueError, match="from 1 to 1200"):
        parse_period("rolling_months:99999999")
    with pytest.raises(ValueError, match="rolling_months needs"):
        parse_period("rolling_months:²")
