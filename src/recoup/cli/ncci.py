"""``recoup ncci import``, ``recoup ncci lookup`` and ``recoup scrub``: CMS edits and the
pre-billing scrub.

Thin: each command reads its inputs, calls :mod:`recoup.store.ncci`, :mod:`recoup.ncci` or
:mod:`recoup.scrub`, and prints lines or JSON. Bad input is a message with its file and row on
stderr and a non-zero exit status, never a traceback. ``recoup scrub`` exits 1 when a line would
be denied (so a script can stop the batch), 2 when its input cannot be read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from recoup.cli.common import fitted, safe
from recoup.findings import Finding, Severity
from recoup.jsonout import dumps

__all__ = ["ncci_app", "register_ncci_commands"]

ncci_app = typer.Typer(
    help="CMS NCCI procedure-to-procedure (PTP) and MUE edits: import a quarter, look up a pair.",
    no_args_is_help=True,
)

_err = Console(stderr=True)

DB_HELP = (
    "The store: a SQLite file path or a database URL. Default: $RECOUP_DATABASE_URL, else "
    "./recoup.db (lookups and the scrub use the bundled illustrative table when it is not there)."
)


def _echo(text: str) -> None:
    typer.echo(text)


def _fail(message: str, code: int) -> typer.Exit:
    _err.print(f"[red]error:[/] {message}", soft_wrap=True, markup=True)
    return typer.Exit(code)


def _print_findings(findings: tuple[Finding, ...] | list[Finding]) -> None:
    for finding in findings:
        _err.print(f"  {safe(finding)}", soft_wrap=True, markup=False)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f'{option} "{text}" is not a date (expected YYYY-MM-DD)', 2) from None


@contextmanager
def _store(db: str | None, *, create: bool) -> Iterator[Any]:
    """The store, or ``None`` when none is given and the default one does not exist."""
    from recoup.store import Store, StoreError

    try:
        store = Store.open(db, must_exist=not create)
    except StoreError as exc:
        if db is None and not create:
            yield None
            return
        raise _fail(str(exc), 2) from None
    try:
        yield store
    finally:
        store.close()


@ncci_app.command("import")
def import_command(
    files: list[Path] = typer.Argument(
        ..., help="CMS practitioner PTP parts (ccipra-v322r0-f1.txt ...) and MUE tables."
    ),
    quarter: str | None = typer.Option(
        None, "--quarter", help="The quarter, like 2026Q3, when the file names do not say it."
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP, metavar="PATH_OR_URL"),
) -> None:
    """Load CMS NCCI PTP and MUE files (tab text, CSV or Excel) into the store as the quarter's
    edition. All files land in one transaction: a file with an error means nothing is written.
    Importing the same file again changes nothing."""
    from recoup.ncci import parse_quarter
    from recoup.store.ncci import import_ncci_files

    chosen = None
    if quarter is not None:
        chosen = parse_quarter(quarter)
        if chosen is None:
            raise _fail(f'--quarter "{quarter}" is not a quarter (expected like 2026Q3)', 2)
    with _store(db, create=True) as store:
        results = import_ncci_files(store.engine, files, quarter=chosen)
    failed = False
    for result in results:
        _echo(result.line())
        if result.findings:
            failed = True
            _print_findings(result.findings)
    if failed:
        raise typer.Exit(1)


@ncci_app.command("lookup")
def lookup_command(
    code1: str = typer.Argument(..., help="A procedure code."),
    code2: str = typer.Argument(..., help="The other procedure code."),
    on: str = typer.Option(..., "--on", help="The date of service, YYYY-MM-DD."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP, metavar="PATH_OR_URL"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The PTP edit between two codes on a date of service, and each code's MUE, from the CMS
    quarter in force (or the bundled illustrative table), naming the table used."""
    from recoup.ncci import mue_table_for, ptp_table_for

    day = _date(on, "--on")
    assert day is not None
    with _store(db, create=False) as store:
        table, ptp_name = ptp_table_for(day, store)
        edit = table.find(code1, code2, day)
        mues, mue_name = mue_table_for(day, store)
        values = {c: (mues.find(c) if mues is not None else None) for c in (code1, code2)}
    if as_json:
        _echo(
            dumps(
                {
                    "on": day,
                    "ptp_table": ptp_name,
                    "edit": None
                    if edit is None
                    else {**edit._asdict(), "source": edit.source, "bypassable": edit.bypassable},
                    "mue_table": mue_name,
                    "mue": {c: (v._asdict() if v else None) for c, v in values.items()},
                }
            )
        )
        return
    if edit is None:
        _echo(f"no PTP edit between {code1} and {code2} on {day} in {ptp_name}")
    else:
        _echo(edit.describe())
        _echo(f"  source: {edit.source}")
        _echo(f"  table: {ptp_name}")
    for code, value in values.items():
        _echo(f"MUE {code}: " + (value.describe() if value else f"unknown ({mue_name})"))


def _print_report(report: Any, comparison: Any) -> None:
    current = None
    for issue in report.issues:
        if issue.claim_id != current:
            current = issue.claim_id
            _echo(f"{issue.claim_id}")
        where = f"line {issue.line} {issue.service_date} {issue.code}" if issue.line else "claim"
        _echo(
            fitted(
                f"{where}: {issue.severity.upper()} {issue.rule}: {issue.message}",
                "    ",
                first="  ",
            )
        )
        _echo(fitted(f"change: {issue.change}", "      ", first="    "))
        _echo(fitted(f"source: {issue.source}", "      ", first="    "))
    blocking = len(report.blocking)
    _echo(
        f"{report.claims} claims, {report.lines} lines: {blocking} would be denied, "
        f"{len(report.issues) - blocking} warnings"
    )
    _echo(fitted("tables used: " + "; ".join(report.tables), "  "))
    if comparison is not None:
        _echo(comparison.line())
        for missed in comparison.missed:
            _echo(f"  not flagged: {missed}")
        for issue in comparison.flagged_paid:
            _echo(f"  flagged but paid in full: {issue.claim_id} line {issue.line} {issue.rule}")


def scrub_command(
    claims: list[Path] = typer.Argument(
        None, help="837P claim files. Without them, the practice's visits.csv claims."
    ),
    practice_dir: Path = typer.Option(..., "--practice", help="The practice folder."),
    remittances: list[Path] = typer.Option(
        None,
        "--remittances",
        help="835 files for the history (paid claims, allowed amounts). "
        "Default: the practice's remittances/*.835.",
    ),
    today: str | None = typer.Option(
        None,
        "--today",
        help="The date the claims are sent (timely filing, duplicates). Default: each batch's "
        "date (BHT04), else the claim's last date of service.",
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP, metavar="PATH_OR_URL"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Before sending: each claim line that would be denied, what to change, the rule and its
    source; then how many of the remittances' denials it would have prevented. Exit status 1
    when something would be denied."""
    from recoup.practice import read_practice
    from recoup.scrub import claims_from_visits, compare, read_837_claims, read_history, scrub

    sent = _date(today, "--today")
    practice, findings = read_practice(practice_dir)
    if practice is None:
        _print_findings([f for f in findings if f.severity is Severity.ERROR])
        raise _fail(f"the practice folder {practice_dir} could not be read", 2)
    if claims:
        batch, read_findings = read_837_claims(claims, practice)
        errors = [f for f in read_findings if f.severity is Severity.ERROR]
        if errors:
            _print_findings(errors)
            raise _fail("the claim files could not be read", 2)
    else:
        batch = claims_from_visits(practice)
        _err.print(f"no 837 files given: scrubbing the {len(batch)} claims of visits.csv")
    paths = remittances or sorted((practice_dir / "remittances").glob("*.835"))
    history, history_findings = read_history(paths, practice)
    _print_findings([f for f in history_findings if f.severity is Severity.ERROR])
    with _store(db, create=False) as store:
        report = scrub(batch, practice, history, store=store, today=sent)
    ids = {c.claim_id for c in batch}
    has_remits = any(claim_id in ids for claim_id in history.by_claim)
    comparison = compare(batch, report.issues, history) if has_remits else None
    if as_json:
        payload: dict[str, Any] = {
            "claims": report.claims,
            "lines": report.lines,
            "issues": [i.to_dict() for i in report.issues],
            "tables": list(report.tables),
            "blocked": report.blocked,
        }
        if comparison is not None:
            payload["comparison"] = {
                "denials": comparison.denials,
                "prevented": comparison.prevented,
                "prevented_amount": comparison.prevented_amount,
                "not_flagged": list(comparison.missed),
                "flagged_paid": [i.to_dict() for i in comparison.flagged_paid],
                "summary": comparison.line(),
            }
        _echo(dumps(payload))
    else:
        _print_report(report, comparison)
    sys.stdout.flush()
    if report.blocked:
        raise typer.Exit(1)


def register_ncci_commands(app: typer.Typer) -> None:
    app.add_typer(ncci_app, name="ncci")
    app.command("scrub")(scrub_command)
