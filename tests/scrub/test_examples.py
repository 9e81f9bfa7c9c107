"""The example practices' claims, scrubbed as if before they were sent: every line their
remittances later denied for a preventable reason is flagged by the rule that fits, and no line
the payer paid in full carries an issue."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.scrub import Issue, compare, scrub
from scrub_helpers import EXAMPLES, Loaded


def _flags(report_issues: tuple[Issue, ...], claim_id: str) -> set[tuple[int, str, str]]:
    return {(i.line, i.rule, i.severity) for i in report_issues if i.claim_id == claim_id}


def test_brightpath(brightpath: Loaded) -> None:
    practice, claims, history = brightpath
    report = scrub(claims, practice, history)
    issues = report.issues
    # visit 21 over the 20-visit cap: Rachel, Grace (10 used elsewhere), Owen
    for claim_id in ("BP26021", "BP26047", "BP26061"):
        assert _flags(issues, claim_id) == {
            (1, "benefit_cap", "block"),
            (2, "benefit_cap", "block"),
        }
    # Walter: the KX threshold passed on BP26062 ($1,704 elsewhere + the year's allowed amounts)
    assert _flags(issues, "BP26062") == {(n, "kx", "block") for n in (1, 2, 3)}
    assert not _flags(issues, "BP26060")  # the last claim under the threshold: paid
    kx = next(i for i in issues if i.claim_id == "BP26062")
    assert (
        "$2596.60" in kx.message
        and "add KX" in kx.change
        and "kx_thresholds.toml 2026" in kx.source
    )
    # Jenna: 97140 then 97530 back to back, no modifier: add XU
    assert _flags(issues, "BP26065") == {(3, "ncci_ptp", "block")}
    pt = next(i for i in issues if i.claim_id == "BP26065")
    assert "add modifier XU" in pt.change and "recoup bundled PTP table" in pt.source
    # payer errors (the evaluation counted, the corrected visit counted twice) are not ours
    assert not _flags(issues, "BP26049") and not _flags(issues, "BP26059")

    result = compare(claims, issues, history)
    assert (result.prevented, result.denials, result.prevented_amount) == (
        10,
        19,
        Decimal("941.00"),
    )
    assert result.flagged_paid == ()
    assert result.line() == "would have prevented 10 of 19 denials ($941.00)"


def test_little_steps(little_steps: Loaded) -> None:
    practice, claims, history = little_steps
    report = scrub(claims, practice, history)
    assert _flags(report.issues, "LS4114") == {(2, "ncci_ptp", "block")}  # 97155 without XE
    xe = next(i for i in report.issues if i.claim_id == "LS4114")
    assert "add modifier XE" in xe.change
    assert _flags(report.issues, "LS4110") == {(2, "concurrent_aba", "block")}
    assert _flags(report.issues, "LS4109") == {(6, "benefit_cap", "block")}  # 25 hours a week
    assert not _flags(report.issues, "LS4115")  # direction documented: appealable, not ours
    result = compare(claims, report.issues, history)
    assert (result.prevented, result.denials, result.prevented_amount) == (3, 4, Decimal("520.00"))
    assert result.flagged_paid == () and result.missed == ("LS4115 line 2 97155 CO-97",)


def test_the_command_prints_the_comparison_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./recoup.db: the bundled table
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    runner = CliRunner()
    folder = EXAMPLES / "brightpath-pt"
    result = runner.invoke(app, ["scrub", "--practice", str(folder)])
    assert result.exit_code == 1, result.output
    assert "would have prevented 10 of 19 denials ($941.00)" in result.output
    assert "BP26065\n  line 3 2026-09-15 97530: BLOCK ncci_ptp:" in result.output
    assert "tables used: recoup bundled PTP table (illustrative, not the CMS file)" in result.output
    as_json = runner.invoke(app, ["scrub", "--practice", str(folder), "--json"])
    payload = json.loads(as_json.stdout)
    assert payload["blocked"] is True and payload["comparison"]["prevented"] == 10
    assert payload["comparison"]["prevented_amount"] == "941.00"
    assert {i["rule"] for i in payload["issues"]} == {"benefit_cap", "kx", "ncci_ptp"}


def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["scrub", "--practice", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "could not be read" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    bad = runner.invoke(
        app, ["scrub", "--practice", str(EXAMPLES / "brightpath-pt"), "--today", "x"]
    )
    assert bad.exit_code == 2 and "is not a date" in bad.output
