"""``recoup claim-file ID --db``: the corrected claim built from the 837P the store holds (the
claim as it was sent), else from the practice folder, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from recoup.cli import app
from recoup.x12 import read_837
from store_helpers import LITTLE_STEPS
from x12_validate import guide_errors

runner = CliRunner()
TODAY = "2026-11-23"


def _practice_without_claims(tmp_path: Path) -> Path:
    """A copy of Little Steps with no claims/ folder: only the store can have the 837."""
    folder = tmp_path / "little-steps-aba"
    shutil.copytree(LITTLE_STEPS, folder, ignore=shutil.ignore_patterns("claims"))
    return folder


def _import(db_url: str, *paths: Path) -> None:
    result = runner.invoke(app, ["import", "--db", db_url, *map(str, paths), "--today", TODAY])
    assert result.exit_code == 0, result.output


def test_the_replacement_is_built_from_the_stored_837(db_url: str, tmp_path: Path) -> None:
    folder = _practice_without_claims(tmp_path)
    sent = LITTLE_STEPS / "claims" / "2026-09-01_prairie-mutual.837"
    # the stored 837 differs from what the 835 says: a second diagnosis the 835 does not carry
    changed = sent.read_bytes().replace(b"HI*ABK:F840~", b"HI*ABK:F840*ABF:F88~")
    assert changed != sent.read_bytes()
    stored = tmp_path / "sent" / sent.name
    stored.parent.mkdir()
    stored.write_bytes(changed)
    _import(db_url, folder, *sorted((folder / "remittances").glob("*.835")), stored)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["claim-file", "LS4114", "--db", db_url, "--today", TODAY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Built from the claim as sent: {sent.name} segment" in result.output
    text = (out / "LS4114-replacement.837").read_text()
    assert guide_errors(text) == []
    (claim,) = read_837(text.encode()).claims
    (original,) = [c for c in read_837(changed).claims if c.patient_control_number == "LS4114"]
    assert (claim.frequency, claim.payer_claim_control_number) == ("7", "PM20260825001A")
    assert [d.code for d in claim.diagnoses] == ["F840", "F88"]  # the stored claim's
    assert claim.diagnoses == original.diagnoses
    assert [(ln.procedure.code, ln.units, ln.charge, ln.control_number) for ln in claim.lines] == [
        (ln.procedure.code, ln.units, ln.charge, ln.control_number) for ln in original.lines
    ]
    assert [ln.procedure.modifiers for ln in claim.lines] == [(), ("XE",)]
    assert claim.subscriber.member.id == original.subscriber.member.id
    people = [
        (p.last_name, p.first_name, p.birth_date)
        for p in (
            claim.patient or claim.subscriber.member,
            original.patient or original.subscriber.member,
        )
    ]
    assert people[0] == people[1]
    summary = (out / "LS4114-replacement.md").read_text()
    assert "Built from the claim as sent" in summary
    assert "| 2400 SV101 modifiers (line 2, 97155) | (none) | XE |" in summary


def test_without_a_stored_837_the_practice_folder_is_used(db_url: str, tmp_path: Path) -> None:
    _import(db_url, LITTLE_STEPS, *sorted((LITTLE_STEPS / "remittances").glob("*.835")))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["claim-file", "LS4114", "--db", db_url, "--today", TODAY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (claim,) = read_837((out / "LS4114-replacement.837").read_bytes()).claims
    assert [d.code for d in claim.diagnoses] == ["F840"]


def test_with_neither_nothing_is_invented(db_url: str, tmp_path: Path) -> None:
    folder = _practice_without_claims(tmp_path)
    _import(db_url, folder, *sorted((folder / "remittances").glob("*.835")))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["claim-file", "LS4114", "--db", db_url, "--today", TODAY, "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "add: the original claim LS4114" in result.output
    assert not list(out.glob("*.837"))


def test_files_and_store_are_not_mixed(db_url: str) -> None:
    result = runner.invoke(
        app, ["claim-file", "LS4114", "--db", db_url, "--practice", str(LITTLE_STEPS)]
    )
    assert result.exit_code == 2
    assert "--era" in result.output
