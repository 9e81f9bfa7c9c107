"""recoup: get medical practices paid for care that insurers denied.

The public API is listed in ``__all__``; everything else is internal and may change.
"""

from recoup.findings import Finding, Severity
from recoup.money import format_money, parse_money
from recoup.records import (
    Adjustment,
    ClaimPayment,
    Party,
    Person,
    Procedure,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
)

__version__ = "0.1.0"

__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Finding",
    "Party",
    "Person",
    "Procedure",
    "ProviderAdjustment",
    "Remittance",
    "ServiceLine",
    "Severity",
    "__version__",
    "format_money",
    "parse_money",
]
