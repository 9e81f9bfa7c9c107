"""Importing practice folders into the store (SQLite and PostgreSQL): an upsert by the
practice's own ids that lands whole or not at all."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import recoup.store.practices
from recoup.store import Store, TableChanges
from recoup.store.tables import benefits, visits
from store_helpers import BRIGHTPATH, LITTLE_STEPS, run_together, snapshot


def copy(tmp_path: Path, source: Path = BRIGHTPATH) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("remittances", "eligibility"))
    return target


def test_import_then_reimport_changes_nothing(store: Store) -> None:
    first = store.import_path(BRIGHTPATH)
    assert first.status == "imported" and first.kind == "practice"
    changes = dict(first.changes)
    assert changes["patients"] == TableChanges(8, 0)
    assert changes["visits"] == TableChanges(214, 0)
    before = snapshot(store)
    again = store.import_path(BRIGHTPATH)
    assert again.status == "already imported"
    assert all(c == TableChanges(0, 0) for _, c in again.changes)
    assert snapshot(store) == before


def test_values_come_back_typed_and_exact(store: Store) -> None:
    store.import_path(BRIGHTPATH)
    with store.engine.connect() as conn:
        limit, used = conn.execute(
            select(benefits.c.limit_amount, benefits.c.used_elsewhere).where(
                benefits.c.patient_id == "P1007"
            )
        ).one()
        start, end, charge = conn.execute(
            select(visits.c.start_time, visits.c.end_time, visits.c.charge).where(
                visits.c.claim_id == "BP26065", visits.c.line == 3
            )
        ).one()
    assert (limit, used) == (Decimal("2480.00"), Decimal("1704.00"))
    assert str(limit) == "2480.00"
    assert (start, end, charge) == (time(14, 15), time(14, 45), Decimal("136.00"))


def test_a_changed_row_is_updated_and_nothing_else(store: Store, tmp_path: Path) -> None:
    root = copy(tmp_path)
    store.import_path(root)
    text = (root / "visits.csv").read_text()
    (root / "visits.csv").write_text(text.replace("97530,GP,2,136.00", "97530,GP 59,2,136.00"))
    with (root / "patients.csv").open("a") as f:
        f.write("P1009,Ada,Byron,1990-02-28,BP-100999\n")
    result = store.import_path(root)
    changes = {table: c for table, c in result.changes if c != TableChanges(0, 0)}
    assert changes == {"visits": TableChanges(0, 1), "patients": TableChanges(1, 0)}


def test_an_invalid_folder_writes_nothing_unless_told_to_skip(store: Store, tmp_path: Path) -> None:
    root = copy(tmp_path)
    with (root / "visits.csv").open("a") as f:
        f.write("P9999,BP26999,2026-10-01,97110,GP,2,120.00,09:00,09:30,Dana Whitfield DPT,,\n")
    before = snapshot(store)
    failed = store.import_path(root)
    assert failed.status == "failed"
    assert [(f.row, f.column) for f in failed.findings] == [(216, "patient_id")]
    assert snapshot(store) == before
    skipped = store.import_path(root, skip_bad_rows=True)
    assert skipped.status == "imported"
    assert dict(skipped.changes)["visits"] == TableChanges(214, 0)
    assert skipped.findings[0].message.endswith("(row skipped)")


def test_an_interrupted_practice_import_leaves_no_trace(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store)
    real = recoup.store.practices._upsert

    def crash_at_visits(conn, table, practice_id, rows):  # type: ignore[no-untyped-def]
        if table.name == "visits":
            raise KeyboardInterrupt
        return real(conn, table, practice_id, rows)

    monkeypatch.setattr(recoup.store.practices, "_upsert", crash_at_visits)
    with pytest.raises(KeyboardInterrupt):
        store.import_path(BRIGHTPATH)
    assert snapshot(store) == before


def test_two_practices_imported_at_once_both_land(db_url: str) -> None:
    Store.open(db_url).close()

    def importer(folder: Path) -> Callable[[Callable[[], object]], str]:
        def job(ready: Callable[[], object]) -> str:
            with Store.open(db_url) as store:
                ready()
                return store.import_path(folder).status

        return job

    statuses = run_together(importer(BRIGHTPATH), importer(LITTLE_STEPS))
    assert statuses == ["imported", "imported"]
    with Store.open(db_url) as store:
        counts = store.row_counts()
    assert counts["practices"] == 2 and counts["patients"] == 13 and counts["visits"] == 266


def test_claims_by_patient_use_the_practice_visits(store: Store) -> None:
    store.import_path(BRIGHTPATH)
    for path in sorted((BRIGHTPATH / "remittances").glob("*.835")):
        assert store.import_path(path).status == "imported"
    by_id = store.claims("P1003")
    assert {c.patient_name for c in by_id} == {"PRIYA RAMAN"}
    assert [c.patient_control_number for c in store.claims("bp-100258")] == [
        c.patient_control_number for c in by_id
    ]
    assert {c.patient_control_number for c in store.claims("raman")} == {
        c.patient_control_number for c in by_id
    }
    assert [c.state for c in by_id].count("reversed") == 1
