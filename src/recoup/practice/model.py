"""The immutable records of a practice folder (docs/design.md, "The practice folder").

One record per CSV row, each carrying the file and row it came from (the header is row 1), so a
rule, a letter or a finding can point back to it. Money and quantities are ``Decimal``, dates
``datetime.date``, times of day ``datetime.time``; code lists are tuples of strings.

::

    Practice (practice.toml)
    ├── payers: PayerInfo ([payers.<payer_id>])
    ├── patients: Patient (patients.csv)
    ├── coverages: Coverage (coverages.csv)
    ├── benefits: Benefit (benefits.csv)
    ├── authorizations: Authorization (authorizations.csv)
    ├── visits: Visit (visits.csv)
    ├── waivers: Waiver (waivers.csv)
    ├── records: RecordRef (records/index.csv)
    ├── fee_schedules: FeeScheduleRow (fee_schedules/<payer_id>.csv)
    └── payments: PatientPayment (payments.csv)
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "AuthPer",
    "AuthUnit",
    "Authorization",
    "Benefit",
    "BenefitPeriod",
    "BenefitUnit",
    "CoMemberBilling",
    "CorrectionForm",
    "Coverage",
    "FeeScheduleRow",
    "MonthDay",
    "Patient",
    "PatientPayment",
    "PayerInfo",
    "PayerType",
    "PaymentMethod",
    "PeriodKind",
    "Practice",
    "RecordRef",
    "Visit",
    "Waiver",
    "WaiverKind",
]


class PayerType(StrEnum):
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"  # fee-for-service (the state agency pays)
    MEDICAID_MANAGED_CARE = "medicaid_managed_care"  # a Medicaid MCO (42 CFR part 438)
    COMMERCIAL = "commercial"
    ERISA = "erisa"
    FEHB = "fehb"
    TRICARE = "tricare"
    WORKERS_COMP = "workers_comp"
    VA_COMMUNITY_CARE = "va_community_care"
    CHAMPVA = "champva"


class BenefitUnit(StrEnum):
    VISITS = "visits"
    UNITS = "units"
    DOLLARS = "dollars"
    HOURS = "hours"


class PeriodKind(StrEnum):
    CALENDAR_YEAR = "calendar_year"
    PLAN_YEAR = "plan_year"
    ROLLING_MONTHS = "rolling_months"
    LIFETIME = "lifetime"
    EPISODE = "episode"
    MONTH = "month"
    WEEK = "week"


class AuthUnit(StrEnum):
    UNITS = "units"
    VISITS = "visits"
    HOURS = "hours"


class AuthPer(StrEnum):
    TOTAL = "total"
    WEEK = "week"
    MONTH = "month"


class WaiverKind(StrEnum):
    ABN = "abn"
    WAIVER = "waiver"
    # A Medicare Advantage plan's pre-service organization determination denying the service
    # (the integrated denial notice): the only notice that lets an MA enrollee be billed.
    MA_DETERMINATION = "ma_determination"


class CorrectionForm(StrEnum):
    """How a payer takes a corrected claim (the claims-out side writes the 837 from it)."""

    REOPENING = "reopening"  # Medicare: a clerical-error reopening, not a new 837
    NEW = "new"  # a new claim (frequency 1): the first was unprocessable
    REPLACEMENT = "replacement"  # frequency 7 with the payer's claim number (REF*F8)
    VOID = "void"  # frequency 8 with the payer's claim number


class CoMemberBilling(StrEnum):
    """May the member be billed for a CO (contractual) denial under a signed waiver?"""

    NO = "no"  # never (the default: CO is the provider's)
    N492 = "n492"  # only when the remittance carries RARC N492
    CONTRACT = "contract"  # the contract's member-written-agreement clause allows it


class MonthDay(NamedTuple):
    """A plan year's first day, ``MM-DD`` in coverages.csv."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


class BenefitPeriod(NamedTuple):
    """``calendar_year``, ``rolling_months:12``, ...: the kind, and N for rolling months."""

    kind: PeriodKind
    months: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.months}" if self.months is not None else str(self.kind)


class PayerInfo(NamedTuple):
    """A ``[payers.<payer_id>]`` table of practice.toml."""

    payer_id: str
    name: str
    type: PayerType | None = None
    appeal_address: str = ""
    appeal_days: int | None = None
    state: str = ""  # two-letter state whose rules apply (Medicaid, workers' comp)
    correction_form: CorrectionForm | None = None  # how it takes corrections; None: by type
    co_member_billing: CoMemberBilling = CoMemberBilling.NO
    corrected_claim_days: int | None = None  # the contract's timely filing for corrections
    corrected_claim_from: str = ""  # "service" (default) or "notice": what that clock counts from
    # how far below the fee schedule a line's allowed amount may be before it is an underpayment
    # (None: recoup's default, recoup.triage.rules.underpayment.DEFAULT_TOLERANCE)
    underpayment_tolerance: Decimal | None = None
    # days the payer usually takes to answer a claim with an 835; a sent claim with no answer
    # after that is a missing remittance (None: recoup's default, 30)
    remit_days: int | None = None
    # a contract written as a percentage of another fee schedule ("110% of Medicare"): the
    # per-unit rate of a code with no row of its own is fee_percent % of the row that
    # fee_schedules/<fee_schedule>.csv has for it (see recoup.triage.rules.underpayment)
    fee_schedule: str = ""
    fee_percent: Decimal | None = None


class Patient(NamedTuple):
    patient_id: str
    first_name: str
    last_name: str
    birth_date: date | None
    account_number: str
    file: str = ""
    row: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Coverage(NamedTuple):
    patient_id: str
    payer_id: str
    payer_name: str
    payer_type: PayerType
    rank: int  # 1 primary, 2 secondary, ...
    member_id: str
    group_number: str
    plan_name: str
    plan_year_start: MonthDay | None  # None: the calendar year
    effective_date: date | None
    end_date: date | None
    file: str = ""
    row: int = 0


class Benefit(NamedTuple):
    patient_id: str
    payer_id: str
    benefit: str  # pt_ot, chiro, aba, ...
    limit: Decimal
    unit: BenefitUnit
    period: BenefitPeriod
    counts_codes: tuple[str, ...]
    excludes_codes: tuple[str, ...]
    used_elsewhere: Decimal  # counted by the payer at other providers
    as_of: date | None
    file: str = ""
    row: int = 0


class Authorization(NamedTuple):
    patient_id: str
    payer_id: str
    auth_number: str
    codes: tuple[str, ...]
    units: Decimal
    unit: AuthUnit
    per: AuthPer
    start_date: date
    end_date: date
    file: str = ""
    row: int = 0


class Visit(NamedTuple):
    """A billed service line as the practice recorded it."""

    patient_id: str
    claim_id: str  # the practice's claim number: CLP01 in the 835
    line: int  # 1-based position of this line within its claim, in file order
    service_date: date
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    start_time: time | None
    end_time: time | None
    rendering_provider: str
    supervising_provider: str
    note_ref: str
    file: str = ""
    row: int = 0


class Waiver(NamedTuple):
    """A signed financial waiver or ABN."""

    patient_id: str
    payer_id: str
    kind: WaiverKind
    signed_date: date
    codes: tuple[str, ...]  # empty: every code
    valid_through: date | None
    file: str = ""
    row: int = 0


class RecordRef(NamedTuple):
    """A clinical document in ``records/``, tied to a patient by ``records/index.csv``."""

    file_name: str  # relative to records/
    patient_id: str
    service_date: date | None
    kind: str
    file: str = ""
    row: int = 0


class FeeScheduleRow(NamedTuple):
    """One contracted rate of ``fee_schedules/<payer_id>.csv``: the allowed amount per unit."""

    payer_id: str  # the file's name without .csv: the payer id the remittances carry
    code: str
    modifiers: tuple[str, ...]  # empty: the rate of the code billed without modifiers
    allowed: Decimal  # per unit (SVC05; 1 when the remittance gives no units)
    valid_from: date | None  # None: since always
    valid_to: date | None  # None: still in force
    file: str = ""
    row: int = 0

    def applies(self, payer_id: str, code: str, modifiers: tuple[str, ...], day: date) -> bool:
        """The row is the contract for this payer, code, modifier set and date of service."""
        return (
            self.payer_id == payer_id
            and self.code == code
            and sorted(self.modifiers) == sorted(modifiers)
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )


class PaymentMethod(StrEnum):
    """How a patient paid (``payments.csv``, column ``method``)."""

    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    ACH = "ach"  # a bank transfer
    OTHER = "other"


class PatientPayment(NamedTuple):
    """What a patient actually paid, from ``payments.csv`` (the practice's payment ledger)."""

    paid_on: date
    patient_id: str
    claim_id: str  # the practice's claim number (CLP01, visits.csv claim_id): what it paid
    amount: Decimal  # more than 0; refunds are not payments
    method: PaymentMethod
    reference: str  # a check number, a card receipt, the ledger's id
    file: str = ""
    row: int = 0


class Practice(NamedTuple):
    """Everything a practice folder holds."""

    folder: str
    name: str
    npi: str
    tax_id: str
    address: str
    phone: str
    signer_name: str
    signer_title: str
    payers: tuple[PayerInfo, ...] = ()
    patients: tuple[Patient, ...] = ()
    coverages: tuple[Coverage, ...] = ()
    benefits: tuple[Benefit, ...] = ()
    authorizations: tuple[Authorization, ...] = ()
    visits: tuple[Visit, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    records: tuple[RecordRef, ...] = ()
    x12_strict: bool = False  # practice.toml [x12] strict: envelope faults are errors
    fee_schedules: tuple[FeeScheduleRow, ...] = ()  # fee_schedules/<payer_id>.csv
    payments: tuple[PatientPayment, ...] = ()  # payments.csv: what patients paid

    @property
    def key(self) -> str:
        """How the store recognises the practice again: its NPI, else its name."""
        return self.npi or self.name

    def patient(self, patient_id: str) -> Patient | None:
        return next((p for p in self.patients if p.patient_id == patient_id), None)

    def payer(self, payer_id: str) -> PayerInfo | None:
        return next((p for p in self.payers if p.payer_id == payer_id), None)
