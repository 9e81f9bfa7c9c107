"""Where a patient stands, and whether a planned visit fits: benefit cap and authorisation apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accumulator_helpers import PracticeMaker, visit_rows
from recoup.accumulators import (
    Period,
    benefit_status,
    check_visit,
    load_eligibility,
)
from recoup.practice import Practice, read_practice

D = date.fromisoformat
ROOT = Path(__file__).parents[2]
BRIGHTPATH = ROOT / "examples" / "brightpath-pt"
PT_CAP = (
    "P1,73120,pt_ot,20,visits,{period},97110 97112 97140 97530,97161 97162 97163,"
    "{elsewhere},{as_of}\n"
)


def pt_cap(period: str = "calendar_year", elsewhere: str = "0", as_of: str = "") -> str:
    return PT_CAP.format(period=period, elsewhere=elsewhere, as_of=as_of)


@pytest.fixture(scope="module")
def brightpath() -> Practice:
    practice, findings = read_practice(BRIGHTPATH)
    assert practice is not None, findings
    return practice


# -- the seed example: Rachel Lindqvist (P1001), 20 visits a calendar year ------------------------


def test_after_visit_17_three_remain_with_the_75_percent_warning(brightpath: Practice) -> None:
    (status,) = benefit_status(brightpath, "P1001", D("2026-03-05"))  # visit 17
    assert (status.limit, status.used_ours, status.used, status.remaining) == (20, 17, 17, 3)
    assert status.status == "warning"
    assert status.period == Period(D("2026-01-01"), D("2027-01-01"))
    assert status.reset_date == D("2027-01-01")
    (before,) = benefit_status(brightpath, "P1001", D("2026-02-19"))  # visit 14: 70 %
    assert before.status == "ok" and before.remaining == 6


def test_before_visit_21_the_cap_is_exhausted(brightpath: Practice) -> None:
    check = check_visit(brightpath, "P1001", D("2026-04-02"), "97110", Decimal(2))
    assert check.exceeds
    (cap,) = check.checks
    assert (cap.limit_kind, cap.used, cap.adds, cap.over) == ("benefit", 20, 1, 1)
    assert "exhausted" in cap.message
    # no waiver and no secondary on file: get a waiver; nothing about a secondary
    assert any("waiver" in a for a in check.advice)
    assert not any("secondary" in a for a in check.advice)
    (status,) = benefit_status(brightpath, "P1001", D("2026-04-01"))
    assert status.remaining == 0 and status.status == "exhausted"


def test_visit_20_still_fits(brightpath: Practice) -> None:
    check = check_visit(brightpath, "P1001", D("2026-03-26"), "97140")
    assert not check.exceeds and check.checks[0].used == 19


def test_a_secondary_or_a_waiver_changes_the_advice(brightpath: Practice) -> None:
    grace = check_visit(brightpath, "P1005", D("2026-07-07"), "97110", Decimal(2))
    assert grace.exceeds and grace.checks[0].used == 20  # 10 here + 10 used elsewhere
    assert any("Aspen Mutual" in a and "secondary" in a for a in grace.advice)
    owen = check_visit(brightpath, "P1006", D("2026-08-19"), "97110", Decimal(2))
    assert owen.exceeds and any("waiver is on file" in a for a in owen.advice)


def test_the_payers_271_figures_sit_next_to_ours(brightpath: Practice) -> None:
    responses, findings = load_eligibility(BRIGHTPATH)
    assert not findings
    (status,) = benefit_status(brightpath, "P1001", D("2026-03-23"), eligibility=responses)
    assert status.used_ours == 19  # the clinic's own log
    payer = {(f.kind, f.quantity) for f in status.payer_view}
    assert ("limit", 20) in payer and ("remaining", 3) in payer  # the payer lags
    (earlier,) = benefit_status(brightpath, "P1001", D("2026-03-05"), eligibility=responses)
    assert earlier.payer_view == ()  # the 271 was not asked yet


def test_medicare_dollars_threshold_advises_kx(brightpath: Practice) -> None:
    check = check_visit(brightpath, "P1007", D("2026-09-01"), "97110", Decimal(2))
    assert check.exceeds and check.checks[0].unit == "dollars"
    assert any("KX" in a for a in check.advice)


# -- inline practices ----------------------------------------------------------------------------


def test_used_elsewhere_adds_to_used(make_practice: PracticeMaker) -> None:
    dates = [f"2026-06-{d:02d}" for d in range(1, 15)]  # 14 visits here
    practice = make_practice(
        benefits=pt_cap(elsewhere="6", as_of="2026-06-01"), visits=visit_rows("P1", dates)
    )
    (status,) = benefit_status(practice, "P1", D("2026-06-30"))
    assert (status.used_ours, status.used_elsewhere, status.used) == (14, 6, 20)
    assert status.status == "exhausted" and status.remaining == 0
    # a used_elsewhere figure from last year's period is not this year's
    practice = make_practice(
        benefits=pt_cap(elsewhere="6", as_of="2025-12-01"), visits=visit_rows("P1", dates)
    )
    (status,) = benefit_status(practice, "P1", D("2026-06-30"))
    assert status.used_elsewhere == 0 and status.used == 14


def test_evaluations_do_not_count_toward_a_treatment_cap(make_practice: PracticeMaker) -> None:
    visits = visit_rows("P1", ["2026-05-05"], "97161:1") + visit_rows(
        "P1", ["2026-05-07", "2026-05-12"]
    ).replace(",C001,", ",C101,").replace(",C002,", ",C102,")
    practice = make_practice(benefits=pt_cap(), visits=visits)
    (status,) = benefit_status(practice, "P1", D("2026-05-31"))
    assert status.used_ours == 2
    check = check_visit(practice, "P1", D("2026-06-01"), "97162")
    assert check.checks == ()  # an evaluation is not under the cap


def test_plan_year_from_the_coverage_anniversary(make_practice: PracticeMaker) -> None:
    practice = make_practice(
        coverages="P1,73120,Summit Health Plan,commercial,1,M1,G1,PPO,07-01,2020-01-01,\n",
        benefits=pt_cap("plan_year"),
        visits=visit_rows("P1", ["2026-06-29", "2026-06-30", "2026-07-01"]),
    )
    (june,) = benefit_status(practice, "P1", D("2026-06-30"))
    assert june.period == Period(D("2025-07-01"), D("2026-07-01")) and june.used_ours == 2
    (july,) = benefit_status(practice, "P1", D("2026-07-01"))
    assert july.used_ours == 1 and july.reset_date == D("2027-07-01")


def test_episode_starts_at_the_latest_evaluation(make_practice: PracticeMaker) -> None:
    visits = visit_rows("P1", ["2026-01-05", "2026-01-07"]) + visit_rows(
        "P1", ["2026-03-02"], "97161:1"
    ).replace(",C001,", ",C201,")
    visits += visit_rows("P1", ["2026-03-04"]).replace(",C001,", ",C202,")
    cap = "P1,73120,pt_ot,10,visits,episode,,97161,0,\n"
    practice = make_practice(benefits=cap, visits=visits)
    (status,) = benefit_status(practice, "P1", D("2026-03-10"))
    assert status.period.start == D("2026-03-02") and status.used_ours == 1
    (early,) = benefit_status(practice, "P1", D("2026-02-01"))
    assert early.period.start == D("2026-01-05") and early.used_ours == 2


ABA_CAP = "P1,73120,aba,25,hours,week,97153,,0,\n"
ABA_AUTH = "P1,73120,A-1,97153,120,units,week,2026-01-05,2026-06-30\n"
WEEK = ["2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11"]


def test_a_visit_can_fit_the_authorization_and_pass_the_cap(make_practice: PracticeMaker) -> None:
    practice = make_practice(
        benefits=ABA_CAP, authorizations=ABA_AUTH, visits=visit_rows("P1", WEEK, "97153:24")
    )
    check = check_visit(practice, "P1", D("2026-06-12"), "97153", Decimal(16))
    by_kind = {c.limit_kind: c for c in check.checks}
    assert by_kind["benefit"].over == 3  # 24 h + 4 h against 25 h
    assert by_kind["authorization"].over == 0  # 96 + 16 units against 120
    assert [c.limit_kind for c in check.exceeded] == ["benefit"]
    assert not any("authorization" in a for a in check.advice)


def test_a_visit_can_fit_the_cap_and_pass_the_authorization(make_practice: PracticeMaker) -> None:
    cap = "P1,73120,aba,40,hours,week,97153,,0,\n"
    auth = "P1,73120,A-2,97153,80,units,week,2026-01-05,2026-06-30\n"
    practice = make_practice(
        benefits=cap, authorizations=auth, visits=visit_rows("P1", WEEK[:3], "97153:24")
    )
    check = check_visit(practice, "P1", D("2026-06-11"), "97153", Decimal(16))
    (over,) = check.exceeded
    assert (over.limit_kind, over.name, over.used, over.over) == ("authorization", "A-2", 72, 8)
    assert any("extension" in a and "A-2" in a for a in check.advice)
    (status,) = benefit_status(practice, "P1", D("2026-06-10"))
    (auth_status,) = status.authorizations
    assert auth_status.remaining == 8 and auth_status.window.start == D("2026-06-08")


def test_no_authorization_in_force(make_practice: PracticeMaker) -> None:
    practice = make_practice(authorizations=ABA_AUTH)
    check = check_visit(practice, "P1", D("2026-07-06"), "97153", Decimal(8))
    (over,) = check.exceeded
    assert over.limit_kind == "authorization" and "no authorization covers" in over.message
    assert any("new authorization" in a for a in check.advice)


def test_total_and_month_authorizations(make_practice: PracticeMaker) -> None:
    auths = (
        "P1,73120,T-1,97110 97140,3,visits,total,2026-07-21,2026-10-31\n"
        "P1,73120,M-1,97156,8,units,month,2026-01-15,2026-07-14\n"
    )
    visits = visit_rows("P1", ["2026-07-22", "2026-07-29", "2026-08-05"])
    visits += visit_rows("P1", ["2026-07-01"], "97156:6").replace(",C001,", ",C301,")
    practice = make_practice(authorizations=auths, visits=visits)
    total = check_visit(practice, "P1", D("2026-08-12"), "97110", Decimal(2))
    assert total.exceeded[0].name == "T-1" and total.exceeded[0].over == 1
    month = check_visit(practice, "P1", D("2026-07-08"), "97156", Decimal(2))
    assert not month.exceeds  # 6 + 2 = 8 of 8 in July (the window is cut at the auth's end)
    assert month.checks[0].window == Period(D("2026-07-01"), D("2026-07-15"))


def test_rolling_window_frees_its_oldest_visit_first(make_practice: PracticeMaker) -> None:
    practice = make_practice(
        benefits="P1,73120,chiro,3,visits,rolling_months:12,,,0,\n",
        visits=visit_rows("P1", ["2025-02-10", "2025-09-01", "2026-01-15"]),
    )
    (status,) = benefit_status(practice, "P1", D("2026-02-09"))
    assert status.used_ours == 3 and status.status == "exhausted"
    assert status.reset_date == D("2026-02-10")  # the 2025-02-10 visit leaves the window
    (later,) = benefit_status(practice, "P1", D("2026-02-10"))
    assert later.used_ours == 2 and later.remaining == 1


def test_weekly_hours_across_a_year_end(make_practice: PracticeMaker) -> None:
    practice = make_practice(
        benefits="P1,73120,aba,10,hours,week,97153,,0,\n",
        visits=visit_rows("P1", ["2025-12-29", "2025-12-31", "2026-01-02"], "97153:12"),
    )
    (status,) = benefit_status(practice, "P1", D("2026-01-04"))
    assert status.period == Period(D("2025-12-29"), D("2026-01-05"))
    assert status.used_ours == 9 and status.status == "warning"


def test_lifetime_never_resets(make_practice: PracticeMaker) -> None:
    practice = make_practice(
        benefits="P1,73120,aba,2,visits,lifetime,,,0,\n",
        visits=visit_rows("P1", ["2019-05-01", "2026-05-01"]),
    )
    (status,) = benefit_status(practice, "P1", D("2026-06-01"))
    assert status.used_ours == 2 and status.reset_date is None and status.status == "exhausted"
