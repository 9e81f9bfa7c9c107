"""The practice's outgoing claims: immutable records of an X12 837P (005010X222A1).

One :class:`Claim837` is one claim (loop 2300) with everything a reader of the claim needs
without the rest of the file: the billing provider (2000A/2010AA), the subscriber and payer
(2000B/2010BA/2010BB), the patient when it is not the subscriber (2000C/2010CA), the claim's
rendering provider (2310B), other payers (2320/2330A/2330B, on secondary claims) and the service
lines (2400) with their own rendering provider (2420A) and other payers' line adjudication
(2430). The 837's HL hierarchy is flattened this way on purpose: the scrub, the corrected-claim
builder and the 835 matcher all work claim by claim.

Every record carries its source: ``segment`` is the 1-based number in the file of the segment
that starts it (``Claim837.file`` names the file). Money is ``Decimal`` from the element text,
dates are ``date``; an element the file leaves out is ``""`` (text), ``None`` (numbers, dates)
or ``()``.

Codes, for the consumers of these records (005010X222A1):

- ``Claim837.frequency`` (CLM05-3): 1 original, 7 replacement of a prior claim, 8 void; 7 and 8
  carry ``payer_claim_control_number`` (2300 REF*F8, the payer's CLP07).
- ``Claim837.place_of_service`` (CLM05-1) is the claim's; a line's ``place_of_service`` (SV105)
  is set only where it differs.
- ``ServiceLine837.diagnosis_pointers`` (SV107) are 1-based positions in ``Claim837.diagnoses``.
- ``Subscriber.payer_responsibility`` (SBR01): P primary, S secondary, T tertiary.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recoup.records import Adjustment, Procedure

__all__ = [
    "Claim837",
    "ClaimBatch",
    "Diagnosis",
    "LineAdjudication",
    "Member",
    "OtherPayer",
    "Payer",
    "Provider",
    "ServiceLine837",
    "Submitter",
    "Subscriber",
]


class Provider(NamedTuple):
    """A provider: billing (2010AA, ``entity`` 85), rendering (2310B/2420A, 82), ...

    ``last_name`` holds the organisation's name when ``is_organization``. ``taxonomy`` is PRV03
    (billing PRV*BI, rendering PRV*PE). ``tax_id`` is REF*EI (EIN) or REF*SY (SSN) as
    ``tax_id_qualifier`` says; only the billing provider has one.
    """

    entity: str
    last_name: str
    npi: str
    is_organization: bool = False
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    taxonomy: str = ""
    address: tuple[str, ...] = ()  # N301, N302
    city: str = ""
    state: str = ""
    postal_code: str = ""
    tax_id_qualifier: str = ""
    tax_id: str = ""
    segment: int = 0


class Member(NamedTuple):
    """A subscriber (2010BA, NM1*IL) or patient (2010CA, NM1*QC) with address and demographics."""

    last_name: str
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # NM108: MI member id (subscriber only)
    id: str = ""  # NM109
    address: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    birth_date: date | None = None  # DMG02
    gender: str = ""  # DMG03: F, M, U
    segment: int = 0


class Payer(NamedTuple):
    """The payer the claim is sent to (2010BB) or another payer (2330B)."""

    name: str
    id: str  # NM109 (payer id, NM108 PI or XV)
    id_qualifier: str = "PI"
    address: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    segment: int = 0


class Subscriber(NamedTuple):
    """Loop 2000B: the subscriber's coverage with the destination payer."""

    payer_responsibility: str  # SBR01: P, S, T
    member: Member
    payer: Payer
    relationship: str = ""  # SBR02: 18 when the subscriber is the patient, else ""
    group_number: str = ""  # SBR03
    plan_name: str = ""  # SBR04
    filing_indicator: str = ""  # SBR09: CI commercial, MB Medicare B, MC Medicaid, ...
    segment: int = 0


class Diagnosis(NamedTuple):
    """One HI composite: qualifier ABK (principal ICD-10-CM) or ABF (other), the code as sent."""

    qualifier: str
    code: str


class OtherPayer(NamedTuple):
    """Loop 2320 with 2330A/2330B: another payer's coverage and its adjudication of the claim.

    On a secondary claim this is the primary: ``paid`` is AMT*D (the primary's paid amount),
    ``adjustments`` the primary's claim-level CAS as the 835 had them, ``claim_control_number``
    2330B REF*F8 (the primary's CLP07) and ``adjudication_date`` 2330B DTP*573.
    """

    payer_responsibility: str  # SBR01
    relationship: str  # SBR02: 18 self, 01 spouse, 19 child, G8 other
    subscriber: Member  # 2330A NM1*IL
    payer: Payer  # 2330B NM1*PR
    group_number: str = ""
    plan_name: str = ""
    filing_indicator: str = ""  # SBR09
    adjustments: tuple[Adjustment, ...] = ()  # 2320 CAS
    paid: Decimal | None = None  # AMT*D
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    benefits_assignment: str = "Y"  # OI03
    release_of_information: str = "Y"  # OI06
    adjudication_date: date | None = None  # 2330B DTP*573
    claim_control_number: str = ""  # 2330B REF*F8
    segment: int = 0


class LineAdjudication(NamedTuple):
    """Loop 2430: another payer's adjudication of one service line (SVD, CAS, DTP*573)."""

    payer_id: str  # SVD01: matches the 2330B payer id
    paid: Decimal  # SVD02
    procedure: Procedure  # SVD03
    units: Decimal  # SVD05
    adjustments: tuple[Adjustment, ...] = ()  # 2430 CAS
    paid_date: date | None = None  # DTP*573
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    bundled_line: str = ""  # SVD06
    segment: int = 0


class ServiceLine837(NamedTuple):
    """Loop 2400: one professional service line (LX, SV1, DTP*472, REF, NTE, 2420A, 2430)."""

    number: int  # LX01
    procedure: Procedure  # SV101: HC code and up to four modifiers
    charge: Decimal  # SV102
    units: Decimal  # SV104
    service_date: date | None  # DTP*472 (D8, or the start of an RD8 range)
    diagnosis_pointers: tuple[int, ...] = ()  # SV107
    unit_basis: str = "UN"  # SV103: UN units, MJ minutes
    place_of_service: str = ""  # SV105, only where it differs from CLM05-1
    service_date_end: date | None = None  # RD8 end
    control_number: str = ""  # REF*6R: echoed by the 835 (2110 REF*6R)
    prior_authorization: str = ""  # REF*G1 at the line
    note: str = ""  # NTE*ADD
    rendering_provider: Provider | None = None  # 2420A
    adjudications: tuple[LineAdjudication, ...] = ()  # 2430
    segment: int = 0


class Claim837(NamedTuple):
    """Loop 2300 with the providers, subscriber and patient it belongs to."""

    patient_control_number: str  # CLM01: the practice's claim number (the 835's CLP01)
    charge: Decimal  # CLM02
    place_of_service: str  # CLM05-1
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    billing_provider: Provider
    subscriber: Subscriber
    diagnoses: tuple[Diagnosis, ...]
    lines: tuple[ServiceLine837, ...]
    patient: Member | None = None  # 2010CA, when the patient is not the subscriber
    patient_relationship: str = ""  # PAT01 with ``patient``: 01 spouse, 19 child, G8 other
    facility_qualifier: str = "B"  # CLM05-2
    provider_signature: str = "Y"  # CLM06
    assignment: str = "A"  # CLM07: A assigned, B lab services, C not assigned
    benefits_assignment: str = "Y"  # CLM08
    release_of_information: str = "Y"  # CLM09: Y or I
    payer_claim_control_number: str = ""  # REF*F8: the payer's number of the claim replaced
    prior_authorization: str = ""  # REF*G1
    references: tuple[tuple[str, str], ...] = ()  # other 2300 REFs (qualifier, value)
    note: str = ""  # NTE*ADD: the reason of a corrected claim
    rendering_provider: Provider | None = None  # 2310B
    referring_provider: Provider | None = None  # 2310A (NM1*DN)
    other_payers: tuple[OtherPayer, ...] = ()  # 2320
    file: str = ""
    segment: int = 0  # the CLM segment


class Submitter(NamedTuple):
    """Loop 1000A: who sends the file, and whom to call about it."""

    name: str
    id: str  # NM109 (the submitter id the clearinghouse assigned)
    contact_name: str = ""
    phone: str = ""
    is_organization: bool = True


class ClaimBatch(NamedTuple):
    """One 837P transaction set (ST..SE) with its envelope and header."""

    file: str
    control_number: str  # ST02
    interchange_control: str  # ISA13
    group_control: str  # GS06
    sender_id: str  # GS02
    receiver_id: str  # GS03
    reference: str  # BHT03: the originator's batch number
    created: date | None  # BHT04
    submitter: Submitter
    receiver_name: str  # 1000B NM103
    receiver_id_code: str  # 1000B NM109
    claims: tuple[Claim837, ...] = ()
    purpose: str = "00"  # BHT02: 00 original, 18 reissue
    claim_type: str = "CH"  # BHT06: CH chargeable, RP reporting
    version: str = "005010X222A1"
    segment: int = 0  # the ST segment
    segment_count: int = 0
