"""Benefit maximum (CARC 119; 35 lifetime; remarks N362, N435, N640, N587).

Why it decides this way (DESIGN.md "Triage", DOMAIN §5, §7): a benefit-max denial is only as
good as the payer's counter, so the counter is rebuilt first: a visit cap date by date from the
practice's visit log and the remittance history (:func:`recoup.accumulators.reconcile`); a units,
hours or dollars cap from the payer's own covered lines (allowed amounts for dollars,
:func:`recoup.accumulators.history_lines`). A miscount is disputed with the dates. When the
count is right, the cheapest honest recovery comes first: an exception the records support
(Medicare KX threshold, §5.1; parity for behavioral-health/ABA caps, §5.2), then a secondary
coverage, then the patient — only when the group is PR or a signed waiver/ABN covers the date
and code, never for Medicare Advantage (§7.1) — and only then a write-off.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import NamedTuple

from recoup.accumulators import (
    CodeFilter,
    CountedLine,
    Period,
    Reconciliation,
    benefit_period,
    count,
    history_lines,
    reconcile,
)
from recoup.money import ZERO
from recoup.practice import Benefit, BenefitUnit, PayerType, Visit
from recoup.triage.facts import (
    active_coverages,
    covers_service,
    file_name,
    patient_benefits,
    patient_id_of,
    patient_visits,
    payer_id_of,
    payer_type_of,
    records_for,
    source_of,
    waiver_for,
)
from recoup.triage.model import Decision, DenialContext, Evidence, rule

THERAPY_MODIFIERS = frozenset({"GP", "GO", "GN"})
THERAPY_CODES = frozenset(
    {"97110", "97112", "97116", "97140", "97530", "97535", "97161", "97162", "97163", "97164"}
    | {"97165", "97166", "97167", "97168", "92507", "97750", "97010", "97014", "97035"}
)
BEHAVIORAL_BENEFITS = frozenset({"aba", "mh", "behavioral_health", "mental_health"})
BEHAVIORAL_PREFIXES = ("9715", "908", "0362", "0373", "H20")


def _benefit(ctx: DenialContext, patient_id: str, code: str | None) -> Benefit | None:
    assert ctx.practice is not None
    payer_id = payer_id_of(ctx.remittance)
    mine = list(patient_benefits(ctx.practice, patient_id))
    if code is not None:
        mine = [b for b in mine if CodeFilter(b.counts_codes, b.excludes_codes).counts(code)]
    same_payer = [b for b in mine if b.payer_id == payer_id]
    candidates = same_payer or mine
    return candidates[0] if candidates else None


def _is_behavioral(benefit: Benefit, code: str | None) -> bool:
    return benefit.benefit.lower() in BEHAVIORAL_BENEFITS or (
        code is not None and code.startswith(BEHAVIORAL_PREFIXES)
    )


def _is_therapy(code: str | None, modifiers: tuple[str, ...]) -> bool:
    return code in THERAPY_CODES or bool(THERAPY_MODIFIERS & set(modifiers))


# The lines of one claim share the patient's history and benefit: reconcile once for them. Keyed
# by object identity, and the objects are kept with the result so an id is never reused.
_RECONCILED: OrderedDict[tuple[int, int, Benefit, Period], tuple[object, object, Reconciliation]]
_RECONCILED = OrderedDict()


def _reconciled(
    ctx: DenialContext, visits: list[Visit], benefit: Benefit, period: Period
) -> Reconciliation:
    key = (id(ctx.history), id(ctx.practice), benefit, period)
    hit = _RECONCILED.get(key)
    if hit is not None and hit[0] is ctx.history and hit[1] is ctx.practice:
        return hit[2]
    rec = reconcile(visits, ctx.history, benefit, period)
    _RECONCILED[key] = (ctx.history, ctx.practice, rec)
    if len(_RECONCILED) > 64:
        _RECONCILED.popitem(last=False)
    return rec


class _Rebuilt(NamedTuple):
    used: Decimal  # before the denied date, in the period, plus what was used elsewhere
    this: Decimal  # what the denied line adds
    evidence: Evidence


def _rebuilt_amount(ctx: DenialContext, benefit: Benefit, period: Period) -> _Rebuilt:
    """A units, hours or dollars cap counted from the payer's own covered lines (allowed
    amounts for dollars where the payer sent them), the way visit caps are reconciled."""
    on = ctx.item.service_date
    codes = CodeFilter(benefit.counts_codes, benefit.excludes_codes)
    unit = str(benefit.unit)
    before = [
        line
        for line in history_lines(ctx.history)
        if line.service_date in period and on is not None and line.service_date < on
    ]
    used = count(before, unit, codes, allowed=True) + benefit.used_elsewhere
    this = ZERO
    line = ctx.item.line
    if line is not None and on is not None:
        # what was billed: SVC07 when the payer paid fewer units than billed, else SVC05 (1
        # when absent, as the implementation guide says)
        units = line.original_units or line.units or Decimal(1)
        denied = CountedLine(on, line.procedure.code, units, line.charge)
        this = count([denied], unit, codes)
    days = sorted({ln.service_date for ln in before if codes.counts(ln.code)})
    fact = (
        f"{used} {unit} used in {period} before {on.isoformat() if on else '?'} by the covered "
        f"lines of {len(days)} date(s) of service"
        + (
            f" ({', '.join(d.isoformat() for d in days[:12])}{', ...' if len(days) > 12 else ''})"
            if days
            else ""
        )
        + (f", including {benefit.used_elsewhere} used elsewhere" if benefit.used_elsewhere else "")
        + f"; the denied line adds {this}"
    )
    return _Rebuilt(used, this, Evidence("the remittance history (covered lines)", fact))


@rule("R119", "benefit maximum", ("119", "35"))
def benefit_maximum(ctx: DenialContext) -> Decision:
    """Rebuild the count; dispute a miscount; else exception, secondary, patient, write-off."""
    item = ctx.item
    practice = ctx.practice
    patient_id = patient_id_of(practice, item.claim.patient_control_number)
    code = item.procedure.code if item.procedure else None
    modifiers = item.procedure.modifiers if item.procedure else ()
    on = item.service_date
    if practice is None or patient_id is None:
        return Decision(
            "review",
            ("The benefit count cannot be checked without the practice's visit log.",),
            missing=(
                f"visits.csv rows for claim {item.claim.patient_control_number} "
                "(the practice folder, --practice)",
            ),
        )
    benefit = _benefit(ctx, patient_id, code)
    if benefit is None or on is None:
        return Decision(
            "review",
            (f"No benefit limit on file for patient {patient_id} and code {code or '-'}.",),
            missing=(f"a benefits.csv row for patient {patient_id} (limit, unit, period)",),
        )
    period = benefit_period(practice, benefit, on)
    cap = f"{benefit.limit} {benefit.unit} per {benefit.period}"
    evidence: list[Evidence] = [
        Evidence(
            source_of(benefit.file, benefit.row, "benefits.csv"),
            f"{benefit.benefit} limit {cap}, counts {' '.join(benefit.counts_codes) or 'all'}"
            + (f", excludes {' '.join(benefit.excludes_codes)}" if benefit.excludes_codes else "")
            + f", used elsewhere {benefit.used_elsewhere}; period {period}",
        )
    ]
    reasons: list[str] = []
    missing: list[str] = []
    count_words = ""
    if benefit.unit is BenefitUnit.VISITS:
        visits = list(patient_visits(practice, patient_id))
        rec = _reconciled(ctx, visits, benefit, period)
        dates = ", ".join(d.isoformat() for d in rec.should_dates)
        visits_file = file_name(visits[0].file) if visits else "visits.csv"
        evidence.append(
            Evidence(
                f"{visits_file} (patient {patient_id}) and the remittance history",
                f"{len(rec.should_dates)} covered visits before the denial in {period}"
                + (f": {dates}" if dates else "")
                + (f"; plus {rec.used_elsewhere} used elsewhere" if rec.used_elsewhere else ""),
            )
        )
        if rec.verdict in ("miscount", "miscount_unexplained"):
            for diff in rec.differences:
                evidence.append(
                    Evidence(
                        "remittance history, payer claims "
                        + (", ".join(diff.payer_claim_ids) or "-"),
                        f"{diff.service_date.isoformat()} ({diff.kind}): {diff.explanation}",
                    )
                )
            lead = (
                f"The payer's count is wrong: the cap is {cap}, and only {rec.should_count} "
                f"should have counted before {on.isoformat()}, so this visit was within the cap."
            )
            return Decision(
                "recount_dispute",
                (lead, *rec.explanation),
                tuple(evidence),
                missing=(
                    ("the payer's list of the dates it counted",)
                    if rec.verdict == "miscount_unexplained"
                    else ()
                ),
                action="dispute the count with the payer, listing every date (exhibit table)",
            )
        count_words = (
            f"the payer's count of {rec.payer_count} {benefit.unit} against the cap of {cap} is "
            f"right ({rec.should_count} counted before {on.isoformat()})"
        )
        if rec.verdict == "no_denial":
            count_words = f"the count against the cap of {cap} could not be rebuilt"
    else:
        rebuilt = _rebuilt_amount(ctx, benefit, period)
        evidence.append(rebuilt.evidence)
        if rebuilt.used + rebuilt.this <= benefit.limit:
            return Decision(
                "recount_dispute",
                (
                    f"The payer's count looks wrong: the cap is {cap}; its own remittances show "
                    f"{rebuilt.used} {benefit.unit} used in {period} before {on.isoformat()}, "
                    f"and this line adds {rebuilt.this}, which stays within the cap.",
                    "Services at other providers, or remittances not given here, may explain "
                    "the difference: ask the payer for the services it counted.",
                ),
                tuple(evidence),
                missing=("the payer's list of the services it counted in the period",),
                action="dispute the count with the payer and ask for its list of counted services",
            )
        count_words = (
            f"the cap is {cap}; the payer's remittances show {rebuilt.used} {benefit.unit} used "
            f"in {period} before {on.isoformat()}, and this line adds {rebuilt.this}"
        )
    reasons.append(f"Benefit maximum: {count_words}.")

    kind = payer_type_of(ctx)
    records = records_for(practice, patient_id)
    rec_evidence = [
        Evidence(
            source_of(r.file, r.row, "records/index.csv"),
            f"records/{r.file_name} ({r.kind}, {r.service_date or 'undated'})",
        )
        for r in records
    ]
    medicare_therapy = kind.type is PayerType.MEDICARE and _is_therapy(code, modifiers)
    if medicare_therapy and records:
        if "KX" not in modifiers:
            return Decision(
                "corrected_claim",
                (
                    *reasons,
                    "Medicare therapy above the KX threshold (DOMAIN §5.1): the line was billed "
                    "without KX; the records document medically necessary skilled care, so "
                    "resubmit with KX.",
                    "KX attests the care is reasonable, necessary, needs a therapist's skill and "
                    "is supported by the record (plan of care, objective measures, goals).",
                ),
                (*evidence, *rec_evidence),
                action=f"add modifier KX to {code} and resubmit as a replacement claim",
            )
        return Decision(
            "exception_appeal",
            (
                *reasons,
                "Medicare therapy billed with KX above the threshold: appeal with the "
                "documentation of medical necessity (DOMAIN §5.1).",
            ),
            (*evidence, *rec_evidence),
            action="file a redetermination with the plan of care and progress notes",
        )
    if _is_behavioral(benefit, code) and records:
        return Decision(
            "exception_appeal",
            (
                *reasons,
                "Behavioral-health / ABA cap: if the plan has no comparable medical/surgical "
                "limit, the cap may violate mental-health parity (MHPAEA, 29 CFR 2590.712); "
                "appeal with the treatment plan showing the prescribed hours are medically "
                "necessary. The authorisation and the benefit cap are separate limits.",
            ),
            (*evidence, *rec_evidence),
            missing=(
                "the plan's medical/surgical limits for comparison (a parity argument, not a "
                "sure win)",
            ),
            action="appeal citing MHPAEA parity and medical necessity, with the treatment plan",
        )
    if medicare_therapy:
        missing.append(
            "records documenting medically necessary skilled therapy (certified plan of care, "
            "progress note with objective measures and goals) to support KX"
        )

    secondary = [
        c
        for c in active_coverages(practice, patient_id, on)
        if c.rank >= 2 and c.payer_id != payer_id_of(ctx.remittance) and covers_service(c, code)
    ]
    if secondary:
        cov = secondary[0]
        return Decision(
            "bill_other_payer",
            (
                *reasons,
                f"Secondary coverage on file: {cov.payer_name} ({cov.plan_name}, member "
                f"{cov.member_id}); bill it with the primary's remittance (CAS at the same "
                "level as received, DOMAIN §7.2).",
                "A primary CO denial is generally not the secondary's to pay; expect CARC 276 "
                "or 22 if the secondary refuses.",
            ),
            (
                *evidence,
                Evidence(
                    source_of(cov.file, cov.row, "coverages.csv"),
                    f"rank {cov.rank}: {cov.payer_name}, {cov.plan_name}",
                ),
            ),
            tuple(missing),
            action=f"send a secondary claim to {cov.payer_name} with the primary's 835",
        )
    waiver = waiver_for(ctx, patient_id, on, code)
    pr = any(a.group == "PR" for a in item.adjustments)
    if (pr or waiver is not None) and kind.type is not PayerType.MEDICARE_ADVANTAGE:
        why = (
            f"signed {waiver.kind} of {waiver.signed_date.isoformat()} covers "
            f"{on.isoformat()} and {code or 'the service'}"
            if waiver
            else "the payer assigned it to the patient (group PR)"
        )
        ev = list(evidence)
        if waiver is not None:
            ev.append(Evidence(source_of(waiver.file, waiver.row, "waivers.csv"), why))
        return Decision(
            "bill_patient",
            (*reasons, f"No secondary coverage; the patient can be billed: {why}."),
            tuple(ev),
            tuple(missing),
            action="send the patient a statement",
        )
    if medicare_therapy:
        return Decision(
            "review",
            (
                *reasons,
                "Medicare therapy over the KX threshold with no documentation on file and no "
                "ABN: the provider is liable unless the records support KX.",
            ),
            tuple(evidence),
            tuple(missing),
        )
    return Decision(
        "write_off",
        (
            *reasons,
            f"The cap of {cap} was reached; no exception applies, no secondary coverage and no "
            "signed waiver on file (group CO: the patient cannot be billed).",
            "Prevention: check the countdown at check-in (`recoup check-visit`); it showed 0 "
            "remaining before this visit. Get a signed waiver or a plan extension first.",
        ),
        tuple(evidence),
        tuple(missing),
        action="write off the balance",
    )
