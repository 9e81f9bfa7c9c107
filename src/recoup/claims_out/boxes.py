"""A human-readable summary of an 837P claim in the boxes of the CMS-1500 (02/12) form.

``claim_boxes`` returns ``(box, label, value)`` rows; ``boxes_markdown`` renders them and the
service lines (box 24) as Markdown for the appeal packet.
"""

from __future__ import annotations

from typing import NamedTuple

from recoup.x12.claims837 import Claim837, Member, Provider

__all__ = ["BoxRow", "boxes_markdown", "claim_boxes"]


class BoxRow(NamedTuple):
    box: str
    label: str
    value: str


def _name(m: Member | Provider) -> str:
    return ", ".join(
        p for p in (m.last_name, " ".join(x for x in (m.first_name, m.middle_name) if x)) if p
    )


def _address(m: Member | Provider) -> str:
    return ", ".join(p for p in (*m.address, m.city, f"{m.state} {m.postal_code}".strip()) if p)


def claim_boxes(claim: Claim837) -> list[BoxRow]:
    """The claim's CMS-1500 boxes that the 837 fills, in form order."""
    sub = claim.subscriber
    patient = claim.patient or sub.member
    rows = [
        BoxRow("1", "Insurance type (SBR09)", sub.filing_indicator),
        BoxRow("1a", "Insured's ID number", sub.member.id),
        BoxRow("2", "Patient's name", _name(patient)),
        BoxRow(
            "3",
            "Patient's birth date, sex",
            f"{patient.birth_date or ''} {patient.gender}".strip(),
        ),
        BoxRow("4", "Insured's name", _name(sub.member)),
        BoxRow("5", "Patient's address", _address(patient)),
        BoxRow(
            "6",
            "Patient relationship to insured",
            "self" if claim.patient is None else claim.patient_relationship,
        ),
        BoxRow("11", "Insured's group number", sub.group_number),
        BoxRow("11c", "Payer", f"{sub.payer.name} ({sub.payer.id})"),
        BoxRow("12", "Release of information", claim.release_of_information),
        BoxRow("13", "Assignment of benefits", claim.benefits_assignment),
    ]
    if claim.referring_provider is not None:
        rows.append(BoxRow("17", "Referring provider", _name(claim.referring_provider)))
        rows.append(BoxRow("17b", "Referring provider NPI", claim.referring_provider.npi))
    if claim.note:
        rows.append(BoxRow("19", "Additional claim information", claim.note))
    rows.append(
        BoxRow(
            "21",
            "Diagnoses",
            " ".join(f"{chr(65 + i)}. {d.code}" for i, d in enumerate(claim.diagnoses)),
        )
    )
    resubmission = {"7": "7 replacement", "8": "8 void"}.get(claim.frequency, "")
    rows.append(
        BoxRow(
            "22",
            "Resubmission code, original ref. no.",
            f"{resubmission} {claim.payer_claim_control_number}".strip(),
        )
    )
    if claim.prior_authorization:
        rows.append(BoxRow("23", "Prior authorization", claim.prior_authorization))
    bp = claim.billing_provider
    rows += [
        BoxRow("25", "Federal tax ID", bp.tax_id),
        BoxRow("26", "Patient's account no.", claim.patient_control_number),
        BoxRow("27", "Accept assignment", claim.assignment),
        BoxRow("28", "Total charge", str(claim.charge)),
    ]
    for other in claim.other_payers:
        rows.append(BoxRow("29", f"Amount paid by {other.payer.name}", str(other.paid or "")))
    if claim.rendering_provider is not None:
        rows.append(BoxRow("31", "Rendering provider", _name(claim.rendering_provider)))
    rows += [
        BoxRow("33", "Billing provider", f"{bp.last_name}, {_address(bp)}"),
        BoxRow("33a", "Billing provider NPI", bp.npi),
    ]
    return rows


def boxes_markdown(claim: Claim837) -> str:
    """The boxes as a Markdown table, then box 24 (one row per service line)."""
    out = ["| Box | | |", "| --- | --- | --- |"]
    out += [f"| {r.box} | {r.label} | {r.value.replace('|', '/')} |" for r in claim_boxes(claim)]
    out += [
        "",
        "| 24A date | 24B place | 24D code and modifiers | 24E pointer | 24F charge | "
        "24G units | 24J rendering NPI |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for line in claim.lines:
        rendering = line.rendering_provider or claim.rendering_provider
        code = " ".join((line.procedure.code, *line.procedure.modifiers))
        pointers = "".join(chr(64 + p) for p in line.diagnosis_pointers)
        out.append(
            f"| {line.service_date or ''} | {line.place_of_service or claim.place_of_service} | "
            f"{code} | {pointers} | {line.charge} | {line.units} | "
            f"{rendering.npi if rendering else ''} |"
        )
    return "\n".join(out) + "\n"
