"""Suite-wide checks and fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pgserver import PgServer, PgUnavailable


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server per test session (per xdist worker), started on first use by
    the store and NCCI suites (see ``pgserver.py``); each test makes its own database on it.
    Without the PostgreSQL binaries the ``postgres`` cases skip on a developer's machine but
    fail in CI (``CI=true``), so a missing install step cannot pass unnoticed."""
    try:
        server = PgServer()
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}", pytrace=False)
        pytest.skip(str(exc))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def pytest_sessionstart(session: pytest.Session) -> None:
    # the CLI honours $COLUMNS (a terminal's width); pytest-xdist workers inherit one, a plain
    # run may not: the tests that want a width set it themselves
    os.environ.pop("COLUMNS", None)
    from recoup.x12 import stale_compiled_modules

    stale = stale_compiled_modules()
    if stale:
        raise pytest.UsageError(
            f"the compiled 835 reader is older than {', '.join(stale)}: the tests would run "
            "stale code. Run `make install` first."
        )
