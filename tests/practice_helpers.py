"""A small practice folder written by a test: Brightpath's practice.toml and two patients, plus
the files the test gives (``visits.csv``, ``fee_schedules/73120.csv``, or ``a__b.csv`` for
``a/b.csv``)."""

from __future__ import annotations

from pathlib import Path

TOML = """\
name = "Brightpath Physical Therapy"
npi = "1548213069"
tax_id = "84-3921756"
address = "412 Aspen Ridge Road, Suite 200, Loveland, CO 80538"
phone = "970-555-0142"
signer_name = "Dana Whitfield, PT, DPT"
signer_title = "Clinic Director"

[payers.73120]
name = "Summit Health Plan"
type = "commercial"
appeal_days = 180
"""
PATIENTS = """\
patient_id,first_name,last_name,birth_date,account_number
P1001,Rachel,Lindqvist,1985-03-12,BP-100231
P1002,Marcus,Delgado,1978-09-27,BP-100244
"""
VISITS_HEADER = (
    "patient_id,claim_id,service_date,code,modifiers,units,charge,start_time,end_time,"
    "rendering_provider,supervising_provider,note_ref\n"
)


def folder(tmp_path: Path, *folders: str, **files: str) -> Path:
    """A practice folder holding practice.toml, patients.csv, ``records/``, the (empty)
    ``folders`` and the given files."""
    root = tmp_path / "practice"
    (root / "records").mkdir(parents=True)
    for name in folders:
        (root / name).mkdir(parents=True, exist_ok=True)
    for name, text in {"practice.toml": TOML, "patients.csv": PATIENTS, **files}.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def places(findings: list) -> set[tuple[str, int | None, str | None, str]]:  # type: ignore[type-arg]
    """Where each finding is: (file name, row, column, code)."""
    return {(Path(f.file).name, f.row, f.column, f.code) for f in findings}
