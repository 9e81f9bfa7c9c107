"""Small practice folders for the accumulator tests, written inline in the product's CSV format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from recoup.practice import Practice, read_practice

TOML = """\
name = "Test Therapy"
npi = "1234567893"
tax_id = "84-0000000"
address = "1 Main St, Loveland, CO 80538"
phone = "970-555-0100"
signer_name = "Pat Doe, PT"
signer_title = "Director"

[payers.73120]
name = "Summit Health Plan"
type = "commercial"
"""
PATIENTS = """\
patient_id,first_name,last_name,birth_date,account_number
P1,Ana,Rivera,1980-01-01,A-1
"""
COVERAGES = (
    "patient_id,payer_id,payer_name,payer_type,rank,member_id,group_number,plan_name,"
    "plan_year_start,effective_date,end_date\n"
)
BENEFITS = (
    "patient_id,payer_id,benefit,limit,unit,period,counts_codes,excludes_codes,used_elsewhere,"
    "as_of\n"
)
AUTHS = "patient_id,payer_id,auth_number,codes,units,unit,per,start_date,end_date\n"
VISITS = (
    "patient_id,claim_id,service_date,code,modifiers,units,charge,start_time,end_time,"
    "rendering_provider,supervising_provider,note_ref\n"
)
WAIVERS = "patient_id,payer_id,kind,signed_date,codes,valid_through\n"

DEFAULT_COVERAGE = "P1,73120,Summit Health Plan,commercial,1,M1,G1,PPO,,2020-01-01,\n"
PracticeMaker = Callable[..., Practice]


def visit_rows(patient: str, dates: list[str], code_units: str = "97110:2 97140:1") -> str:
    """visits.csv rows: one claim per date, each code:units pair a line."""
    rows = []
    for i, day in enumerate(dates, start=1):
        for pair in code_units.split():
            code, units = pair.split(":")
            rows.append(f"{patient},C{i:03d},{day},{code},GP,{units},{60 * int(units)}.00,,,Dr A,,")
    return "\n".join(rows) + "\n"


def write_practice(root: Path, **overrides: str) -> Practice:
    """Write a practice folder at ``root`` (files by name, header rows included) and read it."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "practice.toml": TOML,
        "patients.csv": PATIENTS,
        "coverages.csv": COVERAGES + overrides.get("coverages", DEFAULT_COVERAGE),
        "benefits.csv": BENEFITS + overrides.get("benefits", ""),
        "authorizations.csv": AUTHS + overrides.get("authorizations", ""),
        "visits.csv": VISITS + overrides.get("visits", ""),
        "waivers.csv": WAIVERS + overrides.get("waivers", ""),
    }
    for name, text in files.items():
        (root / name).write_text(text)
    practice, findings = read_practice(root)
    assert practice is not None, [str(f) for f in findings]
    return practice
