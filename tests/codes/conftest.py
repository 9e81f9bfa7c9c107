"""Shared fixtures for the code-table tests: an isolated user data directory per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def recoup_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point RECOUP_HOME at a fresh directory so no test sees a real imported list."""
    home = tmp_path / "recoup-home"
    monkeypatch.setenv("RECOUP_HOME", str(home))
    return home
