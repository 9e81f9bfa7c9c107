"""The batch's pieces without a cluster: sources, practice map, one task, the dataset writer."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

from typer.testing import CliRunner

from recoup.cli import app
from recoup.cluster import (
    DONE,
    FAILED,
    REJECTED,
    expand_sources,
    process_file,
    read_manifest,
    read_practice_map,
    read_table,
)
from recoup.cluster.dataset import MANIFEST, write_result
from recoup.cluster.practices import EMPTY, PracticeMap
from recoup.cluster.sources import Stamp
from recoup.x12 import read_835

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
TODAY = date(2026, 11, 23)
BRIGHTPATH_NPI = "1548213069"  # examples/brightpath-pt/practice.toml
ONE_FILE = EXAMPLES / "brightpath-pt" / "remittances" / "2026-10-02_summit-health-plan.835"


def test_sources_take_files_folders_and_globs_and_say_what_matched_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.835").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.EDI").write_text("x")
    (tmp_path / "notes.csv").write_text("x")  # not a remittance name: a folder skips it
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.835").write_text("x")
    listing = expand_sources(
        [str(tmp_path), str(tmp_path / "a.835"), str(tmp_path / "*.csv"), str(tmp_path / "nope")]
    )
    names = [Path(s.name).relative_to(tmp_path).as_posix() for s in listing.files]
    assert names == ["a.835", "sub/b.EDI", "notes.csv"]  # a.835 once; an explicit glob is taken
    assert listing.missing == (str(tmp_path / "nope"),)
    assert all(s.size == 1 for s in listing.files)


def test_sources_read_fsspec_urls(tmp_path: Path) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/batch/one.835", ONE_FILE.read_bytes())
    listing = expand_sources(["memory://batch"])
    assert [s.name for s in listing.files] == ["memory:///batch/one.835"]
    result = process_file(listing.files[0], EMPTY, TODAY)
    assert result.status == DONE and result.claims == 8


def test_practice_map_csv_and_toml(tmp_path: Path) -> None:
    (tmp_path / "map.csv").write_text(
        f"key,practice\n{BRIGHTPATH_NPI},practices/bp\n*/aba/*,/abs/aba\n,missing\n"
    )
    csv_map, problems = read_practice_map(tmp_path / "map.csv")
    assert problems == [f"{tmp_path / 'map.csv'}: row 4: key and practice are both required"]
    assert csv_map.by_npi == {BRIGHTPATH_NPI: str(tmp_path / "practices" / "bp")}
    assert csv_map.folder_for("in/aba/x.835", (BRIGHTPATH_NPI,)) == "/abs/aba"  # glob first
    assert csv_map.folder_for("in/x.835", ("999", BRIGHTPATH_NPI)) == str(
        tmp_path / "practices" / "bp"
    )
    assert csv_map.folder_for("in/x.835", ("999",)) is None
    (tmp_path / "map.toml").write_text(f'[npi]\n{BRIGHTPATH_NPI} = "bp"\n[others]\n')
    toml_map, problems = read_practice_map(tmp_path / "map.toml")
    assert toml_map.by_npi == {BRIGHTPATH_NPI: str(tmp_path / "bp")}
    assert problems == [f"{tmp_path / 'map.toml'}: unknown table(s) others (expected npi, glob)"]


def test_a_task_runs_the_cli_triage_with_the_mapped_practice() -> None:
    stamp = expand_sources([str(ONE_FILE)]).files[0]
    practices = PracticeMap({BRIGHTPATH_NPI: str(EXAMPLES / "brightpath-pt")}, ())
    result = process_file(stamp, practices, TODAY)
    without = process_file(stamp, EMPTY, TODAY)
    # 5 denials, 1 underpaid line, and 3 takeback reviews: alone, this file's PLB takebacks
    # name payments that are in other files (the store links two of them; see tests/takebacks)
    assert (result.status, result.claims, result.denials) == (DONE, 8, 10)
    assert result.denied == Decimal("647.10")  # $508 denied, $2.20 underpaid, $136.90 PLB
    denials = result.tables["denials"]
    assert set(denials.column("practice").to_pylist()) == {str(EXAMPLES / "brightpath-pt")}
    assert set(without.tables["denials"].column("practice").to_pylist()) == {None}
    assert str(denials.schema.field("denied_amount").type) == "decimal128(18, 2)"


def test_a_bad_file_is_rejected_with_its_reason_and_an_unreadable_one_fails(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.835"
    bad.write_text("ISA*00*nonsense~")
    rejected = process_file(Stamp(str(bad), 16, "0"), EMPTY, TODAY)
    assert rejected.status == REJECTED and rejected.reason
    assert rejected.tables["findings"].num_rows >= 1 and "claims" not in rejected.tables
    failed = process_file(Stamp(str(tmp_path / "gone.835"), 0, "0"), EMPTY, TODAY)
    assert failed.status == FAILED and failed.reason.startswith("cannot read the file")


def test_writing_a_file_twice_replaces_its_parts_and_a_torn_manifest_line_is_ignored(
    tmp_path: Path,
) -> None:
    stamp = expand_sources([str(ONE_FILE)]).files[0]
    result = process_file(stamp, EMPTY, TODAY)
    out = tmp_path / "out"
    manifest = read_manifest(out)
    write_result(out, result, manifest)
    write_result(out, result, manifest)  # a crash before the manifest line, then the rerun
    claims = read_table(out, "claims")
    assert claims.num_rows == 8
    assert set(claims.column("payer").to_pylist()) == {"73120"}  # a string, not a number
    months = {r.notice_date.strftime("%Y-%m") for r in read_835(ONE_FILE).remittances if r.claims}
    assert set(claims.column("month").to_pylist()) == months and len(months) > 1
    with (out / MANIFEST).open("a") as handle:
        handle.write('{"sha256": "torn')  # the client died mid-append
    again = read_manifest(out)
    assert list(again.entries) == [result.sha256] and stamp.key in again.stamps
    write_result(out, result, again)
    lines = (out / MANIFEST).read_text().splitlines()
    assert json.loads(lines[-1])["sha256"] == result.sha256  # the torn line did not eat it
    assert not list(out.rglob(".*.tmp"))


def test_the_cli_says_how_to_get_the_extra_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    result = CliRunner().invoke(app, ["batch", str(ONE_FILE), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "pip install 'recoup[cluster]'" in result.output.replace("\n", "")


def test_the_cli_refuses_a_practice_map_with_a_bad_folder(tmp_path: Path) -> None:
    (tmp_path / "map.csv").write_text(f"key,practice\n{BRIGHTPATH_NPI},no-such-folder\n")
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(ONE_FILE),
            "--out",
            str(tmp_path / "o"),
            "--practice-map",
            str(tmp_path / "map.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "could not be read" in result.output
    assert not (tmp_path / "o").exists()  # nothing was run


def test_the_core_install_does_not_import_the_cluster_packages() -> None:
    import subprocess

    code = (
        "import sys, recoup.cli; "
        "print(sorted(m for m in ('dask', 'distributed', 'pyarrow', 'fsspec', 'recoup.cluster')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
