"""A billing team's work in the store, on SQLite and PostgreSQL: assignment, follow-ups, work
status, notes and the call log, the audit entries each writes, the filters, what a refresh
keeps, My work and the reminders, and the exports of exactly what a filter matches."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from recoup import exports, pipeline
from recoup.store import DenialQuery, Store, UnknownDenial
from recoup.store.tables import denials
from recoup.store.teamwork import ASSIGNEE_NONE, UNASSIGNED, status_label
from store_helpers import BRIGHTPATH

TODAY = date(2026, 11, 23)
REMITTANCES = sorted((BRIGHTPATH / "remittances").glob("*.835"))
PASSWORD = "correct horse battery"


@pytest.fixture
def team(store: Store) -> Store:
    assert pipeline.import_paths(store, [BRIGHTPATH, *REMITTANCES], today=TODAY).ok
    for name in ("dana", "eli"):
        store.create_user(name, PASSWORD, "biller")
    return store


def _all(store: Store, **filters: object) -> list:  # type: ignore[type-arg]
    return store.all_denials(DenialQuery(today=TODAY, **filters), today=TODAY)  # type: ignore[arg-type]


def test_assign_follow_up_status_and_the_audit_log(team: Store) -> None:
    rows = _all(team)
    five = [r.id for r in rows[:5]]
    assert team.assign(five, "dana", "eli") == five
    assert team.assign(five, "dana", "eli") == []  # nothing changed: no new audit entries
    assert team.set_follow_up(five[:2], date(2026, 11, 25), "dana") == five[:2]
    assert team.set_work_status(five[:1], "waiting_on_payer", "dana") == five[:1]
    first = team.denial(five[0], today=TODAY)
    assert first is not None
    assert (first.assigned_to, first.follow_up_on, first.work_status) == (
        "dana",
        date(2026, 11, 25),
        "waiting_on_payer",
    )
    assert status_label(first) == "Waiting on payer"
    entries = team.audit_entries(limit=50)
    assert [e.action for e in entries].count("denial.assign") == 5
    assert [e.action for e in entries].count("denial.follow_up") == 2
    assign = next(
        e for e in entries if e.action == "denial.assign" and e.denial_id == first.denial_id
    )
    assert (assign.username, assign.detail, assign.patient_id) == (
        "eli",
        "to=dana",
        first.patient_id,
    )
    # unassign
    assert team.assign(five[4:], None, "eli") == five[4:]
    assert team.denial(five[4], today=TODAY).assigned_to is None  # type: ignore[union-attr]


def test_bad_work_input_is_refused_with_words(team: Store) -> None:
    row_id = _all(team)[0].id
    with pytest.raises(ValueError, match="there is no user zed"):
        team.assign([row_id], "zed", "eli")
    with pytest.raises(ValueError, match="closes with its outcome"):
        team.set_work_status([row_id], "closed", "eli")
    with pytest.raises(ValueError, match="one of new, working, waiting_on_payer"):
        team.set_work_status([row_id], "done", "eli")
    with pytest.raises(UnknownDenial):
        team.assign([row_id, 999_999], "dana", "eli")
    assert team.denial(row_id, today=TODAY).assigned_to is None  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="must not be empty"):
        team.add_note(row_id, "eli", "   ")
    team.set_user_disabled("eli", True)
    with pytest.raises(ValueError, match="disabled"):
        team.assign([row_id], "eli", "dana")


def test_notes_newest_first_and_audited_without_their_text(team: Store) -> None:
    row = _all(team)[0]
    team.add_note(row.id, "dana", "Sent the records by fax.")
    call = team.add_note(
        row.id,
        "eli",
        "Rep says the claim will be reprocessed in 30 days.",
        kind="call",
        contact="Ann at provider services",
        reference="CALL-2026-1123-0042",
    )
    found = team.notes(row.id)
    assert [n.id for n in found] == [call.id, found[1].id]
    assert (found[0].kind, found[0].contact, found[0].reference, found[0].author) == (
        "call",
        "Ann at provider services",
        "CALL-2026-1123-0042",
        "eli",
    )
    assert found[0].created_at.tzinfo is not None
    assert found[1].text == "Sent the records by fax."
    notes_audit = [e for e in team.audit_entries() if e.action == "denial.note"]
    assert [e.detail for e in notes_audit] == ["kind=call with reference", "kind=note"]
    assert all("reprocessed" not in e.detail for e in notes_audit)


def test_a_refresh_keeps_the_teams_work(team: Store) -> None:
    row = _all(team)[0]
    team.assign([row.id], "dana", "eli")
    team.set_follow_up([row.id], date(2026, 12, 1), "dana")
    team.set_work_status([row.id], "working", "dana")
    team.add_note(row.id, "dana", "called")
    # make the refresh rewrite every row's triage columns
    with team.engine.begin() as conn:
        conn.execute(update(denials).values(triage_hash="stale"))
    result = pipeline.refresh_worklist(team, TODAY)
    assert result.updated == 20  # 19 denials and the underpaid BP26036 line
    kept = team.denial(row.id, today=TODAY)
    assert kept is not None
    assert (kept.assigned_to, kept.follow_up_on, kept.work_status) == (
        "dana",
        date(2026, 12, 1),
        "working",
    )
    assert [n.text for n in team.notes(row.id)] == ["called"]


def test_the_assignee_and_follow_up_filters(team: Store) -> None:
    rows = _all(team)
    team.assign([r.id for r in rows[:3]], "dana", "eli")
    team.assign([rows[3].id], "eli", "eli")
    team.set_follow_up([rows[0].id], TODAY, "dana")
    team.set_follow_up([rows[1].id], TODAY + timedelta(days=5), "dana")
    team.set_follow_up([rows[2].id], TODAY + timedelta(days=30), "dana")
    assert [r.id for r in _all(team, assigned_to="dana")] == [r.id for r in rows[:3]]
    assert len(_all(team, assigned_to=ASSIGNEE_NONE)) == len(rows) - 4
    assert [r.id for r in _all(team, follow_up="due")] == [rows[0].id]
    assert {r.id for r in _all(team, follow_up="week")} == {rows[0].id, rows[1].id}
    assert len(_all(team, follow_up="set")) == 3
    assert len(_all(team, follow_up="none")) == len(rows) - 3
    assert team.matching_ids(DenialQuery(assigned_to="dana"), today=TODAY) == [
        r.id for r in rows[:3]
    ]
    with pytest.raises(ValueError, match="follow_up must be one of"):
        DenialQuery(follow_up="soon")


def test_bulk_sent_and_write_off(team: Store) -> None:
    rows = _all(team)
    ids = [r.id for r in rows[:3]]
    sent = team.mark_sent_many(ids[:2], date(2026, 11, 24), "portal", "dana")
    assert sent.done == tuple(ids[:2]) and sent.refused == ()
    assert status_label(team.denial(ids[0], today=TODAY)) == "Appealed"  # type: ignore[arg-type]
    off = team.write_off(ids, "small_balance", date(2026, 11, 24), "dana")
    assert off.done == tuple(ids)
    closed = team.denial(ids[2], today=TODAY)
    assert closed is not None
    assert (closed.status, closed.outcome, closed.outcome_amount, closed.write_off_reason) == (
        "closed",
        "written_off",
        rows[2].denied_amount,
        "small_balance",
    )
    again = team.write_off(ids[:1], "small_balance", date(2026, 11, 24), "dana")
    assert again.done == () and again.refused[0][0] == ids[0]
    with pytest.raises(ValueError, match="write-off reason must be one of"):
        team.write_off(ids, "bored", TODAY, "dana")


def test_reminders_and_my_work_list_exactly_what_comes_due(team: Store) -> None:
    rows = _all(team)
    deadlines = sorted(r.deadline for r in rows if r.deadline is not None)
    day = deadlines[2] - timedelta(days=10)  # a day when a few deadlines are near
    horizon = day + timedelta(days=14)
    due = [r for r in rows if r.deadline is not None and r.deadline <= horizon]
    later = [r for r in rows if r.deadline is None or r.deadline > horizon]
    assert len(due) >= 3 and len(later) >= 2
    team.assign([due[0].id, later[0].id], "dana", "eli")
    team.set_follow_up([later[0].id], day - timedelta(days=1), "dana")  # overdue call-back
    team.set_follow_up([later[1].id], day + timedelta(days=20), "dana")  # beyond the window
    groups = team.reminders(day, 14)
    assert list(groups) == ["dana", UNASSIGNED]
    mine = [(r.kind, r.row.id, r.day) for r in groups["dana"]]
    expected = [
        ("follow_up", later[0].id, day - timedelta(days=1)),
        ("deadline", due[0].id, due[0].deadline),
    ]
    assert mine == sorted(expected, key=lambda item: item[2])  # soonest (most overdue) first
    assert {r.row.id for r in groups[UNASSIGNED]} == {r.id for r in due[1:]}
    assert all(r.kind == "deadline" for r in groups[UNASSIGNED])
    assert team.reminders(day, 14, "eli") == {}
    assert list(team.reminders(day, 14, UNASSIGNED)) == [UNASSIGNED]
    # a closed denial is not a reminder
    team.write_off([due[0].id], "small_balance", day, "dana")
    assert [r.row.id for r in team.reminders(day, 14, "dana")["dana"]] == [later[0].id]
    work = team.my_work("dana", day)
    assert [r.id for r in work.follow_ups] == [later[0].id]
    assert work.deadlines == []
    assert {r.id for r in work.assigned} == {later[0].id}
    assert {r.id for r in work.unassigned_deadlines} == {r.id for r in due[1:]}


def test_calendar_tokens(team: Store) -> None:
    first = team.new_calendar_token("dana")
    assert team.calendar_user(first) == "dana"
    second = team.new_calendar_token("dana")
    assert team.calendar_user(first) is None and team.calendar_user(second) == "dana"
    assert team.calendar_user("guess") is None
    team.set_user_disabled("dana", True)
    assert team.calendar_user(second) is None


def test_the_exports_hold_exactly_the_filtered_rows(team: Store) -> None:
    rows = _all(team, lane="recount_dispute")
    assert len(rows) == 5
    team.assign([rows[0].id], "dana", "eli")
    rows = _all(team, lane="recount_dispute")
    data = exports.worklist_csv(rows)
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [int(r["Denial"]) for r in table] == [r.id for r in rows]
    assert {r["Lane"] for r in table} == {"Recount dispute"}
    assert {r["Lane code"] for r in table} == {"recount_dispute"}
    assert [Decimal(r["Amount"]) for r in table] == [r.denied_amount for r in rows]
    assert all(len(r["Amount"].split(".")[1]) == 2 for r in table)
    assert table[0]["Assigned to"] == "dana" and table[0]["Status"] == "New"
    assert table[0]["Reason"] and table[0]["Code"] == rows[0].carc

    book = load_workbook(io.BytesIO(exports.worklist_xlsx(rows)))
    sheet = book["Worklist"]
    header = [c.value for c in sheet[1]]
    assert header == list(exports.WORKLIST_HEADER)
    amount = header.index("Amount") + 1
    cells = [sheet.cell(row=i + 2, column=amount) for i in range(len(rows))]
    assert [Decimal(str(c.value)).quantize(Decimal("0.01")) for c in cells] == [
        r.denied_amount for r in rows
    ]
    assert {c.number_format for c in cells} == {"#,##0.00"}
    assert sheet.max_row == len(rows) + 1


def test_text_that_looks_like_a_formula_stays_text(team: Store) -> None:
    row = _all(team)[0]._replace(patient_name='=HYPERLINK("http://x")', payer_name="+1-2")
    table = list(csv.reader(io.StringIO(exports.worklist_csv([row]).decode("utf-8-sig"))))
    assert table[1][4] == '\'=HYPERLINK("http://x")' and table[1][7] == "'+1-2"
    sheet = load_workbook(io.BytesIO(exports.worklist_xlsx([row])))["Worklist"]
    assert sheet.cell(row=2, column=5).data_type == "s"
    assert sheet.cell(row=2, column=5).value == '=HYPERLINK("http://x")'


def test_the_kpi_exports(team: Store) -> None:
    kpis = team.kpis(TODAY)
    table = list(csv.DictReader(io.StringIO(exports.kpi_csv(kpis).decode("utf-8-sig"))))
    carc = [r for r in table if r["Table"] == "By reason code"]
    assert [r["Key"] for r in carc] == [r.key for r in kpis.by_carc]
    assert [Decimal(r["Denied amount"]) for r in carc] == [r.denied_amount for r in kpis.by_carc]
    assert all(r["Meaning"] for r in carc)
    assert len([r for r in table if r["Table"] == "By month"]) == len(kpis.by_month)
    book = load_workbook(io.BytesIO(exports.kpi_xlsx(kpis)))
    assert book.sheetnames == [
        "Summary",
        "By reason code",
        "By payer",
        "By month",
        "Open by age",
        "Underpaid by payer",
        "Underpaid by code",
    ]
    ages = [r for r in table if r["Table"] == "Open by age"]
    assert [(r["Key"], int(r["Denied lines"])) for r in ages] == [
        (row.bucket, row.denials) for row in kpis.aging
    ]
    assert sum(Decimal(r["Denied amount"]) for r in ages) == kpis.open_amount
    summary = {r[0].value: r[1] for r in book["Summary"].iter_rows()}
    assert Decimal(str(summary["Denied"].value)) == kpis.denied_amount
    assert summary["Denied"].number_format == "#,##0.00"
