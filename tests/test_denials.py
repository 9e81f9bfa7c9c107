"""Which adjustments are denials, and what a remittance adds up to."""

from __future__ import annotations

from decimal import Decimal

from recoup.denials import denied_items, patient_share_items, summarize
from recoup.x12 import read_835
from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, seed_file, transaction

REVERSAL = [
    "CLP*BP-1020*22*-185.00*-98.40*-25.00*12*SHP2026030400020*11*1",
    "SVC*HC:97110:GP*-120.00*-71.20**2",
    "CAS*CO*45*-28.80",
    "CAS*PR*3*-20.00",
    "SVC*HC:97140:GP*-65.00*-27.20**1",
    "CAS*CO*45*-32.80",
    "CAS*PR*3*-5.00",
]


def test_co_119_lines_are_denials_and_write_downs_are_not() -> None:
    paid, denied = read_835(seed_file()).remittances[0].claims
    assert list(denied_items(paid)) == []  # CO-45 and PR-3 only
    items = list(denied_items(denied))
    assert [(str(i.procedure), i.codes, i.amount) for i in items] == [
        ("97110:GP", "CO-119", Decimal("120.00")),
        ("97140:GP", "CO-119", Decimal("65.00")),
    ]
    assert items[0].remarks == ("N362",)


def test_reversals_are_counted_apart_and_never_as_denials() -> None:
    body = [*HEADER, "LX*1", *REVERSAL, *VISIT_21[1:]]
    remit = read_835(interchange(transaction(body, paid="-98.40"))).remittances[0]
    reversal = remit.claims[0]
    assert list(denied_items(reversal)) == []
    totals = summarize(remit.claims)
    assert totals.reversals == 1 and totals.reversed_paid == Decimal("-98.40")
    assert totals.billed == Decimal("185.00")  # the new claim only
    assert totals.paid == Decimal("-98.40")  # net cash, as BPR02 says
    assert totals.denied == Decimal("185.00")
    assert totals.patient_responsibility == Decimal("0")


def test_patient_share_is_summed_from_pr_adjustments() -> None:
    remit = read_835(interchange(transaction([*HEADER, "LX*1", *PAID_VISIT]))).remittances[0]
    assert summarize(remit.claims).patient_responsibility == Decimal("25.00")


def test_patient_share_items_are_pr_1_2_3_and_never_write_downs() -> None:
    paid, denied = read_835(seed_file()).remittances[0].claims
    items = list(patient_share_items(paid))
    assert [(str(i.procedure), i.codes, i.amount) for i in items] == [
        ("97110:GP", "PR-3", Decimal("20.00")),
        ("97140:GP", "PR-3", Decimal("5.00")),
    ]
    assert list(patient_share_items(denied)) == []  # CO-119 is a denial, not a cost share


def test_patient_share_skips_reversals_and_net_zero_lines() -> None:
    body = [*HEADER, "LX*1", *REVERSAL]
    (reversal,) = read_835(interchange(transaction(body, paid="-98.40"))).remittances[0].claims
    assert list(patient_share_items(reversal)) == []
    netted = [s.replace("CAS*PR*3*5.00", "CAS*PR*3*5.00**2*-5.00") for s in PAID_VISIT]
    remit = read_835(interchange(transaction([*HEADER, "LX*1", *netted]))).remittances[0]
    assert [str(i.procedure) for i in patient_share_items(remit.claims[0])] == ["97110:GP"]
