"""Make the PDF and DOCX clinical documents of the example practices (fictional, like the rest).

    .venv/bin/python scripts/make_example_records.py

writes, from the text below:

- examples/brightpath-pt/records/kowalski_poc_certification_2026-08-07.pdf: Dr Helen Marsh's
  signed certification of Walter Kowalski's plan of care (what the plan of care of 2026-08-04
  and the progress note of 2026-09-01 say she signed on 2026-08-07);
- examples/little-steps-aba/records/marchetti_treatment_plan_update_2026-07-01.docx: the
  July-December 2026 treatment plan update for Theo Marchetti (hours as authorised).

Creation dates and other metadata are fixed, and the DOCX zip entries carry a fixed time, so a
rerun writes the same bytes. The files are committed; their rows are in each records/index.csv.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.shared import Pt
from fpdf import FPDF

__all__ = ["main", "make_certification_pdf", "make_treatment_plan_docx"]

ROOT = Path(__file__).resolve().parent.parent
PDF_PATH = ROOT / "examples/brightpath-pt/records/kowalski_poc_certification_2026-08-07.pdf"
DOCX_PATH = (
    ROOT / "examples/little-steps-aba/records/marchetti_treatment_plan_update_2026-07-01.docx"
)
ZIP_TIME = (2026, 7, 1, 12, 0, 0)

# Page 1 and page 2 of the certification: ("heading" | "text" | "labels" | "bullets", content).
CERTIFICATION: tuple[tuple[tuple[str, str | tuple[str, ...]], ...], ...] = (
    (
        ("heading", "BRIGHTPATH PHYSICAL THERAPY"),
        ("text", "412 Aspen Ridge Road, Suite 200, Loveland, CO 80538 - 970-555-0142"),
        ("heading", "PHYSICIAN CERTIFICATION OF THE PLAN OF CARE"),
        ("text", "Outpatient physical therapy - Medicare Part B"),
        (
            "labels",
            (
                "Patient: Walter Kowalski (DOB 1949-05-14), MBI 7QX2HN4RT61, account BP-100291",
                "Evaluation and plan of care: 2026-08-04, Dana Whitfield, PT, DPT (NPI 1295837466)",
                "Certifying physician: Helen Marsh, MD (NPI 1902847361)",
                "Certification period: 2026-08-04 to 2026-09-28",
                "Diagnosis: R26.81 unsteadiness on feet; M62.81 muscle weakness (generalized); "
                "Z91.81 history of falling",
            ),
        ),
        ("heading", "PLAN OF CARE"),
        (
            "labels",
            (
                "Frequency and duration: 2 times a week for 8 weeks.",
                "Interventions: therapeutic exercise (97110), neuromuscular re-education (97112), "
                "therapeutic activities (97530), home exercise program.",
                "Baseline measures (2026-08-04): Berg Balance Scale 38/56; Timed Up and Go 18.4 s; "
                "30-second chair stand 7; gait speed (10 m walk) 0.68 m/s.",
            ),
        ),
        ("heading", "TREATMENT GOALS"),
        (
            "bullets",
            (
                "Berg Balance Scale 45/56 or better in 8 weeks.",
                "Timed Up and Go under 13.5 s in 8 weeks.",
                "Walk 300 m outdoors with cane, no loss of balance, in 8 weeks.",
            ),
        ),
    ),
    (
        ("heading", "PHYSICIAN CERTIFICATION"),
        (
            "text",
            "I have reviewed the plan of care established on 2026-08-04 by Dana Whitfield, PT, "
            "DPT, for Walter Kowalski. I certify that the patient is under my care, that he needs "
            "skilled physical therapy for balance and lower-extremity strength deficits with a "
            "high risk of falls, that the plan of care was established and will be reviewed "
            "periodically, and that the services in it are medically necessary for the "
            "certification period 2026-08-04 to 2026-09-28.",
        ),
        (
            "labels",
            (
                "Physician: Helen Marsh, MD",
                "NPI: 1902847361",
                "Signature: electronically signed by Helen Marsh, MD",
                "Date signed: 2026-08-07",
            ),
        ),
    ),
)


def make_certification_pdf() -> bytes:
    pdf = FPDF(format="letter")
    pdf.set_creation_date(datetime(2026, 8, 7, 15, 30, tzinfo=UTC))
    pdf.set_title("Physician certification of the plan of care - Walter Kowalski")
    pdf.set_author("Helen Marsh, MD")
    pdf.set_subject("Plan of care certification, 2026-08-04 to 2026-09-28")
    pdf.set_creator("recoup scripts/make_example_records.py")
    pdf.set_margins(20, 20, 20)
    for page in CERTIFICATION:
        pdf.add_page()
        for kind, content in page:
            _pdf_block(pdf, kind, content)
    return bytes(pdf.output())


def _pdf_block(pdf: FPDF, kind: str, content: str | tuple[str, ...]) -> None:
    lines = (content,) if isinstance(content, str) else content
    if kind == "heading":
        pdf.set_font("Helvetica", "B", 12)
    else:
        pdf.set_font("Helvetica", "", 10.5)
    for line in lines:
        text = f"- {line}" if kind == "bullets" else line
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        if kind in ("labels", "bullets"):
            pdf.ln(1)
    pdf.ln(5)


def make_treatment_plan_docx() -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    _docx_properties(doc)
    doc.add_heading("ABA Treatment Plan Update - July to December 2026", level=0)
    for label, value in (
        ("Client", "Theo Marchetti (DOB 2021-04-18), account LS-30112"),
        ("Payer", "Prairie Mutual, member PMX70219934-02, group 7700418"),
        ("Diagnosis", "F84.0 autism spectrum disorder"),
        ("Plan period", "2026-07-01 to 2026-12-31"),
        ("Authorizations", "PMA-26-00412 (97153), PMA-26-00413 (97155), 2026-01-05 to 2026-12-31"),
        ("Supervising analyst", "Daniel Ortiz, BCBA"),
    ):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}:").bold = True
        paragraph.add_run(f" {value}")
    doc.add_heading("Progress on goals (January to June 2026)", level=1)
    doc.add_paragraph(
        "Data are from the program book (session data collected by the RBT team and reviewed "
        "weekly by the supervising analyst). Theo made measurable progress on every goal; none "
        "is yet met."
    )
    _docx_table(
        doc,
        ("goal", "baseline (2026-01)", "2026-06", "target by 2026-12-31"),
        (
            (
                "Manding with two-word phrases",
                "20% independent",
                "58% independent",
                "80% independent across 3 people",
            ),
            (
                "Waiting for a preferred item without problem behavior",
                "no delay tolerated",
                "3 s delay",
                "10 s delay, 8 of 10 trials",
            ),
            (
                "Dropping to the floor at transitions",
                "about 15 episodes a day",
                "about 9 episodes a day",
                "under 2 a day for 4 consecutive weeks",
            ),
            (
                "Toilet routine initiated with a picture cue",
                "0 of 5 days",
                "3 of 5 days",
                "5 of 5 days",
            ),
        ),
    )
    doc.add_heading("Recommended services (medical necessity)", level=1)
    _docx_table(
        doc,
        ("code", "service", "recommended amount"),
        (
            (
                "97153",
                "adaptive behavior treatment by protocol (RBT)",
                "20 hours a week (80 units), clinic",
            ),
            ("97155", "protocol modification by the BCBA", "up to 3 hours a week (12 units)"),
        ),
    )
    doc.add_paragraph(
        "Rationale: transitions remain the main barrier to group and preschool settings, and "
        "the manding and waiting programs are still being built. Continuing treatment at 20 "
        "hours a week with BCBA protocol modification is recommended; a lower dose is expected "
        "to slow progress on the transition goal."
    )
    doc.add_heading("Plan", level=1)
    for item in (
        "Continue the transition protocol (verbal 2-minute warning); the BCBA probes it and "
        "modifies it if the floor-dropping episodes do not fall further.",
        "Extend manding targets to peers and a second adult.",
        "Re-assess progress on every goal before 2026-12-31.",
    ):
        doc.add_paragraph(item, style="List Bullet")
    doc.add_paragraph("Signed: Daniel Ortiz, BCBA - 2026-07-01")
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _docx_properties(doc: WordDocument) -> None:
    properties = doc.core_properties
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    properties.author = "Daniel Ortiz, BCBA"
    properties.last_modified_by = "Daniel Ortiz, BCBA"
    properties.title = "ABA Treatment Plan Update - Theo Marchetti"
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1
    properties.comments = "Fictional example record made by recoup scripts/make_example_records.py"


def _docx_table(
    doc: WordDocument, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]
) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for r, values in enumerate((header, *rows)):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
            if r == 0:
                table.cell(r, c).paragraphs[0].runs[0].bold = True


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ZIP_TIME, so the bytes do not depend on today."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def main() -> None:
    for path, data in (
        (PDF_PATH, make_certification_pdf()),
        (DOCX_PATH, make_treatment_plan_docx()),
    ):
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
