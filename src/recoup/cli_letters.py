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
from rich.console import Console

if TYPE_CHECKING:  # letters (ReportLab, python-docx) and the store load when the command runs
    from recoup.records_text import RecordSet
    from recoup.store import Store
    from recoup.triage import WorkItem

FORMATS = ("md", "docx", "pdf")  # recoup.letters.FORMATS, kept here so `recoup` starts fast

__all__ = ["letter_command", "register_letter_command"]

_err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/] {message}", soft_wrap=True, markup=True)
    return typer.Exit(1)


def _items(store: Store, ident: str, today: date) -> list[WorkItem]:
    one = store.work_item(ident, today=today)
    if one is not None:
        return [one]
    every = store.work_items(today=today).items
    return [i for i in every if ident in (i.patient_account, i.payer_claim_id, i.denial_id)]


def letter_command(
    ident: str = typer.Argument(..., help="A denial id, or a claim number (CLP01 or CLP07)."),
    db: str | None = typer.Option(
        None, "--db", help="The store (a SQLite path or a database URL; default ./recoup.db)."
    ),
    out: Path = typer.Option(Path("letters"), "--out", help="Folder the packet is written to."),
    today: str | None = typer.Option(None, "--today", help="The letter's date (YYYY-MM-DD)."),
    formats: list[str] = typer.Option(
        list(FORMATS), "--format", help="md, docx or pdf; repeat for several (default all)."
    ),
) -> None:
    """Write the appeal packet (letter as Markdown, DOCX and PDF, checklist) for a denial."""
    from recoup.letters import FactCheckError, build_packet, packets_for, write_packet
    from recoup.records_text import read_records
    from recoup.store import Store, StoreError

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise _fail(f'--today "{today}" is not a date (expected YYYY-MM-DD)') from None
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise _fail(f"unknown --format {', '.join(bad)} (use md, docx or pdf)")
    try:
        with Store.open(db, must_exist=True) as store:
            items = _items(store, ident, day)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    if not items:
        raise _fail(f"no open denial or claim {ident} in the store (see: recoup worklist)")
    records_by_folder: dict[str, RecordSet] = {}
    for group in packets_for(items):
        ctx = group[0].context
        practice = ctx.practice if ctx is not None else None
        records = None
        if practice is not None:
            if practice.folder not in records_by_folder:
                records_by_folder[practice.folder] = read_records(practice)
            records = records_by_folder[practice.folder]
        try:
            packet = build_packet(group, records, day)
            files = write_packet(packet, out, formats)
        except FactCheckError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            raise _fail(f"cannot write to {out}: {exc.strerror or exc}") from None
        typer.echo(f"{packet.key}: {len(files)} files in {out / packet.key}")
        for missing in packet.missing:
            typer.echo(f"  to fill in: {missing}")


def register_letter_command(app: typer.Typer) -> None:
    app.command("letter")(letter_command)
