"""The practice folder: what a practice's own systems know (docs/design.md, "The practice folder").

    >>> from recoup.practice import read_practice
    >>> practice, findings = read_practice("examples/brightpath-pt")  # doctest: +SKIP

``read_practice`` returns the :class:`Practice` (``None`` when the folder cannot be imported)
and every problem found, each with its file, row and column.
"""

from recoup.practice.model import (
    Authorization,
    AuthPer,
    AuthUnit,
    Benefit,
    BenefitPeriod,
    BenefitUnit,
    CoMemberBilling,
    CorrectionForm,
    Coverage,
    FeeScheduleRow,
    MonthDay,
    Patient,
    PatientPayment,
    PayerInfo,
    PayerType,
    PaymentMethod,
    PeriodKind,
    Practice,
    RecordRef,
    Visit,
    Waiver,
    WaiverKind,
)
from recoup.practice.reader import FEE_SCHEDULES, PRACTICE_FILES, practice_files, read_practice

__all__ = [
    "FEE_SCHEDULES",
    "PRACTICE_FILES",
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
    "practice_files",
    "read_practice",
]
