"""``recoup letter ID``: the packet for one denial or claim, from what is in the store.

``ID`` is a denial id (``BP26021-1@SHP26041700114``, as ``recoup worklist`` and ``recoup triage
--json`` show it), a practice claim number (CLP01) or a payer claim number (CLP07); a claim gives
one packet per lane its denials are in. The practice's clinical records are read from the folder
the practice was imported from.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recoup.cli.common import db_option, fail, open_store, parse_date, today_option

if TYPE_CHECKING:  # letters (ReportLab, python-docx) and the store load when the command runs
    from recoup.store import Store
    from recoup.triage import WorkItem

FORMATS = ("md", "docx", "pdf")  # recoup.letters.FORMATS, kept here so `recoup` starts fast

__all__ = ["letter_command", "register_letter_command"]


def _items(store: Store, ident: str, today: date) -> list[WorkItem]:
    from recoup.pipeline import stored_worklist, work_item

    one = work_item(store, ident, today)
    if one is not None:
        return [one]
    every = stored_worklist(store, today).items
    return [i for i in every if ident in (i.patient_account, i.payer_claim_id, i.denial_id)]


def letter_command(
    ident: str = typer.Argument(..., help="A denial id, or a claim number (CLP01 or CLP07)."),
    db: str | None = db_option(),
    out: Path = typer.Option(Path("letters"), "--out", help="Folder the packet is written to."),
    today: str | None = today_option("The letter's date (YYYY-MM-DD; default today)."),
    formats: list[str] = typer.Option(
        list(FORMATS), "--format", help="md, docx or pdf; repeat for several (default all)."
    ),
) -> None:
    """Write the appeal packet (letter as Markdown, DOCX and PDF, checklist) for a denial."""
    from recoup.letters import write_packet
    from recoup.pipeline import packets

    day = parse_date(today)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise fail(f"unknown --format {', '.join(bad)} (use md, docx or pdf)")
    with open_store(db, must_exist=True) as store:
        items = _items(store, ident, day)
    if not items:
        raise fail(f"no open denial or claim {ident} in the store (see: recoup worklist)")
    for result in packets(items, day):
        if result.packet is None:
            raise fail(result.error)
        try:
            files = write_packet(result.packet, out, formats)
        except OSError as exc:
            raise fail(f"cannot write to {out}: {exc.strerror or exc}") from None
        typer.echo(f"{result.packet.key}: {len(files)} files in {out / result.packet.key}")
        for missing in result.packet.missing:
            typer.echo(f"  to fill in: {missing}")


def register_letter_command(app: typer.Typer) -> None:
    app.command("letter")(letter_command)
