"""Fixtures for the web tests: stores (empty or holding the example practice), apps, clients.

The example practice (examples/brightpath-pt, with its remittances) is imported once per session
into a template SQLite file; a test that changes data gets its own copy of that file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recoup.store import Store
from recoup.web import create_app
from recoup.web.uploads import UploadLimits
from web.helpers import EXAMPLE, PASSWORD, TODAY, Web, zip_folder


@pytest.fixture(scope="session")
def example_zip() -> bytes:
    return zip_folder(EXAMPLE)


@pytest.fixture(scope="session")
def example_dir(tmp_path_factory: pytest.TempPathFactory, example_zip: bytes) -> Path:
    """A data folder whose recoup.db holds the example practice, imported through the app."""
    folder = tmp_path_factory.mktemp("example-store")
    store = Store.open(str(folder / "recoup.db"))
    try:
        app = create_app(store, multi_user=False, today=lambda: TODAY, data_dir=folder)
        client = TestClient(app, base_url="https://127.0.0.1")
        token = client.get("/api/session").json()["csrf_token"]
        answer = client.post(
            "/api/imports",
            files=[("files", ("brightpath-pt.zip", example_zip, "application/zip"))],
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["failed"] == 0, answer.text
    finally:
        store.close()
    return folder


def copy_data(source: Path, target: Path) -> Path:
    # each copy gets its own secret key, as each server would
    ignore = shutil.ignore_patterns("*-wal", "*-shm", "recoup-secret.key")
    shutil.copytree(source, target, ignore=ignore)
    return target


WebFactory = Callable[..., Web]


@pytest.fixture
def make_web(tmp_path: Path, example_dir: Path) -> Iterator[WebFactory]:
    """``make_web(multi_user=False, example=True, limits=None)``: a fresh app and store."""
    stores: list[Store] = []

    def make(
        *, multi_user: bool = False, example: bool = True, limits: UploadLimits | None = None
    ) -> Web:
        folder = tmp_path / f"data{len(stores)}"
        if example:
            copy_data(example_dir, folder)
        else:
            folder.mkdir()
        store = Store.open(str(folder / "recoup.db"))
        stores.append(store)
        if multi_user:
            for role in ("admin", "biller", "readonly"):
                store.create_user(role, PASSWORD, role)
                store.grant_practice(role, "*")  # this fixture's users serve every practice
        app = create_app(
            store, multi_user=multi_user, today=lambda: TODAY, data_dir=folder, limits=limits
        )
        return Web(app, store)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def web(make_web: WebFactory) -> Web:
    """Single-user mode over a copy of the example store."""
    return make_web()
