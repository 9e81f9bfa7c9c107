"""The Medicare therapy KX threshold (SSA §1833(g)(7)(A)): the amounts, and where a line stands.

Not a rule (nothing registers). The benefit-maximum rule asks it whether a Part B therapy line is
above the year's KX threshold, counted the way Medicare counts it: the **allowed** amounts
(the fee-schedule amount, AMT*B6 in the 835s), not the billed charges. PT and speech-language
pathology share one threshold, OT has its own (GP/GN against GO). The hard therapy caps were
repealed in 2018 (BBA 2018 §50202); the old cap amounts live on as the KX threshold, so the
reasons say "KX threshold", never "cap".

The count is recoup's own, from the remittances given: Medicare also counts therapy the patient
had elsewhere that year, so a total below the threshold is reported with what to check, not taken
as proof the payer is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from recoup.accumulators import history_lines
from recoup.money import ZERO, display_money
from recoup.triage.model import DenialContext, Evidence, Source

__all__ = [
    "KX_ATTESTATION_KINDS",
    "KX_THRESHOLDS",
    "KxStanding",
    "Threshold",
    "kx_threshold",
    "line_allowed",
]

# records/index.csv kinds that carry the therapist's documented statement that the services are
# reasonable and necessary (the statement KX attests to).
KX_ATTESTATION_KINDS = frozenset({"kx_attestation", "medical_necessity_attestation"})

# PT/SLP therapy codes and modifiers, as the benefit rule knows them.
_OT = "GO"
_PT_SLP = ("GP", "GN")


class Threshold(NamedTuple):
    amount: Decimal
    source: str
    verified: bool  # read on a CMS or MAC page (False: secondary sources only)


# One amount for PT+SLP combined and the same amount for OT, each year.
KX_THRESHOLDS = {
    2022: Threshold(
        Decimal("2150"),
        "Noridian JE, Per-Beneficiary KX Modifier Thresholds (CY 2022-2024 table)",
        True,
    ),
    2023: Threshold(
        Decimal("2230"),
        "Noridian JE, Per-Beneficiary KX Modifier Thresholds (CY 2022-2024 table)",
        True,
    ),
    2024: Threshold(
        Decimal("2330"),
        "Noridian JE, Per-Beneficiary KX Modifier Thresholds (CY 2022-2024 table); CMS CR "
        "'2024 Annual Update of Per-Beneficiary Threshold Amounts'",
        True,
    ),
    2025: Threshold(
        Decimal("2410"),
        "unverified: secondary sources only (docs/domain.md §5.1); the CMS/MAC page read lists "
        "2022-2024",
        False,
    ),
    2026: Threshold(
        Decimal("2480"),
        "unverified: secondary sources only (docs/domain.md §5.1); the CMS/MAC page read lists "
        "2022-2024",
        False,
    ),
}


class KxStanding(NamedTuple):
    words: str  # the reason sentence
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]
    above: bool | None  # None: not known (no amount for the year, or no allowed amounts)


def _bucket(modifiers: tuple[str, ...]) -> str:
    return "OT" if _OT in modifiers else "PT and speech-language pathology"


def kx_threshold(
    ctx: DenialContext,
    code: str | None,
    modifiers: tuple[str, ...],
    elsewhere: Decimal = ZERO,
    elsewhere_source: Source | str = "",
) -> KxStanding:
    """Where the denied line stands against the year's KX threshold, by allowed amounts;
    ``elsewhere`` is what the practice recorded as used at other providers (benefits.csv)."""
    on = ctx.item.service_date
    if on is None:
        return KxStanding("The KX threshold cannot be placed without a date.", (), (), None)
    threshold = KX_THRESHOLDS.get(on.year)
    bucket = _bucket(modifiers)
    if threshold is None:
        return KxStanding(
            f"No KX threshold amount on file for {on.year}.",
            (),
            (f"the {on.year} KX threshold amount (CMS annual update)",),
            None,
        )
    ot = bucket == "OT"
    lines = [
        ln
        for ln in history_lines(ctx.history)
        if ln.service_date.year == on.year and ln.service_date < on
    ]
    # history_lines keeps no modifiers: the practice's PT clinic bills one discipline per
    # patient, so every therapy line of the year counts toward the line's own bucket
    here = sum((ln.allowed for ln in lines if ln.allowed is not None), ZERO)
    used = here + elsewhere
    this = line_allowed(ctx, code)
    verified = "" if threshold.verified else " (amount unverified: secondary sources only)"
    amount = display_money(threshold.amount)
    ev = Evidence(
        "the remittance history (allowed amounts, AMT*B6)",
        f"{display_money(here)} allowed for therapy in {on.year} before {on.isoformat()} over "
        f"{len({ln.service_date for ln in lines})} date(s)"
        + (
            f", plus {display_money(elsewhere)} used elsewhere ({elsewhere_source})"
            if elsewhere
            else ""
        ),
    )
    missing: list[str] = []
    if this is None:
        missing.append(
            f"the Medicare allowed amount of {code or 'the line'} (fee-schedule amount): not "
            "in the 835s given"
        )
        return KxStanding(
            f"KX threshold {on.year} for {bucket}: {amount}{verified}; recoup counts "
            f"{display_money(used)} allowed before this line, and this line's allowed amount "
            "is not known (the billed charge does not count toward the threshold).",
            (ev,),
            tuple(missing),
            None,
        )
    total = used + this
    above = total > threshold.amount
    if above:
        where = f"above the KX threshold of {amount}"
    else:
        where = (
            f"below the KX threshold of {amount} by recoup's count; Medicare also counts "
            "therapy at other providers this year, which would explain the denial"
        )
        missing.append(
            "the beneficiary's therapy amount used this year as Medicare counts it (the MAC's "
            "eligibility inquiry), since recoup sees only these remittances"
        )
    words = (
        f"KX threshold {on.year} for {bucket}{' (OT counts apart)' if not ot else ''}: "
        f"{amount}{verified}. Counted by allowed amounts, not charges: {display_money(here)} "
        f"allowed before {on.isoformat()} in these remittances"
        + (f", {display_money(elsewhere)} used elsewhere" if elsewhere else "")
        + f", plus {display_money(this)} for this line is {display_money(total)}, {where}."
    )
    return KxStanding(words, (ev,), tuple(missing), above)


def line_allowed(ctx: DenialContext, code: str | None) -> Decimal | None:
    """The line's allowed amount: AMT*B6 when the payer sent one above zero, else the
    fee-schedule amount of the same code and units seen on an earlier paid line in the 835s."""
    line = ctx.item.line
    if line is None:
        return None
    if line.allowed is not None and line.allowed > 0:
        return line.allowed
    units = line.units or Decimal(1)
    for seen in reversed(history_lines(ctx.history)):
        if seen.code == code and seen.allowed is not None and seen.allowed > 0 and seen.units:
            return (seen.allowed / seen.units * units).quantize(Decimal("0.01"))
    return None
