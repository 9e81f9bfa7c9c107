"""The worklist in the store: triage what the store holds, keep one row per denial, page it.

:func:`triage_store` re-triages the store's remittances per practice (see :mod:`.sources`);
:func:`refresh` writes the result into ``denials``, keyed by (practice key, denial id):

* a denial the store has not seen is inserted (status ``open``);
* a known denial gets the triage's latest lane, reasons, evidence and deadline, and keeps its
  workflow (status, sent, outcome): what the biller did survives every refresh;
* an open denial that triage no longer finds (a later remittance reversed or paid the claim) is
  closed with ``closed_by = "remittance"``, and opened again if it comes back.

A denial id is the triage's (``CLP01-<line>@CLP07``); when two denials of one practice share it
(the same claim denied again in another remittance), the later ones get ``#2``, ``#3``, ... in
worklist order.

Paging the rows and the biller's actions are in :mod:`recoup.store.worklist_query`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    insert,
    select,
    update,
)

from recoup.practice import Practice
from recoup.records import ClaimPayment
from recoup.store.denial_rows import CLOSED_BY_REMITTANCE, NO_DEADLINE, DenialRow, cents
from recoup.store.engine import reading, writing
from recoup.store.sources import NO_PRACTICE, load_practice, practice_sources, read_results
from recoup.store.tables import claims, denials, remittances
from recoup.triage import WorkItem, Worklist, triage
from recoup.triage.facts import payer_id_of
from recoup.x12 import ParseResult

__all__ = [
    "RefreshResult",
    "StoreTriage",
    "item_values",
    "merged",
    "refresh",
    "search_values",
    "triage_claim",
    "triage_one",
    "triage_store",
]


# -- triage from the store -----------------------------------------------------------------------


class StoreTriage(NamedTuple):
    worklists: dict[str, Worklist]  # practice key ("" = none) -> its worklist
    practices: dict[str, Practice | None]
    missing_files: tuple[str, ...]  # imported before the store kept bytes: re-import them


def _claim_patients(practice: Practice | None) -> dict[str, str]:
    """CLP01 -> patient id, from visits.csv (the first row of each claim), as triage does."""
    out: dict[str, str] = {}
    if practice is not None:
        for visit in practice.visits:
            out.setdefault(visit.claim_id, visit.patient_id)
    return out


def triage_store(conn: Connection, today: date, keys: Iterable[str] | None = None) -> StoreTriage:
    """Triage every practice (or those ``keys`` names) from what the store holds."""
    worklists: dict[str, Worklist] = {}
    found: dict[str, Practice | None] = {}
    missing: list[str] = []
    for key, sources in practice_sources(conn, keys).items():
        results, lacking = read_results(conn, sources)
        missing += lacking
        practice = found[key] = load_practice(conn, key) if key != NO_PRACTICE else None
        worklists[key] = triage(results, practice, today)
    return StoreTriage(worklists, found, tuple(dict.fromkeys(missing)))


def merged(worklists: Iterable[Worklist], today: date) -> Worklist:
    """Several practices' worklists as one, in triage's order (deadline, then dollars)."""
    items = [item for worklist in worklists for item in worklist.items]
    items.sort(
        key=lambda i: (
            0 if i.deadline.date else 1,
            i.deadline.date or date.max,
            -i.denied_amount,
        )
    )
    return Worklist(tuple(items), today)


def _patient_key(claim_patients: dict[str, str], claim: ClaimPayment) -> str:
    pid = claim_patients.get(claim.patient_control_number)
    if pid is not None:
        return f"id:{pid}"
    member = claim.patient.id if claim.patient else ""
    return f"member:{member}" if member else f"claim:{claim.patient_control_number}"


def _patient_worklist(conn: Connection, row: DenialRow, today: date) -> Worklist | None:
    """Triage just the patient of one stored denial (their claims are the rule's history)."""
    practice = load_practice(conn, row.practice_key) if row.practice_key else None
    claim_patients = _claim_patients(practice)
    sources = practice_sources(conn, [row.practice_key]).get(row.practice_key)
    if sources is None:
        return None
    accounts = {row.patient_account}
    if row.patient_id is not None:
        accounts |= {c for c, p in claim_patients.items() if p == row.patient_id}
    else:  # no practice row for the patient: the member id, within this practice's files
        mine = select(remittances.c.id).where(remittances.c.source_file_id.in_(list(sources.files)))
        in_practice = claims.c.remittance_id.in_(mine)
        member = conn.scalar(
            select(claims.c.member_id).where(
                claims.c.patient_control_number == row.patient_account, in_practice
            )
        )
        if member:
            accounts |= set(
                conn.scalars(
                    select(claims.c.patient_control_number).where(
                        claims.c.member_id == member, in_practice
                    )
                )
            )
    remit_ids: set[int] = set()
    for chunk in _chunked(sorted(accounts)):
        query = (
            select(claims.c.remittance_id)
            .where(claims.c.patient_control_number.in_(chunk))
            .distinct()
        )
        remit_ids.update(conn.scalars(query))
    files = _remittance_files(conn, remit_ids)  # only the files with this patient's claims
    sources = sources._replace(files={f: s for f, s in sources.files.items() if f in files})
    results, _ = read_results(conn, sources)
    target = None
    for result in results:
        for remit in result.remittances:
            for claim in remit.claims:
                if (claim.patient_control_number, claim.payer_claim_id) == (
                    row.patient_account,
                    row.payer_claim_id,
                ):
                    target = _patient_key(claim_patients, claim)
    if target is None:
        return None
    narrowed = [_only_patient(r, claim_patients, target) for r in results]
    return triage(narrowed, practice, today)


def triage_one(conn: Connection, row: DenialRow, today: date) -> WorkItem | None:
    """The stored denial's work item, triaged again with its context (for letters)."""
    worklist = _patient_worklist(conn, row, today)
    if worklist is None:
        return None
    base, _, nth = row.denial_id.partition("#")
    matches = [item for item in worklist.items if item.denial_id == base]
    index = int(nth) - 1 if nth.isdigit() else 0
    return matches[index] if index < len(matches) else None


def triage_claim(conn: Connection, row: DenialRow, today: date) -> list[WorkItem]:
    """The work items of the stored denial's claim in its lane (one packet's worth), from one
    triage of the patient; the denial itself first."""
    worklist = _patient_worklist(conn, row, today)
    if worklist is None:
        return []
    base = row.denial_id.partition("#")[0]
    same = [
        item
        for item in worklist.items
        if (item.patient_account, item.payer_claim_id, item.lane)
        == (row.patient_account, row.payer_claim_id, row.lane)
    ]
    return sorted(same, key=lambda item: item.denial_id != base)


def _chunked(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _remittance_files(conn: Connection, remittance_ids: set[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunked(sorted(remittance_ids)):
        out.update(
            conn.scalars(
                select(remittances.c.source_file_id).where(remittances.c.id.in_(chunk)).distinct()
            )
        )
    return out


def _only_patient(result: ParseResult, claim_patients: dict[str, str], key: str) -> ParseResult:
    remits = []
    for remit in result.remittances:
        mine = tuple(c for c in remit.claims if _patient_key(claim_patients, c) == key)
        if mine:
            remits.append(remit._replace(claims=mine))
    return result._replace(remittances=tuple(remits))


# -- refresh -------------------------------------------------------------------------------------


class RefreshResult(NamedTuple):
    new: int
    updated: int  # triage changed its lane, reasons, evidence or deadline
    closed_elsewhere: int  # open denials triage no longer finds (reversed or paid since)
    reopened: int = 0  # closed by a remittance before, found again
    unchanged: int = 0
    missing_files: tuple[str, ...] = ()  # no stored bytes: re-import these files to triage them


_TRIAGE_COLUMNS = (
    "patient_account",
    "payer_claim_id",
    "payer_id",
    "payer_name",
    "patient_name",
    "patient_id",
    "service_date",
    "notice_date",
    "code",
    "modifiers",
    "group_code",
    "reason_code",
    "remark_codes",
    "denied_amount",
    "amount_cents",
    "category",
    "lane",
    "reasons",
    "evidence",
    "action",
    "missing",
    "deadline",
    "sort_deadline",
    "deadline_basis",
    "rule",
    "file",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def item_values(
    item: WorkItem, claim_patients: dict[str, str], denial_id: str | None = None
) -> dict[str, Any]:
    """The triage columns of a work item's row (without its key)."""
    ctx = item.context
    remit = ctx.remittance if ctx is not None else None
    values: dict[str, Any] = {
        "patient_account": item.patient_account,
        "payer_claim_id": item.payer_claim_id,
        "payer_id": payer_id_of(remit) if remit is not None else "",
        "payer_name": item.payer_name,
        "patient_name": item.patient_name,
        "patient_id": claim_patients.get(item.patient_account),
        "service_date": item.service_date,
        "notice_date": remit.notice_date if remit is not None else None,
        "code": item.code,
        "modifiers": " ".join(item.modifiers),
        "group_code": item.group_code,
        "reason_code": item.reason_code,
        "remark_codes": " ".join(item.remark_codes),
        "denied_amount": item.denied_amount,
        "amount_cents": cents(item.denied_amount),
        "category": item.category,
        "lane": item.lane,
        "reasons": _dumps(list(item.reasons)),
        "evidence": _dumps([{"source": e.source, "fact": e.fact} for e in item.evidence]),
        "action": item.action,
        "missing": _dumps(list(item.missing)),
        "deadline": item.deadline.date,
        "sort_deadline": item.deadline.date or NO_DEADLINE,
        "deadline_basis": item.deadline.basis,
        "rule": item.rule,
        "file": item.file,
    }
    digest = hashlib.sha256(
        _dumps(
            [str(values[c]) if values[c] is not None else None for c in _TRIAGE_COLUMNS]
        ).encode()
    ).hexdigest()
    values["triage_hash"] = digest
    values.update(search_values({**values, "denial_id": denial_id or item.denial_id}))
    return values


SEARCH_PATIENT = ("patient_name", "patient_account", "patient_id")
SEARCH_ALL = (
    "patient_name",
    "patient_account",
    "payer_claim_id",
    "payer_name",
    "code",
    "reason_code",
    "denial_id",
    "action",
)


def search_values(values: dict[str, Any]) -> dict[str, Any]:
    """The derived columns the worklist filters and orders by: one lower-cased string per
    search (a LIKE on one column scans far faster than lower() on eight) and the negated amount
    (so "deadline, then largest first" is one ascending index on SQLite and PostgreSQL)."""

    def joined(columns: tuple[str, ...]) -> str:
        return " ".join(str(values.get(c) or "") for c in columns).lower()

    return {
        "search_patient": joined(SEARCH_PATIENT),
        "search_all": joined(SEARCH_ALL),
        "neg_amount_cents": -int(values["amount_cents"]),
    }


def _keyed(triaged: StoreTriage) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for key, worklist in triaged.worklists.items():
        claim_patients = _claim_patients(triaged.practices[key])
        seen: dict[str, int] = {}
        for item in worklist.items:
            base = item.denial_id
            seen[base] = seen.get(base, 0) + 1
            did = base if seen[base] == 1 else f"{base}#{seen[base]}"
            out[(key, did)] = item_values(item, claim_patients, did)
    return out


def refresh(engine: Engine, today: date, keys: Iterable[str] | None = None) -> RefreshResult:
    """Triage the store (all practices, or those ``keys`` names) and upsert ``denials``."""
    wanted = None if keys is None else set(keys)
    with reading(engine) as conn:
        triaged = triage_store(conn, today, wanted)
        fresh = _keyed(triaged)
    groups = set(triaged.worklists) if wanted is None else wanted | set(triaged.worklists)
    now = datetime.now(UTC)
    with writing(engine) as conn:
        query = select(
            denials.c.id,
            denials.c.practice_key,
            denials.c.denial_id,
            denials.c.triage_hash,
            denials.c.status,
            denials.c.closed_by,
        )
        if wanted is not None:
            query = query.where(denials.c.practice_key.in_(sorted(groups)))
        existing = {(r.practice_key, r.denial_id): r for r in conn.execute(query)}
        vanished = {k: r for k, r in existing.items() if k not in fresh}
        # a denial that moved to another practice (its practice was imported after the 835)
        moved_from = {did: k for k, did in ((k, k[1]) for k in vanished)}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        new = updated = reopened = unchanged = 0
        for (key, did), values in fresh.items():
            row = existing.get((key, did))
            if row is None and did in moved_from:
                old = vanished.pop(moved_from.pop(did))
                updates.append({**values, "_id": old.id, "practice_key": key, "updated_at": now})
                updated += 1
                continue
            if row is None:
                inserts.append(
                    {
                        **values,
                        "practice_key": key,
                        "denial_id": did,
                        "triaged_on": today,
                        "first_seen": now,
                        "status": "open",
                        "updated_at": now,
                    }
                )
                new += 1
                continue
            change: dict[str, Any] = {}
            if row.triage_hash != values["triage_hash"]:
                change.update(values, triaged_on=today)
                updated += 1
            if row.status == "closed" and row.closed_by == CLOSED_BY_REMITTANCE:
                change.update(status="open", closed_by=None)
                reopened += 1
            if change:
                updates.append({**change, "_id": row.id, "updated_at": now})
            else:
                unchanged += 1
        closed = [r.id for r in vanished.values() if r.status != "closed"]
        if inserts:
            conn.execute(insert(denials), inserts)
        for batch in _by_columns(updates):
            columns = [c for c in batch[0] if c != "_id"]
            stmt = (
                update(denials)
                .where(denials.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in columns})
            )
            conn.execute(stmt, batch)
        for chunk in _chunked(closed):
            conn.execute(
                update(denials)
                .where(denials.c.id.in_(chunk))
                .values(status="closed", closed_by=CLOSED_BY_REMITTANCE, updated_at=now)
            )
    return RefreshResult(new, updated, len(closed), reopened, unchanged, triaged.missing_files)


def _by_columns(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """executemany needs the same columns in every row of a batch."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
