"""Appeal and filing deadlines by payer type and step (docs/design.md, "Deadlines").

    >>> from datetime import date
    >>> from recoup.deadlines import deadline
    >>> deadline("medicare", "appeal", date(2026, 3, 4)).date
    datetime.date(2026, 7, 7)

The windows are versioned reference data (``data/appeal_windows.toml``) with a source and a
valid-from date on every row; :func:`deadline` returns a :class:`Deadline` with the date and a
plain-English basis, or ``date=None`` and what is missing.
"""

from recoup.deadlines.rules import (
    ANY_PAYER,
    FIRST_LEVEL,
    Clock,
    Deadline,
    Shift,
    SourceKind,
    Window,
    WindowTable,
    appeal_windows,
    days_left,
    deadline,
    find_window,
    load_windows,
)

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
