"""The rules reference (docs/rules.md), generated from the registry so it cannot drift.

Each registered rule contributes its id, name, reason codes, the one-line docstring of its
function and the docstring of its module (where the "why" lives). A test compares docs/rules.md
with :func:`rules_reference`; regenerate with ``python -m recoup.triage docs/rules.md``.
"""

from __future__ import annotations

import inspect
import sys

import recoup.triage.rules  # noqa: F401  (registers every rule)
from recoup.triage.model import LANES, RuleInfo, registered_rules

__all__ = ["REGENERATE", "rules_reference"]

REGENERATE = "python -m recoup.triage docs/rules.md"


def _module_doc(info: RuleInfo) -> str:
    module = sys.modules.get(info.func.__module__)
    return inspect.cleandoc(module.__doc__ or "") if module is not None else ""


def _section(info: RuleInfo) -> list[str]:
    # a rule with no codes checks lines the payer paid (U001, underpayments)
    codes = ", ".join(info.codes) or "none (every paid line is checked)"
    module = info.func.__module__
    return [
        f"## {info.id}: {info.name}",
        "",
        f"- reason codes (CARC): {codes}",
        f"- function: `{module}.{info.func.__name__}`",
        "",
        f"> {' '.join(inspect.cleandoc(info.doc).split())}" if info.doc else "",
        "",
        _module_doc(info),
        "",
    ]


def rules_reference() -> str:
    """Markdown for every registered rule, ordered by id, with the lanes they may choose."""
    lines = [
        "# Triage rules",
        "",
        f"<!-- Generated from the rule registry; do not edit. Regenerate: {REGENERATE} -->",
        "",
        "Each denial goes to the rule registered for its reason code (the first denial adjustment "
        "with a rule, CO/PI/OA before PR); a code with no rule becomes `review` with the code's "
        "explanation. The patient's cost share (PR-1/2/3) is not a denial: rule R001 routes it "
        "into the worklist's separate `patient_share` list, outside the denied dollars.",
        "",
        "Lanes: " + ", ".join(f"`{lane}`" for lane in LANES) + ".",
        "",
    ]
    for info in registered_rules():
        lines += _section(info)
    return "\n".join(lines).rstrip("\n") + "\n"
