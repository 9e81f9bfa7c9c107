"""Rows of a CMS edit file, whatever form the practice downloaded: tab text, CSV or Excel.

CMS ships the NCCI and MUE tables as tab-delimited Latin-1 text, CSV and ``.xlsx``. The parsers
in :mod:`recoup.ncci.ptp` and :mod:`recoup.ncci.mue` take rows of strings with their 1-based row
numbers, so one parser serves every form. Excel is read with openpyxl (read-only, values only);
a cell that holds a number or a date is turned back into the text CMS prints (``97110``,
``20260101``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from recoup.findings import Finding, Severity

__all__ = ["EXCEL_SUFFIXES", "Rows", "cell_text", "load_table", "read_rows", "rows_of_text"]

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})

Rows = Iterator[tuple[int, list[str]]]


def cell_text(value: object) -> str:
    """An Excel cell as the text file would print it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _delimiter(head: str) -> str:
    return "\t" if "\t" in head else ","


def rows_of_text(text: str) -> Rows:
    """Rows of a tab- or comma-separated text, the delimiter taken from its first lines."""
    delimiter = _delimiter(text[:8192])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, fields in enumerate(reader, start=1):
        yield number, [field.strip() for field in fields]


def _excel_rows(path: Path) -> Rows:
    from openpyxl import load_workbook  # imported here: only Excel imports pay for it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    finally:
        workbook.close()


def read_rows(path: Path) -> Rows:
    """The rows of a CMS file on disk. Raises OSError (unreadable) or ValueError (a broken
    workbook); the import turns both into findings.

    The text files are Latin-1 in practice; UTF-8 is tried first so a re-saved file keeps its
    accents, and Latin-1 never fails on a stray byte.
    """
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_rows(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return rows_of_text(text)


T = TypeVar("T")


def load_table(
    path: str | Path,
    parse: Callable[[Rows, str], tuple[T, list[Finding]]],
    empty: Callable[[str], T],
) -> tuple[T, list[Finding]]:
    """A CMS file on disk read by ``parse``; a file that cannot be read (or a broken workbook,
    whose rows fail as they are read) is ``empty(file)`` with a finding, never an exception."""
    file = Path(path)
    try:
        return parse(read_rows(file), str(file))
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
    except Exception as exc:  # openpyxl raises several kinds on a broken workbook
        message = f"cannot read the workbook: {exc}"
    return empty(str(file)), [Finding(Severity.ERROR, "file.unreadable", message, str(file))]
