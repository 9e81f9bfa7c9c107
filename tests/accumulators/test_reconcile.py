"""Rebuilding the payer's count behind a CO-119, with each planted miscount found and dated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recoup.accumulators import (
    Period,
    Reconciliation,
    benefit_period,
    claims_for_patient,
    period_containing,
    reconcile,
)
from recoup.practice import (
    Benefit,
    BenefitPeriod,
    BenefitUnit,
    MonthDay,
    PeriodKind,
    Practice,
    read_practice,
)
from recoup.records import Adjustment, ClaimPayment, Procedure, Remittance, ServiceLine
from recoup.x12.reader835 import read_835_file

D = date.fromisoformat
BRIGHTPATH = Path(__file__).parents[2] / "examples" / "brightpath-pt"
Example = tuple[Practice, list[Remittance]]
YEAR_2026 = Period(D("2026-01-01"), D("2027-01-01"))


def cap(limit: int = 20, period: str = "calendar_year", elsewhere: str = "0") -> Benefit:
    return Benefit(
        "P1", "73120", "pt_ot", Decimal(limit), BenefitUnit.VISITS,
        BenefitPeriod(PeriodKind(period)), ("97110", "97112", "97140", "97530"),
        ("97161", "97162", "97163"), Decimal(elsewhere), None,
    )  # fmt: skip


def line(day: str, code: str, *, denied: bool = False, sign: int = 1) -> ServiceLine:
    charge = Decimal("60.00") * sign
    if denied:
        adjustments = (Adjustment("CO", "119", charge),)
        paid = Decimal("0.00")
    else:
        adjustments = (Adjustment("CO", "45", Decimal("10.00") * sign),)
        adjustments += (Adjustment("PR", "3", Decimal("30.00") * sign),)
        paid = Decimal("20.00") * sign
    return ServiceLine(
        Procedure("HC", code), charge, paid, service_date=D(day), adjustments=adjustments
    )


def claim(
    number: str, payer_number: str, days: list[str], code: str = "97110", **kw: bool
) -> ClaimPayment:
    status = "4" if kw.get("denied") else "1"
    lines = tuple(line(day, code, denied=kw.get("denied", False)) for day in days)
    charge = sum((x.charge for x in lines), Decimal(0))
    paid = sum((x.paid for x in lines), Decimal(0))
    return ClaimPayment(number, status, charge, paid, None, "12", payer_number, lines=lines)


def reversal(original: ClaimPayment) -> ClaimPayment:
    lines = tuple(line(str(x.service_date), x.procedure.code, sign=-1) for x in original.lines)
    return original._replace(status="22", charge=-original.charge, paid=-original.paid, lines=lines)


def paid_visits(days: list[str], first: int = 1) -> list[ClaimPayment]:
    return [claim(f"C{first + i}", f"PC{first + i}", [day]) for i, day in enumerate(days)]


def weekdays(start: str, count: int) -> list[str]:
    out, day = [], D(start)
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day.isoformat())
        day = date.fromordinal(day.toordinal() + 1)
    return out


def test_evaluation_counted() -> None:
    history = [claim("C0", "PC0", ["2026-05-05"], "97161")]
    history += paid_visits(weekdays("2026-05-07", 19))
    history.append(claim("C99", "PC99", ["2026-07-14"], denied=True))
    rec = reconcile([], history, cap(), YEAR_2026)
    assert rec.verdict == "miscount" and rec.denial_date == D("2026-07-14")
    assert (rec.should_count, rec.payer_count, rec.rebuilt_count) == (19, 20, 20)
    (diff,) = rec.differences
    assert (diff.kind, diff.service_date, diff.codes) == (
        "excluded_code",
        D("2026-05-05"),
        ("97161",),
    )
    assert diff.payer_claim_ids == ("PC0",) and "2026-05-05" in diff.explanation
    assert rec.denied_payer_claim_id == "PC99"


def test_corrected_claim_counted_twice() -> None:
    history = paid_visits(weekdays("2026-06-01", 11))
    original = history[4]
    corrected = claim(original.patient_control_number, "PC-NEW", [str(original.service_date)])
    history += [reversal(original), corrected, claim("C99", "PC99", ["2026-08-18"], denied=True)]
    rec = reconcile([], history, cap(12), YEAR_2026)
    assert rec.verdict == "miscount" and rec.should_count == 11
    (diff,) = rec.differences
    assert diff.kind == "counted_twice" and diff.service_date == original.service_date
    assert diff.payer_claim_ids == (original.payer_claim_id, "PC-NEW")


def test_previous_plan_year_counted() -> None:
    benefit = cap(20, "plan_year")
    period = period_containing(benefit.period, D("2026-09-17"), MonthDay(7, 1))
    assert period == Period(D("2026-07-01"), D("2027-07-01"))
    last_year = weekdays("2026-03-02", 8)  # plan year 2025-07-01 .. 2026-06-30
    this_year = weekdays("2026-07-01", 12)
    history = paid_visits(last_year) + paid_visits(this_year, first=20)
    history.append(claim("C99", "PC99", ["2026-09-17"], denied=True))
    rec = reconcile([], history, benefit, period)
    assert rec.verdict == "miscount" and rec.should_count == 12
    assert [d.kind for d in rec.differences] == ["other_period"] * 8
    assert [d.service_date for d in rec.differences] == [D(x) for x in last_year]
    assert "2026-07-01" in rec.differences[0].explanation
    assert "calendar year" in rec.differences[0].explanation


def test_the_same_date_counted_twice() -> None:
    history = paid_visits(weekdays("2026-02-02", 19))
    history.append(claim("C-DUP", "PC-DUP", [history[3].lines[0].service_date.isoformat()]))
    history.append(claim("C99", "PC99", ["2026-04-01"], denied=True))
    rec = reconcile([], history, cap(), YEAR_2026)
    (diff,) = rec.differences
    assert diff.kind == "same_date_twice" and diff.payer_claim_ids == ("PC4", "PC-DUP")
    assert rec.verdict == "miscount"


def test_used_elsewhere_makes_the_count_right() -> None:
    history = paid_visits(weekdays("2026-06-01", 14))
    history.append(claim("C99", "PC99", ["2026-07-01"], denied=True))
    rec = reconcile([], history, cap(elsewhere="6"), YEAR_2026)
    assert rec.verdict == "count_right" and rec.should_count == 20 and rec.differences == ()


def test_a_gap_nothing_explains_asks_the_payer() -> None:
    history = paid_visits(weekdays("2026-06-01", 15))
    history.append(claim("C99", "PC99", ["2026-07-01"], denied=True))
    rec = reconcile([], history, cap(), YEAR_2026)
    assert rec.verdict == "miscount_unexplained"
    assert "ask the payer" in rec.explanation[-1]


def test_no_denial() -> None:
    rec = reconcile([], paid_visits(weekdays("2026-06-01", 3)), cap(), YEAR_2026)
    assert rec.verdict == "no_denial" and rec.denial_date is None and rec.should_count == 3


# -- the example practice: the planted miscounts in its 835s -------------------------------------


@pytest.fixture(scope="module")
def brightpath() -> Example:
    practice, _ = read_practice(BRIGHTPATH)
    assert practice is not None
    remittances = [
        rem
        for path in sorted((BRIGHTPATH / "remittances").glob("*.835"))
        for rem in read_835_file(path).remittances
    ]
    return practice, remittances


def _example(brightpath: Example, patient: str, on: str) -> Reconciliation:
    practice, remittances = brightpath
    (benefit,) = [b for b in practice.benefits if b.patient_id == patient]
    visits = [v for v in practice.visits if v.patient_id == patient]
    claims = claims_for_patient(practice, patient, remittances)
    return reconcile(visits, claims, benefit, benefit_period(practice, benefit, D(on)))


def test_example_delgado_evaluation_counted(brightpath: Example) -> None:
    rec = _example(brightpath, "P1002", "2026-07-14")
    assert rec.verdict == "miscount" and rec.denied_claim_id == "BP26049"
    (diff,) = rec.differences
    assert (diff.kind, diff.service_date, diff.claim_ids) == (
        "excluded_code", D("2026-05-05"), ("BP26022",)
    )  # fmt: skip


def test_example_raman_corrected_claim_counted_twice(brightpath: Example) -> None:
    rec = _example(brightpath, "P1003", "2026-08-18")
    assert rec.verdict == "miscount" and rec.denied_claim_id == "BP26059"
    (diff,) = rec.differences
    assert diff.kind == "counted_twice" and diff.service_date == D("2026-06-16")
    assert diff.payer_claim_ids == ("SHP26071000121", "SHP26082100128")


def test_example_halvorsen_count_is_right(brightpath: Example) -> None:
    rec = _example(brightpath, "P1005", "2026-07-07")
    assert rec.verdict == "count_right" and rec.used_elsewhere == 10
