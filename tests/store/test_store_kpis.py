"""The KPIs, checked against figures worked out by hand on a small store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from recoup import pipeline
from recoup.store import DenialQuery, Store
from remit_samples import original_file, other_visit_file

# original_file(): BP-1020 paid (2 lines, $185 charged) and BP-1021 denied CO-119 on both lines
# (97110 $120, 97140 $65), notice date 2026-03-04. other_visit_file(): BP-1030 paid (2 lines,
# $185), notice 2026-03-11. So March 2026 has 6 adjudicated lines ($555 charged), 2 denied
# ($185).


def small_store(store: Store, tmp_path: Path) -> Store:
    paths = []
    for name, data in (("a.835", original_file()), ("b.835", other_visit_file())):
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    assert pipeline.import_paths(store, paths, today=date(2026, 4, 1)).ok
    return store


def test_rates_and_outcomes_by_hand(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    rows = {r.code: r for r in store.denials(DenialQuery(today=date(2026, 4, 1))).rows}
    store.record_outcome(rows["97110"].id, "won", Decimal("120.00"), date(2026, 4, 13), "dana")
    store.record_outcome(rows["97140"].id, "written_off", Decimal("65.00"), date(2026, 3, 24), "d")
    k = store.kpis(date(2026, 4, 30), months=3)
    assert k.start == date(2026, 2, 1)
    assert (k.denied_lines, k.adjudicated_lines) == (2, 6)
    assert k.denial_rate == Decimal("0.3333")
    assert (k.denied_amount, k.charged_amount) == (Decimal("185.00"), Decimal("555.00"))
    (carc,) = k.by_carc
    assert carc == (
        "CO-119",
        2,
        6,
        Decimal("0.3333"),
        Decimal("185.00"),
        Decimal("555.00"),
        Decimal("0.3333"),
    )
    (payer,) = k.by_payer
    assert (payer.key, payer.denied_lines, payer.adjudicated_lines) == ("SUMMIT HEALTH PLAN", 2, 6)
    assert [(m.key, m.denied_lines, m.adjudicated_lines) for m in k.by_month] == [
        ("2026-02", 0, 0),
        ("2026-03", 2, 6),
        ("2026-04", 0, 0),
    ]
    assert k.by_month[0].rate is None
    assert (k.recovered, k.written_off) == (Decimal("120.00"), Decimal("65.00"))
    assert (k.appeals_won, k.appeals_lost, k.appeal_success_rate) == (1, 0, Decimal("1.0000"))
    assert (k.corrected_won, k.corrected_lost, k.corrected_success_rate) == (0, 0, None)
    # 2026-03-04 -> 04-13 is 40 days, -> 03-24 is 20 days
    assert k.mean_days_to_resolution == Decimal("30.0")
    assert k.median_days_to_resolution == Decimal("30.0")
    assert k.expiring_count == 0 and k.expiring_amount == Decimal("0.00")
    # a window that ends before March sees none of it
    early = store.kpis(date(2026, 2, 28), months=1)
    assert (early.denied_lines, early.adjudicated_lines, early.denial_rate) == (0, 0, None)
    assert early.recovered == Decimal("0") and early.appeal_success_rate is None


def test_patient_collection_and_what_expires(store: Store, tmp_path: Path) -> None:
    from store_helpers import BRIGHTPATH

    today = date(2026, 12, 8)
    paths = [BRIGHTPATH, *sorted((BRIGHTPATH / "remittances").glob("*.835"))]
    assert pipeline.import_paths(store, paths, today=today).ok
    rows = store.denials(DenialQuery(per_page=500, today=today)).rows
    patient = [r for r in rows if r.lane == "bill_patient"]
    assert patient, "the example has denials for the patient"
    lane_total = sum((r.denied_amount for r in patient), Decimal(0))
    store.record_outcome(patient[0].id, "billed_patient", Decimal("50.00"), today, "dana")
    soon = [r for r in rows if r.deadline and 0 <= (r.deadline - today).days <= 14]
    assert soon, "the example has a deadline within 14 days of 2026-12-08"
    k = store.kpis(today)
    assert (k.patient_billed, k.patient_lane_amount) == (Decimal("50.00"), lane_total)
    # owed: the $50.00 billed on the first, the denied amounts of the others (still open);
    # paid: payments.csv has $65.00 and $50.00 on BP26061 (its only claim billed to the
    # patient), at most what is owed; the $25.00 copay on BP26001 is received, not collected
    assert {r.patient_account for r in patient} == {"BP26061"}
    owed = Decimal("50.00") + lane_total - patient[0].denied_amount
    assert (k.patient_owed, k.patient_collected) == (owed, min(owed, Decimal("115.00")))
    assert k.patient_collection_rate == (k.patient_collected / owed).quantize(Decimal("0.0001"))
    assert (k.patient_received, k.patient_payments) == (Decimal("140.00"), 3)
    assert k.expiring_count == len(soon)
    assert k.expiring_amount == sum((r.denied_amount for r in soon), Decimal(0))
    assert k.denied_lines == len([r for r in rows if r.lane != "underpayment"])
    assert k.to_dict()["patient_billed"] == "50.00"
