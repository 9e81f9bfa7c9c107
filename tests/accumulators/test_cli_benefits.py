"""``recoup benefits``, ``recoup check-visit`` and ``recoup recount`` on the example practices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accumulator_helpers import visit_rows, write_practice
from recoup.cli import app

ROOT = Path(__file__).parents[2]
BRIGHTPATH = str(ROOT / "examples" / "brightpath-pt")
LITTLE_STEPS = str(ROOT / "examples" / "little-steps-aba")
runner = CliRunner()
CHECK = ["check-visit", "--practice", BRIGHTPATH, "--patient", "P1001", "--date"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_benefits_after_visit_17_warns_with_3_remaining() -> None:
    code, out, _ = run(
        "benefits", "--practice", BRIGHTPATH, "--patient", "P1001", "--on", "2026-03-05"
    )
    assert code == 0
    assert "Rachel Lindqvist" in out and "75% used" in out and "2027-01-01" in out
    code, out, _ = run(
        "benefits", "--practice", BRIGHTPATH, "--patient", "P1001", "--on", "2026-03-05", "--json"
    )
    (patient,) = json.loads(out)["patients"]
    (benefit,) = patient["benefits"]
    assert benefit["remaining"] == "3" and benefit["used"] == "17" and benefit["limit"] == "20"
    assert benefit["status"] == "warning" and benefit["reset_date"] == "2027-01-01"
    assert benefit["period"] == {"start": "2026-01-01", "end": "2027-01-01"}


def test_benefits_shows_the_payers_271_view() -> None:
    _code, out, _ = run(
        "benefits", "--practice", BRIGHTPATH, "--patient", "P1001", "--on", "2026-03-23", "--json"
    )
    figures = json.loads(out)["patients"][0]["benefits"][0]["payer_view"]
    assert {(f["kind"], f["quantity"]) for f in figures} >= {("limit", "20"), ("remaining", "3")}


def test_benefits_for_every_patient_with_limits() -> None:
    code, out, _ = run("benefits", "--practice", LITTLE_STEPS, "--on", "2026-06-12", "--json")
    assert code == 0
    patients = {p["patient_id"]: p for p in json.loads(out)["patients"]}
    assert set(patients) == {"C2001", "C2002", "C2003", "C2004", "C2005"}
    (aba,) = patients["C2003"]["benefits"]
    assert aba["status"] == "exhausted" and aba["used"] == "28"  # 28 h against 25 h a week


def test_check_visit_before_visit_21_says_the_cap_is_exhausted() -> None:
    args = ["check-visit", "--practice", BRIGHTPATH, "--patient", "P1001", "--date", "2026-04-02"]
    code, out, _ = run(*args, "--code", "97110", "--units", "2")
    assert code == 0
    assert "exhausted" in out and "exceed the benefit limit" in out and "waiver" in out
    code, out, _ = run(*args, "--code", "97110", "--units", "2", "--json")
    data = json.loads(out)
    assert data["exceeds"] is True
    (check,) = data["checks"]
    assert check["limit_kind"] == "benefit" and check["over"] == "1"


def test_check_visit_aba_passes_the_authorization_but_not_the_cap() -> None:
    _code, out, _ = run(
        "check-visit", "--practice", LITTLE_STEPS, "--patient", "C2003", "--date", "2026-06-12",
        "--code", "97153", "--units", "16", "--json",
    )  # fmt: skip
    checks = {c["limit_kind"]: c for c in json.loads(out)["checks"]}
    assert checks["benefit"]["over"] == "3" and checks["authorization"]["over"] == "0"


def test_check_visit_that_fits(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_practice(
        root,
        benefits="P1,73120,pt_ot,20,visits,calendar_year,97110,,0,\n",
        visits=visit_rows("P1", ["2026-01-05"]),
    )
    code, out, _ = run(
        "check-visit", "--practice", str(root), "--patient", "P1", "--date", "2026-01-07",
        "--code", "97110",
    )  # fmt: skip
    assert code == 0 and "fits every limit" in out


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["benefits", "--practice", BRIGHTPATH, "--on", "2026-13-01"], 2, "not a date"),
        (["benefits", "--practice", BRIGHTPATH, "--patient", "P9999"], 1, 'no patient "P9999"'),
        (["benefits", "--practice", "/nonexistent/folder"], 2, "could not be read"),
        ([*CHECK, "2026-04-02", "--code", "97110", "--units", "two"], 2, "is not a number"),
        ([*CHECK, "April 2", "--code", "97110"], 2, "not a date"),
        (["recount", "--practice", BRIGHTPATH, "--patient", "nobody"], 1, "no patient"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(
    args: list[str], exit_code: int, message: str
) -> None:
    code, out, err = run(*args)
    assert code == exit_code and message in err and "Traceback" not in out + err


def test_recount_finds_the_planted_miscounts() -> None:
    code, out, _ = run(
        "recount", "--practice", BRIGHTPATH, "--patient", "P1003", "--on", "2026-08-18", "--json"
    )
    assert code == 0
    (rec,) = json.loads(out)["reconciliations"]
    assert rec["verdict"] == "miscount"
    (diff,) = rec["differences"]
    assert diff["kind"] == "counted_twice" and diff["service_date"] == "2026-06-16"
    assert diff["payer_claim_ids"] == ["SHP26071000121", "SHP26082100128"]
    code, out, _ = run(
        "recount", "--practice", BRIGHTPATH, "--patient", "P1002", "--on", "2026-07-14"
    )
    assert "excluded_code" in out and "2026-05-05" in out and "BP26022" in out


def test_every_command_has_help() -> None:
    for command in ("benefits", "check-visit", "recount"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "--practice" in out and "--json" in out


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("authorizations.csv", "2026-10-31", "9999-12-31"),
        ("benefits.csv", "calendar_year", "rolling_months:99999999"),
    ],
)
def test_benefits_on_an_absurd_value_says_where_it_is_without_a_traceback(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    """Security review item 6: these crashed ``recoup benefits`` (or every benefits page)."""
    import shutil

    folder = tmp_path / "practice"
    shutil.copytree(BRIGHTPATH, folder)
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    code, out, err = run("benefits", "--practice", str(folder), "--on", "2026-09-01")
    assert code != 0
    assert "Traceback" not in out + err
    assert name in out + err and new in out + err
