"""Benchmark: reading a large 835 with recoup, the floors, and the peer parsers, in one run.

Each measurement runs in its own process (so peak memory is that parser's alone) on the same
file, and prints seconds, MB/s (10^6 bytes), claims/s and peak resident memory. Peer results are
checked against recoup's claim count and money totals.

    python benchmarks/bench_835.py                       # generates benchmarks/out/big.835 first
    python benchmarks/bench_835.py --peers-python .venv-peers/bin/python
    python benchmarks/bench_835.py --compare-only        # only recoup vs oxedi, 10 and 100 MB
    python benchmarks/bench_835.py --compare-only --baseline /tmp/before   # and an older recoup

The head-to-head part (recoup streaming against oxedi on a 10 MB and a 100 MB file) runs
``--rounds`` rounds; each round runs both readers once, each in a fresh process, the order
rotated every round (swapped, for two) so neither always runs on a warmer machine, and prints
the medians, MB/s, the ratio and each reader's peak memory. Every run's claim count and
CLP03/CLP04 sums must equal recoup's, or the row says NO.

See benchmarks/README.md for how the peers are installed and what the numbers showed.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
SLOW_PEERS = {"pyx12", "linuxforhealth-x12"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- measurements, each run in a child process ------------------------------------------------


def _floor_read(path: str) -> dict[str, Any]:
    start = time.perf_counter()
    data = Path(path).read_bytes()
    return {"seconds": time.perf_counter() - start, "bytes": len(data)}


def _floor_segments(path: str) -> dict[str, Any]:
    data = Path(path).read_bytes()
    start = time.perf_counter()
    segments = data.decode("latin-1").split("~\n")
    return {"seconds": time.perf_counter() - start, "segments": len(segments)}


def _floor_elements(path: str) -> dict[str, Any]:
    segments = Path(path).read_bytes().decode("latin-1").split("~\n")
    start = time.perf_counter()
    count = 0
    for segment in segments:
        count += len(segment.split("*"))
    return {"seconds": time.perf_counter() - start, "elements": count}


def _recoup_stream(path: str) -> dict[str, Any]:
    from recoup.x12 import COMPILED, iter_claims

    start = time.perf_counter()
    cpu = time.process_time()
    claims = 0
    charge = paid = Decimal(0)
    for _, claim in iter_claims(path):
        claims += 1
        charge += claim.charge
        paid += claim.paid
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "claims": claims, "charge": str(charge), "paid": str(paid),
            "compiled": COMPILED, "cpu": time.process_time() - cpu}  # fmt: skip


def _recoup_read(path: str) -> dict[str, Any]:
    from recoup.x12 import COMPILED, read_835

    start = time.perf_counter()
    result = read_835(path)
    seconds = time.perf_counter() - start
    claims = list(result.claims)
    return {
        "seconds": seconds,
        "claims": len(claims),
        "charge": str(sum((c.charge for c in claims), Decimal(0))),
        "paid": str(sum((c.paid for c in claims), Decimal(0))),
        "compiled": COMPILED,
    }


def _recoup_batch(folder: str, workers: int) -> dict[str, Any]:
    from recoup.batch import summarize_files

    paths = sorted(Path(folder).glob("*.835"))
    start = time.perf_counter()
    summaries = summarize_files(paths, workers=workers)
    return {
        "seconds": time.perf_counter() - start,
        "claims": sum(s.claims for s in summaries),
        "charge": str(sum((s.billed for s in summaries), Decimal(0))),
        "paid": str(sum((s.paid for s in summaries), Decimal(0))),
        "bytes": sum(p.stat().st_size for p in paths),
    }


def _peer(name: str, path: str) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import peers

    parse = peers.PEERS[name]
    parse(str(ROOT / "tests" / "data" / "era" / "lfh-medicare-part-a.835"))  # imports, warm-up
    start = time.perf_counter()
    cpu = time.process_time()
    claims, charge, paid = parse(path)
    return {"seconds": time.perf_counter() - start, "claims": claims, "charge": str(charge),
            "paid": str(paid), "cpu": time.process_time() - cpu}  # fmt: skip


def _one(kind: str, args: list[str]) -> None:
    funcs = {
        "floor-read": _floor_read,
        "floor-segments": _floor_segments,
        "floor-elements": _floor_elements,
        "recoup-stream": _recoup_stream,
        "recoup-read": _recoup_read,
    }
    if kind in funcs:
        result = funcs[kind](args[0])
    elif kind == "recoup-batch":
        result = _recoup_batch(args[0], int(args[1]))
    else:
        result = _peer(kind.removeprefix("peer-"), args[0])
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


# -- the parent ---------------------------------------------------------------------------------


def _run(python: str, kind: str, *args: str, env_path: str | None = None) -> dict[str, Any] | str:
    import os

    env = dict(os.environ)
    if env_path:
        env["PYTHONPATH"] = env_path
    proc = subprocess.run(
        [python, str(Path(__file__)), "--one", kind, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return last[:120]
    parsed: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return parsed


def _pure_python_tree() -> str:
    """A copy of the package without compiled modules, to measure the pure-Python fallback."""
    target = Path(tempfile.mkdtemp(prefix="recoup-pure-"))
    shutil.copytree(
        ROOT / "src" / "recoup", target / "recoup", ignore=shutil.ignore_patterns("*.so")
    )
    return str(target)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _same(result: dict[str, Any], ref: dict[str, Any]) -> bool:
    keys = (result["claims"], Decimal(result["charge"]), Decimal(result["paid"]))
    return keys == (ref["claims"], Decimal(ref["charge"]), Decimal(ref["paid"]))


def compare(files: list[Path], rounds: int, peers_python: str, baseline: str | None = None) -> bool:
    """recoup streaming vs oxedi, alternating, a fresh process per run; True when totals match.

    ``baseline`` is a folder holding another ``recoup`` package (a copy of ``src/`` from before
    a change, compiled modules included); it is run in the same rotation as "recoup (before)".
    """
    python = sys.executable
    readers: list[tuple[str, str, str, str | None]] = [("recoup", python, "recoup-stream", None)]
    if baseline:
        readers.append(("recoup (before)", python, "recoup-stream", baseline))
    if Path(peers_python).exists():
        readers.append(("oxedi", peers_python, "peer-oxedi", None))
    print("\n| file | MB | reader | median s | MB/s | vs oxedi | CPU s | peak MB | runs "
          "| totals match |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    all_match = True
    for path in files:
        size = path.stat().st_size
        times: dict[str, list[float]] = {name: [] for name, _, _, _ in readers}
        peaks: dict[str, list[float]] = {name: [] for name, _, _, _ in readers}
        cpus: dict[str, list[float]] = {name: [] for name, _, _, _ in readers}
        match = {name: True for name, _, _, _ in readers}
        failed: dict[str, str] = {}
        reference: dict[str, Any] | None = None
        for r in range(rounds):
            shift = r % len(readers)  # each reader first, then later, in turn
            order = readers[shift:] + readers[:shift]
            for name, interpreter, kind, env_path in order:
                result = _run(interpreter, kind, str(path), env_path=env_path)
                if isinstance(result, str):
                    failed[name] = result
                    continue
                if name == "recoup" and reference is None:
                    reference = result
                times[name].append(result["seconds"])
                peaks[name].append(result["peak_mb"])
                cpus[name].append(result["cpu"])
                if reference is not None and not _same(result, reference):
                    match[name] = False
        medians = {name: _median(t) for name, t in times.items() if t}
        for name, _, _, _ in readers:
            if name not in medians:
                print(f"| {path.name} | {size / 1e6:.1f} | {name} | failed: {failed.get(name)} "
                      "| | | | | | |")  # fmt: skip
                all_match = False
                continue
            ratio = ""
            if name != "oxedi" and "oxedi" in medians:
                ratio = f"{medians['oxedi'] / medians[name]:.2f}x"
            all_match = all_match and match[name]
            print(f"| {path.name} | {size / 1e6:.1f} | {name} | {medians[name]:.2f} "
                  f"| {size / 1e6 / medians[name]:.1f} | {ratio} | {_median(cpus[name]):.2f} "
                  f"| {_median(peaks[name]):.0f} "
                  f"| {len(times[name])} | {'yes' if match[name] else 'NO'} |")  # fmt: skip
    return all_match


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--slow-claims", type=int, default=10_000,
                        help="claims in the smaller file used for the slowest peers")  # fmt: skip
    parser.add_argument("--batch-files", type=int, default=8)
    parser.add_argument("--peers-python", default=str(ROOT / ".venv-peers" / "bin" / "python"))
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="head-to-head rounds (default 5)")
    parser.add_argument(
        "--compare-claims",
        default="20800,208000",
        help="claims of the head-to-head files (default: about 10 and 100 MB)",
    )
    parser.add_argument(
        "--compare-only", action="store_true", help="only the head-to-head of recoup and oxedi"
    )
    parser.add_argument(
        "--baseline",
        help="a folder with another recoup package (say a copy of src/ before a change) to run "
        "in the head-to-head rotation too",
    )
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], args.one[1:])
        return 0

    sys.path.insert(0, str(HERE))
    from generate_835 import generate

    OUT.mkdir(exist_ok=True)
    head_to_head = []
    for count in (int(n) for n in args.compare_claims.split(",")):
        path = OUT / f"compare-{count}.835"
        if not path.exists():
            generate(path, count)
        head_to_head.append(path)
    print(f"recoup (compiled reader, streaming) vs oxedi, {args.rounds} rounds alternating")
    matched = compare(head_to_head, args.rounds, args.peers_python, args.baseline)
    if args.compare_only:
        return 0 if matched else 1
    big = OUT / f"big-{args.claims}.835"
    small = OUT / f"small-{args.slow_claims}.835"
    batch = OUT / f"batch-{args.claims}x{args.batch_files}"
    if not big.exists():
        generate(big, args.claims)
    if not small.exists():
        generate(small, args.slow_claims)
    if not batch.exists():
        batch.mkdir()
        for i in range(args.batch_files):
            generate(batch / f"part-{i + 1:02d}.835", args.claims // args.batch_files, 900 + i)
    size = big.stat().st_size
    python = sys.executable
    rows: list[tuple[str, str, dict[str, Any] | str, int]] = []
    for kind in ("floor-read", "floor-segments", "floor-elements"):
        rows.append((kind, big.name, _run(python, kind, str(big)), size))
    rows.append(
        ("recoup stream (compiled)", big.name, _run(python, "recoup-stream", str(big)), size)
    )
    rows.append(
        ("recoup read_835, keep all", big.name, _run(python, "recoup-read", str(big)), size)
    )
    pure = _pure_python_tree()
    rows.append(("recoup stream (pure Python)", big.name,
                 _run(python, "recoup-stream", str(big), env_path=pure), size))  # fmt: skip
    batch_size = sum(p.stat().st_size for p in batch.glob("*.835"))
    for workers in (1, 2):
        result = _run(python, "recoup-batch", str(batch), str(workers))
        rows.append((f"recoup batch, {workers} process(es)", batch.name, result, batch_size))
    if not args.skip_peers and Path(args.peers_python).exists():
        for name in ("oxedi", "edi-835-parser", "pyx12", "linuxforhealth-x12"):
            target = small if name in SLOW_PEERS else big
            rows.append((f"peer {name}", target.name,
                         _run(args.peers_python, f"peer-{name}", str(target)),
                         target.stat().st_size))  # fmt: skip

    reference = {big.name: rows[3][2], small.name: _run(python, "recoup-stream", str(small))}
    print(f"file {big.name}: {size / 1e6:.1f} MB, {args.claims:,} claims\n")
    print("| reader | file | seconds | MB/s | claims/s | peak MB | totals match |")
    print("|---|---|---|---|---|---|---|")
    for label, file, result, nbytes in rows:
        if isinstance(result, str):
            print(f"| {label} | {file} | failed: {result} | | | | |")
            continue
        seconds = result["seconds"]
        claims = result.get("claims")
        ref = reference.get(file)
        match = ""
        if claims is not None and isinstance(ref, dict) and "batch" not in label:
            same = (claims, Decimal(result["charge"]), Decimal(result["paid"])) == (
                ref["claims"], Decimal(ref["charge"]), Decimal(ref["paid"]))  # fmt: skip
            match = "yes" if same else f"NO ({claims} {result['charge']} {result['paid']})"
        per_claim = f"{claims / seconds:,.0f}" if claims else ""
        print(f"| {label} | {file} | {seconds:.2f} | {nbytes / 1e6 / seconds:.1f} | {per_claim} "
              f"| {result['peak_mb']:.0f} | {match} |")  # fmt: skip
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main())
