"""NCCI procedure-to-procedure edits: the CMS practitioner file format and a lookup table.

An edit says that when Column 1 and Column 2 are billed for the same patient, date and provider,
Column 2 is denied unless a modifier the edit allows (indicator 1) is on it and documented.
Indicator 0 can never be bypassed; 9 means the edit no longer applies. Edits change every quarter,
so they are data with their source, never constants in a rule.

The CMS file (docs/cms-files.md, docs/domain.md §4.1) has the columns Column 1, Column 2, ``*``
(existed
before 1996), Effective Date (``YYYYMMDD``), Deletion Date (``*`` = none), Modifier Indicator and
PTP Edit Rationale, tab-separated in the text release, after a copyright line and a title, with
legend rows under the header. Rows before the header and rows whose first cell is not a code are
skipped; a code row before any header means the file is not a PTP file and nothing is read from
it; a row that starts with a code but cannot be read becomes a finding with its file and row.

:class:`PtpTable` keeps a dictionary keyed by the code pair, so a lookup is two dictionary
probes whatever the size of the table (a CMS quarter has over a million rows).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from recoup.findings import Finding, Severity
from recoup.ncci.readers import load_table, rows_of_text

__all__ = [
    "BUNDLED_SOURCE",
    "BYPASS_MODIFIERS",
    "MODIFIER_INDICATORS",
    "PtpEdit",
    "PtpTable",
    "bundled_meta",
    "bundled_table",
    "load_cms_ptp",
    "parse_cms_ptp",
    "parse_ptp_rows",
]

DATA = Path(__file__).parent / "data"
BUNDLED_FILE = DATA / "ptp_bundled.csv"
BUNDLED_SOURCE = "recoup bundled PTP table (illustrative, not the CMS file)"

# 0 = no modifier bypasses the edit; 1 = an NCCI modifier bypasses it when documented;
# 9 = not applicable (the edit was deleted).
MODIFIER_INDICATORS = frozenset({"0", "1", "9"})

# NCCI-associated modifiers that bypass an indicator-1 edit for separate services (docs/domain.md
# §4.1):
# the X modifiers and 59, 91, the global-period ones, and the anatomic ones.
BYPASS_MODIFIERS = frozenset(
    {"59", "XE", "XS", "XP", "XU", "91", "24", "25", "27", "57", "58", "78", "79"}
    | {"E1", "E2", "E3", "E4", "FA", "TA", "LT", "RT", "LC", "LD", "RC", "LM", "RI"}
    | {f"F{n}" for n in range(1, 10)}
    | {f"T{n}" for n in range(1, 10)}
)

# CPT (5 digits), HCPCS Level II (letter + 4 digits), Category II/III (4 digits + F/T).
CODE = re.compile(r"^(?:\d{5}|[A-Z]\d{4}|\d{4}[A-Z])$")

# Words the header (or the legend rows right under it) must contain: a file without them is
# another table (an MUE file, a fee schedule) and is refused whole.
_HEADER_WORDS = ("effective", "deletion", "modifier")


class PtpEdit(NamedTuple):
    """One column-1/column-2 pair as the file states it, with where it was read."""

    column1: str
    column2: str
    effective: date
    deleted: date | None  # None: still in force ('*' in the file)
    modifier_indicator: str  # "0", "1" or "9"
    rationale: str
    file: str
    row: int
    note: str = ""  # provenance added to the source (the edition, or the bundled table's note)
    prior_1996: bool = False  # '*' in the third column

    @property
    def source(self) -> str:
        """``<file> row <n>``, plus the provenance note."""
        return f"{self.file} row {self.row}" + (f" ({self.note})" if self.note else "")

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


class PtpTable:
    """A set of PTP edits, looked up by code pair in either order.

    The index (column 1, column 2) -> edits is built on the first lookup and kept: a table is
    read once per edition (see :mod:`recoup.ncci.editions`) and then answers in microseconds.
    """

    __slots__ = ("_index", "edits", "name")

    def __init__(self, edits: Sequence[PtpEdit], name: str = "") -> None:
        self.edits: tuple[PtpEdit, ...] = tuple(edits)
        self.name = name
        self._index: dict[tuple[str, str], list[PtpEdit]] | None = None

    def __len__(self) -> int:
        return len(self.edits)

    def __repr__(self) -> str:
        return f"PtpTable({len(self.edits)} edits, name={self.name!r})"

    def renamed(self, name: str) -> PtpTable:
        table = PtpTable((), name)
        table.edits, table._index = self.edits, self._index
        return table

    def index(self) -> dict[tuple[str, str], list[PtpEdit]]:
        if self._index is None:
            index: dict[tuple[str, str], list[PtpEdit]] = {}
            for edit in self.edits:
                key = (edit.column1, edit.column2)
                found = index.get(key)
                if found is None:
                    index[key] = [edit]
                else:
                    found.append(edit)
            self._index = index
        return self._index

    def edits_for(self, code_a: str, code_b: str) -> list[PtpEdit]:
        """Every row for the pair in either order, whatever its dates."""
        index = self.index()
        return [*index.get((code_a, code_b), ()), *index.get((code_b, code_a), ())]

    def find(self, code_a: str, code_b: str, on: date) -> PtpEdit | None:
        """The edit in force on ``on`` between the two codes, whichever is column 1."""
        a, b = code_a.strip().upper(), code_b.strip().upper()
        if a == b:
            return None
        index = self.index()
        for key in ((a, b), (b, a)):
            for edit in index.get(key, ()):
                if edit.active_on(on):
                    return edit
        return None


_DATES: dict[str, date] = {}


def parse_yyyymmdd(text: str) -> date:
    """``YYYYMMDD`` as a date (cached: a quarter has a few thousand distinct dates)."""
    found = _DATES.get(text)
    if found is None:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        found = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        _DATES[text] = found
    return found


def _bad(file: str, row: int, message: str, column: str) -> Finding:
    return Finding(Severity.ERROR, "ncci.ptp.row", message, file, row=row, column=column)


def _is_header(first: str) -> bool:
    return first.replace(" ", "").lower().startswith("column1")


def parse_ptp_rows(
    rows: Iterable[tuple[int, list[str]]], file: str, *, note: str = ""
) -> tuple[PtpTable, list[Finding]]:
    """PTP edits from numbered rows (see :mod:`recoup.ncci.readers`).

    Extra columns after the rationale are ignored, except that the bundled table's eighth column
    (``source``) becomes each edit's note, so its provenance travels with every edit.
    """
    edits: list[PtpEdit] = []
    findings: list[Finding] = []
    header_row: int | None = None
    header_text = ""
    checked = False
    strings: dict[str, str] = {}  # one string object per distinct code or rationale
    for number, fields in rows:
        first = fields[0].upper() if fields else ""
        if not CODE.match(first):
            if header_row is None and _is_header(first):
                header_row = number
            if header_row is not None and not checked:
                header_text += " " + " ".join(fields).lower()
            continue  # notice, title, header or legend row

        if not checked:
            checked = True
            missing = [w for w in _HEADER_WORDS if w not in header_text]
            if header_row is None or missing:
                what = (
                    "no header row 'Column 1, Column 2, *, Effective Date, Deletion Date, "
                    "Modifier, PTP Edit Rationale' before the first code row"
                    if header_row is None
                    else f"the header row {header_row} lacks {', '.join(missing)}"
                )
                findings.append(
                    Finding(
                        Severity.ERROR,
                        "ncci.ptp.header",
                        f"not an NCCI PTP file: {what} (is it an MUE or another table?)",
                        file,
                        row=header_row or number,
                    )
                )
                return PtpTable((), file), findings
        if len(fields) < 6:
            findings.append(
                _bad(
                    file,
                    number,
                    f"expected at least 6 columns, found {len(fields)} (a truncated row?)",
                    "",
                )
            )
            continue
        column2 = fields[1].upper()
        if not CODE.match(column2):
            findings.append(
                _bad(file, number, f"column 2 {fields[1]!r} is not a procedure code", "Column 2")
            )
            continue
        try:
            effective = parse_yyyymmdd(fields[3])
        except ValueError:
            findings.append(
                _bad(
                    file, number, f"effective date {fields[3]!r} is not YYYYMMDD", "Effective Date"
                )
            )
            continue
        deleted: date | None = None
        if fields[4] not in ("*", ""):
            try:
                deleted = parse_yyyymmdd(fields[4])
            except ValueError:
                findings.append(
                    _bad(
                        file,
                        number,
                        f"deletion date {fields[4]!r} is not YYYYMMDD or '*'",
                        "Deletion Date",
                    )
                )
                continue
        indicator = fields[5]
        if indicator not in MODIFIER_INDICATORS:
            findings.append(
                _bad(
                    file,
                    number,
                    f"modifier indicator {indicator!r} is not 0, 1 or 9",
                    "Modifier Indicator",
                )
            )
            continue
        rationale = fields[6] if len(fields) > 6 else ""
        row_note = fields[7] if len(fields) > 7 and fields[7] else note
        edits.append(
            PtpEdit(
                strings.setdefault(first, first),
                strings.setdefault(column2, column2),
                effective,
                deleted,
                indicator,
                strings.setdefault(rationale, rationale),
                file,
                number,
                strings.setdefault(row_note, row_note),
                fields[2] == "*",
            )
        )
    if not checked and header_row is None:
        findings.append(
            Finding(
                Severity.ERROR,
                "ncci.ptp.header",
                "not an NCCI PTP file: no 'Column 1, Column 2' header and no edit rows",
                file,
            )
        )
    return PtpTable(edits, file), findings


def parse_cms_ptp(
    lines: Iterable[str], file: str, *, source_note: str = ""
) -> tuple[PtpTable, list[Finding]]:
    """Read PTP edits from the lines of a CMS-format file (tab- or comma-separated)."""
    text = "\n".join(line.rstrip("\r\n") for line in lines)
    return parse_ptp_rows(rows_of_text(text), file, note=source_note)


def load_cms_ptp(path: str | Path, *, note: str = "") -> tuple[PtpTable, list[Finding]]:
    """Read a CMS practitioner PTP file (or one of its code-range parts; text, CSV or Excel)."""
    return load_table(
        path,
        lambda rows, file: parse_ptp_rows(rows, file, note=note),
        lambda file: PtpTable((), file),
    )


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
    return table.renamed(BUNDLED_SOURCE)
