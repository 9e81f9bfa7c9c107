"""Storing what an 835 file says: its remittances, claim payments, lines and adjustments.

:func:`plan_remittances` turns a parsed file into rows (pure, no database); :func:`write_file`
writes them in the caller's transaction. Two keys make imports idempotent and stop double
counting:

* a file is known by the SHA-256 of its bytes: the same file again is "already imported";
* a claim payment is known by its payer (id, else name), the payment's trace number (TRN02),
  the payer's claim number (CLP07), the practice's claim number (CLP01) and a hash of the
  claim's content (every element, but not the segment numbers or envelope, which differ when
  a payer re-sends it in another file). The same claim payment arriving in a second file is
  stored once, and ``claim_sources`` records every file that carried it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select

from recoup.denials import denied_items
from recoup.lineage import ORIGINAL, REVERSAL, original_reference
from recoup.money import ZERO
from recoup.payers import payer_identity
from recoup.records import ClaimPayment, Remittance
from recoup.store.bulk import BulkTable, IdSource
from recoup.store.claim_json import claim_json, content_digest
from recoup.store.lineage import relink
from recoup.store.tables import (
    adjustments,
    claim_sources,
    claims,
    remittances,
    service_lines,
    source_files,
)
from recoup.x12 import ParseResult

__all__ = [
    "ClaimPlan",
    "FileCounts",
    "RemittancePlan",
    "content_hash",
    "iter_plans",
    "plan_remittances",
    "write_file",
]

_CHUNK = 500
_BATCH = 5000  # new claims written per round: memory stays flat however big the file


class ClaimPlan(NamedTuple):
    key: str
    group: tuple[str, str]  # (payer key, CLP01): the claims linked as one lineage
    row: dict[str, Any]
    lines: list[tuple[dict[str, Any], list[dict[str, Any]]]]  # line row, its adjustments
    adjustments: list[dict[str, Any]]  # claim-level
    denials: int
    segment: int


class RemittancePlan(NamedTuple):
    key: str
    row: dict[str, Any]
    claims: list[ClaimPlan]


class FileCounts(NamedTuple):
    claims: int  # claim payments in the file
    new_claims: int
    known_claims: int  # already stored from another file
    denials: int  # denied lines (or claims) among the new claims
    relinked: int  # claims whose reversal links changed
    repeated: int = 0  # claim loops identical to an earlier one in the same file: stored once
    repeats: tuple[tuple[int, int, str], ...] = ()  # (segment, first segment, CLP01) of each


def content_hash(value: Any) -> str:
    """SHA-256 of a record's content, leaving out where it sat in its file."""
    return content_digest(value)


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def plan_remittances(result: ParseResult) -> list[RemittancePlan]:
    return list(iter_plans(result))


def iter_plans(result: ParseResult) -> Iterator[RemittancePlan]:
    """The rows of each remittance, one remittance at a time (for :func:`write_file`)."""
    for remit in result.remittances:
        payer_key, payer_id, payer_name = payer_identity(remit)
        claim_plans = [_plan_claim(claim, remit, payer_key) for claim in remit.claims]
        header = content_digest(remit._replace(claims=()))
        digest = _key(header, *(c.row["content_hash"] for c in claim_plans))
        key = _key(payer_key, remit.trace_number, digest)
        row: dict[str, Any] = {
            "remittance_key": key,
            "payer_key": payer_key,
            "payer_id": payer_id,
            "payer_name": payer_name,
            "payee_id": remit.payee.id,
            "payee_name": remit.payee.name,
            "trace_number": remit.trace_number,
            "trace_originator": remit.trace_originator,
            "handling_code": remit.handling_code,
            "credit_debit": remit.credit_debit,
            "payment_method": remit.payment_method,
            "payment_amount": remit.payment_amount,
            "payment_date": remit.payment_date,
            "production_date": remit.production_date,
            "control_number": remit.control_number,
            "segment": remit.segment,
        }
        yield RemittancePlan(key, row, claim_plans)


def _plan_claim(claim: ClaimPayment, remit: Remittance, payer_key: str) -> ClaimPlan:
    detail, digest = claim_json(claim)
    key = _key(
        payer_key, remit.trace_number, claim.payer_claim_id, claim.patient_control_number, digest
    )
    denied = list(denied_items(claim))
    denied_total = ZERO
    for item in denied:
        denied_total += item.amount
    codes = dict.fromkeys(adj.key for item in denied for adj in item.adjustments)
    patient = claim.patient
    row = {
        "claim_key": key,
        "content_hash": digest,
        "payer_key": payer_key,
        "payer_name": remit.payer.name,
        "trace_number": remit.trace_number,
        "patient_control_number": claim.patient_control_number,
        "payer_claim_id": claim.payer_claim_id,
        "original_reference": original_reference(claim),
        "status": claim.status,
        "charge": claim.charge,
        "paid": claim.paid,
        "patient_responsibility": claim.patient_responsibility,
        "denied": denied_total,
        "denial_codes": " ".join(codes),
        "filing_indicator": claim.filing_indicator,
        "frequency": claim.frequency,
        "patient_name": patient.display_name if patient else "",
        "member_id": patient.id if patient else "",
        "service_date": claim.service_date,
        "notice_date": remit.notice_date,
        "segment": claim.segment,
        "detail": detail,
        "lineage": REVERSAL if claim.is_reversal else ORIGINAL,
    }
    lines = []
    for position, line in enumerate(claim.lines, start=1):
        line_row = {
            "position": position,
            "qualifier": line.procedure.qualifier,
            "procedure_code": line.procedure.code,
            "modifiers": " ".join(line.procedure.modifiers),
            "charge": line.charge,
            "paid": line.paid,
            "units": line.units,
            "allowed": line.allowed,
            "service_date": line.date_of_service,
            "control_number": line.control_number or "",
            "remarks": " ".join(line.remarks),
        }
        lines.append((line_row, _adjustment_rows(line.adjustments)))
    return ClaimPlan(
        key,
        (payer_key, claim.patient_control_number),
        row,
        lines,
        _adjustment_rows(claim.adjustments),
        len(denied),
        claim.segment,
    )


_ADJUSTMENT_COLUMNS = ("position", "group_code", "reason_code", "amount", "quantity")


def _adjustment_rows(items: Any) -> list[dict[str, Any]]:
    """Each CAS triplet's row (the keys in the order of ``_ADJUSTMENT_COLUMNS``)."""
    return [
        {
            "position": position,
            "group_code": adj.group,
            "reason_code": adj.reason,
            "amount": adj.amount,
            "quantity": adj.quantity,
        }
        for position, adj in enumerate(items, start=1)
    ]


def write_file(
    conn: Connection, sha256: str, name: str, size: int, plans: Iterable[RemittancePlan]
) -> FileCounts:
    """Write one parsed 835 file in the caller's (writer's) transaction. ``plans`` may be a
    generator: each remittance is planned, written and let go before the next."""
    file_id = conn.execute(
        insert(source_files).returning(source_files.c.id),
        {
            "sha256": sha256,
            "kind": "835",
            "name": name,
            "size": size,
            "imported_at": datetime.now(UTC),
        },
    ).scalar_one()
    writer = _ClaimWriter(conn, file_id)
    total = new = known = denials = 0
    groups: set[tuple[str, str]] = set()
    repeats: list[tuple[int, int, str]] = []
    for plan in plans:
        remit_id = conn.scalar(
            select(remittances.c.id).where(remittances.c.remittance_key == plan.key)
        )
        if remit_id is None:
            remit_id = conn.execute(
                insert(remittances).returning(remittances.c.id),
                {**plan.row, "source_file_id": file_id},
            ).scalar_one()
        for start in range(0, len(plan.claims), _BATCH):
            batch = plan.claims[start : start + _BATCH]
            found = _existing_claims(conn, [c.key for c in batch])
            fresh: dict[str, ClaimPlan] = {}
            for claim in batch:
                if claim.key in fresh:
                    first = fresh[claim.key].segment
                elif claim.key in found:
                    claim_id, first = found[claim.key]
                    if not writer.wrote(claim_id) and claim.key not in writer.known:
                        writer.known.add(claim.key)
                        known += 1
                        continue
                else:
                    fresh[claim.key] = claim
                    continue
                repeats.append((claim.segment, first, claim.group[1]))
            ids = {key: claim_id for key, (claim_id, _) in found.items()}
            ids.update(_insert_claims(writer, remit_id, list(fresh.values())))
            writer.sources((ids[c.key], c.segment, remit_id) for c in batch)
            total += len(batch)
            new += len(fresh)
            denials += sum(c.denials for c in fresh.values())
            groups.update(c.group for c in fresh.values())
    relinked = relink(conn, groups)
    return FileCounts(total, new, known, denials, relinked, len(repeats), tuple(repeats))


class _ClaimWriter:
    """The per-file state of :func:`write_file`: where its ids start, its claim sources."""

    def __init__(self, conn: Connection, file_id: int) -> None:
        self.conn = conn
        self.file_id = file_id
        self.id_source = IdSource(conn)
        self.first_claim_id: int | None = None  # the claims from here on are this file's
        self.known: set[str] = set()  # keys of claims stored before: a re-sent file's own
        self._sources = BulkTable(
            conn, claim_sources, ("claim_id", "source_file_id", "segment", "remittance_id")
        )

    def wrote(self, claim_id: int) -> bool:
        """Whether this file stored the claim (ids only grow: the writer lock is held)."""
        return self.first_claim_id is not None and claim_id >= self.first_claim_id

    def sources(self, rows: Iterable[tuple[int, int, int]]) -> None:
        """Every file that carried a claim, at each segment it was (repeats included)."""
        self._sources.write([(c, self.file_id, s, r) for c, s, r in rows])


def _existing_claims(conn: Connection, keys: list[str]) -> dict[str, tuple[int, int]]:
    """Stored claims by key: (id, segment)."""
    found: dict[str, tuple[int, int]] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _CHUNK):
        query = select(claims.c.claim_key, claims.c.id, claims.c.segment).where(
            claims.c.claim_key.in_(unique[start : start + _CHUNK])
        )
        found.update({row.claim_key: (row.id, row.segment) for row in conn.execute(query)})
    return found


def _insert_claims(writer: _ClaimWriter, remit_id: int, plans: list[ClaimPlan]) -> dict[str, int]:
    """Write these new claims with their lines and adjustments (ids taken up front, rows in
    bulk: :mod:`recoup.store.bulk`); their ids by claim key."""
    if not plans:
        return {}
    conn, source = writer.conn, writer.id_source
    claim_ids = source.take(claims, len(plans))
    if writer.first_claim_id is None:
        writer.first_claim_id = claim_ids[0]
    claim_rows = [
        (claim_id, remit_id, *plan.row.values())
        for claim_id, plan in zip(claim_ids, plans, strict=True)
    ]
    line_ids = iter(source.take(service_lines, sum(len(plan.lines) for plan in plans)))
    line_rows: list[tuple[Any, ...]] = []
    adjustment_rows: list[tuple[Any, ...]] = []
    for claim_id, plan in zip(claim_ids, plans, strict=True):
        adjustment_rows += [(claim_id, None, *a.values()) for a in plan.adjustments]
        for line_row, adjs in plan.lines:
            line_id = next(line_ids)
            line_rows.append((line_id, claim_id, *line_row.values()))
            adjustment_rows += [(claim_id, line_id, *a.values()) for a in adjs]
    adjustment_ids = source.take(adjustments, len(adjustment_rows))
    BulkTable(conn, claims, ("id", "remittance_id", *plans[0].row)).write(claim_rows)
    if line_rows:
        first_line = next(line for plan in plans for line, _ in plan.lines)
        BulkTable(conn, service_lines, ("id", "claim_id", *first_line)).write(line_rows)
    if adjustment_rows:
        columns = ("id", "claim_id", "line_id", *_ADJUSTMENT_COLUMNS)
        BulkTable(conn, adjustments, columns).write(
            [(i, *row) for i, row in zip(adjustment_ids, adjustment_rows, strict=True)]
        )
    return {plan.key: claim_id for plan, claim_id in zip(plans, claim_ids, strict=True)}
