"""Fixtures for the records_text tests: a small practice folder built in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from recoup.practice import Patient, Practice, RecordRef
from recoup.records_text import RecordSet, read_records

PATIENTS = (
    Patient("P1", "Ada", "Lane", date(1950, 1, 2), "ACC-1"),
    Patient("P2", "Ben", "Moss", date(1980, 3, 4), "ACC-2"),
)

Row = tuple[str, str, str, str]  # file, patient_id, service_date, kind
MakeRecords = Callable[..., RecordSet]


@pytest.fixture
def practice_at() -> Callable[[Path, list[Row]], Practice]:
    """``practice_at(folder, rows)``: a practice with two patients and these index rows."""
    return _practice


def _practice(folder: Path, rows: list[Row]) -> Practice:
    """A practice with two patients and these records/index.csv rows."""
    records = tuple(
        RecordRef(name, patient, date.fromisoformat(day) if day else None, kind)
        for name, patient, day, kind in rows
    )
    return Practice(
        str(folder), "Test Clinic", "1234567893", "", "", "", "", "", patients=PATIENTS,
        records=records,
    )  # fmt: skip


@pytest.fixture
def make_records(tmp_path: Path) -> MakeRecords:
    """``make_records({"a.md": "text" or b"bytes"}, rows=[...])``: write the files, read them.

    Without ``rows``, each file gets a row for P1 dated 2026-08-04, kind ``note``.
    """

    def make(files: dict[str, str | bytes], rows: list[Row] | None = None) -> RecordSet:
        records = tmp_path / "records"
        records.mkdir(exist_ok=True)
        for name, content in files.items():
            path = records / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if rows is None:
            rows = [(name, "P1", "2026-08-04", "note") for name in files]
        return read_records(_practice(tmp_path, rows))

    return make
