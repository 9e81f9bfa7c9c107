"""What triage needs, read back from the store, per practice or for one stored denial.

The store keeps data and answers queries; it never runs triage. :mod:`recoup.pipeline` asks
this module for the inputs (each practice's remittances as the store holds them, and the
practice rebuilt from its rows), triages them, and hands the result to
:mod:`recoup.store.worklist` to keep.

For one stored denial (a letter, a download) only its patient's claims are read again: the
files that carry them, cut to that patient (:func:`patient_inputs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from recoup.practice import Practice
from recoup.records import ClaimPayment
from recoup.store.denial_rows import DenialRow
from recoup.store.sources import NO_PRACTICE, load_practice, practice_sources, read_results
from recoup.store.tables import claims, remittances
from recoup.x12 import ParseResult

__all__ = ["PracticeInputs", "claim_patients", "patient_inputs", "practice_inputs"]


class PracticeInputs(NamedTuple):
    """One practice's triage inputs (``practice_key`` "" = remittances of no known practice)."""

    practice_key: str
    practice: Practice | None
    results: list[ParseResult]
    missing_files: tuple[str, ...]  # imported before the store kept bytes: re-import them
    file_ids: dict[str, int]  # the name each result was read under -> its stored file id


def claim_patients(practice: Practice | None) -> dict[str, str]:
    """CLP01 -> patient id, from visits.csv (the first row of each claim), as triage does."""
    out: dict[str, str] = {}
    if practice is not None:
        for visit in practice.visits:
            out.setdefault(visit.claim_id, visit.patient_id)
    return out


def practice_inputs(conn: Connection, keys: Iterable[str] | None = None) -> list[PracticeInputs]:
    """Every practice's inputs (or those ``keys`` names) that has remittances in the store."""
    out = []
    for key, sources in practice_sources(conn, keys).items():
        read = read_results(conn, sources)
        practice = load_practice(conn, key) if key != NO_PRACTICE else None
        missing = tuple(dict.fromkeys(read.missing))
        out.append(PracticeInputs(key, practice, read.results, missing, read.file_ids))
    return out


def _patient_key(claim_patients: dict[str, str], claim: ClaimPayment) -> str:
    pid = claim_patients.get(claim.patient_control_number)
    if pid is not None:
        return f"id:{pid}"
    member = claim.patient.id if claim.patient else ""
    return f"member:{member}" if member else f"claim:{claim.patient_control_number}"


def patient_inputs(conn: Connection, row: DenialRow) -> PracticeInputs | None:
    """The inputs to triage just the patient of one stored denial (their claims are the
    rules' history), or None when the store no longer holds its remittance."""
    practice = load_practice(conn, row.practice_key) if row.practice_key else None
    patients = claim_patients(practice)
    sources = practice_sources(conn, [row.practice_key]).get(row.practice_key)
    if sources is None:
        return None
    accounts = {row.patient_account}
    if row.patient_id is not None:
        accounts |= {c for c, p in patients.items() if p == row.patient_id}
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
    read = read_results(conn, sources)
    results, lacking = read.results, read.missing
    target = None
    for result in results:
        for remit in result.remittances:
            for claim in remit.claims:
                if (claim.patient_control_number, claim.payer_claim_id) == (
                    row.patient_account,
                    row.payer_claim_id,
                ):
                    target = _patient_key(patients, claim)
    if target is None:
        return None
    narrowed = [_only_patient(r, patients, target) for r in results]
    return PracticeInputs(row.practice_key, practice, narrowed, tuple(lacking), read.file_ids)


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
