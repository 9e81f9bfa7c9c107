"""The official CARC/RARC wording, imported by the user from the lists X12 publishes.

recoup does not ship the official wording (X12 asserts rights over it). A user who has downloaded
the lists can import them with ``recoup codes import FILE``; the wording is then stored in the
user's data directory and shown beside recoup's own words.

Accepted files: CSV, tab-separated or pipe-separated text with a code column and a description
column, optionally start and stop date columns. A header row naming the columns (``code``,
``description``, ``start``, ``stop``...) is recognised; without one the columns are taken in that
order. Dates may be ``YYYY-MM-DD`` or ``MM/DD/YYYY``; the ``Start: ... Stop: ...`` notes the X12
site puts after a description are read as dates too.

The store is ``$RECOUP_HOME/codes/official.json`` (default ``$XDG_DATA_HOME/recoup`` or
``~/.local/share/recoup``). An import that finds a bad row writes nothing, unless the caller
asks to keep going; each bad row is reported as a finding with the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from recoup.codes.tables import CARC, RARC, code_kind, normalize_code
from recoup.findings import Finding, Severity, has_errors

__all__ = [
    "HOME_ENV",
    "ImportResult",
    "OfficialText",
    "data_home",
    "import_official",
    "load_official",
    "official_store_path",
    "parse_official_file",
    "store_state",
]

HOME_ENV = "RECOUP_HOME"
STORE_FORMAT = 1

_START_NOTE = re.compile(r"\bStart:\s*(\S+)", re.IGNORECASE)
_STOP_NOTE = re.compile(r"\bStop:\s*(\S+)", re.IGNORECASE)
_NOTES_TAIL = re.compile(r"\s*\|?\s*\b(?:Start|Last Modified|Stop):.*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class OfficialText:
    """One code's official wording as the user imported it."""

    kind: str  # CARC or RARC
    code: str
    description: str
    start_date: date | None = None
    stop_date: date | None = None
    imported_from: str = ""  # file and line, e.g. "carc.csv:row 12"


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    store: Path
    carc_count: int
    rarc_count: int
    written: bool
    findings: tuple[Finding, ...]


def data_home() -> Path:
    """recoup's per-user data directory: ``$RECOUP_HOME``, else the XDG data directory."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "recoup"


def official_store_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "codes" / "official.json"


def parse_official_file(
    path: Path, kind: str | None = None
) -> tuple[list[OfficialText], list[Finding]]:
    """Read an official list export; bad rows become findings with their line number."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [_finding(name, f"cannot read the file: {exc.strerror or exc}")]
    text = _decode(raw)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], [_finding(name, "the file is empty")]
    delimiter = _delimiter(lines[0])
    texts: list[OfficialText] = []
    findings: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    columns: dict[str, int] | None = None
    for line_no, cells in _records(text, delimiter):
        if columns is None:
            columns = _header_columns(cells)
            if columns is not None:
                continue
            columns = {"code": 0, "description": 1, "start": 2, "stop": 3}
        item = _parse_row(name, line_no, cells, columns, kind, findings)
        if item is None:
            continue
        key = (item.kind, item.code)
        if key in seen:
            findings.append(
                _finding(name, f"code {item.code} already given on line {seen[key]}", line_no)
            )
            continue
        seen[key] = line_no
        texts.append(item)
    if not texts and not findings:
        findings.append(_finding(name, "no codes found (expected code and description columns)"))
    return texts, findings


def import_official(
    path: Path,
    kind: str | None = None,
    home: Path | None = None,
    keep_going: bool = False,
) -> ImportResult:
    """Merge an official list into the user's store; all or nothing unless ``keep_going``."""
    texts, findings = parse_official_file(path, kind)
    store = official_store_path(home)
    carc = sum(1 for t in texts if t.kind == CARC)
    rarc = len(texts) - carc
    if keep_going:
        findings = [_as_warning(f) for f in findings]
    if has_errors(findings) or not texts:
        return ImportResult(str(path), store, carc, rarc, False, tuple(findings))
    data = _read_store(store)
    if data is None:
        data = _empty_store()
    for item in texts:
        bucket = data.setdefault(item.kind.lower(), {})
        bucket[item.code] = {
            "description": item.description,
            "start_date": item.start_date.isoformat() if item.start_date else None,
            "stop_date": item.stop_date.isoformat() if item.stop_date else None,
            "imported_from": item.imported_from,
        }
    data.setdefault("imports", []).append(
        {
            "file": str(path),
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "carc": carc,
            "rarc": rarc,
        }
    )
    _write_atomically(store, data)
    _STATE.clear()
    return ImportResult(str(path), store, carc, rarc, True, tuple(findings))


def store_state(max_age: float = 1.0) -> tuple[str, int, int]:
    """``(path, mtime_ns, size)`` of the official store, re-read at most every ``max_age`` s.

    Explanations are memoised on this value, so a batch does not stat the file per code; an
    import in this process resets it at once.
    """
    key = (os.environ.get(HOME_ENV), os.environ.get("XDG_DATA_HOME"))
    now = time.monotonic()
    cached = _STATE.get(key)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    store = str(official_store_path())
    try:
        stat = os.stat(store)
        state = (store, stat.st_mtime_ns, stat.st_size)
    except OSError:
        state = (store, -1, -1)
    _STATE[key] = (now, state)
    return state


_STATE: dict[tuple[str | None, str | None], tuple[float, tuple[str, int, int]]] = {}


def load_official(
    home: Path | None = None,
) -> tuple[Mapping[tuple[str, str], OfficialText], list[Finding]]:
    """The imported official texts keyed by ``(kind, code)``; empty when nothing was imported."""
    store = official_store_path(home)
    try:
        stat = store.stat()
    except OSError:
        return {}, []
    return _load_cached(str(store), stat.st_mtime_ns, stat.st_size)


_CACHE: dict[str, tuple[int, int, dict[tuple[str, str], OfficialText], list[Finding]]] = {}


def _load_cached(
    store: str, mtime_ns: int, size: int
) -> tuple[dict[tuple[str, str], OfficialText], list[Finding]]:
    hit = _CACHE.get(store)
    if hit is not None and hit[0] == mtime_ns and hit[1] == size:
        return hit[2], hit[3]
    texts: dict[tuple[str, str], OfficialText] = {}
    findings: list[Finding] = []
    data = _read_store(Path(store))
    if data is None:
        findings.append(
            Finding(
                severity=Severity.WARNING,
                code="codes.official.unreadable",
                message="the imported official code list cannot be read; import it again",
                file=store,
            )
        )
    else:
        for kind in (CARC, RARC):
            for code, body in (data.get(kind.lower()) or {}).items():
                if not isinstance(body, dict) or not body.get("description"):
                    continue
                texts[(kind, code)] = OfficialText(
                    kind=kind,
                    code=code,
                    description=str(body["description"]),
                    start_date=_iso(body.get("start_date")),
                    stop_date=_iso(body.get("stop_date")),
                    imported_from=str(body.get("imported_from", "")),
                )
    _CACHE[store] = (mtime_ns, size, texts, findings)
    return texts, findings


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    previous = 0
    for cells in reader:
        line_no = previous + 1
        previous = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        yield line_no, [cell.strip() for cell in cells]


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    lowered = [cell.lower() for cell in cells]
    if not cells or code_kind(normalize_code(cells[0])) is not None:
        return None  # the first row is already data
    if not any("code" in cell for cell in lowered):
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(lowered):
        if "code" in cell and "code" not in columns and "desc" not in cell:
            columns["code"] = index
        elif any(word in cell for word in ("desc", "text", "definition", "meaning")):
            columns.setdefault("description", index)
        elif "start" in cell or "effective" in cell:
            columns.setdefault("start", index)
        elif "stop" in cell or "deactivat" in cell or "end date" in cell:
            columns.setdefault("stop", index)
    if "code" not in columns or "description" not in columns:
        return None
    return columns


def _parse_row(
    file: str,
    line_no: int,
    cells: list[str],
    columns: Mapping[str, int],
    kind: str | None,
    findings: list[Finding],
) -> OfficialText | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    raw_code = cell("code")
    code = normalize_code(raw_code)
    found = code_kind(code)
    if not raw_code:
        findings.append(_finding(file, "the code is empty", line_no, "code"))
        return None
    if found is None:
        findings.append(_finding(file, f"{raw_code!r} is not a CARC or RARC code", line_no, "code"))
        return None
    if kind is not None and found != kind:
        findings.append(_finding(file, f"{code} is not a {kind} code", line_no, "code"))
        return None
    description = cell("description")
    start_text, stop_text = cell("start"), cell("stop")
    if not start_text and (match := _START_NOTE.search(description)):
        start_text = match.group(1)
    if not stop_text and (match := _STOP_NOTE.search(description)):
        stop_text = match.group(1)
    description = _NOTES_TAIL.sub("", description).strip()
    if not description:
        findings.append(_finding(file, f"{code}: the description is empty", line_no, "description"))
        return None
    dates: list[date | None] = []
    for column, value in (("start", start_text), ("stop", stop_text)):
        parsed = _parse_date(value)
        if value and parsed is None:
            findings.append(
                _finding(
                    file,
                    f"{code}: {column} date {value!r} is not YYYY-MM-DD or MM/DD/YYYY",
                    line_no,
                    column,
                )
            )
            return None
        dates.append(parsed)
    return OfficialText(
        kind=found,
        code=code,
        description=description,
        start_date=dates[0],
        stop_date=dates[1],
        imported_from=f"{Path(file).name}:row {line_no}",
    )


def _parse_date(text: str) -> date | None:
    text = text.strip().rstrip(".,;")
    if not text:
        return None
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", "mdy"),
        (r"(\d{4})(\d{2})(\d{2})", "ymd"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(part) for part in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, a, b)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    for candidate in ("\t", "|"):
        if candidate in first_line:
            return candidate
    return ","


def _finding(file: str, message: str, row: int | None = None, column: str | None = None) -> Finding:
    return Finding(
        severity=Severity.ERROR,
        code="codes.import",
        message=message,
        file=file,
        row=row,
        column=column,
    )


def _as_warning(finding: Finding) -> Finding:
    return Finding(
        severity=Severity.WARNING,
        code=finding.code,
        message=finding.message + " (row skipped)",
        file=finding.file,
        row=finding.row,
        column=finding.column,
    )


def _empty_store() -> dict[str, Any]:
    return {"format": STORE_FORMAT, "carc": {}, "rarc": {}, "imports": []}


def _read_store(store: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty_store()
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_atomically(store: Path, data: Mapping[str, Any]) -> None:
    store.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".official-", suffix=".json", dir=store.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, store)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _iso(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
