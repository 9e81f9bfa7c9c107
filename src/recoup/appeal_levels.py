"""Appeal levels: what follows an appeal the payer upholds, and by when (docs/domain.md §6).

A denial's first appeal is level 1 (the step an "appeal" lane files: the payer type's
``first_level`` window). When the payer decides against it, the next level opens with its own
deadline counted from the date of that decision:

* Original Medicare: redetermination (MAC) → reconsideration (QIC) → hearing before an ALJ
  (42 CFR 405.942, 405.962, 405.1002);
* commercial and ERISA plans: internal appeal → second internal appeal → external review
  (29 CFR 2560.503-1(h), 45 CFR 147.136(d)).

Other payer types have one level on file: a lost appeal there closes the denial. The windows are
the deadline data's (``recoup.deadlines``), so a level's deadline carries its basis and source
like the first one's.

    >>> from datetime import date
    >>> nxt = next_level("medicare", 1)
    >>> (nxt.number, nxt.step, nxt.name)
    (2, 'reconsideration', 'Reconsideration by the Qualified Independent Contractor (QIC)')
    >>> level_deadline("medicare", nxt, date(2026, 10, 1)).date
    datetime.date(2027, 4, 4)
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from recoup.deadlines import Deadline, deadline

__all__ = ["APPEAL_LANES", "Level", "chain", "level_deadline", "level_of", "next_level"]

# lanes whose "sent" is an appeal to the payer (a corrected claim, a bill or a write-off is not)
APPEAL_LANES = frozenset({"appeal", "exception_appeal", "recount_dispute", "underpayment"})


class Level(NamedTuple):
    number: int  # 1, 2, 3
    step: str  # the deadline data's step
    name: str  # in words, for the page and the letter
    short: str  # "reconsideration", for the timeline and the status
    reviewer: str = ""  # who decides this level when it is not the payer ("" = the payer)


_MEDICARE = (
    Level(
        1, "redetermination", "Redetermination by the Medicare contractor (MAC)", "redetermination"
    ),
    Level(
        2,
        "reconsideration",
        "Reconsideration by the Qualified Independent Contractor (QIC)",
        "reconsideration",
        "Qualified Independent Contractor named in the redetermination decision",
    ),
    Level(
        3,
        "alj_hearing",
        "Hearing before an Administrative Law Judge (OMHA)",
        "ALJ hearing",
        "OMHA office named in the reconsideration decision",
    ),
)
_PLAN = (
    Level(1, "appeal", "Internal appeal", "internal appeal"),
    Level(2, "second_appeal", "Second internal appeal", "second internal appeal"),
    Level(
        3,
        "external_review",
        "External review by an independent review organization",
        "external review",
        "independent review organization named in the final internal decision",
    ),
)
_CHAINS: dict[str, tuple[Level, ...]] = {
    "medicare": _MEDICARE,
    "commercial": _PLAN,
    "erisa": _PLAN,
}
_ONE_LEVEL = (Level(1, "appeal", "Appeal", "appeal"),)


def chain(payer_type: str | None) -> tuple[Level, ...]:
    """The levels on file for the payer type (one level when recoup knows no second)."""
    return _CHAINS.get(str(payer_type or "").strip().lower(), _ONE_LEVEL)


def level_of(payer_type: str | None, number: int) -> Level:
    levels = chain(payer_type)
    return levels[min(max(number, 1), len(levels)) - 1]


def next_level(payer_type: str | None, number: int) -> Level | None:
    """The level after ``number``, or ``None`` when there is none on file."""
    levels = chain(payer_type)
    return levels[number] if 0 < number < len(levels) else None


def level_deadline(payer_type: str | None, level: Level, decided_on: date) -> Deadline:
    """The level's deadline counted from the earlier level's decision (``decided_on``): the
    deadline data's window for the step, its basis saying which decision starts the clock."""
    found = deadline(payer_type, level.step, decided_on)
    before = f"the level-{level.number - 1} decision dated"
    basis = found.basis.replace("the remittance date", before).replace(
        "the remittance's notice date", f"the level-{level.number - 1} decision date"
    )
    return found._replace(basis=basis)
