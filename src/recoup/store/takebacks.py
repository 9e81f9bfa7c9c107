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
from typing import Any, NamedTuple

from sqlalchemy import Connection, or_, select, update

from recoup.money import ZERO
from recoup.store.tables import (
    claim_sources,
    claims,
    provider_adjustments,
    remittances,
    source_files,
)
from recoup.takebacks import Reconciliation, ReferenceIndex, reason_words

__all__ = [
    "CheckAdjustment",
    "Recoupment",
    "RemittanceView",
    "link_stored",
    "recoupments_of",
    "remittance_of",
    "remittance_view",
]

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


# -- one stored remittance as a person checks it against the deposit --------------------------


class CheckAdjustment(NamedTuple):
    """One PLB pair of a stored remittance, with the claim its reference names (if any)."""

    position: int  # 1-based among the remittance's PLB pairs
    reason: str  # PLB03-1
    words: str  # what the reason code means
    reference: str  # PLB03-2 as sent
    amount: Decimal  # positive lowers the check
    segment: int
    claim: str  # CLP01 of the linked claim; "" when the reference names none found
    link_rule: str


class RemittanceView(NamedTuple):
    """A stored check: its PLB rows and sum(CLP04) - sum(PLB) against BPR02, as sent."""

    id: int
    payer_name: str
    trace_number: str  # TRN02
    payment_date: date | None  # BPR16
    file: str
    superseded: bool  # a later copy of the same check replaced it (recoup.resends)
    claim_count: int
    adjustments: tuple[CheckAdjustment, ...]
    reconciliation: Reconciliation

    def to_dict(self) -> dict[str, Any]:
        rec = self.reconciliation
        return {
            "id": self.id,
            "payer_name": self.payer_name,
            "trace_number": self.trace_number,
            "payment_date": self.payment_date.isoformat() if self.payment_date else None,
            "file": self.file,
            "superseded": self.superseded,
            "claims": self.claim_count,
            "provider_adjustments": [
                {
                    "position": a.position,
                    "reason": a.reason,
                    "reason_words": a.words,
                    "reference": a.reference,
                    "amount": str(a.amount),
                    "segment": a.segment,
                    "claim": a.claim or None,
                    "link_rule": a.link_rule or None,
                }
                for a in self.adjustments
            ],
            "reconciliation": {
                "claims_paid": str(rec.claims_paid),
                "provider_adjustments": str(rec.provider_adjustments),
                "expected": str(rec.expected),
                "payment": None if rec.payment is None else str(rec.payment),
                "difference": None if rec.difference is None else str(rec.difference),
                "status": rec.status,
                "words": rec.words(),
            },
        }


def remittance_view(conn: Connection, remittance_id: int) -> RemittanceView | None:
    """The stored remittance ``remittance_id``; the claim payments summed are those of the file
    it was first imported from (one copy of each CLP, as the check lists them)."""
    r = conn.execute(
        select(remittances, source_files.c.name.label("file_name"))
        .join(source_files, source_files.c.id == remittances.c.source_file_id)
        .where(remittances.c.id == remittance_id)
    ).first()
    if r is None:
        return None
    paid, listed = ZERO, 0
    for (amount,) in conn.execute(
        select(claims.c.paid)
        .select_from(claim_sources.join(claims, claims.c.id == claim_sources.c.claim_id))
        .where(
            claim_sources.c.remittance_id == remittance_id,
            claim_sources.c.source_file_id == r.source_file_id,
        )
    ):
        paid += amount
        listed += 1
    pa = provider_adjustments.c
    rows = conn.execute(
        select(
            pa.position,
            pa.reason_code,
            pa.reference,
            pa.amount,
            pa.segment,
            pa.link_rule,
            claims.c.patient_control_number,
        )
        .outerjoin(claims, claims.c.id == pa.claim_id)
        .where(pa.remittance_id == remittance_id)
        .order_by(pa.position)
    ).all()
    adjustments = tuple(
        CheckAdjustment(
            a.position,
            a.reason_code,
            reason_words(a.reason_code),
            a.reference,
            a.amount,
            a.segment,
            a.patient_control_number or "",
            a.link_rule,
        )
        for a in rows
    )
    plb = ZERO
    for adj in adjustments:
        plb += adj.amount
    payment = r.payment_amount
    if payment is not None and r.credit_debit.strip().upper() == "D":
        payment = -payment
    return RemittanceView(
        r.id,
        r.payer_name,
        r.trace_number,
        r.payment_date,
        r.file_name,
        r.superseded_by_id is not None,
        listed,
        adjustments,
        Reconciliation(paid, plb, payment),
    )


def remittance_of(
    conn: Connection, *, claim_id: int | None = None, trace_number: str = "", payer_name: str = ""
) -> int | None:
    """The stored remittance that carries ``claim_id``, else the current (not superseded) one
    with that trace number and payer name (a takeback review names its check so)."""
    if claim_id is not None:
        return conn.scalar(select(claims.c.remittance_id).where(claims.c.id == claim_id))
    if not trace_number:
        return None
    return conn.scalar(
        select(remittances.c.id)
        .where(
            remittances.c.trace_number == trace_number,
            remittances.c.payer_name == payer_name,
            remittances.c.superseded_by_id.is_(None),
        )
        .order_by(remittances.c.id.desc())
        .limit(1)
    )
