"""The pipeline owns the order of the work: one worklist refresh per batch, on the caller's
today, whichever face (CLI batch, web upload) imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recoup import pipeline
from recoup.pipeline import stored
from recoup.store import Store
from recoup.store.tables import denials
from recoup.web import create_app
from store_helpers import BRIGHTPATH
from web.helpers import zip_folder

APP_TODAY = date(2026, 11, 23)  # not the machine's date: the app runs with --today


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """Every worklist refresh the pipeline runs, by its today."""
    seen: list[date] = []
    real = stored.refresh_worklist

    def counted(store: Store, today: date, keys: object = None) -> object:
        seen.append(today)
        return real(store, today, keys)  # type: ignore[arg-type]

    monkeypatch.setattr(stored, "refresh_worklist", counted)
    return seen


def test_a_web_upload_of_the_example_practice_refreshes_once_on_the_apps_today(
    tmp_path: Path, refreshes: list[date]
) -> None:
    store = Store.open(str(tmp_path / "recoup.db"))
    try:
        app = create_app(store, multi_user=False, today=lambda: APP_TODAY, data_dir=tmp_path)
        client = TestClient(app, base_url="https://127.0.0.1")
        token = client.get("/api/session").json()["csrf_token"]
        era = sorted((BRIGHTPATH / "remittances").glob("*.835"))[0]
        answer = client.post(
            "/api/imports",
            files=[
                ("files", ("brightpath-pt.zip", zip_folder(BRIGHTPATH), "application/zip")),
                ("files", (era.name, era.read_bytes(), "application/octet-stream")),
            ],
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 200, answer.text
        # the practice, its 6 sent claim files, its 6 remittances, then the loose one (already
        # imported from the zip)
        results = answer.json()["results"]
        assert [r["kind"] for r in results] == ["practice"] + ["837"] * 6 + ["835"] * 7
        assert len(results) == 14 and results[-1]["status"] == "already imported"
        assert refreshes == [APP_TODAY]
        with store.engine.connect() as conn:
            days = set(conn.scalars(select(denials.c.triaged_on)))
        assert days == {APP_TODAY}
    finally:
        store.close()


def test_the_cli_batch_refreshes_once(tmp_path: Path, refreshes: list[date]) -> None:
    with Store.open(str(tmp_path / "recoup.db")) as store:
        paths = [BRIGHTPATH, *sorted((BRIGHTPATH / "remittances").glob("*.835"))]
        batch = pipeline.import_paths(store, paths, today=APP_TODAY)
        # 19 denials, the underpaid 97140 of BP26036 and one takeback review
        assert batch.ok and batch.refresh is not None and batch.refresh.new == 21
        assert refreshes == [APP_TODAY]
        again = pipeline.import_paths(store, paths, today=APP_TODAY)
        assert {r.status for r in again.results} == {"already imported"}
        assert again.refresh is None and refreshes == [APP_TODAY]  # nothing changed: no refresh


def test_a_refresh_that_never_ran_is_finished_on_the_next_read(tmp_path: Path) -> None:
    """The batch was killed after its imports, before its refresh: the store says so, and the
    next `recoup worklist` catches up instead of showing a partial list without a word."""
    from typer.testing import CliRunner

    from recoup.cli import app

    db = str(tmp_path / "recoup.db")
    paths = [BRIGHTPATH, *sorted((BRIGHTPATH / "remittances").glob("*.835"))]
    with Store.open(db) as store:
        for path in paths:  # what import_paths does before its one refresh
            assert store.import_path(path).ok
        assert store.pending_refreshes() == {"1548213069", ""}
    shown = CliRunner().invoke(app, ["worklist", "--db", db, "--today", "2026-11-23", "--json"])
    assert shown.exit_code == 0, shown.output
    assert "had not finished" in shown.stderr
    import json

    assert json.loads(shown.stdout)["total"] == 21  # 19 denials, 1 underpaid line, 1 takeback
    with Store.open(db) as store:
        assert store.pending_refreshes() == set()
        assert pipeline.catch_up(store, APP_TODAY) is None


def test_the_web_pages_read_what_recoup_import_stored(tmp_path: Path) -> None:
    """After `recoup import` (no upload), the Benefits page lists the example caps and the
    denial page opens a CSV row of evidence: every page reads the store."""
    with Store.open(str(tmp_path / "recoup.db")) as store:
        paths = [BRIGHTPATH, *sorted((BRIGHTPATH / "remittances").glob("*.835"))]
        assert pipeline.import_paths(store, paths, today=APP_TODAY).ok
        data = tmp_path / "data"
        app = create_app(store, multi_user=False, today=lambda: APP_TODAY, data_dir=data)
        client = TestClient(app, base_url="https://127.0.0.1")
        page = client.get("/benefits")
        assert page.status_code == 200 and "Kowalski" in page.text and "pt_ot" not in page.text
        answer = client.get("/api/patients/P1001/benefits", params={"on": "2026-03-05"})
        assert answer.status_code == 200, answer.text
        (cap,) = [b for b in answer.json()["benefits"] if b["benefit"] == "pt_ot"]
        assert (cap["used"], cap["remaining"]) == ("17", "3")
        assert not (data / "practices").exists()  # no copy of the folder was needed
