"""practice.toml [x12] strict = true: envelope faults are errors for that practice's 835s, from
files (recoup triage) and in the store (recoup import), as --strict makes them."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from recoup.cli import app
from recoup.practice import read_practice
from recoup.store import Store
from x12_samples import seed_file

TOML = """name = "BrightPath Physical Therapy"
npi = "1487654321"
tax_id = "841234567"
address = "120 Main St, Boulder, CO 80302"
phone = "303-555-0100"
signer_name = "Dana Lee"
signer_title = "Billing manager"
{extra}
"""


def _folder(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "practice"
    folder.mkdir(exist_ok=True)
    (folder / "practice.toml").write_text(TOML.format(extra=extra))
    return folder


def _se_off_by_one(tmp_path: Path) -> Path:
    data = seed_file()
    count = int(re.search(rb"SE\*(\d+)\*", data)[1])  # type: ignore[index]
    path = tmp_path / "se.835"
    path.write_bytes(data.replace(f"SE*{count}*".encode(), f"SE*{count + 1}*".encode()))
    return path


def test_the_setting_is_read_and_checked(tmp_path: Path) -> None:
    practice, _ = read_practice(_folder(tmp_path, "[x12]\nstrict = true"))
    assert practice is not None and practice.x12_strict
    practice, _ = read_practice(_folder(tmp_path, ""))
    assert practice is not None and not practice.x12_strict
    practice, findings = read_practice(_folder(tmp_path, '[x12]\nstrict = "yes"'))
    assert practice is None
    assert any(f.code == "practice.toml.type" and f.row == 9 for f in findings)


def test_a_strict_practice_refuses_an_se_count_fault_in_the_store(
    store: Store, tmp_path: Path
) -> None:
    era = _se_off_by_one(tmp_path)
    store.import_path(_folder(tmp_path, "[x12]\nstrict = true"))
    failed = store.import_835(era)
    assert failed.status == "failed"
    assert store.row_counts()["claims"] == 0


def test_a_lenient_practice_imports_it_with_a_warning(store: Store, tmp_path: Path) -> None:
    era = _se_off_by_one(tmp_path)
    store.import_path(_folder(tmp_path, ""))
    done = store.import_835(era)
    assert done.status == "imported"
    assert any(f.severity.value == "warning" for f in done.findings)


def test_recoup_triage_follows_the_practice_setting(tmp_path: Path) -> None:
    era = _se_off_by_one(tmp_path)
    runner = CliRunner()
    lenient = runner.invoke(app, ["triage", str(era), "--practice", str(_folder(tmp_path, ""))])
    assert lenient.exit_code == 0, lenient.output
    folder = _folder(tmp_path, "[x12]\nstrict = true")
    strict = runner.invoke(app, ["triage", str(era), "--practice", str(folder)])
    assert strict.exit_code != 0
    assert "nothing was triaged" in strict.output
