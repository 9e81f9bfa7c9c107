"""Corrected and secondary claims from triage decisions, as 837P records.

``file_claim`` takes the decisions of one claim (triage WorkItems of lane ``corrected_claim`` or
``bill_other_payer``) and the original claim as recoup has it (from the practice's ``claims/``
837 files), and returns a :class:`ClaimResult`: the claim to send with every changed element
and why, or, when something the claim needs is not known, no claim and what to add. Nothing is
invented: a fix is applied only when the decision names it and the inputs hold its value.

Fixes applied (from the decision's action text and remark codes):

- ``add modifier XE|XU|XS|XP|59|KX|GP|GO|GN ... to <code>``: the modifier on that line;
- remark N286 (referring provider identifier missing): the referring provider (2310A) of the
  patient's other claims in the 837 files;
- a secondary claim (``bill_other_payer``): the next payer's coverage becomes the subscriber and
  the primary's adjudication goes into 2320/2330 (claim CAS, AMT*D paid, REF*F8 claim number,
  DTP*573 date) and 2430 (each line's SVD, CAS and paid date) exactly as the 835 had them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.claims_out.form import correction_form
from recoup.findings import Finding
from recoup.practice.billing import read_billing
from recoup.practice.model import Coverage, Practice
from recoup.records import ClaimPayment, Remittance
from recoup.triage.engine import WorkItem
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
from recoup.x12.reader837 import read_837_file

__all__ = ["Change", "ClaimResult", "OriginalClaim", "file_claim", "original_claims"]

_MODIFIER = re.compile(r"add modifier (XE|XU|XS|XP|59|KX|GP|GO|GN)\b", re.IGNORECASE)
_FREQUENCY = {"replacement": "7", "void": "8", "new": "1", "secondary": "1"}


class Change(NamedTuple):
    """One element the written claim changes, with why and where the new value comes from."""

    element: str  # e.g. "2400 SV101-3 (line 2, 97155)"
    old: str
    new: str
    why: str
    source: str = ""


class OriginalClaim(NamedTuple):
    claim: Claim837
    batch: ClaimBatch


class ClaimResult(NamedTuple):
    """What ``file_claim`` decided for one claim."""

    claim_id: str
    form: str  # replacement, new, void, reopening, secondary
    claim: Claim837 | None  # None: nothing to write (reopening, or something is missing)
    batch: ClaimBatch | None  # the original's batch, for the envelope
    changes: tuple[Change, ...]
    missing: tuple[str, ...]  # what to add before the claim can be written
    notes: tuple[str, ...]

    @property
    def written(self) -> bool:
        return self.claim is not None


def original_claims(
    folder: Path, findings: list[Finding] | None = None
) -> dict[str, list[OriginalClaim]]:
    """The practice's sent claims (``<folder>/claims/*.837``) by CLM01, oldest file first.

    Problems in those files go to ``findings`` when given; their bad claims are left out.
    """
    found: dict[str, list[OriginalClaim]] = {}
    for path in sorted((folder / "claims").glob("*.837")):
        result = read_837_file(path)
        if findings is not None:
            findings.extend(result.findings)
        for batch in result.batches:
            for claim in batch.claims:
                found.setdefault(claim.patient_control_number, []).append(
                    OriginalClaim(claim, batch)
                )
    return found


def _source(claim: Claim837, segment: int) -> str:
    return f"{Path(claim.file).name} segment {segment}"


def _line_of(claim: Claim837, item: WorkItem) -> int | None:
    """Index of the 837 line the denied 835 line answers: REF*6R first, else code and date."""
    ctx = item.context
    line = ctx.item.line if ctx is not None else None
    if line is not None:
        for qualifier, value in line.references:
            if qualifier == "6R":
                for i, mine in enumerate(claim.lines):
                    if mine.control_number == value:
                        return i
    for i, mine in enumerate(claim.lines):
        if mine.procedure.code == item.code and mine.service_date == item.service_date:
            return i
    return None


def _apply_modifier(
    claim: Claim837, item: WorkItem, changes: list[Change], missing: list[str]
) -> Claim837:
    found = _MODIFIER.search(item.action)
    if found is None:
        return claim
    modifier = found[1].upper()
    index = _line_of(claim, item)
    if index is None:
        missing.append(f"the claim line for {item.code} on {item.service_date} (not in the 837)")
        return claim
    line = claim.lines[index]
    mods = line.procedure.modifiers
    if modifier in mods:
        return claim
    if len(mods) >= 4:
        missing.append(f"a free modifier position on line {line.number} ({item.code}): four used")
        return claim
    new = line._replace(procedure=line.procedure._replace(modifiers=(*mods, modifier)))
    changes.append(
        Change(
            f"2400 SV101 modifiers (line {line.number}, {line.procedure.code})",
            ":".join(mods) or "(none)",
            ":".join(new.procedure.modifiers),
            f"{item.group_code}-{item.reason_code} "
            f"{' '.join(item.remark_codes)}: {item.action}".strip(),
            item.evidence[0].text if item.evidence else item.file,
        )
    )
    lines = list(claim.lines)
    lines[index] = new
    return claim._replace(lines=tuple(lines))


def _apply_referring(
    claim: Claim837,
    item: WorkItem,
    originals: dict[str, list[OriginalClaim]],
    changes: list[Change],
    missing: list[str],
) -> Claim837:
    if "N286" not in item.remark_codes or claim.referring_provider is not None:
        return claim
    same = [
        o.claim
        for group in originals.values()
        for o in group
        if o.claim.referring_provider is not None
        and o.claim.subscriber.member.id == claim.subscriber.member.id
        and (o.claim.patient or o.claim.subscriber.member)[:2]
        == (claim.patient or claim.subscriber.member)[:2]
    ]
    if not same:
        missing.append("the referring provider's name and NPI (remark N286): add them to the claim")
        return claim
    donor = same[-1]
    referring = donor.referring_provider
    assert referring is not None
    changes.append(
        Change(
            "2310A NM1*DN referring provider",
            "(none)",
            f"{referring.first_name} {referring.last_name}, NPI {referring.npi}",
            "N286: the referring provider's identifier was missing; taken from the patient's "
            f"claim {donor.patient_control_number}",
            _source(donor, referring.segment),
        )
    )
    return claim._replace(referring_provider=referring._replace(segment=0))


def _apply_rendering(
    claim: Claim837,
    item: WorkItem,
    practice: Practice | None,
    changes: list[Change],
    missing: list[str],
) -> Claim837:
    """N290 (rendering provider identifier missing): the clinician's NPI from practice.toml."""
    if "N290" not in item.remark_codes:
        return claim
    names = {
        v.supervising_provider or v.rendering_provider
        for v in (practice.visits if practice is not None else ())
        if v.claim_id == claim.patient_control_number
    }
    billing = read_billing(Path(practice.folder))[0] if practice is not None else None
    found = [billing.provider(n) for n in names] if billing is not None and names else []
    if len(found) != 1 or found[0] is None or not found[0].npi:
        missing.append(
            "the rendering provider's NPI (remark N290): add it under [billing.providers] in "
            "practice.toml for " + (", ".join(sorted(names)) or "the clinician of the visit")
        )
        return claim
    clinician = found[0]
    old = claim.rendering_provider
    changes.append(
        Change(
            "2310B NM1*82 rendering provider",
            f"NPI {old.npi}" if old is not None and old.npi else "(none)",
            f"{clinician.first_name} {clinician.last_name}, NPI {clinician.npi}",
            "N290: the rendering provider's identifier was missing or invalid",
            f"practice.toml [billing.providers.{clinician.name}]",
        )
    )
    rendering = Provider(
        "82", clinician.last_name, clinician.npi, first_name=clinician.first_name,
        taxonomy=clinician.taxonomy,
    )  # fmt: skip
    return claim._replace(rendering_provider=rendering)


def _secondary(
    claim: Claim837,
    payment: ClaimPayment,
    remittance: Remittance,
    coverage: Coverage | None,
    changes: list[Change],
    missing: list[str],
) -> Claim837:
    if coverage is None:
        missing.append("the patient's next coverage (coverages.csv rank 2) for the secondary")
        return claim
    primary = claim.subscriber
    paid_date = remittance.payment_date or remittance.production_date
    adjudications = []
    for i, line in enumerate(claim.lines):
        answer = next(
            (
                s
                for s in payment.lines
                if ("6R", line.control_number) in s.references
                or (
                    s.procedure.code == line.procedure.code
                    and s.date_of_service == line.service_date
                )
            ),
            None,
        )
        if answer is None:
            missing.append(f"the primary's adjudication of line {line.number} (not in the 835)")
            continue
        adjudications.append(
            (
                i,
                LineAdjudication(
                    primary.payer.id,
                    answer.paid,
                    answer.procedure,
                    answer.units if answer.units is not None else line.units,
                    tuple(a._replace(segment=0) for a in answer.adjustments),
                    paid_date,
                ),
            )
        )
    lines = list(claim.lines)
    for i, adjudication in adjudications:
        lines[i] = lines[i]._replace(adjudications=(adjudication,))
    other = OtherPayer(
        "P",
        "18" if claim.patient is None else claim.patient_relationship or "G8",
        primary.member,
        Payer(primary.payer.name, primary.payer.id, primary.payer.id_qualifier),
        group_number=primary.group_number,
        filing_indicator=primary.filing_indicator,
        adjustments=tuple(a._replace(segment=0) for a in payment.adjustments),
        paid=payment.paid,
        # CLP05, the patient's responsibility after the primary: the secondary's AMT*EAF
        remaining_patient_liability=payment.patient_responsibility,
        adjudication_date=paid_date,
        claim_control_number=payment.payer_claim_id,
    )
    member = primary.member._replace(id=coverage.member_id, segment=0)
    subscriber = primary._replace(
        payer_responsibility="S",
        member=member,
        payer=Payer(coverage.payer_name.upper(), coverage.payer_id),
        group_number=coverage.group_number,
        segment=0,
    )
    source = f"{Path(payment_file(remittance)).name} segment {payment.segment}"
    changes.append(
        Change(
            "2000B SBR01 / 2010BB payer",
            f"P {primary.payer.name}",
            f"S {subscriber.payer.name}",
            f"secondary claim to the next coverage ({Path(coverage.file).name} row {coverage.row})",
            source,
        )
    )
    changes.append(
        Change(
            "2320/2330B other payer",
            "(none)",
            f"{primary.payer.name}: paid {payment.paid}, claim {payment.payer_claim_id}, "
            f"{len(payment.adjustments)} claim CAS, {len(adjudications)} line SVD",
            "the primary's adjudication as the 835 has it",
            source,
        )
    )
    return claim._replace(subscriber=subscriber, other_payers=(other,), lines=tuple(lines))


def payment_file(remittance: Remittance) -> str:
    return remittance.file


def file_claim(
    items: Sequence[WorkItem],
    originals: dict[str, list[OriginalClaim]],
    practice: Practice | None = None,
    *,
    void: bool = False,
) -> ClaimResult:
    """The claim to send for one claim's decisions (all for the same CLP01).

    ``void`` withdraws the claim instead (frequency 8 with REF*F8, the lines as first sent),
    whatever the decision's form: for a claim sent to the wrong payer or for a service that did
    not happen.
    """
    first = items[0]
    claim_id = first.patient_account
    secondary = not void and any(i.lane == "bill_other_payer" for i in items)
    form: str = "void" if void else "secondary" if secondary else correction_form(first)
    changes: list[Change] = []
    missing: list[str] = []
    notes: list[str] = []
    if form == "reopening":
        notes.append(
            "Medicare takes a reopening for a clerical error on a processed claim, not a "
            "replacement 837: ask the MAC for a reopening (within one year of the initial "
            f"determination) for payer claim {first.payer_claim_id}; no 837 is written."
        )
        return ClaimResult(claim_id, form, None, None, (), (), tuple(notes))
    found = originals.get(claim_id, [])
    if not found:
        missing.append(
            f"the original claim {claim_id} (an 837 in the practice's claims/ folder): "
            "diagnoses, patient address and rendering provider are not in the 835"
        )
        return ClaimResult(claim_id, form, None, None, (), tuple(missing), tuple(notes))
    original = found[-1]
    claim = original.claim
    frequency = _FREQUENCY[form]
    if frequency != claim.frequency:
        changes.append(
            Change(
                "2300 CLM05-3 frequency",
                claim.frequency,
                frequency,
                _why_form(form),
                "recoup.claims_out.form.correction_form",
            )
        )
    claim = claim._replace(frequency=frequency, segment=0, file="")
    if form in ("replacement", "void"):
        if not first.payer_claim_id:
            missing.append("the payer's claim control number (CLP07) for REF*F8")
        else:
            changes.append(
                Change(
                    "2300 REF*F8",
                    claim.payer_claim_control_number or "(none)",
                    first.payer_claim_id,
                    "the payer's number of the claim replaced (CLP07)",
                    first.file,
                )
            )
            claim = claim._replace(payer_claim_control_number=first.payer_claim_id)
    else:
        claim = claim._replace(payer_claim_control_number="")
    for item in items:
        if form != "void" and not secondary:
            claim = _apply_modifier(claim, item, changes, missing)
            claim = _apply_referring(claim, item, originals, changes, missing)
            claim = _apply_rendering(claim, item, practice, changes, missing)
    if secondary:
        ctx = first.context
        if ctx is None:
            missing.append("the primary's remittance")
        else:
            coverage = _next_coverage(practice, ctx.item.claim, claim)
            claim = _secondary(claim, ctx.item.claim, ctx.remittance, coverage, changes, missing)
    resend = "resend as a replacement" in first.action  # the frequency is the whole fix
    if (
        form in ("replacement", "new")
        and not resend
        and not [c for c in changes if c.element.startswith(("2400 SV101", "2310"))]
    ):
        missing.append(f'the fix itself: recoup cannot apply "{first.action}" automatically')
    if form in ("replacement", "void"):
        fixed = [
            f"{c.element.split('(', 1)[1].rstrip(')').replace(',', '')} MODIFIERS {c.new}"
            for c in changes
            if "SV101" in c.element
        ]
        note = "VOID" if form == "void" else "CORRECTED CLAIM - " + "; ".join(fixed).upper()
        # NTE02 is free text, but X12 separators may not appear in it
        claim = claim._replace(note=re.sub(r"[*:~^|>]", " ", note)[:80])
    if missing:
        return ClaimResult(
            claim_id, form, None, original.batch, tuple(changes), tuple(missing), tuple(notes)
        )
    return ClaimResult(
        claim_id, form, _renumber(claim), original.batch, tuple(changes), (), tuple(notes)
    )


def _why_form(form: str) -> str:
    return {
        "replacement": "replacement of the processed claim (frequency 7)",
        "void": "void of the claim (frequency 8)",
        "new": "Medicare returned the claim unprocessable (MA130): a new claim (frequency 1)",
        "secondary": "a new claim to the secondary payer (frequency 1)",
    }[form]


def _next_coverage(
    practice: Practice | None, payment: ClaimPayment, claim: Claim837
) -> Coverage | None:
    if practice is None:
        return None
    patient = next(
        (p for p in practice.patients if p.account_number == payment.patient_control_number),
        None,
    )
    visits = [v for v in practice.visits if v.claim_id == claim.patient_control_number]
    patient_id = visits[0].patient_id if visits else (patient.patient_id if patient else None)
    ranked = sorted(
        (c for c in practice.coverages if c.patient_id == patient_id), key=lambda c: c.rank
    )
    primary_id = claim.subscriber.payer.id
    for coverage in ranked:
        if coverage.payer_id != primary_id and coverage.rank > 1:
            return coverage
    return None


def _renumber(claim: Claim837) -> Claim837:
    total = sum((line.charge for line in claim.lines), Decimal(0))
    lines: list[ServiceLine837] = [line._replace(segment=0) for line in claim.lines]
    patient: Member | None = claim.patient._replace(segment=0) if claim.patient else None
    return claim._replace(charge=total, lines=tuple(lines), patient=patient)
