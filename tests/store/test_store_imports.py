"""Importing 835 files into the store, on SQLite and on PostgreSQL: idempotent, deduplicated,
atomic, with reversal lineage, and safe when imports run at the same time."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

import recoup.store.remits
from recoup.store import Store
from recoup.store.tables import claims
from remit_samples import (
    ORIGINAL,
    correction_file,
    corrupt_file,
    header,
    original_file,
    other_visit_file,
    reversal_file,
)
from store_helpers import BRIGHTPATH, run_together, snapshot
from x12_samples import interchange, transaction


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def lineage_of(store: Store, ident: str) -> list[tuple[str, str, str, str, Decimal]]:
    """(lineage, state, CLP07, CLP02, paid) of each claim in the history, oldest first."""
    (history,) = store.claim_history(ident)
    return [(c.lineage, c.state, c.payer_claim_id, c.status, c.paid) for c in history.claims]


def test_import_stores_claims_lines_and_adjustments(store: Store, tmp_path: Path) -> None:
    result = store.import_path(write(tmp_path, "a.835", original_file()))
    assert result.status == "imported"
    assert (result.claims, result.new_claims, result.known_claims, result.denials) == (2, 2, 0, 2)
    counts = store.row_counts()
    assert counts["claims"] == 2 and counts["service_lines"] == 4 and counts["adjustments"] == 6
    (denied,) = [c for c in store.claims() if c.patient_control_number == "BP-1021"]
    assert denied.denied == Decimal("185.00") and denied.denial_codes == ("CO-119",)
    assert (denied.charge, denied.paid) == (Decimal("185.00"), Decimal("0.00"))


def test_a_second_import_of_the_same_file_changes_nothing(store: Store) -> None:
    paths = [BRIGHTPATH, *sorted((BRIGHTPATH / "remittances").glob("*.835"))]
    first = [store.import_path(p) for p in paths]
    assert [r.status for r in first] == ["imported"] * len(paths)
    before = snapshot(store)
    again = [store.import_path(p) for p in paths]
    assert [r.status for r in again] == ["already imported"] * len(paths)
    assert snapshot(store) == before


def test_the_same_claim_payment_in_two_files_is_stored_once(store: Store, tmp_path: Path) -> None:
    first = store.import_path(write(tmp_path, "a.835", original_file()))
    # The payer sends the same remittance again in a new envelope: other bytes, same content.
    resent = store.import_path(write(tmp_path, "b.835", original_file(control="000000999")))
    assert first.status == resent.status == "imported"
    assert (resent.claims, resent.new_claims, resent.known_claims) == (2, 0, 2)
    counts = store.row_counts()
    assert counts["claims"] == 2 and counts["claim_sources"] == 4 and counts["remittances"] == 1
    (history,) = store.claim_history("BP-1020")
    assert [Path(f).name for f in history.claims[0].files] == ["a.835", "b.835"]
    assert sum(c.paid for c in store.claims()) == Decimal("98.40")


def test_a_different_payment_of_the_same_claim_is_another_claim_payment(
    store: Store, tmp_path: Path
) -> None:
    store.import_path(write(tmp_path, "a.835", original_file()))
    other_trace = original_file().replace(b"EFT0304001", b"EFT0305009")
    result = store.import_path(write(tmp_path, "b.835", other_trace))
    assert (result.new_claims, result.known_claims) == (2, 0)


def test_a_corrupt_file_in_a_batch_leaves_no_trace(store: Store, tmp_path: Path) -> None:
    good = store.import_path(write(tmp_path, "good.835", original_file()))
    before = snapshot(store)
    bad = store.import_path(write(tmp_path, "bad.835", corrupt_file()))
    assert good.ok and not bad.ok and bad.status == "failed"
    assert any(f.segment == 22 and f.segment_id == "CAS" for f in bad.findings)
    assert snapshot(store) == before
    later = store.import_path(write(tmp_path, "later.835", other_visit_file()))
    assert later.status == "imported"


def test_an_import_interrupted_halfway_leaves_the_store_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_path(write(tmp_path, "a.835", original_file()))
    before = snapshot(store)

    def power_cut(*args: object) -> int:
        raise KeyboardInterrupt  # after every claim, line and adjustment row was written

    monkeypatch.setattr(recoup.store.remits, "relink", power_cut)
    with pytest.raises(KeyboardInterrupt):
        store.import_path(write(tmp_path, "b.835", reversal_file()))
    assert snapshot(store) == before
    monkeypatch.undo()
    assert store.import_path(tmp_path / "b.835").status == "imported"


def test_the_database_refusing_a_write_is_a_failed_import(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store)

    def refused(writer: Any, remit_id: int, plans: object) -> dict[str, int]:
        writer.conn.execute(insert(claims), [{"claim_key": "x"}])  # NOT NULL columns left out
        return {}

    monkeypatch.setattr(recoup.store.remits, "_insert_claims", refused)
    result = store.import_path(write(tmp_path, "a.835", original_file()))
    assert result.status == "failed" and result.findings[0].code == "store.write"
    assert "nothing was written" in result.findings[0].message
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "order",
    [(0, 1, 2), (2, 1, 0), (1, 2, 0)],
    ids=["original-reversal-correction", "correction-reversal-original", "reversal-first"],
)
def test_reversal_and_correction_in_any_order_end_the_same(
    new_db_url: Callable[[], str], tmp_path: Path, order: tuple[int, int, int]
) -> None:
    files = [
        write(tmp_path, "1-original.835", original_file()),
        write(tmp_path, "2-reversal.835", reversal_file()),
        write(tmp_path, "3-correction.835", correction_file()),
    ]
    with Store.open(new_db_url()) as store:
        for index in order:
            assert store.import_path(files[index]).status == "imported"
        assert lineage_of(store, "BP-1020") == [
            ("original", "reversed", "SHP2026030400020", "1", Decimal("98.40")),
            ("reversal", "reversal", "SHP2026030400020", "22", Decimal("-98.40")),
            ("correction", "current", "SHP2026041500031", "1", Decimal("88.40")),
        ]
        # Either claim number finds the history; the current payment is the correction.
        (history,) = store.claim_history("SHP2026041500031")
        assert [c.paid for c in history.current] == [Decimal("88.40")]


def test_example_reversal_lineage_forwards_and_backwards(new_db_url: Callable[[], str]) -> None:
    files = sorted((BRIGHTPATH / "remittances").glob("2026-0[78]*.835")) + [
        BRIGHTPATH / "remittances" / "2026-10-02_summit-health-plan.835"
    ]
    results = []
    for order in (files, files[::-1]):
        with Store.open(new_db_url()) as store:
            for path in order:
                assert store.import_path(path).ok
            results.append(lineage_of(store, "BP26036"))
    assert results[0] == results[1]
    assert [(lineage, state) for lineage, state, *_ in results[0]] == [
        ("original", "reversed"),
        ("reversal", "reversal"),
        ("correction", "current"),
    ]


def test_money_is_stored_exactly(store: Store, tmp_path: Path) -> None:
    huge = original_file().replace(b"*185.00*0.00*0.00*12*", b"*123456789012.35*0.00*0.00*12*")
    huge = huge.replace(b"CAS*CO*119*120.00", b"CAS*CO*119*123456788947.35")
    huge = huge.replace(b"SVC*HC:97110:GP*120.00*0.00", b"SVC*HC:97110:GP*123456788947.35*0.00")
    result = store.import_path(write(tmp_path, "huge.835", huge))
    assert result.ok, [str(f) for f in result.findings]
    (denied,) = [c for c in store.claims() if c.patient_control_number == "BP-1021"]
    assert denied.charge == Decimal("123456789012.35")
    assert str(denied.denied) == "123456789012.35"


def test_concurrent_imports_of_different_files_all_land(db_url: str, tmp_path: Path) -> None:
    Store.open(db_url).close()  # migrated up front; opening concurrently is its own test
    files = [
        write(tmp_path, "a.835", original_file()),
        write(tmp_path, "b.835", reversal_file()),
        write(tmp_path, "c.835", correction_file()),
        write(tmp_path, "d.835", other_visit_file()),
        write(tmp_path, "a-again.835", original_file(control="000000777")),  # same claims as a
    ]

    def importer(path: Path) -> Callable[[Callable[[], object]], str]:
        def job(ready: Callable[[], object]) -> str:
            with Store.open(db_url) as store:
                ready()
                return store.import_path(path).status

        return job

    statuses = run_together(*(importer(path) for path in files))
    assert statuses == ["imported"] * len(files)
    with Store.open(db_url) as store:
        counts = store.row_counts()
        assert counts["source_files"] == 5
        assert counts["claims"] == 5  # 2 + 1 + 1 + 1, and a-again adds none
        assert counts["claim_sources"] == 7
        assert lineage_of(store, "BP-1020")[-1][:2] == ("correction", "current")


def test_the_same_file_imported_twice_at_once_lands_once(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "a.835", original_file())

    def job(ready: Callable[[], object]) -> str:
        ready()  # three processes opening a new store, then importing the same file, at once
        with Store.open(db_url) as store:
            return store.import_path(path).status

    statuses = run_together(job, job, job)
    assert sorted(statuses) == ["already imported", "already imported", "imported"]
    with Store.open(db_url) as store:
        assert store.row_counts()["claims"] == 2


def test_concurrent_import_processes(db_url: str, tmp_path: Path) -> None:
    Store.open(db_url).close()
    batches = [
        [write(tmp_path, "a.835", original_file()), write(tmp_path, "b.835", reversal_file())],
        [write(tmp_path, "c.835", correction_file()), write(tmp_path, "d.835", other_visit_file())],
    ]
    command = [
        sys.executable,
        "-c",
        "from recoup.cli import main; main()",
        "import",
        "--db",
        db_url,
    ]
    processes = [
        subprocess.Popen(
            [*command, *map(str, batch)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for batch in batches
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    with Store.open(db_url) as store:
        assert store.row_counts()["claims"] == 5
        assert [lineage for lineage, *_ in lineage_of(store, "BP-1020")] == [
            "original",
            "reversal",
            "correction",
        ]


def test_permutations_of_a_file_batch_reach_one_state(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    files = [
        write(tmp_path, "a.835", original_file()),
        write(tmp_path, "b.835", reversal_file()),
        write(tmp_path, "c.835", correction_file()),
        write(tmp_path, "d.835", original_file(control="000000555")),
    ]
    states = set()
    for order in list(itertools.permutations(files))[::8]:  # 3 of the 24 orders
        with Store.open(new_db_url()) as store:
            for path in order:
                store.import_path(path)
            views = store.claims()
            states.add(tuple((c.payer_claim_id, c.status, c.lineage, c.state) for c in views))
    assert len(states) == 1


def twice_in_one_file() -> bytes:
    """BP-1020's payment sent twice in the same remittance (the BPR counts it twice)."""
    body = header(paid="196.80", when="20260304", trace="EFT0304002") + ORIGINAL + ORIGINAL[1:]
    return interchange(transaction(body), control="000000501")


def test_a_claim_repeated_inside_one_file_is_stored_once_and_reported_as_repeated(
    store: Store, tmp_path: Path
) -> None:
    result = store.import_path(write(tmp_path, "twice.835", twice_in_one_file()))
    assert result.status == "imported"
    assert (result.claims, result.new_claims, result.known_claims) == (2, 1, 0)
    assert result.repeated_claims == 1
    (note,) = [f for f in result.findings if f.code == "import.repeated_claim"]
    assert note.severity == "warning" and "BP-1020" in note.message
    assert store.row_counts()["claims"] == 1
    assert store.row_counts()["claim_sources"] == 2  # both places it was sent are kept
    assert len(store.claim_history("BP-1020")[0].claims) == 1
    # the same file again changes nothing; another copy of it says "already stored" once each
    assert store.import_path(tmp_path / "twice.835").status == "already imported"
    copy = write(tmp_path, "copy.835", twice_in_one_file().replace(b"000000501", b"000000502"))
    again = store.import_path(copy)
    assert (again.new_claims, again.known_claims, again.repeated_claims) == (0, 1, 1)


def test_the_database_refusing_a_bulk_write_is_a_failed_import_that_writes_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_path(write(tmp_path, "a.835", original_file()))
    before = snapshot(store)
    # The claims of a re-sent copy taken for new ones: their keys are unique in the store, so
    # the bulk insert (executemany on SQLite, COPY on PostgreSQL) is refused by the database.
    monkeypatch.setattr(recoup.store.remits, "_existing_claims", lambda conn, keys: {})
    resent = store.import_path(write(tmp_path, "b.835", original_file(control="000000102")))
    assert resent.status == "failed" and resent.findings[0].code == "store.write"
    assert "nothing was written" in resent.findings[0].message
    assert snapshot(store) == before
    monkeypatch.undo()
    again = store.import_path(tmp_path / "b.835")
    assert (again.status, again.new_claims, again.known_claims) == ("imported", 0, 2)
