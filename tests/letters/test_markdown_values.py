"""A value from the inputs is text in a letter, never Markdown: a patient's name written with
emphasis, a table bar, a link and an HTML tag reads back as those characters in the Markdown,
the DOCX and the PDF, and adds no heading, link, cell or bold."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import docx
from pypdf import PdfReader

from letter_helpers import EXAMPLES, TODAY
from recoup.letters import build_packet, packets_for
from recoup.letters.blocks import parse_blocks, runs
from recoup.letters.docx_out import docx_bytes
from recoup.letters.pdf_out import pdf_bytes
from recoup.practice import read_practice
from recoup.records_text import read_records
from recoup.textsafe import markdown_escape, markdown_plain
from recoup.triage import triage
from recoup.x12 import read_835_file

NAME = "Eve **Bold** | [site](http://evil.example) <b>x</b>"


def _packet_with_name(tmp_path: Path, claim: str) -> str:
    folder = tmp_path / "practice"
    shutil.copytree(EXAMPLES / "brightpath-pt", folder)
    rows = list(csv.DictReader((folder / "patients.csv").open(encoding="utf-8")))
    for row in rows:
        row["first_name"] = NAME
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (folder / "patients.csv").write_text(out.getvalue(), encoding="utf-8")
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    results = [read_835_file(p) for p in sorted((folder / "remittances").glob("*.835"))]
    worklist = triage(results, practice, TODAY)
    group = next(g for g in packets_for(worklist.items) if g[0].patient_account == claim)
    return build_packet(group, read_records(practice), TODAY).markdown  # fact check passes


def test_a_name_with_markdown_in_it_is_text_in_every_format(tmp_path: Path) -> None:
    md = _packet_with_name(tmp_path, "BP26065")  # a corrected claim with a timeline table
    assert markdown_escape(NAME) in md and NAME not in md
    assert "**Patient:** " + markdown_escape(NAME) in md  # the label's own bold is kept
    blocks = parse_blocks(md)
    shown = [text for b in blocks for line in b.lines for text, _ in runs(line)]
    assert any(NAME in text for text in shown)  # the reader sees the characters
    bold = [text for b in blocks for line in b.lines for text, style in runs(line) if style]
    assert "Bold" not in bold
    for table in (b for b in blocks if b.kind == "table"):
        assert len({len(row) for row in table.rows}) == 1, table.rows  # no cell added
    headings = [line for b in blocks if b.kind.startswith("heading") for line in b.lines]
    assert all("evil" not in line for line in headings)
    document = docx.Document(io.BytesIO(docx_bytes(md)))
    assert any(NAME in p.text for p in document.paragraphs)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(md, "t"))).pages)
    assert "[site](http://evil.example)" in text.replace("\n", " ")


def test_escapes_read_back_to_the_same_text() -> None:
    values = (NAME, "- a list?", "1. numbered?", "> quote?", "# heading?", "a\\\\b", "x_y", "_e_")
    for value in values:
        assert markdown_plain(markdown_escape(value)) == value
    assert markdown_escape("-") == "-" and markdown_escape("97110-GP") == "97110-GP"
    assert markdown_escape("calendar_year") == "calendar_year"  # no emphasis inside a word
