"""Arrow tables of one 835 file: what a batch task returns and the dataset stores.

One file becomes up to seven small tables (see :data:`SCHEMAS`). Money is ``decimal128(18, 2)``
built from the reader's ``Decimal`` values, never a float; a value that does not fit exactly
(more than two decimals) makes pyarrow raise, and the task reports the file as failed rather than
round a remittance's number. Quantities (units) are ``decimal128(18, 4)`` for the same reason.

Every row carries ``file_sha256`` and the 1-based ``segment`` it came from, so a row can be
traced to its file and segment. The rows of claims, lines, adjustments, provider adjustments and
denials also carry their remittance's partition keys (``payer``, ``month``, see
:func:`partition_of`); the writer splits on them and drops them (they become folder names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa

from recoup.findings import Finding
from recoup.records import ClaimPayment, Person, Remittance
from recoup.triage import WorkItem, Worklist

__all__ = [
    "MONEY",
    "PARTITIONED",
    "SCHEMAS",
    "file_tables",
    "files_table",
    "findings_table",
    "money_total",
    "partition_of",
]

MONEY = pa.decimal128(18, 2)
QUANTITY = pa.decimal128(18, 4)
_TEXT = pa.string()
_TEXTS = pa.list_(pa.string())
_PARTITION = [pa.field("payer", _TEXT), pa.field("month", _TEXT)]


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, kind) for name, kind in fields])


_REMITTANCE_KEYS = (
    ("file_sha256", _TEXT),
    ("remittance", _TEXT),  # ST02
    ("payer_id", _TEXT),
    ("payment_date", pa.date32()),
)

SCHEMAS: dict[str, pa.Schema] = {
    "claims": _schema(
        *_REMITTANCE_KEYS,
        ("payer_name", _TEXT),
        ("payee_id", _TEXT),
        ("payee_name", _TEXT),
        ("trace_number", _TEXT),
        ("segment", pa.int64()),
        ("patient_control_number", _TEXT),
        ("status", _TEXT),
        ("charge", MONEY),
        ("paid", MONEY),
        ("patient_responsibility", MONEY),
        ("filing_indicator", _TEXT),
        ("payer_claim_id", _TEXT),
        ("facility_type", _TEXT),
        ("frequency", _TEXT),
        ("patient_name", _TEXT),
        ("member_id", _TEXT),
        ("rendering_npi", _TEXT),
        ("statement_start", pa.date32()),
        ("statement_end", pa.date32()),
        ("service_date", pa.date32()),
        ("line_count", pa.int32()),
        ("practice", _TEXT),
    ),
    "service_lines": _schema(
        *_REMITTANCE_KEYS,
        ("claim_segment", pa.int64()),
        ("patient_control_number", _TEXT),
        ("line_number", pa.int32()),
        ("segment", pa.int64()),
        ("code", _TEXT),
        ("modifiers", _TEXTS),
        ("revenue_code", _TEXT),
        ("charge", MONEY),
        ("paid", MONEY),
        ("allowed", MONEY),
        ("units", QUANTITY),
        ("service_date", pa.date32()),
        ("control_number", _TEXT),
        ("remark_codes", _TEXTS),
    ),
    "adjustments": _schema(
        *_REMITTANCE_KEYS,
        ("claim_segment", pa.int64()),
        ("patient_control_number", _TEXT),
        ("line_number", pa.int32()),  # null for a claim-level CAS
        ("segment", pa.int64()),
        ("group_code", _TEXT),
        ("reason_code", _TEXT),
        ("amount", MONEY),
        ("quantity", QUANTITY),
    ),
    "provider_adjustments": _schema(
        *_REMITTANCE_KEYS,
        ("segment", pa.int64()),
        ("provider_id", _TEXT),
        ("fiscal_period_end", pa.date32()),
        ("reason", _TEXT),
        ("reference", _TEXT),
        ("amount", MONEY),
    ),
    "denials": _schema(
        *_REMITTANCE_KEYS,
        ("denial_id", _TEXT),
        ("part", _TEXT),  # "denial" or "patient_share" (PR-1/2/3: billed, not appealed)
        ("patient_account", _TEXT),
        ("payer_claim_id", _TEXT),
        ("payer_name", _TEXT),
        ("patient_name", _TEXT),
        ("service_date", pa.date32()),
        ("code", _TEXT),
        ("modifiers", _TEXTS),
        ("group_code", _TEXT),
        ("reason_code", _TEXT),
        ("remark_codes", _TEXTS),
        ("denied_amount", MONEY),
        ("category", _TEXT),
        ("lane", _TEXT),
        ("reasons", _TEXTS),
        ("evidence", pa.list_(pa.struct([("source", _TEXT), ("fact", _TEXT)]))),
        ("deadline", pa.date32()),
        ("deadline_basis", _TEXT),
        ("days_left", pa.int32()),
        ("rule", _TEXT),
        ("action", _TEXT),
        ("missing", _TEXTS),
        ("practice", _TEXT),
        ("today", pa.date32()),
    ),
    "findings": _schema(
        ("file_sha256", _TEXT),
        ("file", _TEXT),
        ("severity", _TEXT),
        ("code", _TEXT),
        ("message", _TEXT),
        ("segment", pa.int64()),
        ("segment_id", _TEXT),
        ("place", _TEXT),
    ),
    "files": _schema(
        ("sha256", _TEXT),
        ("name", _TEXT),
        ("size", pa.int64()),
        ("payee_id", _TEXT),
        ("practice", _TEXT),
        ("remittances", pa.int32()),
        ("claims", pa.int64()),
        ("compression", _TEXT),  # "zlib", as the store keeps an imported 835's bytes
        ("data", pa.large_binary()),
    ),
}

# tables split into payer=/month= folders; findings and files are one part per file
PARTITIONED = ("claims", "service_lines", "adjustments", "provider_adjustments", "denials")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def partition_of(remittance: Remittance) -> tuple[str, str]:
    """``(payer, month)`` folder values: the payer id (REF*2U, else the N1*PR id, else its
    name) made safe for a folder name, and the remittance's ``YYYY-MM`` (BPR16, else DTM*405)."""
    ref = next((v for q, v in remittance.payer.references if q == "2U"), "")
    payer = ref or remittance.payer.id or remittance.payer.name or "unknown"
    day = remittance.notice_date
    return _UNSAFE.sub("_", payer)[:64], day.strftime("%Y-%m") if day else "unknown"


def _payer_id(remittance: Remittance) -> str:
    ref = next((v for q, v in remittance.payer.references if q == "2U"), "")
    return ref or remittance.payer.id


def _person_id(person: Person | None) -> str | None:
    return person.id if person is not None and person.id else None


class _Rows:
    """Rows of one table as tuples, with the partition keys at the end; turned into columns
    once (``zip(*rows)``, in C) rather than appended column by column (twice as slow)."""

    def __init__(self, name: str) -> None:
        self.schema = pa.schema([*SCHEMAS[name], *_PARTITION])
        self.rows: list[tuple[Any, ...]] = []

    def add(self, keys: tuple[str, str], values: Sequence[Any]) -> None:
        self.rows.append((*values, *keys))

    def table(self) -> pa.Table:
        columns = list(zip(*self.rows, strict=True)) or [() for _ in self.schema]
        return pa.table(
            {f.name: pa.array(c, type=f.type) for f, c in zip(self.schema, columns, strict=True)},
            schema=self.schema,
        )


def file_tables(
    sha256: str,
    remittances: Iterable[Remittance],
    worklist: Worklist,
    practice: str | None,
) -> dict[str, pa.Table]:
    """The partitioned tables of one file (with ``payer`` and ``month`` columns)."""
    claims, lines, adjustments = _Rows("claims"), _Rows("service_lines"), _Rows("adjustments")
    plbs = _Rows("provider_adjustments")
    keys_of: dict[int, tuple[tuple[str, str], tuple[Any, ...]]] = {}
    for rem in remittances:
        keys = partition_of(rem)
        head = (sha256, rem.control_number, _payer_id(rem), rem.notice_date)
        keys_of[id(rem)] = (keys, head)
        for claim in rem.claims:
            claims.add(keys, (*head, *_claim_values(rem, claim, practice)))
            _add_lines(lines, adjustments, keys, head, claim)
        for plb in rem.provider_adjustments:
            values = (plb.segment, plb.provider_id, plb.fiscal_period_end, plb.reason)
            plbs.add(keys, (*head, *values, plb.reference, plb.amount))
    denials = _Rows("denials")
    for part, items in (("denial", worklist.items), ("patient_share", worklist.patient_share)):
        for item in items:
            source = item.context.remittance if item.context is not None else None
            if source is None or id(source) not in keys_of:
                # triage hands back the same remittance objects it was given; a miss would be
                # a bug, and partitioning by the remittance's values is still right
                keys = partition_of(source) if source is not None else ("unknown", "unknown")
                head = (sha256, source.control_number if source else "", "", None)
            else:
                keys, head = keys_of[id(source)]
            denials.add(keys, (*head, *_denial_values(item, part, practice, worklist.today)))
    tables = (claims, lines, adjustments, plbs, denials)
    return {name: rows.table() for name, rows in zip(PARTITIONED, tables, strict=True)}


def _claim_values(rem: Remittance, claim: ClaimPayment, practice: str | None) -> tuple[Any, ...]:
    patient = claim.patient
    return (
        rem.payer.name,
        rem.payee.id,
        rem.payee.name,
        rem.trace_number,
        claim.segment,
        claim.patient_control_number,
        claim.status,
        claim.charge,
        claim.paid,
        claim.patient_responsibility,
        claim.filing_indicator,
        claim.payer_claim_id,
        claim.facility_type,
        claim.frequency,
        patient.display_name if patient is not None else None,
        _person_id(patient) or _person_id(claim.insured),
        _person_id(claim.rendering_provider),
        claim.statement_start,
        claim.statement_end,
        claim.service_date,
        len(claim.lines),
        practice,
    )


def _add_lines(
    lines: _Rows,
    adjustments: _Rows,
    keys: tuple[str, str],
    head: tuple[Any, ...],
    claim: ClaimPayment,
) -> None:
    pcn = claim.patient_control_number
    for adj in claim.adjustments:
        where: tuple[Any, ...] = (claim.segment, pcn, None, adj.segment, adj.group, adj.reason)
        adjustments.add(keys, (*head, *where, adj.amount, adj.quantity))
    for number, line in enumerate(claim.lines, 1):
        proc = line.procedure
        line_keys = (claim.segment, pcn, number, line.segment, proc.code, list(proc.modifiers))
        lines.add(
            keys,
            (
                *head,
                *line_keys,
                line.revenue_code,
                line.charge,
                line.paid,
                line.allowed,
                line.units,
                line.date_of_service,
                line.control_number,
                list(line.remarks),
            ),
        )
        for adj in line.adjustments:
            where = (claim.segment, pcn, number, adj.segment, adj.group, adj.reason)
            adjustments.add(keys, (*head, *where, adj.amount, adj.quantity))


def _denial_values(item: WorkItem, part: str, practice: str | None, today: date) -> tuple[Any, ...]:
    return (
        item.denial_id,
        part,
        item.patient_account,
        item.payer_claim_id,
        item.payer_name,
        item.patient_name,
        item.service_date,
        item.code,
        list(item.modifiers),
        item.group_code,
        item.reason_code,
        list(item.remark_codes),
        item.denied_amount,
        item.category,
        item.lane,
        list(item.reasons),
        [{"source": e.text, "fact": e.fact} for e in item.evidence],
        item.deadline.date,
        item.deadline.basis,
        item.days_left,
        item.rule,
        item.action,
        list(item.missing),
        practice,
        today,
    )


def findings_table(sha256: str, findings: Iterable[Finding]) -> pa.Table:
    rows: dict[str, list[Any]] = {f.name: [] for f in SCHEMAS["findings"]}
    for finding in findings:
        values = (
            sha256,
            finding.file,
            str(finding.severity),
            finding.code,
            finding.message,
            finding.segment,
            finding.segment_id,
            finding.place,
        )
        for column, value in zip(rows.values(), values, strict=True):
            column.append(value)
    return pa.table(rows, schema=SCHEMAS["findings"])


def files_table(
    sha256: str,
    name: str,
    size: int,
    payee_id: str,
    practice: str | None,
    counts: tuple[int, int],
    compressed: bytes,
) -> pa.Table:
    values: tuple[Any, ...] = (
        sha256,
        name,
        size,
        payee_id,
        practice,
        counts[0],
        counts[1],
        "zlib",
        compressed,
    )
    return pa.table(
        {f.name: [v] for f, v in zip(SCHEMAS["files"], values, strict=True)},
        schema=SCHEMAS["files"],
    )


def money_total(table: pa.Table, column: str) -> Decimal:
    """Exact sum of a money column (pyarrow sums decimals exactly; null counts as zero)."""
    import pyarrow.compute as pc

    total = pc.sum(table.column(column)).as_py()
    return Decimal(0) if total is None else Decimal(total)
