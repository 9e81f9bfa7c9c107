"""Reading a whole practice folder into a :class:`Practice`, with every problem as a finding.

Files are read in a fixed order: practice.toml, patients.csv, then the files that refer to
patients (coverages, benefits, authorizations, visits, waivers, records/index.csv, what patients
paid: payments.csv), then the contracted rates (``fee_schedules/<payer_id>.csv``, one file per
payer, in name order). Every row of every file is checked, so one run reports all the problems
of a folder. A folder with any error gives no practice, since an import must land whole; with
``skip_bad_rows`` the bad rows are left out instead (their findings become warnings saying so),
as long as practice.toml and every file's header are usable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from recoup.findings import Finding, Severity
from recoup.practice.model import (
    Authorization,
    AuthPer,
    AuthUnit,
    Benefit,
    BenefitUnit,
    Coverage,
    FeeScheduleRow,
    Patient,
    PatientPayment,
    PayerInfo,
    PayerType,
    PaymentMethod,
    Practice,
    RecordRef,
    Visit,
    Waiver,
    WaiverKind,
)
from recoup.practice.rows import Row, read_csv
from recoup.practice.settings import read_settings

__all__ = ["FEE_SCHEDULES", "PRACTICE_FILES", "practice_files", "read_practice"]

T = TypeVar("T")

PRACTICE_FILES = (
    "practice.toml",
    "patients.csv",
    "coverages.csv",
    "benefits.csv",
    "authorizations.csv",
    "visits.csv",
    "waivers.csv",
    "records/index.csv",
    "payments.csv",
)
FEE_SCHEDULES = "fee_schedules"  # fee_schedules/<payer_id>.csv: the contracted rates
_FEE_COLUMNS = ("code", "allowed")
_FEE_KNOWN = ("code", "modifiers", "allowed", "valid_from", "valid_to", "note")
_PAYMENT_COLUMNS = ("date", "patient_id", "claim_id", "amount")
_PAYMENT_KNOWN = (*_PAYMENT_COLUMNS, "method", "reference", "note")
_MAX_FEE_FILES = 500


def practice_files(folder: Path) -> list[str]:
    """The practice files of ``folder`` that exist or may: the fixed ones, then every
    ``fee_schedules/*.csv`` (sorted), as names relative to the folder."""
    names = list(PRACTICE_FILES)
    schedules = folder / FEE_SCHEDULES
    if schedules.is_dir():
        try:
            found = sorted(p.name for p in schedules.iterdir() if p.suffix.lower() == ".csv")
        except OSError:
            found = []
        names += [f"{FEE_SCHEDULES}/{name}" for name in found[:_MAX_FEE_FILES]]
    return names


def read_practice(
    folder: str | Path, *, skip_bad_rows: bool = False
) -> tuple[Practice | None, list[Finding]]:
    """Read a practice folder. The practice is ``None`` when anything keeps it from importing."""
    path = Path(folder)
    if not path.is_dir():
        return None, [Finding(Severity.ERROR, "practice.folder", "not a folder", str(path))]
    settings, findings = read_settings(path)
    findings = [dataclasses.replace(f, file=str(path / f.file)) for f in findings]
    reader = _Reader(path, skip_bad_rows)
    patients = reader.collect(
        "patients.csv", ("patient_id", "first_name", "last_name"), reader.patient
    )
    coverages = reader.collect(
        "coverages.csv", ("patient_id", "payer_id", "payer_type", "rank"), reader.coverage
    )
    benefits = reader.collect(
        "benefits.csv",
        ("patient_id", "payer_id", "benefit", "limit", "unit", "period"),
        reader.benefit,
    )
    authorizations = reader.collect(
        "authorizations.csv",
        ("patient_id", "payer_id", "auth_number", "units", "unit", "per", "start_date", "end_date"),
        reader.authorization,
    )
    visits = reader.collect(
        "visits.csv",
        ("patient_id", "claim_id", "service_date", "code", "charge"),
        reader.visit,
    )
    waivers = reader.collect(
        "waivers.csv", ("patient_id", "payer_id", "kind", "signed_date"), reader.waiver
    )
    records = reader.collect("records/index.csv", ("file", "patient_id"), reader.record)
    payments = reader.collect(
        "payments.csv", _PAYMENT_COLUMNS, reader.payment, known=_PAYMENT_KNOWN
    )
    fees = reader.fee_schedules()
    findings += reader.findings
    if settings is not None:
        findings += _missing_references(settings.payers, fees, str(path / "practice.toml"))
    file_errors = [f for f in findings if f.severity is Severity.ERROR and not _is_row(f)]
    row_errors = [f for f in findings if f.severity is Severity.ERROR and _is_row(f)]
    if settings is None or file_errors or (row_errors and not skip_bad_rows):
        return None, findings
    if row_errors:
        findings = [_skipped(f) if f.severity is Severity.ERROR else f for f in findings]
    practice = Practice(
        folder=str(path),
        name=settings.name,
        npi=settings.npi,
        tax_id=settings.tax_id,
        address=settings.address,
        phone=settings.phone,
        signer_name=settings.signer_name,
        signer_title=settings.signer_title,
        payers=settings.payers,
        x12_strict=settings.x12_strict,
        patients=patients,
        coverages=coverages,
        benefits=benefits,
        authorizations=authorizations,
        visits=visits,
        waivers=waivers,
        records=records,
        fee_schedules=fees,
        payments=payments,
    )
    return practice, findings


def _missing_references(
    payers: tuple[PayerInfo, ...], fees: tuple[FeeScheduleRow, ...], toml: str
) -> list[Finding]:
    """A payer paid as a percentage of a fee schedule the folder does not have: no line of
    theirs can be checked by it, which the biller should know (a warning, not an error: the
    rest of the practice is usable)."""
    have = {f.payer_id for f in fees}
    return [
        Finding(
            Severity.WARNING,
            "practice.fee_reference",
            f'payers.{p.payer_id} pays {p.fee_percent}% of fee_schedule "{p.fee_schedule}", '
            f"but fee_schedules/{p.fee_schedule}.csv has no rates (expected that file)",
            toml,
            column=f"payers.{p.payer_id}.fee_schedule",
        )
        for p in payers
        if p.fee_schedule and p.fee_schedule not in have
    ]


def _is_row(finding: Finding) -> bool:
    """A problem of one data row (which skipping can leave out), not of a whole file."""
    return finding.file.endswith(".csv") and finding.row is not None and finding.row > 1


def _skipped(finding: Finding) -> Finding:
    return dataclasses.replace(
        finding, severity=Severity.WARNING, message=f"{finding.message} (row skipped)"
    )


class _Reader:
    """Reads the CSV files one after another, remembering what later files refer to."""

    def __init__(self, folder: Path, skip_bad_rows: bool) -> None:
        self.folder = folder
        self.skip_bad_rows = skip_bad_rows
        self.findings: list[Finding] = []
        self.patient_rows: dict[str, int] = {}  # every patient id in patients.csv: its row
        self.bad_patients: set[str] = set()
        self.covered: set[tuple[str, str]] | None = None  # None: no coverages.csv
        self.claim_patients: dict[str, tuple[str, int]] = {}
        self.claim_lines: dict[str, int] = {}
        self.keys: dict[tuple[object, ...], int] = {}
        self.payer_file = ""  # the payer id of the fee schedule being read
        self.periods: dict[tuple[str, str, tuple[str, ...]], list[tuple[date, date, int]]] = {}

    def collect(
        self,
        name: str,
        columns: tuple[str, ...],
        build: Callable[[Row], T | None],
        *,
        known: tuple[str, ...] | None = None,
    ) -> tuple[T, ...]:
        """Every good row of ``name``; with ``known``, a header column not in it is a warning
        (a misspelt optional column, ``modifier`` for ``modifiers``, would be read as empty)."""
        table = read_csv(self.folder / name, str(self.folder / name), columns)
        if table is None:
            return ()
        self.findings += table.findings
        for column in table.header:
            if known is not None and column and column not in known:
                self.findings.append(
                    Finding(
                        Severity.WARNING,
                        "practice.csv.unknown_column",
                        f'unknown column "{column[:40]}" is ignored (expected {", ".join(known)})',
                        table.name,
                        row=1,
                        column=column[:40],
                    )
                )
        if not table.ok:
            return ()
        out = []
        for row in table.rows():
            record = build(row)
            self.findings += row.findings
            if record is not None and not row.bad:
                out.append(record)
        return tuple(out)

    def unique(self, row: Row, column: str, key: tuple[object, ...], what: str) -> None:
        """One row per key in a file: a second one is an error naming the first."""
        first = self.keys.setdefault((row.file, *key), row.row)
        if first != row.row:
            row.error(column, "practice.duplicate", f"{what} is already on row {first}")

    def patient_ref(self, row: Row) -> str:
        patient_id = row.text("patient_id", required=True)
        if not patient_id:
            return ""
        if patient_id not in self.patient_rows:
            row.error(
                "patient_id",
                "practice.unknown_patient",
                f"no patient {patient_id} in patients.csv",
            )
        elif patient_id in self.bad_patients:
            row.bad = True  # its patient row is in error; that error is reported already
            if self.skip_bad_rows:
                row.warn(
                    "patient_id",
                    "practice.skipped_patient",
                    f"patient {patient_id} was skipped "
                    f"(patients.csv row {self.patient_rows[patient_id]}) (row skipped)",
                )
        return patient_id

    def payer_ref(self, row: Row, patient_id: str) -> str:
        payer_id = row.text("payer_id", required=True)
        covered = self.covered
        if (
            payer_id
            and patient_id
            and covered is not None
            and (patient_id, payer_id) not in covered
        ):
            row.warn(
                "payer_id",
                "practice.no_coverage",
                f"coverages.csv has no coverage of patient {patient_id} by payer {payer_id}",
            )
        return payer_id

    def patient(self, row: Row) -> Patient | None:
        patient_id = row.text("patient_id", required=True)
        record = Patient(
            patient_id=patient_id,
            first_name=row.text("first_name", required=True),
            last_name=row.text("last_name", required=True),
            birth_date=row.date("birth_date"),
            account_number=row.text("account_number"),
            file=row.file,
            row=row.row,
        )
        if patient_id:
            self.unique(row, "patient_id", (patient_id,), f"patient {patient_id}")
            if patient_id not in self.patient_rows:
                self.patient_rows[patient_id] = row.row
                if row.bad:
                    self.bad_patients.add(patient_id)
        return record

    def coverage(self, row: Row) -> Coverage | None:
        patient_id = self.patient_ref(row)
        payer_id = row.text("payer_id", required=True)
        if self.covered is None:
            self.covered = set()
        self.covered.add((patient_id, payer_id))  # even from a bad row: its error is reported
        payer_type = row.choice("payer_type", PayerType)
        rank = row.integer("rank", required=True, minimum=1)
        plan_year_start = row.month_day("plan_year_start")
        effective, end = row.date("effective_date"), row.date("end_date")
        if effective and end and end < effective:
            row.error(
                "end_date", "practice.date_order", f"ends {end}, before it starts {effective}"
            )
        self.unique(row, "payer_id", (patient_id, payer_id, rank, effective), "the same coverage")
        if payer_type is None or rank is None:
            return None
        return Coverage(
            patient_id,
            payer_id,
            row.text("payer_name"),
            payer_type,
            rank,
            row.text("member_id"),
            row.text("group_number"),
            row.text("plan_name"),
            plan_year_start,
            effective,
            end,
            row.file,
            row.row,
        )

    def benefit(self, row: Row) -> Benefit | None:
        patient_id = self.patient_ref(row)
        payer_id = self.payer_ref(row, patient_id)
        name = row.text("benefit", required=True)
        limit = row.money("limit", required=True)
        unit = row.choice("unit", BenefitUnit)
        period = row.period("period")
        used = row.money("used_elsewhere", default="0")
        self.unique(row, "benefit", (patient_id, payer_id, name, period), f"benefit {name}")
        if limit is None or unit is None or period is None:
            return None
        return Benefit(
            patient_id,
            payer_id,
            name,
            limit,
            unit,
            period,
            row.codes("counts_codes"),
            row.codes("excludes_codes"),
            used if used is not None else Decimal(0),
            row.date("as_of"),
            row.file,
            row.row,
        )

    def authorization(self, row: Row) -> Authorization | None:
        patient_id = self.patient_ref(row)
        payer_id = self.payer_ref(row, patient_id)
        number = row.text("auth_number", required=True)
        units = row.money("units", required=True)
        unit, per = row.choice("unit", AuthUnit), row.choice("per", AuthPer)
        start, end = row.date("start_date", required=True), row.date("end_date", required=True)
        if start and end and end < start:
            row.error("end_date", "practice.date_order", f"ends {end}, before it starts {start}")
        codes = row.codes("codes")
        self.unique(row, "auth_number", (payer_id, number, codes), f"authorization {number}")
        if units is None or unit is None or per is None or start is None or end is None:
            return None
        return Authorization(
            patient_id, payer_id, number, codes, units, unit, per, start, end, row.file, row.row
        )

    def visit(self, row: Row) -> Visit | None:
        patient_id = self.patient_ref(row)
        claim_id = row.text("claim_id", required=True)
        service_date = row.date("service_date", required=True)
        code = row.text("code", required=True)
        units = row.money("units", default="1")
        charge = row.money("charge", required=True)
        start, end = row.time("start_time"), row.time("end_time")
        _check_times(row, start, end)
        line = self.claim_lines[claim_id] = self.claim_lines.get(claim_id, 0) + 1
        owner = self.claim_patients.setdefault(claim_id, (patient_id, row.row))
        if claim_id and patient_id and owner[0] != patient_id:
            row.error(
                "claim_id",
                "practice.claim_patient",
                f"claim {claim_id} belongs to patient {owner[0]} (row {owner[1]}), "
                f"not {patient_id}",
            )
        note = row.text("note_ref")
        if note:
            self._document(row, "note_ref", note)
        if service_date is None or units is None or charge is None:
            return None
        return Visit(
            patient_id,
            claim_id,
            line,
            service_date,
            code,
            row.codes("modifiers"),
            units,
            charge,
            start,
            end,
            row.text("rendering_provider"),
            row.text("supervising_provider"),
            note,
            row.file,
            row.row,
        )

    def waiver(self, row: Row) -> Waiver | None:
        patient_id = self.patient_ref(row)
        payer_id = self.payer_ref(row, patient_id)
        kind = row.choice("kind", WaiverKind)
        signed, through = row.date("signed_date", required=True), row.date("valid_through")
        if signed and through and through < signed:
            row.error(
                "valid_through",
                "practice.date_order",
                f"valid through {through}, before it was signed {signed}",
            )
        self.unique(row, "kind", (patient_id, payer_id, kind, signed), "the same waiver")
        if kind is None or signed is None:
            return None
        return Waiver(
            patient_id, payer_id, kind, signed, row.codes("codes"), through, row.file, row.row
        )

    def record(self, row: Row) -> RecordRef | None:
        name = row.text("file", required=True)
        patient_id = self.patient_ref(row)
        if name:
            self._document(row, "file", name)
            self.unique(row, "file", (name,), f"document {name}")
        return RecordRef(
            name, patient_id, row.date("service_date"), row.text("kind"), row.file, row.row
        )

    def fee_schedules(self) -> tuple[FeeScheduleRow, ...]:
        """Every ``fee_schedules/<payer_id>.csv``: the payer id is the file's name."""
        out: list[FeeScheduleRow] = []
        for name in practice_files(self.folder)[len(PRACTICE_FILES) :]:
            payer_id = name.rsplit("/", 1)[-1][: -len(".csv")]
            self.payer_file = payer_id
            out += self.collect(name, _FEE_COLUMNS, self.fee, known=_FEE_KNOWN)
        return tuple(out)

    def fee(self, row: Row) -> FeeScheduleRow | None:
        code = row.text("code", required=True).upper()
        modifiers = tuple(sorted(m.upper() for m in row.codes("modifiers")))
        allowed = row.money("allowed", required=True)
        start, end = row.date("valid_from"), row.date("valid_to")
        if start and end and end < start:
            row.error("valid_to", "practice.date_order", f"ends {end}, before it starts {start}")
        if len(modifiers) > 4:
            row.error("modifiers", "practice.modifiers", "at most 4 modifiers (SVC01-3 to -6)")
        self.unique(
            row,
            "code",
            (code, modifiers, start),
            f"the rate of {code}{''.join(':' + m for m in modifiers)} from {start or 'the start'}",
        )
        if code and allowed is not None and not row.bad:
            self._overlap(row, code, modifiers, start, end)
        if allowed is None:
            return None
        return FeeScheduleRow(
            self.payer_file, code, modifiers, allowed, start, end, row.file, row.row
        )

    def payment(self, row: Row) -> PatientPayment | None:
        """A payment a patient made: the claim it paid must be the patient's own."""
        paid_on = row.date("date", required=True)
        patient_id = self.patient_ref(row)
        claim_id = row.text("claim_id", required=True)
        amount = row.money("amount", required=True)
        if amount is not None and amount == 0:
            row.error("amount", "practice.number", "a payment of 0 (expected more than 0)")
        method = row.choice("method", PaymentMethod, required=False) or PaymentMethod.OTHER
        reference = row.text("reference")
        owner = self.claim_patients.get(claim_id)
        if claim_id and patient_id and owner is not None and owner[0] != patient_id:
            row.error(
                "claim_id",
                "practice.claim_patient",
                f"claim {claim_id} belongs to patient {owner[0]} (visits.csv row {owner[1]}), "
                f"not {patient_id}",
            )
        elif claim_id and owner is None and self.claim_lines:
            row.warn("claim_id", "practice.unknown_claim", f"visits.csv has no claim {claim_id}")
        self.unique(
            row,
            "reference",
            (paid_on, patient_id, claim_id, amount, method, reference),
            "the same payment (date, patient, claim, amount, method and reference)",
        )
        if paid_on is None or amount is None:
            return None
        return PatientPayment(
            paid_on, patient_id, claim_id, amount, method, reference, row.file, row.row
        )

    def _overlap(
        self,
        row: Row,
        code: str,
        modifiers: tuple[str, ...],
        start: date | None,
        end: date | None,
    ) -> None:
        """Two rates of one code and modifier set in force on the same day: which is the
        contract cannot be told, so the second is an error naming the first. The second's
        period is kept all the same, so a third that overlaps it is reported in the same run
        (fixing one row must not reveal the next problem only on the next import)."""
        key = (row.file, code, modifiers)
        lo, hi = start or date.min, end or date.max
        for other_lo, other_hi, other_row in self.periods.get(key, ()):
            if lo <= other_hi and other_lo <= hi:
                row.error(
                    "valid_from",
                    "practice.fee_overlap",
                    f"the rate of {code} overlaps the one on row {other_row} "
                    "(valid_from..valid_to must not share a day)",
                )
                break
        self.periods.setdefault(key, []).append((lo, hi, row.row))

    def _document(self, row: Row, column: str, name: str) -> None:
        records = (self.folder / "records").resolve()
        shown = name[:80]
        try:
            target = (records / name).resolve()
            inside = records in target.parents
            exists = inside and target.is_file()
        except (OSError, ValueError):  # a NUL byte, a name too long for the file system
            row.error(column, "practice.document_path", f'"{shown}" is not a usable file name')
            return
        if not inside:
            row.error(column, "practice.document_path", f'"{shown}" is outside records/')
        elif not exists:
            row.warn(column, "practice.missing_document", f"records/{shown} does not exist")


def _check_times(row: Row, start: time | None, end: time | None) -> None:
    if (start is None) != (end is None) and not row.bad:
        missing = "end_time" if end is None else "start_time"
        row.error(missing, "practice.required", f"{missing} is empty but the other time is set")
    elif start is not None and end is not None and end <= start:
        row.error(
            "end_time",
            "practice.time_order",
            f"ends at {end:%H:%M}, not after it starts at {start:%H:%M}",
        )
