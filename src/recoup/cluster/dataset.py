"""The batch's output folder: Parquet part files per input file, and the manifest.

::

    OUT/
      claims/payer=<payer id>/month=<YYYY-MM>/<file sha256>.parquet
      service_lines/...        adjustments/...        provider_adjustments/...
      denials/payer=.../month=.../<file sha256>.parquet
      findings/<file sha256>.parquet
      files/<file sha256>.parquet        (name, size, payee, the zlib-compressed bytes)
      _manifest.jsonl                    (one JSON line per file finished)

A part is written to a hidden temporary name, flushed to disk and renamed into place, so a
reader never sees half a part, and a part's name is its input file's SHA-256, so writing the
same file again replaces its parts instead of adding rows. The manifest line of a file is
appended (and flushed to disk) only after all its parts are in place: a file in the manifest is
complete. Readers (pyarrow, DuckDB, Spark) skip names starting with ``.`` or ``_``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from recoup.cluster.tables import PARTITIONED, SCHEMAS
from recoup.cluster.task import DONE, REJECTED, TaskResult

__all__ = ["MANIFEST", "Manifest", "read_manifest", "read_table", "write_result"]

MANIFEST = "_manifest.jsonl"
_PARTITIONING = ds.partitioning(
    pa.schema([pa.field("payer", pa.string()), pa.field("month", pa.string())]), flavor="hive"
)


class Manifest(NamedTuple):
    entries: dict[str, dict[str, Any]]  # sha256 -> its latest line
    stamps: set[str]  # Stamp.key of every file seen done or rejected (skipped without reading)

    def has(self, sha256: str) -> bool:
        return sha256 in self.entries


def read_manifest(out: Path) -> Manifest:
    """The files already finished; a torn last line (a crash while appending) is ignored."""
    entries: dict[str, dict[str, Any]] = {}
    stamps: set[str] = set()
    with suppress(FileNotFoundError), (out / MANIFEST).open(encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("status") in (DONE, REJECTED):
                entries[str(entry["sha256"])] = entry
                stamps.update(str(k) for k in entry.get("stamps", ()))
    return Manifest(entries, stamps)


def _write_part(table: pa.Table, folder: Path, sha256: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{sha256}.parquet"
    temporary = folder / f".{sha256}.parquet.tmp"
    with temporary.open("wb") as handle:
        pq.write_table(table, handle, compression="zstd")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)


def _partitions(table: pa.Table) -> Iterator[tuple[str, str, pa.Table]]:
    """The table split on its payer and month columns (dropped: they are folder names)."""
    if table.num_rows == 0:
        return
    keys = table.select(["payer", "month"]).group_by(["payer", "month"]).aggregate([])
    body = table.drop_columns(["payer", "month"])
    pairs = zip(keys.column("payer").to_pylist(), keys.column("month").to_pylist(), strict=True)
    for payer, month in pairs:
        mask = pc.and_(pc.equal(table.column("payer"), payer), pc.equal(table["month"], month))
        yield payer, month, body.filter(mask)


def write_result(out: Path, result: TaskResult, manifest: Manifest) -> None:
    """Write a finished file's parts, then its manifest line (see the module docstring)."""
    for name in PARTITIONED:
        table = result.tables.get(name)
        if table is None:
            continue
        for payer, month, part in _partitions(table):
            _write_part(part, out / name / f"payer={payer}" / f"month={month}", result.sha256)
    for name in ("findings", "files"):
        table = result.tables.get(name)
        if table is not None and table.num_rows:
            _write_part(table, out / name, result.sha256)
    entry = {
        "sha256": result.sha256,
        "name": result.stamp.name,
        "size": result.size,
        "status": result.status,
        "reason": result.reason,
        "claims": result.claims,
        "denials": result.denials,
        "denied": str(result.denied),
        "stamps": [result.stamp.key],
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _append_line(out / MANIFEST, json.dumps(entry, ensure_ascii=False))
    manifest.entries[result.sha256] = entry
    manifest.stamps.add(result.stamp.key)


def add_stamp(out: Path, manifest: Manifest, sha256: str, stamp_key: str) -> None:
    """Another name (or a touched copy) of a finished file: remembered so a rerun skips it."""
    entry = dict(manifest.entries[sha256])
    entry["stamps"] = [stamp_key]
    _append_line(out / MANIFEST, json.dumps(entry, ensure_ascii=False))
    manifest.stamps.add(stamp_key)


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        # a crash mid-append leaves a line without its newline: end it, so this one parses
        if handle.tell() > 0:
            with path.open("rb") as check:
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    handle.write(b"\n")
        handle.write(line.encode("utf-8") + b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_table(out: Path, name: str) -> pa.Table:
    """One table of the dataset, with ``payer`` and ``month`` as string columns for the
    partitioned ones (left to itself pyarrow would guess ``payer=73120`` is a number)."""
    folder = out / name
    schema = SCHEMAS[name]
    if not folder.is_dir():
        if name in PARTITIONED:
            schema = pa.schema([*schema, *_PARTITIONING.schema])
        return schema.empty_table()
    if name in PARTITIONED:
        dataset = ds.dataset(folder, format="parquet", partitioning=_PARTITIONING)
    else:
        dataset = ds.dataset(folder, format="parquet", schema=schema)
    return dataset.to_table()
