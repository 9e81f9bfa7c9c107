"""Security review items 1, 3 and 4: Host names (DNS rebinding), server-side sessions, and the
sign-in limits (atomic, per account and per address, proxies, audit)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from recoup.cli import app as cli_app
from recoup.store import accounts
from recoup.web import create_app
from recoup.web.app import SESSION_COOKIE
from recoup.web.network import HostPolicy, ProxyPolicy, normal_host
from web.conftest import WebFactory
from web.helpers import PASSWORD, TODAY, Web

# -- 1. DNS rebinding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil", "", "a b"],
)
def test_single_user_mode_refuses_a_foreign_host_before_any_data(web: Web, host: str) -> None:
    for url in ("/api/denials", "/api/session", "/", "/api/denials/1/packet.zip"):
        answer = web.client.get(url, headers={"host": host})
        assert answer.status_code == 400, (url, host)
        assert "host name" in answer.text and "P100" not in answer.text
        assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]", "127.0.0.1:8000"])
def test_single_user_mode_answers_loopback_names(web: Web, host: str) -> None:
    assert web.client.get("/api/kpis", headers={"host": host}).status_code == 200


def test_with_its_port_known_only_that_port_is_answered(tmp_path: Path, web: Web) -> None:
    app = create_app(web.store, multi_user=False, today=lambda: TODAY, data_dir=tmp_path, port=8123)
    client = TestClient(app, base_url="https://127.0.0.1:8123")
    assert client.get("/api/kpis").status_code == 200
    assert client.get("/api/kpis", headers={"host": "localhost:8123"}).status_code == 200
    assert client.get("/api/kpis", headers={"host": "localhost:9999"}).status_code == 400
    assert client.get("/api/kpis", headers={"host": "localhost"}).status_code == 400


def test_multi_user_mode_answers_its_configured_hosts(tmp_path: Path, web: Web) -> None:
    app = create_app(
        web.store,
        multi_user=True,
        today=lambda: TODAY,
        data_dir=tmp_path,
        allowed_hosts=["billing.example.org"],
    )
    client = TestClient(app, base_url="https://billing.example.org")
    assert client.get("/api/session").status_code == 200
    assert client.get("/api/session", headers={"host": "127.0.0.1"}).status_code == 400
    assert client.get("/api/session", headers={"host": "evil.example"}).status_code == 400
    with pytest.raises(ValueError, match="loopback"):
        create_app(web.store, multi_user=False, data_dir=tmp_path, allowed_hosts=["x.org"])
    with pytest.raises(ValueError, match="not a host name"):
        create_app(web.store, multi_user=True, data_dir=tmp_path, allowed_hosts=["a/b"])


def test_host_parsing() -> None:
    assert normal_host("Example.ORG:443") == ("example.org", 443)
    assert normal_host("[::1]:80") == ("[::1]", 80)
    assert normal_host("example.org.") == ("example.org", None)
    for bad in ("", "a:b", "a@b", "[::1", "x:123456", "::1"):
        assert normal_host(bad) is None, bad
    policy = HostPolicy.configured(["a.org", "b.org:8443"])
    assert policy.allows("a.org:1") and policy.allows("B.org:8443")
    assert not policy.allows("b.org") and not policy.allows(None)


def test_serve_takes_allowed_hosts_in_multi_user_mode_only(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "r.db")
    single = runner.invoke(cli_app, ["serve", "--db", db, "--allowed-host", "x.org"])
    assert single.exit_code == 2 and "loopback" in single.output
    bare = runner.invoke(cli_app, ["serve", "--db", db, "--multi-user", "--host", "0.0.0.0"])
    assert bare.exit_code == 2 and "--allowed-host" in bare.output


# -- 3. sessions end at sign-out, password change and disable -------------------------------------


@pytest.fixture
def multi(make_web: WebFactory) -> Web:
    return make_web(multi_user=True)


def _copied_cookie(web: Web) -> str:
    value = web.client.cookies.get(SESSION_COOKIE)
    assert value
    return value


def _with_cookie(web: Web, cookie: str) -> TestClient:
    other = TestClient(web.app, base_url="https://127.0.0.1", follow_redirects=False)
    other.cookies.set(SESSION_COOKIE, cookie)
    return other


def test_a_copied_cookie_stops_working_at_sign_out(multi: Web) -> None:
    assert multi.login("biller").status_code == 200
    copied = _copied_cookie(multi)
    assert _with_cookie(multi, copied).get("/api/denials").status_code == 200
    assert multi.post("/api/logout").status_code == 200
    assert _with_cookie(multi, copied).get("/api/denials").status_code == 401
    assert multi.client.get("/api/denials").status_code == 401


def test_a_password_change_ends_every_session(multi: Web) -> None:
    assert multi.login("biller").status_code == 200
    copied = _copied_cookie(multi)
    accounts.set_password(multi.store.engine, "biller", "a brand new password")
    assert _with_cookie(multi, copied).get("/api/denials").status_code == 401


def test_the_admin_page_disables_an_account_and_ends_its_sessions(make_web: WebFactory) -> None:
    biller = make_web(multi_user=True)
    assert biller.login("biller").status_code == 200
    copied = _copied_cookie(biller)
    admin = Web(biller.app, biller.store)
    assert admin.login("admin").status_code == 200
    page = admin.client.get("/admin")
    assert 'action="/admin/users/biller/disabled"' in page.text
    done = admin.client.post(
        "/admin/users/biller/disabled", data={"disabled": "1", "csrf_token": admin.token}
    )
    assert done.status_code == 303, done.text
    assert _with_cookie(biller, copied).get("/api/denials").status_code == 401
    assert biller.login("biller").status_code == 401
    api = admin.client.put(
        "/api/users/biller/disabled",
        json={"disabled": False},
        headers={"X-CSRF-Token": admin.token},
    )
    assert api.status_code == 200 and api.json() == {"username": "biller", "disabled": False}
    assert biller.login("biller").status_code == 200
    actions = [e.action for e in biller.store.audit_entries(limit=20)]
    assert "user.disable" in actions and "user.enable" in actions
    self_off = admin.client.put(
        "/api/users/admin/disabled", json={"disabled": True}, headers={"X-CSRF-Token": admin.token}
    )
    assert self_off.status_code == 400


def test_recoup_user_disable(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "r.db")
    env = {"RECOUP_PASSWORD": PASSWORD}
    assert runner.invoke(cli_app, ["user", "add", "dana", "--db", db], env=env).exit_code == 0
    from recoup.store import Store

    with Store.open(db) as store:
        from datetime import UTC, datetime, timedelta

        token = accounts.open_session(store.engine, "dana", datetime.now(UTC), timedelta(hours=1))
    off = runner.invoke(cli_app, ["user", "disable", "dana", "--db", db])
    assert off.exit_code == 0 and "user dana disabled" in off.output
    with Store.open(db) as store:
        assert accounts.session_user(store.engine, token, datetime.now(UTC)) is None
        assert store.verify_login("dana", PASSWORD) is None
    on = runner.invoke(cli_app, ["user", "disable", "dana", "--enable", "--db", db])
    assert on.exit_code == 0 and "enabled" in on.output
    nobody = runner.invoke(cli_app, ["user", "disable", "nobody", "--db", db])
    assert nobody.exit_code == 1 and "no user nobody" in nobody.output
    with Store.open(db) as store:
        token = accounts.open_session(store.engine, "dana", datetime.now(UTC), timedelta(hours=1))
    changed = runner.invoke(
        cli_app, ["user", "password", "dana", "--db", db], env={"RECOUP_PASSWORD": "a new password"}
    )
    assert changed.exit_code == 0 and "sessions have ended" in changed.output
    with Store.open(db) as store:
        assert accounts.session_user(store.engine, token, datetime.now(UTC)) is None
        assert store.verify_login("dana", "a new password") is not None


# -- 4. sign-in limits ---------------------------------------------------------------------------


def test_concurrent_wrong_passwords_do_not_lock_out_another_user(multi: Web) -> None:
    def guess(_: int) -> int:
        client = TestClient(multi.app, base_url="https://127.0.0.1")
        token = client.get("/api/session").json()["csrf_token"]
        answer = client.post(
            "/api/login",
            json={"username": "biller", "password": "wrong wrong wrong"},
            headers={"X-CSRF-Token": token},
        )
        return answer.status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(guess, range(40)))
    assert codes.count(401) <= accounts.MAX_FAILURES
    assert codes.count(429) >= 40 - accounts.MAX_FAILURES
    # the same address, another account that never failed: signs in
    assert multi.login("admin").status_code == 200
    failed = [e for e in multi.store.audit_entries(limit=100) if e.username == "biller"]
    assert {e.action for e in failed} == {"session.login_failed", "session.login_refused"}
    assert all(PASSWORD not in e.detail and "wrong" not in e.detail for e in failed)


def test_x_forwarded_for_is_ignored_unless_from_a_trusted_proxy(multi: Web) -> None:
    for n in range(accounts.MAX_FAILURES):
        answer = (
            multi.login("biller", "guess guess guess")
            if n % 2
            else multi.post(
                "/api/login",
                json={"username": "biller", "password": "guess guess guess"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
        )
        assert answer.status_code == 401
    # a made-up address does not buy more guesses
    rotated = multi.post(
        "/api/login",
        json={"username": "biller", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.77"},
    )
    assert rotated.status_code == 429


def test_the_client_address_behind_trusted_proxies() -> None:
    proxies = ProxyPolicy.of(["10.0.0.0/8", "127.0.0.1"])
    assert proxies.client("10.1.2.3", "203.0.113.9") == "203.0.113.9"
    assert proxies.client("10.1.2.3", "6.6.6.6, 203.0.113.9, 10.9.9.9") == "203.0.113.9"
    assert proxies.client("198.51.100.4", "203.0.113.9") == "198.51.100.4"  # not a proxy
    assert proxies.client("10.1.2.3", None) == "10.1.2.3"
    assert proxies.client("10.1.2.3", "not an address") == "unknown"
    assert ProxyPolicy().client("127.0.0.1", "203.0.113.9") == "127.0.0.1"
    with pytest.raises(ValueError, match="not an IP"):
        ProxyPolicy.of(["proxy.local"])
