"""Markdown notes: headings give sections, table rows keep their headers, lines their numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from recoup.records_text import RecordSet
from recoup.records_text.markdown import read_markdown

MakeRecords = Callable[..., RecordSet]

NOTE = """\
# Progress Report

**Patient:** Ada Lane, account ACC-1
**Date of service:** 2026-09-01

## Objective measures
| measure | 2026-08-04 (baseline) | 2026-09-01 (today) |
| --- | --- | --- |
| Berg Balance Scale | 38/56 | 44/56 |
| *Timed Up and Go* | 18.4 s | 14.9 s |

## Assessment
Measurable progress; continued **skilled** physical therapy
is medically necessary.

- First item
  continues here.
- **Time:** 09:00-11:00 (8 units)
1. Numbered goal.
"""


def test_each_line_kind_becomes_its_own_passage() -> None:
    pieces = read_markdown(NOTE)

    assert [(p.section, p.locator) for p in pieces] == [
        ("Progress Report", "line 3"),
        ("Progress Report", "line 4"),
        ("Objective measures", "line 9"),
        ("Objective measures", "line 10"),
        ("Assessment", "lines 13-14"),
        ("Assessment", "lines 16-17"),
        ("Assessment", "line 18"),
        ("Assessment", "line 19"),
    ]


def test_label_lines_carry_their_label_and_value() -> None:
    pieces = read_markdown(NOTE)

    assert pieces[0].text == "Patient: Ada Lane, account ACC-1"
    assert pieces[0].cells == (("Patient", "Ada Lane, account ACC-1"),)
    assert pieces[6].text == "Time: 09:00-11:00 (8 units)"
    assert pieces[6].cells == (("Time", "09:00-11:00 (8 units)"),)


def test_table_rows_keep_their_headers_and_lose_emphasis() -> None:
    pieces = read_markdown(NOTE)

    assert pieces[2].cells == (
        ("measure", "Berg Balance Scale"),
        ("2026-08-04 (baseline)", "38/56"),
        ("2026-09-01 (today)", "44/56"),
    )
    assert pieces[3].cells[0] == ("measure", "Timed Up and Go")
    assert pieces[2].text == (
        "measure: Berg Balance Scale; 2026-08-04 (baseline): 38/56; 2026-09-01 (today): 44/56"
    )


def test_prose_is_whitespace_normalised_and_emphasis_stripped() -> None:
    pieces = read_markdown(NOTE)

    assert pieces[4].text == (
        "Measurable progress; continued skilled physical therapy is medically necessary."
    )
    assert pieces[4].cells == ()
    assert pieces[5].text == "First item continues here."
    assert pieces[7].text == "Numbered goal."


def test_ragged_tables_and_quotes_are_read() -> None:
    pieces = read_markdown("| a | b |\n| 1 | 2 | 3 |\n| 4 |\n\n> quoted line\n")

    assert [p.cells for p in pieces[:2]] == [
        (("a", "1"), ("b", "2"), ("column 3", "3")),
        (("a", "4"), ("b", "")),
    ]
    assert pieces[2].text == "quoted line"


def test_passages_take_file_patient_date_and_kind_from_the_index(
    make_records: MakeRecords,
) -> None:
    records = make_records({"note.md": NOTE})

    berg = records.find("P1", words=("Berg Balance",))[0]
    assert berg.file == "records/note.md"
    assert (berg.patient_id, berg.date, berg.kind) == ("P1", date(2026, 8, 4), "note")
    assert berg.source == "records/note.md line 9"
    assert berg.cell("2026-09-01 (TODAY)") == "44/56"
    assert records.findings == ()
