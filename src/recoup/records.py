"""The immutable records recoup reads from an X12 835 remittance.

Every record is a ``typing.NamedTuple``: immutable, typed, cheap to pickle across processes, and
built roughly twenty times faster than a frozen dataclass with as many fields (a 100 MB remittance
holds about two million of them, so this is the parser's largest cost after splitting text).
Money is ``Decimal`` exactly as the 835 stated it; dates are ``datetime.date``. Each record
keeps ``segment``: the 1-based number of the segment it starts at in its file, so findings,
the UI and letters can point back to the source.

::

    Remittance (ST..SE: one payment or advice)
    ├── payer / payee: Party
    ├── claims: ClaimPayment (CLP loop 2100)
    │   ├── adjustments: Adjustment (claim-level CAS)
    │   └── lines: ServiceLine (SVC loop 2110)
    │       └── adjustments: Adjustment (line-level CAS)
    └── provider_adjustments: ProviderAdjustment (PLB)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recoup.money import ZERO

__all__ = [
    "REVERSAL_STATUS",
    "Adjustment",
    "ClaimPayment",
    "Contact",
    "EligibilityBenefit",
    "EligibilityResponse",
    "Party",
    "Person",
    "Procedure",
    "ProviderAdjustment",
    "ProviderSummary",
    "Remittance",
    "ServiceLine",
]

REVERSAL_STATUS = "22"


class Adjustment(NamedTuple):
    """One CAS triplet: group code (CO, PR, OA, PI; CR in 4010), reason code (CARC), amount, units.

    A positive amount reduces the payment; a negative one increases it.
    """

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None
    segment: int = 0

    @property
    def key(self) -> str:
        """``CO-119``: how billers write it."""
        return f"{self.group}-{self.reason}"


class Procedure(NamedTuple):
    """A composite procedure id (SVC01 / SVC06): qualifier, code and up to four modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""

    def __str__(self) -> str:
        return ":".join((self.code, *self.modifiers)) if self.modifiers else self.code


class ServiceLine(NamedTuple):
    """A service payment line (loop 2110, SVC)."""

    procedure: Procedure
    charge: Decimal
    paid: Decimal
    revenue_code: str = ""
    units: Decimal | None = None  # SVC05; absent means 1 unit per the implementation guide
    original_procedure: Procedure | None = None  # SVC06, when the payer adjudicated another code
    original_units: Decimal | None = None  # SVC07
    service_date: date | None = None  # DTM*472
    period_start: date | None = None  # DTM*150
    period_end: date | None = None  # DTM*151
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # LQ*HE remark codes (RARC)
    references: tuple[tuple[str, str], ...] = ()  # REF qualifier, value (6R line control, ...)
    amounts: tuple[tuple[str, Decimal], ...] = ()  # AMT qualifier, amount (B6 allowed, ...)
    quantities: tuple[tuple[str, Decimal], ...] = ()  # QTY qualifier, quantity
    segment: int = 0

    @property
    def allowed(self) -> Decimal | None:
        """AMT*B6: informational, not part of balancing."""
        return next((amount for qual, amount in self.amounts if qual == "B6"), None)

    @property
    def control_number(self) -> str | None:
        """REF*6R: the line item control number echoed from the claim."""
        return next((value for qual, value in self.references if qual == "6R"), None)

    @property
    def date_of_service(self) -> date | None:
        return self.service_date or self.period_start

    @property
    def adjusted(self) -> Decimal:
        total = ZERO
        for adj in self.adjustments:
            total += adj.amount
        return total


class Person(NamedTuple):
    """An NM1 in the claim loop: patient (QC), insured (IL), rendering provider (82), ..."""

    entity: str  # NM101
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # NM108 (MI member id, XX NPI, ...)
    id: str = ""  # NM109
    is_organization: bool = False

    @property
    def display_name(self) -> str:
        if self.is_organization or not self.first_name:
            return self.last_name
        middle = f" {self.middle_name}" if self.middle_name else ""
        return f"{self.first_name}{middle} {self.last_name}"


class ClaimPayment(NamedTuple):
    """One claim payment (loop 2100, CLP) with its service lines."""

    patient_control_number: str  # CLP01: the practice's claim number
    status: str  # CLP02
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal | None  # CLP05
    filing_indicator: str  # CLP06
    payer_claim_id: str  # CLP07: the number a corrected claim quotes
    facility_type: str = ""  # CLP08 (place of service / facility code)
    frequency: str = ""  # CLP09
    patient: Person | None = None  # NM1*QC
    insured: Person | None = None  # NM1*IL
    corrected_patient: Person | None = None  # NM1*74
    rendering_provider: Person | None = None  # NM1*82
    crossover_carrier: Person | None = None  # NM1*TT
    corrected_payer: Person | None = None  # NM1*PR
    other_names: tuple[Person, ...] = ()  # any other NM1 in the loop
    inpatient_remarks: tuple[str, ...] = ()  # MIA05, MIA20-MIA23
    outpatient_remarks: tuple[str, ...] = ()  # MOA03-MOA07
    references: tuple[tuple[str, str], ...] = ()
    dates: tuple[tuple[str, date], ...] = ()  # DTM qualifier (232, 233, 050, 036), date
    amounts: tuple[tuple[str, Decimal], ...] = ()
    quantities: tuple[tuple[str, Decimal], ...] = ()
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    lines: tuple[ServiceLine, ...] = ()
    header_number: str = ""  # LX01 of the header group this claim belongs to
    segment: int = 0

    @property
    def is_reversal(self) -> bool:
        return self.status == REVERSAL_STATUS

    @property
    def remarks(self) -> tuple[str, ...]:
        """Claim-level remark codes (MOA or MIA)."""
        return self.outpatient_remarks + self.inpatient_remarks

    def date_for(self, qualifier: str) -> date | None:
        return next((d for q, d in self.dates if q == qualifier), None)

    @property
    def statement_start(self) -> date | None:
        return self.date_for("232")

    @property
    def statement_end(self) -> date | None:
        return self.date_for("233")

    @property
    def received_date(self) -> date | None:
        return self.date_for("050")

    @property
    def service_date(self) -> date | None:
        """Earliest line date of service, else the statement start."""
        line_dates = [d for line in self.lines if (d := line.date_of_service) is not None]
        return min(line_dates) if line_dates else self.statement_start

    @property
    def all_adjustments(self) -> tuple[Adjustment, ...]:
        out = list(self.adjustments)
        for line in self.lines:
            out.extend(line.adjustments)
        return tuple(out)


class Contact(NamedTuple):
    """PER: a payer contact (function code, name, and up to three communication numbers)."""

    function: str
    name: str = ""
    numbers: tuple[tuple[str, str], ...] = ()  # (TE phone | EM email | UR url | FX fax, value)


class Party(NamedTuple):
    """N1 loop: the payer (PR) or payee (PE), with address, references and contacts."""

    entity: str
    name: str
    id_qualifier: str = ""
    id: str = ""
    address: tuple[str, ...] = ()  # N3 lines
    city: str = ""
    state: str = ""
    postal_code: str = ""
    references: tuple[tuple[str, str], ...] = ()
    contacts: tuple[Contact, ...] = ()


class ProviderSummary(NamedTuple):
    """TS3 (and TS2 when present): totals a payer reports per provider in a header group."""

    header_number: str
    provider_id: str
    facility_code: str
    fiscal_period_end: date | None
    claim_count: int
    total_charge: Decimal
    elements: tuple[str, ...] = ()  # TS3 and TS2 elements as sent, for display
    segment: int = 0


class ProviderAdjustment(NamedTuple):
    """One PLB pair: reason (WO, L6, FB, ...), reference, amount. Positive reduces the payment."""

    provider_id: str
    fiscal_period_end: date | None
    reason: str
    reference: str
    amount: Decimal
    segment: int = 0


class Remittance(NamedTuple):
    """One 835 transaction set (ST..SE): a payment (or advice) from one payer to one payee."""

    file: str
    control_number: str  # ST02
    interchange_control: str  # ISA13, "" when the file has no envelope
    group_control: str  # GS06
    sender_id: str  # GS02
    receiver_id: str  # GS03
    handling_code: str  # BPR01 (I remittance+payment, H advice only, ...)
    payment_amount: Decimal | None  # BPR02; None when it is missing or cannot be read
    credit_debit: str  # BPR03
    payment_method: str  # BPR04 (ACH, CHK, BOP, FWT, NON)
    payment_date: date | None  # BPR16
    trace_number: str  # TRN02 (check or EFT trace number)
    trace_originator: str  # TRN03
    production_date: date | None  # DTM*405
    payer: Party
    payee: Party
    claims: tuple[ClaimPayment, ...] = ()
    provider_summaries: tuple[ProviderSummary, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    version: str = ""  # GS08 / ST03, e.g. 005010X221A1
    segment: int = 0
    segment_count: int = 0

    @property
    def notice_date(self) -> date | None:
        """The date the remittance speaks from: BPR16, else the production date."""
        return self.payment_date or self.production_date


# -- X12 271 eligibility responses ---------------------------------------------------------------


class EligibilityBenefit(NamedTuple):
    """One EB segment (loop 2110C/2110D) with the MSG texts and DTP dates that follow it."""

    info: str  # EB01: 1 active coverage, F limitations, C deductible, B copay, ...
    coverage_level: str  # EB02: IND, FAM, ...
    service_types: tuple[str, ...]  # EB03 (repeatable): PT, AD, 33, MH, 30, ...
    insurance_type: str  # EB04
    plan: str  # EB05
    period: str  # EB06 time period qualifier: 23 calendar year, 29 remaining, 32 lifetime ...
    amount: Decimal | None  # EB07
    percent: Decimal | None  # EB08
    quantity_qualifier: str  # EB09: VS visits, HS hours, 99 used, ...
    quantity: Decimal | None  # EB10
    authorization_required: str  # EB11: Y, N, U
    in_network: str  # EB12: Y, N, W
    messages: tuple[str, ...] = ()  # MSG01 free text ("PT/OT/ST COMBINED VISIT LIMIT")
    dates: tuple[tuple[str, date, date | None], ...] = ()  # DTP qualifier, start, end
    segment: int = 0


class EligibilityResponse(NamedTuple):
    """What a payer said about one member (subscriber or dependent) in a 271."""

    file: str
    control_number: str  # ST02
    payer_name: str
    payer_id: str
    provider_name: str
    provider_id: str
    subscriber: Person | None
    dependent: Person | None  # set when the benefits are the dependent's (loop 2000D)
    trace_numbers: tuple[str, ...]  # TRN02 values (echo of the 270's trace)
    dates: tuple[tuple[str, date, date | None], ...]  # member-level DTP (346 plan begin, ...)
    benefits: tuple[EligibilityBenefit, ...]
    rejections: tuple[tuple[str, str, int], ...] = ()  # AAA03 reason, AAA04 follow-up, segment
    segment: int = 0

    @property
    def member(self) -> Person | None:
        return self.dependent or self.subscriber
