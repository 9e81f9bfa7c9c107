"""``recoup import``, ``recoup claims``, ``recoup claim``: the store from the command line.

Thin: each command opens the store (``--db``, else ``$RECOUP_DATABASE_URL``, else ./recoup.db),
calls one :class:`recoup.store.Store` method and prints the result as text or JSON. Problems
are printed with their place and the exit code is non-zero; no traceback reaches the user.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from recoup.cli.common import (
    SafeTable,
    db_option,
    fail,
    open_store,
    out,
    parse_date,
    print_findings,
    shown,
    sized,
    today_option,
)
from recoup.cli.common import (
    table as make_table,
)
from recoup.jsonout import dumps, to_jsonable
from recoup.money import format_money

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported when a command runs
    from recoup.pipeline import BatchImport
    from recoup.store import ClaimHistory, ImportResult
    from recoup.store.queries import ClaimView, LineView
    from recoup.store.sent import SentClaim

__all__ = ["register_store_commands"]

DB_HELP = (
    "The store: a SQLite file path or a database URL (sqlite:///..., postgresql://...). "
    "Default: $RECOUP_DATABASE_URL, else ./recoup.db."
)


def _summary(result: ImportResult) -> str:
    if result.status == "failed":
        return "failed, nothing imported"
    if result.status == "already imported":
        return "already imported, nothing changed"
    if result.kind == "practice":
        parts = []
        for table, change in result.changes:
            if change.inserted or change.updated:
                part = f"{table} {change.inserted} new"
                parts.append(part + (f", {change.updated} updated" if change.updated else ""))
        return "imported: " + "; ".join(parts)
    if result.kind == "837":
        return (
            f"imported {_count(result.claims, 'sent claim')} ({result.new_claims} new, "
            f"{result.known_claims} already stored)"
        )
    repeated = f", {result.repeated_claims} repeated in the file" if result.repeated_claims else ""
    text = (
        f"imported {_count(result.claims, 'claim')} ({result.new_claims} new, "
        f"{result.known_claims} already stored{repeated}), {_count(result.denials, 'denial')}"
    )
    if result.relinked:
        text += f", reversal links updated on {_count(result.relinked, 'claim')}"
    if result.left_out:
        text += f"; {_count(result.left_out, 'payment')} left out (see the errors)"
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def import_command(
    paths: list[Path] = typer.Argument(
        ...,
        help="835 and 837P files and practice folders, in any order.",
        metavar="FILE_OR_FOLDER...",
    ),
    skip_bad_rows: bool = typer.Option(
        False,
        "--skip-bad-rows",
        help="Import a practice folder without its invalid rows instead of not at all.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Refuse files whose envelope breaks the X12 rules (counts, control numbers) even "
        "when their money balances; by default those are warnings and the file is posted.",
    ),
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    today: str | None = today_option(
        "The date the worklist's deadlines count from (default today)."
    ),
) -> None:
    """Import 835 remittance files and practice folders into the store.

    Each file is one transaction: it lands whole or not at all. Importing a file again changes
    nothing ("already imported"); a claim payment already stored from another file is not
    counted twice; a reversal is linked to the claim it reverses and to its correction,
    whatever the order the files arrive in. A practice folder with an invalid row is not
    imported (all its problems are listed) unless --skip-bad-rows is given. After the batch the
    denial worklist is brought up to date once (see `recoup worklist`). The exit code is 1
    when any file or folder failed.
    """
    from recoup.pipeline import import_paths

    day = parse_date(today)
    with open_store(db) as store:
        _report_batch(
            lambda report: import_paths(
                store,
                paths,
                today=day,
                skip_bad_rows=skip_bad_rows,
                strict=strict,
                on_result=report,
            ),
            as_json,
        )


def load_parquet_command(
    folder: Path = typer.Argument(
        ..., help="The output folder of `recoup batch` (its --out).", metavar="DIR"
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Refuse files whose envelope breaks the X12 rules (as import)."
    ),
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    today: str | None = today_option(
        "The date the worklist's deadlines count from (default today)."
    ),
) -> None:
    """Load a `recoup batch` output folder (Parquet) into the store, e.g. a team's PostgreSQL.

    Every file the batch finished is imported from the bytes the batch kept, exactly as
    `recoup import` imports a file: one transaction per file, a file already in the store is
    "already imported", a claim payment already stored is not counted twice, reversals are
    linked. Files the batch rejected are listed as not loaded. The worklist is brought up to
    date once at the end. Needs the cluster extra (pyarrow). The exit code is 1 when any file
    failed.
    """
    if not folder.is_dir():
        raise fail(f"{folder}: no such folder (give the --out folder of `recoup batch`)")
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise fail(
            "load-parquet needs the cluster extra (pyarrow): pip install 'recoup[cluster]'"
        ) from None
    from recoup.pipeline.parquet_load import load_parquet

    day = parse_date(today)
    with open_store(db) as store:
        _report_batch(
            lambda report: load_parquet(store, folder, today=day, strict=strict, on_result=report),
            as_json,
        )


def _report_batch(
    run: Callable[[Callable[[ImportResult], None]], BatchImport], as_json: bool
) -> None:
    """Run an import batch, printing each result as it comes, then the worklist's change."""
    from recoup.store import RefreshResult

    console = out()

    def report(result: ImportResult) -> None:
        if not as_json:
            style = (
                "red"
                if not result.ok or result.left_out
                else "green"
                if result.status == "imported"
                else ""
            )
            line = Text.assemble((f"{result.path}: ", "bold"), (_summary(result), style))
            console.print(line, soft_wrap=not sized())
            print_findings(result.findings, console)

    batch = run(report)
    results = batch.results
    refreshed = batch.refresh or RefreshResult(0, 0, 0)
    if not as_json:
        console.print(
            f"worklist: {refreshed.new} new, {refreshed.updated} updated, "
            f"{refreshed.closed_elsewhere} closed by a later remittance"
            + (
                f"; re-import to triage: {', '.join(refreshed.missing_files)}"
                if refreshed.missing_files
                else ""
            ),
            soft_wrap=not sized(),
        )
    if as_json:
        payload = [
            {
                "path": r.path,
                "kind": r.kind,
                "status": r.status,
                "claims": r.claims,
                "new_claims": r.new_claims,
                "already_stored_claims": r.known_claims,
                "repeated_claims": r.repeated_claims,
                "denials": r.denials,
                "reversal_links_updated": r.relinked,
                "payments_left_out": r.left_out,
                "changes": {t: c._asdict() for t, c in r.changes},
                "findings": to_jsonable(r.findings),
            }
            for r in results
        ]
        typer.echo(dumps({"imports": payload, "worklist": refreshed._asdict()}))
    if any(not r.ok or r.left_out for r in results):
        raise typer.Exit(1)


def _money(amount: Any) -> str:
    return format_money(amount) if amount is not None else ""


def claims_command(
    patient: str | None = typer.Option(
        None, "--patient", help="Only this patient: id, account number, member id or name."
    ),
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the claims as JSON."),
) -> None:
    """List the stored claim payments, oldest first, with their state.

    State is current, reversed (a later reversal undid it) or reversal. See one claim's
    history with `recoup claim ID`.
    """
    with open_store(db, must_exist=True) as store:
        found = store.claims(patient)
    if as_json:
        typer.echo(dumps({"claims": found}))
        return
    table = SafeTable(show_lines=False)
    for column, justify in (
        ("claim", "left"),
        ("payer claim", "left"),
        ("payer", "left"),
        ("patient", "left"),
        ("service", "left"),
        ("notice", "left"),
        ("billed", "right"),
        ("paid", "right"),
        ("denied", "right"),
        ("codes", "left"),
        ("state", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for c in found:
        table.add_row(
            c.patient_control_number,
            c.payer_claim_id,
            c.payer_name,
            c.patient_name,
            c.service_date.isoformat() if c.service_date else "",
            c.notice_date.isoformat() if c.notice_date else "",
            _money(c.charge),
            _money(c.paid),
            _money(c.denied) if c.denied else "",
            " ".join(c.denial_codes),
            c.state,
        )
    console = out()
    console.print(table)
    console.print(f"{len(found)} claim payments")


def claim_command(
    ident: str = typer.Argument(
        ..., help="The practice's claim number (CLP01) or the payer's (CLP07)."
    ),
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the claim and its history as JSON."),
) -> None:
    """Show one claim: its current state and its history (original → reversal → correction)."""
    with open_store(db, must_exist=True) as store:
        histories = store.claim_history(ident)
        waiting = store.sent_claims(ident) if not histories else []
    if not histories and waiting:
        if as_json:
            typer.echo(dumps({"claims": [], "sent": waiting}))
            return
        console = out()
        for claim in waiting:
            console.rule(f"[bold]{claim.patient_control_number}[/] · {claim.payer_name}")
            console.print("no remittance stored for this claim yet")
            _show_sent(claim, None, console)
        return
    if not histories:
        raise fail(f"no stored claim {ident} (looked for CLP01, CLP07 and sent claims' CLM01)")
    if as_json:
        payload = [
            {
                "payer_name": h.payer_name,
                "patient_control_number": h.patient_control_number,
                "current": [c.id for c in h.current],
                "history": h.claims,
                "recoupments": h.recoupments,
                "net_paid": h.net,
                "sent": next((c.sent for c in reversed(h.claims) if c.sent), None),
            }
            for h in histories
        ]
        typer.echo(dumps({"claims": payload}))
        return
    console = out()
    for history in histories:
        _show_history(history, console)


def _show_history(history: ClaimHistory, out: Console) -> None:
    number = {c.id: i for i, c in enumerate(history.claims, start=1)}
    first = history.claims[0]
    out.rule(
        f"[bold]{history.patient_control_number}[/] · {history.payer_name} · {first.patient_name}"
    )
    for c in history.current:
        out.print(
            f"current: #{number[c.id]} {c.payer_claim_id}, billed {_money(c.charge)}, "
            f"paid {_money(c.paid)}"
            + (f", denied {_money(c.denied)} ({' '.join(c.denial_codes)})" if c.denied else "")
        )
    if not history.current:
        out.print("current: nothing in force (every payment was reversed)")
    if history.recoupments:
        out.print(f"money: {shown(history.money_story())}")
        for r in history.recoupments:
            out.print(
                f"  PLB {shown(r.reason)}:{shown(r.reference)} {_money(r.amount)} on check "
                f"{shown(r.trace_number)} (linked by {r.link_rule or 'nothing'})"
            )
    table = make_table(
        ("#", "notice", "kind", "payer claim", "status", "billed", "paid", "link", "file"),
        right=("billed", "paid"),
        title="history",
        title_justify="left",
    )
    for c in history.claims:
        links = []
        if c.reverses_id:
            links.append(f"reverses #{number[c.reverses_id]}")
        if c.follows_id:
            links.append(f"corrects after #{number[c.follows_id]}")
        if c.reversed_by_id:
            links.append(f"reversed by #{number[c.reversed_by_id]}")
        table.add_row(
            str(number[c.id]),
            c.notice_date.isoformat() if c.notice_date else "",
            c.lineage if c.state != "reversed" else f"{c.lineage} (reversed)",
            c.payer_claim_id,
            c.status,
            _money(c.charge),
            _money(c.paid),
            ", ".join(links),
            ", ".join(os.path.basename(f) for f in c.files),
        )
    out.print(table)
    for c in history.current:
        lines = SafeTable(title=f"lines of #{number[c.id]}", title_justify="left")
        for column in ("date", "procedure", "units", "billed", "paid", "adjustments", "remarks"):
            lines.add_column(column)
        for line in c.lines:
            lines.add_row(
                line.service_date.isoformat() if line.service_date else "",
                line.procedure,
                str(line.units) if line.units is not None else "",
                _money(line.charge),
                _money(line.paid),
                " ".join(f"{code} {_money(amount)}" for code, amount in line.adjustments),
                " ".join(line.remarks),
            )
        if c.lines:
            out.print(lines)
        if c.sent is not None:
            _show_sent(c.sent, c, out)
        else:
            out.print("sent claim: not in the store (import the 837P file that sent it)")


def _show_sent(sent: SentClaim, paid: ClaimView | None, out: Console) -> None:
    """The claim as it was sent (the 837P), beside what the payment says of each line."""
    frequency = {"1": "original", "7": "replacement", "8": "void"}.get(sent.frequency, "")
    out.print(
        f"sent claim: {sent.patient_control_number} frequency {sent.frequency} ({frequency}), "
        f"place of service {sent.place_of_service}, billed {_money(sent.charge)}"
        + (f", sent {sent.sent_date.isoformat()}" if sent.sent_date else "")
        + (
            f", replaces {sent.payer_claim_control_number}"
            if sent.payer_claim_control_number
            else ""
        )
    )
    out.print(
        f"  diagnoses: {' '.join(sent.diagnoses) or '(none)'}; "
        f"source: {os.path.basename(sent.file)} segment {sent.segment}"
    )
    answered: dict[int, LineView] = {}
    for paid_line in paid.lines if paid is not None else ():
        if paid_line.sent_line is not None:
            answered[paid_line.sent_line] = paid_line
    table = make_table(
        ("ln", "date", "code", "mods", "units", "billed", "REF*6R", "auth", "paid", "adjusted"),
        right=("units", "billed", "paid"),
        title="as sent (837P)",
        title_justify="left",
    )
    for index, line in enumerate(sent.lines):
        answer = answered.get(index)
        table.add_row(
            str(line.position),
            line.service_date.isoformat() if line.service_date else "",
            line.code,
            " ".join(line.modifiers),
            str(line.units),
            _money(line.charge),
            line.control_number,
            line.prior_authorization,
            _money(answer.paid) if answer is not None else "",
            " ".join(code for code, _ in answer.adjustments) if answer is not None else "",
        )
    out.print(table)


def register_store_commands(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("load-parquet")(load_parquet_command)
    app.command("claims")(claims_command)
    app.command("claim")(claim_command)
