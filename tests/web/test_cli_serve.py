"""``recoup serve`` and ``recoup user add``: what they refuse, and what they say on start."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.cli.serve import is_loopback

runner = CliRunner()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.com", "::"])
def test_other_hosts(host: str) -> None:
    assert not is_loopback(host)


def test_serving_a_network_address_needs_multi_user(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "r.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve 0.0.0.0 without --multi-user" in result.output
    assert not (tmp_path / "r.db").exists()


def test_postgresql_needs_multi_user() -> None:
    result = runner.invoke(app, ["serve", "--db", "postgresql://x@/y"])
    assert result.exit_code == 2 and "add --multi-user" in result.output


def test_multi_user_needs_an_account(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "r.db"), "--multi-user"])
    assert result.exit_code == 1 and "recoup user add" in result.output


def test_a_bad_today_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "r.db"), "--today", "soon"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_user_add_creates_an_account(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    result = runner.invoke(
        app,
        ["user", "add", "dana", "--role", "admin", "--db", db],
        env={"RECOUP_PASSWORD": "a long password"},
    )
    assert result.exit_code == 0, result.output
    assert "user dana added (admin)" in result.output
    weak = runner.invoke(app, ["user", "add", "sam", "--db", db], env={"RECOUP_PASSWORD": "short"})
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output


def test_single_user_start_says_there_is_no_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, object] = {}

    def fake_run(app: object, **options: object) -> None:
        started.update(options)

    monkeypatch.setattr("uvicorn.run", fake_run)
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "r.db"), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "single-user mode: NO SIGN-IN" in result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert started["access_log"] is False and started["host"] == "127.0.0.1"
    assert (tmp_path / "recoup-secret.key").stat().st_mode & 0o777 == 0o600


def test_help_documents_serve() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--multi-user", "--today"):
        assert option in result.output


def test_docs_cover_every_api_route_and_serve_option() -> None:
    import re

    from recoup.web.routes import ROUTERS

    def shape(text: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", text)

    docs = shape((Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text())
    paths = {getattr(route, "path", "") for router in ROUTERS for route in router.routes}
    for path in sorted(p for p in paths if p.startswith("/api/")):
        assert (
            f"`GET {shape(path)}" in docs
            or f"`POST {shape(path)}" in docs
            or (f" {shape(path)}`" in docs)
        ), path
    for option in ("--db", "--host", "--port", "--multi-user", "--today", "recoup user add"):
        assert option in docs
