"""Load test of the web app: the worklist page and API over 100,000 denials, on loopback.

    python benchmarks/bench_web.py                    # SQLite and PostgreSQL (throwaway server)
    python benchmarks/bench_web.py --backends sqlite --denials 20000 --concurrency 4

For each backend the store is filled by ``make_big_store.build`` (synthetic denials, straight
into the worklist table), then the app is served by uvicorn in its own process (one worker, as
``recoup serve`` runs it, single-user mode so no sign-in is involved, with the audit entry every
worklist view writes), and a pool of client threads sends a mix of worklist requests, HTML page
and JSON API, for a number of rounds. Prints p50/p95/max latency and throughput per request
kind, and a Markdown table for benchmarks/README.md. PostgreSQL is a throwaway server started
the way the tests start theirs (tests/pgserver.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

TODAY = "2026-11-23"

# (label, path and query) — what billers do all day: the first page, filters, sorting, paging
REQUESTS: list[tuple[str, str]] = [
    ("page: worklist, first page", "/"),
    ("page: lane + largest first", "/?lane=appeal&sort=-amount"),
    ("page: due within 14 days", "/?due=14"),
    ("page: patient search", "/?patient=rivera"),
    ("page: page 120", "/?page=120"),
    ("api: first page", "/api/denials"),
    ("api: payer + code", "/api/denials?payer=MEDICARE%20PART%20B&code=119"),
    ("api: amount >= 500 by payer", "/api/denials?min_amount=500&sort=payer"),
    ("api: page 120", "/api/denials?page=120"),
]


def serve(db: str, port: int, data_dir: str) -> None:
    """The server process: the app over ``db`` on 127.0.0.1:``port``."""
    import uvicorn

    from recoup.store import Store
    from recoup.web import create_app

    store = Store.open(db)
    fixed = date.fromisoformat(TODAY)
    app = create_app(store, multi_user=False, today=lambda: fixed, data_dir=Path(data_dir))
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(db: str, data_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "RECOUP_SECRET_KEY": "bench"}
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", db, str(port), str(data_dir)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/session", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def load(base: str, concurrency: int, rounds: int) -> dict[str, list[float]]:
    """Every request kind ``rounds`` times, shuffled, from ``concurrency`` threads."""
    import random

    jobs = [kind for kind in REQUESTS for _ in range(rounds)]
    random.Random(8).shuffle(jobs)
    times: dict[str, list[float]] = {label: [] for label, _ in REQUESTS}
    lock = threading.Lock()
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=30)
        c: httpx.Client = local.client
        return c

    def one(job: tuple[str, str]) -> None:
        label, path = job
        started = time.perf_counter()
        answer = client().get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
        with lock:
            times[label].append(elapsed)

    for _, path in REQUESTS:  # warm up caches and connections
        httpx.get(base + path, timeout=30)
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, jobs))
    return times


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def run_backend(name: str, db: str, args: argparse.Namespace, work: Path) -> list[str]:
    from make_big_store import build
    from recoup.store import Store

    with Store.open(db) as store:
        seconds = build(store, args.denials, date.fromisoformat(TODAY), 835)
    print(f"\n{name}: {args.denials:,} denials written in {seconds:.1f} s", flush=True)
    data_dir = work / f"data-{name}"
    data_dir.mkdir()
    with server(db, data_dir) as base:
        started = time.perf_counter()
        times = load(base, args.concurrency, args.rounds)
        wall = time.perf_counter() - started
    total = sum(len(v) for v in times.values())
    print(f"{total} requests, {args.concurrency} concurrent, {wall:.1f} s: {total / wall:.0f}/s")
    print(f"{'request':<32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    lines = []
    everything: list[float] = []
    for label, values in times.items():
        everything += values
        p50, p95 = statistics.median(values), _pct(values, 0.95)
        print(f"{label:<32} {p50:8.1f} {p95:8.1f} {max(values):8.1f}")
        lines.append(f"| {name} | {label} | {p50:.0f} | {p95:.0f} |")
    p50, p95 = statistics.median(everything), _pct(everything, 0.95)
    print(f"{'all':<32} {p50:8.1f} {p95:8.1f} {max(everything):8.1f}")
    lines.append(f"| {name} | **all ({total / wall:.0f} req/s)** | **{p50:.0f}** | **{p95:.0f}** |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--serve", nargs=3, metavar=("DB", "PORT", "DATA_DIR"), help=argparse.SUPPRESS
    )
    parser.add_argument("--denials", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=60, help="requests of each kind")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    if args.serve:
        db, port, data_dir = args.serve
        serve(db, int(port), data_dir)
        return 0
    work = Path(tempfile.mkdtemp(prefix="recoup-bench-web-"))
    table = ["| store | request | p50 ms | p95 ms |", "|---|---|---:|---:|"]
    try:
        for name in args.backends.split(","):
            if name == "sqlite":
                table += run_backend("SQLite", str(work / "big.db"), args, work)
            elif name == "postgresql":
                from pgserver import PgServer

                pg = PgServer().start()
                try:
                    table += run_backend("PostgreSQL", pg.create_database(), args, work)
                finally:
                    pg.stop()
            else:
                parser.error(f"unknown backend {name!r}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
