"""NCCI fixtures: stores on SQLite and on a real PostgreSQL server (started by the tests, see
``pgserver.py``), and the synthetic CMS-layout file writers of ``benchmarks/generate_ncci.py``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from recoup.ncci import forget, use_store
from recoup.store import Store

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    with Store.open(url) as opened:
        yield opened
    forget(opened)


@pytest.fixture(autouse=True)
def _no_default_store() -> Iterator[None]:
    yield
    use_store(None)
