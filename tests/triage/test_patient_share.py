"""Patient cost share (scenario 17): routed apart from the denials, never counted as denied."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from recoup.cli import app
from recoup.practice import read_practice
from recoup.triage import Worklist, triage
from recoup.x12 import read_835, read_835_file
from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, transaction

ROOT = Path(__file__).resolve().parents[2]
BRIGHTPATH = ROOT / "examples" / "brightpath-pt"
TODAY = date(2026, 11, 23)

# The same paid visit, reversed (CLP02 = 22) in a later remittance.
REVERSAL = [
    "CLP*BP-1020*22*-185.00*-98.40*-25.00*12*SHP2026030400020*11*1",
    "SVC*HC:97110:GP*-120.00*-71.20**2",
    "CAS*CO*45*-28.80",
    "CAS*PR*3*-20.00",
    "SVC*HC:97140:GP*-65.00*-27.20**1",
    "CAS*CO*45*-32.80",
    "CAS*PR*3*-5.00",
]


def _worklist(*bodies: list[str]) -> Worklist:
    return triage([read_835(interchange(transaction(body))) for body in bodies], None, TODAY)


def test_copays_are_routed_apart_and_not_counted_as_denied() -> None:
    worklist = _worklist([*HEADER, "LX*1", *PAID_VISIT, *VISIT_21[1:]])
    assert [i.reason_code for i in worklist.items] == ["119", "119"]
    assert worklist.total == Decimal("185.00")  # the CO-119 lines only
    shares = worklist.patient_share
    assert sorted((i.code, i.reason_code, i.denied_amount) for i in shares) == [
        ("97110", "3", Decimal("20.00")),
        ("97140", "3", Decimal("5.00")),
    ]
    assert worklist.patient_share_total == Decimal("25.00")
    assert {i.category for i in shares} == {"patient_cost_share"}
    # without a practice folder nobody can tell whether a secondary pays first
    assert {i.lane for i in shares} == {"review"}
    assert all("coverages" in i.missing[0] for i in shares)
    summary = worklist.summary()
    assert summary["denied_total"] == "185.00"
    assert summary["patient_share"] == {
        "items": 2,
        "total": "25.00",
        "by_lane": {"review": "25.00"},
    }


def test_a_reversed_visit_is_not_billed_to_anyone() -> None:
    original = read_835(interchange(transaction([*HEADER, "LX*1", *PAID_VISIT])))
    reversal = read_835(interchange(transaction([*HEADER, "LX*1", *REVERSAL], paid="-98.40")))
    assert not original.findings and not reversal.findings
    assert len(triage([original], None, TODAY).patient_share) == 2
    assert triage([original, reversal], None, TODAY).patient_share == ()


def test_a_crossover_claim_waits_for_the_payer_it_was_forwarded_to() -> None:
    claim = [PAID_VISIT[0].replace("*1*185.00", "*19*185.00", 1), PAID_VISIT[1]]
    claim += ["NM1*TT*2*FRONT RANGE MEDIGAP*****PI*61271", *PAID_VISIT[2:]]
    worklist = _worklist([*HEADER, "LX*1", *claim])
    assert {i.lane for i in worklist.patient_share} == {"bill_other_payer"}
    item = worklist.patient_share[0]
    assert "FRONT RANGE MEDIGAP" in " ".join(item.reasons)
    assert "do not send a duplicate" in item.action


def test_json_keeps_the_denials_contract_and_adds_patient_share() -> None:
    practice, _ = read_practice(BRIGHTPATH)
    eras = sorted((BRIGHTPATH / "remittances").glob("*.835"))
    worklist = triage([read_835_file(p) for p in eras], practice, TODAY)
    payload = worklist.to_dict()
    assert set(payload) == {"denials", "patient_share", "summary"}
    # a contractual write-down is on the worklist only when it took the line below the
    # contracted rate (fee_schedules/): an underpayment, never a denial
    assert all(
        d["reason_code"] not in ("1", "2", "3", "45") or d["lane"] == "underpayment"
        for d in payload["denials"]
    )
    assert [d["denial_id"] for d in payload["denials"] if d["lane"] == "underpayment"] == [
        "BP26036-3@SHP26082100128"
    ]
    denied = sum(Decimal(d["denied_amount"]) for d in payload["denials"])
    assert payload["summary"]["denied_total"] == str(denied)
    shares = payload["patient_share"]
    assert shares and all(s["reason_code"] in ("1", "2", "3") for s in shares)
    assert {s["lane"] for s in shares} == {"bill_other_payer", "bill_patient"}
    ids = [s["denial_id"] for s in shares] + [d["denial_id"] for d in payload["denials"]]
    assert len(ids) == len(set(ids))
    by_lane = payload["summary"]["patient_share"]["by_lane"]
    assert sum(Decimal(v) for v in by_lane.values()) == Decimal(
        payload["summary"]["patient_share"]["total"]
    )


def test_cli_json_has_the_patient_share() -> None:
    eras = [str(BRIGHTPATH / "remittances" / "2026-07-24_summit-health-plan.835")]
    args = ["triage", *eras, "--practice", str(BRIGHTPATH), "--today", "2026-11-23", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    grace = [s for s in payload["patient_share"] if s["patient_account"] == "BP26029"]
    assert grace and grace[0]["lane"] == "bill_other_payer"
