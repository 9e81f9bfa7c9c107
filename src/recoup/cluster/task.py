"""One batch task: one 835 file read, triaged and turned into Arrow tables, on a worker.

The task runs the CLI's own code, :func:`recoup.x12.read_835` then
:func:`recoup.triage.triage` with the file's practice (chosen by the practice map from the
payee's NPI or the path), so a batch decides every denial exactly as ``recoup triage`` would for
that file. It writes nothing: it returns a :class:`TaskResult` whose tables the client writes
(see :mod:`recoup.cluster.run` for why), and it never raises for a bad file: unreadable bytes,
errors in the 835 or an exception in triage become a failed result with its reason, so one
file never stops the batch.
"""

from __future__ import annotations

import functools
import time
import zlib
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pyarrow as pa

from recoup.cluster.practices import PracticeMap
from recoup.cluster.sources import Stamp, digest, read_bytes
from recoup.cluster.tables import file_tables, files_table, findings_table
from recoup.findings import Finding, Severity
from recoup.money import ZERO
from recoup.practice import Practice, read_practice
from recoup.triage import triage
from recoup.x12 import read_835

__all__ = ["DONE", "FAILED", "REJECTED", "TaskResult", "process_file"]

DONE = "done"  # read and triaged: its tables are in the dataset
REJECTED = "rejected"  # the 835 has errors: only its findings are kept (the same bytes always fail)
FAILED = "failed"  # could not be read or processed this time: tried again on the next run


class TaskResult(NamedTuple):
    stamp: Stamp
    status: str
    sha256: str  # "" when the file could not be read
    size: int
    reason: str  # why it was rejected or failed
    tables: dict[str, pa.Table]
    claims: int = 0
    denials: int = 0
    denied: Decimal = ZERO
    seconds: float = 0.0


@functools.lru_cache(maxsize=64)
def _practice(folder: str) -> Practice | None:
    """A worker reads each practice folder once (the client checked every folder first)."""
    practice, _ = read_practice(folder)
    return practice


def _first_error(findings: tuple[Finding, ...]) -> str:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    first = errors[0]
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    return f"{first.place}: {first.message}{more}"


def process_file(stamp: Stamp, practices: PracticeMap, today: date) -> TaskResult:
    """Read, triage and tabulate one file; see the module docstring."""
    started = time.perf_counter()
    try:
        data = read_bytes(stamp.name)
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        return TaskResult(stamp, FAILED, "", 0, reason, {})
    sha256 = digest(data)
    try:
        return _tabulate(stamp, data, sha256, practices, today, started)
    except Exception as exc:  # a bug or an amount Arrow cannot hold must not stop the batch
        reason = f"could not be processed: {type(exc).__name__}: {exc}"
        return TaskResult(stamp, FAILED, sha256, len(data), reason, {})


def _tabulate(
    stamp: Stamp,
    data: bytes,
    sha256: str,
    practices: PracticeMap,
    today: date,
    started: float,
) -> TaskResult:
    result = read_835(data, file=stamp.name)
    findings = {"findings": findings_table(sha256, result.findings)}
    if not result.ok:
        reason = _first_error(result.findings)
        return TaskResult(stamp, REJECTED, sha256, len(data), reason, findings)
    if not result.remittances:
        reason = "no 835 remittance in the file"
        return TaskResult(stamp, REJECTED, sha256, len(data), reason, findings)
    payees = tuple(dict.fromkeys(r.payee.id for r in result.remittances if r.payee.id))
    folder = practices.folder_for(stamp.name, payees)
    practice = _practice(folder) if folder is not None else None
    if folder is not None and practice is None:
        reason = f"the practice folder {folder} could not be read on the worker"
        return TaskResult(stamp, FAILED, sha256, len(data), reason, findings)
    worklist = triage([result], practice, today)
    tables = file_tables(sha256, result.remittances, worklist, folder)
    claims = tables["claims"].num_rows
    counts = (len(result.remittances), claims)
    payee = payees[0] if payees else ""
    compressed = zlib.compress(data, 6)  # what the store keeps of an imported 835 (zlib, 6)
    tables["files"] = files_table(sha256, stamp.name, len(data), payee, folder, counts, compressed)
    tables.update(findings)
    return TaskResult(
        stamp,
        DONE,
        sha256,
        len(data),
        "",
        tables,
        claims,
        len(worklist.items),
        worklist.total,
        time.perf_counter() - started,
    )
