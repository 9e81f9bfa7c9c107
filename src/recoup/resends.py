"""A payer that changes its mind: the same check (payer and TRN02 trace number) sent again with
different content.

Payers re-send a remittance when they re-issue an ERA (a corrected 835 for the same EFT or check)
(docs/domain.md §2.9). The copies share the payer, the trace number and the payment date
(BPR16: the same EFT or check; a trace number reused on another date, as some payers do for
zero-pay notices, is another check); what differs is the content: a claim added or dropped,
an amount changed. recoup keeps one: the *later* copy (the
later production date, DTM*405, else the payment date, else the one read or imported last)
wins, and the earlier copy's claims stop counting (triage, the claim list, the KPIs), so nothing
is counted twice. A copy with the same content is no change (the store already keeps it once).

:func:`resends` finds them and says what changed; :func:`latest_only` drops the earlier copies
from parse results (triage calls it, from files and from the store alike).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from recoup.money import display_money
from recoup.payers import payer_identity
from recoup.records import ClaimPayment, Remittance
from recoup.x12 import ParseResult

__all__ = ["Resend", "changes", "latest_only", "resends"]


def _claim_key(claim: ClaimPayment) -> tuple[str, str]:
    return claim.patient_control_number, claim.payer_claim_id


def _money(value: object) -> str:
    return "missing" if value is None else display_money(value)  # type: ignore[arg-type]


def changes(earlier: Remittance, later: Remittance) -> list[str]:
    """What the later copy of a check says differently, in plain words ([] when nothing)."""
    out = []
    if earlier.payment_amount != later.payment_amount:
        out.append(f"payment {_money(earlier.payment_amount)} -> {_money(later.payment_amount)}")
    before = {_claim_key(c): c for c in earlier.claims}
    after = {_claim_key(c): c for c in later.claims}
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    if added:
        out.append("claims added: " + ", ".join(a for a, _ in added))
    if removed:
        out.append("claims removed: " + ", ".join(a for a, _ in removed))
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue
        if old.paid != new.paid or old.charge != new.charge or old.status != new.status:
            out.append(
                f"claim {key[0]}: paid {display_money(old.paid)} -> {display_money(new.paid)}"
                + (f", status {old.status} -> {new.status}" if old.status != new.status else "")
            )
        elif old._replace(segment=0, header_number="") != new._replace(segment=0, header_number=""):
            out.append(f"claim {key[0]}: adjustments or lines changed")
    old_plb = [(a.reason, a.reference, a.amount) for a in earlier.provider_adjustments]
    new_plb = [(a.reason, a.reference, a.amount) for a in later.provider_adjustments]
    if old_plb != new_plb:
        out.append("provider adjustments (PLB) changed")
    return out


class Resend(NamedTuple):
    earlier: Remittance
    later: Remittance
    changed: tuple[str, ...]

    def words(self) -> str:
        return (
            f"check {self.later.trace_number} of {self.later.payer.name or 'the payer'} was sent "
            f"again with different content ({'; '.join(self.changed)}); the later copy "
            f"({self.later.file}) is kept and the earlier one ({self.earlier.file}) no longer "
            "counts"
        )


def _when(rem: Remittance) -> date:
    return rem.production_date or rem.payment_date or date.min


def resends(remittances: Sequence[Remittance]) -> list[Resend]:
    """Each earlier copy of a check that a later, different copy replaces (input order breaks
    ties: the later input is the later copy)."""
    groups: dict[tuple[str, str, date | None], list[tuple[int, Remittance]]] = {}
    for position, rem in enumerate(remittances):
        if rem.trace_number:
            key = (payer_identity(rem)[0], rem.trace_number, rem.payment_date)
            groups.setdefault(key, []).append((position, rem))
    out = []
    for copies in groups.values():
        if len(copies) < 2:
            continue
        latest = max(copies, key=lambda pr: (_when(pr[1]), pr[0]))[1]
        for _, rem in copies:
            if rem is latest:
                continue
            changed = changes(rem, latest)
            if changed:
                out.append(Resend(rem, latest, tuple(changed)))
    return out


def latest_only(results: Sequence[ParseResult]) -> tuple[list[ParseResult], list[Resend]]:
    """``results`` without the remittances a later copy of the same check replaces."""
    found = resends([rem for r in results for rem in r.remittances])
    dropped = {id(r.earlier) for r in found}
    if not dropped:
        return list(results), found
    kept = [
        r._replace(remittances=tuple(rem for rem in r.remittances if id(rem) not in dropped))
        for r in results
    ]
    return kept, found
