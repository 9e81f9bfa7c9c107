"""Golden passages of the example practices: what the letters will quote, with its source."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from recoup.practice import read_practice
from recoup.records_text import RecordSet, read_records

EXAMPLES = Path(__file__).parents[2] / "examples"


@cache
def records_of(name: str) -> RecordSet:
    practice, findings = read_practice(EXAMPLES / name)
    assert practice is not None, findings
    return read_records(practice)


def test_the_examples_read_without_findings() -> None:
    assert records_of("brightpath-pt").findings == ()
    assert records_of("little-steps-aba").findings == ()


def test_the_kowalski_berg_balance_row() -> None:
    records = records_of("brightpath-pt")

    (berg,) = records.find(
        "P1007", sections=("objective measures",), words=("Berg",), kinds=("progress_note",)
    )
    assert berg.source == "records/kowalski_progress_note_2026-09-01.md line 12"
    assert berg.section == "Objective measures"
    assert berg.date == date(2026, 9, 1)
    assert berg.cells == (
        ("measure", "Berg Balance Scale"),
        ("2026-08-04 (baseline)", "38/56"),
        ("2026-09-01 (today)", "44/56"),
        ("goal", "45/56 or better"),
    )
    shown = (
        f"{berg.cell('measure')}: {berg.cells[1][1]} ({berg.cells[1][0][:10]}) -> "
        f"{berg.cells[2][1]} ({berg.cells[2][0][:10]})"
    )
    assert shown == "Berg Balance Scale: 38/56 (2026-08-04) -> 44/56 (2026-09-01)"


def test_the_kowalski_fhir_observations() -> None:
    records = records_of("brightpath-pt")

    observations = records.find("P1007", kinds=("observation",))
    assert [(p.locator, p.date, p.cell("value"), p.cell("unit")) for p in observations] == [
        ("Observation/kowalski-berg-2026-08-04", date(2026, 8, 4), "38", "score"),
        ("Observation/kowalski-berg-2026-09-01", date(2026, 9, 1), "44", "score"),
        ("Observation/kowalski-tug-2026-08-04", date(2026, 8, 4), "18.4", "s"),
        ("Observation/kowalski-tug-2026-09-01", date(2026, 9, 1), "14.9", "s"),
    ]
    assert observations[0].file == "records/kowalski_observations.fhir.json"
    assert observations[0].cell("measure") == "Berg Balance Scale total score"
    assert observations[0].text == (
        "Berg Balance Scale total score: 38 score (2026-08-04); "
        "reference range: below 45 indicates increased fall risk"
    )


def test_the_kowalski_certification_pdf() -> None:
    records = records_of("brightpath-pt")

    (signed,) = records.find("P1007", words=("Date signed",))
    assert signed.source == "records/kowalski_poc_certification_2026-08-07.pdf page 2, paragraph 5"
    assert signed.cells == (("Date signed", "2026-08-07"),)
    assert signed.kind == "plan_of_care_certification"
    (statement,) = records.find(
        "P1007", sections=("physician certification",), words=("I certify",)
    )
    assert "medically necessary" in statement.text
    assert statement.locator == "page 2, paragraph 1"
    pdf = next(d for d in records.documents("P1007") if d.is_pdf)
    assert (pdf.file, pdf.pages, pdf.date) == (
        "records/kowalski_poc_certification_2026-08-07.pdf",
        2,
        date(2026, 8, 7),
    )
    assert pdf.path.is_file()


def test_the_marchetti_session_time() -> None:
    records = records_of("little-steps-aba")

    (time,) = records.find("C2001", sections=("Session 1",), words=("Time",))
    assert time.section == "Session 1 — 97153 adaptive behavior treatment by protocol, technician"
    assert time.text == "Time: 09:00-11:00 (8 units), clinic, room 2"
    assert time.cells == (("Time", "09:00-11:00 (8 units), clinic, room 2"),)
    assert time.source == "records/marchetti_session_notes_2026-08-11.md line 8"


def test_the_marchetti_treatment_plan_update_docx() -> None:
    records = records_of("little-steps-aba")

    (hours,) = records.find("C2001", sections=("recommended services",), words=("97153",))
    assert hours.source == "records/marchetti_treatment_plan_update_2026-07-01.docx table 2, row 2"
    assert hours.cell("recommended amount") == "20 hours a week (80 units), clinic"
    assert hours.date == date(2026, 7, 1)
    assert [d.file for d in records.documents("C2001")] == [
        "records/marchetti_session_notes_2026-08-11.md",
        "records/marchetti_treatment_plan_update_2026-07-01.docx",
    ]


def test_the_brandt_waiver_text() -> None:
    records = records_of("brightpath-pt")

    (valid,) = records.find("P1006", words=("Valid for visits",))
    assert valid.source == "records/brandt_financial_waiver_2026-08-18.txt lines 14-15"
    assert valid.section == "PATIENT FINANCIAL RESPONSIBILITY WAIVER - VISITS BEYOND PLAN LIMIT"
