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


# -- a contract written as a percentage of another fee schedule ----------------------------------

# The practice keeps a reference schedule (say its Medicare locality's rates) as
# fee_schedules/medicare.csv; Summit's contract pays 110% of it for codes Summit's own file has
# no row for. 97035 is not in 73120.csv; 97140 is (its own $30.20 must win over 110% of $40.00).
REFERENCE = (
    "code,modifiers,allowed,valid_from,valid_to,note\n"
    "97035,,14.50,2026-01-01,2026-12-31,ultrasound\n"
    "97140,,40.00,2026-01-01,2026-12-31,manual therapy\n"
    "97113,CQ,20.00,2026-01-01,2026-12-31,aquatic therapy by an assistant\n"
    "97113,,30.00,2026-01-01,2026-12-31,aquatic therapy\n"
)
PERCENT = 'fee_schedule = "medicare"\nfee_percent = "110"\n'


def _percent_practice(
    tmp_path: Path, setting: str = PERCENT, reference: str = REFERENCE
) -> Practice:
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    if reference:
        (folder / "fee_schedules" / "medicare.csv").write_text(reference, encoding="utf-8")
    toml = folder / "practice.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[payers.73120]\n", f"[payers.73120]\n{setting}"),
        encoding="utf-8",
    )
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    return practice


# 97035-GP, 1 unit, $40.00 charged, CO-45 $30.00: allowed $10.00; the contract is 110% of $14.50,
# which is $15.95 (rounded half up from 15.95): $5.95 short
ULTRASOUND = _claim("BP27005", [("97035", "40.00", 1, "30.00", "0.00", None)])


def test_a_percentage_of_another_schedule_is_the_contract(tmp_path: Path) -> None:
    (item,) = _items(_percent_practice(tmp_path), ULTRASOUND)
    assert (item.code, item.denied_amount) == ("97035", Decimal("5.95"))
    assert "$15.95" in item.reasons[0] and "$10.00" in item.reasons[0]
    facts = {(str(e.place), e.fact) for e in item.evidence}
    assert (
        "practice.toml [payers.73120] fee_percent",
        "the contract pays 110% of fee_schedules/medicare.csv",
    ) in facts
    # the reference row (row 2 of medicare.csv: the plain 97035 row, the line's GP is not a
    # pricing modifier) and the arithmetic, each with its source
    assert (
        "fee_schedules/medicare.csv row 2",
        "reference rate 97035: $14.50 a unit from 2026-01-01 to 2026-12-31",
    ) in facts
    assert (
        "practice.toml [payers.73120] fee_percent",
        "contracted rate 110% of $14.50 = $15.95 a unit",
    ) in facts


def test_the_payers_own_rate_wins_over_the_percentage(tmp_path: Path) -> None:
    # 97140-GP has its own $30.20 in 73120.csv: still $0.20 short, not 110% of $40.00
    (item,) = _items(_percent_practice(tmp_path), SHORT)
    assert item.denied_amount == Decimal("0.20")
    assert not any("fee_percent" in str(e.place) for e in item.evidence)


def test_a_pricing_modifier_never_falls_back_to_the_plain_rate(tmp_path: Path) -> None:
    practice = _percent_practice(tmp_path)
    # 97113 by an assistant (CQ): its own reference row, $20.00 x 110% = $22.00 a unit; CO-45
    # leaves $18.00: $4.00 short (not 110% of the plain $30.00)
    assistant = _claim("BP27006", [("97113:CQ", "50.00", 1, "32.00", "0.00", None)])
    (item,) = _items(practice, assistant)
    assert item.denied_amount == Decimal("4.00")
    # 97035 by an assistant: the reference has no CQ row, and the plain row must not be used
    no_row = _claim("BP27007", [("97035:CQ", "40.00", 1, "30.00", "0.00", None)])
    assert _items(practice, no_row) == []


def test_no_percentage_setting_means_no_reference_rate(tmp_path: Path) -> None:
    # the same reference file, but Summit's contract does not point at it
    assert _items(_percent_practice(tmp_path, setting=""), ULTRASOUND) == []


@pytest.mark.parametrize(
    ("setting", "code", "words"),
    [
        ('fee_percent = "110"\n', "practice.required", "fee_percent needs fee_schedule"),
        ('fee_schedule = "medicare"\n', "practice.required", "fee_schedule needs fee_percent"),
        ('fee_schedule = "medicare"\nfee_percent = "0"\n', "practice.number", "above 0"),
        ('fee_schedule = "medicare"\nfee_percent = "ten"\n', "practice.number", '"ten"'),
        ('fee_schedule = "medicare"\nfee_percent = 1500\n', "practice.number", "at most 1000"),
        ('fee_schedule = "../x"\nfee_percent = 110\n', "practice.unknown_value", "file"),
        ('fee_schedule = "73120"\nfee_percent = 110\n', "practice.unknown_value", "own file"),
    ],
    ids=["no-schedule", "no-percent", "zero", "text", "too-high", "path", "itself"],
)
def test_a_bad_percentage_setting_is_refused_on_its_line(
    tmp_path: Path, setting: str, code: str, words: str
) -> None:
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    toml = folder / "practice.toml"
    toml.write_text(toml.read_text().replace("[payers.73120]\n", f"[payers.73120]\n{setting}"))
    practice, findings = read_practice(folder)
    assert practice is None
    (bad,) = [f for f in findings if f.severity.value == "error"]
    assert bad.code == code and words in bad.message, bad
    assert bad.file.endswith("practice.toml") and bad.row is not None and bad.row > 1


def test_a_missing_reference_file_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    toml = folder / "practice.toml"
    toml.write_text(toml.read_text().replace("[payers.73120]\n", f"[payers.73120]\n{PERCENT}"))
    practice, findings = read_practice(folder)
    assert practice is not None  # the rest of the practice is usable
    (warned,) = [f for f in findings if f.code == "practice.fee_reference"]
    assert "fee_schedules/medicare.csv has no rates" in warned.message
    assert warned.file == str(folder / "practice.toml")
    assert _items(practice, ULTRASOUND) == []


def test_the_letter_shows_the_percentage_and_its_sources(tmp_path: Path) -> None:
    from recoup.letters import build_packet  # the letter checks every figure against inputs
    from recoup.textsafe import markdown_plain

    (item,) = _items(_percent_practice(tmp_path), ULTRASOUND)
    packet = build_packet([item], None, TODAY)
    text = " ".join(packet.markdown.split())
    assert "Our agreement pays 110% of the fee_schedules/medicare.csv fee schedule" in text, (
        packet.markdown
    )
    assert "which sets $14.50 a unit for 97035" in text and "$15.95 a unit" in text
    assert "| $15.95 (110% of $14.50) |" in text  # the exhibit of the rates
    # the claim's patient is not in patients.csv: a visible placeholder, not a crash
    assert "Date of birth:** [MISSING: the patient's date of birth]" in text
    biller = " ".join(markdown_plain(packet.biller_markdown).split())
    assert "practice.toml [payers.73120] fee_percent" in biller
    assert "fee_schedules/medicare.csv row 2" in biller
