"""A big store for the web load test: N denials in the worklist, then (``--measure``) how long
``Store.denials()`` takes for the queries the worklist page makes.

    python benchmarks/make_big_store.py --db big.db --denials 100000 --measure
    python benchmarks/make_big_store.py --db postgresql://... --denials 100000 --measure

The rows are synthetic but shaped like a billing company's worklist: 12 payers, 8,000 patients,
the lanes and CARCs in realistic proportions, deadlines spread over a year around --today, 85 %
open, 5 % sent, 10 % closed with an outcome. They go straight into ``denials`` (bulk insert, one
transaction), with a practice row; no 835 files, so ``work_item()`` has nothing to re-triage and
the KPIs' adjudicated lines are zero. Every name and number is invented.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert

from recoup.store import DenialQuery, Store
from recoup.store.denial_rows import NO_DEADLINE, cents
from recoup.store.tables import denials, practices
from recoup.store.worklist import search_values

PAYERS = [
    ("73120", "SUMMIT HEALTH PLAN"),
    ("04112", "MEDICARE PART B"),
    ("41877", "ASPEN MUTUAL INSURANCE"),
    ("61425", "PRAIRIE MUTUAL"),
    ("TXMCD", "TEXAS MEDICAID"),
    ("60054", "AETNA-LIKE COMMERCIAL"),
    ("87726", "UNITED-LIKE COMMERCIAL"),
    ("62308", "CIGNA-LIKE COMMERCIAL"),
    ("00901", "BLUE PLAN OF THE PLAINS"),
    ("99726", "TRICARE-LIKE"),
    ("VSN02", "CLEARSIGHT VISION PLAN"),
    ("WC001", "WORKERS COMP MUTUAL"),
]
LANES = [
    ("recount_dispute", 8),
    ("exception_appeal", 6),
    ("appeal", 22),
    ("corrected_claim", 25),
    ("bill_other_payer", 9),
    ("bill_patient", 10),
    ("write_off", 8),
    ("review", 12),
]
CARCS = [
    ("CO", "119"),
    ("CO", "97"),
    ("CO", "16"),
    ("CO", "50"),
    ("CO", "197"),
    ("CO", "29"),
    ("CO", "18"),
    ("CO", "297"),
    ("PR", "204"),
    ("CO", "4"),
    ("OA", "109"),
    ("CO", "151"),
]
CODES = ["97110", "97140", "97530", "97112", "97153", "97155", "97151", "90837", "98941", None]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Iris",
    "Jon",
    "Kemi",
    "Liam",
    "Maya",
    "Noor",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
]
LAST = [
    "Rivera",
    "Okafor",
    "Lindqvist",
    "Halvorsen",
    "Brandt",
    "Whitaker",
    "Nakamura",
    "Silva",
    "Kowalski",
    "Haddad",
    "Moreau",
    "Novak",
    "Quispe",
    "Adeyemi",
    "Larsen",
    "Fischer",
]
OUTCOMES = ["won", "partly_won", "lost", "written_off", "billed_patient", "billed_other_payer"]


def rows(count: int, today: date, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    lanes = [lane for lane, weight in LANES for _ in range(weight)]
    patients = [
        (f"P{n:05d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"AC{n:06d}") for n in range(8000)
    ]
    now = datetime.now(UTC)
    out = []
    for n in range(count):
        payer_id, payer_name = rng.choice(PAYERS)
        patient_id, name, account = rng.choice(patients)
        group, reason = rng.choice(CARCS)
        lane = rng.choice(lanes)
        notice = today - timedelta(days=rng.randint(0, 360))
        deadline = (
            None
            if lane in ("bill_other_payer", "bill_patient", "write_off")
            else notice + timedelta(days=rng.choice((60, 90, 120, 125, 180)))
        )
        amount = Decimal(rng.randint(1500, 90000)) / 100
        roll = rng.random()
        status = "open" if roll < 0.85 else "sent" if roll < 0.90 else "closed"
        outcome = rng.choice(OUTCOMES) if status == "closed" else None
        code = rng.choice(CODES)
        claim = f"{account}-{n}"
        out.append(
            {
                "practice_key": "1000000001",
                "denial_id": f"{claim}-1@PCN{n:08d}",
                "patient_account": claim,
                "payer_claim_id": f"PCN{n:08d}",
                "payer_id": payer_id,
                "payer_name": payer_name,
                "patient_name": name,
                "patient_id": patient_id,
                "service_date": notice - timedelta(days=rng.randint(10, 40)),
                "notice_date": notice,
                "code": code,
                "modifiers": "GP" if code and code.startswith("97") else "",
                "group_code": group,
                "reason_code": reason,
                "remark_codes": "N362" if reason == "119" else "",
                "denied_amount": amount,
                "amount_cents": cents(amount),
                "category": "benefit_maximum" if reason == "119" else "other",
                "lane": lane,
                "reasons": json.dumps([f"{group}-{reason}: synthetic denial {n}."]),
                "evidence": json.dumps(
                    [{"source": "big.835 segment 1 (CAS)", "fact": "synthetic"}]
                ),
                "action": f"work the {lane.replace('_', ' ')}",
                "missing": "[]",
                "deadline": deadline,
                "sort_deadline": deadline or NO_DEADLINE,
                "deadline_basis": "synthetic: notice date + the payer's window" if deadline else "",
                "rule": "",
                "file": "big.835",
                "triage_hash": f"{n:064d}",
                "triaged_on": today,
                "first_seen": now,
                "status": status,
                "sent_date": notice + timedelta(days=20) if status != "open" else None,
                "sent_channel": "portal" if status != "open" else None,
                "outcome": outcome,
                "outcome_amount": (
                    amount
                    if outcome in ("won", "billed_patient")
                    else (amount / 2).quantize(Decimal("0.01"))
                    if outcome
                    else None
                ),
                "outcome_date": min(today, notice + timedelta(days=rng.randint(25, 120)))
                if outcome
                else None,
                "closed_by": "biller" if outcome else None,
                "updated_at": now,
            }
        )
        out[-1].update(search_values(out[-1]))
    return out


def build(store: Store, count: int, today: date, seed: int) -> float:
    started = time.perf_counter()
    data = rows(count, today, seed)
    with store.engine.begin() as conn:
        conn.execute(delete(denials))
        conn.execute(delete(practices).where(practices.c.practice_key == "1000000001"))
        conn.execute(
            insert(practices),
            {
                "practice_key": "1000000001",
                "name": "Big Billing Test Practice",
                "npi": "1000000001",
                "tax_id": "00-0000000",
                "address": "1 Test Way",
                "phone": "555-0100",
                "signer_name": "Test Signer",
                "signer_title": "Director",
                "folder": None,
            },
        )
        for start in range(0, len(data), 5000):
            conn.execute(insert(denials), data[start : start + 5000])
    if store.engine.dialect.name == "postgresql":
        # what autovacuum does on a live server after a bulk load: statistics, and the
        # visibility map that lets the covering indexes answer without reading the table
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE denials")
    else:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


QUERIES: dict[str, dict[str, Any]] = {
    "default (open, by deadline, page 1)": {},
    "page 200 (offset 9,950)": {"page": 200},
    "largest first": {"sort": "-amount"},
    "lane = appeal": {"lane": "appeal"},
    "payer = MEDICARE PART B": {"payer": "MEDICARE PART B"},
    "code = 119": {"code": "119"},
    "patient contains 'rivera'": {"patient": "rivera"},
    "due within 14 days": {"due_within_days": 14},
    "amount >= 500, by payer": {"min_amount": Decimal("500"), "sort": "payer"},
    "text 'AC0042'": {"text": "AC0042"},
    "all statuses, by patient": {"status": None, "sort": "patient"},
}


def measure(store: Store, today: date, repeat: int) -> list[tuple[str, float, float, int]]:
    out = []
    for label, filters in QUERIES.items():
        q = DenialQuery(today=today, **filters)
        store.denials(q)  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            page = store.denials(q)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        out.append((label, statistics.median(times), p95, page.total))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite path or database URL")
    parser.add_argument("--denials", type=int, default=100_000)
    parser.add_argument("--today", default="2026-11-23")
    parser.add_argument("--seed", type=int, default=835)
    parser.add_argument("--measure", action="store_true", help="time Store.denials() after")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--skip-build", action="store_true", help="measure an existing store")
    args = parser.parse_args(argv)
    today = date.fromisoformat(args.today)
    with Store.open(args.db) as store:
        if not args.skip_build:
            seconds = build(store, args.denials, today, args.seed)
            print(
                f"{args.denials:,} denials written in {seconds:.1f} s ({store.engine.dialect.name})"
            )
        if args.measure:
            print(f"{'query':<40} {'p50 ms':>8} {'p95 ms':>8} {'matches':>8}")
            for label, p50, p95, total in measure(store, today, args.repeat):
                print(f"{label:<40} {p50:8.1f} {p95:8.1f} {total:8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
