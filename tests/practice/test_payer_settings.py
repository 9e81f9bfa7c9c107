"""The per-payer decision settings of practice.toml: state, correction form, CO member billing,
the corrected-claim window and its clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from recoup.findings import Severity
from recoup.practice import CoMemberBilling, CorrectionForm, PayerType
from recoup.practice.settings import read_settings

HEAD = 'name = "Test Clinic"\n\n'


def _read(tmp_path: Path, table: str) -> tuple[object, list[str], list[str]]:
    (tmp_path / "practice.toml").write_text(HEAD + table, encoding="utf-8")
    settings, findings = read_settings(tmp_path)
    return settings, [f.column or "" for f in findings], [f.message for f in findings]


def test_every_setting_is_read(tmp_path: Path) -> None:
    settings, columns, _ = _read(
        tmp_path,
        "[payers.TXM01]\n"
        'name = "Texas Medicaid STAR"\n'
        'type = "medicaid_managed_care"\n'
        'state = "tx"\n'
        'correction_form = "New"\n'
        'co_member_billing = "n492"\n'
        "corrected_claim_days = 95\n"
        'corrected_claim_from = "notice"\n',
    )
    assert columns == []
    assert settings is not None
    payer = settings.payers[0]  # type: ignore[attr-defined]
    assert payer.type is PayerType.MEDICAID_MANAGED_CARE
    assert payer.state == "TX"
    assert payer.correction_form is CorrectionForm.NEW
    assert payer.co_member_billing is CoMemberBilling.N492
    assert payer.corrected_claim_days == 95
    assert payer.corrected_claim_from == "notice"


def test_defaults_when_absent(tmp_path: Path) -> None:
    settings, columns, _ = _read(tmp_path, '[payers.04112]\nname = "Medicare"\ntype = "champva"\n')
    assert columns == []
    payer = settings.payers[0]  # type: ignore[attr-defined]
    assert payer.type is PayerType.CHAMPVA
    assert (payer.state, payer.correction_form, payer.corrected_claim_days) == ("", None, None)
    assert payer.co_member_billing is CoMemberBilling.NO
    assert payer.corrected_claim_from == ""


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ('state = "Texas"', "payers.X1.state", "two-letter"),
        ('correction_form = "fax"', "payers.X1.correction_form", "reopening, new, replacement"),
        ('co_member_billing = "yes"', "payers.X1.co_member_billing", "no, n492, contract"),
        ("corrected_claim_days = 0", "payers.X1.corrected_claim_days", "whole number"),
        ('corrected_claim_from = "receipt"', "payers.X1.corrected_claim_from", "service, notice"),
    ],
)
def test_bad_values_are_findings_on_their_line(
    tmp_path: Path, line: str, column: str, words: str
) -> None:
    settings, columns, messages = _read(tmp_path, f'[payers.X1]\nname = "X"\n{line}\n')
    assert settings is None  # an error: nothing is imported
    assert columns == [column]
    assert words in messages[0]
    (tmp_path / "practice.toml").write_text(HEAD + f'[payers.X1]\nname = "X"\n{line}\n')
    _, findings = read_settings(tmp_path)
    assert findings[0].severity is Severity.ERROR and findings[0].row == 5
