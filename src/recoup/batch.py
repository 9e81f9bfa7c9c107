"""Reading many remittance files at once, spread over the machine's cores.

Reading one file is a pure function of its bytes, so a batch is a map over files. Each worker
streams its file and sends back a small summary (counts, totals, findings), not the records:
pickling two million records back to the parent would cost more than reading them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, TypeVar

from recoup.denials import denied_items
from recoup.findings import Finding, Severity
from recoup.money import ZERO
from recoup.x12.reader835 import Reader835

__all__ = ["FileSummary", "map_files", "summarize_file", "summarize_files"]

T = TypeVar("T")


class FileSummary(NamedTuple):
    file: str
    size: int
    remittances: int
    claims: int
    billed: Decimal
    paid: Decimal
    denied_lines: int
    denied: Decimal
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def summarize_file(path: str | os.PathLike[str]) -> FileSummary:
    """Stream one 835 and add it up, keeping no records."""
    name = str(path)
    try:
        stream = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        finding = Finding(Severity.ERROR, "file.unreadable", f"cannot read the file: {exc}", name)
        return FileSummary(name, 0, 0, 0, ZERO, ZERO, 0, ZERO, (finding,))
    with stream:
        reader = Reader835(stream, name)
        claims = 0
        billed = paid = denied = ZERO
        denied_lines = 0
        for _, claim in reader.claims():
            claims += 1
            billed += claim.charge
            paid += claim.paid
            for item in denied_items(claim):
                denied_lines += 1
                denied += item.amount
        return FileSummary(
            name,
            reader.source.total_bytes,
            len(reader.remittances),
            claims,
            billed,
            paid,
            denied_lines,
            denied,
            tuple(reader.findings),
        )


def map_files(
    func: Callable[[str], T], paths: Iterable[str | os.PathLike[str]], workers: int | None = None
) -> Iterator[T]:
    """``func`` over each file, in order, on ``workers`` processes (default: every core).

    ``func`` must be a module-level function so it can be sent to the workers.
    """
    items = [str(p) for p in paths]
    count = workers or os.cpu_count() or 1
    if count <= 1 or len(items) <= 1:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield from pool.map(func, items)


def summarize_files(
    paths: Iterable[str | os.PathLike[str]], workers: int | None = None
) -> list[FileSummary]:
    return list(map_files(summarize_file, paths, workers))
