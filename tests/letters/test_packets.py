"""What the packets hold for the seed cases, and the files written for them."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import docx
import pytest
from pypdf import PdfReader

from letter_helpers import TODAY, example, groups, packet_for
from recoup.letters import build_packet, installments, write_packet
from recoup.textsafe import markdown_plain


def test_aba_corrected_claim_has_the_session_timeline_from_the_log() -> None:
    """97153 09:00-11:00 + 97155 13:00-14:00, no modifier: the packet shows the log's times and
    cites its rows."""
    packet = packet_for("little-steps-aba", "LS4114")
    md = packet.markdown
    assert packet.lane == "corrected_claim"
    assert "## Exhibit A — Session timeline for August 11, 2026" in md
    rows = [line for line in md.splitlines() if line.startswith("| 9715")]
    assert any("| 97153 |" in r and "| 09:00 | 11:00 |" in r for r in rows), rows
    assert any("| 97155 |" in r and "| 13:00 | 14:00 |" in r for r in rows), rows
    # the biller's copy cites the log's rows; the sent copy's exhibit is the source itself
    rows = [line for line in packet.biller_markdown.splitlines() if line.startswith("| 9715")]
    assert rows and all("visits.csv row" in r for r in rows)
    assert "No two sessions with recorded times overlap." in md
    assert "XE" in md  # the modifier the rule says to add


def test_pt_recount_has_the_visit_table_with_the_miscounted_date() -> None:
    packet = packet_for("brightpath-pt", "BP26049")
    md = packet.markdown
    assert packet.lane == "recount_dispute"
    marked = [line for line in md.splitlines() if "**counted; our count leaves out" in line]
    assert len(marked) == 1
    assert marked[0].startswith("| May 5, 2026 | BP26022 | SHP26052900107 | 97161 |")
    assert "| July 14, 2026 | BP26049 |" in md
    assert "visit 19" in md and "visit 20" not in md  # 19 counted visits before the denial
    assert "benefits.csv row" in "\n".join(packet.sources)


def test_every_factual_line_of_the_reference_block_has_a_source() -> None:
    packet = packet_for("brightpath-pt", "BP26021")
    labels = ("**Patient:**", "**Member ID:**", "**Payer claim number:**", "**Remittance:**")
    for label in labels:
        line = next(x for x in packet.biller_markdown.splitlines() if x.startswith(label))
        assert re.search(r" \[\d+(, \d+)*\]\\?$", line), line
    # the sent copy cites what the payer can see: its own remittance (the name is the
    # practice's patient list, which the payer does not hold)
    for label in labels[1:]:
        line = next(x for x in packet.markdown.splitlines() if x.startswith(label))
        assert re.search(r" \[\d+\]\\?$", line), line


def test_missing_appeals_address_is_a_visible_placeholder() -> None:
    packet = packet_for("brightpath-pt", "BP26062")  # Medicare: no appeal_address on file
    wanted = (
        "[MISSING: appeals address for Medicare Part B (Jurisdiction H) — add it to "
        "practice.toml [payers.04112] appeal_address]"
    )
    assert wanted in markdown_plain(packet.biller_markdown)  # the Markdown escapes [ and ]
    assert wanted in packet.missing
    # the sent copy says what is missing, not which setting holds it
    assert "[MISSING: appeals address for Medicare Part B (Jurisdiction H)]" in packet.markdown
    assert "practice.toml" not in packet.markdown
    assert "## To complete before sending" in packet.markdown


def test_patient_statement_names_the_waiver_and_offers_a_plan() -> None:
    packet = packet_for("brightpath-pt", "BP26061")
    md = packet.markdown
    assert "On August 18, 2026 you signed a financial agreement" in md
    assert "waivers.csv row" in "\n".join(packet.sources)
    assert "| 6 of 6 | $30.85 |" in md and "| Total | $185.00 |" in md


def test_payment_plan_adds_up_to_the_cent() -> None:
    plan = installments(Decimal("1900.00"), 6)
    assert plan == (Decimal("316.67"),) * 5 + (Decimal("316.65"),)
    assert sum(plan) == Decimal("1900.00")


@pytest.mark.parametrize("cents", [1, 5, 99, 100, 18500, 190000, 123457])
@pytest.mark.parametrize("months", [1, 2, 3, 6, 7, 12])
def test_payment_plans_always_balance(cents: int, months: int) -> None:
    total = Decimal(cents) / 100
    plan = installments(total, months)
    assert sum(plan) == total
    assert all(p > 0 for p in plan)
    assert max(plan) - min(plan) <= Decimal("0.05") * months


def test_write_packet_writes_every_form(tmp_path) -> None:
    packet = packet_for("brightpath-pt", "BP26062")  # Medicare KX, clinical records enclosed
    files = {p.name for p in write_packet(packet, tmp_path)}
    assert files == {
        "letter.md",
        "letter-biller.md",
        "letter.docx",
        "letter.pdf",
        "packet.pdf",
        "checklist.md",
        "packet.json",
    }
    folder = tmp_path / packet.key
    text = "\n".join(p.text for p in docx.Document(str(folder / "letter.docx")).paragraphs)
    assert "Walter Kowalski" in text and "0226261944106" in text
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(folder / "letter.pdf").pages)
    assert "Walter Kowalski" in pdf_text and "0226261944106" in pdf_text
    letter_pages = len(PdfReader(folder / "letter.pdf").pages)
    merged = PdfReader(folder / "packet.pdf")
    assert len(merged.pages) == letter_pages + sum(p.pages or 0 for p in packet.enclosures)
    assert len(merged.pages) > letter_pages  # the certification PDF is in it
    meta = json.loads((folder / "packet.json").read_text())
    assert meta["claim"] == "BP26062" and meta["missing"] == list(packet.missing)
    # each note of the sent letter keeps the file, row and segment behind it
    assert [n["note"] for n in meta["notes"]] == [note for note, _ in packet.notes]
    behind = {s for n in meta["notes"] for s in n["sources"]}
    assert any(".835 segment" in s for s in behind)
    assert any(s.startswith("records/kowalski_") for s in behind)
    assert (folder / "letter-biller.md").read_text() == packet.biller_markdown
    checklist = (folder / "checklist.md").read_text()
    assert "- [ ] fill in [MISSING: appeals address" in checklist


def test_writing_again_replaces_the_folder(tmp_path) -> None:
    packet = packet_for("little-steps-aba", "LS4115")
    write_packet(packet, tmp_path)
    (tmp_path / packet.key / "stray.txt").write_text("x")
    write_packet(packet, tmp_path, formats=("md",))
    assert sorted(p.name for p in (tmp_path / packet.key).iterdir()) == [
        "checklist.md",
        "letter-biller.md",
        "letter.md",
        "packet.json",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_pdf_is_the_same_bytes_each_time() -> None:
    from recoup.letters.pdf_out import pdf_bytes

    md = packet_for("little-steps-aba", "LS4115").markdown
    assert pdf_bytes(md) == pdf_bytes(md)


def test_every_example_packet_builds_and_checks() -> None:
    for name in ("brightpath-pt", "little-steps-aba"):
        records = example(name)[1]
        for group in groups(name):
            packet = build_packet(group, records, TODAY)
            assert packet.sources and packet.markdown.endswith("\n")
