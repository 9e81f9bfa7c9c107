"""Counting lines toward a limit: visits by date, units per code, ABA hours, dollars."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from recoup.accumulators import CodeFilter, CountedLine, count, units_by_code

D = date.fromisoformat
PT = CodeFilter(("97110", "97112", "97140", "97530"), ("97161", "97162", "97163"))


def line(
    day: str, code: str, units: str = "1", charge: str = "60.00", **kw: Decimal | str
) -> CountedLine:
    return CountedLine(D(day), code, Decimal(units), Decimal(charge))._replace(**kw)


LINES = [
    line("2026-05-05", "97161", charge="165.00"),  # evaluation: excluded from the visit cap
    line("2026-05-07", "97110", "2", "120.00"),
    line("2026-05-07", "97112", "1", "62.00"),  # same date: still one visit
    line("2026-05-12", "97110", "2", "120.00", allowed=Decimal("80.00")),
    line("2026-05-12", "97140", "1", "65.00", claim_id="other-claim"),  # another claim, same day
]


def test_visits_are_distinct_dates_of_counting_lines() -> None:
    assert count(LINES, "visits", PT) == 2
    assert count(LINES, "visits") == 3  # no filter: the evaluation date counts too


def test_units_summed_per_code() -> None:
    assert count(LINES, "units", PT) == 6
    assert units_by_code(LINES, PT) == {"97110": 4, "97112": 1, "97140": 1}


def test_dollars_by_charge_or_allowed() -> None:
    assert count(LINES, "dollars", PT) == Decimal("367.00")
    assert count(LINES, "dollars", PT, allowed=True) == Decimal("327.00")


def test_aba_hours_from_quarter_hour_units() -> None:
    aba = [
        line("2026-06-08", "97153", "24"),  # 6 hours
        line("2026-06-09", "0362T", "2"),  # half an hour
        line("2026-06-09", "97155", "4", minutes=Decimal(120)),  # units win for ABA codes
        line("2026-06-10", "90837", "1", minutes=Decimal(45)),  # other codes: clock time
    ]
    assert count(aba, "hours") == Decimal("8.25")
    assert count(aba, "hours", CodeFilter(("97153",))) == 6


UNITS = ["visits", "units", "hours", "dollars"]
lines = st.lists(
    st.builds(
        CountedLine,
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 20)),
        st.sampled_from(["97110", "97140", "97161", "97153"]),
        st.integers(1, 8).map(Decimal),
        st.integers(0, 50000).map(lambda cents: Decimal(cents) / 100),
        minutes=st.none(),
        allowed=st.none(),
        claim_id=st.sampled_from(["A", "B"]),
        payer_claim_id=st.just(""),
    ),
    max_size=30,
)


@given(lines, st.randoms(use_true_random=False), st.sampled_from(UNITS))
def test_counting_does_not_depend_on_order(
    items: list[CountedLine], random: Random, unit: str
) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)
    assert count(shuffled, unit, PT) == count(items, unit, PT)
    assert units_by_code(shuffled, PT) == units_by_code(items, PT)
