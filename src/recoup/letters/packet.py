"""Writing a packet to disk: one folder per claim and lane, complete or not at all.

::

    <outdir>/<CLP01>-<CLP07>-<lane>/
        letter.md       the letter that is sent (the text the DOCX and PDF are rendered from):
                        its source notes name what the reader can see (the remittance of a
                        date, Exhibit A, an enclosed record and its page)
        letter-biller.md  the biller's copy: the same letter, its sources the file, row and
                        segment behind each fact
        letter.docx     for editing in Word
        letter.pdf      for sending
        packet.pdf      the letter followed by the enclosed record PDFs, merged (when there are any)
        checklist.md    what to send, what to fill in first, the deadline
        packet.json     the packet's facts: denials, amount, deadline, sources, placeholders, files

The folder is built under a temporary name and renamed into place, so a failure leaves nothing
half-written; writing the same packet again replaces it.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from recoup.letters.compose import format_date, format_usd
from recoup.letters.docx_out import docx_bytes
from recoup.letters.model import Packet
from recoup.letters.pdf_out import pdf_bytes
from recoup.letters.reader import LANE_WORDS, key_words

__all__ = ["FORMATS", "checklist", "write_packet"]

FORMATS = ("md", "docx", "pdf")


def checklist(packet: Packet) -> str:
    """The biller's list for this packet, as Markdown."""
    lines = [f"# {packet.title}: claim {packet.claim_id}", ""]
    due = format_date(packet.deadline) if packet.deadline else "no appeal deadline"
    lane = LANE_WORDS.get(packet.lane, packet.lane)
    lines += [
        f"- Lane: {lane[:1].upper()}{lane[1:]}",
        f"- Amount: {format_usd(packet.amount)}",
        f"- Due: {due}",
        f"- Denials: {', '.join(packet.denial_ids)}",
        "",
        "## Why this lane",
        "",
        *[f"- {key_words(r)}" for r in packet.reasons],
        "",
        "## Before sending",
        "",
    ]
    if packet.missing:
        lines += [f"- [ ] fill in {m}" for m in packet.missing]
    else:
        lines.append("- [x] every fact the letter needs is on file")
    lines += ["- [ ] read the letter and sign it", "", "## Enclose", ""]
    for enclosure in packet.enclosures:
        where = f" ({enclosure.source})" if enclosure.source else ""
        lines.append(f"- [ ] {enclosure.title}{where}")
    lines += [
        "",
        "## Copies",
        "",
        "- letter.md / letter.docx / letter.pdf: the copy that is sent; its notes name what the "
        "payer or patient can see",
        "- letter-biller.md: the same letter citing the file, row and segment behind each fact "
        "(packet.json maps each note of the sent copy to them)",
    ]
    return "\n".join(lines) + "\n"


def _merge(letter_pdf: bytes, records: Iterable[Path], out: Path) -> list[str]:
    """The letter then each record PDF; a record that cannot be read is named, not merged."""
    problems = []
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(letter_pdf)))
    for path in records:
        try:
            writer.append(PdfReader(str(path)))
        except (OSError, PyPdfError, ValueError) as exc:
            problems.append(f"{path.name}: not merged ({type(exc).__name__})")
    with out.open("wb") as handle:
        writer.write(handle)
    return problems


def write_packet(packet: Packet, outdir: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the packet's folder under ``outdir``; return the files written (final paths)."""
    wanted = tuple(formats)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown letter format(s) {', '.join(unknown)}; use md, docx or pdf")
    outdir.mkdir(parents=True, exist_ok=True)
    final = outdir / packet.key
    if final.resolve().parent != outdir.resolve():
        raise ValueError(f"packet name {packet.key!r} would leave {outdir}")
    work = Path(tempfile.mkdtemp(prefix=f".{packet.key}-", dir=outdir))
    notes: list[str] = []
    try:
        (work / "letter.md").write_text(packet.markdown, encoding="utf-8")
        if packet.biller_markdown:
            (work / "letter-biller.md").write_text(packet.biller_markdown, encoding="utf-8")
        if "docx" in wanted:
            (work / "letter.docx").write_bytes(docx_bytes(packet.markdown))
        if "pdf" in wanted:
            letter_pdf = pdf_bytes(packet.markdown, packet.title)
            (work / "letter.pdf").write_bytes(letter_pdf)
            if packet.record_pdfs:
                notes = _merge(letter_pdf, packet.record_pdfs, work / "packet.pdf")
        (work / "checklist.md").write_text(checklist(packet), encoding="utf-8")
        names = sorted(p.name for p in work.iterdir())
        meta = {
            "packet": packet.key,
            "lane": packet.lane,
            "claim": packet.claim_id,
            "payer_claim": packet.payer_claim_id,
            "denials": list(packet.denial_ids),
            "amount": str(packet.amount),
            "deadline": packet.deadline.isoformat() if packet.deadline else None,
            "missing": list(packet.missing),
            "sources": list(packet.sources),
            # the sent letter's notes, each with the file, row and segment behind it
            "notes": [
                {"number": n, "note": note, "sources": list(behind)}
                for n, (note, behind) in enumerate(packet.notes, 1)
            ],
            "enclosures": [e.title for e in packet.enclosures],
            "merge_problems": notes,
            "files": [*names, "packet.json"],
        }
        (work / "packet.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    packet.files = sorted(final.iterdir())
    return packet.files
