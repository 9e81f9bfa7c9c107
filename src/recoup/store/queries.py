"""Reading claims back out of the store: the list, and one claim with its whole history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, func, or_, select

from recoup.money import display_money
from recoup.store.lineage import claim_state
from recoup.store.resends import counted_claim
from recoup.store.sent import PaidLine, SentClaim, match_lines, pick_sent, sent_claims_by_number
from recoup.store.tables import (
    adjustments,
    claim_sources,
    claims,
    patients,
    service_lines,
    source_files,
    visits,
)
from recoup.store.takebacks import Recoupment, recoupments_of

AnyRow = Row[*tuple[Any, ...]]

__all__ = ["ClaimHistory", "ClaimView", "LineView", "claim_history", "list_claims"]


class LineView(NamedTuple):
    procedure: str  # 97110:GP
    service_date: date | None
    charge: Decimal
    paid: Decimal
    units: Decimal | None
    adjustments: tuple[tuple[str, Decimal], ...]  # ("CO-119", 120.00)
    remarks: tuple[str, ...]
    control_number: str = ""  # REF*6R
    sent_line: int | None = None  # index in ClaimView.sent.lines of the line it pays


class ClaimView(NamedTuple):
    id: int
    patient_control_number: str  # CLP01
    payer_claim_id: str  # CLP07
    payer_name: str
    patient_name: str
    member_id: str
    status: str  # CLP02
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    denied: Decimal
    denial_codes: tuple[str, ...]
    service_date: date | None
    notice_date: date | None
    trace_number: str
    lineage: str  # original, reversal, correction
    state: str  # current, reversed, reversal
    reverses_id: int | None
    reversed_by_id: int | None
    follows_id: int | None
    files: tuple[str, ...] = ()
    claim_adjustments: tuple[tuple[str, Decimal], ...] = ()
    lines: tuple[LineView, ...] = ()
    sent: SentClaim | None = None  # the 837P claim it pays (CLP01 = CLM01, same payer)


class ClaimHistory(NamedTuple):
    """Every stored claim payment for one payer and practice claim number, oldest first."""

    payer_name: str
    patient_control_number: str
    claims: tuple[ClaimView, ...]
    # PLB takebacks (and returns) whose reference names one of these claims, oldest first
    recoupments: tuple[Recoupment, ...] = ()

    @property
    def current(self) -> tuple[ClaimView, ...]:
        return tuple(c for c in self.claims if c.state == "current")

    @property
    def net(self) -> Decimal:
        """What the payer has paid for this claim after takebacks: current payments - PLB."""
        total = sum((c.paid for c in self.current), Decimal(0))
        return total - sum((r.amount for r in self.recoupments), Decimal(0))

    def money_story(self) -> str:
        """ "paid $120.00 on 2026-05-07, recouped $120.00 on 2026-08-14 (WO), net $0.00"."""
        parts = []
        for c in self.current:
            if c.paid:
                when = c.notice_date.isoformat() if c.notice_date else "an unknown date"
                parts.append(f"paid {display_money(c.paid)} on {when}")
        for r in self.recoupments:
            when = r.on.isoformat() if r.on else "an unknown date"
            verb = "recouped" if r.amount > 0 else "returned"
            parts.append(f"{verb} {display_money(abs(r.amount))} on {when} ({r.reason})")
        if not self.recoupments:
            return ", ".join(parts)
        return ", ".join([*parts, f"net {display_money(self.net)}"])


_COLUMNS = (
    claims.c.id,
    claims.c.payer_key,
    claims.c.patient_control_number,
    claims.c.payer_claim_id,
    claims.c.payer_name,
    claims.c.patient_name,
    claims.c.member_id,
    claims.c.status,
    claims.c.charge,
    claims.c.paid,
    claims.c.patient_responsibility,
    claims.c.denied,
    claims.c.denial_codes,
    claims.c.service_date,
    claims.c.notice_date,
    claims.c.trace_number,
    claims.c.segment,
    claims.c.lineage,
    claims.c.reverses_id,
    claims.c.reversed_by_id,
    claims.c.follows_id,
)


def _view(row: AnyRow, **extra: Any) -> ClaimView:
    return ClaimView(
        id=row.id,
        patient_control_number=row.patient_control_number,
        payer_claim_id=row.payer_claim_id,
        payer_name=row.payer_name,
        patient_name=row.patient_name,
        member_id=row.member_id,
        status=row.status,
        charge=row.charge,
        paid=row.paid,
        patient_responsibility=row.patient_responsibility,
        denied=row.denied,
        denial_codes=tuple(row.denial_codes.split()),
        service_date=row.service_date,
        notice_date=row.notice_date,
        trace_number=row.trace_number,
        lineage=row.lineage,
        state=claim_state(row.lineage, row.reversed_by_id),
        reverses_id=row.reverses_id,
        reversed_by_id=row.reversed_by_id,
        follows_id=row.follows_id,
        **extra,
    )


def _order(row: AnyRow) -> tuple[date, str, str, int, int]:
    return (
        row.notice_date or date.min,
        row.patient_control_number,
        row.trace_number,
        row.segment,
        row.id,
    )


def list_claims(conn: Connection, patient: str | None = None) -> list[ClaimView]:
    """Every stored claim payment, oldest notice first; ``patient`` narrows by patient id,
    account number, member id or a part of the name."""
    query = select(*_COLUMNS).where(counted_claim())  # a re-sent check's earlier copy: gone
    if patient:
        needle = patient.strip().lower()
        matched = select(patients.c.patient_id).where(
            or_(
                func.lower(patients.c.patient_id) == needle,
                func.lower(patients.c.account_number) == needle,
                func.lower(patients.c.first_name + " " + patients.c.last_name).contains(needle),
            )
        )
        their_claims = select(visits.c.claim_id).where(visits.c.patient_id.in_(matched))
        query = query.where(
            or_(
                claims.c.patient_control_number.in_(their_claims),
                func.lower(claims.c.patient_name).contains(needle),
                func.lower(claims.c.member_id) == needle,
            )
        )
    rows = sorted(conn.execute(query), key=_order)
    return [_view(row) for row in rows]


def claim_history(conn: Connection, ident: str) -> list[ClaimHistory]:
    """The histories of the claims known by ``ident`` (CLP01, CLP07 or a REF*F8 number)."""
    groups = conn.execute(
        select(claims.c.payer_key, claims.c.patient_control_number)
        .where(
            or_(
                claims.c.patient_control_number == ident,
                claims.c.payer_claim_id == ident,
                claims.c.original_reference == ident,
            )
        )
        .distinct()
    ).all()
    histories = []
    for payer_key, number in sorted(groups):
        rows = sorted(
            conn.execute(
                select(*_COLUMNS).where(
                    claims.c.payer_key == payer_key, claims.c.patient_control_number == number
                )
            ),
            key=_order,
        )
        views = _details(conn, rows)
        taken = recoupments_of(conn, [row.id for row in rows])
        histories.append(ClaimHistory(rows[0].payer_name, number, tuple(views), tuple(taken)))
    return histories


def _details(conn: Connection, rows: Sequence[AnyRow]) -> list[ClaimView]:
    ids = [row.id for row in rows]
    files: dict[int, list[str]] = {}
    for claim_id, name in conn.execute(
        select(claim_sources.c.claim_id, source_files.c.name)
        .join(source_files, source_files.c.id == claim_sources.c.source_file_id)
        .where(claim_sources.c.claim_id.in_(ids))
        .order_by(source_files.c.id)
    ):
        files.setdefault(claim_id, []).append(name)
    adjusted: dict[int | None, list[tuple[str, Decimal]]] = {}
    claim_level: dict[int, list[tuple[str, Decimal]]] = {}
    for adj in conn.execute(
        select(adjustments).where(adjustments.c.claim_id.in_(ids)).order_by(adjustments.c.id)
    ):
        item = (f"{adj.group_code}-{adj.reason_code}", adj.amount)
        if adj.line_id is None:
            claim_level.setdefault(adj.claim_id, []).append(item)
        else:
            adjusted.setdefault(adj.line_id, []).append(item)
    lines: dict[int, list[LineView]] = {}
    for line in conn.execute(
        select(service_lines)
        .where(service_lines.c.claim_id.in_(ids))
        .order_by(service_lines.c.claim_id, service_lines.c.position)
    ):
        procedure = ":".join([line.procedure_code, *line.modifiers.split()])
        lines.setdefault(line.claim_id, []).append(
            LineView(
                procedure,
                line.service_date,
                line.charge,
                line.paid,
                line.units,
                tuple(adjusted.get(line.id, ())),
                tuple(line.remarks.split()),
                line.control_number,
            )
        )
    views = []
    sent_by_number: dict[str, list[SentClaim]] = {}
    for row in rows:
        number = row.patient_control_number
        if number not in sent_by_number:
            sent_by_number[number] = sent_claims_by_number(conn, number)
        sent = pick_sent(sent_by_number[number], row.payer_key, row.payer_name, row.notice_date)
        found = lines.get(row.id, [])
        if sent is not None:
            matched = match_lines(
                sent.lines,
                [
                    PaidLine(
                        line.procedure.split(":")[0],
                        line.service_date or row.service_date,
                        line.charge,
                        line.control_number,
                    )
                    for line in found
                ],
            )
            found = [
                line._replace(sent_line=index) for line, index in zip(found, matched, strict=True)
            ]
        views.append(
            _view(
                row,
                files=tuple(dict.fromkeys(files.get(row.id, ()))),
                claim_adjustments=tuple(claim_level.get(row.id, ())),
                lines=tuple(found),
                sent=sent,
            )
        )
    return views
