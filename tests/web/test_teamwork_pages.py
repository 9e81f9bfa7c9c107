"""The team's work in the web app: bulk actions on a selection or on every row a filter
matches, the denial's work and notes forms, My work, the exports and the calendar feed; each
form under the CSRF and role rules."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from web.conftest import WebFactory
from web.helpers import PASSWORD, TODAY


def _biller(make_web: WebFactory):  # type: ignore[no-untyped-def]
    web = make_web(multi_user=True)
    web.store.create_user("carol", PASSWORD, "biller")
    web.store.grant_practice("carol", "*")  # a colleague who serves every practice
    assert web.login("biller").status_code == 200
    return web


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_bulk_assign_a_selection_then_all_matching(make_web: WebFactory) -> None:
    web = _biller(make_web)
    page = web.client.get("/")
    assert page.status_code == 200 and 'id="bulk"' in page.text
    ids = [r["id"] for r in web.client.get("/api/denials").json()["rows"]][:5]
    done = web.post(
        "/worklist/bulk",
        data={"action": "assign", "to_user": "carol", "ids": [str(i) for i in ids]},
    )
    assert done.status_code == 303
    assert "5 denial(s) changed" in web.client.get(done.headers["location"]).text
    mine = web.client.get("/api/denials", params={"assignee": "carol"}).json()
    assert sorted(r["id"] for r in mine["rows"]) == sorted(ids)
    assert {r["assigned_to"] for r in mine["rows"]} == {"carol"}
    # every recount dispute, across the filter, whichever rows are ticked
    lane = web.client.get("/api/denials", params={"lane": "recount_dispute"}).json()
    done = web.post(
        "/worklist/bulk",
        data={
            "action": "follow_up",
            "call_back_on": "2026-11-30",
            "all_matching": "1",
            "lane": "recount_dispute",
        },
    )
    assert done.status_code == 303 and "lane=recount_dispute" in done.headers["location"]
    due = web.client.get("/api/denials", params={"follow_up": "set"}).json()
    assert sorted(r["id"] for r in due["rows"]) == sorted(r["id"] for r in lane["rows"])
    entries = [e for e in web.store.audit_entries(limit=100) if e.action == "denial.follow_up"]
    assert len(entries) == lane["total"] and {e.username for e in entries} == {"biller"}


def test_forms_need_the_token_and_a_role_that_may_change(make_web: WebFactory) -> None:
    web = make_web(multi_user=True)
    row_id = web.store.all_denials(_q(), today=TODAY)[0].id
    web.login("biller")
    no_token = web.client.post(f"/denials/{row_id}/notes", data={"text": "x"})
    assert no_token.status_code == 403
    web.client.cookies.clear()
    web.login("readonly")
    refused = web.post(f"/denials/{row_id}/notes", data={"text": "x"})
    assert refused.status_code == 403
    refused = web.post("/worklist/bulk", data={"action": "assign", "ids": [str(row_id)]})
    assert refused.status_code == 403
    assert web.store.notes(row_id) == []
    web.client.cookies.clear()
    anonymous = web.client.get("/worklist.csv")
    assert anonymous.status_code in (303, 401)


def _q():  # type: ignore[no-untyped-def]
    from recoup.store import DenialQuery

    return DenialQuery(today=TODAY)


def test_the_denial_work_and_notes_forms(make_web: WebFactory) -> None:
    web = _biller(make_web)
    row_id = web.store.all_denials(_q(), today=TODAY)[0].id
    saved = web.post(
        f"/denials/{row_id}/work",
        data={"to_user": "carol", "call_back_on": "2026-12-02", "work_status": "waiting_on_payer"},
    )
    assert saved.status_code == 303
    web.post(
        f"/denials/{row_id}/notes",
        data={"kind": "call", "contact": "Ann", "reference": "REF-9911", "text": "reprocessing"},
    )
    web.post(f"/denials/{row_id}/notes", data={"kind": "note", "text": "second"})
    page = web.client.get(f"/denials/{row_id}").text
    assert "Waiting on payer" in page and "2026-12-02" in page
    assert page.index("second") < page.index("REF-9911")  # newest first
    api = web.client.get(f"/api/denials/{row_id}/notes").json()
    assert [n["author"] for n in api["notes"]] == ["biller", "biller"]
    bad = web.post(f"/denials/{row_id}/work", data={"to_user": "nobody-here"})
    assert bad.status_code == 400 and "no user" in bad.text


def test_exports_hold_exactly_the_filtered_rows(make_web: WebFactory) -> None:
    web = _biller(make_web)
    shown = web.client.get(
        "/api/denials", params={"lane": "corrected_claim", "per_page": 200}
    ).json()
    answer = web.client.get("/worklist.csv", params={"lane": "corrected_claim"})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    rows = _csv(answer.content)
    assert [int(r["Denial"]) for r in rows] == [r["id"] for r in shown["rows"]]
    assert rows and {r["Lane"] for r in rows} == {"Corrected claim"}
    total = sum((Decimal(r["Amount"]) for r in rows), Decimal(0))
    assert total == Decimal(shown["total_amount"])
    book = load_workbook(io.BytesIO(web.client.get("/worklist.xlsx?lane=corrected_claim").content))
    assert book["Worklist"].max_row == len(rows) + 1
    kpis = web.client.get("/dashboard/kpis.csv")
    assert kpis.status_code == 200 and _csv(kpis.content)[0]["Table"] == "By reason code"
    assert web.client.get("/dashboard/kpis.xlsx").content[:2] == b"PK"
    assert "/my-work" in web.client.get("/dashboard").text


def test_my_work_and_the_calendar_feed(make_web: WebFactory) -> None:
    from icalendar import Calendar

    web = _biller(make_web)
    rows = web.store.all_denials(_q(), today=TODAY)
    web.store.assign([rows[0].id, rows[1].id], "carol", "biller")
    web.store.set_follow_up([rows[0].id], TODAY, "biller")
    web.client.cookies.clear()
    web.login("carol")
    page = web.client.get("/my-work").text
    follow = page[page.index('id="my-follow-ups"') : page.index('id="h-deadlines"')]
    assert f"/denials/{rows[0].id}" in follow and f"/denials/{rows[1].id}" not in follow
    made = web.post("/me/calendar-link", data={})
    url = re.search(r'<code id="feed-url">([^<]+)</code>', made.text)
    assert url is not None
    path = url.group(1).split("127.0.0.1", 1)[1]
    web.client.cookies.clear()  # a calendar app has no session
    feed = web.client.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    expected = {f"recoup-follow-up-{rows[0].id}@recoup"} | {
        f"recoup-deadline-{r.id}@recoup" for r in rows[:2] if r.deadline is not None
    }
    assert {str(e["UID"]) for e in events} == expected
    assert web.client.get("/calendar/not-a-token.ics").status_code == 404
    web.store.set_user_disabled("carol", True)
    assert web.client.get(path).status_code == 404
