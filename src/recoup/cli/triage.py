"""``recoup triage``: the denial worklist (docs/design.md, "Triage output contract (v1)").

Thin: reads the 835 files and the practice folder through :mod:`recoup.pipeline`, prints a
table (rich), JSON (``--json``) and/or a CSV file (``--csv``). Bad input (a file that does not
parse, a practice folder that does not import, a date that is not YYYY-MM-DD) is a message on
stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from recoup.cli.common import (
    SafeTable,
    err,
    fail,
    out,
    parse_date,
    read_practice_folder,
    sized,
    today_option,
)
from recoup.letters.reader import key_words
from recoup.money import CENT
from recoup.triage import WorkItem, Worklist
from recoup.words import word

__all__ = ["register_triage_command", "triage_command"]


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


def _money(value: object) -> str:
    return f"${value}"


def _table(worklist: Worklist, out: Console) -> None:
    table = SafeTable(title=f"Denials as of {worklist.today.isoformat()}", title_justify="left")
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
            word("lane", item.lane),
            item.patient_name,
            item.patient_account,
            item.code or "(claim)",
            _reason(item),
            style=style,
        )
    out.print(table)
    out.print(_summary_line(worklist), soft_wrap=not sized())
    if worklist.patient_share:
        out.print(_share_line(worklist), soft_wrap=not sized())


def _reason(item: WorkItem) -> str:
    key = f"{item.group_code}-{item.reason_code}"
    first = key_words(item.reasons[0]) if item.reasons else ""
    return first if first.startswith(key) else f"{key}: {first}"


def _summary_line(worklist: Worklist) -> str:
    parts = [f"{word('lane', lane)} ${v.quantize(CENT)}" for lane, v in worklist.by_lane.items()]
    return f"{len(worklist.items)} denials, ${worklist.total.quantize(CENT)} denied" + (
        ": " + ", ".join(parts) if parts else ""
    )


def _share_line(worklist: Worklist) -> str:
    """Patient cost share (PR-1/2/3) is billed, not appealed: its own line, not in the total."""
    parts = [
        f"{word('lane', lane)} ${v.quantize(CENT)}"
        for lane, v in worklist.patient_share_by_lane.items()
    ]
    return (
        f"Patient share (not denied): {len(worklist.patient_share)} lines, "
        f"${worklist.patient_share_total.quantize(CENT)}: " + ", ".join(parts)
    )


def _write_csv(worklist: Worklist, path: Path) -> None:
    """The worklist for a spreadsheet: the lane and the part in words (``Corrected claim``,
    ``Patient share``), the lane's code in a column of its own at the end (``lane_code``)."""
    columns = (*CSV_COLUMNS, "part", "lane_code")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        parts = [(i, "Denial") for i in worklist.items]
        parts += [(i, "Patient share") for i in worklist.patient_share]
        for item, part in parts:
            row = item.to_dict()
            row["part"] = part
            row["lane_code"] = item.lane
            row["lane"] = word("lane", item.lane)
            row["deadline"] = row["deadline"]["date"] or ""
            row["remark_codes"] = " ".join(item.remark_codes)
            row["reasons"] = " ".join(key_words(r) for r in item.reasons)
            writer.writerow(["" if row[c] is None else row[c] for c in columns])


def triage_command(
    eras: list[Path] = typer.Argument(..., help="X12 835 remittance files."),
    practice_dir: Path = typer.Option(
        ..., "--practice", help="The practice folder (practice.toml, visits.csv, ...)."
    ),
    today: str | None = today_option("The date deadlines count from (YYYY-MM-DD; default today)."),
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
    from recoup.pipeline import read_remittances, triage_files

    day = parse_date(today)
    practice = read_practice_folder(practice_dir)
    read = read_remittances(eras, strict=practice.x12_strict)
    for finding in read.errors:
        err.print(f"  {finding.place}: {finding.message}", soft_wrap=True, markup=False)
    if not read.ok:
        raise fail(f"{len(read.errors)} error(s) in the remittances; nothing was triaged")
    worklist = triage_files(read.results, practice, day)
    paths: dict[str, str] = {}
    if letters is not None:
        paths = write_letters(worklist, letters, day)
    if csv_file is not None:
        try:
            _write_csv(worklist, csv_file)
        except OSError as exc:
            raise fail(f"cannot write {csv_file}: {exc.strerror or exc}") from None
    if as_json:
        data = worklist.to_dict()
        for row in data["denials"]:
            row["letter"] = paths.get(row["denial_id"])
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _table(worklist, out(200))


def write_letters(worklist: Worklist, outdir: Path, today: date) -> dict[str, str]:
    """A packet per claim and lane; returns denial id -> the letter's path. A letter that fails
    the fact check is reported and not written; the others still are."""
    from recoup.pipeline import write_packets

    try:
        report = write_packets(worklist.items, outdir, today)
    except OSError as exc:
        raise fail(f"cannot write letters to {outdir}: {exc.strerror or exc}") from None
    for finding in report.record_findings:
        err.print(f"  {finding}", soft_wrap=True, markup=False)
    for message in report.failed:
        err.print(Text.assemble(("letter not written:", "red"), " ", message), soft_wrap=True)
    failed = f", {len(report.failed)} failed" if report.failed else ""
    claims = f", {len(report.claims)} corrected or secondary 837P claim(s)" if report.claims else ""
    err.print(f"{len(report.written)} packet(s) written to {outdir}{claims}{failed}")
    return report.letters


def register_triage_command(app: typer.Typer) -> None:
    app.command("triage")(triage_command)
