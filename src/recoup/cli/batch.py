"""``recoup batch``: many practices' 835 files over a Dask cluster into a Parquet dataset.

Thin: lists the SOURCE files, checks the practice map, starts (or joins) the cluster and hands
over to :func:`recoup.cluster.run_batch`, showing progress (files, claims, denied dollars, rate)
on the terminal and a summary with every failed file and why at the end. The cluster packages
are an optional extra, imported only when the command runs, so ``recoup`` alone stays light.
Exit code 0 when every file of this run landed, 1 when any failed (the others still landed).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from recoup.cli.common import SafeTable, out_width
from recoup.findings import Severity
from recoup.money import CENT
from recoup.practice import read_practice

if TYPE_CHECKING:
    from recoup.cluster import BatchTally, PracticeMap, TaskResult

__all__ = ["batch_command", "register_batch_command"]

_err = Console(stderr=True)
_MISSING_EXTRA = (
    "recoup batch needs the cluster extra (dask, distributed, pyarrow, fsspec): "
    "pip install 'recoup[cluster]'"
)


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True, markup=True)
    return typer.Exit(1)


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f'--today "{text}" is not a date (expected YYYY-MM-DD)') from None


def _practices(path: Path | None) -> PracticeMap:
    from recoup.cluster import read_practice_map
    from recoup.cluster.practices import EMPTY

    if path is None:
        return EMPTY
    practices, problems = read_practice_map(path)
    for folder in practices.folders:  # each folder read once here, so a bad one stops nothing
        practice, findings = read_practice(folder)
        if practice is None:
            errors = [f for f in findings if f.severity is Severity.ERROR]
            problems.append(f"the practice folder {folder} could not be read")
            problems.extend(f"  {finding}" for finding in errors[:5])
    if problems:
        for problem in problems:
            _err.print(problem, soft_wrap=True, markup=False)
        raise _fail(f"the practice map {path} has problems; nothing was run")
    return practices


def _stats(tally: BatchTally) -> str:
    seconds = max(tally.seconds, 1e-9)
    return (
        f"{tally.claims:,} claims · {tally.denials:,} denials · ${tally.denied.quantize(CENT):,}"
        f" denied · {tally.claims / seconds:,.0f} claims/s · "
        f"{tally.bytes / seconds / 1e6:,.1f} MB/s"
    )


def _summary(tally: BatchTally, out: Path, as_json: bool) -> None:
    seconds = tally.seconds
    data = {
        "out": str(out),
        "files": tally.files,
        "skipped": tally.skipped,
        "done": tally.done,
        "duplicates": tally.duplicates,
        "rejected": tally.rejected,
        "failed": len(tally.failures) - tally.rejected,
        "claims": tally.claims,
        "denials": tally.denials,
        "denied": str(tally.denied.quantize(CENT)),
        "bytes": tally.bytes,
        "seconds": round(seconds, 3),
        "failures": [{"file": name, "reason": why} for name, why in tally.failures],
    }
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out_console = Console(soft_wrap=False, width=out_width(200))
    out_console.print(
        f"{tally.done} file(s) written to {out}, {tally.skipped} already done, "
        f"{tally.duplicates} duplicate(s) of files done, {len(tally.failures)} failed; "
        + _stats(tally)
        + f" ({seconds:.1f} s)",
        soft_wrap=True,
    )
    if tally.failures:
        table = SafeTable(title="Failed files (the rest of the batch landed)", title_justify="left")
        table.add_column("file", overflow="fold")
        table.add_column("why", overflow="fold")
        for name, why in tally.failures:
            table.add_row(escape(name), escape(why))
        out_console.print(table)


def batch_command(
    sources: list[str] = typer.Argument(
        ...,
        metavar="SOURCE",
        help="835 files, folders or globs (local paths, or URLs fsspec can open).",
    ),
    out: Path = typer.Option(..., "--out", help="The dataset folder (created; reruns add to it)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler (tcp://host:8786)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Local cluster size (default: one worker per core)."
    ),
    practice_map: Path | None = typer.Option(
        None,
        "--practice-map",
        help="CSV (key,practice) or TOML (tables npi and glob) mapping a payee NPI or a path glob "
        "to a practice folder; files with no practice are triaged without one.",
    ),
    today: str | None = typer.Option(
        None, "--today", help="The date deadlines count from (YYYY-MM-DD; default today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read and triage many 835 files on a Dask cluster into a Parquet dataset.

    Each file is one task running the same reader and triage as `recoup triage`; the results
    land in OUT (Parquet, partitioned by payer and month) with a manifest, so a rerun does only
    new files. Without --scheduler a local cluster of one worker per core is started.
    """
    if scheduler is not None and workers is not None:
        raise _fail("give --scheduler or --workers, not both")
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401

        from recoup.cluster import connect, expand_sources, run_batch
    except ImportError:
        raise _fail(_MISSING_EXTRA) from None
    day = _today(today)
    practices = _practices(practice_map)
    listing = expand_sources(sources)
    for missing in listing.missing:
        _err.print(f"[yellow]no file:[/] {escape(missing)}", soft_wrap=True)
    if not listing.files:
        raise _fail("no 835 file to read")
    progress = Progress(
        TextColumn("files"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=_err,
        transient=as_json,
    )
    task = progress.add_task("batch", total=len(listing.files), stats="starting the cluster")

    def show(tally: BatchTally, result: TaskResult | None) -> None:
        progress.update(task, completed=tally.finished, stats=_stats(tally))

    try:
        with progress:
            tally = run_batch(
                lambda: connect(scheduler, workers),
                listing.files,
                out,
                practices,
                day,
                on_result=show,
            )
    except OSError as exc:
        raise _fail(f"cannot write {out} or reach the cluster: {exc.strerror or exc}") from None
    _summary(tally, out, as_json)
    if tally.failures or listing.missing:
        raise typer.Exit(1)


def register_batch_command(app: typer.Typer) -> None:
    app.command("batch")(batch_command)
