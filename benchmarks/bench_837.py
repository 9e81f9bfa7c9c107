"""Benchmark: the 837P reader against the 835 reader on files of comparable size, in one run.

Generates ``benchmarks/out/big.837`` (the example practices' claims repeated under fresh claim
numbers, 5,000 claims to a transaction set, as the guide asks) and ``benchmarks/out/bench.835``
(``generate_835.py``) of about the same size, then reads each ``--repeat`` times, every read in
its own process, and prints the median seconds, MB/s (10^6 bytes), claims/s and peak memory, and
the 837/835 speed ratio.

    python benchmarks/bench_837.py --mb 50
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def _measure(kind: str, path: str) -> dict[str, Any]:
    start = time.perf_counter()
    count = 0
    if kind == "837":
        from recoup.x12.reader837 import iter_claims_837

        for _ in iter_claims_837(path):
            count += 1
    else:
        from recoup.x12 import iter_claims

        for _ in iter_claims(path):
            count += 1
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent that built the file
    status = Path("/proc/self/status").read_text() if Path("/proc/self/status").exists() else ""
    hwm = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")]
    peak = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "claims": count, "peak_mb": peak}


def make_837(path: Path, target_bytes: int) -> None:
    from recoup.x12 import read_837, write_837

    claims = []
    for file in sorted((ROOT / "examples").glob("*/claims/*.837")):
        claims += [c for b in read_837(file).batches for c in b.claims]
    batch = read_837(next((ROOT / "examples").glob("*/claims/*.837"))).batches[0]
    with path.open("w", encoding="ascii") as out:
        number = 0
        written = 0
        sets = []
        while written < target_bytes:
            chunk = []
            for _ in range(5000):
                claim = claims[number % len(claims)]
                chunk.append(claim._replace(patient_control_number=f"B{number:09d}"))
                number += 1
            sets.append(batch._replace(control_number=f"{len(sets) + 1:04d}", claims=tuple(chunk)))
            written += len(write_837([sets[-1]]))
        out.write(write_837(sets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each file in MB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(*args.measure)))
        return
    OUT.mkdir(exist_ok=True)
    big837 = OUT / "big.837"
    target = int(args.mb * 1e6)
    if not big837.exists() or abs(big837.stat().st_size - target) > target * 0.2:
        make_837(big837, target)
    size = big837.stat().st_size
    big835 = OUT / "bench.835"
    if not big835.exists() or abs(big835.stat().st_size - size) > size * 0.2:
        sys.path.insert(0, str(HERE))
        from generate_835 import generate

        generate(big835, claims=max(1000, int(size / 900)))
        # one claim of the generator is about 900 bytes; scale to match the 837's size
        ratio = size / big835.stat().st_size
        generate(big835, claims=max(1000, int(size / 900 * ratio)))
    rows = {}
    for _ in range(args.repeat):  # alternate the two so machine noise hits both alike
        for kind, path in (("835", big835), ("837", big837)):
            run = subprocess.run(
                [sys.executable, __file__, "--measure", kind, str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.setdefault(kind, []).append(json.loads(run.stdout))
    speeds = {}
    for kind, path in (("835", big835), ("837", big837)):
        mb = path.stat().st_size / 1e6
        seconds = statistics.median(r["seconds"] for r in rows[kind])
        claims = rows[kind][0]["claims"]
        peak = max(r["peak_mb"] for r in rows[kind])
        speeds[kind] = mb / seconds
        print(
            f"{kind} reader: {mb:.1f} MB, {claims} claims, median {seconds:.2f} s, "
            f"{mb / seconds:.1f} MB/s, {claims / seconds:,.0f} claims/s, peak {peak:.0f} MB"
        )
    print(f"837 MB/s / 835 MB/s = {speeds['837'] / speeds['835']:.2f}")


if __name__ == "__main__":
    main()
