"""Remittance files and a practice folder, triaged without a store (``recoup triage``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding, Severity
from recoup.practice import Practice
from recoup.triage import Worklist, triage
from recoup.x12 import ParseResult, read_835_file

__all__ = ["RemittanceFiles", "read_remittances", "triage_files"]


class RemittanceFiles(NamedTuple):
    results: list[ParseResult]
    errors: list[Finding]  # the error findings of every file, in file order

    @property
    def ok(self) -> bool:
        return not self.errors


def read_remittances(paths: Iterable[Path], *, strict: bool = False) -> RemittanceFiles:
    """Read each 835 file; a missing file is an error finding, never an exception. ``strict``
    (``--strict``, or the practice's ``[x12] strict``) makes envelope faults errors."""
    results: list[ParseResult] = []
    errors: list[Finding] = []
    for path in paths:
        if not path.is_file():
            errors.append(Finding(Severity.ERROR, "file.missing", "no such file", str(path)))
            continue
        result = read_835_file(path, strict=strict)
        errors += [f for f in result.findings if f.severity is Severity.ERROR]
        results.append(result)
    return RemittanceFiles(results, errors)


def triage_files(
    results: Iterable[ParseResult], practice: Practice | None, today: date
) -> Worklist:
    """Every denial of the remittances decided, dated and ordered (see :func:`recoup.triage`)."""
    return triage(results, practice, today)
