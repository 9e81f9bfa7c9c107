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
    assert not store.login_allowed("dana", "10.0.0.7", NOW + timedelta(minutes=5))  # any address
    assert store.login_allowed("lee", "10.0.0.9", NOW + timedelta(minutes=5))  # other users not
    assert store.login_allowed("dana", "10.0.0.9", NOW + WINDOW + timedelta(minutes=1))


def test_a_success_starts_the_count_again(store: Store) -> None:
    for minute in range(MAX_FAILURES - 1):
        store.record_login_attempt("dana", "h", False, NOW + timedelta(minutes=minute))
    store.record_login_attempt("dana", "h", True, NOW + timedelta(minutes=5))
    store.record_login_attempt("dana", "h", False, NOW + timedelta(minutes=6))
    assert store.login_allowed("dana", "h", NOW + timedelta(minutes=7))


def test_many_failures_from_one_address_lock_it_out(store: Store) -> None:
    for n in range(20):
        store.record_login_attempt(f"user{n}", "203.0.113.5", False, NOW)
    assert not store.login_allowed("someone", "203.0.113.5", NOW + timedelta(minutes=1))
    assert store.login_allowed("someone", "198.51.100.1", NOW + timedelta(minutes=1))
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
