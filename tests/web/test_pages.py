"""The pages: they render, filter, sort and page; forms work; headers and logs are safe."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from web.helpers import Web

EXAMPLE_835 = (
    Path(__file__).resolve().parents[2]
    / "examples/brightpath-pt/remittances/2026-04-17_summit-health-plan.835"
)


def _co119_id(web: Web) -> int:
    rows = web.client.get("/api/denials", params={"code": "119", "patient": "BP26021"}).json()
    row_id: int = rows["rows"][0]["id"]
    return row_id


def test_worklist_page_shows_days_left_highlights_and_lane_totals(web: Web) -> None:
    page = web.client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "21 d left" in text and "no deadline" in text  # BP26065: 90 days from 2026-09-15
    assert "All lanes · 20" in text and "$1,647.20" in text
    assert "Recount dispute" in text and "$369.00" in text
    assert 'class="num">$136.00' in text  # money right-aligned
    assert "Single-user mode" in text


def test_worklist_highlights_overdue_and_soon(web: Web) -> None:
    from dataclasses import replace
    from datetime import date

    web.app.state.recoup = replace(web.app.state.recoup, today=lambda: date(2027, 2, 1))
    text = web.client.get("/").text
    assert re.search(r'<tr class="overdue">', text)  # BP26065 was due 2026-12-14
    assert re.search(r'<tr class="soon">', text)  # BP26049 due 2027-02-03
    assert "49 d overdue" in text and "2 d left" in text


def test_worklist_filters_sorts_and_pages(web: Web) -> None:
    lane = web.client.get("/", params={"lane": "bill_patient"}).text
    assert "Owen Brandt" in lane and "Jenna Morales" not in lane
    by_amount = web.client.get("/", params={"sort": "-amount", "per_page": 25}).text
    assert by_amount.index("$136.00") < by_amount.index("$62.00")
    paged = web.client.get("/", params={"per_page": 25}).text
    assert "page 1 of 1" in paged
    nothing = web.client.get("/", params={"q": "no such claim"}).text
    assert "No denials match" in nothing and "Clear the filters" in nothing
    partial = web.client.get("/", params={"lane": "write_off"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.text and "Rachel Lindqvist" in partial.text
    assert web.client.get("/", params={"lane": "bogus"}).status_code == 400


def test_denial_page_explains_and_offers_the_actions(web: Web) -> None:
    row_id = _co119_id(web)
    text = web.client.get(f"/denials/{row_id}").text
    assert "CO-119" in text and "BP26021" in text
    assert "benefits.csv row 2" in text  # evidence with its source
    assert "Benefit counter" in text and "Exhausted" in text
    assert "vision-plan code" in text  # the CARC 297 confusion is flagged
    for fmt in ("pdf", "docx", "md", "zip"):
        assert f"/denials/{row_id}/packet.{fmt}" in text
    assert 'name="csrf_token"' in text
    assert web.client.get("/denials/999999").status_code == 404


def test_denial_forms_mark_sent_and_record_outcome(web: Web) -> None:
    row_id = _co119_id(web)
    sent = web.client.post(
        f"/denials/{row_id}/sent",
        data={"sent_date": "2026-11-21", "channel": "mail", "csrf_token": web.token},
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/denials/{row_id}?done=sent"
    assert "Sent Nov 21, 2026 by mail" in web.client.get(sent.headers["location"]).text
    bad = web.client.post(
        f"/denials/{row_id}/outcome",
        data={
            "outcome": "won",
            "amount": "lots",
            "outcome_date": "2026-11-22",
            "csrf_token": web.token,
        },
    )
    assert bad.status_code == 400 and "amount" in bad.text
    page = web.client.get(f"/denials/{row_id}").text
    # no default result and no default amount: the biller chooses both
    assert '<option value="" selected disabled>Choose' in page
    assert re.search(r'<input id="amount" name="amount"[^>]*placeholder="0.00" required>', page)
    for missing in ({"outcome": ""}, {"amount": ""}):
        fields = {"outcome": "won", "amount": "1.00", "outcome_date": "2026-11-22"}
        refused = web.client.post(
            f"/denials/{row_id}/outcome", data={**fields, **missing, "csrf_token": web.token}
        )
        assert refused.status_code == 400, missing
    fields = {"outcome": "partly_won", "amount": "$60.00", "outcome_date": "2026-11-22"}
    review = web.client.post(f"/denials/{row_id}/outcome", data={**fields, "csrf_token": web.token})
    # first what it will do, nothing recorded yet
    assert review.status_code == 200 and "Record this outcome?" in review.text
    assert "This closes the denial and counts $60.00 as recovered" in review.text
    still = web.client.get(f"/api/denials/{row_id}").json()
    assert (still["status"], still["outcome"]) == ("sent", None)
    done = web.client.post(
        f"/denials/{row_id}/outcome",
        data={**fields, "amount": "60.00", "confirmed": "yes", "csrf_token": web.token},
    )
    assert done.status_code == 303
    text = web.client.get(done.headers["location"]).text
    assert "Outcome recorded" in text and "Partly won" in text
    assert "Review outcome" not in text  # closed
    assert "Level 1 decision: partly won" in text  # the history
    undo = web.client.post(f"/denials/{row_id}/outcome/undo", data={"csrf_token": web.token})
    assert undo.status_code == 303 and undo.headers["location"].endswith("?done=undone")
    reopened = web.client.get(undo.headers["location"]).text
    assert "Outcome undone: the denial is sent again" in reopened
    assert "Review outcome" in reopened and "Level 1 decision: partly won (undone)" in reopened
    assert web.client.get(f"/api/denials/{row_id}").json()["outcome"] is None
    entries = [e.action for e in web.store.audit_entries()]
    assert "denial.outcome_undone" in entries


def test_packet_download_from_the_page(web: Web) -> None:
    answer = web.client.get(f"/denials/{_co119_id(web)}/packet.docx")
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert web.client.get(f"/denials/{_co119_id(web)}/packet.exe").status_code == 400


def test_benefits_pages_and_visit_check(web: Web) -> None:
    index = web.client.get("/benefits").text
    assert "Rachel Lindqvist" in index and "Choose a patient" in index
    one = web.client.get("/benefits/P1001").text
    assert "Physical and occupational therapy" in one and "2027-01-01" in one
    assert "Exhausted" in one and ">pt_ot<" not in one
    check = web.client.get("/benefits/P1001", params={"code": "97110", "visit_date": "2026-11-24"})
    assert "would exceed a limit" in check.text
    partial = web.client.get(
        "/benefits/P1001",
        params={"code": "97110", "visit_date": "2026-11-24"},
        headers={"HX-Request": "true", "HX-Target": "check"},
    )
    assert "<html" not in partial.text and "check-result" in partial.text
    assert web.client.get("/benefits/NOPE").status_code == 404


def test_benefit_warning_state_at_75_percent(web: Web) -> None:
    """On 2026-02-26 Rachel Lindqvist had used 16 of her 20 visits: the warning state."""
    data = web.client.get("/api/patients/P1001/benefits", params={"on": "2026-02-26"}).json()
    cap = data["benefits"][0]
    assert (cap["used"], cap["limit"], cap["status"]) == ("16", "20", "warning")
    text = web.client.get("/benefits/P1001", params={"on": "2026-02-26"}).text
    assert "75% used" in text and 'class="meter warning"' in text


def test_dashboard_page_has_figures_and_svg_charts(web: Web) -> None:
    text = web.client.get("/dashboard").text
    assert text.count("<svg") == 7  # five, then open dollars by age and underpaid by payer
    assert "Denial rate by payer" in text and "SUMMIT HEALTH PLAN" in text
    assert "Expiring in 14 days" in text
    assert "<script" not in text.split("</head>")[1]  # no chart library, no inline script
    assert web.client.get("/dashboard", params={"months": 3}).status_code == 200


def test_security_headers_and_no_caching_of_pages(web: Web) -> None:
    answer = web.client.get("/")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"
    static = web.client.get("/static/vendor/htmx.min.js")
    assert static.status_code == 200 and "htmx" in static.text[:2000]
    assert "cache-control" not in static.headers or static.headers["cache-control"] != "no-store"


def test_the_log_names_routes_not_patients(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    row_id = _co119_id(web)
    with caplog.at_level(logging.INFO, logger="recoup.web"):
        web.client.get("/", params={"patient": "Lindqvist"})
        web.client.get(f"/denials/{row_id}")
        web.client.get("/benefits/P1001")
        web.client.get(
            "/api/patients/P1001/check-visit", params={"date": "2026-11-24", "code": "97110"}
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "recoup.web"]
    assert "GET / 200" in lines[0]
    assert any(line.startswith("GET /denials/{key} 200") for line in lines)
    assert any(line.startswith("GET /benefits/{patient_id} 200") for line in lines)
    joined = "\n".join(lines)
    for secret in ("Lindqvist", "P1001", str(row_id) + " ", "97110", "BP26021"):
        assert secret not in joined


def test_unknown_pages_are_404(web: Web) -> None:
    assert web.client.get("/nope").status_code == 404
    assert web.client.get("/api/nope").status_code == 404


def test_evidence_opens_its_source(web: Web) -> None:
    """The 835 segment (the remittance came in the practice zip) and the CSV row, cited."""
    text = web.client.get(f"/denials/{_co119_id(web)}").text
    assert '<div class="cited"><span class="ln">281</span>CAS*CO*119*120' in text
    assert '<span class="ln">2</span>P1001,73120,pt_ot,20' in text  # benefits.csv row 2
    assert '<span class="ln">1</span>patient_id,payer_id,benefit' in text  # its header


def test_sources_stay_inside_the_practice_folder(tmp_path: Path) -> None:
    from recoup.triage import Source
    from recoup.web.sources import open_source

    (tmp_path / "practice").mkdir()
    (tmp_path / "secret.csv").write_text("a\nb\n")
    (tmp_path / "practice" / "visits.csv").write_text("h\nr1\nr2\n")
    folder = tmp_path / "practice"
    assert open_source(folder, Source("row", "../secret.csv", 2)) is None
    assert open_source(folder, Source("row", "visits.csv", 9)) is None
    assert open_source(None, Source("row", "visits.csv", 2)) is None
    assert open_source(folder, Source("note", label="visits.csv row 3")) is None  # words only
    snippet = open_source(folder, Source("row", "visits.csv", 3))
    assert snippet is not None and (3, "r2", True) in snippet.lines


def test_a_bundling_denial_shows_the_session_timeline(web: Web) -> None:
    rows = web.client.get("/api/denials", params={"code": "97", "q": "BP26065"}).json()["rows"]
    text = web.client.get(f"/denials/{rows[0]['id']}").text
    assert "Session timeline" in text
    timeline = text.split('id="h-timeline"')[1].split("</section>")[0]
    assert "97530:GP" in timeline and "97140:GP" in timeline and "<svg" in timeline
    co119 = web.client.get(f"/denials/{_co119_id(web)}").text
    assert "Session timeline" not in co119


def test_an_835_segment_opens_from_the_stored_file_it_names() -> None:
    from recoup.triage import Source
    from recoup.web.sources import open_source

    data = (EXAMPLE_835).read_bytes()
    asked: list[int] = []

    def stored(file_id: int) -> bytes | None:
        asked.append(file_id)
        return data if file_id == 7 else None

    cited_at = Source("segment", f"imports/{EXAMPLE_835.name}", 4, "BPR", stored_id=7)
    snippet = open_source(None, cited_at, stored)
    assert snippet is not None and asked == [7]
    cited = [text for _, text, is_cited in snippet.lines if is_cited]
    assert cited and cited[0].startswith("BPR*")
    assert open_source(None, cited_at._replace(stored_id=8), stored) is None
    # a segment with no stored file id is never looked up (by name it could be another file)
    assert open_source(None, cited_at._replace(stored_id=0), stored) is None and asked == [7, 8]


def test_a_lost_appeal_opens_level_two_on_the_page(web: Web) -> None:
    rows = web.client.get("/api/denials", params={"patient": "BP26049", "code": "97110"}).json()
    row_id = rows["rows"][0]["id"]
    sent = web.client.post(
        f"/denials/{row_id}/sent",
        data={"sent_date": "2026-11-24", "channel": "portal", "csrf_token": web.token},
    )
    assert sent.status_code == 303
    page = web.client.get(f"/denials/{row_id}").text
    assert "Appealed level 1" in page and "Lost opens level 2 (second internal appeal)" in page
    fields = {
        "outcome": "lost",
        "amount": "0",
        "outcome_date": "2027-01-08",
        "reference": "APL-77120",
        "csrf_token": web.token,
    }
    review = web.client.post(f"/denials/{row_id}/outcome", data=fields)
    assert review.status_code == 200
    assert "level 2 (Second internal appeal) opens, deadline <strong>2027-07-07</strong>" in (
        review.text
    )
    done = web.client.post(f"/denials/{row_id}/outcome", data={**fields, "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=level")
    text = web.client.get(done.headers["location"]).text
    assert "Level 1 lost: level 2 is open, deadline 2027-07-07" in text
    assert "Level 2 open (level 1 lost)" in text
    history = text[text.index('id="history"') :]
    steps = [
        "Denied CO-119",
        "Level 1 (internal appeal) sent",
        "Level 1 decision: lost",
        "reference APL-77120",
        "Level 2 (second internal appeal) opened, deadline 2027-07-07",
    ]
    assert [history.index(s) for s in steps] == sorted(history.index(s) for s in steps)
    api = web.client.get(f"/api/denials/{row_id}").json()
    assert (api["appeal_level"], api["deadline"], api["status"]) == (2, "2027-07-07", "open")
    letter = web.client.get(f"/denials/{row_id}/packet.md")
    assert letter.status_code == 200
    assert "# Level 2 appeal (Second internal appeal) of claim BP26049" in letter.text
    assert "on January 8, 2027 at the first level (Internal appeal), reference APL-77120" in (
        letter.text
    )


def test_the_api_refuses_to_replace_a_closed_outcome_without_force(web: Web) -> None:
    row_id = _co119_id(web)
    body = {"outcome": "written_off", "amount": "120.00", "outcome_date": "2026-11-22"}
    assert web.post(f"/api/denials/{row_id}/outcome", json=body).status_code == 200
    again = web.post(f"/api/denials/{row_id}/outcome", json={**body, "outcome": "won"})
    assert again.status_code == 400 and "force" in again.text
    forced = web.post(
        f"/api/denials/{row_id}/outcome", json={**body, "outcome": "won", "force": True}
    )
    assert forced.status_code == 200 and forced.json()["outcome"] == "won"
    undone = web.post(f"/api/denials/{row_id}/outcome/undo")
    assert undone.status_code == 200 and undone.json()["outcome"] == "written_off"
