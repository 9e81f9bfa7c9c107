"""Throughput of ``recoup batch`` on a local Dask cluster with 1 and 2 workers.

    .venv/bin/python benchmarks/bench_batch.py [--files 8] [--claims 10000] [--repeat 3]

Generates ``--files`` 835s of ``--claims`` claims each (benchmarks/generate_835.py), then, in
alternation ``--repeat`` times so machine noise falls on every row alike:

* the single-process reader (``read_835`` on each file, one after the other): the ceiling
  per core of anything that reads these files;
* the single-process pipeline (``process_file`` in this process: read, triage, Arrow tables),
  the work a batch task does, with no cluster;
* the single writer alone (``write_result`` of those results into a fresh folder): the client's
  ceiling, past which more workers cannot help one batch;
* ``run_batch`` on a LocalCluster of 1 and of 2 worker processes (cluster started beforehand and
  not timed; a fresh output folder each run).

Prints medians (claims/s, MB/s, ratio to the single-process reader) as a Markdown table, then a
sizing for a clearinghouse day from the 1-worker rate per core.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from distributed import Client, LocalCluster

from generate_835 import generate
from recoup.cluster import expand_sources, run_batch
from recoup.cluster.dataset import read_manifest, write_result
from recoup.cluster.practices import EMPTY
from recoup.cluster.task import process_file
from recoup.x12 import read_835

TODAY = date(2026, 11, 23)


def _timed(func: Callable[[], object], cpu: list[float] | None = None) -> float:
    started, started_cpu = time.perf_counter(), time.process_time()
    func()
    if cpu is not None:
        cpu.append(time.process_time() - started_cpu)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--claims", type=int, default=10_000, help="claims per file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--day", type=int, default=5_000_000, help="claims in the sizing day")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    inputs = work / "in"
    inputs.mkdir()
    for i in range(args.files):
        generate(inputs / f"day-{i:02d}.835", args.claims, seed=900 + i)
    stamps = expand_sources([str(inputs)]).files
    total_bytes = sum(s.size for s in stamps)
    total_claims = args.files * args.claims
    print(
        f"{args.files} files x {args.claims:,} claims = {total_claims:,} claims, "
        f"{total_bytes / 1e6:.1f} MB; {os.cpu_count()} cores; median of {args.repeat}"
    )

    clusters = {
        n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
        for n in (1, 2)
    }
    clients = {n: Client(cluster) for n, cluster in clusters.items()}
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def reader() -> None:
        for stamp in stamps:
            read_835(stamp.name)

    def pipeline_and_writer() -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        results = [process_file(s, EMPTY, TODAY) for s in stamps]
        name = "single-process pipeline (read, triage, tables)"
        times.setdefault(name, []).append(time.perf_counter() - started)
        cpu.setdefault(name, []).append(time.process_time() - started_cpu)
        out = work / "writer"
        shutil.rmtree(out, ignore_errors=True)
        manifest = read_manifest(out)
        started, started_cpu = time.perf_counter(), time.process_time()
        for result in results:
            write_result(out, result, manifest)
        name = "the single writer alone (client side)"
        times.setdefault(name, []).append(time.perf_counter() - started)
        cpu.setdefault(name, []).append(time.process_time() - started_cpu)

    def batch(n: int) -> Callable[[], object]:
        def run() -> None:
            out = work / f"out-{n}"
            shutil.rmtree(out, ignore_errors=True)
            client = clients[n]
            before = sum(client.run(time.process_time).values()) + time.process_time()
            tally = run_batch(client, stamps, out, EMPTY, TODAY)
            after = sum(client.run(time.process_time).values()) + time.process_time()
            cpu.setdefault(f"recoup batch, {n} worker{'s' if n > 1 else ''}", []).append(
                after - before
            )
            assert tally.done == len(stamps) and tally.claims == total_claims, tally

        return run

    try:
        for _ in range(args.repeat):
            name = "single-process reader (read_835)"
            times.setdefault(name, []).append(_timed(reader, cpu.setdefault(name, [])))
            pipeline_and_writer()
            times.setdefault("recoup batch, 1 worker", []).append(_timed(batch(1)))
            times.setdefault("recoup batch, 2 workers", []).append(_timed(batch(2)))
    finally:
        for client in clients.values():
            client.close()
        for cluster in clusters.values():
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    reader = "single-process reader (read_835)"
    reader_rate = total_claims / medians[reader]
    reader_cpu_rate = total_claims / cpu_medians[reader]
    print()
    print(
        "| run | wall s | claims/s | MB/s | ratio to the reader | CPU s (all processes) "
        "| claims per CPU s | ratio to the reader, per CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, seconds in medians.items():
        rate = total_claims / seconds
        used = cpu_medians[name]
        print(
            f"| {name} | {seconds:.2f} | {rate:,.0f} | {total_bytes / seconds / 1e6:.1f} "
            f"| {rate / reader_rate:.2f} | {used:.2f} | {total_claims / used:,.0f} "
            f"| {total_claims / used / reader_cpu_rate:.2f} |"
        )
    one = total_claims / medians["recoup batch, 1 worker"]
    two = total_claims / medians["recoup batch, 2 workers"]
    print(f"\n2 workers / 1 worker (wall): {two / one:.2f}x")
    # per core: a batch's claims per CPU second, all its processes counted (workers + client)
    per_core = total_claims / cpu_medians["recoup batch, 1 worker"]
    writer = total_claims / cpu_medians["the single writer alone (client side)"]
    print(f"\nSizing a day of {args.day:,} claims at {per_core:,.0f} claims per core-second:")
    print("\n| cores | hours |")
    print("|---|---|")
    core_seconds = args.day / per_core
    for cores in (1, 2, 4, 8, 16, 32):
        print(f"| {cores} | {core_seconds / cores / 3600:.2f} |")
    for hours in (8, 1):
        print(f"\n{hours} h needs {math.ceil(core_seconds / (hours * 3600))} cores")
    print(f"\nthe single writer takes {writer:,.0f} claims per CPU second")


if __name__ == "__main__":
    main()
