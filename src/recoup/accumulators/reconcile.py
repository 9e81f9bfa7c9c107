"""Rebuilding a payer's visit count behind a benefit-maximum denial (CARC 119), date by date.

The payer's accumulator cannot be seen, only its effect: it denied the visit on date D, so by D
its count had reached the limit. What the count **should** have been is rebuilt from the
remittance history: the dates of service in the benefit period before D on which the payer's final
adjudication (reversed claims taken out) covered a counting code, plus ``used_elsewhere``. When
that falls short of the limit, the history is searched for what a payer commonly counts by mistake,
one difference per date:

``excluded_code``
    a date whose covered lines are all excluded codes (an evaluation 97161 counted as a visit);
``counted_twice``
    a claim reversed (CLP02 = 22) and corrected: a count that kept the original and the correction
    has the date twice (both payer claim numbers are given);
``same_date_twice``
    two different claims covering counting lines on the same date of service;
``other_period``
    covered visits from before the period that a calendar-year or rolling 12-month count would
    include (searched only when the other differences do not close the gap).

The differences add to what should have been counted; if the sum reaches the limit, the
denial is explained by them (``miscount``); if not, the payer must be asked for its visit list
(``miscount_unexplained``). This is a reconstruction, said as such in the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recoup.accumulators.counting import CodeFilter, CountedLine
from recoup.accumulators.periods import Period, add_months
from recoup.lineage import current_claims, pair_reversals
from recoup.practice.model import Benefit, Practice, Visit
from recoup.records import ClaimPayment, Remittance, ServiceLine

__all__ = [
    "BENEFIT_MAX_REASONS",
    "CountDifference",
    "Reconciliation",
    "claims_for_patient",
    "history_lines",
    "reconcile",
]

BENEFIT_MAX_REASONS = frozenset({"119", "35"})


class CountDifference(NamedTuple):
    service_date: date
    kind: str  # excluded_code, counted_twice, same_date_twice, other_period
    extra: int  # how many visits this adds to the payer's count
    claim_ids: tuple[str, ...]  # CLP01
    payer_claim_ids: tuple[str, ...]  # CLP07
    codes: tuple[str, ...]
    explanation: str


class Reconciliation(NamedTuple):
    benefit: str
    unit: str
    limit: Decimal
    period: Period
    denial_date: date | None
    denied_claim_id: str  # CLP01 of the denial
    denied_payer_claim_id: str  # CLP07 of the denial
    used_elsewhere: Decimal
    should_dates: tuple[date, ...]  # what the payer should have counted here, before the denial
    should_count: Decimal  # len(should_dates) + used_elsewhere
    payer_count: Decimal  # what the denial implies the payer counted before it (the limit)
    rebuilt_count: Decimal  # should_count + the differences
    differences: tuple[CountDifference, ...]
    unadjudicated: tuple[date, ...]  # practice visits before the denial not in any remittance
    verdict: str  # no_denial, count_right, miscount, miscount_unexplained
    explanation: tuple[str, ...]


def claims_for_patient(
    practice: Practice, patient_id: str, remittances: Sequence[Remittance]
) -> list[ClaimPayment]:
    """The patient's claims (CLP01 = a claim_id of theirs in visits.csv), oldest notice first."""
    mine = {v.claim_id for v in practice.visits if v.patient_id == patient_id}
    ordered = sorted(remittances, key=lambda r: r.notice_date or date.min)  # stable
    return [c for r in ordered for c in r.claims if c.patient_control_number in mine]


def _covered(line: ServiceLine) -> bool:
    """The payer adjudicated the line as a covered service (paid, or applied to patient share)."""
    patient_share = False
    for adj in line.adjustments:  # one pass: this runs for every line of every recount
        if adj.reason in BENEFIT_MAX_REASONS:
            return False
        patient_share = patient_share or adj.group == "PR"
    return line.paid != 0 or patient_share


def history_lines(claims: Sequence[ClaimPayment]) -> list[CountedLine]:
    """The lines the payer covered (paid, or applied to the patient's share), reversed claims
    taken out, as countable lines with the payer's allowed amount (AMT*B6) when it sent one:
    what a units, hours or dollars cap is counted from."""
    out = []
    for claim in _final_claims(claims):
        if claim.status in ("4", "22"):
            continue
        for line in claim.lines:
            day = line.date_of_service or claim.service_date
            if day is None or not _covered(line):
                continue
            out.append(
                CountedLine(
                    day,
                    line.procedure.code,
                    line.units if line.units is not None else Decimal(1),
                    line.charge,
                    None,
                    line.allowed,
                    claim.patient_control_number,
                    claim.payer_claim_id,
                )
            )
    return out


def _denial(claims: Sequence[ClaimPayment], period: Period) -> tuple[date, ClaimPayment] | None:
    found = [
        (day, claim)
        for claim in claims
        if not claim.is_reversal
        for line in claim.lines
        if any(a.reason in BENEFIT_MAX_REASONS for a in line.adjustments + claim.adjustments)
        and (day := line.date_of_service or claim.service_date) is not None
        and day in period
    ]
    return min(found, key=lambda pair: pair[0]) if found else None


def _final_claims(claims: Sequence[ClaimPayment]) -> list[ClaimPayment]:
    """The claims still in force: reversals and what they undid left out (recoup.lineage)."""
    return current_claims(claims)


def _covered_dates(
    claim: ClaimPayment, codes: CodeFilter, *, counting: bool
) -> dict[date, set[str]]:
    out: dict[date, set[str]] = {}
    for line in claim.lines:
        day = line.date_of_service or claim.service_date
        if day is None or not _covered(line) or claim.status in ("4", "22"):
            continue
        if codes.counts(line.procedure.code) == counting:
            out.setdefault(day, set()).add(line.procedure.code)
    return out


def reconcile(
    visits: Sequence[Visit],
    claims: Sequence[ClaimPayment],
    benefit: Benefit,
    period: Period,
) -> Reconciliation:
    """What the payer counted toward ``benefit`` in ``period`` versus what it should have.

    ``visits`` are the practice's lines for the patient, ``claims`` the payer's claims for the
    patient from every 835, in the order they arrived.
    """
    codes = CodeFilter(benefit.counts_codes, benefit.excludes_codes)
    denial = _denial(claims, period)
    cutoff = denial[0] if denial else period.end
    before = Period(period.start, min(cutoff, period.end))
    final = _final_claims(claims)

    counting: dict[date, list[ClaimPayment]] = {}
    other: dict[date, list[tuple[ClaimPayment, set[str]]]] = {}
    for claim in final:
        for day in _covered_dates(claim, codes, counting=True):
            counting.setdefault(day, []).append(claim)
        for day, day_codes in _covered_dates(claim, codes, counting=False).items():
            other.setdefault(day, []).append((claim, day_codes))
    should = tuple(sorted(day for day in counting if day in before))
    elsewhere = benefit.used_elsewhere
    should_count = Decimal(len(should)) + elsewhere

    differences: list[CountDifference] = []
    differences += _excluded(other, counting, before)
    differences += _twice(claims, codes, before)
    differences += _same_date(counting, before)
    rebuilt = should_count + sum(d.extra for d in differences)
    if denial and rebuilt < benefit.limit:
        differences += _other_period(counting, period, cutoff, benefit.limit - elsewhere)
        rebuilt = should_count + sum(d.extra for d in differences)
    differences.sort(key=lambda d: (d.service_date, d.kind))

    billed = {c.patient_control_number for c in claims}
    unadjudicated = tuple(
        sorted(
            {
                v.service_date
                for v in visits
                if v.service_date in before and v.claim_id not in billed
            }
        )
    )
    verdict, explanation = _verdict(
        benefit, period, denial, should, should_count, rebuilt, differences
    )
    return Reconciliation(
        benefit.benefit,
        str(benefit.unit),
        benefit.limit,
        period,
        denial[0] if denial else None,
        denial[1].patient_control_number if denial else "",
        denial[1].payer_claim_id if denial else "",
        elsewhere,
        should,
        should_count,
        benefit.limit if denial else should_count,
        rebuilt,
        tuple(differences),
        unadjudicated,
        verdict,
        explanation,
    )


def _excluded(
    other: dict[date, list[tuple[ClaimPayment, set[str]]]],
    counting: dict[date, list[ClaimPayment]],
    before: Period,
) -> list[CountDifference]:
    out = []
    for day in sorted(other):
        if day not in before or day in counting:
            continue
        found = other[day]
        day_codes = tuple(sorted({code for _, cs in found for code in cs}))
        out.append(
            CountDifference(
                day,
                "excluded_code",
                1,
                tuple(c.patient_control_number for c, _ in found),
                tuple(c.payer_claim_id for c, _ in found),
                day_codes,
                f"{day}: only {', '.join(day_codes)} was covered that day (claim "
                f"{found[0][0].patient_control_number}, payer claim {found[0][0].payer_claim_id}); "
                "it does not count toward the cap, but a count of covered dates includes it",
            )
        )
    return out


def _twice(
    claims: Sequence[ClaimPayment], codes: CodeFilter, before: Period
) -> list[CountDifference]:
    out = []
    for link in pair_reversals(claims):
        if link.correction is None:
            continue
        for day, day_codes in sorted(_covered_dates(link.correction, codes, counting=True).items()):
            if day not in before:
                continue
            numbers = tuple(
                dict.fromkeys((link.reversal.payer_claim_id, link.correction.payer_claim_id))
            )
            out.append(
                CountDifference(
                    day,
                    "counted_twice",
                    1,
                    (link.reversal.patient_control_number,),
                    numbers,
                    tuple(sorted(day_codes)),
                    f"{day}: claim {link.reversal.patient_control_number} was reversed "
                    f"(payer claim {link.reversal.payer_claim_id}) and corrected (payer claim "
                    f"{link.correction.payer_claim_id}); one visit, counted twice if both "
                    "adjudications stayed in the count",
                )
            )
    return out


def _same_date(counting: dict[date, list[ClaimPayment]], before: Period) -> list[CountDifference]:
    out = []
    for day in sorted(counting):
        found = counting[day]
        numbers = tuple(dict.fromkeys(c.payer_claim_id for c in found))
        if day not in before or len(numbers) < 2:
            continue
        out.append(
            CountDifference(
                day,
                "same_date_twice",
                len(numbers) - 1,
                tuple(dict.fromkeys(c.patient_control_number for c in found)),
                numbers,
                (),
                f"{day}: covered on {len(numbers)} claims ({', '.join(numbers)}); one date of "
                "service is one visit",
            )
        )
    return out


def _other_period(
    counting: dict[date, list[ClaimPayment]], period: Period, cutoff: date, needed: Decimal
) -> list[CountDifference]:
    """Visits from before the period that a calendar-year or 12-month look-back count would take."""
    windows = (
        ("calendar year", Period(date(cutoff.year, 1, 1), cutoff)),
        ("12 months before the denial", Period(add_months(cutoff, -12), cutoff)),
    )
    for name, window in windows:
        dates = sorted(day for day in counting if day in window)
        outside = [day for day in dates if day not in period]
        if not outside or Decimal(len(dates)) < needed:
            continue
        return [
            CountDifference(
                day,
                "other_period",
                1,
                tuple(c.patient_control_number for c in counting[day]),
                tuple(c.payer_claim_id for c in counting[day]),
                (),
                f"{day}: before the period that began {period.start}; a count by {name} "
                f"(from {window.start}) includes it",
            )
            for day in outside
        ]
    return []


def _verdict(
    benefit: Benefit,
    period: Period,
    denial: tuple[date, ClaimPayment] | None,
    should: tuple[date, ...],
    should_count: Decimal,
    rebuilt: Decimal,
    differences: Sequence[CountDifference],
) -> tuple[str, tuple[str, ...]]:
    unit = str(benefit.unit)
    lines = [
        f"Period {period}; limit {benefit.limit} {unit}; used elsewhere {benefit.used_elsewhere}.",
        f"Covered {unit} here before the denial: {len(should)}"
        + (f" ({', '.join(d.isoformat() for d in should)})" if should else "")
        + f"; with those used elsewhere, {should_count}.",
    ]
    if denial is None:
        return "no_denial", (*lines, "No benefit-maximum denial (CARC 119/35) in the period.")
    day, claim = denial
    lines.append(
        f"The payer denied {day} (claim {claim.patient_control_number}, payer claim "
        f"{claim.payer_claim_id}) as over the limit: its count had reached {benefit.limit}."
    )
    if should_count >= benefit.limit:
        return "count_right", (*lines, "The payer's count is right: the limit was reached.")
    gap = benefit.limit - should_count
    lines.append(f"It should have counted {should_count}: {gap} short of the limit.")
    lines.extend(d.explanation for d in differences)
    if rebuilt >= benefit.limit:
        lines.append(
            f"With these, the payer's count rebuilds to {rebuilt}: the denial is a miscount; "
            "dispute the count with the dates above."
        )
        return "miscount", tuple(lines)
    lines.append(
        f"The differences found rebuild only {rebuilt}: ask the payer for the dates it counted."
    )
    return "miscount_unexplained", tuple(lines)
