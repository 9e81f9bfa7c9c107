"""835 files with provider-level adjustments (PLB) for the takeback tests.

The earlier payment is remit_samples.original_file (BP-1020 paid 98.40 on 2026-03-04, CLP07
SHP2026030400020, trace EFT0304001). Each file here is a later check of the same payer that pays
BP-1030 98.40 and carries one PLB.
"""

from __future__ import annotations

from remit_samples import ORIGINAL, header
from x12_samples import interchange, transaction

CLAIM_1030 = [
    line.replace("BP-1020", "BP-1030").replace("SHP2026030400020", "SHP2026081400077")
    for line in ORIGINAL
]


def later_check(
    plb: str, paid: str, *, trace: str = "EFT0814001", control: str = "000000801"
) -> bytes:
    """2026-08-14: BP-1030 paid 98.40, then ``plb`` (the PLB elements after PLB02)."""
    body = header(paid=paid, when="20260814", trace=trace) + CLAIM_1030
    body.append(f"PLB*1487654321*20261231*{plb}")
    return interchange(transaction(body), control=control)


def linked_wo() -> bytes:
    """WO naming BP-1020's payer claim number: the whole 98.40 recovered, the check is 0.00."""
    return later_check("WO:SHP2026030400020*98.40", "0.00")


def medicare_style_wo() -> bytes:
    """WO whose reference is the claim number followed by the member id (CLP07 + something)."""
    return later_check("WO:SHP2026030400020 SHP7781204*40.00", "58.40")


def fb_earlier_check() -> bytes:
    """FB naming an earlier check's trace number: 25.00 carried from it."""
    return later_check("FB:EFT0304001*25.00", "73.40")


def l6_interest() -> bytes:
    """L6 interest the payer owes: negative, it raises the check."""
    return later_check("L6:SHP2026081400077*-2.15", "100.55")


def unmatched_wo() -> bytes:
    """WO whose reference names no claim of this payer."""
    return later_check("WO:OVP2026-55120*61.20", "37.20")


def bpr_mismatch() -> bytes:
    """A check that does not add up: 98.40 - 40.00 is 58.40, BPR02 says 60.00."""
    return later_check("WO:SHP2026030400020*40.00", "60.00")
