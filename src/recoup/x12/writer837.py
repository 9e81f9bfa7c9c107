"""Writing 837P (005010X222A1) claims: records in, X12 text out.

The writer emits every element :mod:`recoup.x12.reader837` reads, in the implementation guide's
segment order, so ``read(write(batches))`` gives the same records (segment numbers aside). It
does not decide what a claim should say: the corrected-claim and secondary-claim builders in
:mod:`recoup.claims_out` do, and refuse to build a claim whose required facts are unknown.

Each claim gets its own subscriber (and patient) level; consecutive claims of one billing
provider share its HL 20. SE01 is counted, and the envelope's control numbers are the batch's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from recoup.records import Adjustment, Procedure
from recoup.x12.claims837 import (
    Claim837,
    ClaimBatch,
    LineAdjudication,
    Member,
    OtherPayer,
    Payer,
    Provider,
    ServiceLine837,
)
from recoup.x12.tokens import DEFAULT_DELIMITERS, Delimiters

__all__ = ["batch_segments", "write_837"]


def _d(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _money(value: object) -> str:
    return "" if value is None else str(value)


class _Out:
    """Segments of one transaction set, joined with the file's delimiters."""

    def __init__(self, delimiters: Delimiters) -> None:
        self.sep = delimiters.element
        self.comp = delimiters.component
        self.segments: list[str] = []

    def add(self, *elements: str) -> None:
        items = list(elements)
        while len(items) > 1 and items[-1] == "":
            items.pop()  # X12 drops trailing empty elements
        self.segments.append(self.sep.join(items))

    def composite(self, *parts: str) -> str:
        items = list(parts)
        while len(items) > 1 and items[-1] == "":
            items.pop()
        return self.comp.join(items)

    def procedure(self, proc: Procedure) -> str:
        parts = [proc.qualifier, proc.code, *proc.modifiers]
        if proc.description:
            parts += [""] * (6 - len(parts)) + [proc.description]
        return self.composite(*parts)

    def address(self, lines: tuple[str, ...], city: str, state: str, postal: str) -> None:
        if lines:
            self.add("N3", *lines[:2])
        if city or state or postal:
            self.add("N4", city, state, postal)

    def cas(self, adjustments: Iterable[Adjustment]) -> None:
        """One CAS per group code, six adjustments to a segment.

        The guide allows five CAS in a 2320 or 2430 loop, so adjustments are gathered by group
        code (in the order the groups first appear) rather than written run by run as an 835
        may have them: the amounts and codes are the same, only the grouping is the guide's.
        """
        by_group: dict[str, list[Adjustment]] = {}
        for adj in adjustments:
            by_group.setdefault(adj.group, []).append(adj)
        for run in by_group.values():
            for start in range(0, len(run), 6):
                self._cas(run[start : start + 6])

    def _cas(self, run: list[Adjustment]) -> None:
        elements = ["CAS", run[0].group]
        for adj in run:
            elements += [adj.reason, str(adj.amount), _money(adj.quantity)]
        self.add(*elements)


def _provider(out: _Out, p: Provider, id_qualifier: str = "XX") -> None:
    out.add(
        "NM1",
        p.entity,
        "2" if p.is_organization else "1",
        p.last_name,
        "" if p.is_organization else p.first_name,
        "" if p.is_organization else p.middle_name,
        "",
        "" if p.is_organization else p.suffix,
        id_qualifier if p.npi else "",
        p.npi,
    )


def _member(out: _Out, entity: str, m: Member) -> None:
    out.add(
        "NM1",
        entity,
        "1",
        m.last_name,
        m.first_name,
        m.middle_name,
        "",
        m.suffix,
        m.id_qualifier,
        m.id,
    )
    out.address(m.address, m.city, m.state, m.postal_code)
    if m.birth_date or m.gender:
        out.add("DMG", "D8" if m.birth_date else "", _d(m.birth_date), m.gender)


def _payer(out: _Out, p: Payer) -> None:
    out.add("NM1", "PR", "2", p.name, "", "", "", "", p.id_qualifier, p.id)
    out.address(p.address, p.city, p.state, p.postal_code)


def _other_payer(out: _Out, o: OtherPayer) -> None:
    out.add(
        "SBR",
        o.payer_responsibility,
        o.relationship,
        o.group_number,
        o.plan_name,
        "",
        "",
        "",
        "",
        o.filing_indicator,
    )
    out.cas(o.adjustments)
    if o.paid is not None:
        out.add("AMT", "D", str(o.paid))
    if o.remaining_patient_liability is not None:
        out.add("AMT", "EAF", str(o.remaining_patient_liability))
    out.add("OI", "", "", o.benefits_assignment, "", "", o.release_of_information)
    s = o.subscriber
    out.add(
        "NM1",
        "IL",
        "1",
        s.last_name,
        s.first_name,
        s.middle_name,
        "",
        s.suffix,
        s.id_qualifier,
        s.id,
    )
    out.address(s.address, s.city, s.state, s.postal_code)
    _payer(out, o.payer)
    if o.adjudication_date:
        out.add("DTP", "573", "D8", _d(o.adjudication_date))
    if o.claim_control_number:
        out.add("REF", "F8", o.claim_control_number)


def _adjudication(out: _Out, a: LineAdjudication) -> None:
    out.add(
        "SVD", a.payer_id, str(a.paid), out.procedure(a.procedure), "", str(a.units), a.bundled_line
    )
    out.cas(a.adjustments)
    if a.paid_date:
        out.add("DTP", "573", "D8", _d(a.paid_date))
    if a.remaining_patient_liability is not None:
        out.add("AMT", "EAF", str(a.remaining_patient_liability))


def _line(out: _Out, line: ServiceLine837) -> None:
    out.add("LX", str(line.number))
    pointers = out.composite(*(str(p) for p in line.diagnosis_pointers))
    out.add(
        "SV1",
        out.procedure(line.procedure),
        str(line.charge),
        line.unit_basis,
        str(line.units),
        line.place_of_service,
        "",
        pointers,
    )
    if line.service_date_end and line.service_date_end != line.service_date:
        out.add("DTP", "472", "RD8", f"{_d(line.service_date)}-{_d(line.service_date_end)}")
    elif line.service_date:
        out.add("DTP", "472", "D8", _d(line.service_date))
    if line.prior_authorization:
        out.add("REF", "G1", line.prior_authorization)
    if line.control_number:
        out.add("REF", "6R", line.control_number)
    if line.note:
        out.add("NTE", "ADD", line.note)
    if line.rendering_provider is not None:
        _provider(out, line.rendering_provider)
        if line.rendering_provider.taxonomy:
            out.add("PRV", "PE", "PXC", line.rendering_provider.taxonomy)
    for adjudication in line.adjudications:
        _adjudication(out, adjudication)


def _claim(out: _Out, claim: Claim837, hl: int, parent: int) -> int:
    """Subscriber, patient and claim levels; returns the last HL number used."""
    sub = claim.subscriber
    has_patient = claim.patient is not None
    hl += 1
    out.add("HL", str(hl), str(parent), "22", "1" if has_patient else "0")
    out.add(
        "SBR",
        sub.payer_responsibility,
        "" if has_patient else sub.relationship or "18",
        sub.group_number,
        sub.plan_name,
        "",
        "",
        "",
        "",
        sub.filing_indicator,
    )
    _member(out, "IL", sub.member)
    _payer(out, sub.payer)
    if claim.patient is not None:
        hl += 1
        out.add("HL", str(hl), str(hl - 1), "23", "0")
        out.add("PAT", claim.patient_relationship)
        _member(out, "QC", claim.patient)
    place = out.composite(claim.place_of_service, claim.facility_qualifier, claim.frequency)
    out.add(
        "CLM",
        claim.patient_control_number,
        str(claim.charge),
        "",
        "",
        place,
        claim.provider_signature,
        claim.assignment,
        claim.benefits_assignment,
        claim.release_of_information,
    )
    if claim.prior_authorization:
        out.add("REF", "G1", claim.prior_authorization)
    if claim.payer_claim_control_number:
        out.add("REF", "F8", claim.payer_claim_control_number)
    for qualifier, value in claim.references:
        out.add("REF", qualifier, value)
    if claim.note:
        out.add("NTE", "ADD", claim.note)
    out.add("HI", *(out.composite(d.qualifier, d.code) for d in claim.diagnoses))
    if claim.referring_provider is not None:
        _provider(out, claim.referring_provider)
    if claim.rendering_provider is not None:
        _provider(out, claim.rendering_provider)
        if claim.rendering_provider.taxonomy:
            out.add("PRV", "PE", "PXC", claim.rendering_provider.taxonomy)
    for other in claim.other_payers:
        _other_payer(out, other)
    for line in claim.lines:
        _line(out, line)
    return hl


def batch_segments(batch: ClaimBatch, delimiters: Delimiters = DEFAULT_DELIMITERS) -> list[str]:
    """The segments of one transaction set, ST to SE, without terminators."""
    out = _Out(delimiters)
    out.add("ST", "837", batch.control_number, batch.version)
    out.add(
        "BHT", "0019", batch.purpose, batch.reference, _d(batch.created), "1200", batch.claim_type
    )
    sub = batch.submitter
    out.add(
        "NM1", "41", "2" if sub.is_organization else "1", sub.name, "", "", "", "", "46", sub.id
    )
    out.add("PER", "IC", sub.contact_name, "TE" if sub.phone else "", sub.phone)
    out.add("NM1", "40", "2", batch.receiver_name, "", "", "", "", "46", batch.receiver_id_code)
    hl = 0
    billing: Provider | None = None
    billing_hl = 0
    for claim in batch.claims:
        if claim.billing_provider != billing:
            billing = claim.billing_provider
            hl += 1
            billing_hl = hl
            out.add("HL", str(hl), "", "20", "1")
            if billing.taxonomy:
                out.add("PRV", "BI", "PXC", billing.taxonomy)
            _provider(out, billing)
            out.address(billing.address, billing.city, billing.state, billing.postal_code)
            if billing.tax_id:
                out.add("REF", billing.tax_id_qualifier or "EI", billing.tax_id)
        hl = _claim(out, claim, hl, billing_hl)
    out.add("SE", str(len(out.segments) + 1), batch.control_number)
    return out.segments


def write_837(
    batches: Iterable[ClaimBatch],
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    at: datetime | None = None,
    usage: str = "P",
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    line_breaks: bool = True,
) -> str:
    """One interchange (ISA/GS/.../GE/IEA) holding the batches, as text.

    The envelope's control numbers and ids come from the first batch (all batches of one file
    share them); ``at`` is the envelope's date and time (default: the first batch's BHT04 at
    12:00). ``usage`` is ISA15: P production, T test.
    """
    items = list(batches)
    if not items:
        return ""
    first = items[0]
    when = at or datetime.combine(first.created or date(2000, 1, 1), datetime.min.time())
    if at is None:
        when = when.replace(hour=12)
    e, c, r, term = delimiters
    isa = e.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            sender_qualifier.ljust(2),
            first.sender_id.ljust(15)[:15],
            receiver_qualifier.ljust(2),
            first.receiver_id.ljust(15)[:15],
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            r or "^",
            "00501",
            first.interchange_control.rjust(9, "0")[:9],
            "0",
            usage,
            c,
        ]
    )
    segments = [isa]
    date8, time4 = when.strftime("%Y%m%d"), when.strftime("%H%M")
    gs = ["GS", "HC", first.sender_id, first.receiver_id, date8, time4, first.group_control, "X"]
    segments.append(e.join([*gs, first.version]))
    for batch in items:
        segments += batch_segments(batch, delimiters)
    segments.append(e.join(["GE", str(len(items)), first.group_control]))
    segments.append(e.join(["IEA", "1", first.interchange_control.rjust(9, "0")[:9]]))
    joiner = term + ("\n" if line_breaks else "")
    return joiner.join(segments) + joiner
