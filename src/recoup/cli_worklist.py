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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from recoup.jsonout import dumps
from recoup.money import format_money

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported when a command runs
    from recoup.store import DenialRow, Kpis, Store

__all__ = ["register_worklist_commands"]

PASSWORD_ENV = "RECOUP_PASSWORD"
DB_HELP = (
    "The store: a SQLite file path or a database URL (sqlite:///..., postgresql://...). "
    "Default: $RECOUP_DATABASE_URL, else ./recoup.db."
)

_err = Console(stderr=True)
user_app = typer.Typer(help="Manage the users of the web app (server mode).", no_args_is_help=True)


def _db_option() -> Any:
    return typer.Option(None, "--db", help=DB_HELP, metavar="PATH_OR_URL")


def _user_option() -> Any:
    return typer.Option(None, "--user", help="Who did it, for the audit log (default: you).")


def _fail(message: str, code: int = 1) -> typer.Exit:
    _err.print(f"[red]error:[/] {message}", soft_wrap=True, markup=True, highlight=False)
    return typer.Exit(code)


def _day(text: str | None, option: str) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f'{option} "{text}" is not a date (expected YYYY-MM-DD)') from None


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise _fail(f'--amount "{text}" is not an amount (expected digits like 120.00)') from None
    if not value.is_finite():
        raise _fail(f'--amount "{text}" is not an amount (expected digits like 120.00)')
    return value


def _who(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@contextmanager
def _store(db: str | None, *, must_exist: bool = True) -> Iterator[Store]:
    """Open the store; a store that fails is exit 2, bad input (ValueError) exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from recoup.store import Store, StoreError, display_url

    try:
        store = Store.open(db, must_exist=must_exist)
    except StoreError as exc:
        raise _fail(str(exc), 2) from None
    try:
        yield store
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except (StoreError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise _fail(f"the store at {display_url(store.url)} failed: {reason}", 2) from None
    finally:
        store.close()


def _out() -> Console:
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)


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
    db: str | None = _db_option(),
    today: str | None = typer.Option(
        None, "--today", help="The date days left count from (YYYY-MM-DD; default today)."
    ),
    lane: str | None = typer.Option(None, "--lane", help="Only this lane (e.g. appeal)."),
    status: str = typer.Option(
        "open", "--status", help="open, sent, closed, active (open or sent) or all."
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
    from recoup.store import DenialQuery

    day = _day(today, "--today")
    with _store(db) as store:
        missing: tuple[str, ...] = tuple(store.files_without_bytes())
        if refresh:
            store.refresh_worklist(day)
        page = store.denials(
            DenialQuery(
                lane=lane,
                status=None if status == "all" else status,
                per_page=limit,
                today=day,
            )
        )
    for name in missing:
        _err.print(f"warning: {name} was imported before recoup kept files: re-import to triage")
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
    table = Table(title=f"Denials ({status}) as of {day.isoformat()}", title_justify="left")
    for column in (
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
    ):
        table.add_column(column, justify="right" if column in ("days left", "amount") else "left")
    for row in page.rows:
        overdue = row.days_left is not None and row.days_left < 0
        table.add_row(*_row_line(row), style="red" if overdue else None)
    out = _out()
    out.print(table)
    lanes = ", ".join(f"{k} ${format_money(v)}" for k, v in page.totals_by_lane.items())
    shown = f" (first {len(page.rows)} shown)" if len(page.rows) < page.total else ""
    out.print(
        f"{page.total} denials{shown}, ${format_money(page.total_amount)}"
        + (f": {lanes}" if lanes else ""),
        soft_wrap=True,
    )


def sent_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = _db_option(),
    sent_on: str | None = typer.Option(
        None, "--date", help="When it was sent (YYYY-MM-DD; default today)."
    ),
    channel: str = typer.Option(..., "--channel", help="How: mail, fax, portal, ..."),
    user: str | None = _user_option(),
) -> None:
    """Mark a denial's appeal or corrected claim as sent."""
    day = _day(sent_on, "--date")
    with _store(db) as store:
        row = store.mark_sent(denial, day, channel, _who(user))
    typer.echo(f"denial {row.id} ({row.denial_id}): sent {day.isoformat()} by {channel}")


def outcome_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = _db_option(),
    result: str = typer.Option(
        ...,
        "--result",
        help="won, partly_won, lost, written_off, billed_patient or billed_other_payer.",
    ),
    amount: str = typer.Option(
        ..., "--amount", help="The amount recovered, written off or billed (e.g. 120.00)."
    ),
    on: str | None = typer.Option(None, "--date", help="When (YYYY-MM-DD; default today)."),
    user: str | None = _user_option(),
) -> None:
    """Record how a denial ended; this closes it and feeds the KPIs."""
    value = _amount(amount)
    day = _day(on, "--date")
    with _store(db) as store:
        row = store.record_outcome(denial, result, value, day, _who(user))
    typer.echo(
        f"denial {row.id} ({row.denial_id}): {result} ${format_money(value)} on "
        f"{day.isoformat()}, closed"
    )


def _rate(value: Decimal | None) -> str:
    return "-" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"


def _kpi_text(k: Kpis, out: Console) -> None:
    out.print(
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
        out.print(f"  {label:<22} {value}", highlight=False)
    for title, rows in (("by CARC", k.by_carc), ("by payer", k.by_payer), ("by month", k.by_month)):
        table = Table(title=title, title_justify="left")
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
        out.print(table)


def kpis_command(
    db: str | None = _db_option(),
    today: str | None = typer.Option(None, "--today", help="The window's last day (YYYY-MM-DD)."),
    months: int = typer.Option(12, "--months", help="How many calendar months (1-120)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Denial rates by code, payer and month; dollars denied, recovered and written off; appeal
    success; days to resolution; patient collection; what expires in the next 14 days."""
    day = _day(today, "--today")
    with _store(db) as store:
        figures = store.kpis(day, months)
    if as_json:
        typer.echo(dumps(figures.to_dict()))
        return
    _kpi_text(figures, _out())


def user_add_command(
    name: str = typer.Argument(..., help="The user name (letters, digits, . _ - @)."),
    role: str = typer.Option("biller", "--role", help="admin, biller or readonly."),
    db: str | None = _db_option(),
) -> None:
    """Add a user. The password comes from $RECOUP_PASSWORD, else it is asked for (twice)."""
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise _fail(f"no password: set {PASSWORD_ENV} or run this in a terminal")
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise _fail("the two passwords differ")
    with _store(db, must_exist=False) as store:
        try:
            user = store.create_user(name, password, role)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    typer.echo(f"user {user.username} added ({user.role})")


def user_disable_command(
    name: str = typer.Argument(..., help="The user name."),
    enable: bool = typer.Option(False, "--enable", help="Enable the account again instead."),
    db: str | None = _db_option(),
    user: str | None = _user_option(),
) -> None:
    """Disable a user: they cannot sign in, and every session of theirs ends at once."""
    with _store(db) as store:
        try:
            found = store.set_user_disabled(name, not enable)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        store.audit(_who(user), "user.enable" if enable else "user.disable", detail=name)
    typer.echo(f"user {found.username} {'enabled' if enable else 'disabled'}")


def user_password_command(
    name: str = typer.Argument(..., help="The user name."),
    db: str | None = _db_option(),
    user: str | None = _user_option(),
) -> None:
    """Set a user's password ($RECOUP_PASSWORD, else asked for twice); their sessions end."""
    from recoup.store import accounts

    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise _fail(f"no password: set {PASSWORD_ENV} or run this in a terminal")
        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            raise _fail("the two passwords differ")
    with _store(db) as store:
        try:
            accounts.set_password(store.engine, name, password)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        store.audit(_who(user), "user.password", detail=name)
    typer.echo(f"password of {name} changed; their sessions have ended")


def user_list_command(
    db: str | None = _db_option(),
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
