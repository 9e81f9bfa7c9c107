"""The JSON API over the example practice, in single-user mode: every endpoint."""

from __future__ import annotations

from typing import Any

from web.helpers import Web


def _co119(web: Web) -> dict[str, Any]:
    rows = web.client.get("/api/denials", params={"code": "119", "patient": "BP26021"}).json()
    row: dict[str, Any] = rows["rows"][0]
    return row


def test_session_says_single_user_and_gives_a_token(web: Web) -> None:
    body = web.client.get("/api/session").json()
    assert body["multi_user"] is False
    assert body["username"] == "local" and body["role"] == "admin"
    assert len(body["csrf_token"]) > 30


def test_denials_are_paged_sorted_and_totalled(web: Web) -> None:
    body = web.client.get("/api/denials").json()
    assert body["today"] == "2026-11-23"
    assert body["total"] == len(body["rows"]) == 20  # 19 denials, 1 underpayment
    assert body["total_amount"] == "1647.20"
    assert sum(float(v) for v in body["totals_by_lane"].values()) == 1647.2
    deadlines = [r["deadline"] for r in body["rows"] if r["deadline"]]
    assert deadlines == sorted(deadlines)
    first = body["rows"][0]
    assert first["days_left"] == 21 and first["url"] == f"/denials/{first['id']}"

    page2 = web.client.get("/api/denials", params={"per_page": 25, "page": 1}).json()
    assert len(page2["rows"]) == 20
    small = web.client.get("/api/denials", params={"sort": "-amount", "per_page": 25}).json()
    amounts = [float(r["denied_amount"]) for r in small["rows"]]
    assert amounts == sorted(amounts, reverse=True)


def test_denials_filter_by_lane_payer_code_patient_deadline_amount_text(web: Web) -> None:
    get = web.client.get
    lane = get("/api/denials", params={"lane": "recount_dispute"}).json()
    assert lane["total"] == 5 and {r["lane"] for r in lane["rows"]} == {"recount_dispute"}
    code = get("/api/denials", params={"code": "CO-119"}).json()
    assert {r["reason_code"] for r in code["rows"]} == {"119"}
    patient = get("/api/denials", params={"patient": "Lindqvist"}).json()
    assert {r["patient_account"] for r in patient["rows"]} == {"BP26021"}
    due = get("/api/denials", params={"due": "60"}).json()
    assert due["total"] == 1 and due["rows"][0]["days_left"] <= 60
    big = get("/api/denials", params={"min_amount": "$100"}).json()
    assert all(float(r["denied_amount"]) >= 100 for r in big["rows"])
    text = get("/api/denials", params={"q": "BP26065"}).json()
    assert text["total"] == 1
    payer = get("/api/denials", params={"payer": "SUMMIT HEALTH PLAN"}).json()
    assert payer["total"] > 0 and {r["payer_name"] for r in payer["rows"]} == {"SUMMIT HEALTH PLAN"}


def test_bad_worklist_parameters_are_400_with_a_reason(web: Web) -> None:
    for params, words in [
        ({"lane": "nope"}, "unknown lane"),
        ({"sort": "name"}, "unknown sort"),
        ({"due": "soon"}, "not a whole number"),
        ({"min_amount": "lots"}, "not a number"),
        ({"status": "maybe"}, "unknown status"),
    ]:
        answer = web.client.get("/api/denials", params=params)
        assert answer.status_code == 400, params
        assert words in answer.json()["error"]
    assert web.client.get("/api/denials", params={"page": 0}).status_code == 422


def test_one_denial_with_its_explanation(web: Web) -> None:
    row = _co119(web)
    body = web.client.get(f"/api/denials/{row['id']}").json()
    assert body["patient_account"] == "BP26021"
    assert body["explanation"]["code"] == "119"
    assert body["explanation"]["category"] == "benefit_maximum"
    assert all({"source", "fact"} <= set(e) for e in body["evidence"])
    by_denial_id = web.client.get(f"/api/denials/{row['denial_id']}")
    assert by_denial_id.json()["id"] == row["id"]
    missing = web.client.get("/api/denials/999999")
    assert missing.status_code == 404 and "no denial" in missing.json()["error"]


def test_packet_in_every_format(web: Web) -> None:
    row = _co119(web)
    starts = {"pdf": b"%PDF", "docx": b"PK", "zip": b"PK", "md": b"**Brightpath"}
    for fmt, start in starts.items():
        answer = web.client.get(f"/api/denials/{row['id']}/packet", params={"format": fmt})
        assert answer.status_code == 200, answer.text
        assert answer.content.startswith(start), fmt
        assert "attachment" in answer.headers["content-disposition"]
    md = web.client.get(f"/api/denials/{row['id']}/packet", params={"format": "md"}).text
    assert "BP26021" in md
    assert web.client.get(f"/api/denials/{row['id']}/packet?format=exe").status_code == 422


def test_mark_sent_then_record_outcome_closes_and_counts(web: Web) -> None:
    row = _co119(web)
    before = web.client.get("/api/kpis").json()
    sent = web.post(
        f"/api/denials/{row['id']}/sent", json={"sent_date": "2026-11-20", "channel": "fax"}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent" and sent.json()["sent_channel"] == "fax"
    done = web.post(
        f"/api/denials/{row['id']}/outcome",
        json={"outcome": "won", "amount": "120.00", "outcome_date": "2026-11-22"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "closed" and done.json()["outcome"] == "won"
    after = web.client.get("/api/kpis").json()
    assert before["recovered"] == "0" or float(before["recovered"]) == 0
    assert float(after["recovered"]) == 120.0
    assert after["appeals_won"] == before["appeals_won"] + 1
    open_ids = [r["id"] for r in web.client.get("/api/denials").json()["rows"]]
    assert row["id"] not in open_ids
    again = web.post(
        f"/api/denials/{row['id']}/sent", json={"sent_date": "2026-11-23", "channel": "fax"}
    )
    assert again.status_code == 400 and "closed" in again.json()["error"]


def test_outcome_and_sent_bodies_are_checked(web: Web) -> None:
    row = _co119(web)
    url = f"/api/denials/{row['id']}"
    bad = [
        ("/outcome", {"outcome": "maybe", "amount": "1", "outcome_date": "2026-11-22"}, 422),
        ("/outcome", {"outcome": "won", "amount": "-1", "outcome_date": "2026-11-22"}, 422),
        ("/outcome", {"outcome": "won", "amount": "9999", "outcome_date": "2026-11-22"}, 400),
        ("/outcome", {"outcome": "won", "amount": "1", "outcome_date": "2020-01-01"}, 400),
        ("/sent", {"sent_date": "yesterday", "channel": "fax"}, 422),
        ("/sent", {"sent_date": "2026-11-22", "channel": "pigeon"}, 422),
    ]
    for path, body, status in bad:
        answer = web.post(url + path, json=body)
        assert answer.status_code == status, (path, body, answer.text)
        assert answer.json()["error"]
    assert (
        web.post(
            "/api/denials/999999/sent", json={"sent_date": "2026-11-22", "channel": "fax"}
        ).status_code
        == 404
    )


def test_benefits_patients_and_visit_check(web: Web) -> None:
    patients = web.client.get("/api/patients").json()["patients"]
    assert {"patient_id": "P1001", "name": "Rachel Lindqvist", "status": "exhausted"} in patients
    one = web.client.get("/api/patients/P1001/benefits").json()
    cap = one["benefits"][0]
    assert cap["benefit"] == "pt_ot" and cap["limit"] == "20" and cap["status"] == "exhausted"
    assert cap["reset_date"] == "2027-01-01"
    earlier = web.client.get("/api/patients/P1001/benefits", params={"on": "2026-03-01"}).json()
    assert earlier["benefits"][0]["status"] in ("ok", "warning")
    check = web.client.get(
        "/api/patients/P1001/check-visit", params={"date": "2026-11-24", "code": "97110"}
    ).json()
    assert check["exceeds"] is True and check["checks"][0]["limit_kind"] == "benefit"
    assert web.client.get("/api/patients/NOPE/benefits").status_code == 404
    bad = web.client.get(
        "/api/patients/P1001/check-visit",
        params={"date": "2026-11-24", "code": "97110", "units": "x"},
    )
    assert bad.status_code == 400
    assert web.client.get("/api/patients", params={"on": "someday"}).status_code == 400


def test_kpis_have_every_figure(web: Web) -> None:
    body = web.client.get("/api/kpis", params={"months": 12}).json()
    for key in (
        "denial_rate",
        "by_carc",
        "by_payer",
        "by_month",
        "denied_amount",
        "recovered",
        "written_off",
        "appeal_success_rate",
        "median_days_to_resolution",
        "patient_collection_rate",
        "expiring_count",
    ):
        assert key in body
    assert len(body["by_month"]) == 12
    assert body["by_carc"][0]["key"] == "CO-119"


def test_audit_and_users_api_in_single_user_mode(web: Web) -> None:
    row = _co119(web)
    web.client.get(f"/api/denials/{row['id']}")
    entries = web.client.get("/api/audit").json()["entries"]
    viewed = [e for e in entries if e["action"] == "denial.view"]
    assert viewed and viewed[0]["patient_id"] == "P1001" and viewed[0]["username"] == "local"
    made = web.post(
        "/api/users", json={"username": "sam", "password": "a long password", "role": "biller"}
    )
    assert made.status_code == 200, made.text
    users = web.client.get("/api/users").json()["users"]
    assert {"username": "sam", "role": "biller", "disabled": False, "practices": []} in users
    dup = web.post(
        "/api/users", json={"username": "sam", "password": "a long password", "role": "biller"}
    )
    assert dup.status_code == 400 and "already" in dup.json()["error"]


def test_openapi_describes_every_api_route(web: Web) -> None:
    from recoup.web.routes import ROUTERS

    spec = web.client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    api_routes = {
        path
        for router in ROUTERS
        for route in router.routes
        if (path := getattr(route, "path", "")).startswith("/api/")
    }
    assert api_routes == paths
    assert len(paths) >= 15
