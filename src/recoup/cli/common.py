"""What every command shares, written once: failing with a message, ``--today``, ``--db``,
opening the store, printing findings, and the console.

A command never lets a traceback reach the user: bad input is a message on stderr and exit
status 1, a store that cannot be opened or that fails is exit status 2. Text that came from an
input file is printed with ``markup=False`` so a ``[`` in a payer's name is not taken for rich
markup.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from recoup.findings import Finding, Severity
from recoup.textsafe import terminal_text

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported when a command runs
    from recoup.practice import Practice
    from recoup.store import Store

__all__ = [
    "DB_HELP",
    "SafeTable",
    "db_option",
    "err",
    "fail",
    "json_option",
    "open_store",
    "out",
    "parse_date",
    "print_findings",
    "read_practice_folder",
    "safe",
    "shown",
    "table",
    "today_option",
]

DB_HELP = (
    "The store: a SQLite file path or a database URL (sqlite:///..., postgresql://...). "
    "Default: $RECOUP_DATABASE_URL, else ./recoup.db."
)

err = Console(stderr=True)


def sized() -> bool:
    """Whether output goes to a terminal, or ``$COLUMNS`` says how wide it may be: then long
    lines are wrapped to fit; into a pipe or file they stay whole (one line, easy to grep)."""
    return sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit()


def fitted(text: str, indent: str = "", *, first: str | None = None) -> str:
    """``text`` wrapped to the terminal's (or ``$COLUMNS``) width when :func:`sized`, each
    continuation line indented by ``indent`` (the first by ``first``, default ``indent``)."""
    lead = indent if first is None else first
    if not sized():
        return lead + text
    width = shutil.get_terminal_size((100, 24)).columns
    return textwrap.fill(
        text,
        width=max(40, width),
        initial_indent=lead,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def out_width(width: int = 160) -> int | None:
    """How wide a command prints: the terminal's width (or ``$COLUMNS`` when set, as when a
    script asks for 100 columns), else ``width`` (``None`` = let the console measure)."""
    return None if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit() else width


def out(width: int = 160) -> Console:
    """The console for a command's output: as wide as the terminal or ``$COLUMNS``, else
    ``width``. Tables shrink their columns (wrapping cells) to fit."""
    return Console(soft_wrap=False, width=out_width(width))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on stderr; ``raise fail(...)`` ends the command."""
    err.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True, highlight=False)
    return typer.Exit(code)


def db_option() -> Any:
    return typer.Option(None, "--db", help=DB_HELP, metavar="PATH_OR_URL")


def json_option(what: str = "the result") -> Any:
    return typer.Option(False, "--json", help=f"Print {what} as JSON.")


def today_option(help_text: str = "The date to count from (YYYY-MM-DD; default today).") -> Any:
    return typer.Option(None, "--today", help=help_text, metavar="YYYY-MM-DD")


def parse_date(text: str | None, option: str = "--today", code: int = 1) -> date:
    """``text`` as a date; no text is today (the one place the CLI reads the clock)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f'{option} "{text}" is not a date (expected YYYY-MM-DD)', code) from None


def read_practice_folder(folder: Path, code: int = 1) -> Practice:
    """The practice folder, or its errors printed and the command ended with ``code``."""
    from recoup.practice import read_practice

    practice, findings = read_practice(folder)
    if practice is None:
        for finding in findings:
            if finding.severity is Severity.ERROR:
                err.print(f"  {finding}", soft_wrap=True, markup=False)
        raise fail(f"the practice folder {folder} could not be read", code)
    return practice


@contextmanager
def open_store(db: str | None, *, must_exist: bool = False) -> Iterator[Store]:
    """Open the store; a store that cannot open or fails is exit 2, bad input (ValueError)
    exit 1, each with its message."""
    from sqlalchemy.exc import SQLAlchemyError

    from recoup.store import Store, StoreError, display_url

    try:
        store = Store.open(db, must_exist=must_exist)
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    try:
        yield store
    except ValueError as exc:
        raise fail(str(exc)) from None
    except (StoreError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise fail(f"the store at {display_url(store.url)} failed: {reason}", 2) from None
    finally:
        store.close()


def safe(value: object) -> str:
    """Text from an input file, with its control characters (ESC among them) made visible, so
    it can never drive the terminal."""
    return terminal_text(str(value))


def shown(value: object) -> str:
    """:func:`safe`, and escaped for rich markup (a payer named "[red]" stays a name)."""
    return escape(safe(value))


class SafeTable(Table):
    """A rich table whose text cells are made :func:`safe` (they hold names and numbers read
    from 835s and practice files)."""

    def add_row(self, *renderables: Any, **options: Any) -> None:
        cells = [safe(r) if isinstance(r, str) else r for r in renderables]
        super().add_row(*cells, **options)


def print_findings(findings: Iterable[Finding], console: Console, indent: str = "  ") -> None:
    """Each finding on its line (place, severity, message), its segment's text beneath."""
    for finding in findings:
        style = "red" if finding.severity is Severity.ERROR else "yellow"
        console.print(
            Text.assemble(
                (safe(indent + finding.place + ": "), ""),
                (f"{finding.severity}: ", style),
                safe(finding.message),
            ),
            soft_wrap=True,
        )
        if finding.segment_text:
            line = safe(indent + "    " + finding.segment_text)
            console.print(Text(line, style="dim"), soft_wrap=True)


def table(columns: Iterable[str], *, right: Iterable[str] = (), **options: Any) -> Table:
    """A rich table with these columns, those in ``right`` (amounts, counts) right-aligned."""
    aligned = set(right)
    found = SafeTable(**options)
    for column in columns:
        found.add_column(column, justify="right" if column in aligned else "left")
    return found
