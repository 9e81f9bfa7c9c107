"""Medically unlikely edits (MUE): the CMS practitioner table and a lookup by code.

An MUE is the most units of a code CMS expects for one patient on one date of service. The CMS
table (docs/cms-files.md, docs/domain.md §4.3) has four columns after a copyright preamble:
``HCPCS/CPT Code``, ``Practitioner Services MUE Values``, ``MUE Adjudication Indicator`` (a cell
like "1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical") and
``MUE Rationale``. Rows carry no dates: each is stamped with the quarter it was loaded from.

Some MUE values are confidential and not published, so a code without a row is *unknown*
(:meth:`MueTable.find` returns ``None``), never unlimited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding, Severity
from recoup.ncci.ptp import CODE
from recoup.ncci.readers import load_table

__all__ = ["MAI_MEANINGS", "MueTable", "MueValue", "load_cms_mue", "parse_mue_rows"]

# The adjudication indicator's digit and what it means for a claim (docs/domain.md §4.3).
MAI_MEANINGS = {
    "1": "line edit: units on one claim line; the same code on separate lines with proper "
    "modifiers may exceed it",
    "2": "date of service edit (policy): absolute per patient and day, no appeal exceeds it",
    "3": "date of service edit (clinical): per patient and day, payable above it only with "
    "documentation on appeal",
}


class MueValue(NamedTuple):
    """One MUE row: the code's unit limit and how it is applied, with where it was read."""

    code: str
    value: int
    mai: str  # "1", "2" or "3"
    mai_text: str  # the cell as printed ("2 Date of Service Edit: Policy")
    rationale: str
    file: str
    row: int
    note: str = ""  # the edition it came from

    @property
    def source(self) -> str:
        return f"{self.file} row {self.row}" + (f" ({self.note})" if self.note else "")

    @property
    def per_day(self) -> bool:
        """MAI 2 and 3 count every line of the date of service; MAI 1 counts one line."""
        return self.mai in ("2", "3")

    def describe(self) -> str:
        return (
            f"MUE {self.code}: {self.value} units, MAI {self.mai} "
            f"({MAI_MEANINGS.get(self.mai, self.mai_text)}); {self.rationale}"
        )


class MueTable:
    """MUE values by code. A code with no row is unknown (some MUEs are confidential)."""

    __slots__ = ("by_code", "name", "values")

    def __init__(self, values: Sequence[MueValue], name: str = "") -> None:
        self.values: tuple[MueValue, ...] = tuple(values)
        self.name = name
        self.by_code: dict[str, MueValue] = {v.code: v for v in self.values}

    def __len__(self) -> int:
        return len(self.values)

    def find(self, code: str) -> MueValue | None:
        """The code's MUE, or ``None``: unknown, not unlimited."""
        return self.by_code.get(code.strip().upper())


def _bad(file: str, row: int, message: str, column: str) -> Finding:
    return Finding(Severity.ERROR, "ncci.mue.row", message, file, row=row, column=column)


def _is_header(fields: list[str]) -> bool:
    joined = " ".join(fields).lower()
    return "hcpcs" in joined and "mue" in joined


def parse_mue_rows(
    rows: Iterable[tuple[int, list[str]]], file: str, *, note: str = ""
) -> tuple[MueTable, list[Finding]]:
    """MUE values from numbered rows (text, CSV or Excel; see :mod:`recoup.ncci.readers`)."""
    values: list[MueValue] = []
    findings: list[Finding] = []
    header_row: int | None = None
    seen: dict[str, int] = {}
    for number, fields in rows:
        first = fields[0].upper() if fields else ""
        if not CODE.match(first):
            if header_row is None and fields and _is_header(fields):
                header_row = number
            continue

        if header_row is None:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "ncci.mue.header",
                    "not an MUE file: no header row 'HCPCS/CPT Code, Practitioner Services MUE "
                    "Values, MUE Adjudication Indicator, MUE Rationale' before the first code "
                    "row (is it a PTP or another table?)",
                    file,
                    row=number,
                )
            )
            return MueTable((), file), findings
        if len(fields) < 3 or not fields[2]:
            findings.append(
                _bad(
                    file, number, f"expected 4 columns, found {len(fields)} (a truncated row?)", ""
                )
            )
            continue
        if not fields[1].isdigit():
            findings.append(
                _bad(
                    file,
                    number,
                    f"MUE value {fields[1]!r} is not a whole number of units",
                    "MUE Value",
                )
            )
            continue
        mai = fields[2][:1]
        if mai not in MAI_MEANINGS:
            findings.append(
                _bad(
                    file,
                    number,
                    f"adjudication indicator {fields[2]!r} does not start with 1, 2 or 3",
                    "MAI",
                )
            )
            continue
        if first in seen:
            findings.append(
                _bad(file, number, f"{first} already has a row ({seen[first]})", "HCPCS/CPT Code")
            )
            continue
        seen[first] = number
        rationale = fields[3] if len(fields) > 3 else ""
        value = MueValue(first, int(fields[1]), mai, fields[2], rationale, file, number, note)
        values.append(value)
    if header_row is None and not values and not findings:
        findings.append(
            Finding(Severity.ERROR, "ncci.mue.header", "not an MUE file: no header row", file)
        )
    return MueTable(values, file), findings


def load_cms_mue(path: str | Path, *, note: str = "") -> tuple[MueTable, list[Finding]]:
    """Read a CMS practitioner MUE table from disk (CSV, tab text or Excel)."""
    return load_table(
        path,
        lambda rows, file: parse_mue_rows(rows, file, note=note),
        lambda file: MueTable((), file),
    )
