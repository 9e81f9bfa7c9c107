"""Multi-user mode: sign-in, roles, CSRF, rate limiting, cookies, the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from recoup.web.app import SESSION_COOKIE
from web.conftest import WebFactory
from web.helpers import PASSWORD, Web


@pytest.fixture
def multi(make_web: WebFactory) -> Web:
    return make_web(multi_user=True)


def _first_id(web: Web) -> int:
    row_id: int = web.client.get("/api/denials").json()["rows"][0]["id"]
    return row_id


def _set_cookie(answer: Any) -> str:
    return ", ".join(answer.headers.get_list("set-cookie"))


def test_everything_needs_sign_in(multi: Web) -> None:
    for url in ("/api/denials", "/api/denials/1", "/api/kpis", "/api/patients", "/api/audit"):
        answer = multi.client.get(url)
        assert answer.status_code == 401, url
        assert answer.json() == {"error": "sign in to continue"}
    for url in ("/", "/dashboard", "/benefits", "/import", "/denials/1"):
        answer = multi.client.get(url)
        assert answer.status_code == 303, url
        assert answer.headers["location"].startswith("/login?next=")
    assert multi.client.get("/login").status_code == 200
    assert multi.client.get("/api/session").json()["username"] is None


def test_sign_in_sets_a_secure_httponly_samesite_cookie_and_a_new_token(multi: Web) -> None:
    before = multi.token
    answer = multi.login("biller")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["username"] == "biller" and body["role"] == "biller"
    assert body["csrf_token"] != before
    cookie = _set_cookie(answer)
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    assert multi.client.get("/api/denials").status_code == 200
    # the token from before sign-in is worth nothing now
    stale = multi.client.post("/api/logout", headers={"X-CSRF-Token": before})
    assert stale.status_code == 403


def test_wrong_password_and_unknown_user_look_the_same(multi: Web) -> None:
    wrong = multi.login("biller", "not the password")
    nobody = multi.login("nobody", "not the password")
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json() == {"error": "the user name or password is wrong"}


def test_login_is_rate_limited(multi: Web) -> None:
    for _ in range(5):
        assert multi.login("biller", "guess guess guess").status_code == 401
    blocked = multi.login("biller")  # even the right password, for now
    assert blocked.status_code == 429
    assert "too many" in blocked.json()["error"]


def test_the_login_form_signs_in_and_goes_on(multi: Web) -> None:
    page = multi.client.get("/login?next=/dashboard")
    assert 'name="csrf_token"' in page.text
    answer = multi.client.post(
        "/login",
        data={
            "username": "admin",
            "password": PASSWORD,
            "next": "/dashboard",
            "csrf_token": multi.token,
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
    assert multi.client.get("/dashboard").status_code == 200
    assert "admin · Administrator" in multi.client.get("/dashboard").text


def test_the_login_form_refuses_an_offsite_next(multi: Web) -> None:
    answer = multi.client.post(
        "/login",
        data={
            "username": "admin",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": multi.token,
        },
    )
    assert answer.headers["location"] == "/"


def test_a_failed_form_login_says_so(multi: Web) -> None:
    answer = multi.client.post(
        "/login",
        data={"username": "admin", "password": "nope nope nope", "csrf_token": multi.token},
    )
    assert answer.status_code == 401
    assert "wrong" in answer.text and 'name="username"' in answer.text


def test_readonly_can_look_but_not_change(multi: Web) -> None:
    multi.login("readonly")
    row_id = _first_id(multi)
    assert multi.client.get(f"/api/denials/{row_id}").status_code == 200
    assert multi.client.get("/api/kpis").status_code == 200
    attempts = [
        (f"/api/denials/{row_id}/sent", {"json": {"sent_date": "2026-11-22", "channel": "fax"}}),
        (
            f"/api/denials/{row_id}/outcome",
            {"json": {"outcome": "won", "amount": "1", "outcome_date": "2026-11-22"}},
        ),
        ("/api/imports", {"files": [("files", ("a.835", b"ISA*", "text/plain"))]}),
        ("/api/users", {"json": {"username": "x1", "password": "0123456789", "role": "admin"}}),
    ]
    for url, kwargs in attempts:
        answer = multi.post(url, **kwargs)
        assert answer.status_code == 403, url
    page = multi.client.get(f"/denials/{row_id}")
    assert "Review outcome" not in page.text and "Mark as sent" not in page.text
    form = multi.client.post(
        f"/denials/{row_id}/sent",
        data={"sent_date": "2026-11-22", "channel": "fax", "csrf_token": multi.token},
    )
    assert form.status_code == 403 and "can look but not change" in form.text
    assert multi.store.denial(row_id, today=date(2026, 11, 23)).status == "open"  # type: ignore[union-attr]


def test_biller_changes_but_is_no_administrator(multi: Web) -> None:
    multi.login("biller")
    row_id = _first_id(multi)
    sent = multi.post(
        f"/api/denials/{row_id}/sent", json={"sent_date": "2026-11-22", "channel": "portal"}
    )
    assert sent.status_code == 200
    assert multi.client.get("/api/audit").status_code == 403
    assert multi.client.get("/admin").status_code == 403
    made = multi.post(
        "/api/users", json={"username": "x1", "password": "0123456789", "role": "admin"}
    )
    assert made.status_code == 403


def test_admin_creates_users_and_reads_the_audit_log(multi: Web) -> None:
    multi.login("admin")
    row_id = _first_id(multi)
    multi.client.get(f"/api/denials/{row_id}")
    made = multi.post(
        "/api/users", json={"username": "new.biller", "password": "0123456789x", "role": "biller"}
    )
    assert made.status_code == 200
    weak = multi.post(
        "/api/users", json={"username": "weak", "password": "short", "role": "biller"}
    )
    assert weak.status_code == 422
    entries = multi.client.get("/api/audit").json()["entries"]
    actions = [(e["username"], e["action"]) for e in entries]
    assert ("admin", "session.login") in actions
    assert ("admin", "denial.view") in actions
    assert ("admin", "user.create") in actions
    page = multi.client.get("/admin")
    assert page.status_code == 200 and "new.biller" in page.text
    form = multi.client.post(
        "/admin/users",
        data={
            "username": "form.user",
            "password": "0123456789x",
            "role": "readonly",
            "csrf_token": multi.token,
        },
    )
    assert form.status_code == 303
    assert "form.user" in multi.client.get("/admin").text


def test_changes_without_the_csrf_token_are_refused(multi: Web) -> None:
    multi.login("admin")
    row_id = _first_id(multi)
    url = f"/api/denials/{row_id}/sent"
    body = {"sent_date": "2026-11-22", "channel": "fax"}
    assert multi.client.post(url, json=body).status_code == 403
    assert multi.client.post(url, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    form = multi.client.post(f"/denials/{row_id}/sent", data={**body, "csrf_token": "forged"})
    assert form.status_code == 403 and "security token" in form.text
    upload = multi.client.post("/api/imports", files=[("files", ("a.835", b"x", "text/plain"))])
    assert upload.status_code == 403
    assert multi.store.denial(row_id, today=date(2026, 11, 23)).status == "open"  # type: ignore[union-attr]
    assert multi.client.post("/api/logout").status_code == 403


def test_csrf_is_checked_in_single_user_mode_too(web: Web) -> None:
    row_id = _first_id(web)
    answer = web.client.post(
        f"/api/denials/{row_id}/outcome",
        json={"outcome": "lost", "amount": "0", "outcome_date": "2026-11-22"},
    )
    assert answer.status_code == 403


def test_a_tampered_or_foreign_cookie_is_no_session(multi: Web, make_web: WebFactory) -> None:
    multi.login("admin")
    good = multi.client.cookies.get(SESSION_COOKIE)
    assert good
    body, mac = good.split(".")
    multi.client.cookies.set(SESSION_COOKIE, body + "x." + mac)
    assert multi.client.get("/api/denials").status_code == 401
    other = make_web(multi_user=True)  # another server, another secret
    other.client.cookies.set(SESSION_COOKIE, good)
    assert other.client.get("/api/denials").status_code == 401


def test_logout_ends_the_session(multi: Web) -> None:
    multi.login("biller")
    assert multi.post("/api/logout").json()["username"] is None
    assert multi.client.get("/api/denials").status_code == 401
    multi.login("biller")
    form = multi.client.post("/logout", data={"csrf_token": multi.token})
    assert form.status_code == 303 and form.headers["location"] == "/login"


def test_signing_in_is_refused_in_single_user_mode(web: Web) -> None:
    assert web.login("admin").status_code == 400
    assert web.client.get("/login").status_code == 303


def test_a_disabled_user_loses_the_session_at_once(multi: Web) -> None:
    assert multi.login("biller").status_code == 200
    assert multi.client.get("/api/denials").status_code == 200
    multi.store.set_user_disabled("biller", True)
    assert multi.client.get("/api/denials").status_code == 401  # the same cookie, refused
    multi.store.set_user_disabled("biller", False)
    # disabling ended the session for good: enabling again needs a new sign-in
    assert multi.client.get("/api/denials").status_code == 401
    assert multi.login("biller").status_code == 200
    assert multi.client.get("/api/denials").status_code == 200
