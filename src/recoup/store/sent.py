"""The practice's sent claims (837P) in the store, and the link from each 835 claim payment to
the claim it pays.

::

    source_files ─< sent_claims ─< sent_claim_lines
         └── file_contents (the 837's bytes: a corrected claim is rebuilt from all its loops)

Idempotent like the 835 import: a file is known by the SHA-256 of its bytes, and a claim by its
billing NPI, payer, CLM01 and a hash of its content (not its segment numbers or envelope), so the
same claim sent again in another batch is stored once. The rows are written with plain batched
inserts in the caller's transaction.

The link is made when it is asked for (:func:`sent_claim_for`), so it does not matter whether
the 837 or the 835 was imported first: CLP01 = CLM01 with the same payer (id, else name), the
latest claim sent no later than the remittance; lines by REF*6R, else by code, date and charge.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from recoup.money import ZERO
from recoup.store.remits import content_hash
from recoup.store.tables import ID, Money, file_contents, metadata, source_files
from recoup.x12.claims837 import Claim837, ClaimBatch

__all__ = [
    "SentClaim",
    "SentCounts",
    "SentLine",
    "match_lines",
    "plan_sent",
    "sent_claim_for",
    "sent_claim_lines",
    "sent_claims",
    "unanswered_claims",
    "write_sent",
]

_CHUNK = 500

sent_claims = Table(
    "sent_claims",
    metadata,
    Column("id", ID, primary_key=True),
    Column("source_file_id", ForeignKey("source_files.id"), nullable=False),
    Column("claim_key", String(64), nullable=False, unique=True),
    Column("patient_control_number", Text, nullable=False, index=True),  # CLM01
    Column("frequency", String(4), nullable=False),  # CLM05-3
    Column("place_of_service", String(4), nullable=False),  # CLM05-1
    Column("charge", Money, nullable=False),  # CLM02
    Column("payer_id", Text, nullable=False),  # 2010BB NM109
    Column("payer_name", Text, nullable=False),
    Column("filing_indicator", String(4), nullable=False),  # SBR09
    Column("billing_npi", Text, nullable=False),
    Column("rendering_npi", Text, nullable=False),  # 2310B, "" when the billing provider
    Column("subscriber_id", Text, nullable=False),  # 2010BA NM109
    Column("subscriber_name", Text, nullable=False),
    Column("patient_name", Text, nullable=False),  # the subscriber's when 2010CA is absent
    Column("birth_date", Date),
    Column("payer_claim_control_number", Text, nullable=False),  # REF*F8
    Column("prior_authorization", Text, nullable=False),  # 2300 REF*G1
    Column("diagnoses", Text, nullable=False),  # "ABK:M25561 ABF:M6281"
    Column("service_date", Date),  # the earliest line date
    Column("sent_date", Date),  # BHT04
    Column("batch_control_number", Text, nullable=False),  # ST02
    Column("segment", Integer, nullable=False),  # the CLM segment in its file
    Index(None, "billing_npi", "sent_date"),
)

sent_claim_lines = Table(
    "sent_claim_lines",
    metadata,
    Column("id", ID, primary_key=True),
    Column("sent_claim_id", ForeignKey("sent_claims.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # LX01
    Column("procedure_code", Text, nullable=False),
    Column("modifiers", Text, nullable=False),
    Column("units", Money, nullable=False),
    Column("charge", Money, nullable=False),
    Column("service_date", Date),
    Column("control_number", Text, nullable=False),  # REF*6R
    Column("prior_authorization", Text, nullable=False),  # REF*G1
    Column("diagnosis_pointers", Text, nullable=False),  # "1 2"
    Column("place_of_service", String(4), nullable=False),
)


class SentLine(NamedTuple):
    position: int
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    service_date: date | None
    control_number: str
    prior_authorization: str
    diagnosis_pointers: tuple[int, ...]


class SentClaim(NamedTuple):
    """A stored sent claim as it was sent, with where it came from (file and CLM segment)."""

    id: int
    patient_control_number: str
    frequency: str
    place_of_service: str
    charge: Decimal
    payer_id: str
    payer_name: str
    billing_npi: str
    rendering_npi: str
    subscriber_id: str
    patient_name: str
    payer_claim_control_number: str
    prior_authorization: str
    diagnoses: tuple[str, ...]
    service_date: date | None
    sent_date: date | None
    file: str
    file_id: int
    segment: int
    lines: tuple[SentLine, ...]
    filing_indicator: str = ""  # SBR09: CI commercial, MB Medicare Part B, MC Medicaid, ...

    @property
    def source(self) -> str:
        return f"{self.file} segment {self.segment}"


class SentCounts(NamedTuple):
    claims: int
    new_claims: int
    known_claims: int


class _Plan(NamedTuple):
    key: str
    row: dict[str, Any]
    lines: list[dict[str, Any]]


def _unpack(compression: str, data: bytes) -> bytes:
    if compression != "zlib":
        raise ValueError(f"unknown compression {compression!r}")
    return zlib.decompress(data)


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _person(last: str, first: str) -> str:
    return f"{last}, {first}" if first else last


def plan_sent(batches: Iterable[ClaimBatch]) -> list[_Plan]:
    """The rows of every claim in the batches (pure, no database)."""
    plans = []
    for batch in batches:
        for claim in batch.claims:
            plans.append(_plan(claim, batch))
    return plans


def _plan(claim: Claim837, batch: ClaimBatch) -> _Plan:
    sub = claim.subscriber
    patient = claim.patient or sub.member
    payer_key = sub.payer.id or sub.payer.name.strip().upper()
    key = _key(
        claim.billing_provider.npi, payer_key, claim.patient_control_number, content_hash(claim)
    )
    dates = [line.service_date for line in claim.lines if line.service_date is not None]
    row = {
        "claim_key": key,
        "patient_control_number": claim.patient_control_number,
        "frequency": claim.frequency,
        "place_of_service": claim.place_of_service,
        "charge": claim.charge,
        "payer_id": sub.payer.id,
        "payer_name": sub.payer.name,
        "filing_indicator": sub.filing_indicator,
        "billing_npi": claim.billing_provider.npi,
        "rendering_npi": claim.rendering_provider.npi if claim.rendering_provider else "",
        "subscriber_id": sub.member.id,
        "subscriber_name": _person(sub.member.last_name, sub.member.first_name),
        "patient_name": _person(patient.last_name, patient.first_name),
        "birth_date": patient.birth_date,
        "payer_claim_control_number": claim.payer_claim_control_number,
        "prior_authorization": claim.prior_authorization,
        "diagnoses": " ".join(f"{d.qualifier}:{d.code}" for d in claim.diagnoses),
        "service_date": min(dates) if dates else None,
        "sent_date": batch.created,
        "batch_control_number": batch.control_number,
        "segment": claim.segment,
    }
    lines = [
        {
            "position": line.number,
            "procedure_code": line.procedure.code,
            "modifiers": " ".join(line.procedure.modifiers),
            "units": line.units,
            "charge": line.charge,
            "service_date": line.service_date,
            "control_number": line.control_number,
            "prior_authorization": line.prior_authorization,
            "diagnosis_pointers": " ".join(str(p) for p in line.diagnosis_pointers),
            "place_of_service": line.place_of_service,
        }
        for line in claim.lines
    ]
    return _Plan(key, row, lines)


def write_sent(
    conn: Connection, sha256: str, name: str, data: bytes, plans: Sequence[_Plan]
) -> SentCounts:
    """Write one parsed 837 file (its rows and its bytes) in the caller's transaction."""
    from recoup.store.sources import compress

    file_id = conn.execute(
        insert(source_files).returning(source_files.c.id),
        {
            "sha256": sha256,
            "kind": "837",
            "name": name,
            "size": len(data),
            "imported_at": datetime.now(UTC),
        },
    ).scalar_one()
    compression, packed = compress(data)
    conn.execute(
        insert(file_contents),
        {"source_file_id": file_id, "compression": compression, "data": packed},
    )
    keys = sorted({p.key for p in plans})
    known: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        known.update(
            conn.scalars(
                select(sent_claims.c.claim_key).where(
                    sent_claims.c.claim_key.in_(keys[start : start + _CHUNK])
                )
            )
        )
    fresh: dict[str, _Plan] = {}
    for plan in plans:
        if plan.key not in known and plan.key not in fresh:
            fresh[plan.key] = plan
    todo = list(fresh.values())
    for start in range(0, len(todo), _CHUNK):
        chunk = todo[start : start + _CHUNK]
        ids = conn.scalars(
            insert(sent_claims).returning(sent_claims.c.id, sort_by_parameter_order=True),
            [{**p.row, "source_file_id": file_id} for p in chunk],
        ).all()
        lines = [
            {**line, "sent_claim_id": claim_id}
            for claim_id, plan in zip(ids, chunk, strict=True)
            for line in plan.lines
        ]
        if lines:
            conn.execute(insert(sent_claim_lines), lines)
    return SentCounts(len(plans), len(fresh), len(plans) - len(fresh))


# -- reading back and linking ---------------------------------------------------------------


def _load(conn: Connection, rows: Sequence[Any]) -> list[SentClaim]:
    ids = [r.id for r in rows]
    lines: dict[int, list[SentLine]] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(sent_claim_lines)
            .where(sent_claim_lines.c.sent_claim_id.in_(ids[start : start + _CHUNK]))
            .order_by(sent_claim_lines.c.sent_claim_id, sent_claim_lines.c.position)
        )
        for line in conn.execute(query):
            lines.setdefault(line.sent_claim_id, []).append(
                SentLine(
                    line.position,
                    line.procedure_code,
                    tuple(line.modifiers.split()),
                    line.units,
                    line.charge,
                    line.service_date,
                    line.control_number,
                    line.prior_authorization,
                    tuple(int(p) for p in line.diagnosis_pointers.split()),
                )
            )
    return [
        SentClaim(
            r.id,
            r.patient_control_number,
            r.frequency,
            r.place_of_service,
            r.charge,
            r.payer_id,
            r.payer_name,
            r.billing_npi,
            r.rendering_npi,
            r.subscriber_id,
            r.patient_name,
            r.payer_claim_control_number,
            r.prior_authorization,
            tuple(r.diagnoses.split()),
            r.service_date,
            r.sent_date,
            r.name,
            r.source_file_id,
            r.segment,
            tuple(lines.get(r.id, ())),
            r.filing_indicator,
        )
        for r in rows
    ]


def _select() -> Any:
    return select(sent_claims, source_files.c.name).join(
        source_files, source_files.c.id == sent_claims.c.source_file_id
    )


def sent_claims_by_number(conn: Connection, patient_control_number: str) -> list[SentClaim]:
    """Every stored sent claim with this CLM01, oldest first."""
    rows = conn.execute(
        _select()
        .where(sent_claims.c.patient_control_number == patient_control_number)
        .order_by(sent_claims.c.sent_date, sent_claims.c.id)
    ).all()
    return _load(conn, rows)


def _same_payer(sent: SentClaim, payer_id: str, payer_name: str) -> bool:
    if sent.payer_id and payer_id and sent.payer_id == payer_id:
        return True
    name = payer_name.strip().upper()
    return bool(name) and sent.payer_name.strip().upper() == name


def pick_sent(
    candidates: Sequence[SentClaim], payer_id: str, payer_name: str, paid_on: date | None
) -> SentClaim | None:
    """The claim a payment with this payer answers among the claims sent with its CLP01: the
    latest sent no later than the remittance (a replacement answers after the original)."""
    same = [c for c in candidates if _same_payer(c, payer_id, payer_name)]
    if paid_on is not None:
        before = [c for c in same if c.sent_date is None or c.sent_date <= paid_on]
        same = before or same
    return same[-1] if same else None


def sent_claim_for(
    conn: Connection,
    patient_control_number: str,
    payer_id: str,
    payer_name: str,
    paid_on: date | None = None,
) -> SentClaim | None:
    """The sent claim an 835 claim payment (CLP01, its payer, its date) pays, if stored."""
    if not patient_control_number:
        return None
    found = sent_claims_by_number(conn, patient_control_number)
    return pick_sent(found, payer_id, payer_name, paid_on)


class PaidLine(NamedTuple):
    """What the matcher needs of an 835 service line (SVC, DTM*472, REF*6R)."""

    code: str
    service_date: date | None
    charge: Decimal
    control_number: str


def match_lines(sent: Sequence[SentLine], paid: Sequence[PaidLine]) -> list[int | None]:
    """For each 835 line, the index of the sent line it answers (None: no match). REF*6R first;
    else the same code, date of service and charge; each sent line answers at most once."""
    used: set[int] = set()
    out: list[int | None] = [None] * len(paid)
    by_ref = {line.control_number: i for i, line in enumerate(sent) if line.control_number}
    for n, line in enumerate(paid):
        i = by_ref.get(line.control_number) if line.control_number else None
        if i is not None and i not in used:
            out[n] = i
            used.add(i)
    for n, line in enumerate(paid):
        if out[n] is not None:
            continue
        for i, cand in enumerate(sent):
            if i in used:
                continue
            same_date = line.service_date is None or cand.service_date == line.service_date
            if cand.code == line.code and same_date and cand.charge == line.charge:
                out[n] = i
                used.add(i)
                break
    return out


class Unanswered(NamedTuple):
    """A sent claim no stored 835 answers (CLP01 = CLM01 from the same payer)."""

    claim: SentClaim
    practice_key: str


def unanswered_claims(
    conn: Connection, practice_keys: Iterable[str] | None = None
) -> list[Unanswered]:
    """Every stored sent claim (the latest of its CLM01 and payer, not a void) that no stored
    claim payment answers, with the practice it belongs to (by billing NPI; "" when none is
    stored); only those of ``practice_keys`` when given. A payment answers a claim when it has
    its CLM01, comes from its payer (id, else name) and is dated no earlier than the claim was
    sent: a replacement sent after the first answer waits for an answer of its own."""
    from recoup.store.tables import claims, practices

    answered: dict[tuple[str, str], date | None] = {}

    def keep(key: tuple[str, str], day: date | None) -> None:
        if key not in answered:
            answered[key] = day
        else:
            known = answered[key]
            answered[key] = None if known is None or day is None else max(known, day)

    for row in conn.execute(
        select(
            claims.c.patient_control_number,
            claims.c.payer_key,
            claims.c.payer_name,
            claims.c.notice_date,
        )
    ):
        keep((row.patient_control_number, row.payer_key), row.notice_date)
        keep((row.patient_control_number, row.payer_name.strip().upper()), row.notice_date)
    npis = {
        r.npi: r.practice_key
        for r in conn.execute(select(practices.c.npi, practices.c.practice_key))
    }
    wanted = None if practice_keys is None else set(practice_keys)
    query = _select().order_by(sent_claims.c.sent_date, sent_claims.c.id)
    latest: dict[tuple[str, str, str], Any] = {}
    for row in conn.execute(query):
        payer = row.payer_id or row.payer_name.strip().upper()
        latest[(row.billing_npi, row.patient_control_number, payer)] = row

    def is_answered(row: Any) -> bool:
        for key in (
            (row.patient_control_number, row.payer_id),
            (row.patient_control_number, row.payer_name.strip().upper()),
        ):
            if key[1] and key in answered:
                last = answered[key]
                if last is None or row.sent_date is None or last >= row.sent_date:
                    return True
        return False

    waiting = [
        row
        for row in latest.values()
        if row.frequency != "8"
        and (wanted is None or npis.get(row.billing_npi, "") in wanted)
        and not is_answered(row)
    ]
    return [Unanswered(c, npis.get(c.billing_npi, "")) for c in _load(conn, waiting)]


def total_charge(lines: Iterable[SentLine]) -> Decimal:
    total = ZERO
    for line in lines:
        total += line.charge
    return total


def original_claims(conn: Connection, patient_control_number: str) -> dict[str, list[Any]]:
    """The sent claims with this CLM01, and the same patient's other sent claims (same billing
    NPI and subscriber: a corrected claim may take a fact such as the referring provider from
    them), re-read whole from their stored 837 files (every loop, not only the columns kept),
    as ``{CLM01: [oldest, ..., latest]}`` of ``recoup.claims_out.OriginalClaim``."""
    from recoup.claims_out.correct import OriginalClaim
    from recoup.x12.reader837 import read_837

    wanted = sent_claims_by_number(conn, patient_control_number)
    if not wanted:
        return {}
    people = {(c.billing_npi, c.subscriber_id) for c in wanted if c.subscriber_id}
    others = conn.execute(
        _select()
        .where(
            sent_claims.c.subscriber_id.in_(sorted({p[1] for p in people})),
            sent_claims.c.patient_control_number != patient_control_number,
        )
        .order_by(sent_claims.c.sent_date, sent_claims.c.id)
    ).all()
    same = [
        r for r in others if (r.billing_npi, r.subscriber_id) in people
    ]  # the NPI checked here: one IN list is enough
    out: dict[str, list[Any]] = {}
    read: dict[int, Any] = {}
    for claim in [*wanted, *_load(conn, same)]:
        if claim.file_id not in read:
            row = conn.execute(
                select(file_contents.c.compression, file_contents.c.data).where(
                    file_contents.c.source_file_id == claim.file_id
                )
            ).first()
            read[claim.file_id] = (
                None
                if row is None
                else read_837(_unpack(row.compression, row.data), file=claim.file)
            )
        parsed = read[claim.file_id]
        if parsed is None:
            continue
        for batch in parsed.batches:
            for found in batch.claims:
                if found.segment == claim.segment:
                    out.setdefault(found.patient_control_number, []).append(
                        OriginalClaim(found, batch)
                    )
    return out
