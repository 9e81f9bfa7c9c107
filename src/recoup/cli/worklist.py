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
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.padding import Padding

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
from recoup.money import display_money, format_money
from recoup.triage.model import Lane
from recoup.words import word
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
        word("lane", row.lane),
        row.patient_name,
        row.patient_account,
        row.code or "(claim)",
        row.carc if row.reason_code else "no 835",
        row.payer_name,
        word("status", row.status),
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
    lanes = ", ".join(
        f"{word('lane', k)} {display_money(v)}" for k, v in page.totals_by_lane.items()
    )
    shown = f" (first {len(page.rows)} shown)" if len(page.rows) < page.total else ""
    console.print(
        f"{page.total} denials{shown}, {display_money(page.total_amount)}"
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
    on: str | None = typer.Option(
        None, "--date", help="When (the payer's decision date; YYYY-MM-DD; default today)."
    ),
    reference: str | None = typer.Option(
        None, "--reference", help="The payer's decision or appeal reference number."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the outcome of a denial that is closed already."
    ),
    user: str | None = _user_option(),
) -> None:
    """Record how a denial ended; this closes it and feeds the KPIs.

    A lost appeal that the payer type can take further (Medicare: reconsideration, then an ALJ
    hearing; commercial and ERISA plans: a second internal appeal, then external review) opens
    the next level instead, with its deadline counted from --date. A closed denial keeps its
    outcome unless --force is given."""
    value = _amount(amount)
    day = parse_date(on, "--date")
    with _store(db) as store:
        before = store.denial(denial, today=day)
        row = store.record_outcome(
            denial, result, value, day, _who(user), reference=reference, force=force
        )
    if row.status != "closed" and before is not None and row.appeal_level > before.appeal_level:
        due = row.deadline.isoformat() if row.deadline else "no deadline on file"
        typer.echo(
            f"denial {row.id} ({row.denial_id}): level {before.appeal_level} lost on "
            f"{day.isoformat()}; level {row.appeal_level} open, deadline {due}"
        )
        return
    typer.echo(
        f"denial {row.id} ({row.denial_id}): {result.value} {display_money(value)} on "
        f"{day.isoformat()}, closed"
    )


def undo_outcome_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Undo the last outcome recorded on a denial: it is open (or sent) again, audited."""
    with _store(db) as store:
        row = store.undo_outcome(denial, _who(user), today=date.today())
    typer.echo(f"denial {row.id} ({row.denial_id}): outcome undone, {row.status} again")


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
        ("dollars denied", f"{display_money(k.denied_amount)}"),
        ("recovered", f"{display_money(k.recovered)}"),
        ("written off", f"{display_money(k.written_off)}"),
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
            f"{_rate(k.patient_collection_rate)} ({display_money(k.patient_collected)} paid "
            f"of {display_money(k.patient_owed)} owed)",
        ),
        ("expiring in 14 days", f"{k.expiring_count} ({display_money(k.expiring_amount)})"),
        *_truth_lines(k),
        (
            "net paid",
            f"{display_money(k.net_paid)} (claim payments {display_money(k.paid)} - takebacks "
            f"{display_money(k.taken_back)})",
        ),
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
    _truth_tables(k, console)


def _truth_lines(k: Kpis) -> list[tuple[str, str]]:
    """The dashboard's figures beyond the first ones (issue 17, issue 16): overdue apart from
    expiring, open dollars, corrected claims apart from appeals, what patients paid, underpaid."""
    return [
        ("overdue", f"{k.overdue_count} ({display_money(k.overdue_amount)}) past the deadline"),
        ("open denied", f"{k.open_count} ({display_money(k.open_amount)})"),
        (
            "corrected claims",
            f"{_rate(k.corrected_success_rate)} ({k.corrected_won} won, {k.corrected_lost} lost)",
        ),
        (
            "patient payments",
            f"{display_money(k.patient_received)} in {k.patient_payments} payment(s) "
            f"(billed to patients: {display_money(k.patient_billed)})",
        ),
        ("underpaid", f"{k.underpaid_lines} line(s), {display_money(k.underpaid_amount)}"),
    ]


def _truth_tables(k: Kpis, console: Console) -> None:
    aging = SafeTable(
        title="open denied dollars by age (days since the remittance)", title_justify="left"
    )
    for column in ("days", "denials", "denied $"):
        aging.add_column(column, justify="left" if column == "days" else "right")
    for row in k.aging:
        aging.add_row(row.bucket, str(row.denials), format_money(row.amount))
    console.print(aging)
    for title, rows in (
        ("underpaid by payer", k.underpaid_by_payer),
        ("underpaid by code", k.underpaid_by_code),
    ):
        table = SafeTable(title=title, title_justify="left")
        for column in ("", "lines", "underpaid $", "open $"):
            table.add_column(column, justify="left" if not column else "right")
        for r in rows:
            table.add_row(r.key, str(r.lines), format_money(r.amount), format_money(r.open_amount))
        console.print(table)


def _print_definitions(console: Console) -> None:
    from recoup.kpi_definitions import DEFINITIONS

    for d in DEFINITIONS:
        console.print(f"[bold]{d.name}[/]", highlight=False)
        console.print(Padding(d.text, (0, 0, 1, 2)), highlight=False)


def _practice_key(store: Store, practice: str | None) -> str | None:
    """``--practice``: a practice's key (NPI) or its name, as the store holds it."""
    if practice is None:
        return None
    wanted = practice.strip()
    known = store.practices()
    for p in known:
        if wanted in (p.key, p.npi) or wanted.casefold() == p.name.casefold():
            return p.key
    names = ", ".join(f"{p.name} ({p.key})" for p in known) or "none imported"
    raise fail(f'no practice "{wanted[:60]}" in the store (practices: {names})')


def kpis_command(
    db: str | None = db_option(),
    today: str | None = typer.Option(None, "--today", help="The window's last day (YYYY-MM-DD)."),
    months: int = typer.Option(12, "--months", help="How many calendar months (1-120)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    practice: str | None = typer.Option(
        None, "--practice", help="One practice only: its NPI or name (default: every practice)."
    ),
    definitions: bool = typer.Option(
        False, "--definitions", help="Print what each figure counts, and nothing else."
    ),
) -> None:
    """Denial rates by code, payer and month; dollars denied, recovered and written off; appeal
    and corrected-claim success; days to resolution; what patients paid; what is overdue and what
    expires in 14 days; open denied dollars by age; underpaid dollars by payer and code. The
    definitions are in the README ("The dashboard") and in --definitions."""
    if definitions:
        _print_definitions(out(100))
        return
    day = parse_date(today)
    with _store(db) as store:
        figures = store.kpis(day, months, practice=_practice_key(store, practice))
    if as_json:
        typer.echo(dumps(figures.to_dict()))
        return
    _kpi_text(figures, out(200))


def user_add_command(
    name: str = typer.Argument(..., help="The user name (letters, digits, . _ - @)."),
    role: str = typer.Option("biller", "--role", help="admin, biller or readonly."),
    practice: list[str] = typer.Option(
        [],
        "--practice",
        help="A practice the user may see (NPI or name; '*': every one); repeat for more. "
        "Without it: the store's practice when it holds just one, else none until "
        "`recoup user grant`.",
    ),
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
        keys = [store.practice_key(p) for p in practice]
        unknown = [p for p, k in zip(practice, keys, strict=True) if k is None]
        if unknown:  # before the account exists: all or nothing
            known = ", ".join(f"{p.key} ({p.name})" for p in store.practices()) or "none yet"
            raise fail(f'no practice "{unknown[0]}" in the store; the practices are: {known}')
        only = store.practices() if not practice and role != "admin" else []
        if len(only) == 1:  # a clinic's own store: its one practice, said below
            keys = [only[0].key]
        try:
            user = store.create_user(name, password, role)
        except ValueError as exc:
            raise fail(str(exc)) from None
        for key in keys:
            if key is not None and store.grant_practice(user.username, key):
                store.audit(_who(None), "user.grant_practice", detail=f"{user.username}: {key}")
    typer.echo(f"user {user.username} added ({user.role})")
    if user.role != "admin" and not practice:
        if len(only) == 1:
            typer.echo(f"{user.username} sees {only[0].name}, the store's one practice")
        else:
            typer.echo(
                f"{user.username} sees no practice yet: recoup user grant {user.username} NPI"
            )


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
    """List the users, their roles and the practices each may see."""
    with _store(db) as store:
        found = store.users()
        grants = {u.username: store.practice_grants(u.username) for u in found}
    if as_json:
        typer.echo(
            dumps({"users": [{**u._asdict(), "practices": grants[u.username]} for u in found]})
        )
        return
    for user in found:
        state = " (disabled)" if user.disabled else ""
        if user.role == "admin" or "*" in grants[user.username]:
            sees = "every practice"
        else:
            sees = ", ".join(grants[user.username]) or "no practice (recoup user grant)"
        typer.echo(f"{user.username}\t{user.role}{state}\t{sees}")


def register_worklist_commands(app: typer.Typer) -> None:
    app.command("worklist")(worklist_command)
    app.command("sent")(sent_command)
    app.command("outcome")(outcome_command)
    app.command("undo-outcome")(undo_outcome_command)
    app.command("kpis")(kpis_command)
    user_app.command("add")(user_add_command)
    user_app.command("list")(user_list_command)
    user_app.command("disable")(user_disable_command)
    user_app.command("password")(user_password_command)
    app.add_typer(user_app, name="user")
