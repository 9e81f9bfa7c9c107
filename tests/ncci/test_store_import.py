"""``recoup ncci import`` into the store: quarterly editions, one transaction, idempotent, the
edition in force on a date of service, and the named source of a bundling decision."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from generate_ncci import write_mue, write_ptp
from recoup.cli import app
from recoup.ncci import (
    BUNDLED_SOURCE,
    mue_table_for,
    ptp_table_for,
    store_in_force,
    use_store,
)
from recoup.practice import read_practice
from recoup.store import Store
from recoup.store.ncci import import_ncci_files, ncci_files, ncci_ptp_edits
from recoup.triage import triage
from recoup.x12 import read_835_file

EXAMPLES = Path(__file__).parents[2] / "examples"
Q3 = "CMS NCCI PTP practitioner 2026Q3 (version 32.2r0)"


def _count(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        edits = conn.scalar(select(func.count()).select_from(ncci_ptp_edits))
        files = conn.scalar(select(func.count()).select_from(ncci_files))
    return int(edits or 0), int(files or 0)


def test_import_lookup_and_reimport(store: Store, tmp_path: Path) -> None:
    parts = write_ptp(tmp_path / "q3", 4_000, parts=2)
    mue = write_mue(tmp_path / "q3" / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", 300)
    results = import_ncci_files(store.engine, [*parts, mue])
    assert [(r.kind, r.quarter, r.rows, r.status) for r in results] == [
        ("ptp", "2026Q3", 2_000, "imported"),
        ("ptp", "2026Q3", 2_000, "imported"),
        ("mue", "2026Q3", 300, "imported"),
    ]
    day = date(2026, 9, 15)
    table, name = ptp_table_for(day, store)
    assert name == Q3 and len(table) == 4_000
    edit = table.find("97530", "97140", day)
    assert edit is not None and edit.source == f"ccipra-v322r0-f1.txt row 7 ({Q3})"
    mues, mue_name = mue_table_for(day, store)
    assert mue_name == "CMS MUE practitioner 2026Q3 (effective 2026-07-01)"
    assert mues is not None and mues.find("97155") is not None and mues.find("97999") is None

    again = import_ncci_files(store.engine, [*parts, mue])
    assert [r.status for r in again] == ["unchanged"] * 3
    assert _count(store) == (4_000, 3)


def test_a_bad_file_writes_nothing_and_says_where(store: Store, tmp_path: Path) -> None:
    good = write_ptp(tmp_path, 1_000, parts=1)[0]
    bad = tmp_path / "ccipra-v322r0-f2.txt"
    bad.write_text(good.read_text(encoding="latin-1").replace("20200101", "2020-01-01", 1))
    results = import_ncci_files(store.engine, [good, bad])
    assert [r.status for r in results] == ["not written", "failed"]
    finding = results[1].findings[0]
    assert (finding.file, finding.row, finding.column) == (str(bad), 7, "Effective Date")
    assert _count(store) == (0, 0)
    no_quarter = tmp_path / "ptp.txt"
    no_quarter.write_bytes(good.read_bytes())
    result = import_ncci_files(store.engine, [no_quarter])[0]
    assert result.status == "failed" and "--quarter" in result.findings[0].message
    assert import_ncci_files(store.engine, [no_quarter], quarter="2026Q2")[0].status == "imported"


def test_a_new_download_of_a_part_replaces_it(store: Store, tmp_path: Path) -> None:
    first = write_ptp(tmp_path / "a", 1_000, parts=1)[0]
    import_ncci_files(store.engine, [first])
    second = write_ptp(tmp_path / "b", 1_200, parts=1)[0]
    assert import_ncci_files(store.engine, [second])[0].status == "replaced"
    assert _count(store) == (1_200, 1)


def test_the_quarter_in_force_on_the_date_of_service(store: Store, tmp_path: Path) -> None:
    assert ptp_table_for(date(2026, 9, 15), store)[1] == BUNDLED_SOURCE
    assert mue_table_for(date(2026, 9, 15), store) == (
        None,
        "no MUE table loaded (every MUE unknown)",
    )
    import_ncci_files(store.engine, write_ptp(tmp_path / "q2", 500, parts=1, version="v321r0"))
    import_ncci_files(store.engine, write_ptp(tmp_path / "q3", 600, parts=1, version="v322r0"))
    assert ptp_table_for(date(2026, 5, 1), store)[1].endswith("2026Q2 (version 32.1r0)")
    assert ptp_table_for(date(2026, 7, 1), store)[1] == Q3
    assert len(ptp_table_for(date(2026, 12, 31), store)[0]) == 600
    early = ptp_table_for(date(2025, 3, 1), store)[1]
    assert "2026Q2" in early and "earliest loaded" in early


def test_a_bundling_decision_names_the_cms_quarter_once_loaded(
    store: Store, tmp_path: Path
) -> None:
    folder = EXAMPLES / "brightpath-pt"
    practice, _ = read_practice(folder)
    results = [read_835_file(p) for p in sorted((folder / "remittances").glob("*.835"))]

    def jenna() -> tuple[str, ...]:
        items = triage(results, practice, date(2026, 11, 23)).items
        item = next(i for i in items if i.denial_id.startswith("BP26065-3"))
        assert item.rule == "R097"
        return item.reasons + tuple(e.text for e in item.evidence)

    use_store(store)
    before = " ".join(jenna())
    assert BUNDLED_SOURCE in before and "2026Q3" not in before
    import_ncci_files(store.engine, write_ptp(tmp_path, 1_000, parts=1))
    after = " ".join(jenna())
    assert Q3 in after and BUNDLED_SOURCE not in after
    assert f"ccipra-v322r0-f1.txt row 7 ({Q3})" in after


def test_the_store_in_force_is_the_threads_own(store: Store, tmp_path: Path) -> None:
    """A web server triages in several threads: the store one of them puts in force (with its
    CMS quarter) is not the one another thread reads, and it is gone after the block."""
    import_ncci_files(store.engine, write_ptp(tmp_path, 1_000, parts=1))
    day = date(2026, 9, 15)
    seen: dict[str, str] = {}
    with store_in_force(store):
        assert Q3 in ptp_table_for(day)[1]
        other = threading.Thread(target=lambda: seen.update(other=ptp_table_for(day)[1]))
        other.start()
        other.join()
    assert seen["other"] == BUNDLED_SOURCE
    assert ptp_table_for(day)[1] == BUNDLED_SOURCE


def test_full_quarter_through_the_cli(tmp_path: Path) -> None:
    """A full quarter (1.1 million PTP rows in four parts, and an MUE table) in the CMS layouts:
    imported by the command, then looked up; a second import changes nothing."""
    parts = write_ptp(tmp_path / "q", 1_100_000, parts=4)
    mue = write_mue(tmp_path / "q" / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv")
    db = str(tmp_path / "recoup.db")
    runner = CliRunner()
    started = time.process_time()
    result = runner.invoke(app, ["ncci", "import", *map(str, parts), str(mue), "--db", db])
    assert result.exit_code == 0, result.output
    assert "imported 275000 PTP edits into PTP 2026Q3" in result.output
    assert time.process_time() - started < 60  # CPU seconds: the machine may be shared
    lookup = runner.invoke(
        app, ["ncci", "lookup", "97530", "97140", "--on", "2026-09-15", "--db", db]
    )
    assert lookup.exit_code == 0, lookup.output
    assert "column 1 97140 / column 2 97530, modifier indicator 1" in lookup.output
    assert Q3 in lookup.output and "MUE 97530: MUE 97530: 4 units, MAI 3" in lookup.output
    again = runner.invoke(app, ["ncci", "import", *map(str, parts), "--db", db])
    assert again.output.count("unchanged") == 4
    with Store.open(db) as store:
        assert _count(store) == (1_100_000, 5)
        table, _ = ptp_table_for(date(2026, 9, 15), store)
        started = time.perf_counter()
        for _ in range(10_000):
            table.find("97140", "97530", date(2026, 9, 15))
        assert (time.perf_counter() - started) / 10_000 < 0.001  # well under a millisecond
