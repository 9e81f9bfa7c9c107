"""The dashboard's figures that tell the truth (issue 17) and the underpaid dollars (issue 16):
overdue apart from expiring, open dollars by age, corrected claims apart from appeals, what
patients paid (payments.csv), one practice at a time; on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from recoup import pipeline
from recoup.store import DenialQuery, Store
from remit_samples import original_file, other_visit_file
from store_helpers import BRIGHTPATH, LITTLE_STEPS

# small_store (as in test_store_kpis): claim BP-1021 denied CO-119 on both lines (97110 $120.00,
# 97140 $65.00), notice (remittance) date 2026-03-04, triaged to review, deadline 2026-08-31.
DEADLINE = date(2026, 8, 31)
BRIGHTPATH_KEY = "1548213069"  # its NPI (practice.toml)
LITTLE_STEPS_KEY = "1730496282"


def small_store(store: Store, tmp_path: Path) -> Store:
    paths = []
    for name, data in (("a.835", original_file()), ("b.835", other_visit_file())):
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    assert pipeline.import_paths(store, paths, today=date(2026, 4, 1)).ok
    return store


def _ids(store: Store, today: date) -> dict[str, int]:
    return {r.code or "": r.id for r in store.denials(DenialQuery(today=today)).rows}


def test_a_denial_ten_days_overdue_is_overdue_not_expiring(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    assert {r.deadline for r in store.denials(today=date(2026, 4, 1)).rows} == {DEADLINE}
    late = store.kpis(date(2026, 9, 10))  # 10 days after the deadline
    assert (late.overdue_count, late.overdue_amount) == (2, Decimal("185.00"))
    assert (late.expiring_count, late.expiring_amount) == (0, Decimal("0.00"))
    on_the_day = store.kpis(DEADLINE)  # due today: expiring, not yet overdue
    assert (on_the_day.expiring_count, on_the_day.overdue_count) == (2, 0)
    thirteen_before = store.kpis(date(2026, 8, 18))
    assert (thirteen_before.expiring_count, thirteen_before.overdue_count) == (2, 0)
    fourteen_before = store.kpis(date(2026, 8, 17))  # [today, today + 14): not yet
    assert (fourteen_before.expiring_count, fourteen_before.overdue_count) == (0, 0)
    # an appeal sent in time is neither
    store.mark_sent(_ids(store, DEADLINE)["97140"], date(2026, 8, 20), "mail", "dana")
    after = store.kpis(date(2026, 9, 10))
    assert (after.overdue_count, after.overdue_amount) == (1, Decimal("120.00"))


def test_open_dollars_age_from_the_remittance_date(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)

    def buckets(today: date) -> list[tuple[str, int, Decimal]]:
        k = store.kpis(today, months=1)  # aging ignores the window: every open denial counts
        return [(row.bucket, row.denials, row.amount) for row in k.aging]

    zero = Decimal("0.00")
    both = Decimal("185.00")
    # 2026-03-04 + 30 days = 2026-04-03; + 31 = 04-04; + 60 = 05-03; + 61 = 05-04; + 90 = 06-02
    for today, full in (
        (date(2026, 3, 4), 0),
        (date(2026, 4, 3), 0),
        (date(2026, 4, 4), 1),
        (date(2026, 5, 3), 1),
        (date(2026, 5, 4), 2),
        (date(2026, 6, 2), 2),
        (date(2026, 6, 3), 3),
        (date(2027, 3, 4), 3),
    ):
        expected = [
            (label, 2 if i == full else 0, both if i == full else zero)
            for i, label in enumerate(("0-30", "31-60", "61-90", "90+"))
        ]
        assert buckets(today) == expected, today
    k = store.kpis(date(2026, 5, 10))
    assert (k.open_count, k.open_amount) == (2, both)
    ids = _ids(store, date(2026, 5, 10))
    store.mark_sent(ids["97110"], date(2026, 5, 1), "portal", "dana")  # sent is still unpaid
    store.record_outcome(ids["97140"], "written_off", Decimal("65.00"), date(2026, 5, 9), "dana")
    k = store.kpis(date(2026, 5, 10))
    assert (k.open_count, k.open_amount) == (1, Decimal("120.00"))
    assert k.aging[2] == ("61-90", 1, Decimal("120.00"))


def _examples(store: Store, today: date) -> None:
    paths = [
        BRIGHTPATH,
        *sorted((BRIGHTPATH / "remittances").glob("*.835")),
        LITTLE_STEPS,
        *sorted((LITTLE_STEPS / "remittances").glob("*.835")),
    ]
    assert pipeline.import_paths(store, paths, today=today).ok


def test_corrected_claims_are_not_appeal_wins(store: Store) -> None:
    today = date(2026, 12, 8)
    _examples(store, today)
    rows = store.all_denials(DenialQuery(practice_key=BRIGHTPATH_KEY, today=today), today=today)
    by_lane: dict[str, list[int]] = {}
    for r in sorted(rows, key=lambda r: r.id):
        by_lane.setdefault(r.lane, []).append(r.id)
    day = date(2026, 12, 1)
    store.record_outcome(by_lane["recount_dispute"][0], "won", Decimal("120.00"), day, "dana")
    store.record_outcome(by_lane["recount_dispute"][1], "lost", Decimal("0"), day, "dana")
    store.record_outcome(by_lane["corrected_claim"][0], "partly_won", Decimal("90.00"), day, "d")
    store.record_outcome(by_lane["corrected_claim"][1], "won", Decimal("120.00"), day, "dana")
    store.record_outcome(by_lane["corrected_claim"][2], "lost", Decimal("0"), day, "dana")
    # billing the other payer is not an appeal: its "won" counts in neither rate
    store.record_outcome(by_lane["bill_other_payer"][0], "won", Decimal("85.00"), day, "dana")
    k = store.kpis(today)
    assert (k.appeals_won, k.appeals_lost, k.appeal_success_rate) == (1, 1, Decimal("0.5000"))
    assert (k.corrected_won, k.corrected_lost) == (2, 1)
    assert k.corrected_success_rate == Decimal("0.6667")
    assert k.recovered == Decimal("120.00") + Decimal("90.00") + Decimal("120.00") + 85


def test_one_practice_at_a_time(store: Store) -> None:
    today = date(2026, 12, 8)
    _examples(store, today)
    every = store.kpis(today)
    bright = store.kpis(today, practice=BRIGHTPATH_KEY)
    steps = store.kpis(today, practice=LITTLE_STEPS_KEY)
    assert (bright.practice, steps.practice, every.practice) == (
        BRIGHTPATH_KEY,
        LITTLE_STEPS_KEY,
        None,
    )
    for name in ("denied_lines", "adjudicated_lines", "denied_amount", "charged_amount"):
        assert getattr(bright, name) + getattr(steps, name) == getattr(every, name), name
    for name in ("open_amount", "underpaid_amount", "overdue_count", "expiring_count"):
        assert getattr(bright, name) + getattr(steps, name) == getattr(every, name), name
    bright_rows = store.all_denials(
        DenialQuery(practice_key=BRIGHTPATH_KEY, status="all", today=today), today=today
    )
    denials = [r for r in bright_rows if r.lane not in ("underpayment", "review_takeback")]
    assert bright.denied_lines == len(denials) and bright.denied_lines > 0
    assert bright.denied_amount == sum((r.denied_amount for r in denials), Decimal(0))
    assert {r.key for r in bright.by_payer} == {r.payer_name for r in bright_rows}
    assert not {r.key for r in steps.by_payer} & {r.payer_name for r in bright_rows}
    nobody = store.kpis(today, practice="no such practice")
    assert (nobody.denied_lines, nobody.adjudicated_lines, nobody.open_count) == (0, 0, 0)


def test_underpaid_dollars_by_payer_and_code(store: Store) -> None:
    today = date(2026, 12, 8)
    _examples(store, today)
    # Brightpath, BP26036 97140-GP: contract 1 x $30.20 (fee_schedules/73120.csv), allowed
    # $65.00 - CO-45 $37.00 = $28.00: $2.20. Little Steps, LS4117 97155-XE: 2 x $24.00 =
    # $48.00 (fee_schedules/58230.csv), allowed (AMT*B6) $44.00: $4.00.
    k = store.kpis(today)
    assert (k.underpaid_lines, k.underpaid_amount) == (2, Decimal("6.20"))
    assert k.underpaid_by_payer == [
        ("PRAIRIE MUTUAL", 1, Decimal("4.00"), Decimal("4.00")),
        ("SUMMIT HEALTH PLAN", 1, Decimal("2.20"), Decimal("2.20")),
    ]
    assert k.underpaid_by_code == [
        ("97155", 1, Decimal("4.00"), Decimal("4.00")),
        ("97140", 1, Decimal("2.20"), Decimal("2.20")),
    ]
    # the underpaid line is not a denial: not in the denial rate, not in open denied dollars
    assert "CO-45" not in {r.key for r in k.by_carc}
    (item,) = [
        r
        for r in store.all_denials(DenialQuery(lane="underpayment", today=today), today=today)
        if r.code == "97155"
    ]
    store.record_outcome(item.id, "won", Decimal("4.00"), today, "dana")
    k = store.kpis(today)
    assert k.underpaid_by_payer[0] == ("PRAIRIE MUTUAL", 1, Decimal("4.00"), Decimal("0.00"))
    bright = store.kpis(today, practice=BRIGHTPATH_KEY)
    assert bright.underpaid_by_code == [("97140", 1, Decimal("2.20"), Decimal("2.20"))]
    # a window that ends before the remittances sees none
    assert store.kpis(date(2026, 7, 31), months=2).underpaid_by_payer == []


PAYMENTS = """date,patient_id,claim_id,amount,method,reference
2026-09-20,P1006,BP26061,100.00,card,R-5521
2026-11-02,P1001,BP26001,25.00,cash,
"""


def test_patient_collection_counts_what_patients_paid(store: Store, tmp_path: Path) -> None:
    # BP26061 (patient P1006): 97110 $120.00 and 97140 $65.00 in the bill-the-patient lane,
    # remittance 2026-09-04: the patient owes $185.00 on it
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    (folder / "payments.csv").write_text(PAYMENTS, encoding="utf-8")
    today = date(2026, 12, 8)
    paths = [folder, *sorted((folder / "remittances").glob("*.835"))]
    assert pipeline.import_paths(store, paths, today=today).ok
    k = store.kpis(today)
    assert (k.patient_owed, k.patient_collected) == (Decimal("185.00"), Decimal("100.00"))
    assert k.patient_collection_rate == Decimal("0.5405")  # 100 / 185
    # the $25.00 copay on BP26001 (not owed on a denial) is received, not collected
    assert (k.patient_received, k.patient_payments) == (Decimal("125.00"), 2)
    # a second payment pays it off (and more: the rate stops at 100 %); one dated after today
    # is not yet received
    with (folder / "payments.csv").open("a", encoding="utf-8") as f:
        f.write("2026-10-15,P1006,BP26061,100.00,check,1043\n")
        f.write("2026-12-20,P1006,BP26061,10.00,card,R-6001\n")
    assert store.import_practice(folder).ok
    k = store.kpis(today)
    assert (k.patient_owed, k.patient_collected) == (Decimal("185.00"), Decimal("185.00"))
    assert k.patient_collection_rate == Decimal("1.0000")
    assert (k.patient_received, k.patient_payments) == (Decimal("225.00"), 3)
    # what is billed to the patient is what they owe
    rows = store.all_denials(DenialQuery(today=today), today=today)
    (line,) = [r for r in rows if r.patient_account == "BP26061" and r.code == "97140"]
    store.record_outcome(line.id, "billed_patient", Decimal("40.00"), today, "dana")
    k = store.kpis(today)
    assert (k.patient_owed, k.patient_collected) == (Decimal("160.00"), Decimal("160.00"))
    assert store.kpis(today, practice=LITTLE_STEPS_KEY).patient_payments == 0


def test_payments_come_back_from_the_store(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    (folder / "payments.csv").write_text(PAYMENTS, encoding="utf-8")
    first = store.import_practice(folder)
    assert first.ok
    assert dict(first.changes)["patient_payments"] == (2, 0)
    again = store.import_practice(folder)
    assert again.ok and again.status == "already imported"
    (practice,) = store.practices()
    assert [
        (p.paid_on, p.claim_id, p.amount, p.method.value, p.reference) for p in practice.payments
    ] == [
        (date(2026, 9, 20), "BP26061", Decimal("100.00"), "card", "R-5521"),
        (date(2026, 11, 2), "BP26001", Decimal("25.00"), "cash", ""),
    ]
    assert [p.row for p in practice.payments] == [2, 3]
