"""``recoup ncci`` on bad input: a message with the file, exit status 1 or 2, no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from recoup.cli import app

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_bad_files_are_findings_and_nothing_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "ccipra-v322r0-f1.xlsx"
    broken.write_text("not a workbook")
    db = str(tmp_path / "r.db")
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["ncci", "import", str(broken), str(tmp_path / "missing.txt"),
         str(EXAMPLES / "brightpath-pt" / "visits.csv"), "--db", db],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert "cannot read the workbook" in result.output
    assert "cannot read the file" in result.output
    assert "neither an NCCI PTP file" in result.output
    lookup = runner.invoke(
        app, ["ncci", "lookup", "97140", "97530", "--on", "2026-09-15", "--db", db]
    )
    assert "recoup bundled PTP table (illustrative, not the CMS file)" in lookup.output


def test_bad_options(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_date = runner.invoke(app, ["ncci", "lookup", "97140", "97530", "--on", "2026-13-01"])
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.output
    db = str(tmp_path / "r.db")
    bad_quarter = runner.invoke(app, ["ncci", "import", "x.txt", "--quarter", "2026Q9", "--db", db])
    assert bad_quarter.exit_code == 2 and "is not a quarter" in bad_quarter.output
