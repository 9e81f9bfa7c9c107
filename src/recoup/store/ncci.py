"""CMS NCCI PTP and MUE editions in the store: the tables, the import, and reading them back.

::

    ncci_editions ─< ncci_files ─< ncci_ptp_edits
                               └─< ncci_mue_values

An edition is one table kind for one quarter (``ptp`` 2026Q3); its files are the parts the
practice downloaded (``ccipra-v322r0-f1.txt`` … ``-f4.txt``), each kept with its SHA-256 so
importing the same file again changes nothing, and a re-downloaded part with the same name
replaces the old one. All the files of one ``recoup ncci import`` land in one transaction, and a
file with any error (wrong header, a truncated row) means nothing is written.

Dates are stored as the integer ``YYYYMMDD`` CMS prints: a quarter is read back into memory
(``recoup.ncci.editions``) in a few seconds, and integers are the cheapest thing to read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)

from recoup.findings import Finding, Severity, has_errors
from recoup.ncci.editions import Edition, EditionSet, detect_quarter, forget, quarter_start
from recoup.ncci.mue import MueTable, MueValue, parse_mue_rows
from recoup.ncci.ptp import PtpEdit, PtpTable, parse_ptp_rows
from recoup.ncci.readers import read_rows
from recoup.store.engine import reading, writing
from recoup.store.tables import ID, metadata

__all__ = [
    "FileImport",
    "edition_set",
    "import_ncci_files",
    "list_editions",
    "ncci_editions",
    "ncci_files",
    "ncci_mue_values",
    "ncci_ptp_edits",
]

ncci_editions = Table(
    "ncci_editions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(8), nullable=False),  # ptp, mue
    Column("setting", String(32), nullable=False),  # practitioner, outpatient_hospital, dme
    Column("quarter", String(8), nullable=False),  # 2026Q3
    Column("effective", Date, nullable=False),  # the quarter's first day
    Column("version", String(32), nullable=False),  # 32.2r0, from the file name
    Column("name", Text, nullable=False),  # what decisions cite
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "setting", "quarter"),
)

ncci_files = Table(
    "ncci_files",
    metadata,
    Column("id", ID, primary_key=True),
    Column("edition_id", ForeignKey("ncci_editions.id"), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("edition_id", "sha256"),
)

ncci_ptp_edits = Table(
    "ncci_ptp_edits",
    metadata,
    Column("id", ID, primary_key=True),
    Column("file_id", ForeignKey("ncci_files.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("column1", String(5), nullable=False),
    Column("column2", String(5), nullable=False),
    Column("prior_1996", Boolean, nullable=False),
    Column("effective_ymd", Integer, nullable=False),
    Column("deleted_ymd", Integer, nullable=True),  # NULL: '*', in force
    Column("modifier_indicator", String(1), nullable=False),
    Column("rationale", Text, nullable=False),
)

ncci_mue_values = Table(
    "ncci_mue_values",
    metadata,
    Column("id", ID, primary_key=True),
    Column("file_id", ForeignKey("ncci_files.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("code", String(5), nullable=False),
    Column("mue_value", Integer, nullable=False),
    Column("mai", String(1), nullable=False),
    Column("mai_text", Text, nullable=False),
    Column("rationale", Text, nullable=False),
)

_SNIFF_ROWS = 60


class FileImport(NamedTuple):
    """What one file's import did: imported, replaced, unchanged, failed or not written."""

    file: str
    kind: str
    quarter: str
    rows: int
    status: str
    findings: tuple[Finding, ...] = ()

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.file}: not imported ({len(self.findings)} problem(s))"
        if self.status == "not written":
            return f"{self.file}: not written (another file of this import failed)"
        what = "PTP edits" if self.kind == "ptp" else "MUE values"
        edition = f"{self.kind.upper()} {self.quarter}"
        if self.status == "unchanged":
            return f"{self.file}: already imported ({edition}), unchanged"
        return f"{self.file}: {self.status} {self.rows} {what} into {edition}"


class _Parsed(NamedTuple):
    path: Path
    kind: str
    setting: str
    quarter: str
    version: str
    sha256: str
    ptp: PtpTable | None
    mue: MueTable | None


def _error(file: str, code: str, message: str, row: int | None = None) -> Finding:
    return Finding(Severity.ERROR, code, message, file, row=row)


def _sniff(path: Path) -> str:
    """``ptp`` or ``mue`` from the header row; ``""`` when neither is found near the top."""
    rows = read_rows(path)
    for number, fields in rows:
        if number > _SNIFF_ROWS:
            break
        first = fields[0].replace(" ", "").lower() if fields else ""
        if first.startswith("column1"):
            return "ptp"
        joined = " ".join(fields).lower()
        if "hcpcs" in joined and "mue" in joined:
            return "mue"
    return ""


def _setting(name: str) -> str:
    lower = name.lower()
    if lower.startswith("ccioph") or "outpatient" in lower or "facility" in lower:
        return "outpatient_hospital"
    if "dme" in lower:
        return "dme"
    return "practitioner"


def _parse(path: Path, quarter: str | None) -> tuple[_Parsed | None, list[Finding]]:
    file = str(path)
    try:
        data = path.read_bytes()
        kind = _sniff(path)
    except OSError as exc:
        return None, [_error(file, "file.unreadable", f"cannot read the file: {exc.strerror}")]
    except Exception as exc:  # a broken workbook: openpyxl raises several kinds
        return None, [_error(file, "file.unreadable", f"cannot read the workbook: {exc}")]
    if not kind:
        return None, [
            _error(
                file,
                "ncci.file.kind",
                f"neither an NCCI PTP file (header 'Column 1, Column 2, ...') nor an MUE file "
                f"(header 'HCPCS/CPT Code, ... MUE Values, ...') in its first {_SNIFF_ROWS} rows",
            )
        ]
    detected = detect_quarter(path.name)
    version = detected[1] if detected else ""
    chosen = quarter or (detected[0] if detected else None)
    if chosen is None:
        return None, [
            _error(
                file,
                "ncci.file.quarter",
                "the file name states no quarter (like ccipra-v322r0-f1.txt or ..._Eff_07-01-"
                "2026.csv): give it with --quarter 2026Q3",
            )
        ]
    sha = hashlib.sha256(data).hexdigest()
    try:
        if kind == "ptp":
            ptp, findings = parse_ptp_rows(read_rows(path), file)
            parsed = _Parsed(path, kind, _setting(path.name), chosen, version, sha, ptp, None)
        else:
            mue, findings = parse_mue_rows(read_rows(path), file)
            parsed = _Parsed(path, kind, _setting(path.name), chosen, version, sha, None, mue)
    except Exception as exc:  # a workbook that opened but broke while reading
        return None, [_error(file, "file.unreadable", f"cannot read the workbook: {exc}")]
    if not findings and not (parsed.ptp or parsed.mue):
        findings.append(_error(file, "ncci.file.empty", "the file has a header but no rows"))
    return parsed, findings


def _edition_name(kind: str, setting: str, quarter: str, version: str) -> str:
    table = "NCCI PTP" if kind == "ptp" else "MUE"
    words = setting.replace("_", " ")
    if not version:
        return f"CMS {table} {words} {quarter}"
    label = f"version {version}" if version[:1].isdigit() else version
    return f"CMS {table} {words} {quarter} ({label})"


def _edition_id(conn: Connection, parsed: _Parsed, now: datetime) -> int:
    key = (
        (ncci_editions.c.kind == parsed.kind)
        & (ncci_editions.c.setting == parsed.setting)
        & (ncci_editions.c.quarter == parsed.quarter)
    )
    found = conn.execute(select(ncci_editions.c.id).where(key)).scalar()
    if found is not None:
        return int(found)
    values = {
        "kind": parsed.kind,
        "setting": parsed.setting,
        "quarter": parsed.quarter,
        "effective": quarter_start(parsed.quarter),
        "version": parsed.version,
        "name": _edition_name(parsed.kind, parsed.setting, parsed.quarter, parsed.version),
        "created_at": now,
    }
    return _new_id(conn, ncci_editions, values)


def _new_id(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    key = conn.execute(insert(table).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _ymd(day: date | None) -> int | None:
    return None if day is None else day.year * 10000 + day.month * 100 + day.day


_PTP_COLUMNS = (
    "file_id", "row", "column1", "column2", "prior_1996", "effective_ymd", "deleted_ymd",
    "modifier_indicator", "rationale",
)  # fmt: skip
_MUE_COLUMNS = ("file_id", "row", "code", "mue_value", "mai", "mai_text", "rationale")


def _ptp_rows(file_id: int, edits: Sequence[PtpEdit]) -> Iterator[tuple[Any, ...]]:
    for e in edits:
        yield (
            file_id,
            e.row,
            e.column1,
            e.column2,
            e.prior_1996,
            _ymd(e.effective),
            _ymd(e.deleted),
            e.modifier_indicator,
            e.rationale,
        )


def _mue_rows(file_id: int, values: Sequence[MueValue]) -> Iterator[tuple[Any, ...]]:
    for v in values:
        yield (file_id, v.row, v.code, v.value, v.mai, v.mai_text, v.rationale)


def _bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]
) -> None:
    """Rows straight to the driver, inside the import's transaction: PostgreSQL's COPY, SQLite's
    executemany. A quarter is a million rows; SQLAlchemy's per-row dictionaries and type
    processing would take most of the import's time."""
    raw: Any = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def _drop_file(conn: Connection, file_id: int) -> None:
    conn.execute(delete(ncci_ptp_edits).where(ncci_ptp_edits.c.file_id == file_id))
    conn.execute(delete(ncci_mue_values).where(ncci_mue_values.c.file_id == file_id))
    conn.execute(delete(ncci_files).where(ncci_files.c.id == file_id))


def _write(conn: Connection, parsed: _Parsed, now: datetime) -> FileImport:
    edition_id = _edition_id(conn, parsed, now)
    name = parsed.path.name
    count = len(parsed.ptp or ()) + len(parsed.mue or ())
    existing = conn.execute(
        select(ncci_files.c.id, ncci_files.c.sha256, ncci_files.c.file_name).where(
            ncci_files.c.edition_id == edition_id
        )
    ).all()
    if any(row.sha256 == parsed.sha256 for row in existing):
        return FileImport(str(parsed.path), parsed.kind, parsed.quarter, count, "unchanged")
    status = "imported"
    for row in existing:
        if row.file_name == name:
            _drop_file(conn, int(row.id))
            status = "replaced"
    values = {
        "edition_id": edition_id,
        "file_name": name,
        "sha256": parsed.sha256,
        "row_count": count,
        "imported_at": now,
    }
    file_id = _new_id(conn, ncci_files, values)
    if parsed.ptp is not None:
        _bulk_insert(conn, ncci_ptp_edits, _PTP_COLUMNS, _ptp_rows(file_id, parsed.ptp.edits))
    if parsed.mue is not None:
        _bulk_insert(conn, ncci_mue_values, _MUE_COLUMNS, _mue_rows(file_id, parsed.mue.values))
    return FileImport(str(parsed.path), parsed.kind, parsed.quarter, count, status)


def _known(engine: Engine, paths: Sequence[Path]) -> dict[Path, FileImport]:
    """Files already imported (same bytes): answered without parsing them again."""
    digests: dict[Path, str] = {}
    for path in paths:
        try:
            digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue  # _parse reports it
    if not digests:
        return {}
    f, e = ncci_files, ncci_editions
    query = (
        select(f.c.sha256, f.c.row_count, e.c.kind, e.c.quarter)
        .join(e, e.c.id == f.c.edition_id)
        .where(f.c.sha256.in_(set(digests.values())))
    )
    with reading(engine) as conn:
        stored = {r.sha256: r for r in conn.execute(query)}
    return {
        path: FileImport(str(path), r.kind, r.quarter, int(r.row_count), "unchanged")
        for path, digest in digests.items()
        if (r := stored.get(digest)) is not None
    }


def import_ncci_files(
    engine: Engine, paths: Sequence[str | Path], *, quarter: str | None = None
) -> list[FileImport]:
    """Import CMS PTP and MUE files (text, CSV or Excel) as quarterly editions, all in one
    transaction: when any file has an error, nothing is written and every file says why.
    A file already imported (the same bytes) is not read again."""
    files = [Path(p) for p in paths]
    known = {} if quarter is not None else _known(engine, files)
    parsed: list[_Parsed] = []
    results: list[FileImport] = []
    for path in files:
        if path in known:
            results.append(known[path])
            continue
        one, findings = _parse(path, quarter)
        if one is None or has_errors(findings):
            kind, where = (one.kind, one.quarter) if one else ("", "")
            results.append(FileImport(str(path), kind, where, 0, "failed", tuple(findings)))
        else:
            parsed.append(one)
            results.append(FileImport(str(path), one.kind, one.quarter, 0, "pending"))
    if any(r.status == "failed" for r in results):
        return [r._replace(status="not written") if r.status == "pending" else r for r in results]
    if not parsed:
        return results
    now = datetime.now(UTC)
    written: dict[str, FileImport] = {}
    with writing(engine) as conn:
        for one in parsed:
            written[str(one.path)] = _write(conn, one, now)
    forget(engine)
    return [written.get(r.file, r) if r.status == "pending" else r for r in results]


# -- reading back ----------------------------------------------------------------------------


def list_editions(engine: Engine) -> list[Edition]:
    with reading(engine) as conn:
        rows = conn.execute(select(ncci_editions).order_by(ncci_editions.c.effective)).all()
    return [
        Edition(int(r.id), r.kind, r.setting, r.quarter, r.effective, r.version, r.name)
        for r in rows
    ]


_DATES: dict[int, date] = {}


def _date(ymd: int) -> date:
    found = _DATES.get(ymd)
    if found is None:
        found = _DATES[ymd] = date(ymd // 10000, ymd // 100 % 100, ymd % 100)
    return found


def _rows(engine: Engine, sql: str, edition_id: int) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` (one ``:edition`` parameter) from the driver's own cursor: reading a
    quarter back is a million rows, and SQLAlchemy's result rows would double the time."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    with reading(engine) as conn:
        raw: Any = conn.connection.driver_connection
        cursor = raw.cursor()
        try:
            cursor.execute(sql.replace(":edition", mark), (edition_id,))
            while batch := cursor.fetchmany(10_000):
                yield from batch
        finally:
            cursor.close()


def _load_ptp(engine: Engine, edition: Edition) -> PtpTable:
    sql = (
        "SELECT f.file_name, e.row, e.column1, e.column2, e.effective_ymd, e.deleted_ymd, "
        "e.modifier_indicator, e.rationale, e.prior_1996 FROM ncci_ptp_edits e "
        "JOIN ncci_files f ON f.id = e.file_id WHERE f.edition_id = :edition ORDER BY e.id"
    )
    strings: dict[str, str] = {}
    intern = strings.setdefault
    note = edition.name
    edits = [
        PtpEdit(
            intern(c1, c1),
            intern(c2, c2),
            _date(eff),
            None if deleted is None else _date(deleted),
            intern(mi, mi),
            intern(why, why),
            intern(name, name),
            row,
            note,
            bool(prior),
        )
        for name, row, c1, c2, eff, deleted, mi, why, prior in _rows(engine, sql, edition.id)
    ]
    table = PtpTable(edits, edition.name)
    table.index()  # built here, so the first lookup is as fast as the others
    return table


def _load_mue(engine: Engine, edition: Edition) -> MueTable:
    sql = (
        "SELECT f.file_name, e.row, e.code, e.mue_value, e.mai, e.mai_text, e.rationale "
        "FROM ncci_mue_values e JOIN ncci_files f ON f.id = e.file_id "
        "WHERE f.edition_id = :edition ORDER BY e.id"
    )
    values = [
        MueValue(code, value, mai, text, why, name, row, edition.name)
        for name, row, code, value, mai, text, why in _rows(engine, sql, edition.id)
    ]
    return MueTable(values, edition.name)


def edition_set(engine: Engine) -> EditionSet:
    """The store's editions, each table read on first use (see ``recoup.ncci.editions``)."""
    return EditionSet(
        list_editions(engine),
        lambda edition: _load_ptp(engine, edition),
        lambda edition: _load_mue(engine, edition),
    )
