"""The schema: migrations are applied on open, match the table definitions, and are shared
by SQLite and PostgreSQL; where the store lives is resolved the documented way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from recoup.store import ENV_VAR, Store, StoreError, resolve_url
from recoup.store.migrate import current_revision, head_revision
from recoup.store.tables import metadata
from store_helpers import run_together


def test_open_migrates_to_head_and_migrations_match_the_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_money_columns_hold_exact_text_or_numeric(store: Store) -> None:
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            kind = conn.scalar(
                text("SELECT type FROM pragma_table_info('claims') WHERE name='paid'")
            )
            assert kind == "VARCHAR(40)"
        else:
            kind = conn.scalar(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'claims' AND column_name = 'paid'"
                )
            )
            assert kind == "numeric"


def test_opening_a_new_store_from_many_threads_at_once(db_url: str) -> None:
    def job(ready: Callable[[], object]) -> None:
        ready()
        Store.open(db_url).close()  # raises if two migrations collide

    run_together(job, job, job, job)
    with Store.open(db_url) as store:
        assert store.row_counts()["claims"] == 0


def test_a_store_from_a_newer_recoup_is_refused(store: Store, db_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this recoup knows"):
        Store.open(db_url)


def test_where_the_store_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'recoup.db'}"
    assert resolve_url("other.db") == f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv(ENV_VAR, "postgresql://billing@db.internal/recoup")
    assert resolve_url() == "postgresql://billing@db.internal/recoup"
    assert resolve_url("local.db") == f"sqlite:///{tmp_path / 'local.db'}"  # --db wins


def test_a_new_sqlite_store_is_private_to_its_owner(tmp_path: Path) -> None:
    Store.open(str(tmp_path / "new.db")).close()
    assert (tmp_path / "new.db").stat().st_mode & 0o777 == 0o600


def test_bad_urls_and_missing_stores_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        Store.open("mysql://x@localhost/db")
    with pytest.raises(StoreError, match="no store at"):
        Store.open(str(tmp_path / "none.db"), must_exist=True)
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open(f"postgresql://nobody@/x?host={tmp_path}&port=1")
    with pytest.raises(StoreError, match="cannot create the store"):
        Store.open(str(tmp_path / "no" / "such" / "dir.db"))
