"""Load test of the web app as a team uses it: 100,000 denials, 4 billers at once, one worker
process against several, in one run.

    python benchmarks/bench_web.py                          # PostgreSQL, --workers 1, 2 and 4
    python benchmarks/bench_web.py --workers 1,4 --clients 4 --rounds 30 --sqlite

The store is filled by ``make_big_store.build`` (synthetic denials, straight into the worklist
table) on a throwaway PostgreSQL server started the way the tests start theirs
(tests/pgserver.py). For each worker count the server is ``recoup serve --multi-user --workers
N`` itself, in its own process group on loopback; each client thread signs in once (its own
session, checked against the store on every request, as in production), then sends a shuffled
mix of what billers do all day (worklist pages with filters, sorting and paging, the JSON API,
a denial, My work, the dashboard), back to back, each page ``--rounds`` times. ``--sqlite`` adds
one column: the same over a SQLite store with one worker (single-user mode, no sign-in), the
way one biller runs it on their own computer.

Prints p50/p95 per page for each server side by side, and the same as a Markdown table for
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

TODAY = "2026-11-23"
USER, PASSWORD = "bench", "a bench password"
RECOUP = Path(sys.executable).parent / "recoup"

# (label, path and query); "{denial}" is a denial id of the store
REQUESTS: list[tuple[str, str]] = [
    ("worklist, first page", "/"),
    ("lane + largest first", "/?lane=appeal&sort=-amount"),
    ("due within 14 days", "/?due=14"),
    ("patient search", "/?patient=rivera"),
    ("page 120", "/?page=120"),
    ("api: first page", "/api/denials"),
    ("api: payer + code", "/api/denials?payer=MEDICARE%20PART%20B&code=119"),
    ("api: amount >= 500 by payer", "/api/denials?min_amount=500&sort=payer"),
    ("a denial", "/denials/{denial}"),
    ("my work", "/my-work"),
    ("dashboard", "/dashboard"),
]


@dataclass(frozen=True)
class Setup:
    label: str
    db: str
    workers: int
    multi_user: bool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(setup: Setup, work: Path) -> Iterator[tuple[str, int]]:
    """``recoup serve`` over the store, as a user starts it; yields its base URL and pid."""
    port = _free_port()
    command = [str(RECOUP), "serve", "--db", setup.db, "--port", str(port), "--today", TODAY]
    if setup.multi_user:
        command += ["--multi-user", "--workers", str(setup.workers)]
    log = (work / f"server-{setup.workers}.log").open("w")
    proc = subprocess.Popen(
        command,
        cwd=work,
        env={**os.environ, "RECOUP_SECRET_KEY": "bench"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the workers stop with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(base + "/api/session", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the server did not start: see {log.name}") from None
                time.sleep(0.2)
        time.sleep(1.0 if setup.workers > 1 else 0)  # the other workers finish starting
        yield base, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()


class Client:
    """One biller: a connection of their own, and their session cookie."""

    def __init__(self, base: str, multi_user: bool) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        self.cookie: dict[str, str] = {}
        if multi_user:
            start = self.http.get("/api/session")
            self._keep(start)
            answer = self.http.post(
                "/api/login",
                json={"username": USER, "password": PASSWORD},
                headers={**self.cookie, "x-csrf-token": start.json()["csrf_token"]},
            )
            if answer.status_code != 200:
                raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:200]}")
            self._keep(answer)

    def _keep(self, answer: httpx.Response) -> None:
        # the cookie is marked Secure (HTTPS in production): kept by hand over plain http
        found = re.search(r"recoup_session=([^;]+)", answer.headers.get("set-cookie", ""))
        if found:
            self.cookie = {"cookie": f"recoup_session={found.group(1)}"}

    def get(self, path: str) -> float:
        started = time.perf_counter()
        answer = self.http.get(path, headers=self.cookie)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
        return elapsed


def load(
    base: str, setup: Setup, clients: int, rounds: int, denial: int, meter: Callable[[], float]
) -> tuple[dict[str, list[float]], float, float]:
    """Every request kind ``rounds`` times, shuffled, from ``clients`` threads back to back;
    with the wall and ``meter`` (CPU) seconds of that part (after the sign-ins and warm-up)."""
    kinds = [(label, path.format(denial=denial)) for label, path in REQUESTS]
    jobs = [kind for kind in kinds for _ in range(rounds)]
    random.Random(8).shuffle(jobs)
    times: dict[str, list[float]] = {label: [] for label, _ in kinds}
    lock = threading.Lock()
    pool_clients = [Client(base, setup.multi_user) for _ in range(clients)]
    for _, path in kinds:  # warm every worker's connections and caches a little
        for c in pool_clients:
            c.get(path)
    queue = iter(jobs)

    def run(client: Client) -> None:
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            label, path = job
            elapsed = client.get(path)
            with lock:
                times[label].append(elapsed)

    started, cpu = time.perf_counter(), meter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, pool_clients))
    return times, time.perf_counter() - started, meter() - cpu


def cpu_seconds(group: int, postmaster: int) -> float:
    """CPU seconds (user + system) used so far by the server's process group and the
    PostgreSQL backends: what a request costs whatever else the machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, pgid = int(fields[1]), int(fields[2])
        if pgid == group or ppid == postmaster or int(entry.name) == postmaster:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _fill(db: str, denials: int) -> int:
    """The big store, a user, and a denial id to open."""
    from sqlalchemy import select

    from make_big_store import build
    from recoup.store import Store
    from recoup.store.tables import denials as table

    with Store.open(db) as store:
        seconds = build(store, denials, date.fromisoformat(TODAY), 835)
        if store.engine.dialect.name == "postgresql":
            # again, on a connection of its own: what autovacuum does on a live server (the
            # visibility map lets the covering indexes answer the totals without the table)
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE denials")
        store.create_user(USER, PASSWORD, "biller")
        with store.engine.connect() as conn:
            denial = int(conn.scalar(select(table.c.id).where(table.c.status == "open")) or 1)
    print(f"{denials:,} denials written in {seconds:.1f} s ({db.split(':')[0]})", flush=True)
    return denial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--denials", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4, help="billers at once")
    parser.add_argument("--rounds", type=int, default=30, help="requests of each kind")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare")
    parser.add_argument("--sqlite", action="store_true", help="add SQLite with one worker")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="recoup-bench-web-"))
    results: list[tuple[Setup, dict[str, list[float]], float, float]] = []
    from pgserver import PgServer

    pg = PgServer().start()
    try:
        url = pg.create_database()
        denial = _fill(url, args.denials)
        setups = [
            Setup(f"PostgreSQL, {n} worker{'s' if n > 1 else ''}", url, n, True)
            for n in (int(x) for x in args.workers.split(","))
        ]
        if args.sqlite:
            sqlite_db = str(work / "big.db")
            setups.append(Setup("SQLite, 1 worker", sqlite_db, 1, False))
        for setup in setups:
            if setup.db.endswith(".db"):
                denial = _fill(setup.db, args.denials)
            postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
            with server(setup, work) as (base, group):
                times, wall, cpu = load(
                    base,
                    setup,
                    args.clients,
                    args.rounds,
                    denial,
                    lambda: cpu_seconds(group, postmaster),  # noqa: B023 (used at once)
                )
            total = sum(len(v) for v in times.values())
            per = cpu / total * 1000
            print(f"{setup.label}: {total} requests in {wall:.1f} s, {total / wall:.1f}/s, ")
            print(f"  server + database CPU {per:.0f} ms a request", flush=True)
            results.append((setup, times, total / wall, per))
    finally:
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    head = "| page | " + " | ".join(f"{s.label} p50 / p95 ms" for s, *_ in results) + " |"
    table = [head, "|---|" + "---:|" * len(results)]
    for label, _ in [*REQUESTS, ("all", "")]:
        cells = []
        for _, times, *_ in results:
            values = [v for vs in times.values() for v in vs] if label == "all" else times[label]
            cells.append(f"{statistics.median(values):.0f} / {_pct(values, 0.95):.0f}")
        name = f"**all** ({args.clients} clients)" if label == "all" else label
        table.append(f"| {name} | " + " | ".join(cells) + " |")
    table.append("| throughput | " + " | ".join(f"{r[2]:.1f} req/s" for r in results) + " |")
    table.append("| CPU a request | " + " | ".join(f"{r[3]:.0f} ms" for r in results) + " |")
    load_avg = os.getloadavg()[0]
    print(f"\nload average at the end: {load_avg:.1f} on {os.cpu_count()} cores\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
