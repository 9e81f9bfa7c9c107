"""The practice folder's money files: fee_schedules/<payer_id>.csv (contracted rates) and
payments.csv (what patients paid). Every bad row is a finding with its file, row and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from practice_helpers import VISITS_HEADER, places
from practice_helpers import folder as practice_folder
from recoup.findings import Severity
from recoup.practice import PaymentMethod, read_practice


def folder(tmp_path: Path, **files: str) -> Path:
    """A practice folder with an (empty) fee_schedules/ and the given files (``a/b.csv``)."""
    return practice_folder(tmp_path, "fee_schedules", **files)


FEES = "code,modifiers,allowed,valid_from,valid_to\n"


def _errors(found: list) -> set[tuple[str, int | None, str | None, str]]:  # type: ignore[type-arg]
    return places([f for f in found if f.severity is Severity.ERROR])


def test_bad_fee_schedule_rows_are_findings_with_file_and_row(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "fee_schedules" / "73120.csv").write_text(
        FEES
        + "97110,GP,31.50,2026-01-01,2026-12-31\n"  # 2: good
        + "97140,GP,$30.2O,2026-01-01,2026-12-31\n"  # 3: a letter O in the money
        + "97112,GP,-33.00,2026-01-01,2026-12-31\n"  # 4: negative
        + "97530,GP,34.00,2026-13-01,2026-12-31\n"  # 5: no month 13
        + "97161,GP,98.00,01/01/2026,\n"  # 6: not YYYY-MM-DD
        + "97162,GP,98.00,2026-06-01,2026-01-31\n"  # 7: ends before it starts
        + "97110,GP,32.00,2026-07-01,2027-06-30\n"  # 8: overlaps row 2 (July to December)
        + "97110,,30.00,2026-07-01,2027-06-30\n"  # 9: no modifier: another rate, no overlap
        + "97110,GP,33.00,2027-01-01,\n"  # 10: overlaps row 8 (2027-01-01 to 2027-06-30)
        + ",GP,10.00,,\n",  # 11: no code
        encoding="utf-8",
    )
    practice, found = read_practice(root)
    assert practice is None  # an import lands whole
    assert _errors(found) == {
        ("73120.csv", 3, "allowed", "practice.number"),
        ("73120.csv", 4, "allowed", "practice.number"),
        ("73120.csv", 5, "valid_from", "practice.date"),
        ("73120.csv", 6, "valid_from", "practice.date"),
        ("73120.csv", 7, "valid_to", "practice.date_order"),
        ("73120.csv", 8, "valid_from", "practice.fee_overlap"),
        ("73120.csv", 10, "valid_from", "practice.fee_overlap"),
        ("73120.csv", 11, "code", "practice.required"),
    }
    by_row = {f.row: f for f in found}
    assert "row 2" in by_row[8].message and "row 8" in by_row[10].message
    assert all(f.file.endswith("fee_schedules/73120.csv") for f in found)
    # skipping the bad rows keeps the good ones, each known by its file and row
    practice, found = read_practice(root, skip_bad_rows=True)
    assert practice is not None
    assert [(r.code, r.modifiers, r.allowed, r.row) for r in practice.fee_schedules] == [
        ("97110", ("GP",), Decimal("31.50"), 2),
        ("97110", (), Decimal("30.00"), 9),
    ]
    assert {r.payer_id for r in practice.fee_schedules} == {"73120"}


def test_unknown_fee_schedule_columns_are_warned_about(tmp_path: Path) -> None:
    root = folder(tmp_path)
    # "modifier" for "modifiers": read as empty, the rates would be those of no modifier
    (root / "fee_schedules" / "73120.csv").write_text(
        "code,modifier,allowed,valid_from,valid_to,note\n97110,GP,31.50,2026-01-01,,exercise\n",
        encoding="utf-8",
    )
    practice, found = read_practice(root)
    assert practice is not None  # a warning: the folder still imports
    warned = [f for f in found if f.code == "practice.csv.unknown_column"]
    assert [(Path(f.file).name, f.row, f.column) for f in warned] == [("73120.csv", 1, "modifier")]
    assert warned[0].severity is Severity.WARNING and "modifiers" in warned[0].message
    # a missing required column is an error, on the header row
    (root / "fee_schedules" / "73120.csv").write_text(
        "code,modifiers,rate\n97110,GP,31.50\n", encoding="utf-8"
    )
    practice, found = read_practice(root)
    assert practice is None
    assert ("73120.csv", 1, "allowed", "practice.csv.missing_column") in _errors(found)


PAYMENTS = "date,patient_id,claim_id,amount,method,reference\n"
VISITS = (
    VISITS_HEADER
    + "P1001,BP26001,2026-01-06,97110,GP,2,120.00,,,Dana Whitfield DPT,,\n"
    + "P1002,BP26002,2026-01-08,97110,GP,2,120.00,,,Dana Whitfield DPT,,\n"
)


def test_payments_csv_is_read(tmp_path: Path) -> None:
    root = folder(
        tmp_path,
        **{
            "visits.csv": VISITS,
            "payments.csv": PAYMENTS
            + "2026-02-01,P1001,BP26001,40.00,Card,R-1001\n"
            + "2026-02-03,P1002,BP26002,15.5,,\n",
        },
    )
    practice, found = read_practice(root)
    assert practice is not None, found
    assert found == []
    assert [
        (p.paid_on, p.patient_id, p.claim_id, p.amount, p.method, p.reference, p.row)
        for p in practice.payments
    ] == [
        (date(2026, 2, 1), "P1001", "BP26001", Decimal("40.00"), PaymentMethod.CARD, "R-1001", 2),
        (date(2026, 2, 3), "P1002", "BP26002", Decimal("15.5"), PaymentMethod.OTHER, "", 3),
    ]


def test_bad_payment_rows_are_findings_with_file_and_row(tmp_path: Path) -> None:
    root = folder(
        tmp_path,
        **{
            "visits.csv": VISITS,
            "payments.csv": PAYMENTS
            + "2026-02-01,P1001,BP26001,40.00,card,R-1\n"  # 2: good
            + "2026-02-30,P1001,BP26001,40.00,card,R-2\n"  # 3: no such day
            + "2026-02-01,P1001,BP26001,forty,card,R-3\n"  # 4: not money
            + "2026-02-01,P1001,BP26001,0.00,card,R-4\n"  # 5: nothing paid
            + "2026-02-01,P1001,BP26001,-40.00,card,R-5\n"  # 6: a refund is not a payment
            + "2026-02-01,P9999,BP26001,40.00,card,R-6\n"  # 7: no such patient
            + "2026-02-01,P1002,BP26001,40.00,card,R-7\n"  # 8: someone else's claim
            + "2026-02-01,P1001,BP26001,40.00,bitcoin,R-8\n"  # 9: unknown method
            + "2026-02-01,P1001,BP26001,40.00,card,R-1\n"  # 10: row 2 again
            + "2026-02-01,P1001,,40.00,card,R-10\n"  # 11: no claim
            + "2026-02-01,P1001,BP29999,40.00,card,R-11\n",  # 12: a claim visits.csv lacks
        },
    )
    practice, found = read_practice(root)
    assert practice is None
    assert _errors(found) == {
        ("payments.csv", 3, "date", "practice.date"),
        ("payments.csv", 4, "amount", "practice.number"),
        ("payments.csv", 5, "amount", "practice.number"),
        ("payments.csv", 6, "amount", "practice.number"),
        ("payments.csv", 7, "patient_id", "practice.unknown_patient"),
        ("payments.csv", 7, "claim_id", "practice.claim_patient"),  # BP26001 is P1001's
        ("payments.csv", 8, "claim_id", "practice.claim_patient"),
        ("payments.csv", 9, "method", "practice.unknown_value"),
        ("payments.csv", 10, "reference", "practice.duplicate"),
        ("payments.csv", 11, "claim_id", "practice.required"),
    }
    warnings = {(Path(f.file).name, f.row, f.code) for f in found if f.severity is Severity.WARNING}
    assert warnings == {("payments.csv", 12, "practice.unknown_claim")}
    practice, found = read_practice(root, skip_bad_rows=True)
    assert practice is not None
    assert [p.row for p in practice.payments] == [2, 12]
