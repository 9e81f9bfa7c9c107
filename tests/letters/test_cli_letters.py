"""``recoup triage ... --letters DIR``: one folder per claim and lane, paths in the JSON."""

from __future__ import annotations

import json

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
        {f"{d['patient_account']}-{d['lane']}" for d in data["denials"]}
    )
