"""The triage contract: what a rule receives, what it decides, and how rules are registered.

A rule is a plain function ``(DenialContext) -> Decision`` registered for the reason codes it
handles (CARCs, e.g. ``"119"``). It never reads files: everything it may use is in the context
(the denied line, its claim and remittance, the practice folder, the other claims of the same
patient from the remittances at hand, and "today"). Every decision carries its reasons (sentences
a biller can read), the facts it used with their sources, and what was missing when it could not
decide (lane ``review``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from recoup.denials import DeniedItem
from recoup.practice import Practice
from recoup.records import ClaimPayment, Remittance

__all__ = [
    "LANES",
    "Decision",
    "DenialContext",
    "Evidence",
    "Rule",
    "RuleInfo",
    "registered_rules",
    "rule",
    "rule_for",
]

LANES = (
    "recount_dispute",
    "exception_appeal",
    "appeal",
    "corrected_claim",
    "bill_other_payer",
    "bill_patient",
    "write_off",
    "review",
)


class Evidence(NamedTuple):
    """One fact a decision rests on, and where it came from.

    ``source`` names the place a person can check: ``"era.835 segment 214 (CAS)"``,
    ``"visits.csv row 12"``, ``"benefits.csv row 3"``, ``"records/note.md line 8"``.
    """

    source: str
    fact: str


class Decision(NamedTuple):
    lane: str  # one of LANES
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()  # what the data lacks (for review, or to strengthen an appeal)
    action: str = ""  # the concrete next step, e.g. "add modifier XE to 97155 and resubmit"
    deadline_step: str = ""  # which deadline applies (see recoup.deadlines); "" = by lane
    # how a correction goes to the payer: "reopening", "new", "replacement", "void" ("" = none);
    # the claims-out side writes the 837 (or the reopening request) from it
    correction_form: str = ""


class DenialContext(NamedTuple):
    item: DeniedItem  # the denied line (or claim-level denial) with its denial adjustments
    remittance: Remittance  # its remittance (payer, notice date; claims may be empty)
    practice: Practice | None  # the practice folder, when one was given
    history: tuple[ClaimPayment, ...]  # every claim payment of this patient in the inputs
    today: date
    file: str  # the 835 the denial came from


Rule = Callable[[DenialContext], Decision]


class RuleInfo(NamedTuple):
    id: str  # stable, e.g. "R119"
    name: str  # e.g. "benefit maximum"
    codes: tuple[str, ...]  # the CARCs it handles
    func: Rule
    doc: str


_RULES: dict[str, RuleInfo] = {}
_BY_CODE: dict[str, RuleInfo] = {}


def rule(rule_id: str, name: str, codes: tuple[str, ...]) -> Callable[[Rule], Rule]:
    """Register a rule for its reason codes; a code belongs to one rule only."""

    def register(func: Rule) -> Rule:
        info = RuleInfo(rule_id, name, codes, func, (func.__doc__ or "").strip())
        if rule_id in _RULES:
            raise ValueError(f"rule id {rule_id} registered twice")
        for code in codes:
            if code in _BY_CODE:
                raise ValueError(f"CARC {code} already handled by {_BY_CODE[code].id}")
            _BY_CODE[code] = info
        _RULES[rule_id] = info
        return func

    return register


def rule_for(reason: str) -> RuleInfo | None:
    """The rule registered for a CARC, or None (the caller falls back to review)."""
    return _BY_CODE.get(reason)


def registered_rules() -> list[RuleInfo]:
    return sorted(_RULES.values(), key=lambda r: r.id)
