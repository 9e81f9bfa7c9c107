"""Outcomes that hold, on SQLite and PostgreSQL: a later remittance that pays a denied line
records the outcome itself and keeps the line in the figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recoup import pipeline
from recoup.store import DenialQuery, Store
from remit_samples import header, original_file
from store_helpers import BRIGHTPATH
from x12_samples import interchange, transaction

TODAY = date(2026, 11, 23)

# The payer reprocesses BP-1021 (denied CO-119 on both lines in original_file(), 2026-03-04)
# under a new claim number naming the denied one in REF*F8, and pays both lines.
PAID_21 = [
    "LX*1",
    "CLP*BP-1021*1*185.00*98.40*25.00*12*SHP2026041000050*11*7",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "REF*F8*SHP2026030400021",
    "SVC*HC:97110:GP*120.00*71.20**2",
    "DTM*472*20260224",
    "CAS*CO*45*28.80",
    "CAS*PR*3*20.00",
    "SVC*HC:97140:GP*65.00*27.20**1",
    "DTM*472*20260224",
    "CAS*CO*45*32.80",
    "CAS*PR*3*5.00",
]

# ... or pays one unit of 97110 and still denies the other (CO-119 60.00), and 97140 not at all.
PARTLY_21 = [
    "LX*1",
    "CLP*BP-1021*1*185.00*35.60*10.00*12*SHP2026041000051*11*7",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "REF*F8*SHP2026030400021",
    "SVC*HC:97110:GP*120.00*35.60**2",
    "DTM*472*20260224",
    "CAS*CO*45*14.40",
    "CAS*CO*119*60.00",
    "CAS*PR*3*10.00",
    "SVC*HC:97140:GP*65.00*0.00**1",
    "DTM*472*20260224",
    "CAS*CO*119*65.00",
]


def _later(tmp_path: Path, body: list[str], paid: str, trace: str, method: str = "ACH") -> Path:
    lines = header(paid=paid, when="20260410", trace=trace)
    if method == "CHK":
        lines[0] = lines[0].replace("*ACH*CCP*", "*CHK*CCP*")
    path = tmp_path / f"{trace}.835"
    path.write_bytes(interchange(transaction(lines + body), control="000000501"))
    return path


def _first(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.835"
    path.write_bytes(original_file())
    pipeline.import_paths(store, [path], today=TODAY)


def test_a_later_remittance_paying_the_line_records_it_won(store: Store, tmp_path: Path) -> None:
    _first(store, tmp_path)
    before = store.kpis(TODAY)
    assert before.denied_amount == Decimal("185.00") and before.recovered == Decimal("0")
    imported = pipeline.import_paths(
        store, [_later(tmp_path, PAID_21, "98.40", "EFT0410001")], today=TODAY
    )
    assert imported.refresh is not None and imported.refresh.closed_elsewhere == 2
    assert store.denials(DenialQuery(today=TODAY)).total == 0
    closed = store.denials(DenialQuery(status="closed", sort="amount", today=TODAY)).rows
    assert [(r.code, r.outcome, r.outcome_amount, r.outcome_date) for r in closed] == [
        ("97140", "won", Decimal("27.20"), date(2026, 4, 10)),
        ("97110", "won", Decimal("71.20"), date(2026, 4, 10)),
    ]
    assert {r.closed_by for r in closed} == {"remittance"}
    source = closed[1].outcome_source
    assert source is not None
    assert (source["file"], source["trace_number"], source["payer_claim_id"]) == (
        "EFT0410001.835",
        "EFT0410001",
        "SHP2026041000050",
    )
    after = store.kpis(TODAY)
    # the lines stay in the denial-rate history, and what the payer paid counts as recovered
    assert after.denied_amount == before.denied_amount == Decimal("185.00")
    assert after.denied_lines == before.denied_lines == 2
    march = next(m for m in after.by_month if m.key == "2026-03")
    assert (march.denied_lines, march.denied_amount) == (2, Decimal("185.00"))
    assert after.recovered == Decimal("98.40")
    assert after.appeals_won == 2
    steps = store.events(closed[1].id)
    assert [(e.kind, e.outcome, e.amount, e.reference) for e in steps] == [
        ("paid", "won", Decimal("71.20"), "EFT0410001")
    ]


def test_a_partial_payment_is_partly_won_and_an_unpaid_line_has_no_outcome(
    store: Store, tmp_path: Path
) -> None:
    _first(store, tmp_path)
    pipeline.import_paths(
        store, [_later(tmp_path, PARTLY_21, "35.60", "10443", method="CHK")], today=TODAY
    )
    closed = {r.code: r for r in store.denials(DenialQuery(status="closed", today=TODAY)).rows}
    assert (closed["97110"].outcome, closed["97110"].outcome_amount) == (
        "partly_won",
        Decimal("35.60"),
    )
    assert closed["97110"].outcome_source is not None
    assert closed["97110"].outcome_source["payment_method"] == "CHK"
    assert closed["97140"].outcome is None  # denied again on the new claim: its own row
    still = store.denials(DenialQuery(today=TODAY)).rows
    assert sorted((r.code, r.denied_amount, r.payer_claim_id) for r in still) == [
        ("97110", Decimal("60.00"), "SHP2026041000051"),
        ("97140", Decimal("65.00"), "SHP2026041000051"),
    ]
    kpis = store.kpis(TODAY)
    assert kpis.recovered == Decimal("35.60")


def test_importing_the_payment_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    _first(store, tmp_path)
    later = _later(tmp_path, PAID_21, "98.40", "EFT0410001")
    pipeline.import_paths(store, [later], today=TODAY)
    rows = store.denials(DenialQuery(status="closed", today=TODAY)).rows
    again = pipeline.import_paths(store, [later], today=TODAY)
    assert store.denials(DenialQuery(status="closed", today=TODAY)).rows == rows
    assert again.refresh is None or again.refresh.closed_elsewhere == 0
    assert [len(store.events(r.id)) for r in rows] == [1, 1]


@pytest.fixture
def brightpath(store: Store) -> Store:
    remittances = sorted((BRIGHTPATH / "remittances").glob("*.835"))
    assert pipeline.import_paths(store, [BRIGHTPATH, *remittances], today=TODAY).ok
    return store


def _brightpath_correction(tmp_path: Path) -> Path:
    """Summit reprocesses Jenna Morales's BP26065 (97530 x2 denied CO-97, $136.00, in the
    2026-10-02 file) after the corrected claim with modifier 59: a new claim number naming the
    denied one (REF*F8), 97530 paid $60.40 after the contract write-down."""
    text = (BRIGHTPATH / "remittances" / "2026-10-02_summit-health-plan.835").read_text()
    segments = [s.strip() for s in text.split("~") if s.strip()]
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    first_lx = next(i for i, s in enumerate(segments) if s.startswith("LX*"))
    head = segments[start + 1 : first_lx]
    head[0] = "*".join(head[0].split("*")[:2] + ["92.10"] + head[0].split("*")[3:-1]) + (
        "*20261106"
    )
    head[1] = "TRN*1*EFT2611060042*" + head[1].split("*")[3]
    body = [
        "LX*1",
        "CLP*BP26065*1*261.00*92.10*30.00*12*SHP26110600201*11*7",
        "NM1*QC*1*MORALES*JENNA****MI*SHP495533106",
        "REF*F8*SHP26100200114",
        "DTM*232*20260915",
        "SVC*HC:97110:GP*60.00*1.50**1",
        "DTM*472*20260915",
        "CAS*CO*45*28.50",
        "CAS*PR*3*30.00",
        "SVC*HC:97140:GP*65.00*30.20**1",
        "DTM*472*20260915",
        "CAS*CO*45*34.80",
        "SVC*HC:97530:GP:59*136.00*60.40**2",
        "DTM*472*20260915",
        "CAS*CO*45*75.60",
    ]
    path = tmp_path / "2026-11-06_summit-health-plan.835"
    path.write_bytes(interchange(transaction(head + body), control="000000777"))
    return path


def test_the_example_practice_keeps_the_paid_line_in_its_figures(
    brightpath: Store, tmp_path: Path
) -> None:
    before = brightpath.kpis(TODAY)
    row = next(
        r
        for r in brightpath.denials(DenialQuery(per_page=500, today=TODAY)).rows
        if r.denial_id == "BP26065-3@SHP26100200114"
    )
    assert (row.code, row.denied_amount) == ("97530", Decimal("136.00"))
    pipeline.import_paths(brightpath, [_brightpath_correction(tmp_path)], today=TODAY)
    paid = brightpath.denial(row.id, today=TODAY)
    assert paid is not None
    assert (paid.status, paid.outcome, paid.outcome_amount, paid.outcome_date) == (
        "closed",
        "won",
        Decimal("60.40"),
        date(2026, 11, 6),
    )
    assert paid.outcome_source is not None
    assert paid.outcome_source["trace_number"] == "EFT2611060042"
    after = brightpath.kpis(TODAY)
    assert after.denied_amount == before.denied_amount  # still in the denial-rate history
    october = next(m for m in after.by_month if m.key == "2026-10")
    assert (
        october.denied_amount
        == next(m for m in before.by_month if m.key == "2026-10").denied_amount
    )
    assert after.recovered == before.recovered + Decimal("60.40")


# The payer takes the payment of PAID_21 back (every amount negated, same CLP07).
REVERSED_PAID_21 = [
    "LX*1",
    "CLP*BP-1021*22*-185.00*-98.40*-25.00*12*SHP2026041000050*11*7",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*-120.00*-71.20**2",
    "DTM*472*20260224",
    "CAS*CO*45*-28.80",
    "CAS*PR*3*-20.00",
    "SVC*HC:97140:GP*-65.00*-27.20**1",
    "DTM*472*20260224",
    "CAS*CO*45*-32.80",
    "CAS*PR*3*-5.00",
]


def test_a_payment_taken_back_later_takes_the_outcome_back(store: Store, tmp_path: Path) -> None:
    _first(store, tmp_path)
    pipeline.import_paths(store, [_later(tmp_path, PAID_21, "98.40", "EFT0410001")], today=TODAY)
    assert store.kpis(TODAY).recovered == Decimal("98.40")
    lines = header(paid="0.00", when="20260501", trace="EFT0501001", handling="H")
    back = tmp_path / "back.835"
    body = [*lines, *REVERSED_PAID_21, "PLB*1487654321*20261231*FB:SHP2026041000050*-98.40"]
    back.write_bytes(interchange(transaction(body), control="000000601"))
    assert pipeline.import_paths(store, [back], today=TODAY).ok
    closed = store.denials(DenialQuery(status="closed", today=TODAY)).rows
    assert [(r.outcome, r.outcome_amount, r.outcome_source) for r in closed] == [
        (None, None, None)
    ] * 2
    assert store.kpis(TODAY).recovered == Decimal("0")
    assert [e.kind for e in store.events(closed[0].id)] == ["paid", "taken_back"]
