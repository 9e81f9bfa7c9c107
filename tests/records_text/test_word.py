"""Word documents: paragraphs and table rows, sections from heading styles."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document

from recoup.records_text import RecordSet

MakeRecords = Callable[..., RecordSet]


def docx_of() -> bytes:
    doc = Document()
    doc.add_heading("Treatment Plan Update", level=0)
    label = doc.add_paragraph()
    label.add_run("Client:").bold = True
    label.add_run(" Ada Lane, account ACC-1")
    doc.add_paragraph("")
    doc.add_heading("Progress", level=1)
    doc.add_paragraph("Manding   improved\nacross settings.")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        (("goal", "baseline", "now"), ("Manding", "20%", "58%"), ("Waiting", "0 s", "3 s"))
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_heading("Details", level=1)
    form = doc.add_table(rows=2, cols=2)
    for r, (key, value) in enumerate(
        (("Plan period:", "2026-07-01 to 2026-12-31"), ("BCBA:", "D. Ortiz"))
    ):
        form.cell(r, 0).text = key
        form.cell(r, 1).text = value
    doc.add_paragraph("Continue the plan.", style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_paragraphs_and_table_rows_with_their_places(make_records: MakeRecords) -> None:
    records = make_records({"plan.docx": docx_of()})

    assert [(p.locator, p.section, p.text) for p in records.passages] == [
        ("paragraph 2", "Treatment Plan Update", "Client: Ada Lane, account ACC-1"),
        ("paragraph 4", "Progress", "Manding improved across settings."),
        ("table 1, row 2", "Progress", "goal: Manding; baseline: 20%; now: 58%"),
        ("table 1, row 3", "Progress", "goal: Waiting; baseline: 0 s; now: 3 s"),
        ("table 2, row 1", "Details", "Plan period: 2026-07-01 to 2026-12-31"),
        ("table 2, row 2", "Details", "BCBA: D. Ortiz"),
        ("paragraph 6", "Details", "Continue the plan."),
    ]
    assert records.passages[0].cells == (("Client", "Ada Lane, account ACC-1"),)
    assert records.passages[2].cells == (("goal", "Manding"), ("baseline", "20%"), ("now", "58%"))
    assert records.passages[4].cells == (("Plan period", "2026-07-01 to 2026-12-31"),)
    assert records.findings == ()


def test_merged_cells_are_read_once(make_records: MakeRecords) -> None:
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for c, value in enumerate(("code", "service", "amount")):
        table.cell(0, c).text = value
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "97153 treatment"
    table.cell(1, 2).text = "20 hours"
    buffer = io.BytesIO()
    doc.save(buffer)
    records = make_records({"t.docx": buffer.getvalue()})

    assert records.passages[0].cells == (
        ("code", "97153 treatment"),
        ("service", ""),
        ("amount", "20 hours"),
    )
    assert records.passages[0].text == "code: 97153 treatment; amount: 20 hours"


def test_a_damaged_word_document_is_reported(make_records: MakeRecords) -> None:
    records = make_records({"bad.docx": b"PK\x03\x04 not really a zip", "ok.md": "Fine."})

    (finding,) = records.findings
    assert (finding.code, finding.message) == ("records.corrupt", "not a readable Word document")
    assert finding.file.endswith("records/bad.docx")
    assert [p.text for p in records.passages] == ["Fine."]
