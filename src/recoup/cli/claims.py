"""``recoup claim-file ID``: the corrected, new, void or secondary 837P claim for a denial.

Works from files: the practice folder (with its sent claims in ``claims/*.837``) and the
remittances. ``ID`` is the practice's claim number (CLP01), a payer claim number (CLP07) or a
denial id. Writes ``<out>/<claim>-<form>.837`` and a Markdown summary listing each changed element
and why; when the payer takes a reopening, or something the claim needs is unknown, only the
summary is written and it says so (exit code 1 when the claim could not be written).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

__all__ = ["claim_file_command", "register_claim_commands"]

_err = Console(stderr=True)
LANES = ("corrected_claim", "bill_other_payer")


def claim_file_command(
    ident: str = typer.Argument(..., help="Claim number (CLP01 or CLP07) or denial id."),
    more: list[Path] | None = typer.Argument(
        None, help="More 835 files (so that --era a.835 b.835 ... takes a shell glob)."
    ),
    practice_dir: Path = typer.Option(..., "--practice", help="The practice folder."),
    era: list[Path] = typer.Option(..., "--era", help="835 remittance files (repeat)."),
    out: Path = typer.Option(Path("claims-out"), "--out", help="Folder to write the claim to."),
    today: str | None = typer.Option(None, "--today", help="The date to decide as of."),
    void: bool = typer.Option(
        False, "--void", help="Withdraw the claim instead (frequency 8 with the payer's number)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write the corrected (or secondary) 837P claim that a triage decision calls for."""
    from recoup.claims_out import file_claim, original_claims, write_result
    from recoup.findings import Finding, has_errors
    from recoup.practice import read_practice
    from recoup.triage import triage
    from recoup.x12 import read_835_file

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        _err.print(f'error: --today "{today}" is not a date (expected YYYY-MM-DD)')
        raise typer.Exit(2) from None
    practice, findings = read_practice(practice_dir)
    if practice is None or has_errors(findings):
        for finding in findings:
            _err.print(str(finding), markup=False)
        raise typer.Exit(1)
    results = [read_835_file(path) for path in [*era, *(more or [])]]
    for result in results:
        for finding in result.findings:
            _err.print(str(finding), markup=False)
    items = [
        i
        for i in triage(results, practice, day).items
        if i.lane in LANES and ident in (i.patient_account, i.payer_claim_id, i.denial_id)
    ]
    if not items:
        _err.print(f"error: no corrected_claim or bill_other_payer decision for {ident}")
        raise typer.Exit(1)
    sent_findings: list[Finding] = []
    originals = original_claims(practice_dir, sent_findings)
    for finding in sent_findings:
        _err.print(str(finding), markup=False)
    filed = file_claim(items, originals, practice, void=void)
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


def register_claim_commands(app: typer.Typer) -> None:
    app.command("claim-file")(claim_file_command)
