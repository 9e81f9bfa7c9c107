"""``recoup triage``: the denial worklist (DESIGN.md, "Triage output contract (v1)").

Thin: reads the 835 files and the practice folder, calls :func:`recoup.triage.triage`, prints a
table (rich), JSON (``--json``) and/or a CSV file (``--csv``). Bad input (a file that does not
parse, a practice folder that does not import, a date that is not YYYY-MM-DD) is a message on
stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from recoup.findings import Severity
from recoup.money import CENT
from recoup.practice import Practice, read_practice
from recoup.triage import WorkItem, Worklist, triage
from recoup.x12 import read_835_file

__all__ = ["register_triage_command", "triage_command"]

_err = Console(stderr=True)

CSV_COLUMNS = (
    "deadline",
    "days_left",
    "denied_amount",
    "lane",
    "patient_account",
    "payer_claim_id",
    "patient_name",
    "service_date",
    "code",
    "group_code",
    "reason_code",
    "remark_codes",
    "payer_name",
    "rule",
    "action",
    "reasons",
)


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/] {message}", soft_wrap=True, markup=True)
    return typer.Exit(1)


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f'--today "{text}" is not a date (expected YYYY-MM-DD)') from None


def _practice(folder: Path) -> Practice:
    practice, findings = read_practice(folder)
    if practice is None:
        for finding in findings:
            if finding.severity is Severity.ERROR:
                _err.print(f"  {finding}", soft_wrap=True, markup=False)
        raise _fail(f"the practice folder {folder} could not be read")
    return practice


def _money(value: object) -> str:
    return f"${value}"


def _table(worklist: Worklist, out: Console) -> None:
    table = Table(title=f"Denials as of {worklist.today.isoformat()}", title_justify="left")
    for column in ("deadline", "days left", "amount", "lane", "patient", "claim", "code"):
        table.add_column(column, justify="right" if column in ("days left", "amount") else "left")
    table.add_column("reason", overflow="fold")
    for item in worklist.items:
        due = item.deadline.date.isoformat() if item.deadline.date else "-"
        left = "" if item.days_left is None else str(item.days_left)
        style = "red" if item.days_left is not None and item.days_left < 0 else None
        table.add_row(
            due,
            left,
            _money(item.denied_amount.quantize(CENT)),
            item.lane,
            item.patient_name,
            item.patient_account,
            item.code or "(claim)",
            _reason(item),
            style=style,
        )
    out.print(table)
    out.print(_summary_line(worklist), soft_wrap=True)
    if worklist.patient_share:
        out.print(_share_line(worklist), soft_wrap=True)


def _reason(item: WorkItem) -> str:
    key = f"{item.group_code}-{item.reason_code}"
    first = item.reasons[0] if item.reasons else ""
    return first if first.startswith(key) else f"{key}: {first}"


def _summary_line(worklist: Worklist) -> str:
    parts = [f"{lane} ${v.quantize(CENT)}" for lane, v in worklist.by_lane.items()]
    return f"{len(worklist.items)} denials, ${worklist.total.quantize(CENT)} denied" + (
        ": " + ", ".join(parts) if parts else ""
    )


def _share_line(worklist: Worklist) -> str:
    """Patient cost share (PR-1/2/3) is billed, not appealed: its own line, not in the total."""
    parts = [f"{lane} ${v.quantize(CENT)}" for lane, v in worklist.patient_share_by_lane.items()]
    return (
        f"Patient share (not denied): {len(worklist.patient_share)} lines, "
        f"${worklist.patient_share_total.quantize(CENT)}: " + ", ".join(parts)
    )


def _write_csv(worklist: Worklist, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow((*CSV_COLUMNS, "part"))
        parts = [(i, "denial") for i in worklist.items]
        parts += [(i, "patient_share") for i in worklist.patient_share]
        for item, part in parts:
            row = item.to_dict()
            row["part"] = part
            row["deadline"] = row["deadline"]["date"] or ""
            row["remark_codes"] = " ".join(item.remark_codes)
            row["reasons"] = " ".join(item.reasons)
            writer.writerow(["" if row[c] is None else row[c] for c in (*CSV_COLUMNS, "part")])


def triage_command(
    eras: list[Path] = typer.Argument(..., help="X12 835 remittance files."),
    practice_dir: Path = typer.Option(
        ..., "--practice", help="The practice folder (practice.toml, visits.csv, ...)."
    ),
    today: str | None = typer.Option(
        None, "--today", help="The date deadlines count from (YYYY-MM-DD; default today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the worklist as JSON."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Also write the worklist as CSV."),
    letters: Path | None = typer.Option(
        None,
        "--letters",
        help="Write a packet (letter as Markdown, DOCX and PDF, checklist) per claim and lane "
        "into this folder.",
    ),
) -> None:
    """Decide every denial: lane, reasons, evidence and deadline, earliest deadline first."""
    day = _today(today)
    practice = _practice(practice_dir)
    results = []
    errors = 0
    for path in eras:
        if not path.is_file():
            raise _fail(f"{path}: no such file")
        result = read_835_file(path)
        for finding in result.findings:
            if finding.severity is Severity.ERROR:
                errors += 1
                _err.print(f"  {finding.place}: {finding.message}", soft_wrap=True, markup=False)
        results.append(result)
    if errors:
        raise _fail(f"{errors} error(s) in the remittances; nothing was triaged")
    worklist = triage(results, practice, day)
    paths: dict[str, str] = {}
    if letters is not None:
        paths = write_letters(worklist, practice, letters, day)
    if csv_file is not None:
        try:
            _write_csv(worklist, csv_file)
        except OSError as exc:
            raise _fail(f"cannot write {csv_file}: {exc.strerror or exc}") from None
    if as_json:
        data = worklist.to_dict()
        for row in data["denials"]:
            row["letter"] = paths.get(row["denial_id"])
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _table(worklist, Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200))


def write_letters(
    worklist: Worklist, practice: Practice, outdir: Path, today: date
) -> dict[str, str]:
    """A packet per claim and lane; returns denial id -> the letter's path. A letter that fails
    the fact check is reported and not written; the others still are."""
    from recoup.letters import FactCheckError, build_packet, packets_for, write_packet
    from recoup.records_text import read_records

    records = read_records(practice)
    for finding in records.findings:
        _err.print(f"  {finding}", soft_wrap=True, markup=False)
    paths: dict[str, str] = {}
    written = failed = 0
    for group in packets_for(worklist.items):
        try:
            packet = build_packet(group, records, today)
            write_packet(packet, outdir)
        except FactCheckError as exc:
            failed += 1
            _err.print(f"[red]letter not written:[/] {exc}", soft_wrap=True)
            continue
        except OSError as exc:
            raise _fail(f"cannot write letters to {outdir}: {exc.strerror or exc}") from None
        written += 1
        for denial in packet.denial_ids:
            paths[denial] = str(outdir / packet.key / "letter.md")
    _err.print(
        f"{written} packet(s) written to {outdir}" + (f", {failed} failed" if failed else "")
    )
    return paths


def register_triage_command(app: typer.Typer) -> None:
    app.command("triage")(triage_command)
