"""837P documents for the store tests: the claims Brightpath sent that remit_samples' 835s pay.

BP-1020 (97110 x2 and 97140 on 2026-02-17, no REF*6R: its 835 lines are matched by code, date
and charge) and BP-1021 (visit 21 on 2026-02-24, REF*6R on each line as the 835 echoes them),
both to Summit Health Plan (payer id SHP01, the 835's REF*2U), billed by NPI 1487654321 (the
835's payee).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from recoup.records import Procedure
from recoup.x12 import write_837
from recoup.x12.claims837 import (
    Claim837,
    ClaimBatch,
    Diagnosis,
    Member,
    Payer,
    Provider,
    ServiceLine837,
    Submitter,
    Subscriber,
)

BILLING = Provider(
    "85",
    "BRIGHTPATH PHYSICAL THERAPY",
    "1487654321",
    True,
    taxonomy="225100000X",
    address=("120 MAIN ST",),
    city="BOULDER",
    state="CO",
    postal_code="803021234",
    tax_id_qualifier="EI",
    tax_id="841234567",
)
SUMMIT = Payer("SUMMIT HEALTH PLAN", "SHP01")
RIVERA = Member(
    "RIVERA",
    "ANA",
    id_qualifier="MI",
    id="SHP7781204",
    address=("9 PINE ST",),
    city="BOULDER",
    state="CO",
    postal_code="80302",
    birth_date=date(1979, 5, 2),
    gender="F",
)


def line(
    number: int,
    code: str,
    charge: str,
    units: str,
    day: date,
    *,
    modifiers: tuple[str, ...] = ("GP",),
    ref: str = "",
    **changes: Any,
) -> ServiceLine837:
    return ServiceLine837(
        number,
        Procedure("HC", code, modifiers),
        Decimal(charge),
        Decimal(units),
        day,
        (1, 2),
        control_number=ref,
        **changes,
    )


def claim(number: str, lines: tuple[ServiceLine837, ...], **changes: Any) -> Claim837:
    total = sum((ln.charge for ln in lines), Decimal("0.00"))
    sub = Subscriber(
        "P", RIVERA, SUMMIT, relationship="18", group_number="G-55120", filing_indicator="CI"
    )
    found = Claim837(
        number,
        total,
        "11",
        "1",
        BILLING,
        sub,
        (Diagnosis("ABK", "M5450"), Diagnosis("ABF", "M6281")),
        lines,
    )
    return found._replace(**changes)


def visit_20(**changes: Any) -> Claim837:
    day = date(2026, 2, 17)
    return claim(
        "BP-1020",
        (line(1, "97110", "120.00", "2", day), line(2, "97140", "65.00", "1", day)),
        **changes,
    )


def visit_21(**changes: Any) -> Claim837:
    day = date(2026, 2, 24)
    return claim(
        "BP-1021",
        (
            line(1, "97110", "120.00", "2", day, ref="BP1021-1"),
            line(2, "97140", "65.00", "1", day, ref="BP1021-2"),
        ),
        **changes,
    )


def batch(
    *claims: Claim837, control: str = "0001", created: date = date(2026, 2, 25)
) -> ClaimBatch:
    return ClaimBatch(
        "",
        control,
        f"{int(control):09d}",
        str(int(control)),
        "BRIGHTPATH",
        "SHPCLAIMS",
        f"BP{control}",
        created,
        Submitter("BRIGHTPATH PHYSICAL THERAPY", "BRIGHTPATH", "JO PARK", "3035550110"),
        "SUMMIT HEALTH PLAN",
        "SHP01",
        claims,
    )


def claims_file(
    *claims: Claim837, control: str = "0001", created: date = date(2026, 2, 25)
) -> bytes:
    """One 837P interchange with one transaction set holding ``claims``."""
    return write_837([batch(*claims, control=control, created=created)]).encode()


BRIGHTPATH_NPI = "1548213069"  # examples/brightpath-pt/practice.toml
SUMMIT_ID = "73120"  # Summit Health Plan's payer id in the example practice


def brightpath_claim(number: str, service: date, **changes: Any) -> Claim837:
    """A Summit Health Plan claim billed by the example practice Brightpath (its NPI and its
    payer id), 97110 x2 and 97140 on ``service``."""
    base = visit_20()
    lines = (line(1, "97110", "120.00", "2", service), line(2, "97140", "65.00", "1", service))
    sub = base.subscriber._replace(payer=SUMMIT._replace(id=SUMMIT_ID))
    found = base._replace(
        patient_control_number=number,
        billing_provider=BILLING._replace(npi=BRIGHTPATH_NPI),
        subscriber=sub,
        lines=lines,
    )
    return found._replace(**changes)
