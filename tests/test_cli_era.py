"""``recoup era show`` on the example practice and on broken files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from recoup.cli import app
from x12_samples import seed_file

ROOT = Path(__file__).parents[1]
runner = CliRunner()


def test_show_lists_the_denied_lines(tmp_path: Path) -> None:
    path = tmp_path / "seed.835"
    path.write_bytes(seed_file())
    result = runner.invoke(app, ["era", "show", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "SUMMIT HEALTH PLAN" in out and "BRIGHTPATH PHYSICAL THERAPY" in out
    assert "$98.40" in out and "EFT0304001" in out
    assert "2 claims" in out and "denied $185.00" in out
    assert "CO-119" in out and "N362" in out and "97110:GP" in out
    assert "BP-1020" not in out.split("denied lines", 1)[1]  # the paid claim is not a denial


def test_json_keeps_money_exact(tmp_path: Path) -> None:
    path = tmp_path / "seed.835"
    path.write_bytes(seed_file())
    result = runner.invoke(app, ["era", "show", "--json", str(path)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    (entry,) = data["files"]
    assert entry["ok"] is True
    claim = entry["remittances"][0]["claims"][1]
    assert claim["charge"] == "185.00" and claim["paid"] == "0.00"
    assert claim["lines"][0]["adjustments"][0] == {
        "group": "CO",
        "reason": "119",
        "amount": "120.00",
        "quantity": None,
        "segment": claim["lines"][0]["adjustments"][0]["segment"],
    }


def test_broken_file_exits_non_zero_with_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.835"
    path.write_bytes(seed_file().replace(b"CAS*CO*119*65.00", b"CAS*CO*119*65,00"))
    result = runner.invoke(app, ["era", "show", str(path)])
    assert result.exit_code == 1
    assert 'bad.835:segment 44 (CAS): error: CAS has "65,00"' in result.output
    assert "Traceback" not in result.output


def test_missing_and_garbage_files(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not an 835")
    result = runner.invoke(app, ["era", "show", str(junk), str(tmp_path / "nope.835")])
    assert result.exit_code == 1
    assert "this is not an X12 file" in result.output
    assert "nope.835: error: no such file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_example_practices_read_clean() -> None:
    files = sorted(str(p) for p in (ROOT / "examples").glob("*/remittances/*.835"))
    assert len(files) >= 10
    result = runner.invoke(app, ["era", "show", "--json", *files])
    assert result.exit_code == 0, result.output[-2000:]
    data = json.loads(result.output)
    assert all(f["ok"] and f["findings"] == [] for f in data["files"])


def test_every_command_has_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("era",):
        assert command in result.output
    assert runner.invoke(app, ["era", "show", "--help"]).exit_code == 0
    assert sys.version_info >= (3, 11)


def test_control_characters_from_an_835_never_reach_the_terminal(tmp_path: Path) -> None:
    """An ESC sequence in a payer's or patient's name (or in a broken segment) is shown as text,
    and rich markup in a name stays a name."""
    data = seed_file().replace(b"SUMMIT HEALTH PLAN", b"SUMMIT \x1b]0;owned\x07[red]PLAN")
    data = data.replace(b"RIVERA", b"RIV\x1b[2JERA")
    (tmp_path / "era.835").write_bytes(data)
    broken = data.replace(b"CAS*CO*119*120.00", b"CAS*CO*119*1\x1b[8m20,00", 1)
    (tmp_path / "broken.835").write_bytes(broken)
    for path in (tmp_path / "era.835", tmp_path / "broken.835"):
        result = CliRunner().invoke(app, ["era", "show", str(path)])
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "\\x1b" in result.output
    shown = CliRunner().invoke(app, ["era", "show", str(tmp_path / "era.835")])
    assert "[red]PLAN" in shown.output
