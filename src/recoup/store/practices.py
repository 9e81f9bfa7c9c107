"""Storing a practice folder: an upsert keyed by the ids the practice itself gave its rows.

The practice is known by its NPI (else its name); each row by its ids within the practice:
a patient by ``patient_id``, a visit by ``claim_id`` and its line number within the claim, an
authorisation by payer and ``auth_number``, and so on (:func:`_row_key`). A row the store does
not have is inserted, a row whose values changed is updated, an unchanged row is left alone,
so importing the same folder again changes nothing. Rows missing from a later export are kept:
an export of the last quarter must not erase the year before it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, insert, select, update

from recoup.practice import PayerInfo, Practice, practice_files
from recoup.store.tables import (
    authorizations,
    benefits,
    coverages,
    documents,
    fee_schedules,
    patient_payments,
    patients,
    payers,
    practices,
    source_files,
    visits,
    waivers,
)

__all__ = ["TableChanges", "folder_digest", "practice_rows", "write_practice"]


class TableChanges(NamedTuple):
    inserted: int
    updated: int


def folder_digest(folder: Path) -> tuple[str, int]:
    """SHA-256 over the folder's practice files (names and bytes), and their total size."""
    digest = hashlib.sha256()
    size = 0
    for name in practice_files(folder):
        path = folder / name
        if path.is_file():
            data = path.read_bytes()
            size += len(data)
            digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest(), size


def _row_key(*parts: object) -> str:
    return json.dumps([str(p) if p is not None else "" for p in parts], ensure_ascii=False)


def _codes(codes: tuple[str, ...]) -> str:
    return " ".join(codes)


def practice_rows(practice: Practice) -> tuple[dict[str, Any], dict[Table, list[dict[str, Any]]]]:
    """The practice's own row, and the rows of each practice table (each with its row_key)."""
    head = {
        "practice_key": practice.key,
        "name": practice.name,
        "npi": practice.npi,
        "tax_id": practice.tax_id,
        "address": practice.address,
        "phone": practice.phone,
        "signer_name": practice.signer_name,
        "signer_title": practice.signer_title,
        "x12_strict": practice.x12_strict,
    }
    rows: dict[Table, list[dict[str, Any]]] = {
        payers: [
            {
                "row_key": _row_key(p.payer_id),
                "source_row": None,  # practice.toml has no rows
                "payer_id": p.payer_id,
                "name": p.name,
                "payer_type": p.type.value if p.type else None,
                "appeal_address": p.appeal_address,
                "appeal_days": p.appeal_days,
                "settings": payer_settings_json(p),
            }
            for p in practice.payers
        ],
        patients: [
            {
                "row_key": _row_key(p.patient_id),
                "source_row": p.row or None,
                "patient_id": p.patient_id,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": p.birth_date,
                "account_number": p.account_number,
            }
            for p in practice.patients
        ],
        coverages: [
            {
                "row_key": _row_key(c.patient_id, c.payer_id, c.rank, c.effective_date),
                "source_row": c.row or None,
                "patient_id": c.patient_id,
                "payer_id": c.payer_id,
                "payer_name": c.payer_name,
                "payer_type": c.payer_type.value,
                "rank": c.rank,
                "member_id": c.member_id,
                "group_number": c.group_number,
                "plan_name": c.plan_name,
                "plan_year_start": str(c.plan_year_start) if c.plan_year_start else None,
                "effective_date": c.effective_date,
                "end_date": c.end_date,
            }
            for c in practice.coverages
        ],
        benefits: [
            {
                "row_key": _row_key(b.patient_id, b.payer_id, b.benefit, b.period),
                "source_row": b.row or None,
                "patient_id": b.patient_id,
                "payer_id": b.payer_id,
                "benefit": b.benefit,
                "limit_amount": b.limit,
                "unit": b.unit.value,
                "period": str(b.period),
                "counts_codes": _codes(b.counts_codes),
                "excludes_codes": _codes(b.excludes_codes),
                "used_elsewhere": b.used_elsewhere,
                "as_of": b.as_of,
            }
            for b in practice.benefits
        ],
        authorizations: [
            {
                "row_key": _row_key(a.payer_id, a.auth_number, _codes(a.codes)),
                "source_row": a.row or None,
                "patient_id": a.patient_id,
                "payer_id": a.payer_id,
                "auth_number": a.auth_number,
                "codes": _codes(a.codes),
                "units": a.units,
                "unit": a.unit.value,
                "per": a.per.value,
                "start_date": a.start_date,
                "end_date": a.end_date,
            }
            for a in practice.authorizations
        ],
        visits: [
            {
                "row_key": _row_key(v.claim_id, v.line),
                "source_row": v.row or None,
                "patient_id": v.patient_id,
                "claim_id": v.claim_id,
                "line": v.line,
                "service_date": v.service_date,
                "code": v.code,
                "modifiers": _codes(v.modifiers),
                "units": v.units,
                "charge": v.charge,
                "start_time": v.start_time,
                "end_time": v.end_time,
                "rendering_provider": v.rendering_provider,
                "supervising_provider": v.supervising_provider,
                "note_ref": v.note_ref,
            }
            for v in practice.visits
        ],
        waivers: [
            {
                "row_key": _row_key(w.patient_id, w.payer_id, w.kind.value, w.signed_date),
                "source_row": w.row or None,
                "patient_id": w.patient_id,
                "payer_id": w.payer_id,
                "kind": w.kind.value,
                "signed_date": w.signed_date,
                "codes": _codes(w.codes),
                "valid_through": w.valid_through,
            }
            for w in practice.waivers
        ],
        documents: [
            {
                "row_key": _row_key(r.file_name),
                "source_row": r.row or None,
                "file_name": r.file_name,
                "patient_id": r.patient_id,
                "service_date": r.service_date,
                "kind": r.kind,
            }
            for r in practice.records
        ],
        fee_schedules: [
            {
                "row_key": _row_key(f.payer_id, f.code, _codes(f.modifiers), f.valid_from),
                "source_row": f.row or None,
                "payer_id": f.payer_id,
                "code": f.code,
                "modifiers": _codes(f.modifiers),
                "allowed": f.allowed,
                "valid_from": f.valid_from,
                "valid_to": f.valid_to,
            }
            for f in practice.fee_schedules
        ],
        patient_payments: [
            {
                "row_key": _row_key(
                    p.paid_on, p.patient_id, p.claim_id, p.amount, p.method.value, p.reference
                ),
                "source_row": p.row or None,
                "paid_on": p.paid_on,
                "patient_id": p.patient_id,
                "claim_id": p.claim_id,
                "amount": p.amount,
                "method": p.method.value,
                "reference": p.reference,
            }
            for p in practice.payments
        ],
    }
    return head, rows


def payer_settings_json(payer: PayerInfo) -> str:
    """The payer's decision settings beyond name, type and appeal window, as stored."""
    return json.dumps(
        {
            "state": payer.state,
            "correction_form": payer.correction_form.value if payer.correction_form else None,
            "co_member_billing": payer.co_member_billing.value,
            "corrected_claim_days": payer.corrected_claim_days,
            "corrected_claim_from": payer.corrected_claim_from,
            "remit_days": payer.remit_days,
            "underpayment_tolerance": (
                str(payer.underpayment_tolerance)
                if payer.underpayment_tolerance is not None
                else None
            ),
            # only when set, so the stored settings of payers without them do not change
            **(
                {"fee_schedule": payer.fee_schedule, "fee_percent": str(payer.fee_percent)}
                if payer.fee_schedule and payer.fee_percent is not None
                else {}
            ),
        },
        sort_keys=True,
    )


def write_practice(
    conn: Connection, practice: Practice, sha256: str, size: int
) -> dict[str, TableChanges]:
    """Upsert the practice in the caller's (writer's) transaction; the changes per table."""
    head, tables = practice_rows(practice)
    changes: dict[str, TableChanges] = {}
    found = conn.execute(
        select(practices).where(practices.c.practice_key == head["practice_key"])
    ).first()
    if found is None:
        practice_id = conn.execute(
            insert(practices).returning(practices.c.id), {**head, "folder": practice.folder}
        ).scalar_one()
        changes["practices"] = TableChanges(1, 0)
    else:
        practice_id = found.id
        differs = any(getattr(found, k) != v for k, v in head.items())
        if differs:
            conn.execute(update(practices).where(practices.c.id == practice_id).values(**head))
        changes["practices"] = TableChanges(0, int(differs))
        if found.folder != practice.folder:  # moved, not changed: not counted as a change
            conn.execute(
                update(practices)
                .where(practices.c.id == practice_id)
                .values(folder=practice.folder)
            )
    for table, rows in tables.items():
        changes[table.name] = _upsert(conn, table, practice_id, rows)
    known = conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256))
    if known is None and any(c.inserted or c.updated for c in changes.values()):
        conn.execute(
            insert(source_files),
            {
                "sha256": sha256,
                "kind": "practice",
                "name": practice.folder,
                "size": size,
                "imported_at": datetime.now(UTC),
            },
        )
    return changes


def _upsert(
    conn: Connection, table: Table, practice_id: int, rows: list[dict[str, Any]]
) -> TableChanges:
    existing = {
        row.row_key: row._mapping
        for row in conn.execute(select(table).where(table.c.practice_id == practice_id))
    }
    fresh: list[dict[str, Any]] = []
    updated = 0
    for row in rows:
        stored = existing.get(row["row_key"])
        if stored is None:
            fresh.append({**row, "practice_id": practice_id})
        elif any(stored[k] != v for k, v in row.items()):
            conn.execute(update(table).where(table.c.id == stored["id"]).values(**row))
            updated += 1
    if fresh:
        conn.execute(insert(table), fresh)
    return TableChanges(len(fresh), updated)
