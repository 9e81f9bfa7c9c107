"""``recoup import``, ``recoup claims`` and ``recoup claim`` as a biller would run them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.store import ENV_VAR
from remit_samples import corrupt_file, original_file
from store_helpers import BRIGHTPATH

runner = CliRunner()
REMITTANCES = sorted(str(p) for p in (BRIGHTPATH / "remittances").glob("*.835"))


def test_import_the_example_practice_then_again(db_url: str) -> None:
    first = runner.invoke(app, ["import", "--db", db_url, str(BRIGHTPATH), *REMITTANCES])
    assert first.exit_code == 0, first.output
    assert "brightpath-pt: imported: practices 1 new; payers 4 new; patients 8 new" in first.output
    assert "2026-04-17_summit-health-plan.835: imported 11 claims (11 new, 0 already stored)" in (
        first.output
    )
    assert "reversal links updated on 2 claims" in first.output
    second = runner.invoke(app, ["import", "--db", db_url, str(BRIGHTPATH), *REMITTANCES])
    assert second.exit_code == 0
    assert second.output.count("already imported, nothing changed") == 1 + len(REMITTANCES)

    claim = runner.invoke(app, ["claim", "--db", db_url, "BP26036", "--json"])
    assert claim.exit_code == 0, claim.output
    (found,) = json.loads(claim.stdout)["claims"]
    history = found["history"]
    assert [(c["lineage"], c["state"]) for c in history] == [
        ("original", "reversed"),
        ("reversal", "reversal"),
        ("correction", "current"),
    ]
    assert [c["paid"] for c in history] == ["64.70", "-64.70", "52.50"]
    assert found["current"] == [history[2]["id"]]


def test_the_database_url_can_come_from_the_environment(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, db_url)
    path = tmp_path / "a.835"
    path.write_bytes(original_file())
    assert runner.invoke(app, ["import", str(path)]).exit_code == 0
    listed = runner.invoke(app, ["claims", "--json"])
    assert [c["patient_control_number"] for c in json.loads(listed.stdout)["claims"]] == [
        "BP-1020",
        "BP-1021",
    ]
    assert not (tmp_path / "recoup.db").exists()


def test_a_fresh_sqlite_file_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    result = runner.invoke(app, ["import", str(BRIGHTPATH), *REMITTANCES])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "recoup.db").is_file()
    text = runner.invoke(app, ["claim", "SHP26071000121"])  # CLP07 finds it too
    assert text.exit_code == 0
    assert "current: #3 SHP26082100128, billed 187.00, paid 52.50" in text.output
    assert "reversed by #2" in text.output and "corrects after #2" in text.output
    listed = runner.invoke(app, ["claims", "--patient", "P1001"])
    assert listed.exit_code == 0 and "21 claim payments" in listed.output
    assert "CO-119" in listed.output


def test_a_bad_file_in_a_batch_is_reported_and_the_rest_lands(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.835", tmp_path / "bad.835"
    good.write_bytes(original_file())
    bad.write_bytes(corrupt_file())
    db = str(tmp_path / "store.db")
    result = runner.invoke(app, ["import", "--db", db, str(bad), str(good), str(tmp_path / "no")])
    assert result.exit_code == 1
    assert "bad.835: failed, nothing imported" in result.output
    assert "bad.835:segment 22 (CAS): error:" in result.output
    assert "good.835: imported 2 claims" in result.output
    assert "no: failed, nothing imported" in result.output and "no such file or folder" in (
        result.output
    )
    as_json = runner.invoke(app, ["import", "--db", db, "--json", str(bad), str(good)])
    statuses = [(Path(i["path"]).name, i["status"]) for i in json.loads(as_json.stdout)["imports"]]
    assert statuses == [("bad.835", "failed"), ("good.835", "already imported")]


def test_an_invalid_practice_folder_lists_every_problem(tmp_path: Path) -> None:
    root = tmp_path / "practice"
    shutil.copytree(BRIGHTPATH, root, ignore=shutil.ignore_patterns("remittances"))
    with (root / "visits.csv").open("a") as f:
        f.write("P9999,BP26999,2026-10-01,97110,GP,2,120.00,09:00,09:30,Dana Whitfield DPT,,\n")
        f.write("P1008,BP26998,2026-10-02,97110,GP,2,120.00,10:30,10:00,Dana Whitfield DPT,,\n")
    db = str(tmp_path / "store.db")
    result = runner.invoke(app, ["import", "--db", db, str(root)])
    assert result.exit_code == 1
    assert "visits.csv:row 216, column patient_id: error: no patient P9999" in result.output
    assert "visits.csv:row 217, column end_time: error: ends at 10:00" in result.output
    skipping = runner.invoke(app, ["import", "--db", db, "--skip-bad-rows", str(root)])
    assert skipping.exit_code == 0, skipping.output
    assert "visits 214 new" in skipping.output and "(row skipped)" in skipping.output


def test_store_problems_are_messages_not_tracebacks(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["claims", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no store at" in missing.output
    down = runner.invoke(app, ["import", "--db", f"postgresql://x:secret@/x?host={tmp_path}", "a"])
    assert down.exit_code == 2 and "cannot open the store" in down.output
    assert "secret" not in down.output
    unknown = runner.invoke(app, ["claims", "--db", "oracle://x/y"])
    assert unknown.exit_code == 2 and "unsupported database" in unknown.output
    for result in (missing, down, unknown):
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)


def test_an_unknown_claim(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    path = tmp_path / "a.835"
    path.write_bytes(original_file())
    runner.invoke(app, ["import", "--db", db, str(path)])
    result = runner.invoke(app, ["claim", "--db", db, "BP-9999"])
    assert result.exit_code == 1 and "no stored claim BP-9999" in result.output


@pytest.mark.parametrize("command", ["import", "claims", "claim"])
def test_every_command_documents_itself(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output and "RECOUP_DATABASE_URL" in result.output
