"""``recoup worklist``, ``sent``, ``outcome``, ``kpis`` and ``user add``: the stored worklist.

Thin: each command opens the store (``--db``, else ``$RECOUP_DATABASE_URL``, else ./recoup.db),
calls one :class:`recoup.store.Store` method and prints a table or JSON. Bad input (a date that
is not YYYY-MM-DD, an amount that is not a number, an unknown denial or outcome) is a message on
stderr and exit code 1; a store that cannot be opened is exit code 2. Never a traceback.
"""

from __future__ import annotations

import getpass
import os
import sys
from contextlib import AbstractContextManager
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from recoup.cli.common import (
    SafeTable,
    db_option,
    err,
    fail,
    open_store,
    out,
    parse_date,
    sized,
    today_option,
)
from recoup.cli.common import table as make_table
from recoup.jsonout import dumps
from recoup.money import format_money
from recoup.triage.model import Lane
from recoup.workflow import Channel, Outcome, StatusFilter

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported when a command runs
    from recoup.store import DenialRow, Kpis, Store

__all__ = ["register_worklist_commands"]

PASSWORD_ENV = "RECOUP_PASSWORD"

user_app = typer.Typer(help="Manage the users of the web app (server mode).", no_args_is_help=True)


def _user_option() -> Any:
    return typer.Option(None, "--user", help="Who did it, for the audit log (default: you).")


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise fail(f'--amount "{text}" is not an amount (expected digits like 120.00)') from None
    if not value.is_finite():
        raise fail(f'--amount "{text}" is not an amount (expected digits like 120.00)')
    return value


def _who(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _store(db: str | None, *, must_exist: bool = True) -> AbstractContextManager[Store]:
    return open_store(db, must_exist=must_exist)


def _row_line(row: DenialRow) -> list[str]:
    return [
        str(row.id),
        row.deadline.isoformat() if row.deadline else "-",
        "" if row.days_left is None else str(row.days_left),
        format_money(row.denied_amount),
        row.lane,
        row.patient_name,
        row.patient_account,
        row.code or "(claim)",
        row.carc,
        row.payer_name,
        row.status,
    ]


def worklist_command(
    db: str | None = db_option(),
    today: str | None = today_option("The date days left count from (YYYY-MM-DD; default today)."),
    lane: Lane | None = typer.Option(None, "--lane", help="Only this lane."),
    status: StatusFilter = typer.Option(
        StatusFilter.OPEN, "--status", help="open, sent, closed, active (open or sent) or all."
    ),
    refresh: bool = typer.Option(
        False, "--refresh", help="Triage the store again first (as of --today)."
    ),
    limit: int = typer.Option(500, "--limit", help="At most this many rows (1-500)."),
    as_json: bool = typer.Option(False, "--json", help="Print the denials as JSON."),
) -> None:
    """The store's denials, earliest deadline first, then the largest amount.

    The worklist is refreshed on every import; --refresh triages the store again (e.g. with
    another --today). Files imported before the store kept their bytes are named: import them
    again to triage them.
    """
    from recoup.pipeline import catch_up, refresh_worklist
    from recoup.store import DenialQuery

    day = parse_date(today)
    with _store(db) as store:
        missing: tuple[str, ...] = tuple(store.files_without_bytes())
        if refresh:
            refresh_worklist(store, day)
        elif catch_up(store, day) is not None:
            err.print(
                "note: an earlier refresh had not finished; the worklist was brought up to date"
            )
        page = store.denials(
            DenialQuery(
                lane=lane.value if lane is not None else None,
                status=None if status is StatusFilter.ALL else status.value,
                per_page=limit,
                today=day,
            )
        )
    for name in missing:
        err.print(f"warning: {name} was imported before recoup kept files: re-import to triage")
    if as_json:
        payload = {
            "today": day.isoformat(),
            "total": page.total,
            "total_amount": format_money(page.total_amount),
            "by_lane": {k: format_money(v) for k, v in page.totals_by_lane.items()},
            "denials": [row.to_dict() for row in page.rows],
        }
        typer.echo(dumps(payload))
        return
    table = make_table(
        (
            "id",
            "deadline",
            "days left",
            "amount",
            "lane",
            "patient",
            "account",
            "code",
            "CARC",
            "payer",
            "status",
        ),
        right=("days left", "amount"),
        title=f"Denials ({status.value}) as of {day.isoformat()}",
        title_justify="left",
    )
    for row in page.rows:
        overdue = row.days_left is not None and row.days_left < 0
        table.add_row(*_row_line(row), style="red" if overdue else None)
    console = out(200)
    console.print(table)
    lanes = ", ".join(f"{k} ${format_money(v)}" for k, v in page.totals_by_lane.items())
    shown = f" (first {len(page.rows)} shown)" if len(page.rows) < page.total else ""
    console.print(
        f"{page.total} denials{shown}, ${format_money(page.total_amount)}"
        + (f": {lanes}" if lanes else ""),
        soft_wrap=not sized(),
    )


def sent_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = db_option(),
    sent_on: str | None = typer.Option(
        None, "--date", help="When it was sent (YYYY-MM-DD; default today)."
    ),
    channel: Channel = typer.Option(..., "--channel", help="How it was sent."),
    user: str | None = _user_option(),
) -> None:
    """Mark a denial's appeal or corrected claim as sent."""
    day = parse_date(sent_on, "--date")
    with _store(db) as store:
        row = store.mark_sent(denial, day, channel, _who(user))
    typer.echo(f"denial {row.id} ({row.denial_id}): sent {day.isoformat()} by {channel.value}")


def outcome_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = db_option(),
    result: Outcome = typer.Option(..., "--result", help="How the denial ended."),
    amount: str = typer.Option(
        ..., "--amount", help="The amount recovered, written off or billed (e.g. 120.00)."
    ),
    on: str | None = typer.Option(None, "--date", help="When (YYYY-MM-DD; default today)."),
    user: str | None = _user_option(),
) -> None:
    """Record how a denial ended; this closes it and feeds the KPIs."""
    value = _amount(amount)
    day = parse_date(on, "--date")
    with _store(db) as store:
        row = store.record_outcome(denial, result, value, day, _who(user))
    typer.echo(
        f"denial {row.id} ({row.denial_id}): {result.value} ${format_money(value)} on "
        f"{day.isoformat()}, closed"
    )


def _rate(value: Decimal | None) -> str:
    return "-" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"


def _kpi_text(k: Kpis, console: Console) -> None:
    console.print(
        f"[bold]KPIs[/] {k.start.isoformat()} to {k.today.isoformat()} ({k.months} months)",
        highlight=False,
    )
    for label, value in (
        (
            "denial rate (lines)",
            f"{_rate(k.denial_rate)} ({k.denied_lines} of {k.adjudicated_lines})",
        ),
        ("dollars denied", f"${format_money(k.denied_amount)}"),
        ("recovered", f"${format_money(k.recovered)}"),
        ("written off", f"${format_money(k.written_off)}"),
        (
            "appeal success",
            f"{_rate(k.appeal_success_rate)} ({k.appeals_won} won, {k.appeals_lost} lost)",
        ),
        (
            "days to resolution",
            f"mean {k.mean_days_to_resolution or '-'}, median {k.median_days_to_resolution or '-'}",
        ),
        (
            "patient collection",
            f"{_rate(k.patient_collection_rate)} "
            f"(${format_money(k.patient_billed)} of ${format_money(k.patient_lane_amount)})",
        ),
        ("expiring in 14 days", f"{k.expiring_count} (${format_money(k.expiring_amount)})"),
    ):
        console.print(f"  {label:<22} {value}", highlight=False)
    for title, rows in (("by CARC", k.by_carc), ("by payer", k.by_payer), ("by month", k.by_month)):
        table = SafeTable(title=title, title_justify="left")
        for column in ("", "denied", "lines", "rate", "denied $", "charged $", "$ rate"):
            table.add_column(column, justify="left" if not column else "right")
        for r in rows:
            table.add_row(
                r.key,
                str(r.denied_lines),
                str(r.adjudicated_lines),
                _rate(r.rate),
                format_money(r.denied_amount),
                format_money(r.charged_amount),
                _rate(r.dollar_rate),
            )
        console.print(table)


def kpis_command(
    db: str | None = db_option(),
    today: str | None = typer.Option(None, "--today", help="The window's last day (YYYY-MM-DD)."),
    months: int = typer.Option(12, "--months", help="How many calendar months (1-120)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Denial rates by code, payer and month; dollars denied, recovered and written off; appeal
    success; days to resolution; patient collection; what expires in the next 14 days."""
    day = parse_date(today)
    with _store(db) as store:
        figures = store.kpis(day, months)
    if as_json:
        typer.echo(dumps(figures.to_dict()))
        return
    _kpi_text(figures, out(200))


def user_add_command(
    name: str = typer.Argument(..., help="The user name (letters, digits, . _ - @)."),
    role: str = typer.Option("biller", "--role", help="admin, biller or readonly."),
    db: str | None = db_option(),
) -> None:
    """Add a user. The password comes from $RECOUP_PASSWORD, else it is asked for (twice)."""
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise fail(f"no password: set {PASSWORD_ENV} or run this in a terminal")
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise fail("the two passwords differ")
    with _store(db, must_exist=False) as store:
        try:
            user = store.create_user(name, password, role)
        except ValueError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"user {user.username} added ({user.role})")


def user_disable_command(
    name: str = typer.Argument(..., help="The user name."),
    enable: bool = typer.Option(False, "--enable", help="Enable the account again instead."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Disable a user: they cannot sign in, and every session of theirs ends at once."""
    with _store(db) as store:
        try:
            found = store.set_user_disabled(name, not enable)
        except ValueError as exc:
            raise fail(str(exc)) from None
        store.audit(_who(user), "user.enable" if enable else "user.disable", detail=name)
    typer.echo(f"user {found.username} {'enabled' if enable else 'disabled'}")


def user_password_command(
    name: str = typer.Argument(..., help="The user name."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Set a user's password ($RECOUP_PASSWORD, else asked for twice); their sessions end."""
    from recoup.store import accounts

    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise fail(f"no password: set {PASSWORD_ENV} or run this in a terminal")
        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            raise fail("the two passwords differ")
    with _store(db) as store:
        try:
            accounts.set_password(store.engine, name, password)
        except ValueError as exc:
            raise fail(str(exc)) from None
        store.audit(_who(user), "user.password", detail=name)
    typer.echo(f"password of {name} changed; their sessions have ended")


def user_list_command(
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the users as JSON."),
) -> None:
    """List the users and their roles."""
    with _store(db) as store:
        found = store.users()
    if as_json:
        typer.echo(dumps({"users": found}))
        return
    for user in found:
        state = " (disabled)" if user.disabled else ""
        typer.echo(f"{user.username}\t{user.role}{state}")


def register_worklist_commands(app: typer.Typer) -> None:
    app.command("worklist")(worklist_command)
    app.command("sent")(sent_command)
    app.command("outcome")(outcome_command)
    app.command("kpis")(kpis_command)
    user_app.command("add")(user_add_command)
    user_app.command("list")(user_list_command)
    user_app.command("disable")(user_disable_command)
    user_app.command("password")(user_password_command)
    app.add_typer(user_app, name="user")
