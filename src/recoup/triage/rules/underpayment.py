"""Underpayments: a paid line whose allowed amount is below the practice's contracted rate.

Why it decides this way (docs/domain.md §2.3; docs/design.md, "The practice folder",
``fee_schedules/``): the allowed amount of a line is what the payer agreed the service is worth;
the plan's payment and the patient's share (PR) are both parts of it, so a deductible does not
make a line underpaid. recoup reads it two ways and uses the lower:

- **stated**: AMT*B6 on the line, the allowed amount the payer reports (informational, not
  part of balancing);
- **implied**: SVC02 (the charge) minus the line's contractual write-downs (group CO with a
  contractual CARC: CO-45 and kin). Sequestration (CO-253) and the patient's share are taken
  after the allowed amount is set, so they do not lower it.

The contract is the ``fee_schedules/<payer_id>.csv`` row for the code and modifier set in force
on the date of service, times the units paid (SVC05, 1 when absent), never more than the charge
(a payer allows the lesser of the two). A line below it by more than the payer's
``underpayment_tolerance`` (practice.toml, default $0.01) is an ``underpayment`` item: the
difference is its amount, the CAS write-downs that took it and the fee schedule row are its
evidence, and its deadline is the payer's appeal window. When the stated amount is at contract
but the implied one is not, the CO-45 write-down is larger than the contract allows and that is
what the item says. Lines with a denial adjustment are already on the worklist as denials, and
reversals undo a payment: neither is checked. No fee schedule for the payer, or no row for the
code, raises nothing: recoup never guesses a rate.

Many contracts are written as a percentage of another fee schedule ("110% of the Medicare
physician fee schedule"). A payer's ``fee_schedule`` and ``fee_percent`` in practice.toml say
so: for a code the payer's own file has no row for, the rate is ``fee_percent`` % of the row of
``fee_schedules/<fee_schedule>.csv`` (the practice keeps that file, e.g. its Medicare
locality's rates, named by any id), per unit, rounded half up to the cent. The payer's own rows
win (a carve-out). A reference row matches the line's modifier set; failing that, the row
with only the line's modifiers that change the price (:data:`PRICING_MODIFIERS`: 26, TC, CQ
...), so 97110-GP-KX is priced by the plain 97110 row and 97110-GP-CQ only by a 97110-CQ row.
The evidence names the setting, the reference row and the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.codes import category_of
from recoup.denials import DeniedItem, is_denial
from recoup.money import CENT, ZERO, display_money
from recoup.practice import FeeScheduleRow, Practice
from recoup.records import Adjustment, ClaimPayment, ServiceLine
from recoup.triage.facts import payer_id_of, payer_info_of
from recoup.triage.model import (
    Decision,
    DenialContext,
    Evidence,
    Source,
    rule,
    segment_source,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "RULE_ID",
    "PercentBasis",
    "Shortfall",
    "contract",
    "contract_row",
    "paid_lines",
    "shortfall",
]

RULE_ID = "U001"
DEFAULT_TOLERANCE = Decimal("0.01")
# contractual CARCs taken after the allowed amount is set: sequestration (CO-253)
AFTER_ALLOWED = frozenset({"253"})
# modifiers that change what a fee schedule pays for a code (professional/technical component,
# bilateral, reduced or discontinued, surgical split, co-surgery, assistants, therapy
# assistants): a reference schedule's row is matched by these alone (GP, KX, 59 ... do not
# change its price)
PRICING_MODIFIERS = frozenset(
    {"26", "TC", "50", "52", "53", "54", "55", "56", "62", "66", "80", "81", "82", "AS", "CQ", "CO"}
)


class Shortfall(NamedTuple):
    """How far a line's allowed amount falls below the contract, and how recoup knows."""

    row: FeeScheduleRow  # the contracted rate
    units: Decimal
    contract: Decimal  # rate x units, capped at the charge
    stated: Decimal | None  # AMT*B6
    implied: Decimal  # SVC02 minus the contractual write-downs
    allowed: Decimal  # the lower of the two (implied when there is no B6)
    difference: Decimal  # contract - allowed, > tolerance
    tolerance: Decimal
    write_down: bool  # B6 is at contract but CO-45 and kin took more than the contract allows
    takers: tuple[Adjustment, ...]  # the contractual write-downs of the line
    basis: PercentBasis | None = None  # set when the rate is a percentage of another schedule


def _contractual(line: ServiceLine) -> tuple[Adjustment, ...]:
    return tuple(
        a
        for a in line.adjustments
        if a.group == "CO"
        and category_of(a.reason) == "contractual"
        and a.reason not in AFTER_ALLOWED
    )


def paid_lines(claim: ClaimPayment) -> Iterator[DeniedItem]:
    """Each line to check against the contract: adjudicated without a denial, not a reversal.

    The item's adjustments are the line's contractual write-downs (possibly none).
    """
    if claim.is_reversal:
        return
    for line in claim.lines:
        if line.procedure is None or any(is_denial(a) for a in line.adjustments):
            continue
        yield DeniedItem(claim, line, _contractual(line), line.remarks + claim.remarks)


class PercentBasis(NamedTuple):
    """A rate that is a percentage of another fee schedule's (practice.toml's ``fee_schedule``
    and ``fee_percent`` for the payer): where each part of it came from."""

    payer_id: str  # the payer whose contract it is
    percent: Decimal  # fee_percent
    reference: FeeScheduleRow  # the row of fee_schedules/<fee_schedule>.csv it is a share of


def contract(ctx: DenialContext) -> tuple[FeeScheduleRow, PercentBasis | None] | None:
    """The contracted rate of the line: the payer's own fee schedule row for the code,
    modifiers and date of service; else, when the payer's contract is a percentage of another
    schedule, that percentage of the other schedule's row (rounded half up to the cent, per
    unit); else None. The derived row keeps the reference row's file, row and dates."""
    practice: Practice | None = ctx.practice
    line, day = ctx.item.line, ctx.item.service_date
    if practice is None or line is None or line.procedure is None or day is None:
        return None
    payer_id = payer_id_of(ctx.remittance)
    code = line.procedure.code.upper()
    modifiers = tuple(m.upper() for m in line.procedure.modifiers)
    own = _matching(practice.fee_schedules, payer_id, code, modifiers, day)
    if own is not None:
        return own, None
    payer = payer_info_of(ctx)
    if payer is None or not payer.fee_schedule or payer.fee_percent is None:
        return None
    rows = practice.fee_schedules
    ref = _matching(rows, payer.fee_schedule, code, modifiers, day)
    if ref is None:  # a reference schedule prices by the modifiers that change the price
        pricing = tuple(m for m in modifiers if m in PRICING_MODIFIERS)
        ref = _matching(rows, payer.fee_schedule, code, pricing, day)
    if ref is None:
        return None
    rate = (ref.allowed * payer.fee_percent / 100).quantize(CENT, ROUND_HALF_UP)
    derived = FeeScheduleRow(
        payer_id, code, ref.modifiers, rate, ref.valid_from, ref.valid_to, ref.file, ref.row
    )
    return derived, PercentBasis(payer_id, payer.fee_percent, ref)


def _matching(
    rows: tuple[FeeScheduleRow, ...],
    payer_id: str,
    code: str,
    modifiers: tuple[str, ...],
    day: date,
) -> FeeScheduleRow | None:
    return next((r for r in rows if r.applies(payer_id, code, modifiers, day)), None)


def contract_row(ctx: DenialContext) -> FeeScheduleRow | None:
    """The fee schedule row for the line's payer, code, modifiers and date of service (derived
    from another schedule when the payer's contract is a percentage of it)."""
    found = contract(ctx)
    return found[0] if found is not None else None


def _tolerance(ctx: DenialContext) -> Decimal:
    payer = payer_info_of(ctx)
    if payer is not None and payer.underpayment_tolerance is not None:
        return payer.underpayment_tolerance
    return DEFAULT_TOLERANCE


def shortfall(ctx: DenialContext) -> Shortfall | None:
    """The line's shortfall against the contract, or None (at contract, within the tolerance,
    or no contracted rate on file)."""
    found = contract(ctx)
    line = ctx.item.line
    if found is None or line is None:
        return None
    row, basis = found
    units = line.units if line.units is not None and line.units > ZERO else Decimal(1)
    agreed = min((row.allowed * units).quantize(CENT), line.charge)
    takers = _contractual(line)
    implied = line.charge - sum((a.amount for a in takers), ZERO)
    stated = line.allowed
    allowed = implied if stated is None else min(stated, implied)
    tolerance = _tolerance(ctx)
    difference = agreed - allowed
    if difference <= tolerance:
        return None
    write_down = stated is not None and agreed - stated <= tolerance
    return Shortfall(
        row,
        units,
        agreed,
        stated,
        implied,
        allowed,
        difference,
        tolerance,
        write_down,
        takers,
        basis,
    )


def fee_source(row: FeeScheduleRow) -> Source:
    """``fee_schedules/73120.csv row 4``."""
    return Source("row", f"fee_schedules/{Path(row.file).name}", row.row)


def _rate_words(row: FeeScheduleRow) -> str:
    mods = "".join(f"-{m}" for m in row.modifiers)
    since = f" from {row.valid_from}" if row.valid_from else ""
    until = f" to {row.valid_to}" if row.valid_to else ""
    return f"{row.code}{mods}: {display_money(row.allowed)} a unit{since}{until}"


def percent_source(basis: PercentBasis) -> Source:
    """The practice.toml setting a percentage contract comes from."""
    return Source("note", label=f"practice.toml [payers.{basis.payer_id}] fee_percent")


def _rate_evidence(found: Shortfall) -> list[Evidence]:
    basis = found.basis
    if basis is None:
        return [Evidence(fee_source(found.row), f"contracted rate {_rate_words(found.row)}")]
    ref = basis.reference
    return [
        Evidence(
            percent_source(basis),
            f"the contract pays {basis.percent}% of fee_schedules/{Path(ref.file).name}",
        ),
        Evidence(fee_source(ref), f"reference rate {_rate_words(ref)}"),
        Evidence(
            percent_source(basis),
            f"contracted rate {basis.percent}% of {display_money(ref.allowed)} = "
            f"{display_money(found.row.allowed)} a unit",
        ),
    ]


@rule(RULE_ID, "underpayment", ())
def underpayment(ctx: DenialContext) -> Decision:
    """A paid line allowed below the contracted rate (fee_schedules/): appeal the difference."""
    found = shortfall(ctx)
    line = ctx.item.line
    if found is None or line is None:
        return Decision(
            "review",
            ("The line is not below a contracted rate on file.",),
            missing=("a fee_schedules/ row for this payer, code and date",),
        )
    code = line.procedure.code if line.procedure else "the line"
    money = display_money
    taken = ", ".join(f"{a.key} {money(a.amount)}" for a in found.takers) or "no write-down"
    if found.write_down:
        why = (
            f"The payer states an allowed amount of {money(found.stated or ZERO)} (AMT*B6) for "
            f"{code}, but its write-down ({taken}) leaves {money(found.implied)} of the "
            f"{money(line.charge)} charge: {money(found.difference)} more than the contract "
            "allows was written off."
        )
    else:
        why = (
            f"{code} was allowed {money(found.allowed)}; the contracted rate gives "
            f"{money(found.contract)} ({found.units} x {money(found.row.allowed)}): underpaid by "
            f"{money(found.difference)} ({taken})."
        )
    facts = _rate_evidence(found)
    facts += [
        Evidence(
            segment_source(ctx.file, line.segment, "SVC"),
            f"{code} charged {money(line.charge)}, paid {money(line.paid)}, {found.units} unit(s)",
        ),
    ]
    if found.stated is not None:
        facts.append(
            Evidence(
                segment_source(ctx.file, line.segment, "SVC"),
                f"allowed amount stated by the payer (AMT*B6): {money(found.stated)}",
            )
        )
    if found.takers:
        facts.append(
            Evidence(
                segment_source(ctx.file, found.takers[0].segment, "CAS"),
                f"contractual write-down {taken} on {code}, claim "
                f"{ctx.item.claim.patient_control_number}",
            )
        )
    return Decision(
        "underpayment",
        (
            why,
            f"A shortfall of more than {money(found.tolerance)} is appealed "
            "(underpayment_tolerance).",
        ),
        tuple(facts),
        action=(
            f"ask the payer to reprocess {code} at the contracted {money(found.contract)} and pay "
            f"the {money(found.difference)} difference"
        ),
        deadline_step="appeal",
    )
