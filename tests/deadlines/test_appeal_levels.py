"""The appeal levels after a lost appeal, and their deadlines from the deadline data."""

from __future__ import annotations

from datetime import date

from recoup.appeal_levels import chain, level_deadline, next_level
from recoup.deadlines import appeal_windows


def test_medicare_goes_to_the_qic_then_an_alj_counted_from_presumed_receipt() -> None:
    qic = next_level("medicare", 1)
    assert qic is not None and (qic.number, qic.step) == (2, "reconsideration")
    due = level_deadline("medicare", qic, date(2026, 10, 1))
    # 180 days from receipt, presumed 5 days after the redetermination's date (42 CFR 405.962)
    assert due.date == date(2026, 10, 6) + (date(2027, 4, 4) - date(2026, 10, 6))
    assert due.date == date(2027, 4, 4)
    assert "the level-1 decision dated 2026-10-01 (2026-10-06)" in due.basis
    assert "42 CFR 405.962" in due.basis and "remittance" not in due.basis
    alj = next_level("medicare", 2)
    assert alj is not None and alj.step == "alj_hearing"
    hearing = level_deadline("medicare", alj, date(2027, 5, 3))
    assert hearing.date == date(2027, 7, 7)  # 60 days from 2027-05-08
    assert "42 CFR 405.1002" in hearing.basis
    assert next_level("medicare", 3) is None


def test_plans_go_to_a_second_internal_appeal_then_external_review() -> None:
    for kind in ("commercial", "erisa"):
        second = next_level(kind, 1)
        assert second is not None and second.step == "second_appeal"
        assert level_deadline(kind, second, date(2027, 1, 8)).date == date(2027, 7, 7)
        external = next_level(kind, 2)
        assert external is not None and external.step == "external_review"
        review = level_deadline(kind, external, date(2027, 3, 15))
        assert review.date == date(2027, 7, 15)  # 4 months (45 CFR 147.136(d))
        assert "45 CFR 147.136(d)" in review.basis


def test_other_payer_types_have_one_level_and_every_level_has_a_window() -> None:
    for kind in ("medicaid", "tricare", "workers_comp", None, "nonsense"):
        assert len(chain(kind)) == 1 and next_level(kind, 1) is None
    steps = {(w.payer_type, w.step) for w in appeal_windows().windows}
    for kind in ("medicare", "commercial", "erisa"):
        for level in chain(kind)[1:]:
            assert (kind, level.step) in steps, (kind, level.step)
