"""PLB takebacks: the reference rules, the check balance and the review_takeback work items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import takeback_samples as tb
from recoup.takebacks import reconcile
from recoup.triage import triage
from recoup.triage.takebacks import link_takebacks
from recoup.x12 import read_835
from remit_samples import original_file

TODAY = date(2026, 8, 20)


def _read(*files: bytes) -> list:  # type: ignore[type-arg]
    return [read_835(data, file=f"f{i}.835") for i, data in enumerate(files, start=1)]


def _remits(*files: bytes) -> list:  # type: ignore[type-arg]
    return [rem for result in _read(*files) for rem in result.remittances]


def test_wo_naming_the_payer_claim_number_links_to_the_earlier_payment() -> None:
    (link,) = link_takebacks(_remits(original_file(), tb.linked_wo()))
    assert link.rule == "clp07"
    assert [c.patient_control_number for c in link.claims] == ["BP-1020"]
    assert link.paid_before == Decimal("98.40")
    assert link.paid_on == date(2026, 3, 4)
    assert link.explained
    worklist = triage(_read(original_file(), tb.linked_wo()), None, TODAY)
    assert not [i for i in worklist.items if i.lane == "review_takeback"]


def test_claim_number_followed_by_the_member_id_links_by_prefix() -> None:
    (link,) = link_takebacks(_remits(original_file(), tb.medicare_style_wo()))
    assert link.rule == "clp07_prefix"
    assert link.claims[0].payer_claim_id == "SHP2026030400020"
    assert link.explained


def test_fb_naming_an_earlier_check_is_linked_to_the_check_and_reviewed() -> None:
    (link,) = link_takebacks(_remits(original_file(), tb.fb_earlier_check()))
    assert link.rule == "trace"
    assert not link.claims and not link.explained
    items = [i for i in triage(_read(original_file(), tb.fb_earlier_check()), None, TODAY).items]
    (item,) = [i for i in items if i.lane == "review_takeback"]
    assert "trace number of an earlier check" in item.reasons[1]


def test_l6_interest_is_no_takeback_and_the_check_balances() -> None:
    assert link_takebacks(_remits(tb.l6_interest())) == []
    (rem,) = _remits(tb.l6_interest())
    check = reconcile(rem)
    assert (check.claims_paid, check.provider_adjustments) == (Decimal("98.40"), Decimal("-2.15"))
    assert check.status == "match"


def test_unmatched_wo_is_a_review_takeback_item_with_a_dispute_deadline() -> None:
    worklist = triage(_read(original_file(), tb.unmatched_wo()), None, TODAY)
    (item,) = [i for i in worklist.items if i.lane == "review_takeback"]
    assert item.denied_amount == Decimal("61.20")
    assert (item.group_code, item.reason_code) == ("PLB", "WO")
    assert item.denial_id == "EFT0814001-PLB1"
    assert item.deadline.date == date(2026, 9, 13)  # 30 days from the check of 2026-08-14
    assert "conservative default" in item.deadline.basis
    assert item.evidence[0].place.segment_id == "PLB"
    assert "OVP2026-55120" in item.evidence[0].fact
    assert item.to_dict()["lane"] == "review_takeback"


def test_a_takeback_of_a_claim_never_paid_is_reviewed() -> None:
    # the same WO without the earlier payment on file: CLP07 unknown, nothing explains it
    worklist = triage(_read(tb.linked_wo()), None, TODAY)
    (item,) = [i for i in worklist.items if i.lane == "review_takeback"]
    assert "names no claim" in item.reasons[1]


def test_a_check_that_does_not_add_up_is_named_with_the_difference() -> None:
    result = read_835(tb.bpr_mismatch(), file="m.835")
    (rem,) = result.remittances
    check = reconcile(rem)
    assert check.status == "mismatch"
    assert check.difference == Decimal("1.60")
    assert "differs by $1.60" in check.words()
    assert any(f.code == "x835.balance.transaction" for f in result.findings)


def test_a_missing_bpr02_is_missing_not_zero() -> None:
    data = tb.linked_wo().replace(b"BPR*I*0.00*", b"BPR*I**")
    (rem,) = read_835(data, file="x.835").remittances
    assert reconcile(rem).status == "missing"
    assert "missing" in reconcile(rem).words()
