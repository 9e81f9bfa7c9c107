"""``recoup claim-file ID``: the corrected, new, void or secondary 837P claim for a denial.

Works from the store (``--db``): the claim as it was sent is the 837P that ``recoup import``
stored, else the practice folder's ``claims/*.837``. Or from files (``--practice`` and
``--era``): the practice folder with its sent claims and the remittances. ``ID`` is the
practice's claim number (CLP01), a payer claim number (CLP07) or a denial id. Writes
``<out>/<claim>-<form>.837`` and a Markdown summary listing each changed element and why;
when the payer takes a reopening, or something the claim needs is unknown, only the summary is
written and it says so (exit code 1 when the claim could not be written).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from recoup.cli.common import db_option, fail, open_store

if TYPE_CHECKING:
    from recoup.claims_out import ClaimResult, OriginalClaim
    from recoup.store import Store
    from recoup.triage import WorkItem

__all__ = ["claim_file_command", "register_claim_commands"]

_err = Console(stderr=True)
LANES = ("corrected_claim", "bill_other_payer")


def claim_file_command(
    ident: str = typer.Argument(..., help="Claim number (CLP01 or CLP07) or denial id."),
    more: list[Path] | None = typer.Argument(
        None, help="More 835 files (so that --era a.835 b.835 ... takes a shell glob)."
    ),
    practice_dir: Path | None = typer.Option(
        None, "--practice", help="The practice folder (with --era: work from files)."
    ),
    era: list[Path] | None = typer.Option(
        None, "--era", help="835 remittance files (repeat; with --practice)."
    ),
    db: str | None = db_option(),
    out: Path = typer.Option(Path("claims-out"), "--out", help="Folder to write the claim to."),
    today: str | None = typer.Option(None, "--today", help="The date to decide as of."),
    void: bool = typer.Option(
        False, "--void", help="Withdraw the claim instead (frequency 8 with the payer's number)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write the corrected (or secondary) 837P claim that a triage decision calls for.

    From the store (--db, the default): built from the 837P claim as it was sent when the store
    holds it (`recoup import` of the practice's claims/*.837), else from the practice folder.
    From files: --practice DIR --era FILE.835...
    """
    from recoup.claims_out import file_claim, write_result

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        _err.print(f'error: --today "{today}" is not a date (expected YYYY-MM-DD)')
        raise typer.Exit(2) from None
    files = [*(era or []), *(more or [])]
    if practice_dir is not None or files:
        if practice_dir is None or not files:
            raise fail("working from files needs both --practice DIR and --era FILE.835", 2)
        if db is not None:
            raise fail("give --db, or --practice with --era, not both", 2)
        items, originals = _from_files(ident, practice_dir, files, day)
    else:
        with open_store(db, must_exist=True) as store:
            items, originals = _from_store(store, ident, day)
    practice = items[0].context.practice if items[0].context is not None else None
    filed = file_claim(items, originals, practice, void=void)
    filed = filed._replace(notes=(*_built_from(filed, originals), *filed.notes))
    path = write_result(filed, out, day)
    if as_json:
        print(
            json.dumps(
                {
                    "claim_id": filed.claim_id,
                    "form": filed.form,
                    "file": str(path) if path else None,
                    "changes": [c._asdict() for c in filed.changes],
                    "missing": list(filed.missing),
                    "notes": list(filed.notes),
                },
                indent=2,
            )
        )
    else:
        print(f"{filed.claim_id}: {filed.form}" + (f" -> {path}" if path else " (not written)"))
        for change in filed.changes:
            print(f"  {change.element}: {change.old} -> {change.new} ({change.why})")
        for note in filed.notes:
            print(f"  {note}")
        for what in filed.missing:
            print(f"  add: {what}")
    if path is None and filed.form != "reopening":
        raise typer.Exit(1)


def _built_from(filed: ClaimResult, originals: dict[str, list[OriginalClaim]]) -> list[str]:
    """Which sent claim the written claim starts from (the latest with its CLM01)."""
    found = originals.get(filed.claim_id, [])
    if not found or filed.form == "reopening":
        return []
    claim = found[-1].claim
    name = os.path.basename(claim.file) if claim.file else "(unnamed file)"
    return [f"Built from the claim as sent: {name} segment {claim.segment}."]


def _from_files(
    ident: str, practice_dir: Path, files: list[Path], day: date
) -> tuple[list[WorkItem], dict[str, list[OriginalClaim]]]:
    from recoup.claims_out import original_claims
    from recoup.findings import Finding, has_errors
    from recoup.practice import read_practice
    from recoup.triage import triage
    from recoup.x12 import read_835_file

    practice, findings = read_practice(practice_dir)
    if practice is None or has_errors(findings):
        for finding in findings:
            _err.print(str(finding), markup=False)
        raise typer.Exit(1)
    results = [read_835_file(path) for path in files]
    for result in results:
        for finding in result.findings:
            _err.print(str(finding), markup=False)
    items = _wanted(triage(results, practice, day).items, ident)
    sent_findings: list[Finding] = []
    originals = original_claims(practice_dir, sent_findings)
    for finding in sent_findings:
        _err.print(str(finding), markup=False)
    return items, originals


def _from_store(
    store: Store, ident: str, day: date
) -> tuple[list[WorkItem], dict[str, list[OriginalClaim]]]:
    from recoup.pipeline import originals_for, stored_worklist, work_item

    one = work_item(store, ident, day) if ident.isdigit() else None  # a denial's row id
    items = _wanted(stored_worklist(store, day).items, one.denial_id if one else ident)
    return items, originals_for(items, store)


def _wanted(items: tuple[WorkItem, ...] | list[WorkItem], ident: str) -> list[WorkItem]:
    found = [
        i
        for i in items
        if i.lane in LANES and ident in (i.patient_account, i.payer_claim_id, i.denial_id)
    ]
    if not found:
        _err.print(f"error: no corrected_claim or bill_other_payer decision for {ident}")
        raise typer.Exit(1)
    return found


def register_claim_commands(app: typer.Typer) -> None:
    app.command("claim-file")(claim_file_command)
