"""Quarterly editions of the CMS edit tables, and the table in force on a date of service.

CMS publishes the practitioner PTP and MUE tables every quarter (January, April, July, October).
An *edition* is one table kind (``ptp`` or ``mue``) for one quarter, e.g. PTP ``2026Q3`` from
``ccipra-v322r0-f1.txt`` … ``-f4.txt``. Triage and the scrub use the edition in force on the
date of service: the latest one whose quarter began on or before it (a date before every loaded
quarter uses the earliest, and the name says so). The bundled illustrative PTP table is used only
when no PTP edition is loaded; there is no bundled MUE table, so without one every MUE is
unknown. Every answer comes with the name of the table it used.

Tables are read from the store once per edition and kept in memory (a dictionary keyed by code
pair), so a lookup never costs a SQL query. ``use_store`` sets the store that
:func:`ptp_table_for` reads when it is not given one; an import through
:func:`recoup.store.ncci.import_ncci_files` forgets what was cached for that store.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, NamedTuple

from recoup.ncci.mue import MueTable
from recoup.ncci.ptp import BUNDLED_SOURCE, PtpTable, bundled_table

__all__ = [
    "NO_MUE_SOURCE",
    "Edition",
    "EditionSet",
    "detect_quarter",
    "forget",
    "mue_table_for",
    "parse_quarter",
    "ptp_table_for",
    "quarter_start",
    "store_in_force",
    "use_store",
]

NO_MUE_SOURCE = "no MUE table loaded (every MUE unknown)"

_QUARTER = re.compile(r"^(\d{4})\s*[-_ ]?\s*Q([1-4])$", re.IGNORECASE)
# NCCI version in the PTP file names: v<major><quarter digit>r<revision> (ccipra-v322r0-f1.txt is
# version 32.2 revision 0). The versions run one major number per year, 29.0 = January 2023 …
# 32.0 = January 2026, and the digit after the major is the quarter (0 = January … 3 = October);
# a file name that does not fit needs --quarter.
_PTP_VERSION = re.compile(r"v(\d{2})(\d)r(\d+)", re.IGNORECASE)
_VERSION_YEAR_OFFSET = 1994
_NAMED_QUARTER = re.compile(r"(20\d{2})[-_ ]?q([1-4])", re.IGNORECASE)
_MDY = re.compile(r"(?<!\d)(\d{1,2})[-_.](\d{1,2})[-_.](20\d{2})(?!\d)")
_YMD = re.compile(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def parse_quarter(text: str) -> str | None:
    """``2026Q3`` (also ``2026-q3``) normalised, or ``None`` when it is not a quarter."""
    match = _QUARTER.match(text.strip())
    return f"{match.group(1)}Q{match.group(2)}" if match else None


def quarter_start(quarter: str) -> date:
    """The first day of ``2026Q3``: 2026-07-01."""
    year, number = quarter.upper().split("Q")
    return date(int(year), (int(number) - 1) * 3 + 1, 1)


def _quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def detect_quarter(file_name: str) -> tuple[str, str] | None:
    """The quarter and version a CMS file name states: ``ccipra-v322r0-f1.txt`` ->
    (``2026Q3``, ``32.2r0``); ``..._Eff_07-01-2026.xlsx`` -> (``2026Q3``,
    ``effective 2026-07-01``)."""
    name = file_name.rsplit("/", 1)[-1]
    if match := _PTP_VERSION.search(name):
        major, digit, revision = match.groups()
        if int(digit) <= 3:
            quarter = f"{_VERSION_YEAR_OFFSET + int(major)}Q{int(digit) + 1}"
            return quarter, f"{major}.{digit}r{revision}"
    if match := _NAMED_QUARTER.search(name):
        return f"{match.group(1)}Q{match.group(2)}", ""
    for pattern, order in ((_MDY, (2, 0, 1)), (_YMD, (0, 1, 2))):
        if match := pattern.search(name):
            parts = match.groups()
            try:
                day = date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                continue
            return _quarter_of(day), f"effective {day.isoformat()}"
    return None


class Edition(NamedTuple):
    """One loaded table: its kind, quarter and the name decisions cite."""

    id: int
    kind: str  # ptp, mue
    setting: str  # practitioner
    quarter: str  # 2026Q3
    effective: date  # the quarter's first day
    version: str
    name: str  # "CMS NCCI PTP practitioner 2026Q3 (version 32.2r0)"


class EditionSet:
    """The editions of one store with a loader each; tables are read once and kept."""

    def __init__(
        self,
        editions: list[Edition],
        load_ptp: Callable[[Edition], PtpTable],
        load_mue: Callable[[Edition], MueTable],
    ) -> None:
        self.editions = sorted(editions, key=lambda e: (e.kind, e.effective))
        self._load_ptp, self._load_mue = load_ptp, load_mue
        self._tables: dict[int, Any] = {}

    def _pick(self, kind: str, on: date) -> tuple[Edition, bool] | None:
        mine = [e for e in self.editions if e.kind == kind and e.setting == "practitioner"]
        if not mine:
            return None
        in_force = [e for e in mine if e.effective <= on]
        return (in_force[-1], True) if in_force else (mine[0], False)

    def _named(self, edition: Edition, in_force: bool, on: date) -> str:
        if in_force:
            return edition.name
        return f"{edition.name}; the earliest loaded, {on.isoformat()} is before its quarter"

    def ptp_for(self, on: date) -> tuple[PtpTable, str] | None:
        picked = self._pick("ptp", on)
        if picked is None:
            return None
        edition, in_force = picked
        table = self._tables.get(edition.id)
        if table is None:
            table = self._tables[edition.id] = self._load_ptp(edition)
        name = self._named(edition, in_force, on)
        return (table if table.name == name else table.renamed(name)), name

    def mue_for(self, on: date) -> tuple[MueTable, str] | None:
        picked = self._pick("mue", on)
        if picked is None:
            return None
        edition, in_force = picked
        table = self._tables.get(edition.id)
        if table is None:
            table = self._tables[edition.id] = self._load_mue(edition)
        return table, self._named(edition, in_force, on)


# Keyed by the store's Engine itself (two in-memory SQLite stores share a URL); an engine that is
# garbage-collected takes its tables with it.
_SETS: weakref.WeakKeyDictionary[Any, EditionSet] = weakref.WeakKeyDictionary()
# The store a lookup given none reads: per thread and per asyncio task (a ContextVar), so two
# web requests triaging against different stores at once never see each other's.
_DEFAULT: ContextVar[Any] = ContextVar("recoup_ncci_store", default=None)


def editions_of(store: Any) -> EditionSet:
    """The store's editions (read once, then cached until :func:`forget`)."""
    engine = getattr(store, "engine", store)
    found = _SETS.get(engine)
    if found is None:
        from recoup.store.ncci import edition_set  # the store imports this package

        found = _SETS[engine] = edition_set(engine)
    return found


def forget(store: Any = None) -> None:
    """Drop the cached editions and tables (of one store, or all)."""
    if store is None:
        _SETS.clear()
    else:
        _SETS.pop(getattr(store, "engine", store), None)


def use_store(store: Any) -> None:
    """Make ``store`` (a ``Store`` or an Engine; ``None`` to clear) the one that
    :func:`ptp_table_for` and :func:`mue_table_for` read when given none, in this thread (or
    asyncio task) and what it starts from here on."""
    _DEFAULT.set(store)


@contextmanager
def store_in_force(store: Any) -> Iterator[None]:
    """``use_store(store)`` for the ``with`` block; the one before it is back afterwards."""
    token = _DEFAULT.set(store)
    try:
        yield
    finally:
        _DEFAULT.reset(token)


def _store(store: Any) -> Any:
    return store if store is not None else _DEFAULT.get()


def ptp_table_for(on: date, store: Any = None) -> tuple[PtpTable, str]:
    """The PTP table in force on ``on`` and its name: the CMS quarter loaded in the store, or the
    bundled illustrative table when none is loaded."""
    chosen = _store(store)
    if chosen is not None:
        found = editions_of(chosen).ptp_for(on)
        if found is not None:
            return found
    return bundled_table(), BUNDLED_SOURCE


def mue_table_for(on: date, store: Any = None) -> tuple[MueTable | None, str]:
    """The MUE table in force on ``on`` and its name, or ``None`` (every MUE unknown)."""
    chosen = _store(store)
    if chosen is not None:
        found = editions_of(chosen).mue_for(on)
        if found is not None:
            return found
    return None, NO_MUE_SOURCE
