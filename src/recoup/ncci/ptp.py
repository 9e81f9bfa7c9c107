"""NCCI procedure-to-procedure edits: the CMS practitioner file format and a lookup table.

An edit says that when Column 1 and Column 2 are billed for the same patient, date and provider,
Column 2 is denied unless a modifier the edit allows (indicator 1) is on it and documented.
Indicator 0 can never be bypassed; 9 means the edit no longer applies. Edits change every quarter,
so they are data with their source, never constants in a rule.

The CMS file (DOMAIN.md §4.1) has the columns Column 1, Column 2, ``*`` (existed before 1996),
Effective Date (``YYYYMMDD``), Deletion Date (``*`` = none), Modifier Indicator and PTP Edit
Rationale, tab-separated in the text release, after a few lines of notice and a header that may
span two lines. Lines whose first field is not a code are taken as notice or header and skipped;
a line that starts with a code but cannot be read becomes a finding with its file and row.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from recoup.findings import Finding, Severity

__all__ = [
    "BUNDLED_SOURCE",
    "MODIFIER_INDICATORS",
    "PtpEdit",
    "PtpTable",
    "bundled_meta",
    "bundled_table",
    "load_cms_ptp",
    "parse_cms_ptp",
]

DATA = Path(__file__).parent / "data"
BUNDLED_FILE = DATA / "ptp_bundled.csv"
BUNDLED_SOURCE = "recoup bundled PTP table (illustrative, not the CMS file)"

# 0 = no modifier bypasses the edit; 1 = an NCCI modifier bypasses it when documented;
# 9 = not applicable (the edit was deleted).
MODIFIER_INDICATORS = frozenset({"0", "1", "9"})

# CPT (5 digits), HCPCS Level II (letter + 4 digits), Category II/III (4 digits + F/T).
_CODE = re.compile(r"^(?:\d{5}|[A-Z]\d{4}|\d{4}[A-Z])$")


class PtpEdit(NamedTuple):
    """One column-1/column-2 pair as the file states it, with where it was read."""

    column1: str
    column2: str
    effective: date
    deleted: date | None  # None: still in force ('*' in the file)
    modifier_indicator: str  # "0", "1" or "9"
    rationale: str
    source: str  # "<file> row <n>", plus the provenance note for the bundled table

    @property
    def bypassable(self) -> bool:
        """True when an NCCI modifier (59, XE, XS, XP, XU, ...) may bypass the edit."""
        return self.modifier_indicator == "1"

    def active_on(self, day: date) -> bool:
        """In force on ``day``: effective, not yet deleted, and not indicator 9.

        CMS deletion dates are the first day the edit no longer applies, so the deletion date
        itself is outside the edit.
        """
        if self.modifier_indicator == "9" or day < self.effective:
            return False
        return self.deleted is None or day < self.deleted

    def describe(self) -> str:
        deleted = self.deleted.isoformat() if self.deleted else "none"
        return (
            f"NCCI PTP edit column 1 {self.column1} / column 2 {self.column2}, modifier "
            f"indicator {self.modifier_indicator}, effective {self.effective.isoformat()}, "
            f"deleted {deleted}: {self.rationale}"
        )


class PtpTable(NamedTuple):
    """A set of PTP edits, looked up by code pair in either order."""

    edits: tuple[PtpEdit, ...]
    name: str = ""

    def find(self, code_a: str, code_b: str, on: date) -> PtpEdit | None:
        """The edit in force on ``on`` between the two codes, whichever is column 1."""
        pair = {code_a.strip().upper(), code_b.strip().upper()}
        if len(pair) != 2:
            return None
        for edit in self.edits:
            if {edit.column1, edit.column2} == pair and edit.active_on(on):
                return edit
        return None


def _parse_date(text: str) -> date:
    return datetime.strptime(text.strip(), "%Y%m%d").date()


def _split(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [field.strip() for field in next(csv.reader([line], delimiter=delimiter))]


def parse_cms_ptp(
    lines: Iterable[str], file: str, *, source_note: str = ""
) -> tuple[PtpTable, list[Finding]]:
    """Read PTP edits from the lines of a CMS-format file (tab- or comma-separated).

    Extra columns after the rationale are ignored, except that the bundled table's eighth column
    (``source``) is appended to each edit's source, so its provenance travels with every edit.
    """
    edits: list[PtpEdit] = []
    findings: list[Finding] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        fields = _split(line)
        first = fields[0].upper() if fields else ""
        if not _CODE.match(first):
            continue  # notice, copyright or header line

        def bad(message: str, column: str, row: int = number) -> None:
            findings.append(
                Finding(Severity.ERROR, "ncci.ptp.row", message, file, row=row, column=column)
            )

        if len(fields) < 6:
            bad(f"expected at least 6 columns, found {len(fields)}", "")
            continue
        column2 = fields[1].upper()
        if not _CODE.match(column2):
            bad(f"column 2 {fields[1]!r} is not a procedure code", "Column 2")
            continue
        try:
            effective = _parse_date(fields[3])
        except ValueError:
            bad(f"effective date {fields[3]!r} is not YYYYMMDD", "Effective Date")
            continue
        deleted: date | None = None
        if fields[4] not in ("*", ""):
            try:
                deleted = _parse_date(fields[4])
            except ValueError:
                bad(f"deletion date {fields[4]!r} is not YYYYMMDD or '*'", "Deletion Date")
                continue
        indicator = fields[5]
        if indicator not in MODIFIER_INDICATORS:
            bad(f"modifier indicator {indicator!r} is not 0, 1 or 9", "Modifier Indicator")
            continue
        rationale = fields[6] if len(fields) > 6 else ""
        note = fields[7] if len(fields) > 7 and fields[7] else source_note
        source = f"{file} row {number}" + (f" ({note})" if note else "")
        edits.append(PtpEdit(first, column2, effective, deleted, indicator, rationale, source))
    return PtpTable(tuple(edits), file), findings


def load_cms_ptp(path: str | Path) -> tuple[PtpTable, list[Finding]]:
    """Read a CMS practitioner PTP file (or one of its code-range parts) from disk.

    The CMS text files are Latin-1 in practice; reading them so never fails on a stray byte.
    """
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        text = file.read_bytes().decode("latin-1")
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        return PtpTable((), str(file)), [
            Finding(Severity.ERROR, "file.unreadable", message, str(file))
        ]
    return parse_cms_ptp(io.StringIO(text), str(file))


@cache
def bundled_meta() -> dict[str, Any]:
    """``data/meta.toml``: the bundled table's version and its illustrative-only warning."""
    with (DATA / "meta.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def bundled_table() -> PtpTable:
    """The small illustrative table shipped with recoup, read once.

    Its rows come from recoup's domain reference, not from CMS; each edit's source says so.
    """
    with BUNDLED_FILE.open(encoding="utf-8") as handle:
        table, findings = parse_cms_ptp(handle, "ncci/data/ptp_bundled.csv")
    if findings:
        raise ValueError("bundled PTP table is broken: " + "; ".join(map(str, findings)))
    return table._replace(name=BUNDLED_SOURCE)
