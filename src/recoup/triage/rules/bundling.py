"""Bundling denials (CARC 97; 236 for an NCCI pair): is the bundle right, and what undoes it?

A payer bundles a line when another code billed the same day "includes" it, usually by an NCCI
procedure-to-procedure edit (remarks M15, M80, N19, N20, N390 say the same thing in other words).
Whether the denial stands depends on when the services happened, so the rule lays the day's
session log (visits.csv start and stop times) next to the edit and its modifier indicator:

- separate, non-overlapping services billed without 59/X → corrected claim with the modifier
  that fits the visit log: XE (separate encounter) only when the sessions are at least
  ``SEPARATE_ENCOUNTER_GAP`` apart (a separate session later in the day), XU (distinct,
  non-overlapping service) for a short break inside one visit, XP when another practitioner
  (not the one who supervised) performed the other service; XS (separate structure) cannot be
  told from the visit log and is left to the biller;
- already billed with the modifier → appeal with the time table;
- 97155 during 97153 with the analyst's note of directing the technician → appeal (the 97155
  descriptor allows simultaneous direction; ABA Services Workgroup guidance, docs/domain.md §4.4);
- overlapping without that, or an edit no modifier can bypass (indicator 0) → write-off, with
  what to change so it does not happen again;
- no times for the day → review: without them nothing can be shown.

The rule reads no files: the edits come from :func:`recoup.ncci.ptp_table_for` (the CMS quarter
in force, else the illustrative table), the times from the visits, the notes from their references.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from recoup.ncci import PtpEdit, ptp_table_for
from recoup.practice import Visit
from recoup.practice.index import index_of
from recoup.records import ServiceLine
from recoup.triage.facts import source_of
from recoup.triage.model import Decision, DenialContext, Evidence, Source, rule, segment_source
from recoup.triage.rules.common import correction_for, honours_no_appeal

__all__ = ["BYPASS_MODIFIERS", "SEPARATE_ENCOUNTER_GAP", "bundling"]

# XE is for a separate encounter: the patient's visit ended and another began the same day (CMS
# MLN1783722, "Proper use of modifiers 59, XE, XP, XS and XU"). CMS gives no minute count; recoup
# counts sessions as separate encounters only when the visit log puts at least an hour between
# them (a morning and an afternoon session), because a shorter gap is a break within one visit,
# where the services are distinct but not separate encounters (XU, or 59 where the payer wants
# it). The hour is recoup's line, stated in the reasons so a biller can overrule it.
SEPARATE_ENCOUNTER_GAP = timedelta(minutes=60)

# NCCI-associated modifiers that bypass a PTP edit for separate services (docs/domain.md §4.1).
BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})

REMARKS = {
    "M15": "separately billed services/tests have been bundled",
    "M80": "not covered when performed during the same session/date as a previously processed "
    "service",
    "N19": "procedure code incidental to primary procedure",
    "N20": "service not payable with other service rendered on the same date",
    "N390": "this service cannot be billed separately",
}

# The concurrent-billing pair: the analyst's 97155 may include directing the technician's 97153.
ANALYST, TECHNICIAN = "97155", "97153"
CONCURRENT_GUIDANCE = (
    'the CPT 97155 descriptor ("may include simultaneous direction of technician") and the ABA '
    "Services Workgroup's January 2019 supplemental guidance on reporting 97155 concurrently with "
    "97153 (https://abacodes.org/supplemental-guidance-resource/)"
)
PREVENTION = (
    "Prevention: record start and stop times for every timed service, keep the analyst's and the "
    "technician's sessions apart or document the direction of the technician in the session note, "
    "and add 59/XE/XU only when the services really were separate."
)


class Session(NamedTuple):
    """One visits.csv row of the day, as the session timeline shows it."""

    visit: Visit

    @property
    def source(self) -> Source:
        return source_of(self.visit.file, self.visit.row, "visits.csv")

    @property
    def timed(self) -> bool:
        return self.visit.start_time is not None and self.visit.end_time is not None

    def overlaps(self, other: Session) -> bool:
        a, b = self.visit, other.visit
        assert a.start_time and a.end_time and b.start_time and b.end_time
        return a.start_time < b.end_time and b.start_time < a.end_time

    def gap_to(self, other: Session) -> timedelta:
        """The break between the two sessions (zero when back to back or overlapping)."""
        a, b = self.visit, other.visit
        assert a.start_time and a.end_time and b.start_time and b.end_time
        day = a.service_date
        if a.end_time <= b.start_time:
            first_end, then_start = a.end_time, b.start_time
        elif b.end_time <= a.start_time:
            first_end, then_start = b.end_time, a.start_time
        else:
            return timedelta(0)
        return datetime.combine(day, then_start) - datetime.combine(day, first_end)

    def billed_by(self) -> str:
        """Whose service it is for billing: the supervisor when one is named, else the
        rendering provider (a technician's 97153 is billed under the supervising analyst)."""
        v = self.visit
        return (v.supervising_provider or v.rendering_provider).strip().lower()

    def fact(self) -> str:
        v = self.visit
        mods = f"-{'-'.join(v.modifiers)}" if v.modifiers else ""
        when = f"{_hhmm(v.start_time)}–{_hhmm(v.end_time)}" if self.timed else "no times"
        note = f", note {v.note_ref}" if v.note_ref else ""
        return (
            f"{v.service_date.isoformat()} {v.code}{mods} {when}, {v.units} units, "
            f"{v.rendering_provider or 'no rendering provider'} (claim {v.claim_id}){note}"
        )


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else "--:--"


def _line_number(line: ServiceLine, claim_id: str) -> int | None:
    """The line's position from REF*6R ``<claim_id>-<n>``, when the payer echoed it."""
    ref = line.control_number or ""
    head, _, tail = ref.rpartition("-")
    return int(tail) if head == claim_id and tail.isdigit() else None


def _denial_evidence(ctx: DenialContext, code: str, day: date | None) -> list[Evidence]:
    item, evidence = ctx.item, []
    for adj in item.adjustments:
        evidence.append(
            Evidence(
                segment_source(ctx.file, adj.segment, "CAS"),
                f"{adj.key} ${adj.amount} on {code} ({day or 'no date'}), claim "
                f"{item.claim.patient_control_number}, payer claim {item.claim.payer_claim_id}",
            )
        )
    for remark in item.remarks:
        where = item.line.segment if item.line is not None else item.claim.segment
        meaning = REMARKS.get(remark, "remark")
        evidence.append(
            Evidence(segment_source(ctx.file, where, "SVC"), f"remark {remark}: {meaning}")
        )
    return evidence


def _day_sessions(ctx: DenialContext, day: date) -> list[Session]:
    """Every visits.csv row of the patient's day: the claim's rows, then other claims' rows."""
    if ctx.practice is None:
        return []
    claim_id = ctx.item.claim.patient_control_number
    index = index_of(ctx.practice)  # per-claim and per-patient lookups, built once per practice
    claim_visits = index.visits_by_claim.get(claim_id, ())
    patients = dict.fromkeys(v.patient_id for v in claim_visits)
    others = [
        v
        for patient in patients
        for v in index.visits_by_patient.get(patient, ())
        if v.claim_id != claim_id
    ]
    return [Session(v) for v in (*claim_visits, *others) if v.service_date == day]


def _denied_session(sessions: list[Session], ctx: DenialContext, code: str) -> Session | None:
    claim_id = ctx.item.claim.patient_control_number
    mine = [s for s in sessions if s.visit.claim_id == claim_id and s.visit.code == code]
    number = _line_number(ctx.item.line, claim_id) if ctx.item.line is not None else None
    exact = [s for s in mine if s.visit.line == number]
    found = exact or mine
    return found[0] if found else None


def _claim_codes(ctx: DenialContext, day: date) -> set[str]:
    """Codes of the claim's other lines on the same date, as the 835 reports them."""
    codes = set()
    for line in ctx.item.claim.lines:
        if line is ctx.item.line:
            continue
        if (line.date_of_service or ctx.item.claim.service_date) == day:
            codes.add(line.procedure.code)
    return codes


def _documents_direction(ctx: DenialContext, analyst: Session) -> list[Evidence]:
    """Evidence that a note documents the analyst directing the technician, or nothing.

    The rule reads no files, so the test is that the analyst's own 97155 row points to a note
    (note_ref) for that day; the note itself must then show the direction and the protocol
    modification, and goes with the appeal.
    """
    v = analyst.visit
    if not v.note_ref:
        return []
    evidence = [Evidence(analyst.source, f"97155 note_ref: records/{v.note_ref}")]
    if ctx.practice is not None:
        for ref in ctx.practice.records:
            if ref.file_name == v.note_ref and ref.patient_id == v.patient_id:
                evidence.append(
                    Evidence(
                        source_of(ref.file, ref.row, "records/index.csv"),
                        f"records/{ref.file_name}: {ref.kind or 'document'} of "
                        f"{ref.service_date or 'no date'}",
                    )
                )
    return evidence


def _edit_evidence(edits: list[PtpEdit]) -> list[Evidence]:
    return [Evidence(e.source, e.describe()) for e in edits]


def _review(reasons: list[str], evidence: list[Evidence], missing: str) -> Decision:
    return Decision(
        "review",
        tuple(reasons),
        tuple(evidence),
        (missing,),
        action=f"record the {missing} and run triage again",
    )


@rule("R097", "bundling", ("97", "236"))
@honours_no_appeal
def bundling(ctx: DenialContext) -> Decision:
    """Bundled by an NCCI-style pair (CO-97, CO-236): compare the day's session times with the
    edit and its modifier indicator; corrected claim, appeal, write-off, or review for missing
    times."""
    item, claim = ctx.item, ctx.item.claim
    day = item.service_date
    if item.line is None:
        return Decision(
            "review",
            ("The bundling denial is at claim level; the rule needs the denied service line.",),
            tuple(_denial_evidence(ctx, "the claim", day)),
            ("the service line the payer bundled",),
            action="find the bundled line on the payer's portal or call the payer",
        )
    code = item.line.procedure.code
    billed_mods = tuple(item.line.procedure.modifiers)
    evidence = _denial_evidence(ctx, code, day)
    reasons = [
        f"The payer bundled {code} on claim {claim.patient_control_number} "
        f"({item.codes}{', ' + ' '.join(item.remarks) if item.remarks else ''})."
    ]
    if day is None:
        return _review(reasons, evidence, f"date of service of {code}")

    sessions = _day_sessions(ctx, day)
    denied = _denied_session(sessions, ctx, code)
    others = _claim_codes(ctx, day) | {s.visit.code for s in sessions if s is not denied}
    others.discard(code)
    table, _ = ptp_table_for(day)  # the CMS quarter in force (recoup.ncci.use_store), else bundled
    edits = [e for other in sorted(others) if (e := table.find(code, other, day)) is not None]
    partners = {e.column1 if e.column2 == code else e.column2 for e in edits} or others
    if edits:
        reasons.append(
            f"{code} pairs with {', '.join(sorted(partners))} billed the same day under "
            f"{len(edits)} PTP edit(s) from {table.name or 'the loaded table'}."
        )
    else:
        reasons.append(
            f"No PTP edit pairs {code} with {', '.join(sorted(others)) or 'another code'} in "
            f"{table.name or 'the loaded table'}; the payer applied its own edit."
        )
    evidence += _edit_evidence(edits)

    timeline = [s for s in sessions if s is denied or s.visit.code in partners]
    evidence += [Evidence(s.source, s.fact()) for s in timeline]
    codes_text = " and ".join([code, *sorted(partners)])
    missing = f"start and stop times for {codes_text} on {day.isoformat()} in visits.csv"
    if not partners:
        reasons.append("No other service billed that day was found to bundle with.")
        return _review(reasons, evidence, f"the other service billed with {code} on {day}")
    partner_sessions = [s for s in timeline if s is not denied]
    if denied is None or not denied.timed or not any(s.timed for s in partner_sessions):
        reasons.append(f"The session log has no times for {codes_text} on {day.isoformat()}.")
        return _review(reasons, evidence, missing)

    timed_partners = [s for s in partner_sessions if s.timed]
    overlapping = [s for s in timed_partners if denied.overlaps(s)]
    reasons.append(
        "Session timeline: "
        + "; ".join(
            f"{s.visit.code} {_hhmm(s.visit.start_time)}–{_hhmm(s.visit.end_time)}"
            for s in sorted(timeline, key=lambda s: s.visit.start_time or time.min)
        )
        + "."
    )
    if any(e.modifier_indicator == "0" for e in edits):
        reasons.append("The edit has modifier indicator 0: no modifier can bypass it.")
        reasons.append(PREVENTION)
        return Decision(
            "write_off",
            tuple(reasons),
            tuple(evidence),
            action=f"write off {code} (${item.amount}); the pair cannot be billed together",
        )

    if overlapping:
        concurrent = {code, *(s.visit.code for s in overlapping)} == {ANALYST, TECHNICIAN}
        analyst = (
            denied
            if code == ANALYST
            else next((s for s in overlapping if s.visit.code == ANALYST), None)
        )
        direction = _documents_direction(ctx, analyst) if concurrent and analyst else []
        if direction:
            reasons.append(
                f"97155 overlaps the 97153 session and the analyst's 97155 row cites the session "
                f"note records/{analyst.visit.note_ref if analyst else ''}, the record of the "
                f"analyst directing the technician: concurrent billing is allowed by "
                f"{CONCURRENT_GUIDANCE} (docs/domain.md §4.4)."
            )
            return Decision(
                "appeal",
                tuple(reasons),
                tuple(evidence + direction),
                action=(
                    f"appeal {code} on payer claim {claim.payer_claim_id} with the session "
                    f"timeline and records/{analyst.visit.note_ref if analyst else ''} (it must "
                    "show the analyst directing the technician and the protocol modification), "
                    "citing the ABA concurrent-billing guidance"
                ),
            )
        with_ = ", ".join(
            f"{s.visit.code} {_hhmm(s.visit.start_time)}–{_hhmm(s.visit.end_time)}"
            for s in overlapping
        )
        why = " and no note documents the analyst directing the technician" if concurrent else ""
        reasons.append(f"{code} overlaps {with_}{why}: the bundle stands.")
        reasons.append(PREVENTION)
        return Decision(
            "write_off",
            tuple(reasons),
            tuple(evidence),
            action=f"write off {code} (${item.amount}) and apply the prevention note",
        )

    present = [m for m in billed_mods if m in BYPASS_MODIFIERS]
    if present:
        reasons.append(
            f"{code} was billed with modifier {present[0]} and the times are distinct; the "
            "payer should have honoured the modifier."
        )
        return Decision(
            "appeal",
            tuple(reasons),
            tuple(evidence),
            action=(
                f"appeal {code}-{present[0]} on payer claim {claim.payer_claim_id} with the "
                "session time table"
            ),
        )

    modifier, why = _modifier(denied, timed_partners, partners)
    reasons.append(f"{code} and {', '.join(sorted(partners))}: {why}")
    bypass = [e for e in edits if e.bypassable]
    basis = (
        f"the edit's modifier indicator 1 ({bypass[0].source})"
        if bypass
        else "the payer's own edit (not in the PTP table)"
    )
    reasons.append(f"Modifier chosen from the visits.csv times and {basis}.")
    fix = correction_for(ctx)
    reasons.append(fix.why)
    return Decision(
        "corrected_claim",
        tuple(reasons),
        tuple(evidence),
        action=f"add modifier {modifier} (or 59, as the payer requires) to {code}: {fix.how}",
        deadline_step=fix.step,
        correction_form=fix.form,
    )


def _minutes(gap: timedelta) -> str:
    return f"{int(gap.total_seconds() // 60)} minutes"


def _modifier(denied: Session, partners: list[Session], codes: set[str]) -> tuple[str, str]:
    """XP, XE or XU from the visit log, and the sentence citing the times that decide it."""
    times = "; ".join(
        f"{s.visit.code} {_hhmm(s.visit.start_time)}–{_hhmm(s.visit.end_time)} ({s.source})"
        for s in (denied, *partners)
    )
    others = {s.billed_by() for s in partners}
    if denied.billed_by() and denied.billed_by() not in others and "" not in others:
        who = ", ".join(sorted({s.visit.supervising_provider or s.visit.rendering_provider
                                for s in partners}))  # fmt: skip
        return "XP", (
            f"distinct services by different practitioners ({denied.visit.rendering_provider} "
            f"for {denied.visit.code}, {who} for the other), billed without 59/X: modifier XP "
            f"(separate practitioner) applies. Visit log: {times}."
        )
    gap = min(denied.gap_to(s) for s in partners)
    if gap >= SEPARATE_ENCOUNTER_GAP:
        return "XE", (
            f"separate sessions {_minutes(gap)} apart, at least the "
            f"{_minutes(SEPARATE_ENCOUNTER_GAP)} recoup takes as a separate encounter later in "
            f"the day, billed without 59/X: modifier XE (separate encounter) applies. Visit log: "
            f"{times}."
        )
    return "XU", (
        f"distinct, non-overlapping services in one visit ({_minutes(gap)} between them, less "
        f"than the {_minutes(SEPARATE_ENCOUNTER_GAP)} of a separate encounter), billed without "
        f"59/X: not a separate encounter (XE), so modifier XU (unusual non-overlapping service) "
        f"or 59 applies. Visit log: {times}."
    )
