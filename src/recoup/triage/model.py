"""The triage contract: what a rule receives, what it decides, and how rules are registered.

A rule is a plain function ``(DenialContext) -> Decision`` registered for the reason codes it
handles (CARCs, e.g. ``"119"``). It never reads files: everything it may use is in the context
(the denied line, its claim and remittance, the practice folder, the other claims of the same
patient from the remittances at hand, and "today"). Every decision carries its reasons (sentences
a biller can read), the facts it used with their sources, and what was missing when it could not
decide (lane ``review``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from recoup.deadlines import Deadline
from recoup.denials import DeniedItem
from recoup.money import CENT, ZERO
from recoup.practice import Practice
from recoup.records import ClaimPayment, Remittance

__all__ = [
    "LANES",
    "Decision",
    "DenialContext",
    "Evidence",
    "Lane",
    "Rule",
    "RuleInfo",
    "Source",
    "WorkItem",
    "Worklist",
    "lane_of",
    "merge_worklists",
    "note_source",
    "registered_rules",
    "rule",
    "rule_for",
    "segment_source",
]


class Lane(StrEnum):
    """What to do about a denial (docs/design.md, "Triage output contract (v1)").

    A ``StrEnum``: a lane compares equal to its code and is written as it in JSON and the store.
    """

    RECOUNT_DISPUTE = "recount_dispute"
    EXCEPTION_APPEAL = "exception_appeal"
    APPEAL = "appeal"
    CORRECTED_CLAIM = "corrected_claim"
    BILL_OTHER_PAYER = "bill_other_payer"
    BILL_PATIENT = "bill_patient"
    WRITE_OFF = "write_off"
    REVIEW = "review"
    UNDERPAYMENT = "underpayment"  # paid below the contracted rate (fee_schedules/)
    REVIEW_TAKEBACK = "review_takeback"  # a PLB takeback no earlier payment explains
    # a sent claim (837P) no remittance answers after the payer's usual days, or close to its
    # timely filing limit unpaid (recoup.triage.unanswered; made at the store's refresh)
    MISSING_REMITTANCE = "missing_remittance"

    @property
    def label(self) -> str:
        """The lane in words, for people ("Corrected claim")."""
        return _LANE_LABELS[self]


_LANE_LABELS = {
    Lane.RECOUNT_DISPUTE: "Recount dispute",
    Lane.EXCEPTION_APPEAL: "Exception appeal",
    Lane.APPEAL: "Appeal",
    Lane.CORRECTED_CLAIM: "Corrected claim",
    Lane.BILL_OTHER_PAYER: "Bill other payer",
    Lane.BILL_PATIENT: "Bill patient",
    Lane.WRITE_OFF: "Write off",
    Lane.REVIEW: "Review",
    Lane.UNDERPAYMENT: "Underpayment",
    Lane.REVIEW_TAKEBACK: "Review takeback",
    Lane.MISSING_REMITTANCE: "Missing remittance",
}

LANES: tuple[str, ...] = tuple(lane.value for lane in Lane)


def lane_of(text: str) -> Lane:
    """The lane a code names; ValueError (listing the lanes) for any other text."""
    try:
        return Lane(text)
    except ValueError:
        raise ValueError(f"unknown lane {text!r}: one of {', '.join(LANES)}") from None


class Source(NamedTuple):
    """Where a fact came from, as a record the UI opens without reading text back.

    ``kind`` is ``segment`` (an 835 segment: ``file`` is the remittance as triage read it,
    ``number`` the segment, ``segment_id`` e.g. ``CAS``), ``row`` (a CSV row of the practice
    folder, ``file`` relative to it: ``visits.csv``, ``records/index.csv``), ``line`` (a line of
    a document), or ``note`` (a fact with no file behind it, ``label`` says what). ``str()``
    gives the words a person reads: ``2026-04-17_summit.835 segment 281 (CAS)``,
    ``visits.csv row 12``.
    """

    kind: str
    file: str = ""
    number: int = 0
    segment_id: str = ""
    label: str = ""
    stored_id: int = 0  # the store's id of the 835 (0: not from the store)

    def __str__(self) -> str:
        if self.kind == "segment":
            name = _last_part(self.file)
            tail = f" ({self.segment_id})" if self.segment_id else ""
            return f"{name} segment {self.number}{tail}"
        if self.kind in ("row", "line"):
            return f"{self.file} {self.kind} {self.number}"
        return self.label or self.file

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "number": self.number,
            "segment_id": self.segment_id,
            "label": self.label,
            "stored_id": self.stored_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            str(data.get("kind", "note")),
            str(data.get("file", "")),
            int(data.get("number", 0)),
            str(data.get("segment_id", "")),
            str(data.get("label", "")),
            int(data.get("stored_id", 0)),
        )


def _last_part(file: str) -> str:
    return file.replace("\\", "/").rsplit("/", 1)[-1]


def segment_source(file: str, segment: int, segment_id: str = "") -> Source:
    """An 835 segment of ``file`` (the path triage read it from)."""
    return Source("segment", file, segment, segment_id)


def note_source(label: str) -> Source:
    """A fact that no one file holds (e.g. "the remittance history (covered lines)")."""
    return Source("note", label=label)


class Evidence(NamedTuple):
    """One fact a decision rests on, and where it came from.

    ``source`` names the place a person can check (a :class:`Source`; plain text is taken as a
    note): ``"era.835 segment 214 (CAS)"``, ``"visits.csv row 12"``, ``"benefits.csv row 3"``,
    ``"records/note.md line 8"``.
    """

    source: Source | str
    fact: str

    @property
    def place(self) -> Source:
        """The source as a record (text given by a rule becomes a note)."""
        return self.source if isinstance(self.source, Source) else note_source(self.source)

    @property
    def text(self) -> str:
        """The source in words."""
        return str(self.source)


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


# -- triage's output -------------------------------------------------------------------------------


class WorkItem(NamedTuple):
    """One worklist row: the contract fields (docs/design.md, "Triage output contract (v1)") +
    extras."""

    patient_account: str
    payer_claim_id: str
    payer_name: str
    patient_name: str
    service_date: date | None
    code: str | None
    modifiers: tuple[str, ...]
    group_code: str
    reason_code: str
    remark_codes: tuple[str, ...]
    denied_amount: Decimal
    category: str
    lane: str
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    deadline: Deadline
    days_left: int | None
    rule: str
    action: str
    missing: tuple[str, ...]
    file: str
    # stable within a remittance: CLP01, then the line's 1-based position ("BP26021-1") or
    # "-claim" for a claim-level denial, then the payer's claim number when it has one
    denial_id: str = ""
    # what the rule saw (claim, remittance, practice, history): letters and the web app build on
    # it; not part of the JSON contract
    context: DenialContext | None = None
    correction_form: str = ""  # Decision.correction_form: reopening, new, replacement, void

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_account": self.patient_account,
            "payer_claim_id": self.payer_claim_id,
            "payer_name": self.payer_name,
            "patient_name": self.patient_name,
            "service_date": self.service_date.isoformat() if self.service_date else None,
            "code": self.code,
            "modifiers": list(self.modifiers),
            "group_code": self.group_code,
            "reason_code": self.reason_code,
            "remark_codes": list(self.remark_codes),
            "denied_amount": str(self.denied_amount.quantize(CENT)),
            "category": self.category,
            "lane": self.lane,
            "reasons": list(self.reasons),
            "evidence": [{"source": e.text, "fact": e.fact} for e in self.evidence],
            "deadline": {
                "date": self.deadline.date.isoformat() if self.deadline.date else None,
                "basis": self.deadline.basis,
            },
            "letter": None,
            "days_left": self.days_left,
            "rule": self.rule,
            "action": self.action,
            "missing": list(self.missing),
            "file": self.file,
            "denial_id": self.denial_id,
            "correction_form": self.correction_form or None,
        }


class Worklist(NamedTuple):
    """The denials (``items``), and apart from them the patient cost share to route.

    ``patient_share`` holds one :class:`WorkItem` per line with PR-1/2/3 (category
    ``patient_cost_share``, lane ``bill_other_payer`` or ``bill_patient``); it is not part of
    ``total`` or ``by_lane``, which count denied dollars only.
    """

    items: tuple[WorkItem, ...]
    today: date
    patient_share: tuple[WorkItem, ...] = ()

    @property
    def by_lane(self) -> dict[str, Decimal]:
        """Denied dollars per lane, in the order of LANES (lanes with nothing left out)."""
        return _by_lane(self.items)

    @property
    def total(self) -> Decimal:
        return sum((i.denied_amount for i in self.items), ZERO)

    @property
    def patient_share_by_lane(self) -> dict[str, Decimal]:
        """Patient cost share per lane (``bill_other_payer``, ``bill_patient``, ``review``)."""
        return _by_lane(self.patient_share)

    @property
    def patient_share_total(self) -> Decimal:
        return sum((i.denied_amount for i in self.patient_share), ZERO)

    def summary(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "denials": len(self.items),
            "denied_total": str(self.total.quantize(CENT)),
            "by_lane": {lane: str(v.quantize(CENT)) for lane, v in self.by_lane.items()},
            "patient_share": {
                "items": len(self.patient_share),
                "total": str(self.patient_share_total.quantize(CENT)),
                "by_lane": {
                    lane: str(v.quantize(CENT)) for lane, v in self.patient_share_by_lane.items()
                },
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """The v1 contract (``denials``, ``summary``) plus ``patient_share``: the same item
        shape, ``denied_amount`` being the patient's share of the line."""
        return {
            "denials": [i.to_dict() for i in self.items],
            "patient_share": [i.to_dict() for i in self.patient_share],
            "summary": self.summary(),
        }


def _by_lane(items: Sequence[WorkItem]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in items:
        totals[item.lane] = totals.get(item.lane, ZERO) + item.denied_amount
    return {lane: totals[lane] for lane in LANES if lane in totals}


def merge_worklists(worklists: Iterable[Worklist], today: date) -> Worklist:
    """Several practices' worklists as one, in triage's order (deadline, then dollars)."""
    items = [item for worklist in worklists for item in worklist.items]
    items.sort(
        key=lambda i: (0 if i.deadline.date else 1, i.deadline.date or date.max, -i.denied_amount)
    )
    return Worklist(tuple(items), today)
