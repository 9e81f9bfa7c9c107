"""Triage: every denial decided by its rule, with reasons, evidence and a deadline.

>>> from recoup.triage import triage  # doctest: +SKIP
>>> worklist = triage(results, practice, date(2026, 11, 23))  # doctest: +SKIP
"""

from recoup.triage.engine import triage
from recoup.triage.model import (
    LANES,
    Decision,
    DenialContext,
    Evidence,
    Lane,
    RuleInfo,
    Source,
    WorkItem,
    Worklist,
    registered_rules,
    rule,
    rule_for,
)
from recoup.triage.reference import rules_reference

__all__ = [
    "LANES",
    "Decision",
    "DenialContext",
    "Evidence",
    "Lane",
    "RuleInfo",
    "Source",
    "WorkItem",
    "Worklist",
    "registered_rules",
    "rule",
    "rule_for",
    "rules_reference",
    "triage",
]
