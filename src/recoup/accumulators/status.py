"""Where a patient stands against each benefit cap and prior authorisation; does a visit fit.

Two limits are kept apart on purpose: the **benefit cap** (benefits.csv: what the plan pays for in a
period) and the **prior authorisation** (authorizations.csv: what the payer approved, per week,
month or in total between two dates). A visit can pass one and fail the other; every answer says
which limit it is about.

Rules, so the figures can be checked by hand:

* "used" on a date counts the practice's own lines from the period's start **through** that date,
  plus the benefit's ``used_elsewhere`` (counted by the payer at other providers) when its
  ``as_of`` date falls in the same period;
* :func:`check_visit` counts the lines **before** the date and adds the visit being checked; lines
  already recorded on that date are taken to be that same visit and are not counted again;
* an authorisation's ``end_date`` is its last day (inclusive in the CSV; the window is
  ``[start_date, end_date + 1 day)``); ``week`` and ``month`` windows are the calendar week
  (Monday to Sunday) or month, cut to the authorisation's dates;
* an episode starts at the latest evaluation code on or before the date, else the first visit;
* status is ``exhausted`` at 0 remaining, ``warning`` from 75 % used, else ``ok``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.accumulators.counting import (
    CodeFilter,
    CountedLine,
    count,
    from_visits,
)
from recoup.accumulators.periods import Period, add_months, period_containing
from recoup.findings import Finding, Severity
from recoup.practice.model import (
    Authorization,
    AuthPer,
    Benefit,
    Coverage,
    PayerType,
    PeriodKind,
    Practice,
    Waiver,
)
from recoup.records import EligibilityResponse
from recoup.x12.reader271 import benefit_limits, read_271

__all__ = [
    "EVALUATION_CODES",
    "WARNING_SHARE",
    "AuthStatus",
    "BenefitStatus",
    "LimitCheck",
    "PayerFigure",
    "VisitCheck",
    "authorization_status",
    "benefit_period",
    "benefit_status",
    "check_visit",
    "episode_start",
    "load_eligibility",
]

ZERO = Decimal("0")
WARNING_SHARE = Decimal("0.75")
# Evaluation and assessment codes that open an episode of care (PT, OT, ABA).
EVALUATION_CODES = frozenset({"97161", "97162", "97163", "97165", "97166", "97167", "97151"})
# Service types (EB03) a benefit's 271 figures may appear under, by benefit name (docs/domain.md
# §3.2).
SERVICE_TYPES = {
    "pt_ot": {"PT", "AD", "AE", "A9", "AC"},
    "pt_slp": {"PT", "AF", "AE"},
    "chiro": {"33", "34"},
    "aba": {"MH", "BD", "CF", "CH", "A4", "A6", "A8", "30"},
}
_UNIT_WORDS = {"visits": {"visits"}, "hours": {"hours"}, "units": {"units", "services"}}


class PayerFigure(NamedTuple):
    """A figure the payer gave in a 271: a limit, what is used, or what remains."""

    kind: str  # limit, used, remaining
    quantity: Decimal
    unit: str
    period: str
    service_types: tuple[str, ...]
    file: str
    segment: int


class AuthStatus(NamedTuple):
    auth_number: str
    payer_id: str
    codes: tuple[str, ...]
    unit: str
    per: str
    limit: Decimal
    used: Decimal
    remaining: Decimal
    window: Period  # the week, month or whole authorisation the figures are for
    status: str
    source: str


class BenefitStatus(NamedTuple):
    patient_id: str
    payer_id: str
    benefit: str
    unit: str
    limit: Decimal
    used_ours: Decimal
    used_elsewhere: Decimal
    used: Decimal
    remaining: Decimal
    period: Period
    reset_date: date | None
    status: str  # ok, warning, exhausted
    authorizations: tuple[AuthStatus, ...]
    payer_view: tuple[PayerFigure, ...]
    source: str


class LimitCheck(NamedTuple):
    """One limit a planned visit was checked against."""

    limit_kind: str  # benefit, authorization
    name: str  # the benefit (pt_ot) or the authorisation number
    unit: str
    limit: Decimal
    used: Decimal
    adds: Decimal
    over: Decimal  # by how much the visit would exceed the limit (0: it fits)
    window: Period | None
    message: str

    @property
    def exceeded(self) -> bool:
        return self.over > 0


class VisitCheck(NamedTuple):
    patient_id: str
    on: date
    code: str
    units: Decimal
    checks: tuple[LimitCheck, ...]
    advice: tuple[str, ...]

    @property
    def exceeds(self) -> bool:
        return any(c.exceeded for c in self.checks)

    @property
    def exceeded(self) -> tuple[LimitCheck, ...]:
        return tuple(c for c in self.checks if c.exceeded)


# -- periods -------------------------------------------------------------------------------------


_COVERAGES: list[tuple[Practice, dict[tuple[str, str], Coverage]]] = []


def _coverage(practice: Practice, patient_id: str, payer_id: str) -> Coverage | None:
    """The patient's first coverage with the payer (looked up in a per-practice index, kept for
    the last practice seen: triage asks once per denial, and a practice can have thousands)."""
    if not (_COVERAGES and _COVERAGES[0][0] is practice):
        index: dict[tuple[str, str], Coverage] = {}
        for cov in practice.coverages:
            index.setdefault((cov.patient_id, cov.payer_id), cov)
        _COVERAGES[:] = [(practice, index)]
    return _COVERAGES[0][1].get((patient_id, payer_id))


def episode_start(lines: Sequence[CountedLine], on: date) -> date:
    """The latest evaluation on or before ``on``, else the first visit, else ``on`` itself."""
    before = [line for line in lines if line.service_date <= on]
    evaluations = [line.service_date for line in before if line.code in EVALUATION_CODES]
    if evaluations:
        return max(evaluations)
    return min((line.service_date for line in before), default=on)


def benefit_period(practice: Practice, benefit: Benefit, on: date) -> Period:
    """The period of ``benefit`` that holds ``on`` (plan year from the coverage's anniversary)."""
    coverage = _coverage(practice, benefit.patient_id, benefit.payer_id)
    anniversary = coverage.plan_year_start if coverage else None
    start = None
    if benefit.period.kind is PeriodKind.EPISODE:
        start = episode_start(_patient_lines(practice, benefit.patient_id), on)
    return period_containing(benefit.period, on, anniversary, start)


def _reset_date(benefit: Benefit, period: Period, counted: Sequence[CountedLine]) -> date | None:
    if benefit.period.kind is PeriodKind.ROLLING_MONTHS:
        # A look-back window frees its oldest counted visit first.
        oldest = min((line.service_date for line in counted), default=None)
        return add_months(oldest, benefit.period.months or 12) if oldest else None
    return period.reset_date


# -- status --------------------------------------------------------------------------------------


def _patient_lines(practice: Practice, patient_id: str) -> list[CountedLine]:
    return from_visits(v for v in practice.visits if v.patient_id == patient_id)


def _status(used: Decimal, limit: Decimal) -> str:
    if used >= limit:
        return "exhausted"
    if used >= limit * WARNING_SHARE:
        return "warning"
    return "ok"


def _elsewhere(benefit: Benefit, period: Period) -> Decimal:
    if benefit.as_of is not None and benefit.as_of not in period:
        return ZERO  # reported for another period
    return benefit.used_elsewhere


def _auth_window(auth: Authorization, on: date) -> Period:
    whole = Period(auth.start_date, auth.end_date + timedelta(days=1))
    if auth.per is AuthPer.TOTAL:
        return whole
    kind = PeriodKind.WEEK if auth.per is AuthPer.WEEK else PeriodKind.MONTH
    part = period_containing(kind, on)
    return Period(max(part.start, whole.start), min(part.end, whole.end))


def _auth_filter(auth: Authorization) -> CodeFilter:
    return CodeFilter(auth.codes)


def _auth_used(
    auth: Authorization, lines: Sequence[CountedLine], window: Period, until: date
) -> Decimal:
    inside = [line for line in lines if line.service_date in window and line.service_date <= until]
    return count(inside, str(auth.unit), _auth_filter(auth))


def _active(auth: Authorization, on: date) -> bool:
    return auth.start_date <= on <= auth.end_date


def authorization_status(practice: Practice, patient_id: str, on: date) -> list[AuthStatus]:
    """Each authorisation in force on ``on``: used and remaining in its week, month or total."""
    lines = _patient_lines(practice, patient_id)
    out = []
    for auth in practice.authorizations:
        if auth.patient_id != patient_id or not _active(auth, on):
            continue
        window = _auth_window(auth, on)
        used = _auth_used(auth, lines, window, on)
        out.append(
            AuthStatus(
                auth.auth_number,
                auth.payer_id,
                auth.codes,
                str(auth.unit),
                str(auth.per),
                auth.units,
                used,
                auth.units - used,
                window,
                _status(used, auth.units),
                f"{auth.file}:{auth.row}",
            )
        )
    return out


def benefit_status(
    practice: Practice,
    patient_id: str,
    on: date,
    *,
    eligibility: Sequence[EligibilityResponse] = (),
) -> list[BenefitStatus]:
    """Every benefit cap of the patient on ``on``, with the authorisations for the same codes
    and, from ``eligibility`` (see :func:`load_eligibility`), the payer's own figures."""
    lines = _patient_lines(practice, patient_id)
    auths = authorization_status(practice, patient_id, on)
    out = []
    for benefit in practice.benefits:
        if benefit.patient_id != patient_id:
            continue
        period = benefit_period(practice, benefit, on)
        codes = CodeFilter(benefit.counts_codes, benefit.excludes_codes)
        counted = [
            line
            for line in lines
            if line.service_date in period and line.service_date <= on and codes.counts(line.code)
        ]
        ours = count(counted, str(benefit.unit), codes)
        elsewhere = _elsewhere(benefit, period)
        used = ours + elsewhere
        related = tuple(
            a
            for a in auths
            if a.payer_id == benefit.payer_id
            and (not a.codes or any(codes.counts(code) for code in a.codes))
        )
        out.append(
            BenefitStatus(
                patient_id,
                benefit.payer_id,
                benefit.benefit,
                str(benefit.unit),
                benefit.limit,
                ours,
                elsewhere,
                used,
                max(benefit.limit - used, ZERO),
                period,
                _reset_date(benefit, period, counted),
                _status(used, benefit.limit),
                related,
                _payer_view(practice, benefit, on, eligibility),
                f"{benefit.file}:{benefit.row}",
            )
        )
    return out


# -- the payer's view (271) ----------------------------------------------------------------------


def load_eligibility(folder: str | Path) -> tuple[list[EligibilityResponse], list[Finding]]:
    """Every 271 response in the practice folder's ``eligibility/`` (none without that folder)."""
    responses: list[EligibilityResponse] = []
    findings: list[Finding] = []
    for path in sorted(Path(folder, "eligibility").glob("*.271")):
        result = read_271(path)
        responses.extend(result.responses)
        findings.extend(f for f in result.findings if f.severity is Severity.ERROR)
    return responses, findings


def _file_date(file: str) -> date | None:
    try:
        return date.fromisoformat(Path(file).name[:10])
    except ValueError:
        return None


def _payer_view(
    practice: Practice, benefit: Benefit, on: date, responses: Sequence[EligibilityResponse]
) -> tuple[PayerFigure, ...]:
    coverage = _coverage(practice, benefit.patient_id, benefit.payer_id)
    if coverage is None or not coverage.member_id:
        return ()
    wanted_types = SERVICE_TYPES.get(benefit.benefit)
    wanted_units = _UNIT_WORDS.get(str(benefit.unit), set())
    out = []
    for response in responses:
        member = response.member
        if member is None or member.id != coverage.member_id:
            continue
        asked = _file_date(response.file)
        if asked is not None and asked > on:
            continue  # the payer had not said it yet
        for limit in benefit_limits(response):
            if limit.unit not in wanted_units:
                continue
            if wanted_types and not wanted_types.intersection(limit.service_types):
                continue
            out.append(
                PayerFigure(
                    limit.kind,
                    limit.quantity,
                    limit.unit,
                    limit.period,
                    limit.service_types,
                    response.file,
                    limit.segment,
                )
            )
    return tuple(out)


# -- checking a planned visit --------------------------------------------------------------------


def _adds(unit: str, code: str, units: Decimal, charge: Decimal) -> Decimal:
    if unit == "visits":
        return Decimal(1)
    if unit == "units":
        return units
    if unit == "hours":
        return units / 4  # 15-minute units (QUARTER_HOUR_CODES); other codes are assumed alike
    return charge


def _estimated_charge(lines: Sequence[CountedLine], code: str, units: Decimal) -> Decimal:
    """The practice's latest charge per unit for ``code`` times ``units`` (0 if never billed)."""
    same = sorted(
        (line for line in lines if line.code == code and line.units > 0),
        key=lambda line: line.service_date,
    )
    if not same:
        return ZERO
    last = same[-1]
    return last.charge / last.units * units


def check_visit(
    practice: Practice,
    patient_id: str,
    on: date,
    code: str,
    units: Decimal = Decimal(1),
    *,
    charge: Decimal | None = None,
) -> VisitCheck:
    """Would a visit on ``on`` billing ``code`` × ``units`` pass a benefit cap or an authorisation?

    ``charge`` matters only for dollar limits; without it the practice's latest charge for the
    code is used.
    """
    lines = [line for line in _patient_lines(practice, patient_id) if line.service_date < on]
    price = charge if charge is not None else _estimated_charge(lines, code, units)
    checks: list[LimitCheck] = []
    advice: list[str] = []
    for benefit in practice.benefits:
        if benefit.patient_id != patient_id:
            continue
        codes = CodeFilter(benefit.counts_codes, benefit.excludes_codes)
        if not codes.counts(code):
            continue
        period = benefit_period(practice, benefit, on)
        unit = str(benefit.unit)
        used = count((x for x in lines if x.service_date in period), unit, codes)
        used += _elsewhere(benefit, period)
        adds = _adds(unit, code, units, price)
        over = max(used + adds - benefit.limit, ZERO)
        if used >= benefit.limit:
            message = (
                f"the {benefit.benefit} cap is exhausted: {used} of {benefit.limit} {unit} used"
            )
        elif over:
            message = f"the visit would pass the {benefit.benefit} cap by {over} {unit}"
        else:
            left = benefit.limit - used - adds
            message = f"within the {benefit.benefit} cap: {left} {unit} left after it"
        checks.append(
            LimitCheck(
                "benefit", benefit.benefit, unit, benefit.limit, used, adds, over, period, message
            )
        )
        if over:
            advice.extend(_benefit_advice(practice, benefit, on, code))
    checks_auth, advice_auth = _check_authorizations(practice, patient_id, on, code, units, lines)
    checks.extend(checks_auth)
    advice.extend(advice_auth)
    return VisitCheck(patient_id, on, code, units, tuple(checks), tuple(dict.fromkeys(advice)))


def _check_authorizations(
    practice: Practice,
    patient_id: str,
    on: date,
    code: str,
    units: Decimal,
    lines: Sequence[CountedLine],
) -> tuple[list[LimitCheck], list[str]]:
    mine = [
        a
        for a in practice.authorizations
        if a.patient_id == patient_id and (not a.codes or code in a.codes)
    ]
    active = [a for a in mine if _active(a, on)]
    checks: list[LimitCheck] = []
    advice: list[str] = []
    if mine and not active:
        last = max(mine, key=lambda a: a.end_date)
        checks.append(
            LimitCheck(
                "authorization", last.auth_number, str(last.unit),
                ZERO, ZERO, Decimal(1), Decimal(1), None,
                f"no authorization covers {code} on {on}: the latest, {last.auth_number}, runs "
                f"{last.start_date} to {last.end_date}",
            )
        )  # fmt: skip
        advice.append(
            f"Request a new authorization for {code} from payer {last.payer_id} before the visit."
        )
    for auth in active:
        window = _auth_window(auth, on)
        unit = str(auth.unit)
        used = count((x for x in lines if x.service_date in window), unit, _auth_filter(auth))
        adds = _adds(unit, code, units, ZERO)
        over = max(used + adds - auth.units, ZERO)
        scope = "in total" if auth.per is AuthPer.TOTAL else f"in the {auth.per} of {window.start}"
        message = (
            f"authorization {auth.auth_number}: {used} of {auth.units} {unit} used {scope}"
            + (f"; the visit would pass it by {over} {unit}" if over else "")
        )
        checks.append(
            LimitCheck(
                "authorization",
                auth.auth_number,
                unit,
                auth.units,
                used,
                adds,
                over,
                window,
                message,
            )
        )
        if over:
            advice.append(
                f"Request an extension or a new authorization from payer {auth.payer_id} before "
                f"the visit (authorization {auth.auth_number}, {auth.units} {unit} per {auth.per})."
            )
    return checks, advice


def _waiver(
    practice: Practice, patient_id: str, payer_id: str, on: date, code: str
) -> Waiver | None:
    return next(
        (
            w
            for w in practice.waivers
            if w.patient_id == patient_id
            and w.payer_id in ("", payer_id)
            and w.signed_date <= on
            and (w.valid_through is None or on <= w.valid_through)
            and (not w.codes or code in w.codes)
        ),
        None,
    )


def _secondaries(practice: Practice, patient_id: str, on: date) -> list[Coverage]:
    return [
        c
        for c in practice.coverages
        if c.patient_id == patient_id
        and c.rank >= 2
        and (c.effective_date is None or c.effective_date <= on)
        and (c.end_date is None or on <= c.end_date)
        # a vision or dental plan does not pay for therapy
        and not any(w in f"{c.payer_name} {c.plan_name}".lower() for w in ("vision", "dental"))
    ]


def _benefit_advice(practice: Practice, benefit: Benefit, on: date, code: str) -> list[str]:
    advice = []
    coverage = _coverage(practice, benefit.patient_id, benefit.payer_id)
    medicare = coverage is not None and coverage.payer_type is PayerType.MEDICARE
    if medicare and str(benefit.unit) == "dollars":
        advice.append(
            "Medicare therapy threshold: add modifier KX when the care is medically necessary "
            "and documented (docs/domain.md §5.1); otherwise get a signed ABN before the visit."
        )
    waiver = _waiver(practice, benefit.patient_id, benefit.payer_id, on, code)
    if waiver is not None:
        advice.append(
            f"A signed {waiver.kind} is on file ({waiver.signed_date}): if the payer denies, "
            "the patient can be billed."
        )
    elif not medicare:
        advice.append(
            "Get a signed financial waiver before the visit, so the patient can be billed if "
            "the payer denies."
        )
    for secondary in _secondaries(practice, benefit.patient_id, on):
        advice.append(
            f"Bill the secondary, {secondary.payer_name} ({secondary.member_id}), with the "
            "primary's remittance."
        )
    return advice
