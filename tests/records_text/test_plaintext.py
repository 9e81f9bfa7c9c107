"""Plain-text documents: paragraphs, bullets, Label: lines and headings recognised by their look."""

from __future__ import annotations

from recoup.records_text.plaintext import read_plain

WAIVER = """\
BRIGHTPATH PHYSICAL THERAPY
412 Aspen Ridge Road, Loveland

PATIENT FINANCIAL RESPONSIBILITY WAIVER

Patient: Owen Brandt            Account: ACC-2
Insurance: Summit Health Plan, member
  SHP389015572

I agree to pay for visits
beyond the plan limit.

Assessment:
* Gait improved.
* Balance improved.
"""


def test_headings_paragraphs_labels_and_bullets() -> None:
    pieces = read_plain(WAIVER)

    assert [(p.section, p.locator, p.text) for p in pieces] == [
        ("BRIGHTPATH PHYSICAL THERAPY", "line 2", "412 Aspen Ridge Road, Loveland"),
        (
            "PATIENT FINANCIAL RESPONSIBILITY WAIVER",
            "line 6",
            "Patient: Owen Brandt Account: ACC-2",
        ),
        (
            "PATIENT FINANCIAL RESPONSIBILITY WAIVER",
            "lines 7-8",
            "Insurance: Summit Health Plan, member SHP389015572",
        ),
        (
            "PATIENT FINANCIAL RESPONSIBILITY WAIVER",
            "lines 10-11",
            "I agree to pay for visits beyond the plan limit.",
        ),
        ("Assessment", "line 14", "Gait improved."),
        ("Assessment", "line 15", "Balance improved."),
    ]
    assert pieces[2].cells == (("Insurance", "Summit Health Plan, member SHP389015572"),)
    assert pieces[3].cells == ()


def test_plain_text_keeps_asterisks_that_are_not_bullets() -> None:
    (piece,) = read_plain("Score 3 * 4 = 12, see *note*.")

    assert piece.text == "Score 3 * 4 = 12, see *note*."


def test_a_prose_paragraph_opening_with_a_label_stays_whole() -> None:
    (piece,) = read_plain("Rationale: the child needs\n30 hours a week of treatment.")

    assert piece.text == "Rationale: the child needs 30 hours a week of treatment."
    assert piece.cells == ()
