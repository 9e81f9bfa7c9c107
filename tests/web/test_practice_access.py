"""Several practices, one company: a user given practice B reaches nothing of practice A, by any
route or id.

One store holds both example practices (Brightpath, "A", and Little Steps, "B"). ``anna`` is a
biller of A, ``bo`` a biller of B, ``admin`` sees both. Every route of the app is either checked
here (bo gets 404, a refusal, or a page, list or file with nothing of A in it, while anna or the
administrator, asking the same thing, does get A's data: so a check cannot pass because the
route is broken) or named as exempt with the reason. A new route that is neither fails
:func:`test_every_route_is_checked_or_exempt`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from recoup.store import DenialQuery, DenialRow, Store
from recoup.web import create_app
from recoup.web.packets import PACKET_FORMATS
from web.helpers import EXAMPLE, PASSWORD, TODAY, Web, zip_folder

WITHOUT_PACKET = ("review_takeback", "missing_remittance")
A = "1548213069"  # Brightpath Physical Therapy (examples/brightpath-pt)
B = "1730496282"  # Little Steps Autism Center (examples/little-steps-aba)
LITTLE_STEPS = EXAMPLE.parent / "little-steps-aba"
A_PATIENT = "P1001"  # has a benefit cap in A's benefits.csv
B_PATIENT = "C2001"

# Routes that hold no practice's data, with why.
EXEMPT = {
    ("GET", "/login"): "the sign-in form",
    ("POST", "/login"): "signing in",
    ("POST", "/logout"): "signing out",
    ("POST", "/api/login"): "signing in",
    ("POST", "/api/logout"): "signing out",
    ("GET", "/api/session"): "who is signed in and the CSRF token",
    ("GET", "/api/openapi.json"): "the API's schema",
    ("GET", "/api/docs"): "the API docs page (vendored Swagger UI)",
    ("GET", "/static"): "style sheets, scripts and fonts",
    ("GET", "/api/kpis/definitions"): "what each KPI counts: fixed text, no practice's data",
}


@dataclass
class Two:
    store: Store
    app: FastAPI
    admin: Web
    anna: Web  # practice A
    bo: Web  # practice B
    a_rows: list[DenialRow]
    b_rows: list[DenialRow]
    bo_feed: str
    anna_feed: str

    def markers(self) -> set[str]:
        """Text that only practice A's data holds: its denial ids, claim numbers, patient
        names and its payer."""
        found = {r.denial_id for r in self.a_rows} | {r.patient_account for r in self.a_rows}
        found |= {r.patient_name for r in self.a_rows if r.patient_name}
        found |= {r.payer_name for r in self.a_rows} - {r.payer_name for r in self.b_rows}
        return found | {"Brightpath", A_PATIENT}

    def leaks(self, text: str, asked: str = "") -> list[str]:
        """A's markers in ``text``, but for those the request itself named (a "not found"
        may echo the id asked for: that tells nothing)."""
        return sorted(m for m in self.markers() if m in text and m not in asked)

    def a_keys(self) -> list[str]:
        """A's denials by number and by denial id, a few of each lane."""
        chosen: dict[str, DenialRow] = {}
        for row in self.a_rows:
            chosen.setdefault(row.lane, row)
        rows = list(chosen.values())[:4]
        return [str(r.id) for r in rows] + [r.denial_id for r in rows]


def _sign_in(app: FastAPI, store: Store, name: str) -> Web:
    web = Web(app, store)
    assert web.login(name).status_code == 200
    return web


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Two]:
    folder = tmp_path_factory.mktemp("two-practices")
    store = Store.open(str(folder / "recoup.db"))
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=folder)
    store.create_user("admin", PASSWORD, "admin")
    for name, key in (("anna", A), ("bo", B)):
        store.create_user(name, PASSWORD, "biller")
        store.grant_practice(name, key)
    admin = _sign_in(app, store, "admin")
    answer = admin.post(
        "/api/imports",
        files=[
            ("files", ("brightpath.zip", zip_folder(EXAMPLE), "application/zip")),
            ("files", ("little-steps.zip", zip_folder(LITTLE_STEPS), "application/zip")),
        ],
    )
    assert answer.status_code == 200 and answer.json()["failed"] == 0, answer.text

    def rows(key: str) -> list[DenialRow]:
        query = DenialQuery(status="all", practice_keys=frozenset({key}))
        return store.all_denials(query, today=TODAY)

    # the checks below open each row's packet and claim: the denials with a letter (a takeback
    # review has no claim and no letter, a missing remittance no packet); those other items
    # are checked apart (test_a_user_of_practice_b_gets_no_other_item_of_practice_a)
    a_rows = [r for r in rows(A) if r.lane not in WITHOUT_PACKET]
    b_rows = [r for r in rows(B) if r.lane not in WITHOUT_PACKET]
    assert a_rows and b_rows
    # bo was given some of A's work (before a practice was taken away, or by mistake), and a
    # call note sits on it: none of it may reach bo
    store.assign([a_rows[0].id, a_rows[1].id], "bo", "admin")
    store.set_follow_up([a_rows[0].id, a_rows[1].id], TODAY, "admin")
    store.add_note(a_rows[0].id, "admin", "spoke to Summit", kind="call", reference="REF-A-77")
    store.assign([b_rows[0].id], "bo", "admin")
    store.set_follow_up([b_rows[0].id], TODAY, "admin")
    store.assign([a_rows[2].id], "anna", "admin")
    store.set_follow_up([a_rows[2].id], TODAY, "admin")
    yield Two(
        store,
        app,
        admin,
        _sign_in(app, store, "anna"),
        _sign_in(app, store, "bo"),
        a_rows,
        b_rows,
        store.new_calendar_token("bo"),
        store.new_calendar_token("anna"),
    )
    store.close()


def _state(two: Two) -> list[tuple[Any, ...]]:
    """What a refused write must leave as it was: every denial's work and notes."""
    out = []
    for row in two.a_rows:
        now = two.store.denial(row.id, today=TODAY)
        assert now is not None
        out.append(
            (
                now.id,
                now.status,
                now.sent_date,
                now.outcome,
                now.assigned_to,
                now.follow_up_on,
                now.work_status,
                len(two.store.notes(row.id)),
            )
        )
    return out


# -- the checks, by route --------------------------------------------------------------------------

Check = Callable[[Two], None]
CHECKS: dict[tuple[str, str], Check] = {}


def covers(*routes: tuple[str, str]) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        for route in routes:
            CHECKS[route] = fn
        return fn

    return register


def _read_urls(key: str) -> list[str]:
    return [
        f"/denials/{key}",
        f"/api/denials/{key}",
        *(f"/denials/{key}/packet.{fmt}" for fmt in PACKET_FORMATS),
        *(f"/api/denials/{key}/packet?format={fmt}" for fmt in PACKET_FORMATS),
        f"/denials/{key}/claim.837",
        f"/api/denials/{key}/claim",
        f"/api/denials/{key}/notes",
    ]


@covers(
    ("GET", "/denials/{key}"),
    ("GET", "/api/denials/{key}"),
    ("GET", "/denials/{key}/packet.{fmt}"),
    ("GET", "/api/denials/{key}/packet"),
    ("GET", "/denials/{key}/claim.837"),
    ("GET", "/api/denials/{key}/claim"),
    ("GET", "/api/denials/{key}/notes"),
)
def _denial_reads(two: Two) -> None:
    for key in two.a_keys():
        for url in _read_urls(key):
            refused = two.bo.client.get(url)
            assert refused.status_code == 404, (url, refused.status_code)
            assert not two.leaks(refused.text, url), url
            assert two.anna.client.get(url).status_code != 404, url
    # bo reaches B's own denials the same way
    assert two.bo.client.get(f"/denials/{two.b_rows[0].id}").status_code == 200
    assert two.bo.client.get(f"/api/denials/{two.b_rows[0].id}/notes").status_code == 200


@covers(("GET", "/api/remittances/{remittance_id}"))
def _remittance_reads(two: Two) -> None:
    """A stored check of A (its PLB rows name A's claims): 404 for bo, the check for anna."""
    owners = {rid: two.store.remittance_owner(rid) for rid in range(1, 200)}
    a_checks = {rid for rid, owner in owners.items() if owner == A}
    b_checks = {rid for rid, owner in owners.items() if owner == B}
    assert a_checks and b_checks
    for remittance_id in sorted(a_checks):
        url = f"/api/remittances/{remittance_id}"
        refused = two.bo.client.get(url)
        assert refused.status_code == 404, url
        assert not two.leaks(refused.text, url), url
        assert two.anna.client.get(url).status_code == 200, url
    mine = sorted(b_checks)[0]
    assert two.bo.client.get(f"/api/remittances/{mine}").status_code == 200


def _writes(key: str) -> list[tuple[str, dict[str, Any]]]:
    day = TODAY.isoformat()
    return [
        (f"/denials/{key}/sent", {"data": {"sent_date": day, "channel": "fax"}}),
        (f"/api/denials/{key}/sent", {"json": {"sent_date": day, "channel": "fax"}}),
        (
            f"/denials/{key}/outcome",
            {"data": {"outcome": "lost", "amount": "0", "outcome_date": day}},
        ),
        (
            f"/api/denials/{key}/outcome",
            {"json": {"outcome": "lost", "amount": "0", "outcome_date": day}},
        ),
        (f"/denials/{key}/work", {"data": {"to_user": "bo", "work_status": "working"}}),
        (f"/api/denials/{key}/work", {"json": {"assignee": "bo", "status": "working"}}),
        (f"/denials/{key}/notes", {"data": {"kind": "note", "text": "was here"}}),
        (f"/api/denials/{key}/notes", {"json": {"kind": "note", "text": "was here"}}),
        (f"/denials/{key}/outcome/undo", {}),
        (f"/api/denials/{key}/outcome/undo", {}),
    ]


@covers(
    ("POST", "/denials/{key}/sent"),
    ("POST", "/api/denials/{key}/sent"),
    ("POST", "/denials/{key}/outcome"),
    ("POST", "/api/denials/{key}/outcome"),
    ("POST", "/denials/{key}/work"),
    ("POST", "/api/denials/{key}/work"),
    ("POST", "/denials/{key}/notes"),
    ("POST", "/api/denials/{key}/notes"),
    ("POST", "/denials/{key}/outcome/undo"),
    ("POST", "/api/denials/{key}/outcome/undo"),
)
def _denial_writes(two: Two) -> None:
    before = _state(two)
    for key in two.a_keys():
        for url, body in _writes(key):
            refused = two.bo.post(url, **body)
            assert refused.status_code == 404, (url, refused.status_code, refused.text)
            assert not two.leaks(refused.text, url), url
    assert _state(two) == before


@covers(("POST", "/worklist/bulk"), ("POST", "/api/denials/bulk"))
def _bulk(two: Two) -> None:
    before = _state(two)
    a_ids = [r.id for r in two.a_rows[:5]]
    only_a = two.bo.post(
        "/api/denials/bulk", json={"action": "status", "status": "working"} | {"ids": a_ids}
    )
    assert only_a.status_code == 404 and not two.leaks(only_a.text)
    form = two.bo.post(
        "/worklist/bulk",
        data={"action": "status", "work_status": "working", "ids": [str(i) for i in a_ids]},
    )
    assert form.status_code == 404
    # mixed: B's row is done, A's are refused exactly as numbers that do not exist
    b_id = two.b_rows[-1].id
    mixed = two.bo.post(
        "/api/denials/bulk",
        json={"action": "follow_up", "follow_up_on": "2026-12-01", "ids": [*a_ids, b_id]},
    ).json()
    assert mixed["done"] == [b_id]
    assert [r["id"] for r in mixed["refused"]] == a_ids
    assert {r["reason"] for r in mixed["refused"]} == {
        f"there is no denial {i} in the store" for i in a_ids
    }
    # "all matching the filter", filtered to A's claim numbers: nothing of A is touched
    for filters in ({"q": two.a_rows[0].patient_account}, {"payer": two.a_rows[0].payer_name}):
        matching = two.bo.post(
            "/api/denials/bulk",
            json={"action": "status", "status": "working", "matching": filters},
        )
        assert matching.status_code in (400, 404), matching.text
        page = two.bo.post(
            "/worklist/bulk",
            data={"action": "status", "work_status": "working", "all_matching": "1", **filters},
        )
        assert page.status_code in (400, 404)
    assert _state(two) == before
    # the same call by anna does change A's rows (the check above can fail)
    done = two.anna.post(
        "/api/denials/bulk", json={"action": "follow_up", "follow_up_on": None, "ids": a_ids[4:]}
    )
    assert done.status_code == 200 and done.json()["refused"] == []


def _text(answer: Any) -> str:
    """What a page, a JSON answer, a CSV or an Excel file says, as text."""
    kind = answer.headers.get("content-type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(answer.content))
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return str(answer.text)


def _lists(two: Two, urls: list[str], control: Web | None = None) -> None:
    """bo's answer holds nothing of A; ``control`` (default anna) asking the same gets A's."""
    for url in urls:
        seen = two.bo.client.get(url)
        assert seen.status_code == 200, (url, seen.status_code)
        assert two.leaks(_text(seen)) == [], url
        other = (control or two.anna).client.get(url)
        assert other.status_code == 200 and two.leaks(_text(other)), url


@covers(("GET", "/"), ("GET", "/api/denials"))
def _worklist(two: Two) -> None:
    first = two.a_rows[0]
    _lists(two, ["/", "/?status=all", "/api/denials?status=all&per_page=200"])
    for query in (
        {"q": first.patient_account},
        {"payer": first.payer_name},
        {"payer": first.payer_id},
        {"q": first.denial_id},
        {"patient": first.patient_name or ""},
    ):
        wanted = {"status": "all", **query}
        rows = two.bo.client.get("/api/denials", params=wanted).json()
        assert rows["rows"] == [] and rows["total"] == 0, query
        assert two.anna.client.get("/api/denials", params=wanted).json()["total"] > 0, query
    totals = two.bo.client.get("/api/denials?status=all&per_page=200").json()
    assert {r["practice_key"] for r in totals["rows"]} == {B}
    assert totals["total"] == len(two.b_rows)


@covers(("GET", "/worklist.csv"), ("GET", "/worklist.xlsx"))
def _exports(two: Two) -> None:
    _lists(two, ["/worklist.csv?status=all", "/worklist.xlsx?status=all"])
    rows = two.bo.client.get("/worklist.csv?status=all").text.strip().splitlines()
    assert len(rows) == len(two.b_rows) + 1  # the header and B's denials


@covers(("GET", "/dashboard"), ("GET", "/api/kpis"), ("GET", "/dashboard/kpis.{fmt}"))
def _kpis(two: Two) -> None:
    _lists(two, ["/dashboard", "/dashboard/kpis.csv", "/dashboard/kpis.xlsx"], two.admin)
    only_b = two.store.kpis(TODAY, practice_keys=frozenset({B}))
    everything = two.store.kpis(TODAY)
    seen = two.bo.client.get("/api/kpis").json()
    assert seen["denied_lines"] == only_b.denied_lines != everything.denied_lines
    assert two.admin.client.get("/api/kpis").json()["denied_lines"] == everything.denied_lines


@covers(("GET", "/my-work"), ("GET", "/api/my-work"), ("POST", "/me/calendar-link"))
def _my_work(two: Two) -> None:
    _lists(two, ["/my-work", "/api/my-work?days=366"])
    mine = two.bo.client.get("/api/my-work?days=366").json()
    assert [r["id"] for r in mine["follow_ups"]] == [two.b_rows[0].id]
    assert [r["id"] for r in mine["assigned"]] == [two.b_rows[0].id]
    made = two.bo.post("/me/calendar-link", data={})
    assert made.status_code == 200 and two.leaks(made.text) == []


@covers(("GET", "/me/calendar.ics"), ("GET", "/calendar/{token}.ics"))
def _calendars(two: Two) -> None:
    _lists(two, ["/me/calendar.ics"])
    anonymous = Web(two.app, two.store)  # a calendar app: no session, the token only
    bo_feed = anonymous.client.get(f"/calendar/{two.bo_feed}.ics")
    assert bo_feed.status_code == 200 and two.leaks(bo_feed.text) == []
    assert f"recoup-follow-up-{two.b_rows[0].id}@recoup" in bo_feed.text
    for row in two.a_rows[:2]:
        assert f"-{row.id}@recoup" not in bo_feed.text
    anna_feed = anonymous.client.get(f"/calendar/{two.anna_feed}.ics")
    assert f"recoup-follow-up-{two.a_rows[2].id}@recoup" in anna_feed.text


@covers(
    ("GET", "/benefits"),
    ("GET", "/api/patients"),
    ("GET", "/benefits/{patient_id}"),
    ("GET", "/api/patients/{patient_id}/benefits"),
    ("GET", "/api/patients/{patient_id}/check-visit"),
)
def _benefits(two: Two) -> None:
    _lists(two, ["/benefits", "/api/patients"])
    for url in (
        f"/benefits/{A_PATIENT}",
        f"/api/patients/{A_PATIENT}/benefits",
        f"/api/patients/{A_PATIENT}/check-visit?date=2026-11-23&code=97110&units=1",
    ):
        refused = two.bo.client.get(url)
        assert refused.status_code == 404 and not two.leaks(refused.text, url), url
        assert two.anna.client.get(url).status_code == 200, url
    assert two.bo.client.get(f"/benefits/{B_PATIENT}").status_code == 200


@covers(("GET", "/import"), ("POST", "/import"), ("POST", "/api/imports"))
def _imports(two: Two) -> None:
    page = two.bo.client.get("/import")
    assert page.status_code == 200 and two.leaks(page.text) == []
    before = _state(two)
    # bo cannot bring in, or replace, A's practice folder
    answer = two.bo.post(
        "/api/imports", files=[("files", ("a.zip", zip_folder(EXAMPLE), "application/zip"))]
    )
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["refused"]
    form = two.bo.post(
        "/import", files=[("files", ("a.zip", zip_folder(EXAMPLE), "application/zip"))]
    )
    assert form.status_code == 200 and "not one of yours" in form.text
    # nor a loose 835 or 837 of A's (paid or billed to A's NPI)
    for loose in (
        EXAMPLE / "remittances" / "2026-10-02_summit-health-plan.835",
        EXAMPLE / "claims" / "2026-10-02_summit-health-plan.837",
    ):
        upload = [("files", (loose.name, loose.read_bytes(), "text/plain"))]
        answer = two.bo.post("/api/imports", files=upload)
        [result] = answer.json()["results"]
        assert result["status"] == "refused", result
        assert f"NPI {A}, not a practice of yours" in " ".join(result["messages"])
        # anna may (it is already in the store: nothing new, but not refused)
        [result] = two.anna.post("/api/imports", files=upload).json()["results"]
        assert result["status"] != "refused", result
    assert _state(two) == before


@covers(("GET", "/scrub"), ("POST", "/scrub"), ("POST", "/api/scrub"))
def _scrub(two: Two) -> None:
    page = two.bo.client.get("/scrub")
    assert page.status_code == 200 and two.leaks(page.text) == []
    batch = EXAMPLE / "claims" / "2026-10-02_summit-health-plan.837"
    upload = [("files", (batch.name, batch.read_bytes(), "text/plain"))]
    # bo cannot check A's claims against A's practice: it is answered as one not in the store
    for url in ("/api/scrub", "/scrub"):
        refused = two.bo.post(url, files=upload)
        assert refused.status_code == 400 and "import its practice folder" in refused.text, url
        assert two.leaks(refused.text) == [], url
    allowed = two.anna.post("/api/scrub", files=upload)
    assert (
        allowed.status_code == 200 and allowed.json()["practice"] == "Brightpath Physical Therapy"
    )
    mine = LITTLE_STEPS / "claims" / "2026-09-01_prairie-mutual.837"
    own = two.bo.post("/api/scrub", files=[("files", (mine.name, mine.read_bytes(), "text/plain"))])
    assert own.status_code == 200 and two.leaks(own.text) == []


def _admin_calls(two: Two) -> list[tuple[str, str, dict[str, Any]]]:
    user = {"username": "x1", "password": PASSWORD, "role": "admin"}
    return [
        ("GET", "/admin", {}),
        ("GET", "/api/audit", {}),
        ("GET", "/api/users", {}),
        ("POST", "/admin/users", {"data": user}),
        ("POST", "/api/users", {"json": user}),
        ("POST", "/admin/users/bo/disabled", {"data": {"disabled": "0"}}),
        ("PUT", "/api/users/anna/disabled", {"json": {"disabled": True}}),
        ("POST", "/admin/users/bo/practices", {"data": {"practice": A}}),
        ("POST", "/api/users/bo/practices", {"json": {"practice": A}}),
        ("DELETE", f"/api/users/anna/practices/{A}", {}),
    ]


@covers(
    ("GET", "/admin"),
    ("GET", "/api/audit"),
    ("GET", "/api/users"),
    ("POST", "/admin/users"),
    ("POST", "/api/users"),
    ("POST", "/admin/users/{username}/disabled"),
    ("PUT", "/api/users/{username}/disabled"),
    ("POST", "/admin/users/{username}/practices"),
    ("POST", "/api/users/{username}/practices"),
    ("DELETE", "/api/users/{username}/practices/{practice}"),
)
def _admin_only(two: Two) -> None:
    """The audit log and the users are the administrators' (who see every practice)."""
    for method, url, body in _admin_calls(two):
        headers = {"X-CSRF-Token": two.bo.token}
        refused = two.bo.client.request(method, url, headers=headers, **body)
        assert refused.status_code == 403, (method, url, refused.status_code)
        assert two.leaks(refused.text) == []
    assert two.store.practice_grants("bo") == [B]
    assert two.store.practice_grants("anna") == [A]
    assert two.store.user("x1") is None
    audit = two.admin.client.get("/api/audit")
    assert audit.status_code == 200


# -- the tests -------------------------------------------------------------------------------------


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
                continue
            path = getattr(route, "path", "")
            methods = getattr(route, "methods", None) or {"GET"}
            for method in methods - {"HEAD"}:
                found.add((method, path))

    walk(list(app.routes))
    return found


def test_every_route_is_checked_or_exempt(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "recoup.db"))
    try:
        routes = _routes(create_app(store, multi_user=True, data_dir=tmp_path))
    finally:
        store.close()
    assert len(routes) > 50
    unchecked = sorted(routes - CHECKS.keys() - EXEMPT.keys())
    assert unchecked == [], f"add these routes to the practice isolation checks: {unchecked}"
    gone = sorted((CHECKS.keys() | EXEMPT.keys()) - routes)
    assert gone == [], f"these checked routes no longer exist: {gone}"


@pytest.mark.parametrize("check", sorted(set(CHECKS.values()), key=lambda f: f.__name__))
def test_a_user_of_practice_b_gets_nothing_of_practice_a(two: Two, check: Check) -> None:
    check(two)


def test_a_revoked_practice_goes_at_the_next_request(two: Two) -> None:
    row = two.a_rows[0]
    assert two.anna.client.get(f"/api/denials/{row.id}").status_code == 200
    two.store.revoke_practice("anna", A)
    try:
        assert two.anna.client.get(f"/api/denials/{row.id}").status_code == 404
        assert two.anna.client.get("/api/denials?status=all").json()["total"] == 0
    finally:
        two.store.grant_practice("anna", A)
    assert two.anna.client.get(f"/api/denials/{row.id}").status_code == 200


def test_a_user_with_no_practice_sees_nothing(two: Two) -> None:
    two.store.create_user("nemo", PASSWORD, "readonly")
    nemo = _sign_in(two.app, two.store, "nemo")
    assert nemo.client.get("/api/denials?status=all").json()["total"] == 0
    assert nemo.client.get(f"/api/denials/{two.b_rows[0].id}").status_code == 404
    assert nemo.client.get("/api/patients").json()["patients"] == []
    two.store.grant_practice("nemo", "*")
    total = nemo.client.get("/api/denials?status=all").json()["total"]
    assert total == len(two.store.all_denials(DenialQuery(status="all"), today=TODAY))


def test_an_administrator_gives_and_takes_a_practice(two: Two) -> None:
    row = two.a_rows[0]
    given = two.admin.post(
        "/api/users/bo/practices", json={"practice": "Brightpath Physical Therapy"}
    )
    assert given.status_code == 200 and given.json()["practices"] == sorted([A, B])
    assert two.bo.client.get(f"/api/denials/{row.id}").status_code == 200
    taken = two.admin.client.delete(
        f"/api/users/bo/practices/{A}", headers={"X-CSRF-Token": two.admin.token}
    )
    assert taken.status_code == 200 and taken.json()["practices"] == [B]
    assert two.bo.client.get(f"/api/denials/{row.id}").status_code == 404
    unknown = two.admin.post("/api/users/bo/practices", json={"practice": "Nowhere Clinic"})
    assert unknown.status_code == 400 and A in unknown.json()["error"]
    form = two.admin.post("/admin/users/bo/practices", data={"practice": A, "action": "grant"})
    assert form.status_code == 303
    assert "Brightpath Physical Therapy" in two.admin.client.get("/admin").text
    two.admin.post("/admin/users/bo/practices", data={"practice": A, "action": "revoke"})
    assert two.store.practice_grants("bo") == [B]
    details = [e.detail for e in two.store.audit_entries(limit=50) if "practice" in e.action]
    assert f"bo: {A}" in details


def test_a_user_of_practice_b_gets_no_other_item_of_practice_a(two: Two) -> None:
    """A's takeback reviews and other items without a packet: bo gets 404 by id, anna the page."""
    query = DenialQuery(status="all", practice_keys=frozenset({A}))
    others = [r for r in two.store.all_denials(query, today=TODAY) if r.lane in WITHOUT_PACKET]
    assert others, "the example practice A has a takeback review"
    for row in others:
        for url in (f"/denials/{row.id}", f"/api/denials/{row.id}", f"/api/denials/{row.id}/notes"):
            assert two.bo.client.get(url).status_code == 404, url
            assert two.anna.client.get(url).status_code == 200, url
