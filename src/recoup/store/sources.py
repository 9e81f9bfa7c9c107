"""What triage needs, read back from the store: each practice, and the remittances that are its.

* A :class:`~recoup.practice.Practice` is rebuilt from the practice tables (every row the store
  holds, each with the file and row it came from), so triage from the store does not need the
  folder any more (an uploaded folder is gone after its import).
* Each imported 835's bytes are kept (zlib) in ``file_contents`` and read again with the same
  reader. Only what the store itself holds is kept from each file: a remittance or a claim
  payment that an earlier file already brought (the same payment sent again) is left out, so
  nothing is triaged twice. Files imported before migration 0002 have no bytes: they are
  reported by name ("re-import to triage").
* A remittance belongs to the practice whose NPI is its payee id (N1*PE), else to the practice
  whose visits.csv names its claims (CLP01), else to no practice (key ``""``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, func, select

from recoup.practice import (
    Authorization,
    AuthPer,
    AuthUnit,
    Benefit,
    BenefitPeriod,
    BenefitUnit,
    CoMemberBilling,
    CorrectionForm,
    Coverage,
    FeeScheduleRow,
    MonthDay,
    Patient,
    PatientPayment,
    PayerInfo,
    PayerType,
    PaymentMethod,
    PeriodKind,
    Practice,
    RecordRef,
    Visit,
    Waiver,
    WaiverKind,
)
from recoup.store.tables import (
    authorizations,
    benefits,
    claims,
    coverages,
    documents,
    fee_schedules,
    file_contents,
    patient_payments,
    patients,
    payers,
    practices,
    remittances,
    source_files,
    visits,
    waivers,
)
from recoup.x12 import ParseResult, read_835

__all__ = [
    "NO_PRACTICE",
    "PracticeSources",
    "StoredResults",
    "compress",
    "load_practice",
    "practice_sources",
    "read_results",
    "remittance_owners",
    "stored_835",
    "stored_file_label",
]

NO_PRACTICE = ""  # the key of remittances no practice on file claims
_CHUNK = 500


def compress(data: bytes) -> tuple[str, bytes]:
    return "zlib", zlib.compress(data, 6)


def _decompress(compression: str, data: bytes) -> bytes:
    if compression != "zlib":
        raise ValueError(f"unknown compression {compression!r}")
    return zlib.decompress(data)


# -- the practice --------------------------------------------------------------------------------


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _rows(conn: Connection, table: Table, practice_id: int) -> list[Any]:
    found = conn.execute(select(table).where(table.c.practice_id == practice_id)).all()
    return sorted(found, key=lambda r: (r.source_row or 0, r.id))


def _month_day(text: str | None) -> MonthDay | None:
    if not text:
        return None
    month, _, day = text.partition("-")
    return MonthDay(int(month), int(day))


def _period(text: str) -> BenefitPeriod:
    kind, _, months = text.partition(":")
    return BenefitPeriod(PeriodKind(kind), int(months) if months else None)


def _payer(r: Any) -> PayerInfo:
    extra = json.loads(r.settings or "{}")
    form = extra.get("correction_form")
    tolerance = extra.get("underpayment_tolerance")
    return PayerInfo(
        r.payer_id,
        r.name,
        PayerType(r.payer_type) if r.payer_type else None,
        r.appeal_address,
        r.appeal_days,
        state=extra.get("state") or "",
        correction_form=CorrectionForm(form) if form else None,
        co_member_billing=CoMemberBilling(extra.get("co_member_billing") or "no"),
        corrected_claim_days=extra.get("corrected_claim_days"),
        corrected_claim_from=extra.get("corrected_claim_from") or "",
        underpayment_tolerance=Decimal(tolerance) if tolerance is not None else None,
        remit_days=extra.get("remit_days"),
        fee_schedule=extra.get("fee_schedule") or "",
        fee_percent=Decimal(percent) if (percent := extra.get("fee_percent")) else None,
    )


def load_practice(conn: Connection, practice_key: str) -> Practice | None:
    """The practice as the store holds it (``None`` when there is no such practice)."""
    head = conn.execute(select(practices).where(practices.c.practice_key == practice_key)).first()
    if head is None:
        return None
    folder = head.folder or ""
    pid = head.id

    def place(name: str) -> str:
        return str(Path(folder) / name) if folder else name

    return Practice(
        folder=folder,
        name=head.name,
        npi=head.npi,
        tax_id=head.tax_id,
        address=head.address,
        phone=head.phone,
        signer_name=head.signer_name,
        signer_title=head.signer_title,
        x12_strict=bool(head.x12_strict),
        payers=tuple(_payer(r) for r in _rows(conn, payers, pid)),
        patients=tuple(
            Patient(
                r.patient_id,
                r.first_name,
                r.last_name,
                r.birth_date,
                r.account_number,
                place("patients.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, patients, pid)
        ),
        coverages=tuple(
            Coverage(
                r.patient_id,
                r.payer_id,
                r.payer_name,
                PayerType(r.payer_type),
                r.rank,
                r.member_id,
                r.group_number,
                r.plan_name,
                _month_day(r.plan_year_start),
                r.effective_date,
                r.end_date,
                place("coverages.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, coverages, pid)
        ),
        benefits=tuple(
            Benefit(
                r.patient_id,
                r.payer_id,
                r.benefit,
                r.limit_amount,
                BenefitUnit(r.unit),
                _period(r.period),
                _codes(r.counts_codes),
                _codes(r.excludes_codes),
                r.used_elsewhere,
                r.as_of,
                place("benefits.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, benefits, pid)
        ),
        authorizations=tuple(
            Authorization(
                r.patient_id,
                r.payer_id,
                r.auth_number,
                _codes(r.codes),
                r.units,
                AuthUnit(r.unit),
                AuthPer(r.per),
                r.start_date,
                r.end_date,
                place("authorizations.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, authorizations, pid)
        ),
        visits=tuple(
            Visit(
                r.patient_id,
                r.claim_id,
                r.line,
                r.service_date,
                r.code,
                _codes(r.modifiers),
                r.units,
                r.charge,
                r.start_time,
                r.end_time,
                r.rendering_provider,
                r.supervising_provider,
                r.note_ref,
                place("visits.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, visits, pid)
        ),
        waivers=tuple(
            Waiver(
                r.patient_id,
                r.payer_id,
                WaiverKind(r.kind),
                r.signed_date,
                _codes(r.codes),
                r.valid_through,
                place("waivers.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, waivers, pid)
        ),
        records=tuple(
            RecordRef(
                r.file_name,
                r.patient_id,
                r.service_date,
                r.kind,
                place("records/index.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, documents, pid)
        ),
        fee_schedules=tuple(
            FeeScheduleRow(
                r.payer_id,
                r.code,
                _codes(r.modifiers),
                r.allowed,
                r.valid_from,
                r.valid_to,
                place(f"fee_schedules/{r.payer_id}.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, fee_schedules, pid)
        ),
        payments=tuple(
            PatientPayment(
                r.paid_on,
                r.patient_id,
                r.claim_id,
                r.amount,
                PaymentMethod(r.method),
                r.reference,
                place("payments.csv"),
                r.source_row or 0,
            )
            for r in _rows(conn, patient_payments, pid)
        ),
    )


# -- the remittances -----------------------------------------------------------------------------


class PracticeSources(NamedTuple):
    """Where one practice's remittances are: per stored file, which remittances (by segment)
    and which of their claim payments (by segment) are the store's own."""

    practice_key: str
    files: dict[int, dict[int, frozenset[int]]]  # file id -> remittance segment -> claim segments


def _chunks(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def remittance_owners(conn: Connection) -> dict[int, str]:
    """Each stored remittance's practice key (by payee NPI, else by the claims' visits)."""
    return _owners(conn)


def _owners(conn: Connection) -> dict[int, str]:
    """Each stored remittance's practice key."""
    by_npi = {
        r.npi: r.practice_key
        for r in conn.execute(
            select(practices.c.npi, practices.c.practice_key).order_by(practices.c.id)
        )
        if r.npi
    }
    owner: dict[int, str] = {}
    unmatched: list[int] = []
    for r in conn.execute(select(remittances.c.id, remittances.c.payee_id)):
        key = by_npi.get(r.payee_id)
        if key is None:
            unmatched.append(r.id)
        else:
            owner[r.id] = key
    for chunk in _chunks(unmatched):
        query = (
            select(claims.c.remittance_id, practices.c.practice_key)
            .join(visits, visits.c.claim_id == claims.c.patient_control_number)
            .join(practices, practices.c.id == visits.c.practice_id)
            .where(claims.c.remittance_id.in_(chunk))
            .distinct()
        )
        for r in sorted(conn.execute(query), key=lambda r: (r.remittance_id, r.practice_key)):
            owner.setdefault(r.remittance_id, r.practice_key)
    for remit_id in unmatched:
        owner.setdefault(remit_id, NO_PRACTICE)
    return owner


def practice_sources(
    conn: Connection, keys: Iterable[str] | None = None
) -> dict[str, PracticeSources]:
    """The sources of each practice (all of them, or those ``keys`` names) that has any."""
    wanted = None if keys is None else set(keys)
    owner = _owners(conn)
    remits = {
        r.id: (r.source_file_id, r.segment)
        for r in conn.execute(
            select(remittances.c.id, remittances.c.source_file_id, remittances.c.segment)
        )
        if wanted is None or owner[r.id] in wanted
    }
    claim_segments: dict[int, set[int]] = {}
    for chunk in _chunks(sorted(remits)):
        query = select(claims.c.remittance_id, claims.c.segment).where(
            claims.c.remittance_id.in_(chunk)
        )
        for r in conn.execute(query):
            claim_segments.setdefault(r.remittance_id, set()).add(r.segment)
    out: dict[str, PracticeSources] = {}
    for remit_id, (file_id, segment) in sorted(remits.items()):
        key = owner[remit_id]
        sources = out.setdefault(key, PracticeSources(key, {}))
        sources.files.setdefault(file_id, {})[segment] = frozenset(claim_segments.get(remit_id, ()))
    return out


def stored_835(conn: Connection, file_id: int) -> bytes | None:
    """The bytes of the stored 835 with this id (evidence names it), or None. Never looked up
    by name: two remittances can be named alike."""
    row = conn.execute(
        select(file_contents.c.compression, file_contents.c.data)
        .select_from(source_files)
        .join(file_contents, file_contents.c.source_file_id == source_files.c.id)
        .where(source_files.c.kind == "835", source_files.c.id == file_id)
    ).first()
    return None if row is None else _decompress(row.compression, row.data)


def _names_used_twice(conn: Connection) -> set[str]:
    """835 names that more than one stored file has (payers reuse names such as era.835)."""
    names = conn.scalars(
        select(source_files.c.name)
        .where(source_files.c.kind == "835")
        .group_by(source_files.c.name)
        .having(func.count() > 1)
    )
    return set(names)


def stored_file_label(name: str, file_id: int, shared: set[str]) -> str:
    """The name a stored 835 is read under: its own, or with its id when another stored file
    has the same name, so evidence of one never reads as the other's."""
    return f"{name} (stored file {file_id})" if name in shared else name


class StoredResults(NamedTuple):
    results: list[ParseResult]
    missing: list[str]  # names of files whose bytes the store does not have
    file_ids: dict[str, int]  # the name each result was read under -> its stored file id


def read_results(conn: Connection, sources: PracticeSources) -> StoredResults:
    """The practice's remittances read again from the stored bytes (the store's own claim
    payments only), each under a name unique in the store."""
    results: list[ParseResult] = []
    missing: list[str] = []
    file_ids: dict[str, int] = {}
    shared = _names_used_twice(conn)
    for file_id in sorted(sources.files):
        wanted = sources.files[file_id]
        row = conn.execute(
            select(source_files.c.name, file_contents.c.compression, file_contents.c.data)
            .select_from(source_files)
            .outerjoin(file_contents, file_contents.c.source_file_id == source_files.c.id)
            .where(source_files.c.id == file_id)
        ).one()
        if row.data is None:
            missing.append(row.name)
            continue
        label = stored_file_label(row.name, file_id, shared)
        file_ids[label] = file_id
        result = read_835(_decompress(row.compression, row.data), file=label)
        kept = []
        for remit in result.remittances:
            own = wanted.get(remit.segment)
            if own is None:
                continue
            mine = tuple(c for c in remit.claims if c.segment in own)
            kept.append(remit if len(mine) == len(remit.claims) else remit._replace(claims=mine))
        results.append(result._replace(remittances=tuple(kept)))
    return StoredResults(results, missing, file_ids)
