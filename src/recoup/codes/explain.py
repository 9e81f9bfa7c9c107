"""Looking codes up and explaining an adjustment (group code + CARC + remark codes).

:func:`explain` is what the rest of recoup calls for a denial: it combines the reason code's own
words, the group code's liability, the category advice and the remark codes into one
:class:`Explanation`, and it never raises for an unknown code: unknown codes are listed in
``unknown_codes`` and described as unknown. :func:`category_of` is the fast path triage uses
for every adjustment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from typing import Any

from recoup.codes.official import load_official, store_state
from recoup.codes.tables import (
    CARC,
    RARC,
    CodeEntry,
    GroupCode,
    code_kind,
    code_tables,
    normalize_code,
)

__all__ = [
    "UNKNOWN_CATEGORY",
    "CodeRef",
    "Explanation",
    "RemarkExplanation",
    "category_of",
    "explain",
    "explain_remark",
    "lookup",
    "parse_code",
    "search",
]

UNKNOWN_CATEGORY = "unknown"
_GROUPS = ("CO", "PR", "OA", "PI", "CR")
_REF = re.compile(r"^\s*(?:(CO|PR|OA|PI|CR)\s*[-:/ ]?\s*)?([A-Z]{0,2}\d{1,4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code as a person types it: ``CO-119``, ``97``, ``N362``."""

    code: str
    kind: str  # CARC or RARC
    group: str | None = None


@dataclass(frozen=True, slots=True)
class RemarkExplanation:
    code: str
    known: bool
    description: str
    official: str | None = None
    active: bool | None = None
    stop_date: date | None = None
    alert: bool = False
    explanation: str | None = None
    causes: tuple[str, ...] = ()
    appealable: str | None = None
    appeal_effect: str | None = None
    typical_fix: str | None = None
    confusion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": RARC,
            "known": self.known,
            "description": self.description,
            "official": self.official,
            "active": self.active,
            "stop_date": _iso(self.stop_date),
            "alert": self.alert,
            "explanation": self.explanation,
            "causes": list(self.causes),
            "appealable": self.appealable,
            "appeal_effect": self.appeal_effect,
            "typical_fix": self.typical_fix,
            "confusion": self.confusion,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything recoup can say about one adjustment: group code, reason code and remarks."""

    code: str
    known: bool
    group: str | None
    group_name: str | None
    group_meaning: str | None
    liability: str | None  # provider, patient or depends; None without a group code
    description: str
    official: str | None
    own_words: bool
    category: str
    category_description: str
    active: bool | None
    start_date: date | None
    stop_date: date | None
    explanation: str | None
    causes: tuple[str, ...]
    appealable: str
    typical_fix: str
    confusion: str | None
    remarks: tuple[RemarkExplanation, ...] = ()
    unknown_codes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return CARC

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": CARC,
            "known": self.known,
            "group": self.group,
            "group_name": self.group_name,
            "group_meaning": self.group_meaning,
            "liability": self.liability,
            "description": self.description,
            "official": self.official,
            "own_words": self.own_words,
            "category": self.category,
            "category_description": self.category_description,
            "active": self.active,
            "start_date": _iso(self.start_date),
            "stop_date": _iso(self.stop_date),
            "explanation": self.explanation,
            "causes": list(self.causes),
            "appealable": self.appealable,
            "typical_fix": self.typical_fix,
            "confusion": self.confusion,
            "remarks": [remark.to_dict() for remark in self.remarks],
            "unknown_codes": list(self.unknown_codes),
            "warnings": list(self.warnings),
        }


def parse_code(text: str) -> CodeRef:
    """Read ``CO-119``, ``co 119``, ``PR1``, ``97``, ``N362``, ``MA130``; raise ``ValueError``."""
    match = _REF.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a code (expected e.g. CO-119, 97 or N362)")
    group = match.group(1).upper() if match.group(1) else None
    code = normalize_code(match.group(2))
    kind = code_kind(code)
    if kind is None:
        raise ValueError(f"{text.strip()!r} is not a code (expected e.g. CO-119, 97 or N362)")
    return CodeRef(code=code, kind=kind, group=group)


def lookup(code: str) -> CodeEntry | None:
    """The entry for a CARC or RARC (a group prefix is ignored), with any imported official text."""
    try:
        ref = parse_code(code)
    except ValueError:
        return None
    tables = code_tables()
    entry = (tables.carc if ref.kind == CARC else tables.rarc).get(ref.code)
    official, _ = load_official()
    text = official.get((ref.kind, ref.code))
    if entry is None:
        if text is None:
            return None
        return CodeEntry(
            kind=ref.kind,
            code=ref.code,
            description=text.description,
            active=text.stop_date is None or text.stop_date > date.today(),
            start_date=text.start_date,
            stop_date=text.stop_date,
            category="other" if ref.kind == CARC else None,
            official=text.description,
            own_words=False,
            source=text.imported_from,
        )
    if text is None:
        return entry
    return replace(
        entry,
        official=text.description,
        start_date=entry.start_date or text.start_date,
        stop_date=entry.stop_date or text.stop_date,
    )


def search(text: str, limit: int | None = None) -> list[CodeEntry]:
    """Codes whose code, words, explanation or official text contain every word of ``text``.

    Matches in the short description rank first, then in the explanation, then elsewhere
    (a code whose only match is a warning about a popular misreading ranks last).
    """
    words = [w for w in re.findall(r"[\w'-]+", text.lower()) if w]
    if not words:
        return []
    phrase = " ".join(words)
    official, _ = load_official()
    scored: list[tuple[int, int, str, CodeEntry]] = []
    tables = code_tables()
    for order, entry in enumerate([*tables.carc.values(), *tables.rarc.values()]):
        text_of = official.get((entry.kind, entry.code))
        if text_of is not None:
            entry = replace(entry, official=text_of.description)
        score = _score(entry, words, phrase)
        if score:
            scored.append((-score, order, entry.code, entry))
    scored.sort(key=lambda item: (item[0], item[1]))
    found = [item[3] for item in scored]
    return found[:limit] if limit is not None else found


def category_of(reason: str) -> str:
    """The denial category of a CARC, or ``"unknown"``; a dict lookup, cheap for bulk triage."""
    index = _category_index()
    category = index.get(reason)
    if category is None:
        category = index.get(normalize_code(reason), UNKNOWN_CATEGORY)
    return category


def explain(group: str | None, reason: str, remarks: Sequence[str] = ()) -> Explanation:
    """Explain one adjustment: ``explain("CO", "119", ["N362"])``. Never raises for bad codes.

    Results are memoised per (group, reason, remarks) until the imported official list changes,
    since a batch repeats the same few combinations many times.
    """
    return _explain_cached(group, reason, tuple(remarks), store_state())


@lru_cache(maxsize=8192)
def _explain_cached(
    group: str | None, reason: str, remarks: tuple[str, ...], _state: tuple[str, int, int]
) -> Explanation:
    tables = code_tables()
    warnings: list[str] = []
    unknown: list[str] = []
    group_code = _group(group, tables.groups, warnings)
    entry = lookup(reason) if code_kind(normalize_code(reason)) == CARC else None
    if entry is None:
        unknown.append(reason.strip())
        if code_kind(normalize_code(reason)) == RARC:
            warnings.append(f"{reason.strip()} is a remark code (RARC), not a reason code (CARC).")
    remark_items = tuple(_remark(code, unknown) for code in remarks)
    if entry is None:
        return _unknown_explanation(reason, group, group_code, remark_items, unknown, warnings)

    category = tables.categories[entry.category or "other"]
    advice = entry.advice
    appealable = advice.appealable if advice else category.appealable
    appealable = _apply_remark_appeal_rights(appealable, remark_items, warnings)
    if group_code is not None and entry.groups and group_code.code not in entry.groups:
        warnings.append(
            f"CARC {entry.code} is meant for group {' or '.join(entry.groups)}, "
            f"but this adjustment uses {group_code.code}."
        )
    if not entry.active:
        stopped = f" (stopped {entry.stop_date.isoformat()})" if entry.stop_date else ""
        warnings.append(
            f"CARC {entry.code} is deactivated{stopped}; it can still appear on reversals, "
            "corrections and old claims."
        )
    warnings.extend(
        f"Remark {item.code} is deactivated." for item in remark_items if item.active is False
    )
    if advice and advice.confusion:
        warnings.append(advice.confusion)
    return Explanation(
        code=entry.code,
        known=True,
        group=group_code.code if group_code else _clean_group(group),
        group_name=group_code.name if group_code else None,
        group_meaning=group_code.description if group_code else None,
        liability=group_code.liability if group_code else None,
        description=entry.description,
        official=entry.official,
        own_words=entry.own_words,
        category=category.name,
        category_description=category.description,
        active=entry.active,
        start_date=entry.start_date,
        stop_date=entry.stop_date,
        explanation=advice.explanation if advice else None,
        causes=advice.causes if advice else (),
        appealable=appealable,
        typical_fix=advice.typical_fix if advice else category.typical_fix,
        confusion=advice.confusion if advice else None,
        remarks=remark_items,
        unknown_codes=tuple(unknown),
        warnings=tuple(warnings),
    )


def explain_remark(code: str) -> RemarkExplanation:
    """Explain one remark code on its own; ``known`` is false for an unknown code."""
    return _remark(code, [])


@cache
def _category_index() -> Mapping[str, str]:
    return {code: entry.category or "other" for code, entry in code_tables().carc.items()}


def _clean_group(group: str | None) -> str | None:
    return group.strip().upper() if group and group.strip() else None


def _group(
    group: str | None, groups: Mapping[str, GroupCode], warnings: list[str]
) -> GroupCode | None:
    code = _clean_group(group)
    if code is None:
        return None
    found = groups.get(code)
    if found is None:
        warnings.append(
            f"{code!r} is not a group code; expected CO, PR, OA or PI (CR only in 4010 files)."
        )
    elif not found.active:
        warnings.append(
            f"Group {code} is valid only in old 4010 remittances; 5010 files use CO, PR, OA, PI."
        )
    return found


def _remark(code: str, unknown: list[str]) -> RemarkExplanation:
    entry = lookup(code) if code_kind(normalize_code(code)) == RARC else None
    if entry is None:
        unknown.append(code.strip())
        return RemarkExplanation(code=code.strip(), known=False, description="Unknown remark code.")
    advice = entry.advice
    return RemarkExplanation(
        code=entry.code,
        known=True,
        description=entry.description,
        official=entry.official,
        active=entry.active,
        stop_date=entry.stop_date,
        alert=entry.alert,
        explanation=advice.explanation if advice else None,
        causes=advice.causes if advice else (),
        appealable=advice.appealable if advice else None,
        appeal_effect=advice.appeal_effect if advice else None,
        typical_fix=advice.typical_fix if advice else None,
        confusion=advice.confusion if advice else None,
    )


def _apply_remark_appeal_rights(
    appealable: str, remarks: Sequence[RemarkExplanation], warnings: list[str]
) -> str:
    closed = [r.code for r in remarks if r.appeal_effect == "no"]
    if closed:
        warnings.append(f"Remark {', '.join(closed)} says this decision cannot be appealed.")
        return "no"
    if any(r.appeal_effect == "yes" for r in remarks):
        return "yes"
    return appealable


def _unknown_explanation(
    reason: str,
    group: str | None,
    group_code: GroupCode | None,
    remarks: tuple[RemarkExplanation, ...],
    unknown: list[str],
    warnings: list[str],
) -> Explanation:
    return Explanation(
        code=reason.strip(),
        known=False,
        group=group_code.code if group_code else _clean_group(group),
        group_name=group_code.name if group_code else None,
        group_meaning=group_code.description if group_code else None,
        liability=group_code.liability if group_code else None,
        description="Unknown reason code: not in recoup's CARC table or an imported official list.",
        official=None,
        own_words=True,
        category=UNKNOWN_CATEGORY,
        category_description="The code is not known to recoup.",
        active=None,
        start_date=None,
        stop_date=None,
        explanation=None,
        causes=(),
        appealable="depends",
        typical_fix="Check the code on the payer's remittance and the official X12 list.",
        confusion=None,
        remarks=remarks,
        unknown_codes=tuple(unknown),
        warnings=tuple(warnings),
    )


def _score(entry: CodeEntry, words: Sequence[str], phrase: str) -> int:
    if phrase.upper() == entry.code:
        return 1000
    advice = entry.advice
    fields = (
        (100, entry.description),
        (60, entry.official or ""),
        (40, entry.category.replace("_", " ") if entry.category else ""),
        (20, advice.explanation if advice else ""),
        (10, " ".join(advice.causes) + " " + advice.typical_fix if advice else ""),
        (1, advice.confusion or "" if advice else ""),
    )
    everything = " ".join(text for _, text in fields).lower()
    if not all(word in everything for word in words):
        return 0
    score = 0
    for weight, text in fields:
        lowered = text.lower()
        if phrase in lowered:
            score += weight * 2
        elif all(word in lowered for word in words):
            score += weight
    score = max(score, 1)
    return score + (5 if entry.active else 0) + (3 if entry.kind == CARC else 0)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
