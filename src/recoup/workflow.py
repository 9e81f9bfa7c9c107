"""The words of a denial's workflow, as enums checked wherever they enter (CLI, API, store).

Each is a ``StrEnum``: a member compares equal to its code and is stored and written in JSON as
it, and ``label`` gives the words a person reads. ``parse`` turns outside text into a member or a
``ValueError`` that lists what is allowed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

__all__ = ["Channel", "Outcome", "Status", "StatusFilter", "parse"]


class Status(StrEnum):
    """Where a stored denial stands."""

    OPEN = "open"
    SENT = "sent"
    CLOSED = "closed"


class StatusFilter(StrEnum):
    """Which denials a worklist query shows: a status, ``active`` (open or sent), or ``all``."""

    OPEN = "open"
    SENT = "sent"
    CLOSED = "closed"
    ACTIVE = "active"
    ALL = "all"


class Outcome(StrEnum):
    """How a denial ended."""

    WON = "won"
    PARTLY_WON = "partly_won"
    LOST = "lost"
    WRITTEN_OFF = "written_off"
    BILLED_PATIENT = "billed_patient"
    BILLED_OTHER_PAYER = "billed_other_payer"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.WON: "Won",
    Outcome.PARTLY_WON: "Partly won",
    Outcome.LOST: "Lost",
    Outcome.WRITTEN_OFF: "Written off",
    Outcome.BILLED_PATIENT: "Billed to patient",
    Outcome.BILLED_OTHER_PAYER: "Billed to other payer",
}


class Channel(StrEnum):
    """How an appeal, corrected claim or statement was sent."""

    MAIL = "mail"
    FAX = "fax"
    PORTAL = "portal"
    CLEARINGHOUSE = "clearinghouse"
    EMAIL = "email"


E = TypeVar("E", bound=StrEnum)


def parse(kind: type[E], value: object, what: str) -> E:
    """``value`` as a member of ``kind``; ValueError naming ``what`` and the allowed codes."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value.strip() if isinstance(value, str) else str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{what} must be one of {allowed}, not {value!r}") from None
