"""Writing a claim result: the 837P file with unique envelope numbers and its Markdown summary."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from recoup.claims_out.boxes import boxes_markdown
from recoup.claims_out.correct import ClaimResult
from recoup.x12.claims837 import ClaimBatch
from recoup.x12.writer837 import write_837

__all__ = ["next_control_number", "result_markdown", "write_result"]

_ISA13 = re.compile(rb"ISA(.).{101}", re.DOTALL)


def next_control_number(out: Path, floor: int = 0) -> int:
    """One more than the highest ISA13 of the 837 files already in ``out`` (and ``floor``).

    Control numbers must not repeat between interchanges a submitter sends; numbering from what
    the output folder already holds keeps reruns and several claims apart.
    """
    highest = floor
    for path in out.glob("*.837"):
        head = path.read_bytes()[:200]
        found = _ISA13.match(head)
        if found:
            fields = found[0].split(found[1])
            if len(fields) > 13 and fields[13].isdigit():
                highest = max(highest, int(fields[13]))
    return highest + 1


def write_result(result: ClaimResult, out: Path, today: date) -> Path | None:
    """Write ``<out>/<claim>-<form>.837`` and ``.md``; returns the 837 path (None: not written)."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{result.claim_id}-{result.form}"
    (out / f"{stem}.md").write_text(result_markdown(result), encoding="utf-8")
    if result.claim is None or result.batch is None:
        return None
    original = result.batch
    floor = int(original.interchange_control) if original.interchange_control.isdigit() else 0
    number = next_control_number(out, floor)
    batch = ClaimBatch(
        file="",
        control_number=f"{number % 10000:04d}",
        interchange_control=f"{number:09d}",
        group_control=str(number),
        sender_id=original.sender_id,
        receiver_id=original.receiver_id,
        reference=f"{result.claim_id[:20]}{number}"[:30],
        created=today,
        submitter=original.submitter,
        receiver_name=original.receiver_name,
        receiver_id_code=original.receiver_id_code,
        claims=(result.claim,),
    )
    path = out / f"{stem}.837"
    path.write_text(write_837([batch]), encoding="ascii", errors="replace")
    return path


def result_markdown(result: ClaimResult) -> str:
    lines = [f"# Claim {result.claim_id}: {result.form}", ""]
    if result.claim is not None:
        lines.append("Written: the 837P file next to this summary.")
    else:
        lines.append("**Not written.**")
    lines.append("")
    for note in result.notes:
        lines += [note, ""]
    if result.missing:
        lines.append("## What to add")
        lines += [f"- {m}" for m in result.missing] + [""]
    if result.changes:
        lines += [
            "## Changes",
            "",
            "| element | was | now | why | source |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {c.element} | {c.old} | {c.new} | {c.why} | {c.source} |" for c in result.changes
        ]
        lines.append("")
    if result.claim is not None:
        lines += ["## CMS-1500 summary", "", boxes_markdown(result.claim)]
    return "\n".join(lines)
