"""``recoup era``: read X12 835 remittance files and show what they say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from recoup.cli.common import SafeTable, out_width, print_findings, shown
from recoup.code_check import check_codes
from recoup.codes import explain
from recoup.denials import denied_items, summarize
from recoup.jsonout import dumps, to_jsonable
from recoup.money import display_money, format_money
from recoup.records import Remittance
from recoup.takebacks import is_takeback, reason_words, reconcile
from recoup.x12 import ParseResult, read_835_file

era_app = typer.Typer(help="Read X12 835 remittance (ERA) files.", no_args_is_help=True)

PROGRESS_BYTES = 20 * 1024 * 1024  # show a progress bar when a batch is larger than this


def _read_all(paths: list[Path], console: Console) -> list[ParseResult]:
    total = sum(p.stat().st_size for p in paths if p.is_file())
    if total < PROGRESS_BYTES and len(paths) < 50:
        return [read_835_file(p) for p in paths]
    results = []
    with Progress(
        TextColumn("reading remittances"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} of {task.total:,.0f} bytes"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("read", total=total)
        for path in paths:
            results.append(read_835_file(path))
            progress.advance(task, path.stat().st_size if path.is_file() else 0)
    return results


def _meaning(group: str, reason: str) -> str:
    """The short own-words description of the reason code."""
    found = explain(group, reason)
    return found.description if found.known else "unknown code (kept as sent)"


def _show(result: ParseResult, console: Console) -> None:
    console.rule(f"[bold]{shown(result.file)}")
    if not result.remittances:
        console.print("no remittance could be read from this file")
    for remit in result.remittances:
        totals = summarize(remit.claims)
        method = remit.payment_method or "?"
        when = remit.payment_date.isoformat() if remit.payment_date else "no payment date"
        amount = remit.payment_amount
        console.print(
            f"[bold]{shown(remit.payer.name or '(payer not named)')}[/] pays "
            f"[bold]{shown(remit.payee.name or '(payee not named)')}[/] "
            f"{'an unknown amount' if amount is None else display_money(amount)} "
            f"by {method} on {when}, "
            f"trace {shown(remit.trace_number or '?')}"
        )
        if totals.reversals:
            console.print(
                f"  {totals.reversals} reversal(s) of earlier payments: "
                f"{display_money(totals.reversed_paid)} taken back (see `recoup claim` for "
                "the history)"
            )
        console.print(
            f"  {totals.claims - totals.reversals} claims: billed {display_money(totals.billed)}, "
            f"paid {display_money(totals.paid)} net, adjusted {display_money(totals.adjusted)} "
            f"(patient share {display_money(totals.patient_responsibility)}), "
            f"[bold red]denied {display_money(totals.denied)}[/]"
        )
        table = SafeTable(title="denied lines", title_justify="left", show_lines=False)
        for column, justify in (
            ("claim", "left"),
            ("patient", "left"),
            ("date", "left"),
            ("procedure", "left"),
            ("group-reason", "left"),
            ("amount", "right"),
            ("remarks", "left"),
            ("meaning", "left"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        rows = 0
        for claim in remit.claims:
            for item in denied_items(claim):
                rows += 1
                table.add_row(
                    claim.patient_control_number,
                    claim.patient.display_name if claim.patient else "",
                    item.service_date.isoformat() if item.service_date else "",
                    str(item.procedure) if item.procedure else "(claim)",
                    item.codes,
                    format_money(item.amount),
                    " ".join(item.remarks),
                    _meaning(item.adjustments[0].group, item.adjustments[0].reason),
                )
        if rows:
            console.print(table)
        else:
            console.print("  no denied lines")
        _show_plb(remit, console)


def _show_plb(remit: Remittance, console: Console) -> None:
    """The provider-level adjustments (PLB) and the check: sum(CLP04) - sum(PLB) = BPR02."""
    if remit.provider_adjustments:
        table = SafeTable(title="provider adjustments (PLB)", title_justify="left")
        for column, justify in (
            ("reason", "left"),
            ("reference", "left"),
            ("amount", "right"),
            ("period", "left"),
            ("meaning", "left"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for adj in remit.provider_adjustments:
            table.add_row(
                adj.reason,
                adj.reference,
                format_money(adj.amount),
                adj.fiscal_period_end.isoformat() if adj.fiscal_period_end else "",
                ("takeback: " if is_takeback(adj) else "") + reason_words(adj.reason),
            )
        console.print(table)
    else:
        console.print("  no provider adjustments (PLB)")
    check = reconcile(remit)
    colour = {"match": "green", "mismatch": "bold red", "missing": "bold yellow"}[check.status]
    console.print(f"  check: [{colour}]{check.status}[/]: {check.words()}")


def _check_json(remit: Remittance) -> dict[str, Any]:
    check = reconcile(remit)
    return {
        "trace_number": remit.trace_number,
        "claims_paid": check.claims_paid,
        "provider_adjustments": check.provider_adjustments,
        "expected_payment": check.expected,
        "payment": check.payment,
        "difference": check.difference,
        "status": check.status,
    }


@era_app.command("show")
def show(
    files: list[Path] = typer.Argument(..., help="835 files to read."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the full parsed remittances as JSON."
    ),
) -> None:
    """Show each remittance: payer, payment, trace number, totals, the denied lines, the
    provider-level adjustments (PLB: takebacks, interest) and the check reconciliation
    (claim payments - PLB = BPR02: "match", the difference, or "missing").

    Problems in a file (wrong envelope counts, amounts that are not numbers, remittances that do
    not balance) are listed with the segment number and text. The exit code is 1 when any file
    has an error.
    """
    out = Console(soft_wrap=False, width=out_width(160))
    err = Console(stderr=True)
    missing = [p for p in files if not p.is_file()]
    results = [
        r._replace(findings=r.findings + tuple(check_codes(r.remittances)))
        for r in _read_all([p for p in files if p.is_file()], err)
    ]
    for path in missing:
        err.print(f"[red]{path}: error:[/] no such file", soft_wrap=True)
    if as_json:
        payload: dict[str, Any] = {
            "files": [
                {
                    "file": r.file,
                    "bytes": r.size,
                    "ok": r.ok,
                    "remittances": to_jsonable(r.remittances),
                    "reconciliation": [_check_json(rem) for rem in r.remittances],
                    "findings": to_jsonable(r.findings),
                }
                for r in results
            ]
        }
        typer.echo(dumps(payload))
    else:
        for result in results:
            _show(result, out)
            if result.findings:
                print_findings(result.findings, out, indent="")
    if missing or any(not r.ok for r in results):
        raise typer.Exit(1)
