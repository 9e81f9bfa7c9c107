"""The worklist in the store, on SQLite and on PostgreSQL: triage from the store equals triage
from the files, refreshes keep what the biller did, and the denial pages are right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from recoup import pipeline
from recoup.practice import read_practice
from recoup.store import DenialQuery, Store, UnknownDenial
from recoup.store.tables import denials
from recoup.triage import triage
from recoup.x12 import read_835_file
from remit_samples import header, original_file
from store_helpers import BRIGHTPATH, LITTLE_STEPS, snapshot
from x12_samples import interchange, transaction

TODAY = date(2026, 11, 23)
REMITTANCES = sorted((BRIGHTPATH / "remittances").glob("*.835"))
ABA_REMITTANCES = sorted((LITTLE_STEPS / "remittances").glob("*.835"))

# The payer takes back the BP-1021 denial of original_file() (every amount negated).
REVERSAL_21 = [
    "LX*1",
    "CLP*BP-1021*22*-185.00*0.00*0.00*12*SHP2026030400021*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*-120.00*0.00**2",
    "DTM*472*20260224",
    "CAS*CO*119*-120.00",
    "SVC*HC:97140:GP*-65.00*0.00**1",
    "DTM*472*20260224",
    "CAS*CO*119*-65.00",
]


def reversal_21_file() -> bytes:
    body = header(paid="0.00", when="20260501", trace="EFT0501001", handling="H") + REVERSAL_21
    return interchange(transaction(body), control="000000501")


def from_files(
    practice_dir: Path, eras: list[Path], today: date = TODAY
) -> list[dict[str, object]]:
    practice, _ = read_practice(practice_dir)
    worklist = triage([read_835_file(p) for p in eras], practice, today)
    return [item.to_dict() for item in worklist.items]


@pytest.fixture
def brightpath(store: Store) -> Store:
    assert pipeline.import_paths(store, [BRIGHTPATH, *REMITTANCES], today=TODAY).ok
    return store


def test_the_worklist_from_the_store_equals_the_worklist_from_the_files(store: Store) -> None:
    # the 835s first, the practice after: the store works out whose remittances they are
    for path in [*REMITTANCES, BRIGHTPATH, *ABA_REMITTANCES, LITTLE_STEPS]:
        assert store.import_path(path).ok  # storing only: no triage yet
    expected = from_files(BRIGHTPATH, REMITTANCES)
    assert len(expected) == 21  # 19 denials, the underpaid 97140 of BP26036, 1 takeback review
    assert [
        i.to_dict() for i in pipeline.stored_worklist(store, TODAY, "1548213069").items
    ] == expected
    aba = from_files(LITTLE_STEPS, ABA_REMITTANCES)
    assert [i.to_dict() for i in pipeline.stored_worklist(store, TODAY, "1730496282").items] == aba
    everything = pipeline.stored_worklist(store, TODAY)
    assert len(everything.items) == len(expected) + len(aba)
    assert all(item.context is not None for item in everything.items)


def test_the_refreshed_rows_carry_the_contract_fields(brightpath: Store) -> None:
    expected = from_files(BRIGHTPATH, REMITTANCES)
    page = brightpath.denials(DenialQuery(practice_key="1548213069", per_page=500, today=TODAY))
    assert page.total == len(expected) == len(page.rows)
    stored = {row.denial_id: row for row in page.rows}
    for item in expected:
        row = stored[str(item["denial_id"])]
        assert row.to_dict()["denied_amount"] == item["denied_amount"]
        assert (row.lane, row.reason_code, row.group_code, row.code) == (
            item["lane"],
            item["reason_code"],
            item["group_code"],
            item["code"],
        )
        assert list(row.reasons) == item["reasons"]
        assert [{"source": e.text, "fact": e.fact} for e in row.evidence] == item["evidence"]
        deadline = item["deadline"]
        assert isinstance(deadline, dict)
        assert (row.deadline.isoformat() if row.deadline else None) == deadline["date"]
        assert row.deadline_basis == deadline["basis"]
        assert row.days_left == item["days_left"]
        # a takeback that names no claim has no patient (recoup.triage.takebacks)
        assert row.patient_id is not None or row.lane == "review_takeback"
        assert row.status == "open"


def test_a_second_import_and_refresh_change_nothing(brightpath: Store) -> None:
    before = snapshot(brightpath)
    again = [brightpath.import_path(p) for p in [BRIGHTPATH, *REMITTANCES]]
    assert {r.status for r in again} == {"already imported"}
    result = pipeline.refresh_worklist(brightpath, TODAY)
    assert (result.new, result.updated, result.closed_elsewhere) == (0, 0, 0)
    assert result.unchanged == 21  # 19 denials, the underpaid line, the takeback review
    assert snapshot(brightpath) == before


def test_an_outcome_survives_a_refresh(brightpath: Store) -> None:
    # the first denial (the takeback review of $45.00 is due before it: no appeal to win)
    rows = brightpath.denials(DenialQuery(today=TODAY)).rows
    first = next(r for r in rows if r.lane != "review_takeback")
    sent = brightpath.mark_sent(first.id, date(2026, 11, 24), "fax", "dana")
    assert (sent.status, sent.sent_channel, sent.sent_date) == ("sent", "fax", date(2026, 11, 24))
    done = brightpath.record_outcome(
        first.denial_id, "partly_won", Decimal("100.00"), date(2026, 12, 15), "dana"
    )
    assert (done.status, done.outcome, done.outcome_amount, done.closed_by) == (
        "closed",
        "partly_won",
        Decimal("100.00"),
        "dana",
    )
    later = pipeline.refresh_worklist(brightpath, date(2027, 1, 10))
    assert later.closed_elsewhere == 0 and later.new == 0
    kept = brightpath.denial(first.id, today=TODAY)
    assert kept is not None
    assert (kept.status, kept.outcome, kept.outcome_amount, kept.sent_channel) == (
        "closed",
        "partly_won",
        Decimal("100.00"),
        "fax",
    )
    assert brightpath.denials(DenialQuery(today=TODAY)).total == 20  # 21 less the closed one
    entries = brightpath.audit_entries()
    assert [e.action for e in entries] == ["denial.outcome", "denial.sent"]
    assert {e.denial_id for e in entries} == {first.denial_id}
    assert entries[0].patient_id == first.patient_id


def test_workflow_input_is_checked(brightpath: Store) -> None:
    row = brightpath.denials(DenialQuery(today=TODAY)).rows[0]
    with pytest.raises(UnknownDenial, match="no denial 999999"):
        brightpath.mark_sent(999999, TODAY, "fax", "dana")
    with pytest.raises(ValueError, match="channel"):
        brightpath.mark_sent(row.id, TODAY, " ", "dana")
    with pytest.raises(ValueError, match="outcome must be one of"):
        brightpath.record_outcome(row.id, "maybe", Decimal("1.00"), TODAY, "dana")
    with pytest.raises(ValueError, match="exact amount"):
        brightpath.record_outcome(row.id, "won", 1.5, TODAY, "dana")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="more than the"):
        brightpath.record_outcome(row.id, "won", row.denied_amount + 1, TODAY, "dana")
    with pytest.raises(ValueError, match="before the remittance's date"):
        brightpath.record_outcome(row.id, "won", Decimal("1.00"), date(2020, 1, 1), "dana")
    brightpath.record_outcome(row.id, "lost", Decimal("0"), TODAY, "dana")
    with pytest.raises(ValueError, match="is closed"):
        brightpath.mark_sent(row.id, TODAY, "fax", "dana")


def test_a_denial_a_later_reversal_takes_back_is_closed(store: Store, tmp_path: Path) -> None:
    original = tmp_path / "a.835"
    original.write_bytes(original_file())
    first = pipeline.import_paths(store, [original], today=TODAY)  # one refresh after the batch
    assert first.refresh is not None and first.refresh.new == 2
    rows = store.denials(DenialQuery(today=TODAY)).rows
    assert [(r.practice_key, r.patient_account, r.code) for r in rows] == [
        ("", "BP-1021", "97110"),
        ("", "BP-1021", "97140"),
    ]
    reversal = tmp_path / "b.835"
    reversal.write_bytes(reversal_21_file())
    imported = pipeline.import_paths(store, [reversal], today=TODAY)
    assert imported.refresh is not None and imported.refresh.closed_elsewhere == 2
    assert store.denials(DenialQuery(today=TODAY)).total == 0
    closed = store.denials(DenialQuery(status="closed", today=TODAY)).rows
    assert {r.closed_by for r in closed} == {"remittance"}


def test_pages_sort_filter_and_total(brightpath: Store) -> None:
    everything = brightpath.denials(DenialQuery(per_page=500, today=TODAY)).rows
    assert len(everything) == 21  # 19 denials, the underpaid line, the takeback review
    total = sum((r.denied_amount for r in everything), Decimal(0))
    lanes: dict[str, Decimal] = {}
    for r in everything:
        lanes[r.lane] = lanes.get(r.lane, Decimal(0)) + r.denied_amount
    # the default order: earliest deadline first (none last), then the largest amount
    keys = [(r.deadline or date.max, -r.denied_amount) for r in everything]
    assert keys == sorted(keys)
    pages = [brightpath.denials(DenialQuery(page=n, per_page=5, today=TODAY)) for n in range(1, 6)]
    assert [r.id for p in pages for r in p.rows] == [r.id for r in everything]
    assert [len(p.rows) for p in pages] == [5, 5, 5, 5, 1]
    assert all(p.total == 21 and p.total_amount == total for p in pages)
    assert pages[0].totals_by_lane == lanes and pages[0].pages == 5

    by_amount = brightpath.denials(DenialQuery(sort="-amount", per_page=500, today=TODAY)).rows
    assert [r.denied_amount for r in by_amount] == sorted(
        (r.denied_amount for r in everything), reverse=True
    )
    by_patient = brightpath.denials(DenialQuery(sort="patient", per_page=500, today=TODAY)).rows
    assert [r.patient_name for r in by_patient] == sorted(r.patient_name for r in everything)

    def ids(**filters: object) -> set[int]:
        q = DenialQuery(per_page=500, today=TODAY, **filters)  # type: ignore[arg-type]
        page = brightpath.denials(q)
        assert page.total == len(page.rows)
        assert page.total_amount == sum((r.denied_amount for r in page.rows), Decimal(0))
        return {r.id for r in page.rows}

    assert ids(lane="recount_dispute") == {r.id for r in everything if r.lane == "recount_dispute"}
    assert ids(code="119") == {r.id for r in everything if r.reason_code == "119"}
    assert ids(code="CO-97") == {r.id for r in everything if r.carc == "CO-97"}
    assert ids(code="97110") == {r.id for r in everything if r.code == "97110"}
    named = next(r for r in everything if r.patient_name)  # the takeback review names nobody
    name = named.patient_name
    assert ids(patient=name.split()[0].lower()) == {
        r.id for r in everything if name.split()[0].lower() in r.patient_name.lower()
    }
    assert ids(patient=named.patient_account) == {
        r.id for r in everything if r.patient_account == named.patient_account
    }
    assert ids(min_amount=Decimal("100")) == {r.id for r in everything if r.denied_amount >= 100}
    assert ids(due_within_days=60) == {
        r.id for r in everything if r.days_left is not None and r.days_left <= 60
    }
    medicare = {r.id for r in everything if "MEDICARE" in r.payer_name.upper()}
    payer = next(r.payer_name for r in everything if r.id in medicare)
    assert medicare and ids(payer=payer) == {r.id for r in everything if r.payer_name == payer}
    assert ids(text="%") == set()  # wildcards are text, not patterns
    assert ids(status="closed") == set()


def test_bad_queries_are_value_errors() -> None:
    for bad in (
        {"sort": "name"},
        {"lane": "nowhere"},
        {"page": 0},
        {"per_page": 501},
        {"status": "pending"},
        {"min_amount": 1.5},
        {"due_within_days": -1},
    ):
        with pytest.raises(ValueError):
            DenialQuery(**bad)  # type: ignore[arg-type]


def test_one_denial_and_its_work_item(brightpath: Store) -> None:
    expected = {str(i["denial_id"]): i for i in from_files(BRIGHTPATH, REMITTANCES)}
    for row in brightpath.denials(DenialQuery(per_page=500, today=TODAY)).rows[::4]:
        assert brightpath.denial(row.id, today=TODAY) == brightpath.denial(
            row.denial_id, today=TODAY
        )
        assert brightpath.denial(str(row.id), today=TODAY) is not None
        item = pipeline.work_item(brightpath, row.id, TODAY)
        if row.lane == "review_takeback":
            # a PLB naming no claim is no patient's: no letter is built on it (the stored
            # row is the whole item)
            assert item is None and row.patient_account == ""
            continue
        assert item is not None and item.context is not None
        assert item.context.practice is not None
        assert item.to_dict() == expected[row.denial_id]
    assert brightpath.denial("nope", today=TODAY) is None
    assert pipeline.work_item(brightpath, 123456, TODAY) is None


def test_a_claims_items_in_one_lane_come_from_one_triage(brightpath: Store) -> None:
    """BP26059 has three lines in the recount lane: one packet, the asked-for denial first."""
    expected = {str(i["denial_id"]): i for i in from_files(BRIGHTPATH, REMITTANCES)}
    rows = [
        r
        for r in brightpath.denials(DenialQuery(per_page=500, today=TODAY)).rows
        if r.patient_account == "BP26059"
    ]
    assert len(rows) == 3
    for row in rows:
        items = pipeline.claim_items(brightpath, row.id, TODAY)
        assert items[0].denial_id == row.denial_id
        assert sorted(i.denial_id for i in items) == sorted(r.denial_id for r in rows)
        assert all(i.to_dict() == expected[i.denial_id] for i in items)
    assert pipeline.claim_items(brightpath, 123456, TODAY) == []


def test_the_worklist_command(brightpath: Store, db_url: str) -> None:
    import json

    from typer.testing import CliRunner

    from recoup.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["worklist", "--db", db_url, "--today", "2026-11-23", "--json"])
    assert shown.exit_code == 0, shown.output
    payload = json.loads(shown.stdout)
    assert payload["total"] == 21 and payload["total_amount"] == "1692.20"
    first = payload["denials"][0]
    sent = runner.invoke(
        app, ["sent", str(first["id"]), "--db", db_url, "--date", "2026-11-24", "--channel", "fax"]
    )
    assert sent.exit_code == 0, sent.output
    done = runner.invoke(
        app,
        [
            "outcome",
            first["denial_id"],
            "--db",
            db_url,
            "--result",
            "won",
            "--amount",
            "1.00",
            "--date",
            "2026-12-01",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "won $1.00" in done.output
    for bad in (
        ["outcome", "1", "--db", db_url, "--result", "won", "--amount", "x"],
        ["outcome", "999999", "--db", db_url, "--result", "won", "--amount", "1"],
        ["sent", "1", "--db", db_url, "--date", "soon", "--channel", "fax"],
    ):
        failed = runner.invoke(app, bad)
        assert failed.exit_code == 1, (bad, failed.output)
        assert "Traceback" not in failed.output
    for bad in (  # lanes, channels and outcomes are choices: a usage error names them
        ["worklist", "--db", db_url, "--lane", "nowhere"],
        ["sent", "1", "--db", db_url, "--channel", "pigeon"],
        ["outcome", "1", "--db", db_url, "--result", "maybe", "--amount", "1"],
    ):
        failed = runner.invoke(app, bad)
        assert failed.exit_code == 2, (bad, failed.output)
        assert "Traceback" not in failed.output and "is not one of" in failed.output
    kpis = runner.invoke(app, ["kpis", "--db", db_url, "--today", "2026-12-31", "--json"])
    assert kpis.exit_code == 0, kpis.output
    assert json.loads(kpis.stdout)["recovered"] == "1.00"
    with brightpath.engine.connect() as conn:
        assert conn.scalar(select(denials.c.outcome).where(denials.c.id == first["id"])) == "won"


def test_evidence_names_the_stored_file_it_came_from(brightpath: Store) -> None:
    rows = brightpath.denials(DenialQuery(per_page=500, today=TODAY)).rows
    segments = [e.place for r in rows for e in r.evidence if e.place.kind == "segment"]
    assert segments and all(s.stored_id for s in segments)
    by_name = {p.name: p for p in REMITTANCES}
    for source in segments:
        assert (
            brightpath.stored_835(source.stored_id)
            == by_name[source.file.split("/")[-1]].read_bytes()
        )
    assert brightpath.stored_835(999_999) is None


def test_two_remittances_named_alike_never_show_each_others_segments(
    store: Store, tmp_path: Path
) -> None:
    """Clearinghouses name every file era.835: evidence must open the file it came from."""
    first, second = tmp_path / "monday" / "era.835", tmp_path / "tuesday" / "era.835"
    for path, data in ((first, original_file()), (second, reversal_21_file())):
        path.parent.mkdir()
        path.write_bytes(data)
    (tmp_path / "era.835").write_bytes(original_file(control="000000999"))
    paths = [first, second, tmp_path / "era.835"]
    assert pipeline.import_paths(store, paths, today=TODAY).ok
    for row in store.denials(DenialQuery(status="all", per_page=500, today=TODAY)).rows:
        for source in (e.place for e in row.evidence if e.place.kind == "segment"):
            data = store.stored_835(source.stored_id)
            assert data is not None
            segment = data.decode().split("~")[source.number - 1].strip()
            assert segment.startswith(source.segment_id)
            assert row.patient_account in data.decode()
            assert "(stored file" in source.file  # named apart from the other era.835 files


def test_the_payer_settings_reach_triage_from_the_store(store: Store, tmp_path: Path) -> None:
    """state, correction_form, co_member_billing, the corrected-claim window and a percentage
    contract (fee_schedule, fee_percent) are kept."""
    import shutil

    from recoup.store.sources import load_practice

    copy = tmp_path / "practice"
    shutil.copytree(BRIGHTPATH, copy)
    toml = (copy / "practice.toml").read_text()
    toml = toml.replace(
        "[payers.VSN02]\n",
        '[payers.VSN02]\nstate = "TX"\ncorrection_form = "void"\nco_member_billing = "n492"\n'
        'corrected_claim_days = 120\ncorrected_claim_from = "notice"\n'
        # a contract paying a percentage of another schedule of the folder
        'fee_schedule = "73120"\nfee_percent = "87.5"\n',
    )
    (copy / "practice.toml").write_text(toml)
    folder, findings = read_practice(copy)
    assert folder is not None, findings
    vision = next(p for p in folder.payers if p.payer_id == "VSN02")
    assert (vision.state, vision.corrected_claim_days) == ("TX", 120)
    assert (vision.fee_schedule, vision.fee_percent) == ("73120", Decimal("87.5"))
    assert store.import_path(copy).ok
    with store.engine.connect() as conn:
        stored = load_practice(conn, folder.key)
    assert stored is not None
    assert sorted(stored.payers) == sorted(folder.payers)
