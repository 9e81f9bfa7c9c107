"""Shared by the web tests: the example practice, a fixed today, a client with its CSRF token."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from recoup.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "brightpath-pt"
TODAY = date(2026, 11, 23)
PASSWORD = "correct horse battery"


def zip_folder(folder: Path) -> bytes:
    """The folder as a zip, the way a person zips it: one top-level folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


class Web:
    """A test client with the CSRF token at hand, over an app and its store."""

    def __init__(self, app: FastAPI, store: Store) -> None:
        self.app = app
        self.store = store
        self.client = TestClient(app, base_url="https://127.0.0.1", follow_redirects=False)

    @property
    def token(self) -> str:
        token: str = self.client.get("/api/session").json()["csrf_token"]
        return token

    def post(self, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.token, **kwargs.pop("headers", {})}
        return self.client.post(url, headers=headers, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.post("/api/login", json={"username": username, "password": password})
