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
import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select

from recoup.denials import denied_items
from recoup.jsonout import dumps, to_jsonable
from recoup.lineage import ORIGINAL, REVERSAL, original_reference
from recoup.money import ZERO
from recoup.payers import payer_identity
from recoup.records import ClaimPayment, Remittance
from recoup.store.lineage import relink
from recoup.store.resends import supersede
from recoup.store.tables import (
    adjustments,
    claim_sources,
    claims,
    provider_adjustments,
    remittances,
    service_lines,
    source_files,
)
from recoup.store.takebacks import link_stored
from recoup.x12 import ParseResult

__all__ = ["ClaimPlan", "FileCounts", "RemittancePlan", "plan_remittances", "write_file"]

# Fields that say where a record sat in one file, not what it says.
_PLACE_FIELDS = frozenset(
    {
        "file",
        "segment",
        "segment_count",
        "control_number",
        "interchange_control",
        "group_control",
        "sender_id",
        "receiver_id",
        "header_number",
    }
)
_CHUNK = 500


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
    provider_adjustments: tuple[dict[str, Any], ...] = ()  # PLB rows (no remittance_id yet)


class FileCounts(NamedTuple):
    claims: int  # claim payments in the file
    new_claims: int
    known_claims: int  # already stored from another file
    denials: int  # denied lines (or claims) among the new claims
    relinked: int  # claims whose reversal links changed
    resent: tuple[str, ...] = ()  # checks sent again with other content (recoup.resends)


def content_hash(value: Any) -> str:
    """SHA-256 of a record's content, leaving out where it sat in its file."""
    text = json.dumps(_content(to_jsonable(value)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _content(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items() if k not in _PLACE_FIELDS}
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def plan_remittances(result: ParseResult) -> list[RemittancePlan]:
    plans = []
    for remit in result.remittances:
        payer_key, payer_id, payer_name = payer_identity(remit)
        claim_plans = [_plan_claim(claim, remit, payer_key) for claim in remit.claims]
        header = content_hash(remit._replace(claims=()))
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
        plans.append(RemittancePlan(key, row, claim_plans, tuple(_plb_rows(remit))))
    return plans


def _plan_claim(claim: ClaimPayment, remit: Remittance, payer_key: str) -> ClaimPlan:
    digest = content_hash(claim)
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
        "detail": dumps(claim, indent=None),
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


def _plb_rows(remit: Remittance) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "provider_id": adj.provider_id,
            "fiscal_period_end": adj.fiscal_period_end,
            "reason_code": adj.reason,
            "reference": adj.reference,
            "amount": adj.amount,
            "segment": adj.segment,
            "claim_id": None,
            "link_rule": "",
        }
        for position, adj in enumerate(remit.provider_adjustments, start=1)
    ]


def _adjustment_rows(items: Any) -> list[dict[str, Any]]:
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
    conn: Connection, sha256: str, name: str, size: int, plans: list[RemittancePlan]
) -> FileCounts:
    """Write one parsed 835 file in the caller's (writer's) transaction."""
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
    total = new = known = denials = 0
    groups: set[tuple[str, str]] = set()
    sources: list[dict[str, Any]] = []
    new_remittances: list[int] = []
    for plan in plans:
        remit_id = conn.scalar(
            select(remittances.c.id).where(remittances.c.remittance_key == plan.key)
        )
        if remit_id is None:
            remit_id = conn.execute(
                insert(remittances).returning(remittances.c.id),
                {**plan.row, "source_file_id": file_id},
            ).scalar_one()
            new_remittances.append(remit_id)
            if plan.provider_adjustments:
                conn.execute(
                    insert(provider_adjustments),
                    [{**r, "remittance_id": remit_id} for r in plan.provider_adjustments],
                )
        ids = _existing_claims(conn, [c.key for c in plan.claims])
        fresh: dict[str, ClaimPlan] = {}
        for claim in plan.claims:
            if claim.key not in ids and claim.key not in fresh:
                fresh[claim.key] = claim
        ids.update(_insert_claims(conn, remit_id, list(fresh.values())))
        for claim in plan.claims:
            sources.append(
                {
                    "claim_id": ids[claim.key],
                    "source_file_id": file_id,
                    "segment": claim.segment,
                    "remittance_id": remit_id,
                }
            )
        total += len(plan.claims)
        new += len(fresh)
        known += len(plan.claims) - len(fresh)
        denials += sum(c.denials for c in fresh.values())
        groups.update(c.group for c in fresh.values())
    if sources:
        conn.execute(insert(claim_sources), sources)
    link_stored(conn, {plan.row["payer_key"] for plan in plans})
    resent = [note for remit_id in new_remittances for note in supersede(conn, remit_id)]
    return FileCounts(total, new, known, denials, relink(conn, groups), tuple(resent))


def _existing_claims(conn: Connection, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _CHUNK):
        query = select(claims.c.claim_key, claims.c.id).where(
            claims.c.claim_key.in_(unique[start : start + _CHUNK])
        )
        found.update({row.claim_key: row.id for row in conn.execute(query)})
    return found


def _insert_claims(conn: Connection, remit_id: int, plans: list[ClaimPlan]) -> dict[str, int]:
    if not plans:
        return {}
    claim_ids = conn.scalars(
        insert(claims).returning(claims.c.id, sort_by_parameter_order=True),
        [{**p.row, "remittance_id": remit_id} for p in plans],
    ).all()
    line_rows, line_adjustments = [], []
    claim_adjustments: list[dict[str, Any]] = []
    for claim_id, plan in zip(claim_ids, plans, strict=True):
        claim_adjustments += [
            {**a, "claim_id": claim_id, "line_id": None} for a in plan.adjustments
        ]
        for line_row, adjs in plan.lines:
            line_rows.append({**line_row, "claim_id": claim_id})
            line_adjustments.append((claim_id, adjs))
    if line_rows:
        line_ids = conn.scalars(
            insert(service_lines).returning(service_lines.c.id, sort_by_parameter_order=True),
            line_rows,
        ).all()
        for line_id, (claim_id, adjs) in zip(line_ids, line_adjustments, strict=True):
            claim_adjustments += [{**a, "claim_id": claim_id, "line_id": line_id} for a in adjs]
    if claim_adjustments:
        conn.execute(insert(adjustments), claim_adjustments)
    return {plan.key: claim_id for plan, claim_id in zip(plans, claim_ids, strict=True)}
