"""Posting what can be posted: envelope faults are warnings (errors with --strict), a payment
that does not balance is left out and named while the file's others post, and a corrected copy
adds only what is missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from recoup import pipeline
from recoup.cli import app
from recoup.store import DenialQuery, Store
from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, transaction

TODAY = date(2026, 11, 23)
ERA = Path(__file__).parents[1] / "data" / "era"
# each transaction set is its own payment with its own trace number (TRN02): one trace number
# twice is the same check sent again (recoup.resends), and the later copy would replace the first
SECOND_CHECK = [s.replace("TRN*1*EFT0304001", "TRN*1*EFT0304002") for s in HEADER]


def test_a_real_sample_with_se01_off_by_one_imports_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    sample = ERA / "e835p-blue_cross_nc_sample.835"
    strict = store.import_path(sample, strict=True)
    assert strict.status == "failed" and store.row_counts()["claims"] == 0
    result = store.import_path(sample)
    assert result.status == "imported" and result.claims > 0 and not result.left_out
    assert any(f.code == "x12.se.count" and f.severity == "warning" for f in result.findings)


def test_an_unbalanced_payment_is_left_out_and_the_others_post(
    store: Store, tmp_path: Path
) -> None:
    good = transaction(HEADER + ["LX*1"] + PAID_VISIT, "0001")
    bad = transaction(
        SECOND_CHECK + VISIT_21, "0002", paid="10.00"
    )  # pays 10.00 for 0.00 of claims
    broken = tmp_path / "broken.835"
    broken.write_bytes(interchange(good, bad))
    batch = pipeline.import_paths(store, [broken], today=TODAY)
    (result,) = batch.results
    assert result.status == "imported" and result.left_out == 1 and result.claims == 1
    (note,) = [f for f in result.findings if f.code == "import.left_out"]
    assert "transaction set 0002" in note.message
    assert [c.patient_control_number for c in store.claims()] == ["BP-1020"]
    assert store.denials(DenialQuery(today=TODAY)).total == 0  # BP-1021's denial was not posted
    # the payer's corrected copy: the good payment is known, only the fixed one is added
    fixed = tmp_path / "fixed.835"
    fixed.write_bytes(interchange(good, transaction(SECOND_CHECK + VISIT_21, "0002", paid="0.00")))
    again = pipeline.import_paths(store, [fixed], today=TODAY)
    (second,) = again.results
    assert second.status == "imported" and (second.new_claims, second.known_claims) == (1, 1)
    assert sorted(c.patient_control_number for c in store.claims()) == ["BP-1020", "BP-1021"]
    assert store.denials(DenialQuery(today=TODAY)).total == 2


def test_the_import_command_says_what_was_left_out(tmp_path: Path) -> None:
    good = transaction(HEADER + ["LX*1"] + PAID_VISIT, "0001")
    bad = transaction(SECOND_CHECK + VISIT_21, "0002", paid="10.00")
    path = tmp_path / "broken.835"
    path.write_bytes(interchange(good, bad))
    db = str(tmp_path / "recoup.db")
    shown = CliRunner().invoke(app, ["import", "--db", db, str(path), "--today", "2026-11-23"])
    assert shown.exit_code == 1 and "1 payment left out" in shown.output
    assert "Traceback" not in shown.output
