"""``recoup benefits``, ``recoup check-visit``, ``recoup recount``: benefit accumulators.

Thin: each command reads the practice folder, calls one function of :mod:`recoup.accumulators`
and prints a table (rich) or JSON. Bad input (a folder that does not import, an unknown patient,
a date that is not YYYY-MM-DD) is a message on stderr and exit code 1 or 2, never a traceback.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from recoup.accumulators import (
    AuthStatus,
    BenefitStatus,
    PayerFigure,
    Reconciliation,
    VisitCheck,
    authorization_status,
    benefit_period,
    benefit_status,
    check_visit,
    claims_for_patient,
    load_eligibility,
    reconcile,
)
from recoup.cli.common import SafeTable, err, fail, fitted, out, parse_date, read_practice_folder
from recoup.findings import Finding, Severity
from recoup.jsonout import dumps, to_jsonable
from recoup.money import display_money
from recoup.practice import Practice
from recoup.words import word

__all__ = ["register_benefit_commands"]

PRACTICE_HELP = "The practice folder (practice.toml, patients.csv, benefits.csv, ...)."


def _patient_ids(practice: Practice, patient: str | None) -> list[str]:
    if patient is not None:
        if practice.patient(patient) is None:
            raise fail(f'no patient "{patient}" in {practice.folder}/patients.csv', 1)
        return [patient]
    with_limits = {b.patient_id for b in practice.benefits} | {
        a.patient_id for a in practice.authorizations
    }
    return [p.patient_id for p in practice.patients if p.patient_id in with_limits]


def _name(practice: Practice, patient_id: str) -> str:
    patient = practice.patient(patient_id)
    return f"{patient.display_name} ({patient_id})" if patient else patient_id


def _n(value: Decimal) -> str:
    """A count or amount as written, without a trailing exponent or needless zeros."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text


def _q(value: Decimal, unit: str) -> str:
    """A quantity in its unit's form: dollars as money, the rest as plain numbers."""
    return display_money(value) if unit == "dollars" else _n(value)


def _limit(value: Decimal, unit: str) -> str:
    return display_money(value) if unit == "dollars" else f"{_n(value)} {unit}"


_STYLE = {"ok": "green", "warning": "yellow", "exhausted": "red"}


def _payer_says(figures: tuple[PayerFigure, ...]) -> str:
    return "; ".join(f"{f.kind} {_n(f.quantity)} ({Path(f.file).name[:10]})" for f in figures)


def _benefit_table(rows: list[BenefitStatus]) -> Table:
    table = SafeTable(title="Benefit caps", title_justify="left")
    for column in ("benefit", "limit", "used here", "elsewhere", "remaining", "period"):
        table.add_column(column)
    for column in ("resets", "status", "auth remaining", "payer says (271)"):
        table.add_column(column)
    for s in rows:
        auth = ", ".join(f"{a.auth_number}: {_n(a.remaining)} {a.unit}" for a in s.authorizations)
        table.add_row(
            f"{word('benefit', s.benefit)} ({s.payer_id})",
            _limit(s.limit, s.unit),
            _q(s.used_ours, s.unit),
            _q(s.used_elsewhere, s.unit),
            _q(s.remaining, s.unit),
            str(s.period),
            s.reset_date.isoformat() if s.reset_date else "never",
            f"[{_STYLE[s.status]}]{word('status', s.status)}[/]",
            auth or "-",
            _payer_says(s.payer_view) or "-",
        )
    return table


def _auth_table(rows: list[AuthStatus]) -> Table:
    table = SafeTable(title="Prior authorisations in force", title_justify="left")
    for column in ("authorisation", "codes", "limit", "used", "remaining", "window", "status"):
        table.add_column(column)
    for a in rows:
        table.add_row(
            f"{a.auth_number} ({a.payer_id})",
            " ".join(a.codes) or "all",
            f"{_n(a.limit)} {a.unit} per {word('period', a.per)}",
            _n(a.used),
            _n(a.remaining),
            str(a.window),
            f"[{_STYLE[a.status]}]{word('status', a.status)}[/]",
        )
    return table


def benefits_command(
    practice_dir: Path = typer.Option(..., "--practice", help=PRACTICE_HELP),
    patient: str | None = typer.Option(None, "--patient", help="One patient id; default: all."),
    on: str | None = typer.Option(None, "--on", help="The date to report on (default today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show each patient's benefit caps and authorisations: used, remaining, period, reset date.

    "Used" counts the practice's visits from the period's start through --on, plus what the payer
    counted at other providers (benefits.csv used_elsewhere). Status is warning from 75 % used
    and exhausted at 0 remaining. Figures from 271 responses in eligibility/ (dated on or before
    --on) are shown as the payer's view next to ours.
    """
    day = parse_date(on, "--on", 2)
    practice = read_practice_folder(practice_dir, 2)
    ids = _patient_ids(practice, patient)
    eligibility, findings = load_eligibility(practice_dir)
    report = [
        (
            pid,
            benefit_status(practice, pid, day, eligibility=eligibility),
            authorization_status(practice, pid, day),
        )
        for pid in ids
    ]
    if as_json:
        payload: dict[str, Any] = {
            "on": day,
            "patients": [
                {
                    "patient_id": pid,
                    "name": _name(practice, pid),
                    "benefits": statuses,
                    "authorizations": auths,
                }
                for pid, statuses, auths in report
            ],
            "findings": findings,
        }
        typer.echo(dumps(payload))
        return
    console = out()
    for finding in findings:
        err.print(f"  {finding}", soft_wrap=True, markup=False)
    if not report:
        console.print("No patient has a benefit cap or an authorisation on file.")
    for pid, statuses, auths in report:
        console.rule(f"[bold]{_name(practice, pid)}[/] on {day}")
        if statuses:
            console.print(_benefit_table(statuses))
        if auths:
            console.print(_auth_table(auths))
        if not statuses and not auths:
            console.print("  no benefit cap or authorisation in force")


def _units(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise fail(f'--units "{text}" is not a number', 2) from None
    if not value.is_finite() or value <= 0:
        raise fail(f'--units "{text}" must be a positive number', 2)
    return value


def _print_check(check: VisitCheck, practice: Practice, out: Console) -> None:
    who = _name(practice, check.patient_id)
    out.rule(f"[bold]{who}[/]: {check.code} × {_n(check.units)} on {check.on}")
    if not check.checks:
        out.print("No benefit cap or authorisation on file covers this code: nothing to check.")
        return
    table = SafeTable()
    for column in ("kind", "name", "limit", "used before", "this visit", "over by", "result"):
        table.add_column(column)
    for c in check.checks:
        table.add_row(
            c.limit_kind,
            c.name,
            _limit(c.limit, c.unit),
            _q(c.used, c.unit),
            _q(c.adds, c.unit),
            _q(c.over, c.unit) if c.exceeded else "-",
            f"[red]{c.message}[/]" if c.exceeded else f"[green]{c.message}[/]",
        )
    out.print(table)
    if check.exceeds:
        which = " and ".join(sorted({c.limit_kind for c in check.exceeded}))
        out.print(f"[bold red]The visit would exceed the {which} limit.[/]")
        for line in check.advice:
            out.print(fitted(line, "    ", first="  - "), soft_wrap=True)
    else:
        out.print("[bold green]The visit fits every limit on file.[/]")


def check_visit_command(
    practice_dir: Path = typer.Option(..., "--practice", help=PRACTICE_HELP),
    patient: str = typer.Option(..., "--patient", help="The patient id."),
    on: str = typer.Option(..., "--date", help="The planned date of service (YYYY-MM-DD)."),
    code: str = typer.Option(..., "--code", help="The CPT/HCPCS code to bill."),
    units: str = typer.Option("1", "--units", help="Units of the code (default 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Would a planned visit exceed a benefit cap or a prior authorisation, and what to do.

    The benefit cap and the authorisation are checked separately; the answer says which one the
    visit would pass and by how much, and suggests a signed waiver, an authorisation extension or
    billing a secondary plan. Visits already recorded on --date are taken to be this visit.
    """
    day = parse_date(on, "--date", 2)
    count = _units(units)
    practice = read_practice_folder(practice_dir, 2)
    _patient_ids(practice, patient)
    result = check_visit(practice, patient, day, code.strip().upper(), count)
    if as_json:
        typer.echo(dumps({**result._asdict(), "exceeds": result.exceeds}))
        return
    _print_check(result, practice, out())


def _read_claims(practice: Practice, patient_id: str, folder: Path) -> list[Any]:
    from recoup.x12.reader835 import read_835_file

    results = [read_835_file(path) for path in sorted(Path(folder, "remittances").glob("*.835"))]
    bad: list[Finding] = [f for r in results for f in r.findings if f.severity is Severity.ERROR]
    for finding in bad:
        err.print(f"  {finding}", soft_wrap=True, markup=False)
    return claims_for_patient(practice, patient_id, [rem for r in results for rem in r.remittances])


def _print_recount(rec: Reconciliation, out: Console) -> None:
    out.rule(f"[bold]{rec.benefit}[/]: {rec.verdict}")
    for line in rec.explanation:
        out.print(fitted(line, "  "), soft_wrap=True)
    if rec.differences:
        table = SafeTable(title="Differences, date by date", title_justify="left")
        for column in ("date", "kind", "+", "claim", "payer claim (CLP07)", "codes"):
            table.add_column(column)
        for d in rec.differences:
            table.add_row(
                d.service_date.isoformat(),
                d.kind,
                str(d.extra),
                " ".join(d.claim_ids),
                " ".join(d.payer_claim_ids),
                " ".join(d.codes),
            )
        out.print(table)


def recount_command(
    practice_dir: Path = typer.Option(..., "--practice", help=PRACTICE_HELP),
    patient: str = typer.Option(..., "--patient", help="The patient id."),
    on: str | None = typer.Option(
        None, "--on", help="A date in the benefit period to check (default today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Rebuild what the payer counted behind a benefit-maximum denial (CO-119) from remittances/.

    Lists, date by date with the payer claim numbers, what the payer probably counted that it
    should not have: an excluded evaluation, a corrected claim counted twice, a visit from
    another period, the same date twice.
    """
    day = parse_date(on, "--on", 2)
    practice = read_practice_folder(practice_dir, 2)
    _patient_ids(practice, patient)
    claims = _read_claims(practice, patient, practice_dir)
    visits = [v for v in practice.visits if v.patient_id == patient]
    results = [
        reconcile(visits, claims, benefit, benefit_period(practice, benefit, day))
        for benefit in practice.benefits
        if benefit.patient_id == patient and str(benefit.unit) == "visits"
    ]
    if as_json:
        typer.echo(
            dumps({"patient_id": patient, "on": day, "reconciliations": to_jsonable(results)})
        )
        return
    console = out()
    if not results:
        console.print("No visit cap on file for this patient.")
    for rec in results:
        _print_recount(rec, console)


def register_benefit_commands(app: typer.Typer) -> None:
    app.command("benefits")(benefits_command)
    app.command("check-visit")(check_visit_command)
    app.command("recount")(recount_command)
