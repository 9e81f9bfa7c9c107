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

:func:`query` pages the rows with SQL (filters, sort, LIMIT/OFFSET on indexed columns) and sums
the page's totals by lane in SQL over whole cents, so it stays fast at 100,000s of denials.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from recoup.money import CENT, ZERO
from recoup.practice import Practice
from recoup.records import ClaimPayment, Remittance
from recoup.store.engine import reading, writing
from recoup.store.sources import NO_PRACTICE, load_practice, practice_sources, read_results
from recoup.store.tables import audit_log, claims, denials, remittances
from recoup.triage import LANES, Evidence, WorkItem, Worklist, triage
from recoup.x12 import ParseResult

__all__ = [
    "OUTCOMES",
    "SORTS",
    "STATUSES",
    "DenialPage",
    "DenialQuery",
    "DenialRow",
    "RefreshResult",
    "UnknownDenial",
    "cents",
]

OUTCOMES = ("won", "partly_won", "lost", "written_off", "billed_patient", "billed_other_payer")
SORTS = ("deadline", "-deadline", "amount", "-amount", "patient", "payer", "lane")
# "active" = open or sent (waiting on the payer); "all" (or None) = any status
STATUSES = ("open", "sent", "closed", "active", "all")
MAX_PER_PAGE = 500
NO_DEADLINE = date(9999, 12, 31)  # sort_deadline of denials without one: last
CLOSED_BY_REMITTANCE = "remittance"


class UnknownDenial(ValueError):
    """No denial with that id in the store."""


def cents(amount: Decimal) -> int:
    """Whole cents (half-up): the sortable, summable form of an amount."""
    return int(amount.quantize(CENT) * 100)


def _from_cents(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


# -- rows ----------------------------------------------------------------------------------------


class DenialRow(NamedTuple):
    """One denial of the worklist as the store holds it."""

    id: int
    practice_key: str
    denial_id: str
    patient_account: str
    payer_claim_id: str
    payer_id: str
    payer_name: str
    patient_name: str
    patient_id: str | None
    service_date: date | None
    notice_date: date | None
    code: str | None
    modifiers: tuple[str, ...]
    group_code: str
    reason_code: str
    remark_codes: tuple[str, ...]
    denied_amount: Decimal
    category: str
    lane: str
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    action: str
    missing: tuple[str, ...]
    deadline: date | None
    deadline_basis: str
    days_left: int | None  # from the query's "today"
    rule: str
    file: str
    triaged_on: date
    first_seen: datetime
    status: str
    sent_date: date | None
    sent_channel: str | None
    outcome: str | None
    outcome_amount: Decimal | None
    outcome_date: date | None
    closed_by: str | None
    updated_at: datetime

    @property
    def carc(self) -> str:
        return f"{self.group_code}-{self.reason_code}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as strings with two decimals, dates ISO."""
        out: dict[str, Any] = {}
        for name, value in self._asdict().items():
            if isinstance(value, Decimal):
                value = str(value.quantize(CENT))
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            elif name == "evidence":
                value = [{"source": e.source, "fact": e.fact} for e in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


def _aware(value: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; the store writes them in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _denial_row(row: Any, today: date) -> DenialRow:
    deadline = row.deadline
    return DenialRow(
        id=row.id,
        practice_key=row.practice_key,
        denial_id=row.denial_id,
        patient_account=row.patient_account,
        payer_claim_id=row.payer_claim_id,
        payer_id=row.payer_id,
        payer_name=row.payer_name,
        patient_name=row.patient_name,
        patient_id=row.patient_id,
        service_date=row.service_date,
        notice_date=row.notice_date,
        code=row.code,
        modifiers=tuple(row.modifiers.split()),
        group_code=row.group_code,
        reason_code=row.reason_code,
        remark_codes=tuple(row.remark_codes.split()),
        denied_amount=row.denied_amount,
        category=row.category,
        lane=row.lane,
        reasons=tuple(json.loads(row.reasons)),
        evidence=tuple(Evidence(e["source"], e["fact"]) for e in json.loads(row.evidence)),
        action=row.action,
        missing=tuple(json.loads(row.missing)),
        deadline=deadline,
        deadline_basis=row.deadline_basis,
        days_left=(deadline - today).days if deadline else None,
        rule=row.rule,
        file=row.file,
        triaged_on=row.triaged_on,
        first_seen=_aware(row.first_seen),
        status=row.status,
        sent_date=row.sent_date,
        sent_channel=row.sent_channel,
        outcome=row.outcome,
        outcome_amount=row.outcome_amount,
        outcome_date=row.outcome_date,
        closed_by=row.closed_by,
        updated_at=_aware(row.updated_at),
    )


# -- triage from the store -----------------------------------------------------------------------


class StoreTriage(NamedTuple):
    worklists: dict[str, Worklist]  # practice key ("" = none) -> its worklist
    practices: dict[str, Practice | None]
    missing_files: tuple[str, ...]  # imported before the store kept bytes: re-import them


def _payer_id(remit: Remittance) -> str:
    ref = next((v for q, v in remit.payer.references if q == "2U"), "")
    return ref or remit.payer.id


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


def triage_one(conn: Connection, row: DenialRow, today: date) -> WorkItem | None:
    """Triage just the patient of one stored denial (their claims are the rule's history), and
    return that denial's work item with its context."""
    practice = load_practice(conn, row.practice_key) if row.practice_key else None
    claim_patients = _claim_patients(practice)
    accounts = {row.patient_account}
    if row.patient_id is not None:
        accounts |= {c for c, p in claim_patients.items() if p == row.patient_id}
    else:
        member = conn.scalar(
            select(claims.c.member_id).where(claims.c.patient_control_number == row.patient_account)
        )
        if member:
            accounts |= set(
                conn.scalars(
                    select(claims.c.patient_control_number).where(claims.c.member_id == member)
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
    sources = practice_sources(conn, [row.practice_key]).get(row.practice_key)
    if sources is None:
        return None
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
    worklist = triage(narrowed, practice, today)
    base, _, nth = row.denial_id.partition("#")
    matches = [item for item in worklist.items if item.denial_id == base]
    index = int(nth) - 1 if nth.isdigit() else 0
    return matches[index] if index < len(matches) else None


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


def item_values(item: WorkItem, claim_patients: dict[str, str]) -> dict[str, Any]:
    """The triage columns of a work item's row (without its key)."""
    ctx = item.context
    remit = ctx.remittance if ctx is not None else None
    values: dict[str, Any] = {
        "patient_account": item.patient_account,
        "payer_claim_id": item.payer_claim_id,
        "payer_id": _payer_id(remit) if remit is not None else "",
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
    values.update(search_values({**values, "denial_id": item.denial_id}))
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
            values = item_values(item, claim_patients)
            if did != base:
                values.update(search_values({**values, "denial_id": did}))
            out[(key, did)] = values
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


# -- queries -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DenialQuery:
    """Which denials, in which order, which page. Every filter is optional."""

    lane: str | None = None
    payer: str | None = None  # the payer's name exactly, or its id when all digits
    code: str | None = None  # a CARC ("119" or "CO-119") or a procedure code ("97110")
    patient: str | None = None  # part of the patient's name or account number (CLP01)
    status: str | None = "open"  # open, sent, closed, active (open or sent), all / None
    due_within_days: int | None = None  # deadline on or before today + N (overdue included)
    min_amount: Decimal | None = None
    text: str | None = None  # part of the name, account, claim number, payer, code or action
    practice_key: str | None = None
    sort: str = "deadline"
    page: int = 1  # 1-based
    per_page: int = 50
    today: date | None = None  # for days left and due_within_days; default date.today()

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.lane is not None and self.lane not in LANES:
            raise ValueError(f"lane must be one of {', '.join(LANES)}, not {self.lane!r}")
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if isinstance(self.page, bool) or not isinstance(self.page, int) or self.page < 1:
            raise ValueError(f"page must be a whole number from 1, not {self.page!r}")
        if (
            isinstance(self.per_page, bool)
            or not isinstance(self.per_page, int)
            or not 1 <= self.per_page <= MAX_PER_PAGE
        ):
            raise ValueError(f"per_page must be from 1 to {MAX_PER_PAGE}, not {self.per_page!r}")
        if self.min_amount is not None and not isinstance(self.min_amount, Decimal):
            raise ValueError("min_amount must be a Decimal amount such as Decimal('100.00')")
        if self.due_within_days is not None and (
            isinstance(self.due_within_days, bool)
            or not isinstance(self.due_within_days, int)
            or self.due_within_days < 0
        ):
            raise ValueError("due_within_days must be a whole number of days, 0 or more")


@dataclass(frozen=True, slots=True)
class DenialPage:
    rows: list[DenialRow]
    total: int  # denials matching the filters, on every page
    totals_by_lane: dict[str, Decimal]  # denied dollars matching the filters, in LANES order
    total_amount: Decimal
    page: int = 1
    per_page: int = 50
    today: date = field(default_factory=date.today)
    counts_by_lane: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(q: DenialQuery, today: date) -> list[ColumnElement[bool]]:
    c = denials.c
    where: list[ColumnElement[bool]] = []
    if q.status == "active":
        where.append(c.status.in_(("open", "sent")))
    elif q.status not in (None, "all"):
        where.append(c.status == q.status)
    if q.practice_key is not None:
        where.append(c.practice_key == q.practice_key)
    if q.lane:
        where.append(c.lane == q.lane)
    if q.payer:  # one column per query (an OR of two would keep SQLite off the indexes)
        where.append(c.payer_id == q.payer if q.payer.isdigit() else c.payer_name == q.payer)
    if q.code:
        code = q.code.strip().upper()
        group, dash, reason = code.partition("-")
        if dash and group.isalpha() and reason:
            where.append(and_(c.group_code == group, c.reason_code == reason))
        elif len(code) >= 5:  # procedure codes (CPT/HCPCS) have five characters, CARCs fewer
            where.append(c.code == code)
        else:
            where.append(c.reason_code == code)
    if q.patient:
        where.append(c.search_patient.contains(q.patient.strip().lower(), autoescape=True))
    if q.due_within_days is not None:
        where.append(c.sort_deadline <= today + timedelta(days=q.due_within_days))
    if q.min_amount is not None:
        where.append(c.amount_cents >= cents(q.min_amount))
    if q.text:
        where.append(c.search_all.contains(q.text.strip().lower(), autoescape=True))
    return where or [true()]


def _order(sort: str) -> list[Any]:
    c = denials.c
    orders: dict[str, list[Any]] = {
        "deadline": [c.sort_deadline, c.neg_amount_cents, c.id],
        "-deadline": [c.sort_deadline.desc(), c.amount_cents, c.id.desc()],
        "amount": [c.amount_cents, c.sort_deadline, c.id],
        "-amount": [c.amount_cents.desc(), c.sort_deadline, c.id],
        "patient": [c.patient_name, c.patient_account, c.sort_deadline, c.id],
        "payer": [c.payer_name, c.sort_deadline, c.neg_amount_cents, c.id],
        "lane": [c.lane, c.sort_deadline, c.amount_cents.desc(), c.id],
    }
    return orders[sort]


def query(conn: Connection, q: DenialQuery) -> DenialPage:
    today = q.today or date.today()
    where = _conditions(q, today)
    totals = conn.execute(
        select(denials.c.lane, func.count(), func.sum(denials.c.amount_cents))
        .where(*where)
        .group_by(denials.c.lane)
    ).all()
    by_lane = {lane: _from_cents(amount) for lane, _, amount in totals}
    counts = {lane: count for lane, count, _ in totals}
    total = sum(counts.values())
    rows = conn.execute(
        select(denials)
        .where(*where)
        .order_by(*_order(q.sort))
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page)
    ).all()
    ordered = {lane: by_lane[lane] for lane in (*LANES, *sorted(by_lane)) if lane in by_lane}
    return DenialPage(
        rows=[_denial_row(r, today) for r in rows],
        total=total,
        totals_by_lane=ordered,
        total_amount=sum(by_lane.values(), ZERO),
        page=q.page,
        per_page=q.per_page,
        today=today,
        counts_by_lane={lane: counts[lane] for lane in ordered},
    )


def find(conn: Connection, key: int | str, today: date | None = None) -> DenialRow | None:
    """A denial by its numeric id (an int, or digits) or its denial id."""
    c = denials.c
    if isinstance(key, int) and not isinstance(key, bool):
        where: ColumnElement[bool] = c.id == key
    elif isinstance(key, str) and key.isdigit():
        where = or_(c.id == int(key), c.denial_id == key)
    elif isinstance(key, str):
        where = c.denial_id == key
    else:
        raise UnknownDenial(f"not a denial id: {key!r}")
    found = conn.execute(select(denials).where(where).order_by(c.id).limit(2)).all()
    if len(found) > 1 and not isinstance(key, int):
        # the same denial id in two practices: the numeric id tells them apart
        exact = [r for r in found if str(r.id) == key]
        found = exact or found[:1]
    return _denial_row(found[0], today or date.today()) if found else None


# -- workflow ------------------------------------------------------------------------------------


def _require(conn: Connection, key: int | str) -> DenialRow:
    row = find(conn, key)
    if row is None:
        raise UnknownDenial(f"there is no denial {key} in the store")
    return row


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must not be empty")
    if len(value.strip()) > 200:
        raise ValueError(f"{what} is too long (200 characters at most)")
    return value.strip()


def _date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date (YYYY-MM-DD)")
    return value


def _audit(
    conn: Connection, user: str, action: str, row: DenialRow, detail: str, now: datetime
) -> None:
    conn.execute(
        insert(audit_log),
        {
            "at": now,
            "username": user,
            "action": action,
            "patient_id": row.patient_id or row.patient_account,
            "denial_id": row.denial_id,
            "detail": detail,
        },
    )


def mark_sent(
    engine: Engine, key: int | str, sent_date: date, channel: str, user: str
) -> DenialRow:
    sent_date = _date(sent_date, "the date sent")
    channel = _text(channel, "the channel (mail, fax, portal, ...)")
    user = _text(user, "the user")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        row = _require(conn, key)
        if row.status == "closed":
            raise ValueError(f"denial {row.id} is closed ({row.outcome or row.closed_by})")
        if row.notice_date is not None and sent_date < row.notice_date:
            raise ValueError(
                f"the date sent {sent_date} is before the remittance's date {row.notice_date}"
            )
        conn.execute(
            update(denials)
            .where(denials.c.id == row.id)
            .values(status="sent", sent_date=sent_date, sent_channel=channel, updated_at=now)
        )
        _audit(conn, user, "denial.sent", row, f"channel={channel} date={sent_date}", now)
        return _require(conn, row.id)


def record_outcome(
    engine: Engine, key: int | str, outcome: str, amount: Decimal, outcome_date: date, user: str
) -> DenialRow:
    if outcome not in OUTCOMES:
        raise ValueError(f"the outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if isinstance(amount, bool) or not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError("the amount must be an exact amount such as 120.00")
    if amount < 0:
        raise ValueError(f"the amount must not be negative ({amount})")
    outcome_date = _date(outcome_date, "the outcome date")
    user = _text(user, "the user")
    now = datetime.now(UTC)
    with writing(engine) as conn:
        row = _require(conn, key)
        if amount > row.denied_amount:
            raise ValueError(f"the amount {amount} is more than the {row.denied_amount} denied")
        if row.notice_date is not None and outcome_date < row.notice_date:
            raise ValueError(
                f"the outcome date {outcome_date} is before the remittance's date {row.notice_date}"
            )
        conn.execute(
            update(denials)
            .where(denials.c.id == row.id)
            .values(
                status="closed",
                outcome=outcome,
                outcome_amount=amount,
                outcome_date=outcome_date,
                closed_by=user,
                updated_at=now,
            )
        )
        _audit(conn, user, "denial.outcome", row, f"outcome={outcome} amount={amount}", now)
        return _require(conn, row.id)
