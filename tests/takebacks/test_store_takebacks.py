"""Stored PLB rows: linked to the claim they recover, shown in the claim's history (SQLite and
PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

import takeback_samples as tb
from recoup.cli import app
from recoup.store import Store
from recoup.store.engine import reading
from recoup.store.tables import provider_adjustments
from remit_samples import original_file


def _put(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rows(store: Store) -> list[tuple[str, str, Decimal, str, bool]]:
    with reading(store.engine) as conn:
        return [
            (r.reason_code, r.reference, r.amount, r.link_rule, r.claim_id is not None)
            for r in conn.execute(select(provider_adjustments).order_by(provider_adjustments.c.id))
        ]


def test_wo_is_stored_linked_and_in_the_claim_history(store: Store, tmp_path: Path) -> None:
    store.import_835(_put(tmp_path, "may.835", original_file()))
    result = store.import_835(_put(tmp_path, "aug.835", tb.linked_wo()))
    assert result.status == "imported", result.findings
    assert _rows(store) == [("WO", "SHP2026030400020", Decimal("98.40"), "clp07", True)]
    (history,) = store.claim_history("BP-1020")
    assert [(r.reason, r.amount) for r in history.recoupments] == [("WO", Decimal("98.40"))]
    assert history.net == Decimal("0.00")
    assert history.money_story() == (
        "paid $98.40 on 2026-03-04, recouped $98.40 on 2026-08-14 (WO), net $0.00"
    )
    assert store.claim_history("BP-1030")[0].recoupments == ()


def test_a_takeback_imported_before_its_payment_links_when_the_payment_arrives(
    store: Store, tmp_path: Path
) -> None:
    store.import_835(_put(tmp_path, "aug.835", tb.linked_wo()))
    assert _rows(store)[0][3:] == ("", False)
    store.import_835(_put(tmp_path, "may.835", original_file()))
    assert _rows(store)[0][3:] == ("clp07", True)
    again = store.import_835(_put(tmp_path, "copy.835", tb.linked_wo() + b"\n"))
    assert again.status == "imported" and len(_rows(store)) == 1  # same remittance: kept once


def test_unmatched_and_interest_rows_are_kept_unlinked(store: Store, tmp_path: Path) -> None:
    store.import_835(_put(tmp_path, "may.835", original_file()))
    store.import_835(_put(tmp_path, "u.835", tb.unmatched_wo()))
    store.import_835(
        _put(tmp_path, "l6.835", tb.l6_interest().replace(b"EFT0814001", b"EFT0815009"))
    )
    rows = _rows(store)
    assert ("WO", "OVP2026-55120", Decimal("61.20"), "", False) in rows
    assert ("L6", "SHP2026081400077", Decimal("-2.15"), "clp07", True) in rows


def test_claim_command_shows_the_money_story(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for name, data in (("may.835", original_file()), ("aug.835", tb.linked_wo())):
        done = runner.invoke(app, ["import", str(_put(tmp_path, name, data)), "--db", db_url])
        assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["claim", "BP-1020", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    assert "paid $98.40 on 2026-03-04, recouped $98.40 on 2026-08-14 (WO), net $0.00" in (
        shown.output.replace("\n", " ")
    )


def test_kpis_net_the_takebacks(store: Store, tmp_path: Path) -> None:
    from datetime import date

    from recoup import pipeline

    paths = [
        _put(tmp_path, "may.835", original_file()),
        _put(tmp_path, "aug.835", tb.linked_wo()),
        _put(tmp_path, "u.835", tb.unmatched_wo().replace(b"EFT0814001", b"EFT0814002")),
    ]
    assert pipeline.import_paths(store, paths, today=date(2026, 8, 20)).ok
    k = store.kpis(date(2026, 8, 31), months=12)
    # 98.40 (BP-1020) + 98.40 (BP-1030, aug) + 98.40 (BP-1030, second check) paid;
    # 98.40 (WO, linked) + 61.20 (WO, unmatched) taken back
    assert k.paid == Decimal("295.20")
    assert k.taken_back == Decimal("159.60")
    assert k.net_paid == Decimal("135.60")
    assert k.to_dict()["net_paid"] == "135.60"


def test_the_unmatched_takeback_is_on_the_stored_worklist(store: Store, tmp_path: Path) -> None:
    from datetime import date

    from recoup import pipeline
    from recoup.store import DenialQuery

    paths = [_put(tmp_path, "may.835", original_file()), _put(tmp_path, "u.835", tb.unmatched_wo())]
    assert pipeline.import_paths(store, paths, today=date(2026, 8, 20)).ok
    rows = store.denials(DenialQuery(today=date(2026, 8, 20))).rows
    (row,) = [r for r in rows if r.lane == "review_takeback"]
    assert row.denied_amount == Decimal("61.20")
    assert row.deadline == date(2026, 9, 13)
    assert row.reason_code == "WO"
