"""``recoup load-parquet``: a ``recoup batch`` output folder loaded into the store.

The batch keeps each input 835's bytes (zlib, as the store does) in its ``files`` table, one
part per file named by the file's SHA-256, and lists the files it finished in its manifest.
Loading imports those bytes through the very path ``recoup import`` takes
(:meth:`recoup.store.Store.import_835_data`): the same file hash makes a file already in the
store "already imported", the same claim identity keeps a claim payment sent twice from being
counted twice, reversals are linked whatever the order, and each file is one transaction. The
tables the batch derived (claims, denials) are not copied: the store derives its own rows from
the bytes, so a store loaded from Parquet and one imported from the files are the same.

Only the files in the manifest are loaded (a file is complete once it is there); a part whose
bytes do not hash to its name is refused, and the others still load. The worklist is refreshed
once at the end.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding, Severity
from recoup.pipeline.stored import BatchImport, ImportBatch
from recoup.store import ImportResult, Store

__all__ = ["ParquetFile", "load_parquet", "parquet_files"]


class ParquetFile(NamedTuple):
    sha256: str
    name: str
    data: bytes | None  # None: the part could not be read or does not match its hash
    problem: str = ""


def parquet_files(out: Path) -> Iterator[ParquetFile]:
    """The finished files of a batch output folder, in manifest order, one at a time."""
    import pyarrow.parquet as pq

    from recoup.cluster.dataset import read_manifest
    from recoup.cluster.task import DONE

    manifest = read_manifest(out)
    for sha256, entry in manifest.entries.items():
        name = str(entry.get("name") or sha256)
        if entry.get("status") != DONE:  # the batch refused it: only its findings are kept
            reason = entry.get("reason") or "it has errors"
            yield ParquetFile(sha256, name, None, f"the batch rejected it ({reason})")
            continue
        part = out / "files" / f"{sha256}.parquet"
        try:
            rows = pq.read_table(part).to_pylist()
        except (OSError, ValueError) as exc:
            yield ParquetFile(sha256, name, None, f"cannot read {part.name}: {exc}")
            continue
        if len(rows) != 1 or rows[0].get("compression") != "zlib":
            yield ParquetFile(sha256, name, None, f"{part.name} is not one zlib file row")
            continue
        row = rows[0]
        try:
            data = zlib.decompress(row["data"])
        except zlib.error:
            yield ParquetFile(sha256, row["name"] or name, None, "its bytes do not decompress")
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            yield ParquetFile(sha256, row["name"] or name, None, "its bytes do not match its hash")
            continue
        yield ParquetFile(sha256, row["name"] or name, data)


def load_parquet(
    store: Store,
    out: Path,
    *,
    today: date,
    strict: bool = False,
    on_result: Callable[[ImportResult], None] | None = None,
) -> BatchImport:
    """Import every finished file of the batch output ``out``, then refresh once."""
    batch = ImportBatch(store, today, strict=strict)
    for found in parquet_files(out):
        if found.data is None:
            finding = Finding(
                Severity.ERROR, "parquet.file", f"not loaded: {found.problem}", found.name
            )
            result = ImportResult(found.name, "835", "failed", findings=(finding,))
            batch.results.append(result)
        else:
            result = batch.add_data(found.data, found.name)
        if on_result is not None:
            on_result(result)
    return batch.finish()
