"""Linking stored PLB rows to stored claims, and reading them back for a claim or remittance.

The reference rules are :mod:`recoup.takebacks`'s; here they run against the store: after each
835 import, every PLB row of the file's payers that names no claim yet is tried again, so a
takeback imported before the payment it recovers links once that payment arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, or_, select, update

from recoup.store.tables import claims, provider_adjustments, remittances
from recoup.takebacks import ReferenceIndex

__all__ = ["Recoupment", "link_stored", "recoupments_of"]

_WORDS = re.compile(r"[\s\-/*:]+")


def _candidates(reference: str) -> list[str]:
    ref = reference.strip()
    words = [w for w in _WORDS.split(ref) if w]
    prefixes = [ref[:n] for n in range(6, len(ref) + 1)]
    return list(dict.fromkeys([ref, *words, *prefixes]))


def link_stored(conn: Connection, payer_keys: Iterable[str]) -> int:
    """Link the unlinked PLB rows of ``payer_keys``; the number newly linked."""
    keys = sorted(set(payer_keys))
    if not keys:
        return 0
    open_rows = conn.execute(
        select(
            provider_adjustments.c.id,
            provider_adjustments.c.reference,
            remittances.c.payer_key,
            remittances.c.trace_number,
        )
        .join(remittances, remittances.c.id == provider_adjustments.c.remittance_id)
        .where(
            remittances.c.payer_key.in_(keys),
            provider_adjustments.c.claim_id.is_(None),
            provider_adjustments.c.reference != "",
        )
    ).all()
    linked = 0
    for row in open_rows:
        names = _candidates(row.reference)
        index: ReferenceIndex[int] = ReferenceIndex()
        for claim in conn.execute(
            select(claims.c.id, claims.c.payer_claim_id, claims.c.patient_control_number).where(
                claims.c.payer_key == row.payer_key,
                or_(claims.c.payer_claim_id.in_(names), claims.c.patient_control_number.in_(names)),
            )
        ):
            index.add(claim.id, claim.payer_claim_id, claim.patient_control_number)
        for trace in conn.scalars(
            select(remittances.c.trace_number).where(
                remittances.c.payer_key == row.payer_key,
                remittances.c.trace_number == row.reference.strip(),
            )
        ):
            index.add_trace(trace)
        match = index.match(row.reference, row.trace_number)
        if not match.rule:
            continue
        claim_id = max(match.found) if match.found else None  # the latest payment of that number
        conn.execute(
            update(provider_adjustments)
            .where(provider_adjustments.c.id == row.id)
            .values(claim_id=claim_id, link_rule=match.rule)
        )
        linked += claim_id is not None
    return linked


class Recoupment(NamedTuple):
    """A PLB row as a claim's history shows it."""

    claim_id: int | None
    on: date | None  # the check's notice date (BPR16, else DTM*405)
    reason: str
    reference: str
    amount: Decimal  # positive: taken back
    trace_number: str
    link_rule: str


def recoupments_of(conn: Connection, claim_ids: Iterable[int]) -> list[Recoupment]:
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    rows = conn.execute(
        select(
            provider_adjustments.c.claim_id,
            provider_adjustments.c.reason_code,
            provider_adjustments.c.reference,
            provider_adjustments.c.amount,
            provider_adjustments.c.link_rule,
            remittances.c.trace_number,
            remittances.c.payment_date,
            remittances.c.production_date,
        )
        .join(remittances, remittances.c.id == provider_adjustments.c.remittance_id)
        .where(provider_adjustments.c.claim_id.in_(ids))
        .order_by(provider_adjustments.c.id)
    )
    return [
        Recoupment(
            r.claim_id,
            r.payment_date or r.production_date,
            r.reason_code,
            r.reference,
            r.amount,
            r.trace_number,
            r.link_rule,
        )
        for r in rows
    ]
