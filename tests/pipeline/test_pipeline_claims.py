"""The corrected claim goes with its packet: `recoup triage --letters` writes the 837P beside
the letter, and the web app offers it as a download; both pass the implementation guide."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from recoup import pipeline
from recoup.cli import app
from recoup.store import DenialQuery, Store
from recoup.web import create_app
from store_helpers import LITTLE_STEPS
from x12_validate import guide_errors

TODAY = date(2026, 11, 23)
ERAS = sorted((LITTLE_STEPS / "remittances").glob("*.835"))


def test_triage_letters_write_the_corrected_claim_beside_the_letter(tmp_path: Path) -> None:
    out = tmp_path / "letters"
    args = ["triage", *map(str, ERAS), "--practice", str(LITTLE_STEPS), "--today", "2026-11-23"]
    result = CliRunner().invoke(app, [*args, "--letters", str(out)])
    assert result.exit_code == 0, result.output
    (claim,) = out.glob("LS4114-*-corrected_claim/LS4114-replacement.837")
    text = claim.read_text()
    assert "CLM*LS4114*" in text and ":7*" in text and "REF*F8*PM20260825001A" in text
    assert "97155:XE" in text and guide_errors(text) == []
    assert "corrected or secondary 837P" in result.stderr


def test_the_web_app_offers_the_corrected_claim(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "recoup.db")) as store:
        assert pipeline.import_paths(store, [LITTLE_STEPS, *ERAS], today=TODAY).ok
        web = TestClient(
            create_app(store, multi_user=False, today=lambda: TODAY, data_dir=tmp_path),
            base_url="https://127.0.0.1",
        )
        rows = store.denials(DenialQuery(per_page=500, today=TODAY)).rows
        (ls4114,) = [r for r in rows if r.patient_account == "LS4114"]
        page = web.get(f"/denials/{ls4114.id}")
        assert f"/denials/{ls4114.id}/claim.837" in page.text
        answer = web.get(f"/api/denials/{ls4114.id}/claim")
        assert answer.status_code == 200, answer.text
        assert "REF*F8*PM20260825001A" in answer.text and guide_errors(answer.text) == []
        other = next(r for r in rows if r.lane == "write_off")
        refused = web.get(f"/api/denials/{other.id}/claim")
        assert refused.status_code == 400 and "sends no claim" in refused.json()["error"]
