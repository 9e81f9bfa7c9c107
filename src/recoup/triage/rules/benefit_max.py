"""Benefit maximum (CARC 119; 35 lifetime; remarks N362, N435, N640, N587).

Why it decides this way (docs/design.md "Triage", docs/domain.md §5, §7): a benefit-max denial is
only as
good as the payer's counter, so the counter is rebuilt first: a visit cap date by date from the
practice's visit log and the remittance history (:func:`recoup.accumulators.reconcile`); a units,
hours or dollars cap from the payer's own covered lines (allowed amounts for dollars,
:func:`recoup.accumulators.history_lines`). A miscount is disputed with the dates. When the
count is right, the cheapest honest recovery comes first: an exception the records support
(Medicare KX threshold, §5.1; parity for behavioral-health/ABA caps, §5.2), then a secondary
coverage, then the patient — only when the group is PR; a CO amount goes to the patient only in
the payer's own way (:func:`recoup.triage.rules.common.co_liability`: GA for an ABN, the MA
plan's pre-service determination, N492 or the contract for a commercial plan) — and only then a
write-off.

The authorisation is a limit of its own (docs/domain.md §7.1, "the authorisation and the benefit
cap are
separate limits"): when the visit log shows the authorised units for the week, month or total
were passed, the lane is a retro-authorisation or extension request (an appeal with the clinical
need) naming the authorisation and by how much; when the benefit cap was crossed too, both are
said. KX is an attestation (docs/domain.md §5.1): it is recommended only when the record carries the
therapist's documented statement that the services are reasonable and necessary (records/index.csv
kind ``kx_attestation``), never because files exist.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from recoup.accumulators import (
    CodeFilter,
    CountedLine,
    LimitCheck,
    Period,
    Reconciliation,
    benefit_period,
    check_visit,
    count,
    history_lines,
    reconcile,
)
from recoup.money import ZERO
from recoup.practice import Benefit, BenefitUnit, PayerType, Visit, WaiverKind
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
)
from recoup.triage.model import Decision, DenialContext, Evidence, rule
from recoup.triage.rules.common import (
    MA13,
    co_liability,
    correction_for,
    honours_no_appeal,
    notice_evidence,
    notices_on_file,
)
from recoup.triage.rules.kx import KX_ATTESTATION_KINDS, kx_threshold, line_allowed

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
        if benefit.unit is BenefitUnit.DOLLARS:
            # a dollar limit counts allowed amounts: the line's own (AMT*B6, or the fee-schedule
            # amount of the code in the 835s), its billed charge only when neither is known
            allowed = line_allowed(ctx, line.procedure.code)
            if allowed is not None and codes.counts(line.procedure.code):
                this = allowed
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
@honours_no_appeal
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
    auth_over = _authorization_overruns(ctx, patient_id, on, code)
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
            wrong_year = sorted(d.service_date for d in rec.differences if d.kind == "other_period")
            named = (
                (
                    f"The payer counted {len(wrong_year)} date(s) from outside the period "
                    f"{period} (the wrong year): {', '.join(d.isoformat() for d in wrong_year)}.",
                )
                if wrong_year
                else ()
            )
            if auth_over:
                return _authorization_decision(ctx, auth_over, (lead, *named), evidence)
            return Decision(
                "recount_dispute",
                (lead, *named, *rec.explanation),
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
            under = (
                f"The benefit cap was not reached: the cap is {cap}; the payer's own remittances "
                f"show {rebuilt.used} {benefit.unit} used in {period} before {on.isoformat()}, "
                f"and this line adds {rebuilt.this}, which stays within the cap."
            )
            if auth_over:
                return _authorization_decision(ctx, auth_over, (under,), evidence)
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
        kx = payer_type_of(ctx).type is PayerType.MEDICARE and _is_therapy(code, modifiers)
        count_words = (
            f"the {'KX threshold' if kx else 'cap'} is {cap}; the payer's remittances show "
            f"{rebuilt.used} {benefit.unit} used "
            f"in {period} before {on.isoformat()}, and this line adds {rebuilt.this}"
        )
    reasons.append(f"Benefit maximum: {count_words}.")
    extension = ""
    if auth_over:
        reasons.append(
            "Both limits were crossed: the benefit cap above, and "
            + "; ".join(_overrun_words(c) for c in auth_over)
            + "."
        )
        evidence.extend(_auth_evidence(ctx, auth_over))
        extension = "; also request an extension of authorization " + ", ".join(
            c.name for c in auth_over
        )
    decision = _after_cap(ctx, benefit, cap, code, modifiers, reasons, evidence, missing)
    if extension:
        decision = decision._replace(action=decision.action + extension)
    return decision


def _after_cap(
    ctx: DenialContext,
    benefit: Benefit,
    cap: str,
    code: str | None,
    modifiers: tuple[str, ...],
    reasons: list[str],
    evidence: list[Evidence],
    missing: list[str],
) -> Decision:
    """The cap was reached: exception, secondary, the patient in the payer's way, write-off."""
    item, practice = ctx.item, ctx.practice
    assert practice is not None and item.service_date is not None
    on = item.service_date
    patient_id = patient_id_of(practice, item.claim.patient_control_number)
    kind = payer_type_of(ctx)
    records = records_for(practice, patient_id)
    rec_evidence = [
        Evidence(
            source_of(r.file, r.row, "records/index.csv"),
            f"records/{r.file_name} ({r.kind}, {r.service_date or 'undated'})",
        )
        for r in records
    ]
    adj = next(a for a in item.adjustments if a.reason in ("119", "35"))
    medicare_therapy = kind.type is PayerType.MEDICARE and _is_therapy(code, modifiers)
    if medicare_therapy:
        dollars = benefit.unit is BenefitUnit.DOLLARS
        threshold = kx_threshold(
            ctx,
            code,
            modifiers,
            benefit.used_elsewhere if dollars else ZERO,
            source_of(benefit.file, benefit.row, "benefits.csv") if dollars else "",
        )
        reasons.append(threshold.words)
        evidence.extend(threshold.evidence)
        missing.extend(threshold.missing)
        attestations = [r for r in records if r.kind.lower() in KX_ATTESTATION_KINDS]
        if "KX" in modifiers and records:
            return Decision(
                "exception_appeal",
                (
                    *reasons,
                    "Medicare therapy billed with KX above the KX threshold: appeal with the "
                    "documentation of medical necessity (docs/domain.md §5.1).",
                ),
                (*evidence, *rec_evidence),
                tuple(missing),
                action="file a redetermination with the plan of care and progress notes",
            )
        if "KX" not in modifiers and attestations:
            fix = correction_for(ctx)
            att = attestations[0]
            return Decision(
                "corrected_claim",
                (
                    *reasons,
                    "Medicare therapy above the KX threshold, billed without KX. KX attests that "
                    "the services are reasonable and necessary, need a therapist's skill and are "
                    "supported by the record; the therapist's documented statement is on file "
                    f"(records/{att.file_name}), so KX can be added.",
                    fix.why,
                ),
                (*evidence, *rec_evidence),
                tuple(missing),
                action=f"add modifier KX to {code}: {fix.how}",
                deadline_step=fix.step,
                correction_form=fix.form,
            )
        if "KX" not in modifiers:
            missing.append(
                "the therapist's documented statement that the services are reasonable and "
                "necessary (a records/index.csv entry of kind kx_attestation pointing to the "
                "signed passage): KX is an attestation, and records merely existing are not one"
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
                "level as received, docs/domain.md §7.2).",
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
    notices = notices_on_file(ctx, patient_id, on, code)
    if adj.group == "PR" and kind.type is not PayerType.MEDICARE_ADVANTAGE:
        agreed = [w for w in notices if w.kind is not WaiverKind.MA_DETERMINATION]
        signed = (
            f" The patient also signed a {agreed[0].kind} on "
            f"{agreed[0].signed_date.isoformat()} covering {code or 'the service'} on this date."
            if agreed
            else ""
        )
        return Decision(
            "bill_patient",
            (
                *reasons,
                f"No secondary coverage; the payer assigned the amount to the patient "
                f"({adj.key}, group PR): the patient can be billed.{signed}",
            ),
            (*evidence, *(notice_evidence(w) for w in agreed[:1])),
            tuple(missing),
            action="send the patient a statement",
        )
    if adj.group != "PR" or kind.type is PayerType.MEDICARE_ADVANTAGE:
        liable = co_liability(ctx, adj, notices, tuple(reasons), tuple(evidence))
        if liable is not None:
            return liable._replace(missing=(*liable.missing, *missing))
    if medicare_therapy:
        return Decision(
            "review",
            (
                *reasons,
                "Medicare therapy over the KX threshold with no documented therapist statement "
                "for KX and no ABN on file: the provider is liable unless the record supports "
                "KX.",
            ),
            tuple(evidence),
            tuple(missing),
            action="get the therapist's documented statement of medical necessity, then add KX",
        )
    return Decision(
        "write_off",
        (
            *reasons,
            f"The cap of {cap} was reached; no exception applies, no secondary coverage and no "
            + (
                f"signed waiver on file ({adj.key} is contractual: the patient cannot be billed)."
                if adj.group != "PR"
                else "pre-service organization determination of the Medicare Advantage plan on "
                "file (without it the enrollee cannot be billed)."
            ),
            MA13,
            "Prevention: check the countdown at check-in (`recoup check-visit`); it showed 0 "
            "remaining before this visit. Get a signed waiver or a plan extension first.",
        ),
        tuple(evidence),
        tuple(missing),
        action="write off the balance",
    )


# -- the authorisation, a limit apart from the benefit cap -----------------------------------------


def _authorization_overruns(
    ctx: DenialContext, patient_id: str, on: date, code: str | None
) -> list[LimitCheck]:
    """The authorisations this line passed, counted from the visit log (check-visit's test)."""
    practice = ctx.practice
    line = ctx.item.line
    if practice is None or code is None or line is None:
        return []
    units = line.original_units or line.units or Decimal(1)
    checks = check_visit(practice, patient_id, on, code, units, charge=line.charge).checks
    return [c for c in checks if c.limit_kind == "authorization" and c.exceeded]


def _overrun_words(check: LimitCheck) -> str:
    if check.window is None:  # no authorisation in force on the date
        return check.message
    scope = (
        f"the {check.window}"
        if check.window.end - check.window.start <= timedelta(days=31)
        else f"its whole term {check.window}"
    )
    return (
        f"authorization {check.name} allows {check.limit} {check.unit} in {scope}; "
        f"{check.used} were used before this line and it adds {check.adds}, "
        f"{check.over} {check.unit} over"
    )


def _auth_evidence(ctx: DenialContext, checks: list[LimitCheck]) -> list[Evidence]:
    assert ctx.practice is not None
    names = {c.name for c in checks}
    return [
        Evidence(
            source_of(a.file, a.row, "authorizations.csv"),
            f"authorization {a.auth_number}: {a.units} {a.unit} per {a.per} for "
            f"{' '.join(a.codes) or 'all codes'}, {a.start_date.isoformat()} to "
            f"{a.end_date.isoformat()}",
        )
        for a in ctx.practice.authorizations
        if a.auth_number in names
    ]


def _authorization_decision(
    ctx: DenialContext,
    checks: list[LimitCheck],
    cap_words: tuple[str, ...],
    evidence: list[Evidence],
) -> Decision:
    """The authorisation, not the cap, is the limit that was crossed: retro-auth / extension."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in ("119", "35"))
    names = ", ".join(c.name for c in checks)
    return Decision(
        "appeal",
        (
            f"{adj.key}: the limit crossed is the authorisation, not the benefit cap: "
            + "; ".join(_overrun_words(c) for c in checks)
            + ".",
            *cap_words,
            "An authorisation overrun is not a benefit maximum: request a retro-authorisation "
            "or an extension for the extra units and appeal with the clinical need (the "
            "treatment plan's prescribed hours); a recount dispute would not help, since the "
            "payer's count of the cap is not what stopped the line.",
        ),
        (*evidence, *_auth_evidence(ctx, checks)),
        (
            "the treatment plan or progress note showing why the extra units were needed "
            "(clinical need for the retro-authorisation)",
        ),
        action=f"request a retro-authorisation or an extension of authorization {names} from "
        "the payer, then appeal the denial with the clinical need",
    )
