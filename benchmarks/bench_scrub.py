"""Time ``recoup.scrub.scrub`` on a generated batch of 10,000 claims.

    .venv/bin/python benchmarks/bench_scrub.py [--claims 10000] [--ptp-rows 0] [--repeat 3]

Writes a practice folder of 500 patients with 20 claims each (three timed PT lines a claim, some
pairs under an NCCI edit, a 20-visit yearly cap and a prior authorisation per patient, one
patient in five on Medicare with GP lines and the KX threshold, one in four of the others
with a 16-visit cap they pass), builds the claims from
visits.csv and scrubs them: every check runs for every line. With ``--ptp-rows N`` a CMS-layout
PTP quarter of N rows and an MUE table (benchmarks/generate_ncci.py) are loaded into a SQLite
store first, so the PTP and MUE lookups go to the CMS tables. Prints the medians.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from generate_ncci import write_mue, write_ptp
from recoup.practice import read_practice
from recoup.scrub import History, claims_from_visits, scrub
from recoup.store import Store
from recoup.store.ncci import import_ncci_files

PRACTICE_TOML = """name = "Bench Clinic"
npi = "1487654321"
tax_id = "84-1234567"
address = "120 Main St, Boulder, CO 80302"
phone = "303-555-0100"
signer_name = "Dana Bench"
signer_title = "Director"

[payers.SHP01]
name = "Summit Health Plan"
type = "commercial"

[payers.MCR01]
name = "Medicare Part B"
type = "medicare"
"""
# (code, units, charge, minutes): a PT visit; 97140 then 97530 is an edit in the bundled table
VISIT = (("97110", 2, "120.00", 30), ("97140", 1, "65.00", 15), ("97530", 2, "136.00", 30))


def write_practice(folder: Path, claims: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "practice.toml").write_text(PRACTICE_TOML, encoding="utf-8")
    patients = range(max(1, claims // 20))

    def payer(p: int) -> str:
        return "MCR01" if p % 5 == 0 else "SHP01"

    def table(name: str, header: str, rows: list[list[object]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header.split())
            writer.writerows(rows)

    table(
        "patients.csv",
        "patient_id first_name last_name birth_date account_number",
        [[f"B{p:05d}", "Pat", f"Bench{p}", "1950-01-01", f"A{p:05d}"] for p in patients],
    )
    table(
        "coverages.csv",
        "patient_id payer_id payer_name payer_type rank member_id group_number plan_name "
        "plan_year_start effective_date end_date",
        [
            [f"B{p:05d}", payer(p), "Payer", "medicare" if payer(p) == "MCR01" else "commercial",
             1, f"M{p:05d}", "", "Plan", "", "2026-01-01", ""]
            for p in patients
        ],
    )  # fmt: skip
    table(
        "benefits.csv",
        "patient_id payer_id benefit limit unit period counts_codes excludes_codes "
        "used_elsewhere as_of",
        [
            [f"B{p:05d}", payer(p), "pt_ot", 16 if p % 4 == 1 else 20, "visits", "calendar_year",
             "97110 97140 97530", "97161", 0, "2026-01-01"]
            if payer(p) == "SHP01"
            else [f"B{p:05d}", payer(p), "pt_slp", "2480.00", "dollars", "calendar_year",
                  "97110 97140 97530", "", "1200.00", "2026-01-01"]
            for p in patients
        ],
    )  # fmt: skip
    table(
        "authorizations.csv",
        "patient_id payer_id auth_number codes units unit per start_date end_date",
        [
            [f"B{p:05d}", payer(p), f"AUTH{p:05d}", "97530", 4, "units", "week",
             "2026-01-01", "2026-12-31"]
            for p in patients
        ],
    )  # fmt: skip
    rows: list[list[object]] = []
    for n in range(claims):
        p = n % len(patients)
        day = date(2026, 1, 5) + timedelta(days=(n // len(patients)) * 7)
        start = 8 * 60
        for code, units, charge, minutes in VISIT:
            gap = 15 if code == "97530" and n % 3 == 0 else 0  # a break: XE, else back to back
            begin, end = start + gap, start + gap + minutes
            rows.append(
                [f"B{p:05d}", f"C{n:06d}", day.isoformat(), code,
                 "GP" if payer(p) == "MCR01" else "", units, charge,
                 f"{begin // 60:02d}:{begin % 60:02d}", f"{end // 60:02d}:{end % 60:02d}",
                 "Bench PT", "", ""]
            )  # fmt: skip
            start = end
    table(
        "visits.csv",
        "patient_id claim_id service_date code modifiers units charge start_time end_time "
        "rendering_provider supervising_provider note_ref",
        rows,
    )
    for name in ("waivers.csv",):
        table(name, "patient_id payer_id kind signed_date codes valid_through", [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--ptp-rows", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "practice")
        write_practice(folder, args.claims)
        practice, findings = read_practice(folder)
        assert practice is not None, findings
        claims = claims_from_visits(practice)
        store = None
        if args.ptp_rows:
            store = Store.open(f"sqlite:///{Path(tmp, 'r.db')}")
            files = write_ptp(Path(tmp, "cms"), args.ptp_rows)
            files.append(write_mue(Path(tmp, "cms", "MCR_MUE_Eff_01-01-2026.csv")))
            import_ncci_files(store.engine, files, quarter="2026Q1")
        runs, cpu, issues = [], [], 0
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            report = scrub(claims, practice, History(), store=store)
            runs.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            issues = len(report.issues)
        if store is not None:
            store.close()
    by_rule: dict[str, int] = {}
    for issue in report.issues:
        by_rule[issue.rule] = by_rule.get(issue.rule, 0) + 1
    print(f"{len(claims):,} claims, {report.lines:,} lines, {issues:,} issues {by_rule}")
    print(f"tables: {'; '.join(report.tables)}")
    print(
        f"scrub: median {statistics.median(runs):.2f} s of {len(runs)} runs "
        f"({', '.join(f'{r:.2f}' for r in runs)}); CPU median {statistics.median(cpu):.2f} s"
    )


if __name__ == "__main__":
    main()
