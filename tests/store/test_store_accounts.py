"""Users, logins, rate limits and the audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from recoup.store import Store
from recoup.store.accounts import MAX_FAILURES, WINDOW
from recoup.store.tables import users

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_a_user_logs_in_with_the_right_password_only(store: Store) -> None:
    created = store.create_user("dana", "correct horse battery", "biller")
    assert (created.username, created.role, created.disabled) == ("dana", "biller", False)
    assert created.created_at.tzinfo is not None
    with store.engine.connect() as conn:
        stored = conn.scalar(select(users.c.password_hash))
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert store.verify_login("dana", "correct horse battery") == created
    assert store.verify_login("dana", "wrong password!") is None
    assert store.verify_login("nobody", "correct horse battery") is None
    store.set_user_disabled("dana", True)
    assert store.verify_login("dana", "correct horse battery") is None
    assert [u.username for u in store.users()] == ["dana"]


def test_users_are_checked(store: Store) -> None:
    store.create_user("dana", "correct horse battery", "admin")
    with pytest.raises(ValueError, match="already a user dana"):
        store.create_user("dana", "another long password", "biller")
    with pytest.raises(ValueError, match="role must be one of"):
        store.create_user("lee", "correct horse battery", "owner")
    with pytest.raises(ValueError, match="at least 10 characters"):
        store.create_user("lee", "short", "biller")
    with pytest.raises(ValueError, match="user name"):
        store.create_user("lee smith", "correct horse battery", "biller")


def test_an_old_hash_is_replaced_at_login(store: Store) -> None:
    store.create_user("dana", "correct horse battery", "biller")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(
        "correct horse battery"
    )
    with store.engine.begin() as conn:
        conn.execute(update(users).values(password_hash=weak))
    assert store.verify_login("dana", "correct horse battery") is not None
    with store.engine.connect() as conn:
        rehashed = conn.scalar(select(users.c.password_hash))
    assert rehashed != weak and not PasswordHasher().check_needs_rehash(rehashed)
    assert store.verify_login("dana", "correct horse battery") is not None


def test_five_failures_in_fifteen_minutes_lock_the_user_out(store: Store) -> None:
    for minute in range(MAX_FAILURES):
        assert store.login_allowed("dana", "10.0.0.9", NOW + timedelta(minutes=minute))
        store.record_login_attempt("dana", "10.0.0.9", False, NOW + timedelta(minutes=minute))
    assert not store.login_allowed("dana", "10.0.0.9", NOW + timedelta(minutes=5))
    # from another address the account may still be tried, up to the account-wide limit
    assert store.login_allowed("dana", "10.0.0.7", NOW + timedelta(minutes=5))
    assert store.login_allowed("lee", "10.0.0.9", NOW + timedelta(minutes=5))  # other users not
    assert store.login_allowed("dana", "10.0.0.9", NOW + WINDOW + timedelta(minutes=1))


def test_a_success_starts_the_count_again(store: Store) -> None:
    for minute in range(MAX_FAILURES - 1):
        store.record_login_attempt("dana", "h", False, NOW + timedelta(minutes=minute))
    store.record_login_attempt("dana", "h", True, NOW + timedelta(minutes=5))
    store.record_login_attempt("dana", "h", False, NOW + timedelta(minutes=6))
    assert store.login_allowed("dana", "h", NOW + timedelta(minutes=7))


def test_many_failures_from_one_address_lock_out_the_names_that_failed(store: Store) -> None:
    for n in range(20):
        store.record_login_attempt(f"user{n}", "203.0.113.5", False, NOW)
    assert not store.login_allowed("user3", "203.0.113.5", NOW + timedelta(minutes=1))
    assert store.login_allowed("user3", "198.51.100.1", NOW + timedelta(minutes=1))
    # an account that did not fail is never locked out by someone else's failures
    assert store.login_allowed("someone", "203.0.113.5", NOW + timedelta(minutes=1))
    with pytest.raises(ValueError, match="time zone"):
        store.login_allowed("dana", "h", datetime(2026, 11, 23, 15, 0))


def test_the_audit_log_keeps_ids_newest_first(store: Store) -> None:
    store.audit("dana", "denial.view", patient_id="P1001", denial_id="BP26021-1@X")
    store.audit("lee", "login")
    store.audit("dana", "packet.download", patient_id="P1002", detail="docx")
    entries = store.audit_entries()
    assert [e.action for e in entries] == ["packet.download", "login", "denial.view"]
    assert all(e.at.tzinfo is not None for e in entries)
    assert [e.denial_id for e in store.audit_entries(patient_id="P1001")] == ["BP26021-1@X"]
    assert len(store.audit_entries(limit=1)) == 1


def test_the_user_command_reads_the_password_from_the_environment(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from recoup.cli import app

    runner = CliRunner()
    monkeypatch.setenv("RECOUP_PASSWORD", "correct horse battery")
    added = runner.invoke(app, ["user", "add", "dana", "--role", "admin", "--db", db_url])
    assert added.exit_code == 0, added.output
    assert "correct horse" not in added.output
    again = runner.invoke(app, ["user", "add", "dana", "--db", db_url])
    assert again.exit_code == 1 and "already a user dana" in again.output
    with Store.open(db_url) as store:
        assert store.verify_login("dana", "correct horse battery") is not None


# -- the limiter counts atomically, sessions live in the store (security review items 3, 4) ----


def test_forty_concurrent_wrong_passwords_get_at_most_the_limit(store: Store) -> None:
    """Each attempt is checked and counted in one write transaction: concurrent guesses cannot
    all see room under the limit (before, all 40 passed the check)."""
    from concurrent.futures import ThreadPoolExecutor

    from recoup.store.accounts import begin_login, finish_login

    def guess(_: int) -> bool:
        attempt = begin_login(store.engine, "dana", "10.0.0.9", NOW)
        if attempt is None:
            return False
        finish_login(store.engine, attempt, False)
        return True

    with ThreadPoolExecutor(8) as pool:
        tried = sum(pool.map(guess, range(40)))
    assert tried == MAX_FAILURES
    # another user at the same address, who never failed, is not refused
    assert begin_login(store.engine, "lee", "10.0.0.9", NOW) is not None


def test_an_attempt_counts_as_failed_until_it_succeeds(store: Store) -> None:
    from recoup.store.accounts import begin_login, finish_login

    for _ in range(MAX_FAILURES - 1):
        assert begin_login(store.engine, "dana", "h", NOW) is not None  # never finished
    last = begin_login(store.engine, "dana", "h", NOW)
    assert last is not None
    assert begin_login(store.engine, "dana", "h", NOW) is None
    finish_login(store.engine, last, True)  # a success starts the count again
    assert begin_login(store.engine, "dana", "h", NOW + timedelta(seconds=1)) is not None


def test_the_account_wide_limit_holds_across_addresses(store: Store) -> None:
    from recoup.store.accounts import MAX_ACCOUNT_FAILURES

    for n in range(MAX_ACCOUNT_FAILURES):
        store.record_login_attempt("dana", f"10.1.0.{n}", False, NOW)
    assert not store.login_allowed("dana", "10.2.0.1", NOW + timedelta(minutes=1))
    assert store.login_allowed("lee", "10.2.0.1", NOW + timedelta(minutes=1))


def test_sessions_end_at_sign_out_password_change_disable_and_expiry(store: Store) -> None:
    from recoup.store import accounts

    store.create_user("dana", "correct horse battery", "biller")
    now = datetime.now(UTC)
    hours = timedelta(hours=12)
    first = accounts.open_session(store.engine, "dana", now, hours)
    second = accounts.open_session(store.engine, "dana", now, hours)
    assert first != second
    user = accounts.session_user(store.engine, first, now)
    assert user is not None and user.username == "dana"
    assert accounts.session_user(store.engine, "forged", now) is None
    assert accounts.session_user(store.engine, first, now + hours) is None  # expired
    accounts.revoke_session(store.engine, first, now)
    assert accounts.session_user(store.engine, first, now) is None
    assert accounts.session_user(store.engine, second, now) is not None  # the other goes on
    accounts.set_password(store.engine, "dana", "another long password")
    assert accounts.session_user(store.engine, second, now) is None
    assert store.verify_login("dana", "another long password") is not None
    third = accounts.open_session(store.engine, "dana", now, hours)
    assert accounts.live_sessions(store.engine, "dana", now) == 1
    store.set_user_disabled("dana", True)
    assert accounts.session_user(store.engine, third, now) is None
    assert accounts.live_sessions(store.engine, "dana", now) == 0
    with pytest.raises(ValueError, match="no user"):
        accounts.set_password(store.engine, "nobody", "another long password")
