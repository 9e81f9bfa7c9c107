"""Every table-printing command fits a 100-column terminal on the example practices' data.

Each command runs as a user runs it after ``make demo`` (the store holding both example
practices), with ``COLUMNS=100``; no line of what it prints may be wider than 100 characters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app

ROOT = Path(__file__).resolve().parents[1]
BRIGHTPATH = ROOT / "examples" / "brightpath-pt"
LITTLE = ROOT / "examples" / "little-steps-aba"
WIDTH = 100
TODAY = "2026-11-23"
runner = CliRunner()


def _remits(folder: Path) -> list[str]:
    return [str(p) for p in sorted((folder / "remittances").glob("*.835"))]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("widths") / "recoup.db")
    for folder in (BRIGHTPATH, LITTLE):
        args = ["import", "--db", path, str(folder), *_remits(folder), "--today", TODAY]
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    env = {"RECOUP_PASSWORD": "a long enough password"}
    assert runner.invoke(app, ["user", "add", "dana", "--db", path], env=env).exit_code == 0
    listed = runner.invoke(app, ["worklist", "--db", path, "--today", TODAY, "--json"])
    denial = str(json.loads(listed.output)["denials"][0]["id"])
    note = [
        "note",
        denial,
        "--db",
        path,
        "--call",
        "--contact",
        "Provider services, Jordan at the second tier",
        "--reference",
        "REF-2026-1123-000481",
        "--text",
        "The payer says the visit count includes the 2026-03-02 visit billed under the other "
        "NPI; they will reprocess once the corrected claim arrives, within 30 days.",
    ]
    done = runner.invoke(app, note, env={"RECOUP_USER": "dana"})
    assert done.exit_code == 0, done.output
    return path + "#" + denial


def _commands(where: str) -> dict[str, list[str]]:
    db, _, denial = where.partition("#")
    return {
        "era show": ["era", "show", *_remits(BRIGHTPATH), *_remits(LITTLE)],
        "claims": ["claims", "--db", db],
        "claim": ["claim", "BP26036", "--db", db],
        "worklist": ["worklist", "--db", db, "--today", TODAY, "--status", "all"],
        "kpis": ["kpis", "--db", db, "--today", TODAY],
        "notes": ["notes", denial, "--db", db],
        "remind": ["remind", "--db", db, "--today", TODAY, "--days", "400"],
        "benefits brightpath": ["benefits", "--practice", str(BRIGHTPATH), "--on", TODAY],
        "benefits little steps": ["benefits", "--practice", str(LITTLE), "--on", TODAY],
        "triage brightpath": [
            "triage",
            *_remits(BRIGHTPATH),
            "--practice",
            str(BRIGHTPATH),
            "--today",
            TODAY,
        ],
        "triage little steps": [
            "triage",
            *_remits(LITTLE),
            "--practice",
            str(LITTLE),
            "--today",
            TODAY,
        ],
        "scrub": [
            "scrub",
            "--practice",
            str(BRIGHTPATH),
            *[str(p) for p in sorted((BRIGHTPATH / "claims").glob("*.837"))],
        ],
        "codes": ["codes", "CO-119"],
        "codes search": ["codes", "--search", "benefit maximum"],
    }


COMMANDS = list(_commands("DB#1"))


@pytest.mark.parametrize("name", COMMANDS)
def test_the_table_fits_100_columns(db: str, name: str) -> None:
    args = _commands(db)[name]
    result = runner.invoke(app, args, env={"COLUMNS": str(WIDTH)})
    assert result.exit_code in (0, 1), result.output  # scrub exits 1 when it flags a line
    lines = result.output.splitlines()
    assert len(lines) > 2, result.output  # it printed something to measure
    wide = [(len(line), line) for line in lines if len(line) > WIDTH]
    assert not wide, "\n".join(f"{n}: {line}" for n, line in wide[:5])


CODE_LIKE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|(?:CO|PR|OA|PI|CR)-\d{1,3}|BP26\d{3}|LS41\d{2})\b")


@pytest.mark.parametrize("name", ["worklist", "claims", "kpis", "remind"])
def test_a_narrow_table_wraps_text_and_keeps_codes_whole(db: str, name: str) -> None:
    """Shrunk to 100 columns, a table wraps its names and payers; the dates, claim numbers
    and denial codes stay whole (never "2026-0…"), and no cell ends in an ellipsis."""
    args = _commands(db)[name]
    narrow = runner.invoke(app, args, env={"COLUMNS": str(WIDTH)})
    wide = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert narrow.exit_code == 0 and wide.exit_code == 0, narrow.output
    assert "…" not in narrow.output
    whole = sorted(CODE_LIKE.findall(wide.output))
    assert whole, wide.output  # the command printed codes to keep
    if name != "claims":  # 11 columns in 100: its payer claim and notice date fold (below)
        assert sorted(CODE_LIKE.findall(narrow.output)) == whole
    else:
        assert sorted(re.findall(r"BP26\d{3}|LS41\d{2}", narrow.output)) == sorted(
            re.findall(r"BP26\d{3}|LS41\d{2}", wide.output)
        )
