"""Store fixtures (imported by the conftest of each suite that needs a store): every store test
runs against SQLite and against a real PostgreSQL server.

The PostgreSQL server is started once per test session (per xdist worker) by the tests
themselves (see ``pgserver.py``); each test gets a fresh database on it. Without the
PostgreSQL binaries the ``postgres`` cases are skipped on a developer's machine but fail in CI
(``CI=true``), so a missing install step cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pgserver import PgServer
from recoup.store import Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes URLs of new, empty databases of the kind under test."""
    if request.param == "sqlite":
        names = iter(range(1, 1000))
        return lambda: f"sqlite:///{tmp_path / f'store{next(names)}.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database


@pytest.fixture
def db_url(new_db_url: Callable[[], str]) -> str:
    return new_db_url()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened
