"""A payer's change of mind: the same check (payer + TRN02) sent again with other content is
named at import, the later copy wins, and nothing is counted twice (files and store)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from recoup import pipeline
from recoup.resends import latest_only
from recoup.store import DenialQuery, Store
from recoup.triage import triage
from recoup.x12 import read_835
from remit_samples import header
from x12_samples import PAID_VISIT, VISIT_21, interchange, transaction

TODAY = date(2026, 3, 20)


def _first(control: str = "000000101") -> bytes:
    """BP-1020 paid 98.40 and BP-1021 denied CO-119, check EFT0304001, produced 2026-03-02."""
    body = header(paid="98.40", when="20260304", trace="EFT0304001")
    return interchange(transaction(body + ["LX*1", *PAID_VISIT, *VISIT_21[1:]]), control=control)


def _second() -> bytes:
    """The same check re-sent on 2026-03-09: BP-1021 dropped, BP-1020 paid 108.40."""
    body = header(paid="108.40", when="20260304", trace="EFT0304001")
    body = [s.replace("DTM*405*20260302", "DTM*405*20260309") for s in body]
    claim = [
        s.replace("*185.00*98.40*25.00*", "*185.00*108.40*15.00*")
        .replace("CAS*PR*3*20.00", "CAS*PR*3*10.00")
        .replace("SVC*HC:97110:GP*120.00*71.20", "SVC*HC:97110:GP*120.00*81.20")
        for s in PAID_VISIT
    ]
    return interchange(transaction(body + ["LX*1", *claim]), control="000000102")


def test_from_files_the_later_copy_wins_and_the_change_is_named() -> None:
    results = [read_835(_first(), file="a.835"), read_835(_second(), file="b.835")]
    assert all(r.ok for r in results), [r.findings for r in results]
    kept, found = latest_only(results)
    (resend,) = found
    assert resend.earlier.file == "a.835" and resend.later.file == "b.835"
    assert "payment $98.40 -> $108.40" in resend.changed
    assert "claims removed: BP-1021" in resend.changed
    assert "claim BP-1020: paid $98.40 -> $108.40" in resend.changed
    assert [len(r.remittances) for r in kept] == [0, 1]
    # the dropped BP-1021 denial is no longer on the worklist; the order of input does not matter
    for order in (results, results[::-1]):
        assert [i.patient_account for i in triage(order, None, TODAY).items] == []


def test_in_the_store_the_change_is_a_finding_and_counts_once(store: Store, tmp_path: Path) -> None:
    a, b = tmp_path / "a.835", tmp_path / "b.835"
    a.write_bytes(_first())
    b.write_bytes(_second())
    assert pipeline.import_paths(store, [a], today=TODAY).ok
    assert [r.patient_account for r in store.denials(DenialQuery(today=TODAY)).rows] == [
        "BP-1021",
        "BP-1021",
    ]
    second = store.import_835(b)
    (note,) = [f for f in second.findings if f.code == "import.resent"]
    assert "claims removed: BP-1021" in note.message and "payment $98.40 -> $108.40" in note.message
    pipeline.catch_up(store, TODAY)  # the refresh import_paths runs after each batch
    open_rows = store.denials(DenialQuery(today=TODAY)).rows
    assert [r.patient_account for r in open_rows if r.status == "open"] == []
    k = store.kpis(date(2026, 3, 31), months=1)
    assert k.paid == Decimal("108.40")  # not 98.40 + 108.40
    assert [c.patient_control_number for c in store.claims()] == ["BP-1020"]
    assert store.import_835(b).status == "already imported"
