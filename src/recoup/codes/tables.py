"""The bundled code tables: loading, validation and the once-per-process cache.

The tables live as data files in ``recoup/codes/data/`` (see ``meta.toml`` there for each table's
source and list date):

- ``carc.csv``: every Claim Adjustment Reason Code, active and deactivated, with recoup's own
  short description, its denial category and, where a code is tied to particular group codes,
  those groups;
- ``rarc.csv``: the Remittance Advice Remark Codes that matter for triage;
- ``groups.csv``: the group codes (CAS01) and who absorbs an amount under each;
- ``categories.toml``: the denial categories with default advice;
- ``explanations.toml``: long plain-English explanations of the codes billers meet most.

:func:`load_tables` reads and checks every row and returns the tables with the problems it found
as findings (``carc.csv:row 12, column category``). :func:`code_tables` is the cached entry point
the rest of recoup uses; it refuses broken bundled data, which is a packaging bug.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from recoup.findings import Finding, Severity, has_errors

__all__ = [
    "APPEALABLE_VALUES",
    "CARC",
    "RARC",
    "Advice",
    "Category",
    "CodeDataError",
    "CodeEntry",
    "CodeTables",
    "GroupCode",
    "TableInfo",
    "code_kind",
    "code_tables",
    "load_tables",
    "normalize_code",
]

CARC = "CARC"
RARC = "RARC"
APPEALABLE_VALUES = ("yes", "no", "depends")

_CARC_SHAPE = re.compile(r"^(?:[1-9]\d{0,2}|[A-Z]\d{1,2})$")
_RARC_SHAPE = re.compile(r"^(?:MA\d{2,3}|M[1-9]\d{0,2}|N[1-9]\d{0,3})$")


class CodeDataError(RuntimeError):
    """The bundled code tables are broken (a packaging bug, not a user error)."""


@dataclass(frozen=True, slots=True)
class Advice:
    """The long explanation of a code, in recoup's own words."""

    explanation: str
    causes: tuple[str, ...]
    appealable: str  # "yes", "no" or "depends"
    typical_fix: str
    confusion: str | None = None  # where popular sources give the code another meaning
    appeal_effect: str | None = None  # for remarks that state appeal rights: "yes" or "no"


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One CARC or RARC.

    ``description`` is recoup's own wording unless ``own_words`` is false, which happens only for
    a code known solely from an official list the user imported; ``official`` holds the imported
    official wording when there is one.
    """

    kind: str  # CARC or RARC
    code: str
    description: str
    active: bool
    start_date: date | None = None
    stop_date: date | None = None
    category: str | None = None  # CARCs only
    groups: tuple[str, ...] = ()  # group codes the code is limited to, when it is
    alert: bool = False  # RARCs only: informational "Alert:" remark
    advice: Advice | None = None
    official: str | None = None
    own_words: bool = True
    source: str = ""  # data file and row, e.g. "carc.csv:row 120"


@dataclass(frozen=True, slots=True)
class GroupCode:
    """A claim adjustment group code (CAS01) and who absorbs the amount under it."""

    code: str
    name: str
    description: str
    liability: str  # provider, patient or depends
    valid_in: tuple[str, ...]  # X12 versions: "4010", "5010"
    active: bool


@dataclass(frozen=True, slots=True)
class Category:
    """A denial category with the advice used for codes that have no explanation of their own."""

    name: str
    description: str
    appealable: str
    typical_fix: str


@dataclass(frozen=True, slots=True)
class TableInfo:
    """Where a data table comes from and the date of the list it reflects."""

    name: str
    file: str
    title: str
    source: str
    list_date: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class CodeTables:
    carc: Mapping[str, CodeEntry]
    rarc: Mapping[str, CodeEntry]
    groups: Mapping[str, GroupCode]
    categories: Mapping[str, Category]
    info: Mapping[str, TableInfo]


def normalize_code(text: str) -> str:
    """Upper-case, trimmed, without leading zeros on numeric CARCs (``" 016"`` -> ``"16"``)."""
    code = text.strip().upper()
    if code.isdigit():
        code = code.lstrip("0") or "0"
    return code


def code_kind(code: str) -> str | None:
    """``CARC`` or ``RARC`` from the shape of a normalized code, or ``None`` if it fits neither."""
    if _RARC_SHAPE.match(code):
        return RARC
    if _CARC_SHAPE.match(code):
        return CARC
    return None


@cache
def code_tables() -> CodeTables:
    """The bundled tables, read and checked once per process."""
    tables, findings = load_tables()
    if has_errors(findings):
        problems = "\n".join(str(f) for f in findings if f.severity is Severity.ERROR)
        raise CodeDataError(f"the bundled code tables are broken:\n{problems}")
    return tables


def load_tables(data_dir: Path | None = None) -> tuple[CodeTables, list[Finding]]:
    """Read every table in ``data_dir`` (default: the bundled one) and check each row."""
    reader = _Reader(data_dir)
    findings: list[Finding] = []
    info = _read_meta(reader, findings)
    categories = _read_categories(reader, findings)
    groups = _read_groups(reader, findings)
    carc = _read_codes(reader, "carc.csv", CARC, categories, groups, findings)
    rarc = _read_codes(reader, "rarc.csv", RARC, categories, groups, findings)
    _attach_advice(reader, carc, rarc, findings)
    tables = CodeTables(carc=carc, rarc=rarc, groups=groups, categories=categories, info=info)
    return tables, findings


class _Reader:
    def __init__(self, data_dir: Path | None) -> None:
        self._dir = data_dir

    def text(self, name: str) -> str:
        if self._dir is not None:
            return (self._dir / name).read_text(encoding="utf-8")
        return resources.files("recoup.codes").joinpath("data", name).read_text(encoding="utf-8")


def _error(file: str, message: str, row: int | None = None, column: str | None = None) -> Finding:
    return Finding(
        severity=Severity.ERROR,
        code="codes.data",
        message=message,
        file=file,
        row=row,
        column=column,
    )


def _read_meta(reader: _Reader, findings: list[Finding]) -> dict[str, TableInfo]:
    file = "meta.toml"
    meta = tomllib.loads(reader.text(file))
    info: dict[str, TableInfo] = {}
    for name, table in meta.get("tables", {}).items():
        missing = [key for key in ("file", "title", "source", "list_date") if not table.get(key)]
        if missing:
            findings.append(_error(file, f"table {name!r} lacks {', '.join(missing)}"))
            continue
        list_date = _iso_date(str(table["list_date"]))
        if list_date is None:
            findings.append(_error(file, f"table {name!r}: list_date is not YYYY-MM-DD"))
            continue
        info[name] = TableInfo(
            name=name,
            file=str(table["file"]),
            title=str(table["title"]),
            source=str(table["source"]),
            list_date=list_date,
            note=str(table.get("edition_note", "")),
        )
    for needed in ("carc", "rarc", "groups", "categories", "explanations"):
        if needed not in info:
            findings.append(_error(file, f"no source and list date recorded for table {needed!r}"))
    return info


def _read_categories(reader: _Reader, findings: list[Finding]) -> dict[str, Category]:
    file = "categories.toml"
    categories: dict[str, Category] = {}
    for name, body in tomllib.loads(reader.text(file)).items():
        appealable = str(body.get("appealable", ""))
        if appealable not in APPEALABLE_VALUES:
            findings.append(_error(file, f"category {name!r}: appealable must be yes/no/depends"))
        if not body.get("description") or not body.get("typical_fix"):
            findings.append(_error(file, f"category {name!r} needs a description and typical_fix"))
        categories[name] = Category(
            name=name,
            description=str(body.get("description", "")),
            appealable=appealable,
            typical_fix=str(body.get("typical_fix", "")),
        )
    return categories


def _csv_rows(reader: _Reader, file: str, columns: tuple[str, ...], findings: list[Finding]) -> Any:
    rows = csv.DictReader(io.StringIO(reader.text(file)))
    if tuple(rows.fieldnames or ()) != columns:
        findings.append(_error(file, f"header must be {','.join(columns)}", row=1))
        return
    for number, row in enumerate(rows, start=2):
        yield number, {key: (value or "").strip() for key, value in row.items()}


def _read_groups(reader: _Reader, findings: list[Finding]) -> dict[str, GroupCode]:
    file = "groups.csv"
    columns = ("code", "name", "description", "liability", "valid_in", "active")
    groups: dict[str, GroupCode] = {}
    for number, row in _csv_rows(reader, file, columns, findings):
        code = row["code"]
        if not re.fullmatch(r"[A-Z]{2}", code) or code in groups:
            findings.append(_error(file, f"bad or repeated group code {code!r}", number, "code"))
            continue
        if row["liability"] not in ("provider", "patient", "depends"):
            findings.append(_error(file, "liability must be provider/patient/depends", number))
        active = _bool(row["active"])
        if active is None:
            findings.append(_error(file, "active must be true or false", number, "active"))
        groups[code] = GroupCode(
            code=code,
            name=row["name"],
            description=row["description"],
            liability=row["liability"],
            valid_in=tuple(row["valid_in"].split()),
            active=bool(active),
        )
    return groups


def _read_codes(
    reader: _Reader,
    file: str,
    kind: str,
    categories: Mapping[str, Category],
    groups: Mapping[str, GroupCode],
    findings: list[Finding],
) -> dict[str, CodeEntry]:
    if kind == CARC:
        columns: tuple[str, ...] = (
            "code",
            "description",
            "category",
            "active",
            "start_date",
            "stop_date",
            "groups",
        )
    else:
        columns = ("code", "description", "active", "alert", "start_date", "stop_date")
    entries: dict[str, CodeEntry] = {}
    for number, row in _csv_rows(reader, file, columns, findings):
        entry = _code_row(file, number, row, kind, categories, groups, findings)
        if entry is None:
            continue
        if entry.code in entries:
            findings.append(
                _error(file, f"code {entry.code} appears twice ({entries[entry.code].source})")
            )
            continue
        entries[entry.code] = entry
    return entries


def _code_row(
    file: str,
    number: int,
    row: Mapping[str, str],
    kind: str,
    categories: Mapping[str, Category],
    groups: Mapping[str, GroupCode],
    findings: list[Finding],
) -> CodeEntry | None:
    before = len(findings)
    code = row["code"]
    if code != normalize_code(code) or code_kind(code) != kind:
        findings.append(_error(file, f"{code!r} is not a {kind} code", number, "code"))
        return None
    if not row["description"]:
        findings.append(_error(file, f"{code}: description is empty", number, "description"))
    active = _bool(row["active"])
    if active is None:
        findings.append(_error(file, f"{code}: active must be true or false", number, "active"))
    dates: dict[str, date | None] = {}
    for column in ("start_date", "stop_date"):
        dates[column] = _iso_date(row[column]) if row[column] else None
        if row[column] and dates[column] is None:
            findings.append(_error(file, f"{code}: {column} is not YYYY-MM-DD", number, column))
    start, stop = dates["start_date"], dates["stop_date"]
    if start and stop and stop < start:
        findings.append(_error(file, f"{code}: stop_date is before start_date", number))
    category = row.get("category") or None
    allowed = tuple(row.get("groups", "").split())
    alert = False
    if kind == CARC:
        if category not in categories:
            findings.append(
                _error(file, f"{code}: unknown category {category!r}", number, "category")
            )
        unknown_groups = [g for g in allowed if g not in groups]
        if unknown_groups:
            findings.append(_error(file, f"{code}: unknown group {unknown_groups}", number))
    else:
        flag = _bool(row["alert"])
        if flag is None:
            findings.append(_error(file, f"{code}: alert must be true or false", number, "alert"))
        alert = bool(flag)
    if len(findings) > before:
        return None
    return CodeEntry(
        kind=kind,
        code=code,
        description=row["description"],
        active=bool(active),
        start_date=start,
        stop_date=stop,
        category=category,
        groups=allowed,
        alert=alert,
        source=f"{file}:row {number}",
    )


def _attach_advice(
    reader: _Reader,
    carc: dict[str, CodeEntry],
    rarc: dict[str, CodeEntry],
    findings: list[Finding],
) -> None:
    file = "explanations.toml"
    data = tomllib.loads(reader.text(file))
    for section, table in (("carc", carc), ("rarc", rarc)):
        for code, body in data.get(section, {}).items():
            where = f"[{section}.{code}]"
            if code not in table:
                findings.append(_error(file, f"{where}: code is not in the {section} table"))
                continue
            advice = _advice(file, where, body, findings)
            if advice is not None:
                table[code] = replace(table[code], advice=advice)


def _advice(
    file: str, where: str, body: Mapping[str, Any], findings: list[Finding]
) -> Advice | None:
    problems = [
        f"{where}: {key} is empty"
        for key in ("explanation", "typical_fix")
        if not str(body.get(key, "")).strip()
    ]
    appealable = str(body.get("appealable", ""))
    if appealable not in APPEALABLE_VALUES:
        problems.append(f"{where}: appealable must be yes/no/depends")
    effect = body.get("appeal_effect")
    if effect is not None and effect not in ("yes", "no"):
        problems.append(f"{where}: appeal_effect must be yes or no")
    causes = body.get("causes", [])
    if not isinstance(causes, list) or not causes or not all(isinstance(c, str) for c in causes):
        problems.append(f"{where}: causes must be a non-empty list of sentences")
    if problems:
        findings.extend(_error(file, problem) for problem in problems)
        return None
    confusion = body.get("confusion")
    return Advice(
        explanation=str(body["explanation"]).strip(),
        causes=tuple(causes),
        appealable=appealable,
        typical_fix=str(body["typical_fix"]).strip(),
        confusion=str(confusion).strip() if confusion else None,
        appeal_effect=str(effect) if effect else None,
    )


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.strip().lower())


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
