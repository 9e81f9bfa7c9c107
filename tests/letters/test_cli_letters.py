"""``recoup triage ... --letters DIR``: one folder per claim and lane, paths in the JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from letter_helpers import EXAMPLES
from recoup.cli import app


def test_triage_writes_letters_and_reports_their_paths(tmp_path) -> None:
    folder = EXAMPLES / "little-steps-aba"
    eras = sorted(str(p) for p in (folder / "remittances").glob("*.835"))
    out = tmp_path / "letters"
    result = CliRunner().invoke(
        app,
        [
            "triage",
            *eras,
            "--practice",
            str(folder),
            "--today",
            "2026-11-23",
            "--json",
            "--letters",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    letters = {d["denial_id"]: d["letter"] for d in data["denials"]}
    assert all(letters.values())
    for path in set(letters.values()):
        assert (out / path.split("/")[-2] / "letter.pdf").is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {f"{d['patient_account']}-{d['payer_claim_id']}-{d['lane']}" for d in data["denials"]}
    )


def test_letter_from_the_store(tmp_path) -> None:
    folder = EXAMPLES / "brightpath-pt"
    db = str(tmp_path / "recoup.db")
    eras = sorted(str(p) for p in (folder / "remittances").glob("*.835"))
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "--db", db, str(folder), *eras])
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "letters"
    args = ["--db", db, "--out", str(out), "--today", "2026-11-23"]
    result = runner.invoke(app, ["letter", "BP26021", *args])
    assert result.exit_code == 0, result.output
    assert "BP26021-SHP26041700114-write_off" in result.stdout
    letter = (out / "BP26021-SHP26041700114-write_off" / "letter.md").read_text()
    golden = Path(__file__).parent / "golden" / "BP26021-SHP26041700114-write_off.md"
    # the same letter as from the files, but for the file names the sources quote
    assert _without_sources(letter) == _without_sources(golden.read_text())
    one = runner.invoke(app, ["letter", "BP26062-1@0226261944106", *args, "--format", "md"])
    assert one.exit_code == 0, one.output
    assert "to fill in: [MISSING: appeals address for Medicare Part B" in one.stdout
    assert sorted(p.name for p in (out / "BP26062-0226261944106-corrected_claim").iterdir()) == [
        "checklist.md",
        "letter-biller.md",
        "letter.md",
        "packet.json",
    ]
    missing = runner.invoke(app, ["letter", "NO-SUCH-CLAIM", *args])
    assert missing.exit_code == 1
    assert "no open denial or claim NO-SUCH-CLAIM" in missing.output


def _without_sources(markdown: str) -> str:
    return markdown.split("## Sources")[0]
