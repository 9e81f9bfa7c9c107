"""Underpayments (rule U001) against the practice's fee schedule: what raises an item and what
does not. The practice is a copy of examples/brightpath-pt, whose fee_schedules/73120.csv gives
Summit Health Plan's rates for 2026 (97110-GP $31.50, 97140-GP $30.20 a unit)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recoup.practice import Practice, read_practice
from recoup.triage import WorkItem, triage
from recoup.x12 import read_835
from x12_samples import interchange, transaction

ROOT = Path(__file__).resolve().parents[2]
BRIGHTPATH = ROOT / "examples" / "brightpath-pt"
TODAY = date(2026, 7, 1)

HEADER = [
    "BPR*I*{paid}*C*ACH*CCP*01*011000015*DA*123456789*1234567890**01*021000021*DA*987654321"
    "*20260615",
    "TRN*1*EFT0615001*1234567890",
    "DTM*405*20260614",
    "N1*PR*SUMMIT HEALTH PLAN",
    "N3*PO BOX 4410",
    "N4*DENVER*CO*80201",
    "REF*2U*73120",
    "N1*PE*BRIGHTPATH PHYSICAL THERAPY*XX*1548213069",
    "N3*412 ASPEN RIDGE ROAD",
    "N4*LOVELAND*CO*80538",
]


def _claim(number: str, lines: list[tuple[str, str, int, str, str, str | None]]) -> list[str]:
    """One claim of paid lines: (code, charge, units, CO-45 write-down, PR-3 copay, AMT*B6)."""
    charge = sum(Decimal(c) for _code, c, _u, _co, _pr, _b6 in lines)
    paid = sum(Decimal(c) - Decimal(co) - Decimal(pr) for _code, c, _u, co, pr, _b6 in lines)
    share = sum(Decimal(pr) for *_rest, pr, _b6 in lines)
    out = [
        "LX*1",
        f"CLP*{number}*1*{charge}*{paid}*{share}*12*SHP{number}*11*1",
        "NM1*QC*1*LINDQVIST*RACHEL****MI*SHP7781204",
        "DTM*232*20260610",
    ]
    for code, each, units, co, pr, b6 in lines:
        line_paid = Decimal(each) - Decimal(co) - Decimal(pr)
        out += [f"SVC*HC:{code}:GP*{each}*{line_paid}**{units}", "DTM*472*20260610"]
        out.append(f"CAS*CO*45*{co}")
        if Decimal(pr):
            out.append(f"CAS*PR*3*{pr}")
        if b6 is not None:
            out.append(f"AMT*B6*{b6}")
    return out


def _paid(*claims: list[str]) -> str:
    total = Decimal(0)
    for claim in claims:
        clp = next(s for s in claim if s.startswith("CLP*"))
        total += Decimal(clp.split("*")[4])
    return str(total)


def _practice(tmp_path: Path, tolerance: str | None = None) -> Practice:
    folder = tmp_path / "brightpath-pt"
    if not folder.exists():
        shutil.copytree(BRIGHTPATH, folder)
    toml = (BRIGHTPATH / "practice.toml").read_text(encoding="utf-8")
    if tolerance is not None:
        toml = toml.replace(
            "[payers.73120]\n", f'[payers.73120]\nunderpayment_tolerance = "{tolerance}"\n'
        )
    (folder / "practice.toml").write_text(toml, encoding="utf-8")
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    return practice


def _items(practice: Practice, *claims: list[str]) -> list[WorkItem]:
    body = [*HEADER, *[s for claim in claims for s in claim]]
    data = interchange(transaction(body, paid=_paid(*claims)))
    parsed = read_835(data)
    assert not [f for f in parsed.findings if f.severity.value == "error"], parsed.findings
    return [i for i in triage([parsed], practice, TODAY).items if i.lane == "underpayment"]


# 97140-GP, 1 unit, $65.00 charged: the contract is $30.20. A CO-45 of $35.00 leaves $30.00
# allowed: $0.20 short.
SHORT = _claim("BP27001", [("97140", "65.00", 1, "35.00", "0.00", "30.00")])
# 97110-GP, 2 units, $120.00: contract 2 x $31.50 = $63.00; CO-45 $57.00 leaves $63.00 allowed
AT_CONTRACT = _claim("BP27002", [("97110", "120.00", 2, "57.00", "20.00", "63.00")])
# 97140-GP: the payer states $30.20 allowed (AMT*B6, the contract) but writes $37.00 off, which
# leaves $28.00 of the $65.00: the CO-45 is $2.20 larger than the contract allows
WRITE_DOWN = _claim("BP27003", [("97140", "65.00", 1, "37.00", "0.00", "30.20")])


def test_a_line_paid_at_contract_raises_nothing(tmp_path: Path) -> None:
    assert _items(_practice(tmp_path), AT_CONTRACT) == []


def test_a_line_below_contract_is_an_underpayment_item(tmp_path: Path) -> None:
    (item,) = _items(_practice(tmp_path), SHORT, AT_CONTRACT)
    assert (item.patient_account, item.code, item.denied_amount) == (
        "BP27001",
        "97140",
        Decimal("0.20"),
    )
    assert item.rule == "U001" and item.category == "underpayment"
    assert "$30.00" in item.reasons[0] and "$30.20" in item.reasons[0]
    places = {(e.place.kind, e.place.file, e.place.number) for e in item.evidence}
    assert ("row", "fee_schedules/73120.csv", 4) in places  # 97140,GP,30.20: row 4
    assert item.deadline.date is not None  # the payer's appeal window (180 days)


@pytest.mark.parametrize(
    ("tolerance", "raised"),
    [("0.19", True), ("0.20", False), ("0.50", False), (None, True)],
    ids=["just-over", "at-the-tolerance", "within", "default-0.01"],
)
def test_the_tolerance_is_honoured(tmp_path: Path, tolerance: str | None, raised: bool) -> None:
    items = _items(_practice(tmp_path, tolerance), SHORT)
    assert [i.denied_amount for i in items] == ([Decimal("0.20")] if raised else [])


def test_a_co45_larger_than_the_contract_allows_is_flagged(tmp_path: Path) -> None:
    (item,) = _items(_practice(tmp_path), WRITE_DOWN)
    assert item.denied_amount == Decimal("2.20")
    assert "more than the contract allows was written off" in item.reasons[0]
    assert "CO-45 $37.00" in item.reasons[0]
    assert any(e.place.segment_id == "CAS" for e in item.evidence)


def test_no_rate_on_file_raises_nothing(tmp_path: Path) -> None:
    # 97530 is in the fee schedule; 97035 (ultrasound) is not: recoup never guesses a rate
    odd = _claim("BP27004", [("97035", "40.00", 1, "30.00", "0.00", "10.00")])
    assert _items(_practice(tmp_path), odd) == []
    # a date of service outside the rates' validity (2026-01-01 to 2026-12-31) neither
    later = [s.replace("20260610", "20270110") for s in SHORT]
    assert _items(_practice(tmp_path), later) == []
