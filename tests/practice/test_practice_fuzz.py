"""No practice-folder value makes the reader raise: Hypothesis mutates copies of the example
practice (cells replaced by hostile values, rows cut short, files truncated or made binary) and
read_practice must return findings, never an exception. Each value that passes is within the
bounds the rest of recoup can count with (dates, periods, amounts)."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.practice import read_practice
from recoup.practice.rows import LIMITS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "brightpath-pt"
CSV_FILES = sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*.csv") if p.is_file())
HOSTILE = [
    "9999-12-31",
    "0001-01-01",
    "1900-02-29",
    "2026-13-01",
    "rolling_months:99999999",
    "rolling_months:0",
    "rolling_months:²",
    "rolling_months:١٢",
    "²-01",
    "02-²",
    "99999999999999999999999",
    "1e999999",
    "-0",
    "NaN",
    "Infinity",
    "0.0000000000000000000000001",
    "١٢٣",
    "²",
    "25:00",
    "٢٣:٠٠",
    "\x00",
    "../../../../etc/passwd",
    "/etc/passwd",
    "a" * 300,
    "x/" * 3000,
    "\ud800",
    "=cmd|' /C calc'!A0",
    "",
    " ",
]
TOML_HOSTILE = [
    "appeal_days = 99999999999999999",
    "appeal_days = -5",
    "appeal_days = 1e400",
    'type = "²"',
    "name = 5",
    "address = [1, 2]",
    "[payers]\nx = 1",
    "\x00",
    "payers = 3",
]


def _mutate_csv(text: str, data: st.DataObject) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2:
        return text
    how = data.draw(st.sampled_from(["cell", "cell", "cell", "short", "truncate", "header"]))
    if how == "truncate":
        return text[: data.draw(st.integers(0, len(text)))]
    if how == "header":
        rows[0] = [c.upper() + data.draw(st.sampled_from(["", " ", "\x00"])) for c in rows[0]]
    else:
        r = data.draw(st.integers(1, len(rows) - 1))
        if how == "short":
            rows[r] = rows[r][: data.draw(st.integers(0, len(rows[r])))]
        else:
            c = data.draw(st.integers(0, max(len(rows[r]) - 1, 0)))
            value = data.draw(
                st.sampled_from(HOSTILE) if data.draw(st.integers(0, 4)) else st.text(max_size=30)
            )
            if rows[r]:
                rows[r][c] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _check_bounds(practice: object) -> None:
    low, high = LIMITS.earliest, LIMITS.latest
    for group in ("authorizations", "coverages", "visits", "waivers", "benefits", "patients"):
        for item in getattr(practice, group):
            for value in item:
                if isinstance(value, date):
                    assert low <= value <= high, (group, value)
    for benefit in practice.benefits:  # type: ignore[attr-defined]
        months = benefit.period.months
        assert months is None or 1 <= months <= LIMITS.max_period_months


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_mutated_practice_folder_never_raises(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "practice"
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("remittances"))
        for _ in range(data.draw(st.integers(1, 4))):
            kind = data.draw(st.sampled_from(["csv", "csv", "csv", "toml", "bytes"]))
            if kind == "toml":
                toml = folder / "practice.toml"
                lines = toml.read_text().splitlines()
                at = data.draw(st.integers(0, len(lines)))
                lines.insert(at, data.draw(st.sampled_from(TOML_HOSTILE)))
                toml.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
                continue
            name = data.draw(st.sampled_from(CSV_FILES))
            path = folder / name
            if kind == "bytes":
                path.write_bytes(data.draw(st.binary(max_size=200)))
                continue
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            path.write_text(_mutate_csv(text, data), encoding="utf-8", errors="surrogatepass")
        for skip in (False, True):
            practice, findings = read_practice(folder, skip_bad_rows=skip)
            assert all(f.message for f in findings)
            if practice is not None:
                _check_bounds(practice)


def _with_cell(tmp_path: Path, name: str, column: str, value: str) -> Path:
    folder = tmp_path / "practice"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("remittances"))
    path = folder / name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "column", "value", "code"),
    [
        ("benefits.csv", "period", "rolling_months:99999999", "practice.period_range"),
        ("benefits.csv", "period", "rolling_months:²", "practice.unknown_value"),
        ("authorizations.csv", "end_date", "9999-12-31", "practice.date_range"),
        ("coverages.csv", "plan_year_start", "²-01", "practice.month_day"),
        ("records/index.csv", "file", "a\x00b.md", "practice.document_path"),
        ("records/index.csv", "file", "x/" * 3000, "practice.document_path"),
        ("records/index.csv", "file", "a" * 300, "practice.document_path"),
        ("visits.csv", "units", "99999999999999999999", "practice.number_range"),
        ("visits.csv", "charge", "NaN", "practice.number"),
    ],
)
def test_out_of_bounds_values_are_findings_with_their_place(
    tmp_path: Path, name: str, column: str, value: str, code: str
) -> None:
    """Each of these raised (or imported and then took a page down) before."""
    practice, findings = read_practice(_with_cell(tmp_path, name, column, value))
    assert practice is None
    found = [f for f in findings if f.code == code]
    assert found, [f.code for f in findings]
    assert found[0].row == 2 and found[0].column == column and len(found[0].message) < 200
