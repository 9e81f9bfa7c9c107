"""The store's one API: open it, import files and folders into it, read claims back.

    >>> with Store.open("recoup.db") as store:                    # doctest: +SKIP
    ...     result = store.import_path(Path("era/2026-04-17.835"))
    ...     history = store.claim_history("BP26036")

Every import is one write transaction (see :mod:`recoup.store.engine`): a file either lands
whole or leaves the store exactly as it was, whether it failed validation, the database
refused it, or the process stopped halfway. Parsing and validation happen before the
transaction starts, so the writer lock is held only while rows are written.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from recoup.findings import Finding, Severity
from recoup.practice import Practice, read_practice
from recoup.store import (
    accounts,
    outcomes,
    sent,
    sources,
    takebacks,
    teamwork,
    triage_inputs,
    worklist,
    worklist_query,
)
from recoup.store.accounts import AuditEntry, User
from recoup.store.contacts import PayerContact, payer_contacts
from recoup.store.denial_rows import MAX_PER_PAGE, DenialRow
from recoup.store.engine import (
    StoreError,
    create_store_engine,
    display_url,
    reading,
    resolve_url,
    writing,
)
from recoup.store.kpis import Kpis, compute_kpis
from recoup.store.migrate import upgrade
from recoup.store.outcomes import Event
from recoup.store.practices import TableChanges, folder_digest, write_practice
from recoup.store.queries import ClaimHistory, ClaimView, claim_history, list_claims
from recoup.store.remits import FileCounts, iter_plans, write_file
from recoup.store.sources import NO_PRACTICE, compress
from recoup.store.tables import file_contents, metadata, practices, source_files
from recoup.store.takebacks import RemittanceView
from recoup.store.teamwork import BulkResult, MyWork, Note, Reminder
from recoup.store.triage_inputs import PracticeInputs
from recoup.store.worklist import RefreshResult
from recoup.store.worklist_query import DenialPage, DenialQuery
from recoup.triage.model import Lane, Worklist
from recoup.x12 import ParseResult, read_835, read_837

if TYPE_CHECKING:
    from recoup.claims_out.correct import OriginalClaim

__all__ = ["ImportResult", "Store"]

Status = Literal["imported", "already imported", "failed"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file or folder did."""

    path: str
    kind: Literal["835", "837", "practice", "unknown"]
    status: Status
    claims: int = 0  # claim payments in the file
    new_claims: int = 0
    known_claims: int = 0  # already stored (the same claim payment from another file)
    repeated_claims: int = 0  # claim loops repeating an earlier one in the same file: stored once
    denials: int = 0  # denied lines among the new claims
    relinked: int = 0  # claims whose reversal links changed
    practice_keys: frozenset[str] = frozenset()  # practices whose worklist this changes
    left_out: int = 0  # transaction sets (payments) not posted: their errors are in findings
    changes: tuple[tuple[str, TableChanges], ...] = ()  # practice tables: inserted, updated
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _failed(
    path: Path, kind: Literal["835", "837", "practice", "unknown"], *findings: Finding
) -> ImportResult:
    return ImportResult(str(path), kind, "failed", findings=findings)


def _resent(path: Path, notes: tuple[str, ...]) -> tuple[Finding, ...]:
    """A payer's change of mind, shown at import (recoup.resends)."""
    return tuple(Finding(Severity.WARNING, "import.resent", note, str(path)) for note in notes)


def _error(path: Path, code: str, message: str) -> Finding:
    return Finding(Severity.ERROR, code, message, str(path))


class Store:
    """A recoup store: SQLite (default) or PostgreSQL, schema kept current on open."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, db: str | None = None, *, must_exist: bool = False) -> Store:
        """Open (and migrate) the store ``db`` names, else ``$RECOUP_DATABASE_URL``, else
        ``./recoup.db``. With ``must_exist``, a SQLite file that is not there is an error
        rather than a new empty store."""
        url = resolve_url(db)
        if url.startswith("sqlite"):
            _prepare_sqlite_file(make_url(url).database, must_exist=must_exist)
        engine = create_store_engine(url)
        try:
            upgrade(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"cannot open the store at {display_url(url)}: {reason}") from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- imports ---------------------------------------------------------------------------
    # Imports only store. The worklist is refreshed by the caller once per batch
    # (recoup.pipeline.import_paths): ``ImportResult.practice_keys`` says which practices to.

    def import_path(
        self, path: Path, *, skip_bad_rows: bool = False, strict: bool = False
    ) -> ImportResult:
        """An 835 file, an 837P file (the claims sent) or a practice folder."""
        if path.is_dir():
            return self.import_practice(path, skip_bad_rows=skip_bad_rows)
        if path.is_file():
            kind = _transaction_type(path)
            if kind == "837":
                return self.import_837(path)
            if kind is not None and kind != "835":
                what = _OTHER_SETS.get(kind, "another kind of X12 file")
                return _failed(
                    path,
                    "unknown",
                    _error(
                        path,
                        "file.not_imported",
                        f"this is an X12 {kind} ({what}), not an 835 remittance or an 837P "
                        "claim file: recoup imports 835 and 837P files; nothing was imported",
                    ),
                )
            return self.import_835(path, strict=strict)
        return _failed(path, "unknown", _error(path, "file.missing", "no such file or folder"))

    def import_835(self, path: Path, *, strict: bool = False) -> ImportResult:
        """Import one 835 file in one transaction.

        What can be posted is posted: envelope faults that do not touch the money are warnings
        (errors with ``strict``, the X12 rule), and a transaction set (one payment) that does
        not balance or cannot be read is left out and named while the file's other sets
        import. A corrected copy imported later adds only what is missing: the sets already
        stored are known by their content."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _failed(
                path, "835", _error(path, "file.unreadable", f"cannot read: {exc.strerror}")
            )
        return self.import_835_data(data, str(path), strict=strict)

    def import_835_data(self, data: bytes, name: str, *, strict: bool = False) -> ImportResult:
        """Import an 835's bytes read elsewhere (a batch's Parquet output), stored under
        ``name``, exactly as :meth:`import_835` imports a file."""
        path = Path(name)
        sha256 = hashlib.sha256(data).hexdigest()
        known = self._known_file(sha256)
        if known is not None:
            if known or not self._keep_bytes(sha256, data):
                return ImportResult(str(path), "835", "already imported")
            # imported before the store kept bytes: now it has them, and can triage the file
            keys = self._practices_of(read_835(data, file=str(path)))
            return ImportResult(str(path), "835", "already imported", practice_keys=keys)
        read = read_835(data, file=str(path), strict=strict)
        if not strict and self._strict_payees(read):
            # the payee's practice.toml asks for the X12 rule: [x12] strict = true
            read = read_835(data, file=str(path), strict=True)
        result, left_out = _postable(read, path)
        if result is None:
            return _failed(path, "835", *left_out)
        keys = self._practices_of(result)
        try:
            with writing(self.engine) as conn:
                if conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256)):
                    return ImportResult(str(path), "835", "already imported")
                # planned one remittance at a time as it is written: memory stays flat
                counts = write_file(conn, sha256, str(path), len(data), iter_plans(result))
                _write_bytes(conn, sha256, data)
                worklist.mark_pending(conn, keys)
        except SQLAlchemyError as exc:
            return _failed(path, "835", _store_error(path, exc))
        return ImportResult(
            str(path),
            "835",
            "imported",
            claims=counts.claims,
            new_claims=counts.new_claims,
            known_claims=counts.known_claims,
            repeated_claims=counts.repeated,
            denials=counts.denials,
            relinked=counts.relinked,
            practice_keys=keys,
            findings=result.findings
            + left_out
            + _repeat_findings(path, counts)
            + _resent(path, counts.resent),
            left_out=sum(f.code == "import.left_out" for f in left_out),
        )

    def import_837(self, path: Path) -> ImportResult:
        """Import one 837P file (the claims the practice sent) in one transaction. Any error
        in the file (an 837I, a set cut off before its SE, a claim that cannot be read) means
        nothing is written: the practice fixes the file and imports it again."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _failed(
                path, "837", _error(path, "file.unreadable", f"cannot read: {exc.strerror}")
            )
        sha256 = hashlib.sha256(data).hexdigest()
        if self._known_file(sha256) is not None:
            return ImportResult(str(path), "837", "already imported")
        read = read_837(data, file=str(path))
        if not read.ok:
            return _failed(path, "837", *read.findings)
        plans = sent.plan_sent(read.batches)
        if not plans:
            return _failed(path, "837", _error(path, "x12.empty", "no 837P claim in the file"))
        npis = {p.row["billing_npi"] for p in plans}
        try:
            with writing(self.engine) as conn:
                if conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256)):
                    return ImportResult(str(path), "837", "already imported")
                counts = sent.write_sent(conn, sha256, str(path), data, plans)
                found = {
                    r.npi: r.practice_key
                    for r in conn.execute(select(practices.c.npi, practices.c.practice_key))
                }
                keys = frozenset({found[n] for n in npis if n in found})
                if counts.new_claims:
                    worklist.mark_pending(conn, keys)
        except SQLAlchemyError as exc:
            return _failed(path, "837", _store_error(path, exc))
        return ImportResult(
            str(path),
            "837",
            "imported",
            claims=counts.claims,
            new_claims=counts.new_claims,
            known_claims=counts.known_claims,
            practice_keys=keys if counts.new_claims else frozenset(),
            findings=read.findings,
        )

    def import_practice(self, folder: Path, *, skip_bad_rows: bool = False) -> ImportResult:
        practice, findings = read_practice(folder, skip_bad_rows=skip_bad_rows)
        if practice is None:
            return _failed(folder, "practice", *findings)
        sha256, size = folder_digest(folder)
        try:
            with writing(self.engine) as conn:
                changes = write_practice(conn, practice, sha256, size)
                changed = any(c.inserted or c.updated for c in changes.values())
                if changed:
                    worklist.mark_pending(conn, {practice.key, NO_PRACTICE})
        except SQLAlchemyError as exc:
            return _failed(folder, "practice", _store_error(folder, exc))
        return ImportResult(
            str(folder),
            "practice",
            "imported" if changed else "already imported",
            practice_keys=frozenset({practice.key, NO_PRACTICE}) if changed else frozenset(),
            changes=tuple(changes.items()),
            findings=tuple(findings),
        )

    def _practices_of(self, result: object) -> frozenset[str]:
        """The practices an 835's remittances belong to (by payee NPI), and "" when some
        belong to no known practice (the refresh then works that out from the claims)."""
        payees = {rem.payee.id for rem in getattr(result, "remittances", ())}
        with reading(self.engine) as conn:
            found = {
                r.npi: r.practice_key
                for r in conn.execute(select(practices.c.npi, practices.c.practice_key))
            }
        keys = {found[p] for p in payees if p in found}
        if payees - set(found):
            keys |= set(found.values()) | {NO_PRACTICE}  # matched by CLP01 later, if at all
        return frozenset(keys)

    def _strict_payees(self, result: object) -> bool:
        """Whether a practice paid in ``result`` (by payee NPI) keeps [x12] strict = true."""
        payees = {rem.payee.id for rem in getattr(result, "remittances", ())} - {""}
        if not payees:
            return False
        with reading(self.engine) as conn:
            found = conn.scalar(
                select(practices.c.id).where(
                    practices.c.npi.in_(sorted(payees)), practices.c.x12_strict.is_(True)
                )
            )
        return found is not None

    def _keep_bytes(self, sha256: str, data: bytes) -> bool:
        """Store the bytes of a file imported before 0002 (True when they were missing)."""
        with writing(self.engine) as conn:
            return _write_bytes(conn, sha256, data)

    def _known_file(self, sha256: str) -> bool | None:
        """None: a new file; else whether the store has its bytes."""
        with reading(self.engine) as conn:
            found = conn.execute(
                select(source_files.c.id, file_contents.c.source_file_id)
                .outerjoin(file_contents, file_contents.c.source_file_id == source_files.c.id)
                .where(source_files.c.sha256 == sha256)
            ).first()
        return None if found is None else found[1] is not None

    # -- reading ---------------------------------------------------------------------------

    def practices(self) -> list[Practice]:
        """Every practice the store holds, rebuilt from its rows (its folder is where it was
        imported from: the documents the rows point to)."""
        with reading(self.engine) as conn:
            keys = list(conn.scalars(select(practices.c.practice_key).order_by(practices.c.id)))
            found = [sources.load_practice(conn, key) for key in keys]
        return [p for p in found if p is not None]

    def practice_names(self) -> list[tuple[str, str]]:
        """Each stored practice's key (NPI, else name) and name, by name: for a practice filter
        (light: reads no practice rows)."""
        with reading(self.engine) as conn:
            rows = conn.execute(select(practices.c.practice_key, practices.c.name)).all()
        return sorted(((r.practice_key, r.name) for r in rows), key=lambda r: (r[1], r[0]))

    def data_version(self) -> int:
        """Grows with every import that wrote something (for caches of what the store holds)."""
        with reading(self.engine) as conn:
            return int(conn.scalar(select(func.max(source_files.c.id))) or 0)

    def claims(self, patient: str | None = None) -> list[ClaimView]:
        with reading(self.engine) as conn:
            return list_claims(conn, patient)

    def claim_history(self, ident: str) -> list[ClaimHistory]:
        with reading(self.engine) as conn:
            return claim_history(conn, ident)

    def remittance(self, remittance_id: int) -> RemittanceView | None:
        """One stored check: its provider-level adjustments (PLB) and the reconciliation
        sum(CLP04) - sum(PLB) = BPR02 as sent (never corrected)."""
        with reading(self.engine) as conn:
            return takebacks.remittance_view(conn, remittance_id)

    def remittance_owner(self, remittance_id: int) -> str | None:
        """The practice key a stored check was paid to (by payee NPI, else by its claims'
        visits), or None when no stored practice is its payee."""
        with reading(self.engine) as conn:
            return sources.remittance_owners(conn).get(remittance_id)

    def remittance_of(
        self, *, claim_id: int | None = None, trace_number: str = "", payer_name: str = ""
    ) -> int | None:
        """The id of the stored check carrying a claim, or with a trace number and payer."""
        with reading(self.engine) as conn:
            return takebacks.remittance_of(
                conn, claim_id=claim_id, trace_number=trace_number, payer_name=payer_name
            )

    def sent_claims(self, patient_control_number: str) -> list[sent.SentClaim]:
        """The stored 837P claims sent with this CLM01, oldest first."""
        with reading(self.engine) as conn:
            return sent.sent_claims_by_number(conn, patient_control_number)

    def unanswered_claims(
        self, practice_keys: Iterable[str] | None = None
    ) -> list[sent.Unanswered]:
        """Sent claims no stored 835 answers yet, with their practice (all, or those named)."""
        with reading(self.engine) as conn:
            return sent.unanswered_claims(conn, practice_keys)

    def original_claims(self, patient_control_number: str) -> dict[str, list[OriginalClaim]]:
        """The stored 837P claims with this CLM01, each re-read whole from its stored file (all
        its loops), for a corrected claim: ``{CLM01: [oldest, ..., latest]}``."""
        with reading(self.engine) as conn:
            return sent.original_claims(conn, patient_control_number)

    # -- the worklist ------------------------------------------------------------------------
    # The store keeps the worklist; recoup.pipeline triages (it reads the inputs here).

    def practice_inputs(self, practice_keys: Iterable[str] | None = None) -> list[PracticeInputs]:
        """What triage needs for each practice (all, or those named), as the store holds it.
        Files imported before the store kept bytes are left out and named in the result."""
        with reading(self.engine) as conn:
            return triage_inputs.practice_inputs(conn, practice_keys)

    def patient_inputs(self, denial_key: int | str, *, today: date) -> PracticeInputs | None:
        """The inputs to triage again just the patient of one stored denial."""
        with reading(self.engine) as conn:
            row = worklist_query.find(conn, denial_key, today)
            return None if row is None else triage_inputs.patient_inputs(conn, row)

    def pending_refreshes(self) -> set[str]:
        """Practices an import changed whose worklist no refresh has caught up with (a refresh
        that was stopped, or a batch that ended before its refresh)."""
        with reading(self.engine) as conn:
            return worklist.pending(conn)

    def save_worklist(
        self,
        today: date,
        inputs: Sequence[PracticeInputs],
        worklists: Mapping[str, Worklist],
        practice_keys: Iterable[str] | None = None,
    ) -> RefreshResult:
        """Keep triage's answer (``worklists`` by practice key) in ``denials``, keeping the
        workflow of every known denial (see :mod:`recoup.store.worklist`)."""
        return worklist.save(self.engine, today, inputs, worklists, practice_keys)

    def denials(self, q: DenialQuery | None = None, *, today: date | None = None) -> DenialPage:
        """A page of the stored worklist; days left count from ``q.today`` or ``today``."""
        q = q or DenialQuery()
        day = q.today or today
        if day is None:
            raise ValueError("a worklist query needs today's date (DenialQuery.today or today=)")
        with reading(self.engine) as conn:
            return worklist_query.query(conn, q, day)

    def denial(
        self,
        denial_key: int | str,
        *,
        today: date,
        practice_keys: frozenset[str] | None = None,
    ) -> DenialRow | None:
        """A denial by numeric id or denial id (``BP26021-1@2026...``); with
        ``practice_keys``, only one of those practices."""
        with reading(self.engine) as conn:
            return worklist_query.find(conn, denial_key, today, practice_keys)

    def payer_contacts(self, row: DenialRow) -> list[PayerContact]:
        """The payer's contacts (835 PER: claims line, EDI help, web site) for a denial, read
        from the 835 its claim came in; for a takeback review (no claim), from the 835 of the
        check whose PLB it is (its denial id is the trace number, ``-PLB`` and the position).
        Empty when the store has none."""
        with reading(self.engine) as conn:
            if row.lane == Lane.REVIEW_TAKEBACK:
                trace = row.denial_id.rpartition("-PLB")[0]
                check = takebacks.remittance_of(conn, trace_number=trace, payer_name=row.payer_name)
                if check is None:
                    return []
                return payer_contacts(conn, "", "", row.payer_name, remittance_id=check)
            return payer_contacts(conn, row.patient_account, row.payer_claim_id, row.payer_name)

    def stored_835(self, file_id: int) -> bytes | None:
        """An imported 835's bytes by its stored file id (evidence names it)."""
        with reading(self.engine) as conn:
            return sources.stored_835(conn, file_id)

    def mark_sent(
        self, denial_key: int | str, sent_date: date, channel: str, user: str
    ) -> DenialRow:
        return worklist_query.mark_sent(self.engine, denial_key, sent_date, channel, user)

    def record_outcome(
        self,
        denial_key: int | str,
        outcome: str,
        amount: Decimal,
        outcome_date: date,
        user: str,
        *,
        reference: str | None = None,
        force: bool = False,
    ) -> DenialRow:
        """Record how a denial ended (won, partly_won, lost, written_off, billed_patient,
        billed_other_payer) and close it; ``lost`` on a sent appeal opens the next appeal level
        when there is one. A closed denial's outcome is replaced only with ``force``."""
        return worklist_query.record_outcome(
            self.engine,
            denial_key,
            outcome,
            amount,
            outcome_date,
            user,
            reference=reference,
            force=force,
        )

    def undo_outcome(self, denial_key: int | str, user: str, *, today: date) -> DenialRow:
        """Take back the last outcome a person recorded (the item is open or sent again)."""
        return worklist_query.undo_outcome(self.engine, denial_key, user, today)

    def events(self, row_id: int) -> list[Event]:
        """The denial's steps (sent, decided, level opened, paid, undone), oldest first."""
        with reading(self.engine) as conn:
            return outcomes.events(conn, row_id)

    # -- the team's work (recoup.store.teamwork): by denials row ids, audited -------------------

    def all_denials(self, q: DenialQuery, *, today: date) -> list[DenialRow]:
        """Every denial ``q`` matches (all its pages), in its order: what an export holds."""
        rows: list[DenialRow] = []
        page_no = 1
        with reading(self.engine) as conn:
            while True:
                wanted = replace(q, page=page_no, per_page=MAX_PER_PAGE)
                page = worklist_query.query(conn, wanted, today)
                rows.extend(page.rows)
                if len(page.rows) < MAX_PER_PAGE:
                    return rows
                page_no += 1

    def matching_ids(self, q: DenialQuery, *, today: date) -> list[int]:
        with reading(self.engine) as conn:
            return worklist_query.matching_ids(conn, q, today)

    def assign(self, ids: Iterable[int], assignee: str | None, user: str) -> list[int]:
        """Give the denials to ``assignee`` (None: unassign); the rows that changed."""
        return teamwork.assign(self.engine, ids, assignee, user)

    def set_follow_up(self, ids: Iterable[int], day: date | None, user: str) -> list[int]:
        return teamwork.set_follow_up(self.engine, ids, day, user)

    def set_work_status(self, ids: Iterable[int], status: str, user: str) -> list[int]:
        return teamwork.set_work_status(self.engine, ids, status, user)

    def add_note(
        self,
        row_id: int,
        author: str,
        text: str,
        *,
        kind: str = "note",
        contact: str = "",
        reference: str = "",
    ) -> Note:
        return teamwork.add_note(
            self.engine, row_id, author, text, kind=kind, contact=contact, reference=reference
        )

    def notes(self, row_id: int) -> list[Note]:
        """A denial's notes and calls, newest first."""
        return teamwork.notes(self.engine, row_id)

    def mark_sent_many(
        self, ids: Iterable[int], sent_date: date, channel: str, user: str
    ) -> BulkResult:
        """Mark each denial sent; one that cannot be (closed, an earlier date) is refused with
        its reason while the others are marked."""
        done: list[int] = []
        refused: list[tuple[int, str]] = []
        for row_id in dict.fromkeys(ids):
            try:
                self.mark_sent(row_id, sent_date, channel, user)
            except ValueError as exc:
                refused.append((row_id, str(exc)))
            else:
                done.append(row_id)
        return BulkResult(tuple(done), tuple(refused))

    def write_off(self, ids: Iterable[int], reason: str, on: date, user: str) -> BulkResult:
        """Close each denial as written off (its whole denied amount) with a reason code
        (teamwork.WRITE_OFF_REASONS); a closed one is refused."""
        teamwork.check_write_off_reason(reason)
        done: list[int] = []
        refused: list[tuple[int, str]] = []
        for row_id in dict.fromkeys(ids):
            row = self.denial(row_id, today=on)
            if row is None:
                refused.append((row_id, f"there is no denial {row_id} in the store"))
                continue
            if row.status == "closed":
                refused.append((row_id, f"denial {row_id} is closed already"))
                continue
            try:
                self.record_outcome(row_id, "written_off", row.denied_amount, on, user)
            except ValueError as exc:
                refused.append((row_id, str(exc)))
                continue
            done.append(row_id)
        if done:
            teamwork.set_write_off_reason(self.engine, done, reason, user)
        return BulkResult(tuple(done), tuple(refused))

    def my_work(
        self,
        username: str,
        today: date,
        days: int = 14,
        practice_keys: frozenset[str] | None = None,
    ) -> MyWork:
        return teamwork.my_work(self.engine, username, today, days, practice_keys)

    def reminders(
        self,
        today: date,
        days: int = 14,
        user: str | None = None,
        practice_keys: frozenset[str] | None = None,
    ) -> dict[str, list[Reminder]]:
        """Per user (and "unassigned"), the deadlines and follow-ups due by today + days,
        within ``practice_keys`` (None: every practice)."""
        return teamwork.reminders(self.engine, today, days, user, practice_keys)

    def reminders_by_access(self, groups: dict[str, list[Reminder]]) -> dict[str, list[Reminder]]:
        """Each user's reminders kept to the practices that user may see (a practice taken
        away is not mailed to them); "unassigned" and names without an account stay whole."""
        out: dict[str, list[Reminder]] = {}
        for who, items in groups.items():
            account = self.user(who)
            allowed = None if account is None else self.allowed_practices(who, account.role)
            kept = [i for i in items if allowed is None or i.row.practice_key in allowed]
            if kept:
                out[who] = kept
        return out

    def visible_ids(self, ids: Iterable[int], practice_keys: frozenset[str] | None) -> list[int]:
        """Those of ``ids`` a user of ``practice_keys`` may act on (None: all that exist)."""
        return teamwork.visible_ids(self.engine, ids, practice_keys)

    def allowed_practices(self, username: str, role: str) -> frozenset[str] | None:
        """The practices the user may see (None: every one)."""
        with reading(self.engine) as conn:
            return accounts.allowed_practices(conn, username, role)

    def user_emails(self) -> dict[str, str]:
        return teamwork.user_emails(self.engine)

    def set_user_email(self, username: str, email: str | None, by: str) -> None:
        teamwork.set_email(self.engine, username, email, by)

    def new_calendar_token(self, username: str) -> str:
        return teamwork.new_calendar_token(self.engine, username)

    def calendar_user(self, token: str) -> str | None:
        return teamwork.calendar_user(self.engine, token)

    def has_calendar(self, username: str) -> bool:
        return teamwork.has_calendar(self.engine, username)

    def kpis(
        self,
        today: date,
        months: int = 12,
        practice_keys: frozenset[str] | None = None,
        *,
        practice: str | None = None,
    ) -> Kpis:
        """The KPIs over every practice, or only ``practice_keys`` (a user's), or only one
        (``practice``: its key, the NPI else the name; within ``practice_keys``)."""
        with reading(self.engine) as conn:
            return compute_kpis(conn, today, months, practice_keys, practice)

    def files_without_bytes(self) -> list[str]:
        """835 files imported before the store kept their bytes: re-import them to triage."""
        with reading(self.engine) as conn:
            query = (
                select(source_files.c.name)
                .outerjoin(file_contents, file_contents.c.source_file_id == source_files.c.id)
                .where(source_files.c.kind == "835", file_contents.c.source_file_id.is_(None))
                .order_by(source_files.c.id)
            )
            return list(conn.scalars(query))

    # -- accounts ----------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: str) -> User:
        return accounts.create_user(self.engine, username, password, role)

    def verify_login(self, username: str, password: str) -> User | None:
        return accounts.verify_login(self.engine, username, password)

    def users(self) -> list[User]:
        return accounts.list_users(self.engine)

    def user(self, username: str) -> User | None:
        return accounts.find_user(self.engine, username)

    def set_user_disabled(self, username: str, disabled: bool) -> User:
        return accounts.set_disabled(self.engine, username, disabled)

    def practice_grants(self, username: str) -> list[str]:
        """The practice keys a user was granted (``*``: every practice)."""
        return accounts.practice_grants(self.engine, username)

    def practice_key(self, text: str) -> str | None:
        """The key of the stored practice ``text`` names (its key, NPI or name, any case), or
        ``*`` for every practice; None when no stored practice is meant."""
        wanted = text.strip()
        if wanted == accounts.ALL_PRACTICES:
            return wanted
        for practice in self.practices():
            if wanted in (practice.key, practice.npi) or wanted.casefold() == (
                practice.name.casefold()
            ):
                return practice.key
        return None

    def grant_practice(self, username: str, practice_key: str) -> bool:
        return accounts.grant_practice(self.engine, username, practice_key)

    def revoke_practice(self, username: str, practice_key: str) -> bool:
        return accounts.revoke_practice(self.engine, username, practice_key)

    def audit(
        self,
        username: str,
        action: str,
        *,
        patient_id: str | None = None,
        denial_id: str | None = None,
        detail: str = "",
    ) -> None:
        accounts.audit(
            self.engine,
            username,
            action,
            patient_id=patient_id,
            denial_id=denial_id,
            detail=detail,
        )

    def audit_entries(self, limit: int = 100, patient_id: str | None = None) -> list[AuditEntry]:
        return accounts.audit_entries(self.engine, limit, patient_id)

    def login_allowed(self, username: str, remote: str, now: datetime) -> bool:
        return accounts.login_allowed(self.engine, username, remote, now)

    def record_login_attempt(self, username: str, remote: str, ok: bool, now: datetime) -> None:
        accounts.record_login_attempt(self.engine, username, remote, ok, now)

    def row_counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        with reading(self.engine) as conn:
            return {
                name: conn.scalar(select(func.count()).select_from(table)) or 0
                for name, table in metadata.tables.items()
            }


_OTHER_SETS = {
    "270": "an eligibility inquiry",
    "271": "an eligibility response",
    "276": "a claim status inquiry",
    "277": "a claim status response",
    "278": "a prior authorization request or response",
    "820": "a premium payment",
    "834": "a benefit enrollment",
    "997": "a functional acknowledgment",
    "999": "an implementation acknowledgment",
}


def _transaction_type(path: Path) -> str | None:
    """The file's first transaction set's type (ST01: "835", "837", "270"), read from its first
    bytes; None when that is not an X12 interchange with an ST there (the 835 reader then says
    what is wrong)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8192)
    except OSError:
        return None
    text = head.lstrip()
    if not text.startswith(b"ISA") or len(text) < 4:
        return None
    sep = re.escape(text[3:4])
    found = re.search(rb"(?:^|[^A-Z0-9])ST" + sep + rb"(\d{3})" + sep, text)
    return found.group(1).decode() if found else None


def _postable(result: ParseResult, path: Path) -> tuple[ParseResult | None, tuple[Finding, ...]]:
    """The file cut to what can be posted, and a finding naming each payment left out; None
    (nothing to post) when no set can be posted or an error lies outside every set."""
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    postable = result.postable
    inside = {id(f) for _, found in result.rejected for f in found}
    if not postable or any(id(f) not in inside for f in errors):
        if not errors:
            return None, (_error(path, "x12.empty", "no 835 remittance in the file"),)
        return None, result.findings
    notes = tuple(
        Finding(
            Severity.ERROR,
            "import.left_out",
            f"the payment of transaction set {remit.control_number or '?'} (trace "
            f"{remit.trace_number or '?'}) was not posted: {len(found)} error(s) inside it; "
            "the file's other payments were",
            str(path),
            segment=remit.segment,
        )
        for remit, found in result.rejected
    )
    return result._replace(remittances=postable), notes


def _repeat_findings(path: Path, counts: FileCounts) -> tuple[Finding, ...]:
    """A warning for each claim loop that repeats an earlier one of the same file exactly (it
    is stored once: the payer sent the same payment twice in one file, not two payments)."""
    return tuple(
        Finding(
            Severity.WARNING,
            "import.repeated_claim",
            f"claim {number} repeats the claim payment at segment {first} exactly; it is stored "
            "once and counted once",
            str(path),
            segment=segment,
        )
        for segment, first, number in counts.repeats
    )


def _prepare_sqlite_file(database: str | None, *, must_exist: bool) -> None:
    """A new store file is readable by its owner only: it holds patients' health information
    (SQLite gives its -wal and -shm files the same mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    if must_exist:
        raise StoreError(f"no store at {path}: import some files first")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # another process created it first
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror}") from exc


def _write_bytes(conn: Connection, sha256: str, data: bytes) -> bool:
    """Keep an imported file's bytes (once); True when they were written now."""
    file_id = conn.scalar(select(source_files.c.id).where(source_files.c.sha256 == sha256))
    if file_id is None:
        return False
    known = conn.scalar(
        select(file_contents.c.source_file_id).where(file_contents.c.source_file_id == file_id)
    )
    if known is not None:
        return False
    compression, packed = compress(data)
    conn.execute(
        insert(file_contents),
        {"source_file_id": file_id, "compression": compression, "data": packed},
    )
    return True


def _store_error(path: Path, exc: SQLAlchemyError) -> Finding:
    reason = getattr(exc, "orig", None) or exc
    return _error(
        path, "store.write", f"the store refused the import, nothing was written: {reason}"
    )
