"""The worklist in the store: one row per denial, triage's latest answer and the workflow.

The store never triages: :mod:`recoup.pipeline` reads the inputs
(:mod:`recoup.store.triage_inputs`), triages them and calls :func:`save`, which writes the
result into ``denials``, keyed by (practice key, denial id), in one transaction:

* a denial the store has not seen is inserted (status ``open``);
* a known denial gets the triage's latest lane, reasons, evidence and deadline, and keeps its
  workflow (status, sent, outcome): what the biller did survives every refresh;
* an open denial that triage no longer finds (a later remittance reversed or paid the claim) is
  closed with ``closed_by = "remittance"``, and opened again if it comes back; when the claim now
  in force pays the denied line, the outcome is recorded with it (won or partly won, the amount,
  the paying remittance: :mod:`recoup.store.outcomes`);
* a denial at appeal level 2 or more keeps that level's deadline (counted from the earlier
  decision), whatever the first level's deadline triage gives.

A denial id is the triage's (``CLP01-<line>@CLP07``); when two denials of one practice share it
(the same claim denied again in another remittance), the later ones get ``#2``, ``#3``, ... in
worklist order.

Paging the rows and the biller's actions are in :mod:`recoup.store.worklist_query`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from recoup.payers import payer_id_of
from recoup.store import outcomes
from recoup.store.denial_rows import CLOSED_BY_REMITTANCE, NO_DEADLINE, cents
from recoup.store.engine import writing
from recoup.store.tables import denials, pending_refreshes
from recoup.store.triage_inputs import PracticeInputs, claim_patients
from recoup.triage.facts import payer_type_of
from recoup.triage.model import WorkItem, Worklist

__all__ = ["RefreshResult", "item_values", "mark_pending", "pending", "save", "search_values"]


def mark_pending(conn: Connection, keys: Iterable[str]) -> None:
    """In an import's transaction: these practices' worklists need a refresh."""
    known = set(conn.scalars(select(pending_refreshes.c.practice_key)))
    fresh = sorted(set(keys) - known)
    if fresh:
        now = datetime.now(UTC)
        conn.execute(insert(pending_refreshes), [{"practice_key": k, "since": now} for k in fresh])


def pending(conn: Connection) -> set[str]:
    return set(conn.scalars(select(pending_refreshes.c.practice_key)))


def _chunked(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
    "payer_type",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def evidence_json(item: WorkItem, file_ids: Mapping[str, int]) -> str:
    """The evidence as stored: the words, the fact, and where (``at``: the :class:`Source`,
    an 835 segment with the id of the stored file it came from)."""
    out = []
    for e in item.evidence:
        place = e.place
        if place.kind == "segment" and place.file in file_ids:
            place = place._replace(stored_id=file_ids[place.file])
        out.append({"source": e.text, "fact": e.fact, "at": place.to_dict()})
    return _dumps(out)


def item_values(
    item: WorkItem,
    claim_patients: dict[str, str],
    denial_id: str | None = None,
    file_ids: Mapping[str, int] | None = None,
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
        "evidence": evidence_json(item, file_ids or {}),
        "action": item.action,
        "missing": _dumps(list(item.missing)),
        "deadline": item.deadline.date,
        "sort_deadline": item.deadline.date or NO_DEADLINE,
        "deadline_basis": item.deadline.basis,
        "rule": item.rule,
        "file": item.file,
        "payer_type": str(payer_type_of(ctx).type) if ctx is not None else None,
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


def _keyed(
    inputs: Sequence[PracticeInputs], worklists: Mapping[str, Worklist]
) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for practice_inputs in inputs:
        key = practice_inputs.practice_key
        patients = claim_patients(practice_inputs.practice)
        seen: dict[str, int] = {}
        for item in worklists[key].items:
            base = item.denial_id
            seen[base] = seen.get(base, 0) + 1
            did = base if seen[base] == 1 else f"{base}#{seen[base]}"
            out[(key, did)] = item_values(item, patients, did, practice_inputs.file_ids)
    return out


def save(
    engine: Engine,
    today: date,
    inputs: Sequence[PracticeInputs],
    worklists: Mapping[str, Worklist],
    keys: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> RefreshResult:
    """Keep ``worklists`` (triage of ``inputs``, by practice key) as the ``denials`` rows of
    those practices (all of them, or those ``keys`` names), in one transaction: a refresh that
    is stopped halfway leaves the previous worklist whole."""
    wanted = None if keys is None else set(keys)
    fresh = _keyed(inputs, worklists)
    found = {i.practice_key for i in inputs}
    groups = found if wanted is None else wanted | found
    missing = tuple(dict.fromkeys(f for i in inputs for f in i.missing_files))
    now = now or datetime.now(UTC)
    with writing(engine) as conn:
        query = select(
            denials.c.id,
            denials.c.practice_key,
            denials.c.denial_id,
            denials.c.triage_hash,
            denials.c.status,
            denials.c.closed_by,
            denials.c.appeal_level,
            denials.c.outcome,
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
                if row.appeal_level > 1:  # the level's own deadline stands
                    for column in ("deadline", "sort_deadline", "deadline_basis"):
                        change.pop(column)
                updated += 1
            if row.status == "closed" and row.closed_by == CLOSED_BY_REMITTANCE:
                change.update(status="open", closed_by=None)
                if row.outcome is not None:  # the payment it recorded was taken back
                    change.update(
                        outcome=None, outcome_amount=None, outcome_date=None, outcome_source=None
                    )
                reopened += 1
            if change:
                updates.append({**change, "_id": row.id, "updated_at": now})
            else:
                unchanged += 1
        closed = [r.id for r in vanished.values() if r.status != "closed"]
        done = delete(pending_refreshes)  # caught up, in the same transaction as the rows
        if wanted is not None:
            done = done.where(pending_refreshes.c.practice_key.in_(sorted(groups)))
        conn.execute(done)
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
        # ... and those a remittance closed before: a payment recorded since (an older store),
        # changed, or taken back by a later reversal
        earlier = [
            r.id
            for r in vanished.values()
            if r.status == "closed" and r.closed_by == CLOSED_BY_REMITTANCE
        ]
        stored = _stored_outcomes(conn, earlier)
        paid = outcomes.paid_by_remittance(conn, [*closed, *earlier])
        for row_id, payment in paid.items():
            source = _dumps(payment.source)
            if stored.get(row_id) == (payment.outcome, payment.amount, payment.on, source):
                continue
            _record_payment(conn, row_id, payment, source, now)
        for row_id in earlier:
            if row_id not in paid and stored.get(row_id, (None,))[0] is not None:
                _take_back(conn, row_id, now)
        for chunk in _chunked([i for i in closed if i not in paid]):
            conn.execute(
                update(denials)
                .where(denials.c.id.in_(chunk))
                .values(status="closed", closed_by=CLOSED_BY_REMITTANCE, updated_at=now)
            )
    return RefreshResult(new, updated, len(closed), reopened, unchanged, missing)


def _stored_outcomes(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    c = denials.c
    out: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunked(list(ids)):
        query = select(c.id, c.outcome, c.outcome_amount, c.outcome_date, c.outcome_source)
        for row in conn.execute(query.where(c.id.in_(chunk))):
            out[row.id] = (row.outcome, row.outcome_amount, row.outcome_date, row.outcome_source)
    return out


def _record_payment(
    conn: Connection, row_id: int, payment: outcomes.Paid, source: str, now: datetime
) -> None:
    """A later remittance paid the denied line: its outcome, amount, date and source."""
    before = outcomes.before_of(conn, row_id)
    level = conn.scalar(select(denials.c.appeal_level).where(denials.c.id == row_id))
    conn.execute(
        update(denials)
        .where(denials.c.id == row_id)
        .values(
            status="closed",
            closed_by=CLOSED_BY_REMITTANCE,
            outcome=payment.outcome,
            outcome_amount=payment.amount,
            outcome_date=payment.on,
            outcome_source=source,
            updated_at=now,
        )
    )
    outcomes.add_event(
        conn,
        row_id,
        "paid",
        level=level or 1,
        user=CLOSED_BY_REMITTANCE,
        now=now,
        on=payment.on,
        outcome=payment.outcome,
        amount=payment.amount,
        reference=str(payment.source.get("trace_number") or ""),
        detail=f"paid on claim {payment.source.get('payer_claim_id')} in "
        f"{payment.source.get('file')}",
        before=before,
    )


def _take_back(conn: Connection, row_id: int, now: datetime) -> None:
    """The payment recorded from a remittance was reversed since: no outcome any more."""
    before = outcomes.before_of(conn, row_id)
    level = conn.scalar(select(denials.c.appeal_level).where(denials.c.id == row_id))
    conn.execute(
        update(denials)
        .where(denials.c.id == row_id)
        .values(
            outcome=None,
            outcome_amount=None,
            outcome_date=None,
            outcome_source=None,
            updated_at=now,
        )
    )
    outcomes.add_event(
        conn,
        row_id,
        "taken_back",
        level=level or 1,
        user=CLOSED_BY_REMITTANCE,
        now=now,
        detail="the payment recorded from a remittance was reversed by a later one",
        before=before,
    )


def _by_columns(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """executemany needs the same columns in every row of a batch."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
