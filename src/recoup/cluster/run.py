"""Running a batch on a Dask cluster: one task per file, one writer, a manifest.

Design (what makes "a crash loses only the tasks in flight" and "no duplicate rows after a
worker kill" true):

* **Workers compute, the client writes.** A task (:func:`recoup.cluster.task.process_file`)
  reads one file and returns its Arrow tables; it writes nothing. The client takes results as
  they complete (``as_completed``) and is the only writer of the dataset
  (:func:`recoup.cluster.dataset.write_result`). A worker killed mid-task has therefore left no
  trace on disk; the scheduler notices the lost worker and runs the task again on another one
  (up to ``distributed.scheduler.allowed-failures`` times; a task that *raises* is retried
  ``retries`` times), and the client receives each future's result exactly once.
* **Parts are named by the file's SHA-256 and renamed into place.** Writing a file again (after
  a client crash between its parts and its manifest line, or the same bytes under two names)
  replaces its parts rather than adding rows, so the dataset never holds a file's rows twice.
* **The manifest line comes last.** A file is in ``_manifest.jsonl`` only once all its parts
  are durable (flushed and renamed); a rerun skips those files (by name, size and modification
  stamp without reading them; by SHA-256 after reading, so a renamed copy is not written again)
  and does everything else again.
* **A bounded window.** Only ``window`` tasks are submitted at a time (a few per worker thread),
  so a crash of the client loses at most those, and results never pile up in its memory.

Why not let workers write their own parts? It spares the client's bandwidth, but then a worker
killed after writing some parts but before reporting leaves parts the client does not know of,
and a retried task races the first attempt's writer; the single writer keeps the invariant
simple. The client writes Parquet at hundreds of MB/s, far above what a handful of workers
produce (see benchmarks/README.md); a cluster big enough to saturate it wants one batch per
practice group, each with its own output folder.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from recoup.cluster.dataset import Manifest, add_stamp, read_manifest, write_result
from recoup.cluster.practices import PracticeMap
from recoup.cluster.sources import Stamp
from recoup.cluster.task import DONE, FAILED, REJECTED, TaskResult, process_file
from recoup.money import ZERO

__all__ = ["BatchTally", "connect", "run_batch"]

RETRIES = 2


@dataclass(slots=True)
class BatchTally:
    """The running counts of a batch (the progress display reads it after every file)."""

    files: int  # files listed
    skipped: int = 0  # already in the manifest
    done: int = 0
    rejected: int = 0
    duplicates: int = 0  # bytes already written under another name
    claims: int = 0
    denials: int = 0
    denied: Decimal = ZERO
    bytes: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    started: float = field(default_factory=time.perf_counter)

    @property
    def finished(self) -> int:
        return self.skipped + self.done + self.duplicates + len(self.failures)  # rejected: failures

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def connect(scheduler: str | None, workers: int | None) -> Iterator[object]:
    """A client of the scheduler at ``scheduler``, else of a local cluster of ``workers``
    processes (default: one per core) with one thread each: the reader holds the GIL, so
    threads would not run in parallel."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be another cluster's
            silence_logs=40,  # logging.ERROR: the batch's own display is the progress
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _key(run: str, stamp: Stamp) -> str:
    """A task key per run and file: another run's result (another --today, another practice
    map) must never stand in for this one's."""
    return f"recoup-835-{run}-" + hashlib.sha256(stamp.key.encode()).hexdigest()[:24]


def run_batch(
    cluster: object,
    files: Sequence[Stamp],
    out: Path,
    practices: PracticeMap,
    today: date,
    *,
    window: int | None = None,
    on_result: Callable[[BatchTally, TaskResult | None], None] | None = None,
) -> BatchTally:
    """Every file not yet in ``out``'s manifest, as tasks on a Dask cluster.

    ``cluster`` is a ``distributed.Client``, or a callable returning a context manager that
    yields one (``lambda: connect(None, 2)``): that is entered only when some file is new, so a
    rerun with nothing to do starts no cluster."""
    from distributed import Client

    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(out)
    tally = BatchTally(len(files))
    todo = [s for s in files if s.key not in manifest.stamps]
    tally.skipped = len(files) - len(todo)
    if on_result is not None:
        on_result(tally, None)
    if not todo:
        return tally
    run = _Run(out, manifest, tally, practices, today, on_result)
    if isinstance(cluster, Client):
        run.all(cluster, todo, window)
    else:
        assert callable(cluster)
        with cluster() as client:
            run.all(client, todo, window)
    return tally


class _Run:
    def __init__(
        self,
        out: Path,
        manifest: Manifest,
        tally: BatchTally,
        practices: PracticeMap,
        today: date,
        on_result: Callable[[BatchTally, TaskResult | None], None] | None,
    ) -> None:
        self.out, self.manifest, self.tally = out, manifest, tally
        self.practices, self.today, self.on_result = practices, today, on_result
        self.run = uuid.uuid4().hex[:12]

    def all(self, client: Any, todo: Sequence[Stamp], window: int | None) -> None:
        from distributed import as_completed

        workers = client.scheduler_info()["workers"].values()
        size = window or max(4, 3 * sum(w.get("nthreads", 1) for w in workers))
        pending = iter(todo)
        stamps: dict[str, Stamp] = {}

        def submit() -> Any:
            stamp = next(pending, None)
            if stamp is None:
                return None
            future = client.submit(
                process_file,
                stamp,
                self.practices,
                self.today,
                key=_key(self.run, stamp),
                retries=RETRIES,
                pure=False,
            )
            stamps[future.key] = stamp
            return future

        first = [f for f in (submit() for _ in range(size)) if f is not None]
        queue = as_completed(first)
        for future in queue:
            stamp = stamps.pop(future.key)
            try:
                result: TaskResult = future.result()
            except Exception as exc:  # KilledWorker after too many lost workers, and the like
                result = TaskResult(stamp, FAILED, "", 0, f"the task failed: {exc!r}", {})
            future.release()
            _record(self.out, self.manifest, self.tally, result)
            if self.on_result is not None:
                self.on_result(self.tally, result)
            following = submit()
            if following is not None:
                queue.add(following)


def _record(out: Path, manifest: Manifest, tally: BatchTally, result: TaskResult) -> None:
    if result.status == FAILED:
        tally.failures.append((result.stamp.name, result.reason))
        return
    tally.bytes += result.size
    if manifest.has(result.sha256):
        add_stamp(out, manifest, result.sha256, result.stamp.key)
        tally.duplicates += 1
        return
    write_result(out, result, manifest)
    if result.status == REJECTED:
        tally.rejected += 1
        tally.failures.append((result.stamp.name, result.reason))
        return
    assert result.status == DONE
    tally.done += 1
    tally.claims += result.claims
    tally.denials += result.denials
    tally.denied += result.denied
