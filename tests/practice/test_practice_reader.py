"""Reading practice folders: the examples read clean; every problem is found, with its place."""

from __future__ import annotations

import shutil
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from practice_helpers import PATIENTS, VISITS_HEADER, folder, places
from recoup.findings import Severity
from recoup.practice import (
    AuthPer,
    BenefitPeriod,
    MonthDay,
    PayerType,
    PeriodKind,
    read_practice,
)
from store_helpers import BRIGHTPATH, LITTLE_STEPS


@pytest.mark.parametrize("example", [BRIGHTPATH, LITTLE_STEPS], ids=lambda p: p.name)
def test_the_example_practices_read_with_no_findings(example: Path) -> None:
    practice, findings = read_practice(example)
    assert findings == []
    assert practice is not None and practice.patients and practice.visits and practice.coverages


def test_brightpath_in_detail() -> None:
    practice, _ = read_practice(BRIGHTPATH)
    assert practice is not None
    assert practice.name == "Brightpath Physical Therapy" and practice.npi == "1548213069"
    assert practice.signer_name == "Dana Whitfield, PT, DPT"
    assert practice.signer_title == "Clinic Director"
    assert practice.address.endswith("Loveland, CO 80538")
    medicare = practice.payer("04112")  # a bare TOML key with a leading zero stays text
    assert medicare is not None and medicare.type is PayerType.MEDICARE
    assert medicare.appeal_address == "" and medicare.appeal_days == 120
    (kowalski,) = [b for b in practice.benefits if b.patient_id == "P1007"]
    assert kowalski.limit == Decimal("2480.00") and kowalski.used_elsewhere == Decimal("1704.00")
    assert kowalski.period == BenefitPeriod(PeriodKind.CALENDAR_YEAR)
    first = practice.visits[0]
    assert (first.claim_id, first.line, first.code, first.modifiers) == (
        "BP26001",
        1,
        "97110",
        ("GP",),
    )
    assert (first.start_time, first.end_time) == (time(7, 30), time(8, 0))
    assert first.charge == Decimal("120.00") and first.row == 2
    assert practice.visits[1].line == 2
    waiver = practice.waivers[0]
    assert waiver.codes == ("97110", "97112", "97140", "97530")
    assert waiver.valid_through == date(2026, 12, 31)


def test_planted_errors_are_all_reported_with_their_places(tmp_path: Path) -> None:
    root = tmp_path / "brightpath"
    shutil.copytree(BRIGHTPATH, root)
    with (root / "patients.csv").open("a") as f:
        f.write("P1009,Ada,Byron,1990-02-30,BP-100999\n")  # row 10: no February 30
    coverages = (
        (root / "coverages.csv")
        .read_text()
        .replace(
            "P1002,73120,Summit Health Plan,commercial", "P1002,73120,Summit Health Plan,hmo_plus"
        )
    )
    (root / "coverages.csv").write_text(coverages)  # row 3
    with (root / "visits.csv").open("a") as f:
        f.write("P9999,BP26999,2026-10-01,97110,GP,2,120.00,09:00,09:30,Dana Whitfield DPT,,\n")
        f.write("P1008,BP26998,2026-10-02,97110,GP,2,120.00,10:30,10:00,Dana Whitfield DPT,,\n")
    toml = (root / "practice.toml").read_text().replace('type = "medicare"', 'type = "medicare_z"')
    (root / "practice.toml").write_text(toml)

    practice, findings = read_practice(root)

    assert practice is None
    assert places(findings) == {
        ("practice.toml", 22, "payers.04112.type", "practice.unknown_value"),
        ("patients.csv", 10, "birth_date", "practice.date"),
        ("coverages.csv", 3, "payer_type", "practice.unknown_value"),
        ("visits.csv", 216, "patient_id", "practice.unknown_patient"),
        ("visits.csv", 217, "end_time", "practice.time_order"),
    }
    by_code = {f.code: f for f in findings}
    assert '"1990-02-30" is not a date (expected YYYY-MM-DD)' in by_code["practice.date"].message
    assert "hmo_plus" in str(findings[2]) and "expected medicare," in str(findings[2])
    assert str(by_code["practice.time_order"]).endswith(
        "visits.csv:row 217, column end_time: error: ends at 10:00, not after it starts at 10:30"
    )
    assert all(f.severity is Severity.ERROR for f in findings)


def test_skip_bad_rows_keeps_the_good_ones(tmp_path: Path) -> None:
    visits = (
        VISITS_HEADER
        + "P1001,BP1,2026-01-06,97110,GP,2,120.00,07:30,08:00,Dana Whitfield DPT,,\n"
        + "P1001,BP1,2026-01-06,97140,GP,1,65.00,8:00,08:15,Dana Whitfield DPT,,\n"
        + "P1002,BP2,2026-13-06,97110,GP,2,120.00,,,Dana Whitfield DPT,,\n"
    )
    root = folder(tmp_path, **{"visits.csv": visits})
    assert read_practice(root)[0] is None
    practice, findings = read_practice(root, skip_bad_rows=True)
    assert practice is not None
    assert [(v.claim_id, v.line, v.code) for v in practice.visits] == [
        ("BP1", 1, "97110"),
        ("BP1", 2, "97140"),
    ]
    assert practice.visits[1].start_time == time(8, 0)  # "8:00" is a time too
    (skipped,) = findings
    assert skipped.severity is Severity.WARNING and skipped.message.endswith("(row skipped)")
    assert (skipped.row, skipped.column) == (4, "service_date")


def test_rows_of_a_skipped_patient_are_skipped_too(tmp_path: Path) -> None:
    patients = PATIENTS + "P1003,,Raman,1991-06-04,BP-100258\n"
    visits = VISITS_HEADER + "P1003,BP3,2026-01-06,97110,,2,120.00,,,,,\n"
    root = folder(tmp_path, **{"patients.csv": patients, "visits.csv": visits})
    _, strict = read_practice(root)
    assert places(strict) == {("patients.csv", 4, "first_name", "practice.required")}
    practice, findings = read_practice(root, skip_bad_rows=True)
    assert practice is not None and practice.visits == ()
    assert {(Path(f.file).name, f.row) for f in findings} == {
        ("patients.csv", 4),
        ("visits.csv", 2),
    }


def test_a_missing_column_cannot_be_skipped(tmp_path: Path) -> None:
    root = folder(
        tmp_path, **{"visits.csv": "patient_id,claim_id,code,charge\nP1001,BP1,97110,1\n"}
    )
    practice, findings = read_practice(root, skip_bad_rows=True)
    assert practice is None
    assert places(findings) == {("visits.csv", 1, "service_date", "practice.csv.missing_column")}


def test_practice_toml_is_required_and_checked(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "practice.toml").unlink()
    practice, findings = read_practice(root)
    assert practice is None and [f.code for f in findings] == ["practice.toml.missing"]
    (root / "practice.toml").write_text('name = "X"\nnpi = 12\n[payers.1]\nappeal_days = "soon"\n')
    practice, findings = read_practice(root)
    assert practice is None
    assert places(findings) == {
        ("practice.toml", 2, "npi", "practice.npi"),
        ("practice.toml", 4, "payers.1.appeal_days", "practice.integer"),
    }
    (root / "practice.toml").write_text('name = "X"\nnpi = \n')
    _, findings = read_practice(root)
    assert [(f.code, f.row) for f in findings] == [("practice.toml.syntax", 2)]


def test_every_file_and_column(tmp_path: Path) -> None:
    files = {
        "coverages.csv": (
            "patient_id,payer_id,payer_name,payer_type,rank,member_id,group_number,plan_name,"
            "plan_year_start,effective_date,end_date,extra\n"
            "P1001,73120,Summit,commercial,1,M1,G1,Plan,07-01,2026-01-01,2025-12-31,x\n"
            "P1001,73120,Summit,commercial,0,M1,G1,Plan,13-01,,,x\n"
            "P1002,73120,Summit,commercial,1,M2,G1,Plan,,,,x\n"
        ),
        "benefits.csv": (
            "patient_id,payer_id,benefit,limit,unit,period,counts_codes,excludes_codes,"
            "used_elsewhere,as_of\n"
            "P1001,73120,pt_ot,20,visits,rolling_months:12,97110 97140,,0,2026-01-02\n"
            "P1001,73120,aba,1e3,minutes,fortnight,,,-1,\n"
        ),
        "authorizations.csv": (
            "patient_id,payer_id,auth_number,codes,units,unit,per,start_date,end_date\n"
            "P1001,73120,A1,97153,80,units,week,2026-01-05,2026-12-31\n"
            "P1001,73120,A1,97153,80,units,year,2026-01-05,2025-12-31\n"
        ),
        "waivers.csv": (
            "patient_id,payer_id,kind,signed_date,codes,valid_through\n"
            "P1002,99999,abn,2026-08-18,,2026-08-01\n"
        ),
        "records__index.csv": (
            "file,patient_id,service_date,kind\nnote.md,P1001,2026-01-06,note\n../etc,P1001,,\n"
        ),
        "visits.csv": VISITS_HEADER
        + "P1001,BP1,2026-01-06,97110,,2,120.00,07:30,,,,nowhere.md\n"
        + "P1002,BP1,2026-01-06,97110,,x,120.00,24:00,25:00,,,\n",
    }
    root = folder(tmp_path, **files)
    (root / "records" / "note.md").write_text("note")
    practice, findings = read_practice(root)
    assert practice is None
    assert places(findings) == {
        ("coverages.csv", 2, "end_date", "practice.date_order"),
        ("coverages.csv", 3, "rank", "practice.integer"),
        ("coverages.csv", 3, "plan_year_start", "practice.month_day"),
        ("benefits.csv", 3, "limit", "practice.number"),
        ("benefits.csv", 3, "unit", "practice.unknown_value"),
        ("benefits.csv", 3, "period", "practice.unknown_value"),
        ("benefits.csv", 3, "used_elsewhere", "practice.number"),
        ("authorizations.csv", 3, "per", "practice.unknown_value"),
        ("authorizations.csv", 3, "end_date", "practice.date_order"),
        ("authorizations.csv", 3, "auth_number", "practice.duplicate"),
        ("waivers.csv", 2, "payer_id", "practice.no_coverage"),
        ("waivers.csv", 2, "valid_through", "practice.date_order"),
        ("index.csv", 3, "file", "practice.document_path"),
        ("visits.csv", 2, "end_time", "practice.required"),
        ("visits.csv", 2, "note_ref", "practice.missing_document"),
        ("visits.csv", 3, "units", "practice.number"),
        ("visits.csv", 3, "start_time", "practice.time"),
        ("visits.csv", 3, "end_time", "practice.time"),
        ("visits.csv", 3, "claim_id", "practice.claim_patient"),
    }
    practice, _ = read_practice(root, skip_bad_rows=True)
    assert practice is not None
    (benefit,) = practice.benefits
    assert benefit.period == BenefitPeriod(PeriodKind.ROLLING_MONTHS, 12)
    assert str(benefit.period) == "rolling_months:12"
    assert practice.authorizations[0].per is AuthPer.WEEK
    assert [r.file_name for r in practice.records] == ["note.md"]
    assert [c.patient_id for c in practice.coverages] == ["P1002"] and practice.waivers == ()
    assert MonthDay(7, 1).__str__() == "07-01"


def test_not_a_folder(tmp_path: Path) -> None:
    practice, findings = read_practice(tmp_path / "nowhere")
    assert practice is None and findings[0].code == "practice.folder"
