"""``recoup load-parquet``: a batch's Parquet output loaded into the store (SQLite, PostgreSQL).

The batch output is made by the batch's own task and writer (recoup.cluster.process_file,
write_result: no cluster needed). A store loaded from it must hold what a store that imported
the same files holds, with the same idempotency (file hash, claim identity) and lineage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from recoup.cli import app
from recoup.cluster import process_file, read_manifest
from recoup.cluster.dataset import write_result
from recoup.cluster.practices import EMPTY
from recoup.cluster.sources import Stamp
from recoup.pipeline import import_paths
from recoup.pipeline.parquet_load import load_parquet
from recoup.store import Store
from remit_samples import correction_file, original_file, reversal_file
from store_helpers import BRIGHTPATH, snapshot

TODAY = date(2026, 11, 23)


def _files(tmp_path: Path) -> list[Path]:
    """The example's remittances and a reversal story (correction first: lineage any order)."""
    story = tmp_path / "story"
    story.mkdir()
    written = []
    for name, data in (
        ("3-correction.835", correction_file()),
        ("1-original.835", original_file()),
        ("2-reversal.835", reversal_file()),
    ):
        (story / name).write_bytes(data)
        written.append(story / name)
    return sorted((BRIGHTPATH / "remittances").glob("*.835")) + written


def _batch(files: list[Path], out: Path) -> None:
    manifest = read_manifest(out)
    for path in files:
        result = process_file(Stamp(str(path), path.stat().st_size, "0"), EMPTY, TODAY)
        write_result(out, result, manifest)


def _claims(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (c.patient_control_number, c.payer_claim_id, c.status, c.paid, c.state)
        for c in store.claims()
    )


def test_a_loaded_store_holds_what_an_imported_one_does_and_loading_again_changes_nothing(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    files = _files(tmp_path)
    out = tmp_path / "out"
    _batch(files, out)
    with Store.open(new_db_url()) as imported, Store.open(new_db_url()) as loaded:
        direct = import_paths(imported, files, today=TODAY)
        assert all(r.status == "imported" for r in direct.results)
        batch = load_parquet(loaded, out, today=TODAY)
        assert [r.status for r in batch.results] == ["imported"] * len(files)
        assert sorted(r.path for r in batch.results) == sorted(str(p) for p in files)
        assert _claims(loaded) == _claims(imported)
        assert loaded.row_counts()["claims"] == imported.row_counts()["claims"] > 20
        history = loaded.claim_history("BP-1020")[0]
        assert [(c.lineage, c.state, c.paid) for c in history.claims] == [
            ("original", "reversed", Decimal("98.40")),
            ("reversal", "reversal", Decimal("-98.40")),
            ("correction", "current", Decimal("88.40")),
        ]
        assert batch.refresh is not None and direct.refresh is not None
        assert batch.refresh.new == direct.refresh.new > 0
        before = snapshot(loaded)
        again = load_parquet(loaded, out, today=TODAY)
        assert [r.status for r in again.results] == ["already imported"] * len(files)
        assert snapshot(loaded) == before
        # the files themselves, imported after their Parquet: already there
        assert {r.status for r in import_paths(loaded, files, today=TODAY).results} == {
            "already imported"
        }


def test_a_part_whose_bytes_do_not_match_is_refused_and_the_others_load(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    files = _files(tmp_path)[-3:]
    out = tmp_path / "out"
    _batch(files, out)
    part = next(iter(sorted((out / "files").glob("*.parquet"))))
    table = pq.read_table(part)
    other = pq.read_table(sorted((out / "files").glob("*.parquet"))[1])
    pq.write_table(
        table.set_column(8, "data", pa.array([other["data"][0].as_py()], pa.large_binary())), part
    )
    with Store.open(new_db_url()) as store:
        batch = load_parquet(store, out, today=TODAY)
        statuses = sorted(r.status for r in batch.results)
        assert statuses == ["failed", "imported", "imported"]
        (bad,) = [r for r in batch.results if r.status == "failed"]
        assert "do not match its hash" in bad.findings[0].message
        assert store.row_counts()["source_files"] == 2


def test_the_command_loads_and_prints_json(tmp_path: Path) -> None:
    files = _files(tmp_path)[-3:]
    out = tmp_path / "out"
    _batch(files, out)
    db = tmp_path / "team.db"
    runner = CliRunner()
    done = runner.invoke(
        app, ["load-parquet", str(out), "--db", str(db), "--json", "--today", "2026-11-23"]
    )
    assert done.exit_code == 0, done.output
    payload = json.loads(done.output)
    assert [i["status"] for i in payload["imports"]] == ["imported"] * 3
    text = runner.invoke(app, ["load-parquet", str(out), "--db", str(db)])
    assert text.exit_code == 0 and text.output.count("already imported, nothing changed") == 3
    missing = runner.invoke(app, ["load-parquet", str(tmp_path / "nope"), "--db", str(db)])
    assert missing.exit_code == 1 and "no such folder" in missing.output


def test_the_command_documents_itself() -> None:
    result = CliRunner().invoke(app, ["load-parquet", "--help"])
    assert result.exit_code == 0 and "--db" in result.output and "batch" in result.output
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "recoup load-parquet" in readme
