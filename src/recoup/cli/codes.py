"""``recoup codes``: look up, explain and search denial codes; import the official lists.

    recoup codes CO-119                 explain a reason code with its group code
    recoup codes 97 N362                several codes at once
    recoup codes CO-119 -r N362         a reason code with the remark codes that came with it
    recoup codes PR                     what a group code means for liability
    recoup codes --search "benefit maximum"
    recoup codes import FILE            load the official wording downloaded from X12
    recoup codes tables                 where each bundled table comes from

``codes CODE`` and ``codes import FILE`` share the command name: :class:`_CodesGroup` treats a
first word that is not a subcommand as a code. The commands are thin: every answer comes from
:mod:`recoup.codes`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from recoup.cli.common import SafeTable
from recoup.codes import (
    CARC,
    RARC,
    CodeEntry,
    Explanation,
    GroupCode,
    RemarkExplanation,
    code_tables,
    explain,
    explain_remark,
    import_official,
    load_official,
    official_store_path,
    parse_code,
    search,
)
from recoup.findings import Finding
from recoup.words import word

__all__ = ["codes_app", "register"]

_IMPORT_HINT = "not imported (see `recoup codes import --help`)"


class _CodesGroup(TyperGroup):
    """A group whose unknown first word is a code: ``codes 97`` runs ``codes show 97``."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.subcommand_metavar = "CODE... | import FILE | tables"

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


codes_app = typer.Typer(
    cls=_CodesGroup,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help=(
        "Explain CARC/RARC denial codes and group codes: recoup codes CO-119, recoup codes N362, "
        'recoup codes --search "benefit maximum", recoup codes import FILE.'
    ),
)


class ListKind(StrEnum):
    carc = "carc"
    rarc = "rarc"


def register(app: typer.Typer) -> None:
    """Add ``codes`` to the main ``recoup`` app."""
    app.add_typer(codes_app, name="codes")


@codes_app.callback()
def _codes(
    ctx: typer.Context,
    search_text: str | None = typer.Option(
        None, "--search", "-s", help="Find codes whose words contain every word of TEXT."
    ),
    limit: int = typer.Option(25, "--limit", help="Show at most this many search results."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Explain denial codes: recoup codes CODE... | --search TEXT | import FILE | tables."""
    ctx.obj = {"json": as_json}
    if ctx.invoked_subcommand is not None:
        return
    if search_text is None:
        typer.echo(ctx.get_help())
        return
    _print_search(search_text, search(search_text, limit=limit), as_json)


@codes_app.command("show", hidden=True)
def show(
    ctx: typer.Context,
    codes: list[str] = typer.Argument(..., metavar="CODE...", help="CO-119, 97, N362, PR..."),
    remarks: list[str] = typer.Option(
        [], "--remark", "-r", help="Remark code that came with the reason code (repeatable)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Explain one or more codes (a CARC with its group code, a RARC, or a group code)."""
    as_json = as_json or bool((ctx.obj or {}).get("json"))
    results: list[dict[str, Any]] = []
    failed = False
    out = Console(highlight=False)
    for text in codes:
        answer = _answer(text, remarks)
        if answer is None:
            failed = True
            message = (
                f"Unknown code {text.strip()!r}: it is not in recoup's CARC or RARC tables "
                "nor in an imported official list."
            )
            if as_json:
                results.append({"code": text.strip(), "known": False, "error": message})
            else:
                Console(stderr=True, highlight=False).print(Text(message, style="red"))
            continue
        results.append(answer.to_dict())
        if not as_json:
            _render(out, answer)
    if as_json:
        typer.echo(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    if failed:
        raise typer.Exit(1)


@codes_app.command("import")
def import_list(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV, tab- or pipe-separated export of the X12 list."),
    kind: ListKind | None = typer.Option(
        None, "--kind", help="Treat every row as this list (default: tell by the code)."
    ),
    keep_going: bool = typer.Option(
        False, "--keep-going", help="Import the good rows even if some rows are bad."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Load the official CARC/RARC wording you downloaded from X12; shown beside recoup's."""
    as_json = as_json or bool((ctx.obj or {}).get("json"))
    result = import_official(file, kind=kind.value.upper() if kind else None, keep_going=keep_going)
    if as_json:
        payload = {
            "imported": result.written,
            "file": result.source,
            "store": str(result.store),
            "carc": result.carc_count,
            "rarc": result.rarc_count,
            "findings": [f.to_dict() for f in result.findings],
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        _print_findings(result.findings)
        if result.written:
            typer.echo(
                f"Imported {result.carc_count} CARCs and {result.rarc_count} RARCs from "
                f"{result.source} into {result.store}."
            )
        else:
            typer.echo("Nothing was imported.", err=True)
    if not result.written:
        raise typer.Exit(1)


@codes_app.command("tables")
def tables_info(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show each bundled code table with its source, list date and size."""
    as_json = as_json or bool((ctx.obj or {}).get("json"))
    tables = code_tables()
    sizes = {
        "carc": len(tables.carc),
        "rarc": len(tables.rarc),
        "groups": len(tables.groups),
        "categories": len(tables.categories),
        "explanations": sum(
            1 for e in [*tables.carc.values(), *tables.rarc.values()] if e.advice is not None
        ),
    }
    official, _ = load_official()
    rows = [
        {
            "table": info.name,
            "file": info.file,
            "title": info.title,
            "source": info.source,
            "list_date": info.list_date.isoformat(),
            "rows": sizes.get(info.name),
            "note": info.note,
        }
        for info in tables.info.values()
    ]
    if as_json:
        payload = {
            "tables": rows,
            "official_store": str(official_store_path()),
            "official_codes": len(official),
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    table = SafeTable("table", "rows", "list date", "source")
    for info in tables.info.values():
        size = sizes.get(info.name)
        table.add_row(
            info.file, "" if size is None else str(size), str(info.list_date), info.source
        )
    out = Console(highlight=False)
    out.print(table)
    out.print(f"Official wording: {len(official) or _IMPORT_HINT} ({official_store_path()})")


class _GroupAnswer:
    def __init__(self, group: GroupCode) -> None:
        self.group = group

    def to_dict(self) -> dict[str, Any]:
        g = self.group
        return {
            "code": g.code,
            "kind": "group",
            "known": True,
            "name": g.name,
            "group_meaning": g.description,
            "liability": g.liability,
            "valid_in": list(g.valid_in),
            "active": g.active,
        }


def _answer(text: str, remarks: list[str]) -> Explanation | RemarkExplanation | _GroupAnswer | None:
    word = text.strip().upper()
    group = code_tables().groups.get(word)
    if group is not None:
        return _GroupAnswer(group)
    try:
        ref = parse_code(text)
    except ValueError:
        return None
    if ref.kind == CARC:
        found = explain(ref.group, ref.code, remarks)
        return found if found.known else None
    remark = explain_remark(ref.code)
    return remark if remark.known else None


def _render(out: Console, answer: Explanation | RemarkExplanation | _GroupAnswer) -> None:
    if isinstance(answer, _GroupAnswer):
        g = answer.group
        out.print(Text(f"{g.code}  {g.name}  (group code, liability: {g.liability})", style="bold"))
        out.print(Text(g.description))
        out.print()
        return
    if isinstance(answer, RemarkExplanation):
        _render_remark(out, answer, heading=True)
        out.print()
        return
    e = answer
    title = f"{e.group}-{e.code}" if e.group else e.code
    status = "active" if e.active else "deactivated"
    out.print(Text(f"{title}  CARC · {e.category} · {status}", style="bold"))
    _field(out, "Meaning", e.description + ("" if e.own_words else " (official wording)"))
    if e.own_words:
        _field(out, "Official wording", e.official or _IMPORT_HINT)
    if e.group_meaning:
        _field(out, f"Group {e.group} ({e.group_name})", e.group_meaning)
    _field(out, "Category", f"{e.category}: {e.category_description}")
    if e.explanation:
        _field(out, "In plain English", e.explanation)
    if e.causes:
        _field(out, "Usual causes", "; ".join(e.causes))
    _field(out, "Appealable", e.appealable)
    _field(out, "Typical fix", e.typical_fix)
    for warning in e.warnings:
        out.print(Text(f"Warning: {warning}", style="yellow"))
    for remark in e.remarks:
        _render_remark(out, remark, heading=False)
    out.print()


def _render_remark(out: Console, r: RemarkExplanation, heading: bool) -> None:
    if heading:
        status = "active" if r.active else "deactivated"
        kind = "alert" if r.alert else "remark"
        out.print(Text(f"{r.code}  RARC · {kind} · {status}", style="bold"))
        _field(out, "Meaning", r.description)
        _field(out, "Official wording", r.official or _IMPORT_HINT)
    else:
        _field(out, f"Remark {r.code}", r.description)
    if r.explanation:
        _field(out, "In plain English", r.explanation)
    if heading and r.causes:
        _field(out, "Usual causes", "; ".join(r.causes))
    if r.appealable:
        _field(out, "Appealable", r.appealable)
    if heading and r.typical_fix:
        _field(out, "Typical fix", r.typical_fix)
    if r.confusion:
        out.print(Text(f"Warning: {r.confusion}", style="yellow"))


def _field(out: Console, label: str, value: str) -> None:
    line = Text(f"{label}: ", style="bold")
    line.append(value)
    out.print(line)


def _print_search(query: str, found: list[CodeEntry], as_json: bool) -> None:
    if as_json:
        payload = {
            "query": query,
            "results": [
                {
                    "code": e.code,
                    "kind": e.kind,
                    "category": e.category,
                    "description": e.description,
                    "active": e.active,
                    "official": e.official,
                    "confusion": e.advice.confusion if e.advice else None,
                }
                for e in found
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    out = Console(highlight=False)
    if not found:
        out.print(f"No code matches {query!r}.")
        return
    table = SafeTable("code", "kind", "category", "meaning")
    for e in found:
        meaning = e.description if e.active else f"{e.description} (deactivated)"
        category = e.category or ("" if e.kind == RARC else "other")
        table.add_row(e.code, e.kind, word("category", category), Text(meaning))
    out.print(table)


def _print_findings(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        typer.echo(str(finding), err=True)
