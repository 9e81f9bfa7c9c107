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
from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
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


# a cell this short with no space in it is a code, a date, an id or an amount: cut, it means
# nothing ("2026-0…"), so its column keeps its width and the text columns wrap instead
_TOKEN_WIDTH = 16


class SafeTable(Table):
    """A rich table whose text cells are made :func:`safe` (they hold names and numbers read
    from 835s and practice files), and which, when it must shrink to fit the terminal, wraps
    its text columns (names, payers, reasons) before it cuts a code, date, id or amount."""

    def __init__(self, *headers: Any, **options: Any) -> None:
        # a rule under the header and a space between columns, no boxes: on a 100-column
        # terminal the borders of an 11-column table would take a third of the width
        options.setdefault("box", box.SIMPLE_HEAD)
        options.setdefault("show_edge", False)
        options.setdefault("pad_edge", False)
        options.setdefault("collapse_padding", True)
        super().__init__(*headers, **options)

    def add_row(self, *renderables: Any, **options: Any) -> None:
        cells = [safe(r) if isinstance(r, str) else r for r in renderables]
        super().add_row(*cells, **options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self._settle(options.max_width)
        if self.title:  # on a line of its own: a narrow table would wrap it word by word
            title, self.title = self.title, None
            try:
                yield Text(str(title), style="table.title")
                yield from super().__rich_console__(console, options)
            finally:
                self.title = title
            return
        yield from super().__rich_console__(console, options)

    def _settle(self, width: int) -> None:
        """When the table is wider than ``width``, set every column's width: the code-like
        columns (every cell one short word: ids, dates, amounts, codes) keep theirs, narrowest
        first, as long as each text column keeps room for a word of up to 10 characters; the
        text columns share the rest by how much they hold; a code-like column that did not fit
        gets what is left and folds onto several lines, never ending in an ellipsis."""
        columns = self.columns
        if not columns or any(c.no_wrap or c.width is not None for c in columns):
            return  # the command laid it out itself
        pads = sum(self._get_padding_width(i) for i in range(len(columns)))
        room = width - self._extra_width - pads
        sizes: list[tuple[int, int, bool]] = []  # (longest word, natural width, code-like)
        for column in columns:
            header = column.header.plain if isinstance(column.header, Text) else column.header
            texts = [c.plain if isinstance(c, Text) else c for c in column.cells]
            lines = [t for t in [*texts, header] if isinstance(t, str)]
            longest = max((len(w) for t in lines for w in t.split()), default=0)
            natural = max((len(t) for t in lines), default=0)
            code_like = all(
                isinstance(t, str) and " " not in t and len(t) <= _TOKEN_WIDTH for t in texts
            )
            sizes.append((longest, natural, code_like))
        if sum(natural for _, natural, _ in sizes) <= room:
            return  # it fits as it is
        text = [i for i, (_, _, code) in enumerate(sizes) if not code]
        kept = sorted(
            (i for i, (_, _, code) in enumerate(sizes) if code), key=lambda i: sizes[i][0]
        )
        floor = {i: min(sizes[i][0], 10) for i in text}
        left: list[int] = []
        while kept and sum(sizes[i][0] for i in kept) + sum(floor.values()) + 4 * len(left) > room:
            left.append(kept.pop())  # the widest gives way first
        widths = {i: sizes[i][0] for i in kept}
        spare = room - sum(widths.values())
        if left:
            share = max(4, (spare - sum(floor.values())) // len(left))
            widths |= {i: min(sizes[i][0], share) for i in left}
            spare = room - sum(widths.values())
        extra = max(0, spare - sum(floor.values()))
        wanted = sum(sizes[i][1] - floor[i] for i in text) or 1
        for i in text:  # its floor, and the rest in proportion to what each holds beyond it
            more = extra * (sizes[i][1] - floor[i]) // wanted
            widths[i] = min(sizes[i][1], floor[i] + more)
        for i, column in enumerate(columns):
            column.width = max(1, widths[i])
            column.overflow = "fold"


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
