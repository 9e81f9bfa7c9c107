"""The store's one API: open it, import files and folders into it, read claims back.

    >>> with Store.open("recoup.db") as store:                    # doctest: +SKIP
    ...     result = store.import_path(Path("era/2026-04-17.835"))
    ...     history = store.claim_history("BP26036")

Every import is one write transaction (see :mod:`recoup.store.engine`): a file either lands
whole or leaves the store exactly as it was, whether it failed validation, the database
refused it, or the process stopped halfway. Parsing and validation happen before the
transaction starts, so the writer lock is held only while rows are written.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from recoup.findings import Finding, Severity
from recoup.practice import read_practice
from recoup.store.engine import (
    StoreError,
    create_store_engine,
    display_url,
    reading,
    resolve_url,
    writing,
)
from recoup.store.migrate import upgrade
from recoup.store.practices import TableChanges, folder_digest, write_practice
from recoup.store.queries import ClaimHistory, ClaimView, claim_history, list_claims
from recoup.store.remits import plan_remittances, write_file
from recoup.store.tables import metadata, source_files
from recoup.x12 import read_835

__all__ = ["ImportResult", "Store"]

Status = Literal["imported", "already imported", "failed"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file or folder did."""

    path: str
    kind: Literal["835", "practice", "unknown"]
    status: Status
    claims: int = 0  # claim payments in the file
    new_claims: int = 0
    known_claims: int = 0  # already stored (the same claim payment from another file)
    denials: int = 0  # denied lines among the new claims
    relinked: int = 0  # claims whose reversal links changed
    changes: tuple[tuple[str, TableChanges], ...] = ()  # practice tables: inserted, updated
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _failed(
    path: Path, kind: Literal["835", "practice", "unknown"], *findings: Finding
) -> ImportResult:
    return ImportResult(str(path), kind, "failed", findings=findings)


def _error(path: Path, code: str, message: str) -> Finding:
    return Finding(Severity.ERROR, code, message, str(path))


class Store:
    """A recoup store: SQLite (default) or PostgreSQL, schema kept current on open."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, db: str | None = None, *, must_exist: bool = False) -> Store:
        """Open (and migrate) the store ``db`` names, else ``$RECOUP_DATABASE_URL``, else
        ``./recoup.db``. With ``must_exist``, a SQLite file that is not there is an error
        rather than a new empty store."""
        url = resolve_url(db)
        if url.startswith("sqlite"):
            _prepare_sqlite_file(make_url(url).database, must_exist=must_exist)
        engine = create_store_engine(url)
        try:
            upgrade(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"cannot open the store at {display_url(url)}: {reason}") from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- imports ---------------------------------------------------------------------------

    def import_path(self, path: Path, *, skip_bad_rows: bool = False) -> ImportResult:
        """An 835 file or a practice folder."""
        if path.is_dir():
            return self.import_practice(path, skip_bad_rows=skip_bad_rows)
        if path.is_file():
            return self.import_835(path)
        return _failed(path, "unknown", _error(path, "file.missing", "no such file or folder"))

    def import_835(self, path: Path) -> ImportResult:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _failed(
                path, "835", _error(path, "file.unreadable", f"cannot read: {exc.strerror}")
            )
        sha256 = hashlib.sha256(data).hexdigest()
        if self._has_file(sha256):
            return ImportResult(str(path), "835", "already imported")
        result = read_835(data, file=str(path))
        if not result.ok:
            return _failed(path, "835", *result.findings)
        if not result.remittances:
            return _failed(path, "835", _error(path, "x12.empty", "no 835 remittance in the file"))
        plans = plan_remittances(result)
        try:
            with writing(self.engine) as conn:
                if conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256)):
                    return ImportResult(str(path), "835", "already imported")
                counts = write_file(conn, sha256, str(path), len(data), plans)
        except SQLAlchemyError as exc:
            return _failed(path, "835", _store_error(path, exc))
        return ImportResult(
            str(path),
            "835",
            "imported",
            claims=counts.claims,
            new_claims=counts.new_claims,
            known_claims=counts.known_claims,
            denials=counts.denials,
            relinked=counts.relinked,
            findings=result.findings,
        )

    def import_practice(self, folder: Path, *, skip_bad_rows: bool = False) -> ImportResult:
        practice, findings = read_practice(folder, skip_bad_rows=skip_bad_rows)
        if practice is None:
            return _failed(folder, "practice", *findings)
        sha256, size = folder_digest(folder)
        try:
            with writing(self.engine) as conn:
                changes = write_practice(conn, practice, sha256, size)
        except SQLAlchemyError as exc:
            return _failed(folder, "practice", _store_error(folder, exc))
        changed = any(c.inserted or c.updated for c in changes.values())
        return ImportResult(
            str(folder),
            "practice",
            "imported" if changed else "already imported",
            changes=tuple(changes.items()),
            findings=tuple(findings),
        )

    def _has_file(self, sha256: str) -> bool:
        with reading(self.engine) as conn:
            found = conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256))
        return found is not None

    # -- reading ---------------------------------------------------------------------------

    def claims(self, patient: str | None = None) -> list[ClaimView]:
        with reading(self.engine) as conn:
            return list_claims(conn, patient)

    def claim_history(self, ident: str) -> list[ClaimHistory]:
        with reading(self.engine) as conn:
            return claim_history(conn, ident)

    def row_counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        with reading(self.engine) as conn:
            return {
                name: conn.scalar(select(func.count()).select_from(table)) or 0
                for name, table in metadata.tables.items()
            }


def _prepare_sqlite_file(database: str | None, *, must_exist: bool) -> None:
    """A new store file is readable by its owner only: it holds patients' health information
    (SQLite gives its -wal and -shm files the same mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    if must_exist:
        raise StoreError(f"no store at {path}: import some files first")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # another process created it first
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror}") from exc


def _store_error(path: Path, exc: SQLAlchemyError) -> Finding:
    reason = getattr(exc, "orig", None) or exc
    return _error(
        path, "store.write", f"the store refused the import, nothing was written: {reason}"
    )
