"""Appeal and filing deadlines: the window on file for a payer type and step, applied to a date.

The windows are data (``data/appeal_windows.toml``), each carrying its source and the date it
applies from; this module finds the one in force and counts it out with named date shifts::

    >>> from datetime import date
    >>> d = deadline("medicare", "redetermination", date(2026, 3, 4))
    >>> d.date
    datetime.date(2026, 7, 7)
    >>> print(d.basis)  # doctest: +NORMALIZE_WHITESPACE
    Medicare redetermination: 120 days from receipt of the initial determination; receipt
    presumed 5 days after the remittance date 2026-03-04 (2026-03-09) — 42 CFR 405.942

:func:`deadline` never raises for what it is given: an unknown payer type, a step with no rule, a
missing date all come back as a :class:`Deadline` whose ``date`` is ``None`` and whose ``basis``
says what is missing. Bad bundled data is a bug and raises :class:`ValueError` at load time (the
tests load every row).

``received_date`` is the day the *practice* received the notice (when it records one), not the
835's DTM*050, which is the day the *payer* received the claim.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from recoup.practice.model import PayerType

__all__ = [
    "ANY_PAYER",
    "FIRST_LEVEL",
    "Clock",
    "Deadline",
    "Shift",
    "SourceKind",
    "Window",
    "WindowTable",
    "appeal_windows",
    "days_left",
    "deadline",
    "find_window",
    "load_windows",
]

ANY_PAYER = "any"  # a row used when no row names the payer type
FIRST_LEVEL = "appeal"  # the step an "appeal" lane asks for: the payer type's first level
DATA_FILE = "appeal_windows.toml"


class Clock(StrEnum):
    """What starts a window."""

    NOTICE = "notice"  # the date on the remittance; a later receipt does not move it
    RECEIPT = "receipt"  # the notice date, or the practice's later recorded receipt
    PRESUMED_RECEIPT = "presumed_receipt"  # notice + receipt_days, unless receipt is recorded
    SERVICE = "service"  # the date of service


class SourceKind(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Shift:
    """A named date shift: calendar days, or calendar months clamped to the month's end."""

    name: str
    days: int = 0
    months: int = 0

    def __call__(self, start: date) -> date:
        shifted = _add_months(start, self.months) if self.months else start
        return shifted + timedelta(days=self.days)

    @property
    def words(self) -> str:
        parts = []
        if self.months:
            parts.append(_plural(self.months, "month"))
        if self.days:
            parts.append(_plural(self.days, "day"))
        return " and ".join(parts) or "0 days"


class Window(NamedTuple):
    """One row of the windows file: a rule in force from ``valid_from``."""

    payer_type: str
    step: str
    state: str  # "" = every state
    shift: Shift
    clock: Clock
    receipt_days: int
    first_level: bool
    basis: str
    citation: str
    source: str
    source_kind: SourceKind
    valid_from: date
    valid_from_note: str


class WindowTable(NamedTuple):
    title: str
    version: str
    date: date
    windows: tuple[Window, ...]


class Deadline(NamedTuple):
    """The date a step must be filed by (``None`` when it cannot be known) and why."""

    date: date | None
    basis: str
    source: str
    step: str


# -- computing -------------------------------------------------------------------------------------


def deadline(
    payer_type: PayerType | str | None,
    step: str,
    notice_date: date | None,
    *,
    received_date: date | None = None,
    override_days: int | None = None,
    state: str | None = None,
    service_date: date | None = None,
    clock: Clock | str | None = None,
    table: WindowTable | None = None,
) -> Deadline:
    """The filing deadline for ``step`` of a denial dated ``notice_date``.

    ``notice_date`` is the remittance's (``Remittance.notice_date``: BPR16, else DTM*405).
    ``override_days`` is the payer's ``appeal_days`` from practice.toml; it replaces the window
    on file (the clock stays the rule's) and the basis says so. ``step="appeal"`` means the payer
    type's first appeal level. ``clock`` (``"service"`` or ``"notice"``, the payer's
    ``corrected_claim_from``) replaces the row's clock. ``table`` replaces the bundled windows
    (tests, a newer edition).
    """
    table = table or appeal_windows()
    step = step.strip().lower()
    kind = _payer_type(payer_type)
    if isinstance(kind, _Missing):
        if override_days is None:
            return Deadline(None, kind.reason, "", step)
        kind = str(payer_type or "").strip().lower() or "unknown"
    state_code = (state or "").strip().upper()
    on = notice_date or service_date
    window = find_window(table, kind, step, state_code, on) if on else None
    if window is None and override_days is None:
        return Deadline(None, _no_rule(table, kind, step, state_code, on), "", step)
    if window is None:
        return _override_only(kind, step, notice_date, received_date, override_days)
    clock_note = ""
    if (
        clock is not None
        and str(clock) in {c.value for c in Clock}
        and Clock(clock) != window.clock
    ):
        window = window._replace(clock=Clock(clock), receipt_days=0)
        clock_note = " (the clock is the payer's corrected_claim_from in practice.toml)"
    start, clock_words = _start(window, notice_date, received_date, service_date)
    clock_words += clock_note
    if start is None:
        return Deadline(None, clock_words, window.source, window.step)
    shift, window_words = window.shift, window.shift.words
    if override_days is not None and override_days >= 1:
        shift = Shift("appeal_days", days=override_days)
        window_words = (
            f"{_plural(override_days, 'day')} ({_setting(window.step)} for this payer in "
            f"practice.toml, replacing the {window.shift.words} on file)"
        )
    basis = window.basis.format(window=window_words, clock=clock_words, citation=window.citation)
    if on is not None and on < window.valid_from:
        basis += f" (the rule on file applies from {window.valid_from}; used for this earlier date)"
    if override_days is not None and override_days < 1:
        basis += f" (appeal_days {override_days} ignored: not a positive number of days)"
    return Deadline(shift(start), basis, window.source, window.step)


def _setting(step: str) -> str:
    return "corrected_claim_days" if step == "corrected_claim" else "appeal_days"


def days_left(deadline: Deadline, today: date) -> int | None:
    """Calendar days from ``today`` to the deadline (0 on the day, negative once past)."""
    return None if deadline.date is None else (deadline.date - today).days


def find_window(
    table: WindowTable, payer_type: str, step: str, state: str, on: date
) -> Window | None:
    """The row for the payer type (else ``any``), step and state (else every state) in force on
    ``on``: the latest ``valid_from`` not after it, else the earliest version on file."""
    for kind in (payer_type, ANY_PAYER):
        for where in dict.fromkeys((state, "")):
            versions = [
                w
                for w in table.windows
                if w.payer_type == kind and w.state == where and _is_step(w, step)
            ]
            if versions:
                in_force = [w for w in versions if w.valid_from <= on]
                if in_force:
                    return max(in_force, key=lambda w: w.valid_from)
                return min(versions, key=lambda w: w.valid_from)
    return None


def _is_step(window: Window, step: str) -> bool:
    return window.step == step or (step == FIRST_LEVEL and window.first_level)


class _Missing(NamedTuple):
    reason: str


_ALLOWED_TYPES = ", ".join(t.value for t in PayerType)
_KNOWN_TYPES = frozenset(t.value for t in PayerType)


def _payer_type(value: PayerType | str | None) -> str | _Missing:
    allowed = _ALLOWED_TYPES
    if value is None or not str(value).strip():
        return _Missing(
            "no deadline: the payer type is missing (set type in practice.toml [payers.<id>] "
            f"or payer_type in coverages.csv: {allowed})"
        )
    kind = str(value).strip().lower()
    if kind not in _KNOWN_TYPES:
        return _Missing(f'no deadline: payer type "{value}" is not known (expected {allowed})')
    return kind


def _no_rule(table: WindowTable, kind: str, step: str, state: str, on: date | None) -> str:
    if on is None:
        return (
            "no deadline: the remittance has no notice date (BPR16 payment date or DTM*405 "
            "production date)"
        )
    where = f" in {state}" if state else ""
    states = sorted({w.state for w in table.windows if w.payer_type == kind and w.state})
    hint = f" (rules on file for states: {', '.join(states)})" if states else ""
    return (
        f"no deadline: no {kind} {step} rule on file{where}{hint}; "
        "set appeal_days for this payer in practice.toml"
    )


def _override_only(
    kind: str, step: str, notice: date | None, received: date | None, days: int | None
) -> Deadline:
    if notice is None or days is None or days < 1:
        return Deadline(
            None,
            "no deadline: appeal_days needs the remittance's notice date and a positive number",
            "",
            step,
        )
    start, words = notice, f"counted from the remittance date {notice}"
    if received is not None and received > notice:
        start, words = received, f"counted from receipt recorded on {received}"
    basis = (
        f"Appeal window set by the practice: {_plural(days, 'day')} (appeal_days for this payer "
        f"in practice.toml; no {kind} {step} rule on file), {words}"
    )
    return Deadline(start + timedelta(days=days), basis, "practice.toml appeal_days", step)


def _start(
    window: Window, notice: date | None, received: date | None, service: date | None
) -> tuple[date | None, str]:
    """The day the clock starts and the words saying why (or ``None`` and what is missing)."""
    if window.clock is Clock.SERVICE:
        if service is None:
            return (
                None,
                "no deadline: this window counts from the date of service, which is missing",
            )
        return service, f"counted from the date of service {service}"
    if notice is None:
        return None, (
            "no deadline: the remittance has no notice date (BPR16 payment date or DTM*405 "
            "production date)"
        )
    ignored = ""
    if received is not None and received < notice:
        ignored = f"; the recorded receipt date {received} is before the remittance and was ignored"
        received = None
    if window.clock is Clock.PRESUMED_RECEIPT:
        presumed = Shift("presumed receipt", days=window.receipt_days)(notice)
        if received is not None:
            return received, (
                f"receipt recorded by the practice on {received} (remittance dated {notice}; "
                f"receipt would otherwise be presumed on {presumed})"
            )
        days = _plural(window.receipt_days, "day")
        return presumed, (
            f"receipt presumed {days} after the remittance date {notice} ({presumed}){ignored}"
        )
    if window.clock is Clock.RECEIPT and received is not None and received > notice:
        return received, (
            f"counted from receipt recorded by the practice on {received} (remittance dated "
            f"{notice})"
        )
    words = f"counted from the remittance date {notice}"
    if window.clock is Clock.NOTICE and received is not None and received > notice:
        words += f" (the later receipt on {received} does not move this clock)"
    return notice, words + ignored


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _add_months(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


# -- loading ---------------------------------------------------------------------------------------


@cache
def appeal_windows() -> WindowTable:
    """The bundled windows, loaded once per process."""
    text = resources.files("recoup.deadlines").joinpath("data", DATA_FILE).read_text("utf-8")
    return load_windows(text)


def load_windows(text: str) -> WindowTable:
    """Parse a windows file; a bad row raises :class:`ValueError` naming the row."""
    data = tomllib.loads(text)
    meta = data.get("meta", {})
    windows = tuple(_window(i, row) for i, row in enumerate(data.get("window", []), start=1))
    seen: set[tuple[str, str, str, date]] = set()
    for w in windows:
        key = (w.payer_type, w.step, w.state, w.valid_from)
        if key in seen:
            raise ValueError(f"{DATA_FILE}: two windows for {key}")
        seen.add(key)
    return WindowTable(
        title=str(meta.get("title", "")),
        version=str(meta["version"]),
        date=date.fromisoformat(str(meta["date"])),
        windows=windows,
    )


def _window(number: int, row: dict[str, Any]) -> Window:
    where = f"{DATA_FILE} window {number}"
    try:
        kind = str(row["payer_type"])
        if kind != ANY_PAYER and kind not in {t.value for t in PayerType}:
            raise ValueError(f"unknown payer_type {kind!r}")
        days, months = int(row.get("days", 0)), int(row.get("months", 0))
        if (days > 0) == (months > 0) or days < 0 or months < 0:
            raise ValueError("give exactly one positive window: days or months")
        clock = Clock(row["clock"])
        receipt_days = int(row.get("receipt_days", 0))
        if (clock is Clock.PRESUMED_RECEIPT) != (receipt_days > 0):
            raise ValueError("receipt_days (positive) goes with clock = presumed_receipt only")
        basis = str(row["basis"])
        basis.format(window="", clock="", citation="")  # a bad placeholder fails here
        for part in ("{window}", "{clock}", "{citation}"):
            if part not in basis:
                raise ValueError(f"basis lacks {part}")
        window = Window(
            payer_type=kind,
            step=str(row["step"]).strip().lower(),
            state=str(row.get("state", "")).strip().upper(),
            shift=Shift(str(row["step"]), days=days, months=months),
            clock=clock,
            receipt_days=receipt_days,
            first_level=bool(row.get("first_level", False)),
            basis=basis,
            citation=str(row["citation"]),
            source=str(row["source"]),
            source_kind=SourceKind(row["source_kind"]),
            valid_from=date.fromisoformat(str(row["valid_from"])),
            valid_from_note=str(row.get("valid_from_note", "")),
        )
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"{where}: {exc}") from exc
    if not (window.step and window.citation.strip() and window.source.strip()):
        raise ValueError(f"{where}: step, citation and source are required")
    return window
