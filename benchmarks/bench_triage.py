"""Time ``recoup.triage.triage`` on a generated 100,000-claim remittance.

    .venv/bin/python benchmarks/bench_triage.py [--claims 100000] [--subset 10000]

Generates the 835 (benchmarks/generate_835.py) and a minimal practice folder whose visits.csv
holds the first ``--subset`` claims (20 claims a patient, each with a 20-visit yearly cap), so
the benefit-maximum rule rebuilds real counts for them; the other denials go through the rules
without a patient match. Prints the seconds for reading and for triage.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from pathlib import Path

from generate_835 import generate
from recoup.practice import read_practice
from recoup.triage import triage
from recoup.x12 import ParseResult, read_835_file

COVERAGE_COLUMNS = (
    "patient_id payer_id payer_name payer_type rank member_id group_number plan_name "
    "plan_year_start effective_date end_date"
)
BENEFIT_COLUMNS = (
    "patient_id payer_id benefit limit unit period counts_codes excludes_codes used_elsewhere as_of"
)
VISIT_COLUMNS = (
    "patient_id claim_id service_date code modifiers units charge start_time end_time "
    "rendering_provider supervising_provider note_ref"
)

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
appeal_days = 180
"""


def write_practice(folder: Path, result: ParseResult, subset: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "practice.toml").write_text(PRACTICE_TOML, encoding="utf-8")
    claims = list(result.claims)[:subset]
    patients = sorted({i // 20 for i in range(len(claims))})
    with (folder / "patients.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["patient_id", "first_name", "last_name", "birth_date", "account_number"])
        w.writerows([f"B{p:06d}", "Pat", f"Bench{p}", "1980-01-01", f"A{p:06d}"] for p in patients)
    with (folder / "coverages.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COVERAGE_COLUMNS.split())
        for p in patients:
            w.writerow(
                [
                    f"B{p:06d}",
                    "SHP01",
                    "Summit",
                    "commercial",
                    1,
                    f"M{p}",
                    "",
                    "PPO",
                    "",
                    "2026-01-01",
                    "",
                ]
            )
    with (folder / "benefits.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(BENEFIT_COLUMNS.split())
        for p in patients:
            w.writerow(
                [
                    f"B{p:06d}",
                    "SHP01",
                    "pt_ot",
                    20,
                    "visits",
                    "calendar_year",
                    "97110 97112 97140 97530",
                    "97161 97162 97163",
                    0,
                    "2026-01-01",
                ]
            )
    with (folder / "visits.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(VISIT_COLUMNS.split())
        for i, claim in enumerate(claims):
            for line in claim.lines:
                w.writerow(
                    [
                        f"B{i // 20:06d}",
                        claim.patient_control_number,
                        (line.date_of_service or date(2026, 1, 2)).isoformat(),
                        line.procedure.code,
                        " ".join(line.procedure.modifiers),
                        line.units or 1,
                        line.charge,
                        "",
                        "",
                        "Bench PT",
                        "",
                        "",
                    ]
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--subset", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        era = Path(tmp, "bench.835")
        generate(era, args.claims)
        start = time.perf_counter()
        result = read_835_file(era)
        read_s = time.perf_counter() - start
        write_practice(Path(tmp, "practice"), result, args.subset)
        practice, findings = read_practice(Path(tmp, "practice"))
        assert practice is not None, findings
        start = time.perf_counter()
        worklist = triage([result], practice, date(2026, 11, 23))
        triage_s = time.perf_counter() - start
    lanes = ", ".join(f"{k} {v}" for k, v in worklist.summary()["by_lane"].items())
    print(f"{args.claims:,} claims, {len(worklist.items):,} denials ({lanes})")
    print(f"read 835: {read_s:.2f} s; triage: {triage_s:.2f} s")


if __name__ == "__main__":
    main()
