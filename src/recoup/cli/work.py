"""``recoup assign``, ``follow-up``, ``note``, ``notes``, ``remind``, ``export`` and
``user email``: a billing team's work on the stored worklist.

Thin, like :mod:`recoup.cli.worklist`: each command opens the store (``--db``), calls
:class:`recoup.store.Store` and prints a line, a table that fits 100 columns, or JSON. A denial
is named by its number (the id the worklist shows) or its denial id; several can be given.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from recoup.cli.common import (
    db_option,
    err,
    fail,
    fitted,
    open_store,
    out,
    parse_date,
    today_option,
)
from recoup.cli.common import table as make_table
from recoup.cli.worklist import _who, user_app
from recoup.jsonout import dumps
from recoup.money import format_money
from recoup.triage.model import Lane
from recoup.workflow import StatusFilter

if TYPE_CHECKING:
    from recoup.store import DenialQuery, Store

__all__ = ["register_work_commands"]

WIDTH = 100


def _store(db: str | None) -> AbstractContextManager[Store]:
    return open_store(db, must_exist=True)


def _user_option() -> Any:
    return typer.Option(None, "--user", help="Who did it, for the audit log (default: you).")


def _row_ids(store: Store, keys: list[str]) -> list[int]:
    from datetime import date

    ids = []
    for key in keys:
        row = store.denial(key, today=date.today())
        if row is None:
            raise fail(f"there is no denial {key} in the store")
        ids.append(row.id)
    return ids


def assign_command(
    denials: list[str] = typer.Argument(..., help="The denials: numbers (ids) or denial ids."),
    to: str | None = typer.Option(None, "--to", help="The user who will work them."),
    nobody: bool = typer.Option(False, "--nobody", help="Unassign them instead."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Assign denials to a user (or to nobody); each change goes to the audit log."""
    if bool(to) == nobody:
        raise fail("give --to USER or --nobody")
    with _store(db) as store:
        changed = len(store.assign(_row_ids(store, denials), None if nobody else to, _who(user)))
    whom = "nobody" if nobody else to
    typer.echo(f"{changed} of {len(denials)} denial(s) now assigned to {whom}")


def follow_up_command(
    denials: list[str] = typer.Argument(..., help="The denials: numbers (ids) or denial ids."),
    on: str | None = typer.Option(None, "--on", help="Call back on this day (YYYY-MM-DD)."),
    clear: bool = typer.Option(False, "--clear", help="Remove the follow-up date."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Set the day to call the payer back ("call back on"), or clear it."""
    if bool(on) == clear:
        raise fail("give --on YYYY-MM-DD or --clear")
    day = None if clear else parse_date(on, "--on")
    with _store(db) as store:
        changed = len(store.set_follow_up(_row_ids(store, denials), day, _who(user)))
    when = "cleared" if day is None else f"set to {day.isoformat()}"
    typer.echo(f"follow-up {when} on {changed} of {len(denials)} denial(s)")


def status_command(
    denials: list[str] = typer.Argument(..., help="The denials: numbers (ids) or denial ids."),
    status: str = typer.Option(..., "--set", help="new, working or waiting_on_payer."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Set where the denials stand (sent and closed follow from `recoup sent` and `outcome`)."""
    with _store(db) as store:
        changed = len(store.set_work_status(_row_ids(store, denials), status, _who(user)))
    typer.echo(f"{changed} of {len(denials)} denial(s) now {status}")


def note_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    text: str = typer.Option("", "--text", help="What happened, or what the payer said."),
    call: bool = typer.Option(False, "--call", help="A call to the payer (with --contact)."),
    contact: str = typer.Option("", "--contact", help="Whom you spoke to."),
    reference: str = typer.Option("", "--reference", help="The payer's call reference number."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Add a note or a call to a denial's log (author and time are kept)."""
    with _store(db) as store:
        (row_id,) = _row_ids(store, [denial])
        note = store.add_note(
            row_id,
            _who(user),
            text,
            kind="call" if call or contact else "note",
            contact=contact,
            reference=reference,
        )
    typer.echo(f"denial {row_id}: {note.kind} {note.id} added by {note.author}")


def notes_command(
    denial: str = typer.Argument(..., help="The denial: its number (id) or denial id."),
    db: str | None = db_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the notes as JSON."),
) -> None:
    """A denial's notes and calls, newest first."""
    with _store(db) as store:
        (row_id,) = _row_ids(store, [denial])
        found = store.notes(row_id)
    if as_json:
        typer.echo(dumps({"denial": row_id, "notes": [n.to_dict() for n in found]}))
        return
    console = out(WIDTH)
    if not found:
        console.print(f"denial {row_id}: no notes", highlight=False)
    for n in found:
        head = f"{n.created_at:%Y-%m-%d %H:%M} UTC  {n.kind_label}  {n.author}"
        if n.contact:
            head += f"  spoke to {n.contact}"
        if n.reference:
            head += f"  ref {n.reference}"
        console.print(head, markup=False, highlight=False)
        if n.text:
            console.print(fitted(n.text, "    "), markup=False, highlight=False, soft_wrap=True)


def remind_command(
    db: str | None = db_option(),
    today: str | None = today_option("The day to count from (YYYY-MM-DD; default today)."),
    days: int = typer.Option(14, "--days", help="Items due within this many days (and overdue)."),
    user: str | None = typer.Option(
        None, "--user", help="Only this user's items ('unassigned' for nobody's)."
    ),
    email: bool = typer.Option(
        False, "--email", help="E-mail each user their list (RECOUP_SMTP_* settings)."
    ),
    ics: Path | None = typer.Option(None, "--ics", help="Write the items as an iCalendar file."),
    smtp_host: str | None = typer.Option(None, "--smtp-host", help="Default $RECOUP_SMTP_HOST."),
    smtp_port: int | None = typer.Option(None, "--smtp-port", help="Default $RECOUP_SMTP_PORT."),
    sender: str | None = typer.Option(None, "--from", help="Default $RECOUP_SMTP_FROM."),
    security: str | None = typer.Option(
        None, "--smtp-security", help="starttls (default), ssl or none ($RECOUP_SMTP_SECURITY)."
    ),
    base_url: str | None = typer.Option(
        None, "--base-url", help="The web app's address, for links in e-mail and calendar."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the items as JSON."),
) -> None:
    """Per user, the deadlines and follow-ups coming due (unassigned ones under "unassigned");
    optionally e-mailed to each user or written as an iCalendar file."""
    import smtplib

    from recoup import reminders as rem

    if email and ics is not None:
        raise fail("choose --email or --ics, not both")
    if days < 0:
        raise fail("--days must be 0 or more")
    day = parse_date(today)
    with _store(db) as store:
        every = store.reminders(day, days, user)
        groups = store.reminders_by_access(every)
        for who, items in every.items():
            hidden = len(items) - len(groups.get(who, []))
            if hidden:  # assigned to someone who may not see the practice: never sent to them
                err.print(
                    f"left out: {hidden} item(s) of {who} in practices {who} may not see "
                    "(reassign them, or recoup user grant)",
                    markup=False,
                )
        addresses = store.user_emails() if email else {}
    if email:
        try:
            settings = rem.SmtpSettings.from_env(
                host=smtp_host, port=smtp_port, sender=sender, security=security
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
        outgoing = rem.messages(groups, addresses, settings.sender, day, days, base_url=base_url)
        try:
            sent = rem.send(settings, [m for _, m in outgoing])
        except (OSError, smtplib.SMTPException) as exc:
            raise fail(
                f"the SMTP server {settings.host}:{settings.port} refused: {exc}", 2
            ) from None
        for who, items in groups.items():
            if who not in {u for u, _ in outgoing}:
                reason = "nobody's: assign them" if who == "unassigned" else "no e-mail address"
                err.print(f"not e-mailed: {len(items)} item(s) of {who} ({reason})", markup=False)
        typer.echo(f"{sent} e-mail(s) sent: {', '.join(u for u, _ in outgoing) or 'none'}")
        return
    if ics is not None:
        items = [item for group in groups.values() for item in group]
        name = f"recoup: {user}" if user else "recoup: deadlines and follow-ups"
        ics.write_text(rem.calendar(items, name, base_url=base_url), newline="")
        typer.echo(f"{len(items)} event(s) written to {ics}")
        return
    if as_json:
        payload = {
            "today": day.isoformat(),
            "days": days,
            "users": {who: [i.to_dict() for i in items] for who, items in groups.items()},
        }
        typer.echo(dumps(payload))
        return
    _print_reminders(groups, day, days)


def _print_reminders(groups: dict[str, Any], day: Any, days: int) -> None:
    from recoup.exports import lane_words
    from recoup.store.teamwork import status_label

    console = out(WIDTH)
    if not groups:
        console.print(f"nothing due by {day.isoformat()} + {days} days", highlight=False)
    for who, items in groups.items():
        table = make_table(
            ("date", "due", "id", "claim", "payer", "lane", "code", "amount", "status"),
            right=("id", "amount"),
            title=f"{who}: {len(items)} item(s)",
            title_justify="left",
        )
        for item in items:
            row = item.row
            left = (item.day - day).days
            style = "red" if left < 0 else None
            table.add_row(
                item.day.isoformat(),
                f"{item.kind_label} {'overdue' if left < 0 else f'+{left}d'}",
                str(row.id),
                row.patient_account,
                row.payer_name[:16],
                lane_words(row.lane),
                row.carc,
                format_money(row.denied_amount),
                status_label(row),
                style=style,
            )
        console.print(table)


export_app = typer.Typer(
    help="Export the worklist or the KPI tables as CSV or Excel.", no_args_is_help=True
)


def _target(csv: Path | None, xlsx: Path | None) -> tuple[Path, str]:
    if (csv is None) == (xlsx is None):
        raise fail("give --csv FILE or --xlsx FILE")
    return (csv, "csv") if csv is not None else (xlsx, "xlsx")  # type: ignore[return-value]


def _query(
    lane: Lane | None,
    status: StatusFilter,
    payer: str | None,
    code: str | None,
    patient: str | None,
    search: str | None,
    due: int | None,
    min_amount: str | None,
    assigned: str | None,
    follow_up: str | None,
    sort: str,
) -> DenialQuery:
    from recoup.store import DenialQuery

    minimum = None
    if min_amount:
        try:
            minimum = Decimal(min_amount.strip().lstrip("$").replace(",", ""))
        except InvalidOperation:
            raise fail(f'--min-amount "{min_amount}" is not an amount') from None
    try:
        return DenialQuery(
            lane=lane.value if lane is not None else None,
            status=None if status is StatusFilter.ALL else status.value,
            payer=payer,
            code=code,
            patient=patient,
            text=search,
            due_within_days=due,
            min_amount=minimum,
            assigned_to="(none)" if assigned == "unassigned" else assigned,
            follow_up=follow_up,
            sort=sort,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None


def export_worklist_command(
    csv: Path | None = typer.Option(None, "--csv", help="Write CSV to this file."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Write an Excel workbook to this file."),
    db: str | None = db_option(),
    today: str | None = today_option("The date days left count from (YYYY-MM-DD)."),
    lane: Lane | None = typer.Option(None, "--lane", help="Only this lane."),
    status: StatusFilter = typer.Option(
        StatusFilter.OPEN, "--status", help="open, sent, closed, active or all."
    ),
    payer: str | None = typer.Option(None, "--payer", help="The payer's name, or its id."),
    code: str | None = typer.Option(None, "--code", help="A CARC (119, CO-119) or a procedure."),
    patient: str | None = typer.Option(None, "--patient", help="Part of a name or account."),
    search: str | None = typer.Option(None, "--search", help="Free text, as the page's search."),
    due: int | None = typer.Option(None, "--due", help="Deadline within N days (overdue too)."),
    min_amount: str | None = typer.Option(None, "--min-amount", help="At least this amount."),
    assigned: str | None = typer.Option(
        None, "--assigned", help="Assigned to this user ('unassigned' for nobody)."
    ),
    follow_up: str | None = typer.Option(
        None, "--follow-up", help="due (today or overdue), week, set or none."
    ),
    sort: str = typer.Option("deadline", "--sort", help="deadline, -amount, patient, payer..."),
) -> None:
    """Every denial the filters match (the web worklist's filters), as CSV or Excel."""
    from recoup import exports

    path, kind = _target(csv, xlsx)
    query = _query(
        lane, status, payer, code, patient, search, due, min_amount, assigned, follow_up, sort
    )
    day = parse_date(today)
    with _store(db) as store:
        rows = store.all_denials(query, today=day)
    data = exports.worklist_csv(rows) if kind == "csv" else exports.worklist_xlsx(rows)
    path.write_bytes(data)
    total = sum((r.denied_amount for r in rows), Decimal(0))
    typer.echo(f"{len(rows)} denial(s), ${format_money(total)}, written to {path}")


def export_kpis_command(
    csv: Path | None = typer.Option(None, "--csv", help="Write CSV to this file."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Write an Excel workbook to this file."),
    db: str | None = db_option(),
    today: str | None = typer.Option(None, "--today", help="The window's last day (YYYY-MM-DD)."),
    months: int = typer.Option(12, "--months", help="How many calendar months (1-120)."),
) -> None:
    """The KPI tables (by reason code, payer and month; Excel adds the headline figures)."""
    from recoup import exports

    path, kind = _target(csv, xlsx)
    day = parse_date(today)
    with _store(db) as store:
        figures = store.kpis(day, months)
    path.write_bytes(exports.kpi_csv(figures) if kind == "csv" else exports.kpi_xlsx(figures))
    typer.echo(f"KPI tables {figures.start.isoformat()} to {day.isoformat()} written to {path}")


def user_email_command(
    name: str = typer.Argument(..., help="The user name."),
    address: str = typer.Argument("", help="The e-mail address for reminders (empty: none)."),
    db: str | None = db_option(),
    user: str | None = _user_option(),
) -> None:
    """Set (or clear) the e-mail address `recoup remind --email` sends a user's list to."""
    with _store(db) as store:
        store.set_user_email(name, address or None, _who(user))
    typer.echo(f"e-mail of {name} {'set' if address else 'cleared'}")


def register_work_commands(app: typer.Typer) -> None:
    app.command("assign")(assign_command)
    app.command("follow-up")(follow_up_command)
    app.command("work-status")(status_command)
    app.command("note")(note_command)
    app.command("notes")(notes_command)
    app.command("remind")(remind_command)
    export_app.command("worklist")(export_worklist_command)
    export_app.command("kpis")(export_kpis_command)
    app.add_typer(export_app, name="export")
    user_app.command("email")(user_email_command)
