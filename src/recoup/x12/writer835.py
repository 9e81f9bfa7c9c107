"""Writing remittance records back to X12 835 segments.

Used to round-trip the reader in tests, to build large realistic files for benchmarks, and to
export what recoup holds. The writer emits every element the reader reads, so
``read(write(records))`` gives the same records (segment numbers aside).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from recoup.records import (
    Adjustment,
    ClaimPayment,
    Party,
    Person,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    Remittance,
    ServiceLine,
)
from recoup.x12.tokens import DEFAULT_DELIMITERS, Delimiters

__all__ = ["remittance_segments", "write_835"]


def _d(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _seg(sep: str, *elements: str) -> str:
    """Join elements, dropping trailing empty ones as X12 requires."""
    items = list(elements)
    while len(items) > 1 and items[-1] == "":
        items.pop()
    return sep.join(items)


def _composite(proc: Procedure, comp: str) -> str:
    parts = [proc.qualifier, proc.code, *proc.modifiers]
    if proc.description:
        parts += [""] * (6 - len(parts)) + [proc.description]
    return comp.join(parts)


def _cas(sep: str, adjustments: Iterable[Adjustment]) -> Iterator[str]:
    """CAS segments: consecutive adjustments with one group code share a CAS, six at most."""
    run: list[Adjustment] = []
    for adj in adjustments:
        if run and (adj.group != run[0].group or len(run) == 6):
            yield _cas_segment(sep, run)
            run = []
        run.append(adj)
    if run:
        yield _cas_segment(sep, run)


def _cas_segment(sep: str, run: list[Adjustment]) -> str:
    elements = ["CAS", run[0].group]
    for adj in run:
        elements += [adj.reason, str(adj.amount), "" if adj.quantity is None else str(adj.quantity)]
    return _seg(sep, *elements)


def _person(sep: str, person: Person) -> str:
    return _seg(
        sep,
        "NM1",
        person.entity,
        "2" if person.is_organization else "1",
        person.last_name,
        person.first_name,
        person.middle_name,
        "",
        person.suffix,
        person.id_qualifier,
        person.id,
    )


def _party(sep: str, party: Party) -> Iterator[str]:
    yield _seg(sep, "N1", party.entity, party.name, party.id_qualifier, party.id)
    if party.address:
        yield _seg(sep, "N3", *party.address[:2])
    if party.city or party.state or party.postal_code:
        yield _seg(sep, "N4", party.city, party.state, party.postal_code)
    for qual, value in party.references:
        yield _seg(sep, "REF", qual, value)
    for contact in party.contacts:
        numbers = [x for pair in contact.numbers for x in pair]
        yield _seg(sep, "PER", contact.function, contact.name, *numbers)


def _line(sep: str, comp: str, line: ServiceLine) -> Iterator[str]:
    yield _seg(
        sep,
        "SVC",
        _composite(line.procedure, comp),
        str(line.charge),
        str(line.paid),
        line.revenue_code,
        "" if line.units is None else str(line.units),
        _composite(line.original_procedure, comp) if line.original_procedure else "",
        "" if line.original_units is None else str(line.original_units),
    )
    for qual, when in (("472", line.service_date), ("150", line.period_start)):
        if when:
            yield _seg(sep, "DTM", qual, _d(when))
    if line.period_end:
        yield _seg(sep, "DTM", "151", _d(line.period_end))
    yield from _cas(sep, line.adjustments)
    for qual, value in line.references:
        if qual.startswith("LQ"):
            continue
        yield _seg(sep, "REF", qual, value)
    for qual, amount in line.amounts:
        yield _seg(sep, "AMT", qual, str(amount))
    for qual, quantity in line.quantities:
        yield _seg(sep, "QTY", qual, str(quantity))
    for remark in line.remarks:
        yield _seg(sep, "LQ", "HE", remark)
    for qual, value in line.references:
        if qual.startswith("LQ"):
            yield _seg(sep, "LQ", qual[2:], value)


def _claim(sep: str, comp: str, claim: ClaimPayment) -> Iterator[str]:
    yield _seg(
        sep,
        "CLP",
        claim.patient_control_number,
        claim.status,
        str(claim.charge),
        str(claim.paid),
        "" if claim.patient_responsibility is None else str(claim.patient_responsibility),
        claim.filing_indicator,
        claim.payer_claim_id,
        claim.facility_type,
        claim.frequency,
    )
    yield from _cas(sep, claim.adjustments)
    for person in (
        claim.patient,
        claim.insured,
        claim.corrected_patient,
        claim.rendering_provider,
        claim.crossover_carrier,
        claim.corrected_payer,
        *claim.other_names,
    ):
        if person is not None:
            yield _person(sep, person)
    if claim.inpatient_remarks:
        remarks = list(claim.inpatient_remarks)
        elements = ["MIA", "0", "", "", remarks[0]] + [""] * 14 + remarks[1:5]
        yield _seg(sep, *elements)
    if claim.outpatient_remarks:
        yield _seg(sep, "MOA", "", "", *claim.outpatient_remarks[:5])
    for qual, value in claim.references:
        yield _seg(sep, "REF", qual, value)
    for qual, when in claim.dates:
        yield _seg(sep, "DTM", qual, _d(when))
    for qual, amount in claim.amounts:
        yield _seg(sep, "AMT", qual, str(amount))
    for qual, quantity in claim.quantities:
        yield _seg(sep, "QTY", qual, str(quantity))
    for line in claim.lines:
        yield from _line(sep, comp, line)


def _plb(sep: str, comp: str, adjustments: tuple[ProviderAdjustment, ...]) -> Iterator[str]:
    run: list[ProviderAdjustment] = []
    for adj in adjustments:
        if run and (
            (adj.provider_id, adj.fiscal_period_end)
            != (run[0].provider_id, run[0].fiscal_period_end)
            or len(run) == 6
        ):
            yield _plb_segment(sep, comp, run)
            run = []
        run.append(adj)
    if run:
        yield _plb_segment(sep, comp, run)


def _plb_segment(sep: str, comp: str, run: list[ProviderAdjustment]) -> str:
    elements = ["PLB", run[0].provider_id, _d(run[0].fiscal_period_end)]
    for adj in run:
        reason = f"{adj.reason}{comp}{adj.reference}" if adj.reference else adj.reason
        elements += [reason, str(adj.amount)]
    return _seg(sep, *elements)


def _summary(sep: str, summary: ProviderSummary) -> Iterator[str]:
    """TS3 (and TS2) as received when the elements were kept, else from the fields."""
    if summary.elements:
        elements = list(summary.elements)
        if "TS2" in elements[1:]:
            cut = elements.index("TS2", 1)
            yield _seg(sep, *elements[:cut])
            yield _seg(sep, *elements[cut:])
        else:
            yield _seg(sep, *elements)
        return
    yield _seg(
        sep,
        "TS3",
        summary.provider_id,
        summary.facility_code,
        _d(summary.fiscal_period_end),
        str(summary.claim_count),
        str(summary.total_charge),
    )


def remittance_segments(
    remit: Remittance, delimiters: Delimiters = DEFAULT_DELIMITERS
) -> Iterator[str]:
    """The segments of one transaction set, ST to SE."""
    sep, comp = delimiters.element, delimiters.component
    body: list[str] = []
    paid = "" if remit.payment_amount is None else str(remit.payment_amount)
    bpr = ["BPR", remit.handling_code, paid, remit.credit_debit]
    bpr += [remit.payment_method] + [""] * 11 + [_d(remit.payment_date)]
    body.append(_seg(sep, *bpr))
    body.append(_seg(sep, "TRN", "1", remit.trace_number, remit.trace_originator))
    if remit.production_date:
        body.append(_seg(sep, "DTM", "405", _d(remit.production_date)))
    body.extend(_party(sep, remit.payer))
    body.extend(_party(sep, remit.payee))
    header_number: str | None = None
    for claim in remit.claims:
        if claim.header_number != header_number or header_number is None:
            header_number = claim.header_number
            body.append(_seg(sep, "LX", header_number or "1"))
            for summary in remit.provider_summaries:
                if summary.header_number == header_number:
                    body.extend(_summary(sep, summary))
        body.extend(_claim(sep, comp, claim))
    body.extend(_plb(sep, comp, remit.provider_adjustments))
    yield _seg(sep, "ST", "835", remit.control_number)
    yield from body
    yield _seg(sep, "SE", str(len(body) + 2), remit.control_number)


def write_835(
    remittances: Iterable[Remittance],
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
    created: datetime | None = None,
) -> str:
    """A complete interchange (ISA..IEA, one GS group) holding the given transaction sets.

    The envelope's sender, receiver and control numbers come from the first remittance.
    """
    items = list(remittances)
    first = items[0] if items else None
    sep, term = delimiters.element, delimiters.segment
    stamp = created or datetime(2026, 1, 1, 12, 0)
    sender = (first.sender_id if first else "") or "SENDER"
    receiver = (first.receiver_id if first else "") or "RECEIVER"
    control = ((first.interchange_control if first else "") or "1").rjust(9, "0")[-9:]
    group = (first.group_control if first else "") or "1"
    version = (first.version if first else "") or "005010X221A1"
    isa = sep.join(
        [
            "ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender[:15].ljust(15),
            "ZZ", receiver[:15].ljust(15), stamp.strftime("%y%m%d"), stamp.strftime("%H%M"),
            delimiters.repetition or "^", "00501", control, "0", "P", delimiters.component,
        ]
    )  # fmt: skip
    out = [isa]
    out.append(
        _seg(
            sep,
            "GS",
            "HP",
            sender,
            receiver,
            stamp.strftime("%Y%m%d"),
            stamp.strftime("%H%M"),
            group,
            "X",
            version,
        )
    )
    for remit in items:
        out.extend(remittance_segments(remit, delimiters))
    out.append(_seg(sep, "GE", str(len(items)), group))
    out.append(_seg(sep, "IEA", "1", control))
    joiner = term + "\n" if line_breaks else term
    return joiner.join(out) + joiner
