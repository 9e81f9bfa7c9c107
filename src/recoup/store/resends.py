"""The store's side of a payer's change of mind (recoup.resends): a new remittance with the
payer, trace number (TRN02) and payment date (BPR16) of a stored one but other content. The
later copy wins: the earlier one is marked ``superseded_by_id`` and its claims stop counting in
the claim list and
the KPIs (a claim both copies carry is one stored claim, and counts once through the later
copy). Triage works from the files and drops the earlier copy itself (recoup.resends)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, exists, select, update

from recoup.money import display_money
from recoup.store.tables import claim_sources, claims, provider_adjustments, remittances

__all__ = ["counted_claim", "supersede"]


def counted_claim() -> Any:
    """A condition on ``claims``: carried by a remittance no later copy replaced."""
    return exists(
        select(claim_sources.c.claim_id)
        .join(remittances, remittances.c.id == claim_sources.c.remittance_id)
        .where(claim_sources.c.claim_id == claims.c.id, remittances.c.superseded_by_id.is_(None))
    )


def _content(conn: Connection, remit_id: int) -> tuple[Any, dict[tuple[str, str], Any], list[Any]]:
    head = conn.execute(select(remittances).where(remittances.c.id == remit_id)).one()
    found = {
        (r.patient_control_number, r.payer_claim_id): r
        for r in conn.execute(
            select(
                claims.c.patient_control_number,
                claims.c.payer_claim_id,
                claims.c.paid,
                claims.c.status,
                claims.c.content_hash,
            )
            .join(claim_sources, claim_sources.c.claim_id == claims.c.id)
            .where(claim_sources.c.remittance_id == remit_id)
        )
    }
    plb = [
        (r.reason_code, r.reference, r.amount)
        for r in conn.execute(
            select(provider_adjustments)
            .where(provider_adjustments.c.remittance_id == remit_id)
            .order_by(provider_adjustments.c.position)
        )
    ]
    return head, found, plb


def _changes(old: tuple[Any, Any, Any], new: tuple[Any, Any, Any]) -> list[str]:
    (h0, c0, p0), (h1, c1, p1) = old, new
    out = []
    if h0.payment_amount != h1.payment_amount:
        out.append(
            f"payment {display_money(h0.payment_amount)} -> {display_money(h1.payment_amount)}"
        )
    added = [k[0] for k in c1 if k not in c0]
    removed = [k[0] for k in c0 if k not in c1]
    if added:
        out.append("claims added: " + ", ".join(added))
    if removed:
        out.append("claims removed: " + ", ".join(removed))
    for key, was in c0.items():
        now = c1.get(key)
        if now is None or now.content_hash == was.content_hash:
            continue
        if now.paid != was.paid:
            out.append(
                f"claim {key[0]}: paid {display_money(was.paid)} -> {display_money(now.paid)}"
            )
        else:
            out.append(f"claim {key[0]}: adjustments or lines changed")
    if p0 != p1:
        out.append("provider adjustments (PLB) changed")
    return out


def _when(head: Any) -> date:
    return head.production_date or head.payment_date or date.min


def supersede(conn: Connection, remit_id: int) -> list[str]:
    """Mark the copies of this remittance's check that lose to a later one; what changed."""
    new = _content(conn, remit_id)
    head = new[0]
    if not head.trace_number:
        return []
    others = conn.scalars(
        select(remittances.c.id).where(
            remittances.c.payer_key == head.payer_key,
            remittances.c.trace_number == head.trace_number,
            (
                remittances.c.payment_date.is_(None)
                if head.payment_date is None
                else remittances.c.payment_date == head.payment_date
            ),
            remittances.c.superseded_by_id.is_(None),
            remittances.c.id != remit_id,
        )
    ).all()
    notes = []
    for other in others:
        old = _content(conn, other)
        changed = _changes(old, new)
        if not changed:
            continue
        later_is_new = (_when(head), remit_id) > (_when(old[0]), other)
        loser, winner = (other, remit_id) if later_is_new else (remit_id, other)
        conn.execute(
            update(remittances).where(remittances.c.id == loser).values(superseded_by_id=winner)
        )
        kept = "this file's copy is kept" if later_is_new else "the stored later copy is kept"
        notes.append(
            f"check {head.trace_number} of {head.payer_name or 'the payer'} was sent again with "
            f"different content ({'; '.join(changed)}); {kept}, the earlier one no longer counts"
        )
        if not later_is_new:
            break
    return notes
