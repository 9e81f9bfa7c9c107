"""PDF documents: the text layer, page by page, located as "page 2, paragraph 3"."""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF

from recoup.records_text import NO_TEXT_LAYER, RecordSet

MakeRecords = Callable[..., RecordSet]


def pdf_of(*pages: list[str], password: str = "") -> bytes:
    """A PDF whose pages hold these paragraphs (blank space between paragraphs)."""
    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for paragraphs in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page with a drawing and no text: what a scan looks like to a text reader."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def test_pages_and_paragraphs_are_counted(make_records: MakeRecords) -> None:
    data = pdf_of(
        ["PLAN OF CARE CERTIFICATION", "Patient: Ada Lane\nCertification period: 2026-08-04"],
        ["I certify that the services are medically necessary.", "Date signed: 2026-08-07"],
    )
    records = make_records({"cert.pdf": data})

    assert [(p.locator, p.section, p.text) for p in records.passages] == [
        ("page 1, paragraph 1", "PLAN OF CARE CERTIFICATION", "Patient: Ada Lane"),
        (
            "page 1, paragraph 2",
            "PLAN OF CARE CERTIFICATION",
            "Certification period: 2026-08-04",
        ),
        (
            "page 2, paragraph 1",
            "PLAN OF CARE CERTIFICATION",
            "I certify that the services are medically necessary.",
        ),
        ("page 2, paragraph 2", "PLAN OF CARE CERTIFICATION", "Date signed: 2026-08-07"),
    ]
    assert records.passages[3].cells == (("Date signed", "2026-08-07"),)
    assert records.passages[3].source == "records/cert.pdf page 2, paragraph 2"
    (document,) = records.documents("P1")
    assert (document.pages, document.passages, document.problem) == (2, 4, "")


def test_a_wrapped_paragraph_is_one_passage(make_records: MakeRecords) -> None:
    long = "Balance training progressed to dual-task work. " * 6
    records = make_records({"note.pdf": pdf_of([long.strip()])})

    (passage,) = records.passages
    assert passage.text == long.strip()


def test_a_scan_is_reported_and_still_listed_for_enclosure(make_records: MakeRecords) -> None:
    records = make_records({"scan.pdf": scanned_pdf(), "ok.md": "Readable."})

    (finding,) = records.findings
    assert finding.code == "records.no_text_layer"
    assert finding.message == NO_TEXT_LAYER
    assert finding.file.endswith("records/scan.pdf")
    assert [p.text for p in records.passages] == ["Readable."]
    scan = records.documents("P1")[0]
    assert (scan.file, scan.pages, scan.problem) == ("records/scan.pdf", 1, NO_TEXT_LAYER)


def test_an_encrypted_pdf_is_reported(make_records: MakeRecords) -> None:
    records = make_records({"locked.pdf": pdf_of(["Secret."], password="pw"), "ok.md": "Fine."})

    assert [(f.code, f.message) for f in records.findings] == [
        ("records.encrypted", "the PDF is encrypted with a password")
    ]
    assert [p.text for p in records.passages] == ["Fine."]


def test_a_pdf_with_only_an_owner_password_is_read(make_records: MakeRecords) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Opens without a password.")
    records = make_records({"owner.pdf": bytes(pdf.output())})

    assert records.findings == ()
    assert [p.text for p in records.passages] == ["Opens without a password."]


def test_a_damaged_pdf_is_reported(make_records: MakeRecords) -> None:
    records = make_records({"broken.pdf": b"%PDF-1.7\n1 0 obj <<", "ok.txt": "Fine."})

    (finding,) = records.findings
    assert finding.file.endswith("records/broken.pdf")
    assert finding.code in {"records.corrupt", "records.no_text_layer"}
    assert [p.text for p in records.passages] == ["Fine."]
