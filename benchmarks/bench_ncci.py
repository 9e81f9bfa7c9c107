"""Time the CMS NCCI import, the re-import, reading a quarter back, and lookups.

    .venv/bin/python benchmarks/bench_ncci.py [--rows 1100000] [--db URL]

Writes a practitioner PTP quarter of ``--rows`` rows in four CMS-layout parts and an MUE table
(benchmarks/generate_ncci.py), imports them into a new SQLite store (or ``--db``, e.g. an empty
PostgreSQL database), imports them again (nothing changes), reads the quarter back into the
in-memory index as triage and the scrub do, and times 200,000 lookups. Prints wall and CPU
seconds: on a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from generate_ncci import write_mue, write_ptp
from recoup.ncci import forget, mue_table_for, ptp_table_for
from recoup.store import Store
from recoup.store.ncci import import_ncci_files


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> str:
    wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
    return f"{wall:.1f} s (CPU {cpu:.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_100_000)
    parser.add_argument(
        "--db", default=None, help="an empty store URL (default: a new SQLite file)"
    )
    parser.add_argument("--lookups", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = _clock()
        files = write_ptp(Path(tmp, "cms"), args.rows)
        files.append(write_mue(Path(tmp, "cms", "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv")))
        print(f"generated {args.rows:,} PTP rows in {len(files) - 1} parts + MUE: {_since(start)}")
        with Store.open(args.db or f"sqlite:///{Path(tmp, 'bench.db')}") as store:
            start = _clock()
            results = import_ncci_files(store.engine, files)
            assert all(r.status == "imported" for r in results), [r.line() for r in results]
            print(f"import: {_since(start)}")
            start = _clock()
            again = import_ncci_files(store.engine, files)
            assert all(r.status == "unchanged" for r in again)
            print(f"re-import (unchanged): {_since(start)}")
            forget()
            day = date(2026, 9, 15)
            start = _clock()
            table, name = ptp_table_for(day, store)
            mues, _ = mue_table_for(day, store)
            print(f"read the quarter into memory ({len(table):,} edits, {name}): {_since(start)}")
            assert mues is not None and mues.find("97110") is not None
            pairs = [("97530", "97140"), ("10001", "60700"), ("97110", "97112")]
            start_ns = time.perf_counter_ns()
            for n in range(args.lookups):
                a, b = pairs[n % 3]
                table.find(a, b, day)
            per = (time.perf_counter_ns() - start_ns) / args.lookups / 1000
            print(f"lookup: {per:.2f} µs a pair ({args.lookups:,} lookups)")


if __name__ == "__main__":
    main()
