"""The triage engine: contract fields, deadlines, ordering, fallbacks, the CLI."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.records import Adjustment, ClaimPayment, Party, Procedure, Remittance, ServiceLine
from recoup.triage import Decision, DenialContext, triage
from recoup.triage import model as triage_model
from recoup.x12 import ParseResult

ROOT = Path(__file__).resolve().parents[2]
BRIGHTPATH = ROOT / "examples" / "brightpath-pt"
CONTRACT = {
    "patient_account",
    "payer_claim_id",
    "payer_name",
    "patient_name",
    "service_date",
    "code",
    "modifiers",
    "group_code",
    "reason_code",
    "remark_codes",
    "denied_amount",
    "category",
    "lane",
    "reasons",
    "evidence",
    "deadline",
    "letter",
}


def _claim(
    number: str,
    reason: str,
    amount: str,
    *,
    status: str = "1",
    indicator: str = "MB",
    group: str = "CO",
    day: date = date(2026, 2, 10),
) -> ClaimPayment:
    line = ServiceLine(
        Procedure("HC", "97110", ("GP",)),
        Decimal(amount),
        Decimal("0"),
        service_date=day,
        adjustments=(Adjustment(group, reason, Decimal(amount), segment=20),),
    )
    return ClaimPayment(
        number,
        status,
        Decimal(amount),
        Decimal("0"),
        Decimal("0"),
        indicator,
        f"PCN{number}",
        lines=(line,),
    )


def _result(*claims: ClaimPayment, paid_on: date = date(2026, 3, 4)) -> ParseResult:
    remittance = Remittance(
        "mem.835",
        "0001",
        "1",
        "1",
        "S",
        "R",
        "H",
        Decimal("0"),
        "C",
        "NON",
        paid_on,
        "T1",
        "",
        None,
        Party("PR", "MEDICARE PART B"),
        Party("PE", "CLINIC"),
        claims=claims,
    )
    return ParseResult("mem.835", (remittance,), (), 0)


def test_medicare_deadline_counts_from_presumed_receipt() -> None:
    worklist = triage([_result(_claim("A1", "50", "100.00"))], None, date(2026, 4, 1))
    (item,) = worklist.items
    assert item.deadline.date == date(2026, 7, 7)
    assert "presumed" in item.deadline.basis
    assert item.days_left == (date(2026, 7, 7) - date(2026, 4, 1)).days
    payload = item.to_dict()
    assert payload.keys() >= CONTRACT
    assert payload["deadline"] == {"date": "2026-07-07", "basis": item.deadline.basis}
    assert payload["denied_amount"] == "100.00"
    assert payload["letter"] is None


def test_unknown_code_falls_back_to_review_with_its_explanation() -> None:
    worklist = triage([_result(_claim("A1", "185", "40.00"))], None, date(2026, 4, 1))
    (item,) = worklist.items
    assert item.lane == "review"
    assert item.reasons[0].startswith("CO-185")
    assert item.missing


def test_a_rule_that_raises_becomes_review(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: DenialContext) -> Decision:
        raise KeyError("nope")

    info = triage_model.rule_for("50")
    assert info is not None
    monkeypatch.setitem(triage_model._BY_CODE, "50", info._replace(func=broken))
    worklist = triage([_result(_claim("A1", "50", "40.00"))], None, date(2026, 4, 1))
    (item,) = worklist.items
    assert item.lane == "review"
    assert "KeyError" in item.reasons[0]
    assert "Traceback" not in " ".join(item.reasons)


def test_payer_type_is_assumed_commercial_when_unknown() -> None:
    worklist = triage(
        [_result(_claim("A1", "50", "40.00", indicator="CI"))], None, date(2026, 4, 1)
    )
    (item,) = worklist.items
    assert "assumed commercial" in item.deadline.basis


def test_reversed_claims_are_skipped_and_order_is_deadline_then_dollars() -> None:
    early = _result(
        _claim("A1", "50", "10.00"), _claim("A2", "50", "90.00"), paid_on=date(2026, 3, 4)
    )
    late = _result(
        _claim("A3", "50", "500.00"),
        _claim("A1", "50", "-10.00", status="22"),
        paid_on=date(2026, 5, 1),
    )
    worklist = triage([late, early], None, date(2026, 4, 1))
    accounts = [i.patient_account for i in worklist.items]
    assert accounts == ["A2", "A3"]  # A1 reversed; A2's deadline is earlier
    assert worklist.summary()["by_lane"] == {"appeal": "590.00"}


def test_cli_json_and_table(tmp_path: Path) -> None:
    runner = CliRunner()
    eras = sorted(str(p) for p in (BRIGHTPATH / "remittances").glob("*.835"))
    args = ["triage", *eras, "--practice", str(BRIGHTPATH), "--today", "2026-11-23"]
    out_csv = tmp_path / "worklist.csv"
    result = runner.invoke(app, [*args, "--json", "--csv", str(out_csv)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["denials"] and payload["denials"][0].keys() >= CONTRACT
    assert payload["summary"]["by_lane"]["write_off"] == "185.00"
    assert out_csv.read_text().startswith("deadline,days_left")
    table = runner.invoke(app, args)
    assert table.exit_code == 0
    assert "Write off" in table.stdout and "denied" in table.stdout
    assert "write_off" not in table.stdout  # lanes read as words; the JSON keeps the codes


@pytest.mark.parametrize(
    "args",
    [
        ["missing.835", "--practice", str(BRIGHTPATH)],
        [str(ROOT / "README.md"), "--practice", str(BRIGHTPATH)],
        [
            str(BRIGHTPATH / "remittances" / "2026-04-17_summit-health-plan.835"),
            "--practice",
            "/no/such/folder",
        ],
        [
            str(BRIGHTPATH / "remittances" / "2026-04-17_summit-health-plan.835"),
            "--practice",
            str(BRIGHTPATH),
            "--today",
            "2026-13-01",
        ],
    ],
)
def test_cli_bad_input_exits_1_without_traceback(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["triage", *args])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error" in result.stderr
