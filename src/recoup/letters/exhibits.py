"""The evidence each lane needs, gathered from the practice's own data with its sources.

- :func:`visit_count_table`: the benefit period date by date — what the practice billed, what
  counts toward the cap, and each date the payer miscounted and why (recount dispute; also the
  count behind an exception appeal or a write-off);
- :func:`session_timeline`: the day's sessions from visits.csv (code, start, stop, provider,
  units), for bundling appeals and corrected claims;
- :func:`clinical_evidence`: the passages of the patient's records that an exception or medical
  necessity appeal rests on (diagnoses, objective measures, function, goals, plan of care), by
  heading and words, never by guessing what they mean;
- :func:`limits_on_file`: the benefit caps and authorisations on file for the patient.

Everything returned carries the source a letter cites; nothing here decides a lane.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any, NamedTuple

from recoup.accumulators import CodeFilter, Reconciliation, benefit_period, reconcile
from recoup.letters.context import LetterFacts, era_source, row_source
from recoup.money import display_money
from recoup.practice import Benefit, BenefitUnit, Visit
from recoup.records import ClaimPayment
from recoup.records_text import Passage, RecordSet
from recoup.triage.facts import patient_benefits, patient_visits, payer_id_of

__all__ = [
    "ClinicalSection",
    "CountRow",
    "RemitExcerpt",
    "SessionRow",
    "clinical_evidence",
    "limits_on_file",
    "remittance_excerpt",
    "session_timeline",
    "visit_count_table",
]

# what the payer's count did with a date ours leaves out ("Your count" column of Exhibit A);
# whether the plan counts a code is the plan document's to say, so the words name our count
_KIND_WORDS = {
    "excluded_code": "counted; our count leaves out {codes}",
    "counted_twice": "counted twice: claim reversed and processed again",
    "same_date_twice": "counted twice: same date on two claims",
    "other_period": "counted, from outside the benefit period",
}


class CountRow(NamedTuple):
    day: date
    claims: str  # the practice's claim numbers (CLP01)
    payer_claims: str  # the payer's claim numbers (CLP07)
    codes: str
    counts: str  # "visit 7" / "no (97161 excluded)" / "denied (this claim)"
    payer: str  # what the payer did: "counted", "counted twice: ..."
    miscounted: bool
    source: str


class CountTable(NamedTuple):
    benefit: Benefit
    reconciliation: Reconciliation
    rows: tuple[CountRow, ...]
    source: str  # the benefits.csv row


class SessionRow(NamedTuple):
    code: str
    modifiers: str
    start: str
    end: str
    units: Decimal
    provider: str
    supervisor: str
    note: str
    denied: bool
    source: str


class ClinicalSection(NamedTuple):
    title: str
    passages: tuple[Passage, ...]


# -- the count behind a benefit-maximum denial ---------------------------------------------------


def _benefit_for(facts: LetterFacts, code: str | None) -> Benefit | None:
    practice, pid = facts.practice, facts.patient_id
    if practice is None or pid is None:
        return None
    mine = list(patient_benefits(practice, pid))
    if code is not None:
        mine = [b for b in mine if CodeFilter(b.counts_codes, b.excludes_codes).counts(code)]
    payer_id = payer_id_of(facts.remittance)
    same = [b for b in mine if b.payer_id == payer_id]
    found = same or mine
    return found[0] if found else None


def _claims_by_date(history: Iterable[ClaimPayment]) -> dict[date, list[ClaimPayment]]:
    out: dict[date, list[ClaimPayment]] = {}
    for claim in history:
        days = {ln.date_of_service for ln in claim.lines if ln.date_of_service} or (
            {claim.service_date} if claim.service_date else set()
        )
        for day in days:
            if day is not None:
                out.setdefault(day, []).append(claim)
    return out


def rows_source(visits: Sequence[Visit]) -> str:
    """``visits.csv rows 45, 46``: the rows of one file, compactly."""
    if not visits:
        return ""
    name = row_source(visits[0].file, 0, "visits.csv")
    rows = [str(v.row) for v in visits]
    return f"{name} row{'s' if len(rows) > 1 else ''} {', '.join(rows)}"


def _explanation(text: str) -> str:
    """The reconciliation's sentence without its leading ``YYYY-MM-DD:``."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}: ", "", text)


def visit_count_table(facts: LetterFacts) -> CountTable | None:
    """The period's dates of service against what the payer counted, or None when the practice
    has no visit-unit benefit for the denied code."""
    item = facts.items[0]
    practice, pid = facts.practice, facts.patient_id
    on = item.service_date
    benefit = _benefit_for(facts, item.code)
    if practice is None or pid is None or benefit is None or on is None:
        return None
    if benefit.unit is not BenefitUnit.VISITS:
        return None
    period = benefit_period(practice, benefit, on)
    visits = list(patient_visits(practice, pid))
    rec = reconcile(visits, facts.ctx.history, benefit, period)
    by_date = _claims_by_date(facts.ctx.history)
    diffs = {d.service_date: d for d in rec.differences}
    visits_by_date: dict[date, list[Visit]] = {}
    for visit in visits:
        visits_by_date.setdefault(visit.service_date, []).append(visit)
    days = sorted(
        d
        for d in set(visits_by_date) | set(by_date) | set(diffs)
        if (d in period or d in diffs) and d <= on
    )
    counted = {d: n for n, d in enumerate(rec.should_dates, 1)}
    denied_as = "denied " + ", ".join(
        dict.fromkeys(a.key for i in facts.items if i.context for a in i.context.item.adjustments)
    )
    offset = int(rec.used_elsewhere)
    rows = []
    for day in days:
        claims = by_date.get(day, [])
        day_visits = visits_by_date.get(day, [])
        codes = " ".join(dict.fromkeys(v.code for v in day_visits)) or " ".join(
            dict.fromkeys(ln.procedure.code for c in claims for ln in c.lines)
        )
        if day == on:
            counts = "denied (this claim)"
        elif day in counted:
            counts = f"visit {counted[day] + offset}"
        elif day not in period:
            counts = "no (outside the benefit period)"
        else:
            counts = "no"
        diff = diffs.get(day)
        payer = (
            _KIND_WORDS.get(diff.kind, diff.kind).format(codes=" ".join(diff.codes)) if diff else ""
        )
        if not payer:
            payer = denied_as if day == on else ("counted" if day in counted else "")
        rows.append(
            CountRow(
                day,
                ", ".join(dict.fromkeys(c.patient_control_number for c in claims))
                or ", ".join(dict.fromkeys(v.claim_id for v in day_visits)),
                ", ".join(dict.fromkeys(c.payer_claim_id for c in claims if c.payer_claim_id)),
                codes,
                counts,
                payer,
                diff is not None,
                rows_source(day_visits) or "remittance history",
            )
        )
    facts.derived([n + offset for n in counted.values()], rec.should_count, rec.payer_count)
    facts.derived(rec.rebuilt_count, rec.limit, len(rec.should_dates), period.start)
    if period.last_day is not None:
        facts.derived(period.last_day)
    # the rows' input values (dates, claim numbers, codes, rows); the counts were declared above
    facts.known([(r.day, r.claims, r.payer_claims, r.codes, r.source) for r in rows])
    facts.known([tuple(d) for d in rec.differences], rec.explanation)
    rec = rec._replace(
        differences=tuple(
            d._replace(explanation=_explanation(d.explanation)) for d in rec.differences
        )
    )
    return CountTable(
        benefit, rec, tuple(rows), row_source(benefit.file, benefit.row, "benefits.csv")
    )


# -- the session timeline of a day -------------------------------------------------------------


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def session_timeline(facts: LetterFacts) -> tuple[SessionRow, ...]:
    """The patient's sessions on the denied date of service, in time order."""
    practice, pid = facts.practice, facts.patient_id
    day = facts.items[0].service_date
    if practice is None or pid is None or day is None:
        return ()
    denied_codes = {i.code for i in facts.items if i.code}
    sessions = sorted(
        (v for v in patient_visits(practice, pid) if v.service_date == day),
        key=lambda v: (v.start_time or time.max, v.code),
    )
    rows = tuple(
        SessionRow(
            v.code,
            " ".join(v.modifiers),
            _hhmm(v.start_time),
            _hhmm(v.end_time),
            v.units,
            v.rendering_provider,
            v.supervising_provider,
            v.note_ref,
            v.code in denied_codes,
            row_source(v.file, v.row, "visits.csv"),
        )
        for v in sessions
    )
    facts.known([tuple(r) for r in rows], day)
    return rows


def overlaps(rows: Sequence[SessionRow]) -> list[tuple[SessionRow, SessionRow]]:
    """Pairs of sessions whose times overlap (touching end-to-start does not count)."""
    timed = [r for r in rows if r.start and r.end]
    return [
        (a, b)
        for i, a in enumerate(timed)
        for b in timed[i + 1 :]
        if a.start < b.end and b.start < a.end
    ]


# -- clinical passages -------------------------------------------------------------------------

THERAPY_SECTIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (title, section words, text words)
    ("Diagnoses", ("diagnos",), ("diagnosis", "ICD-10", "dx")),
    ("Objective measures and standardized scores", ("objective", "measure", "outcome"), ()),
    ("Functional limitations", ("function", "subjective"), ()),
    ("Assessment and medical necessity", ("assessment", "necessity", "summary"), ()),
    ("Goals and progress", ("goal",), ("progress toward",)),
    ("Plan of care", ("plan",), ("plan of care", "certif")),
    (
        "Expected without continued care",
        ("prognosis", "risk"),
        ("without continued", "without skilled", "regress", "decline"),
    ),
)

# "Label: value" lines that identify the document rather than document the care
_HEADER_LABELS = frozenset(
    {"client", "patient", "payer", "insurance", "member", "account", "dob", "mbi", "signed"}
    | {"therapist", "technician", "date of service", "date", "provider"}
)

ABA_SECTIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Diagnosis", ("diagnos",), ("diagnosis", "F84")),
    ("Assessment results", ("assessment", "vb-mapp", "abls", "vineland", "results"), ()),
    ("Prescribed and recommended hours", ("hours", "recommend", "dosage"), ("hours",)),
    ("Goals and progress data", ("goal", "progress", "target", "data"), ()),
    ("Treatment plan", ("plan", "treatment"), ()),
)


def clinical_evidence(
    facts: LetterFacts,
    records: RecordSet | None,
    plan: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...],
    *,
    limit: int = 6,
) -> tuple[ClinicalSection, ...]:
    """Passages of the patient's records up to the date of the letter, by section; each passage
    appears once (in the first section it fits)."""
    pid = facts.patient_id
    if records is None or pid is None:
        return ()
    seen: set[tuple[str, str]] = set()
    out = []
    for title, sections, words in plan:
        found: list[Passage] = []
        candidates = list(records.find(pid, sections=sections))
        if words:
            candidates += records.find(pid, words=words)
        for passage in candidates:
            key = (passage.file, passage.locator)
            if key in seen or not passage.text.strip() or _identifies(passage):
                continue
            if passage.date is not None and passage.date > facts.today:
                continue  # written after the letter's date; an undated passage is kept
            seen.add(key)
            found.append(passage)
            if len(found) >= limit:
                break
        if found:
            out.append(ClinicalSection(title, tuple(found)))
            facts.known([(p.text, p.cells, p.date, p.file) for p in found])
    return tuple(out)


def _identifies(passage: Passage) -> bool:
    return bool(passage.cells) and passage.cells[0][0].casefold() in _HEADER_LABELS


def limits_on_file(facts: LetterFacts) -> list[dict[str, Any]]:
    """The patient's benefit caps and authorisations with this payer, with their rows."""
    practice, pid = facts.practice, facts.patient_id
    if practice is None or pid is None:
        return []
    payer_id = payer_id_of(facts.remittance)
    out: list[dict[str, Any]] = []
    for b in patient_benefits(practice, pid):
        if b.payer_id != payer_id:
            continue
        text = f"{b.benefit}: {b.limit} {b.unit} per {b.period}"
        out.append({"text": text, "source": row_source(b.file, b.row, "benefits.csv")})
        facts.known(text, b.limit)
    for a in practice.authorizations:
        if a.patient_id != pid or a.payer_id != payer_id:
            continue
        text = (
            f"authorization {a.auth_number}: {a.units} {a.unit} per {a.per} of "
            f"{' '.join(a.codes)}, {a.start_date.isoformat()} to {a.end_date.isoformat()}"
        )
        out.append({"text": text, "source": row_source(a.file, a.row, "authorizations.csv")})
        facts.known(text, a.units, a.start_date, a.end_date, a.auth_number)
    return out


# -- the remittance, cut to this claim ---------------------------------------------------------


class RemitLine(NamedTuple):
    day: date | None
    code: str
    modifiers: str
    billed_units: Decimal | None
    paid_units: Decimal | None
    charge: Decimal
    paid: Decimal
    adjustments: str  # "CO-119 $264.00; PR-2 $10.00"
    remarks: str
    source: str


class RemitExcerpt(NamedTuple):
    """The part of a remittance that is this patient's: its payer, payee and payment trace, and
    the one claim with every service line. A remittance pays many patients at once; a packet
    encloses this excerpt and never the whole file (other patients' data)."""

    payer: str
    payee: str
    payee_id: str
    status: str  # CLP02 in words
    claim_adjustments: str
    lines: tuple[RemitLine, ...]
    source: str


# CLP02 claim status codes, as a reader says them
CLAIM_STATUS_WORDS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not this payer's claim, forwarded",
    "25": "predetermination pricing only, no payment",
}


def _adjustments(adjustments: Iterable[Any]) -> str:
    return "; ".join(f"{a.key} {display_money(a.amount)}" for a in adjustments)


def remittance_excerpt(facts: LetterFacts) -> RemitExcerpt:
    claim = facts.claim
    label = facts.remit_label()
    rows = []
    for line in claim.lines:
        proc = line.procedure
        billed = line.original_units if line.original_units is not None else line.units
        rows.append(
            RemitLine(
                line.date_of_service,
                proc.code,
                " ".join(proc.modifiers),
                billed,
                line.units,
                line.charge,
                line.paid,
                _adjustments(line.adjustments),
                ", ".join(line.remarks),
                facts.name(era_source(facts.ctx.file, line.segment, "SVC"), label),
            )
        )
        facts.known(
            line.date_of_service,
            proc.code,
            proc.modifiers,
            billed,
            line.units,
            line.charge,
            line.paid,
            [(a.key, a.amount) for a in line.adjustments],
            line.remarks,
        )
    facts.known(
        [(a.key, a.amount) for a in claim.adjustments],
        claim.patient_responsibility,
        claim.remarks,
    )
    rem = facts.remittance
    facts.known(rem.payer.name, rem.payee.name, rem.payee.id)
    return RemitExcerpt(
        rem.payer.name,
        rem.payee.name,
        rem.payee.id,
        CLAIM_STATUS_WORDS.get(claim.status, f"status {claim.status}"),
        _adjustments(claim.adjustments),
        tuple(rows),
        facts.name(era_source(facts.ctx.file, claim.segment, "CLP"), label),
    )
