"""835 documents for the store tests: a paid visit, its reversal and its correction.

Each function returns the bytes of a whole file (envelope included) whose remittance is dated
and traced as the arguments say, so a test can send the same claim payment in several files.
"""

from __future__ import annotations

from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, transaction


def header(*, paid: str, when: str, trace: str, handling: str = "I") -> list[str]:
    bpr = (
        f"BPR*{handling}*{paid}*C*ACH*CCP*01*011000015*DA*123456789*1234567890**01*021000021"
        f"*DA*987654321*{when}"
    )
    return [bpr, f"TRN*1*{trace}*1234567890", *HEADER[2:]]


# BP-1020 paid 98.40 (the original), as in x12_samples.PAID_VISIT.
ORIGINAL = ["LX*1", *PAID_VISIT]

# The payer takes it back: every amount negated, same CLP07.
REVERSAL = [
    "LX*1",
    "CLP*BP-1020*22*-185.00*-98.40*-25.00*12*SHP2026030400020*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*-120.00*-71.20**2",
    "DTM*472*20260217",
    "CAS*CO*45*-28.80",
    "CAS*PR*3*-20.00",
    "SVC*HC:97140:GP*-65.00*-27.20**1",
    "DTM*472*20260217",
    "CAS*CO*45*-32.80*1",
    "CAS*PR*3*-5.00",
]
# ... and pays it again with a $30 copay: a new CLP07, REF*F8 naming the original.
CORRECTION = [
    "LX*1",
    "CLP*BP-1020*1*185.00*88.40*35.00*12*SHP2026041500031*11*7",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "REF*F8*SHP2026030400020",
    "SVC*HC:97110:GP*120.00*61.20**2",
    "DTM*472*20260217",
    "CAS*CO*45*28.80",
    "CAS*PR*3*30.00",
    "SVC*HC:97140:GP*65.00*27.20**1",
    "DTM*472*20260217",
    "CAS*CO*45*32.80*1",
    "CAS*PR*3*5.00",
]


def original_file(control: str = "000000101") -> bytes:
    """BP-1020 paid and BP-1021 denied CO-119 (visit 21), EFT of 2026-03-04."""
    body = header(paid="98.40", when="20260304", trace="EFT0304001") + ORIGINAL + VISIT_21[1:]
    return interchange(transaction(body), control=control)


def reversal_file() -> bytes:
    """The reversal alone, 2026-04-01: nothing paid, the -98.40 carried forward in PLB."""
    body = header(paid="0.00", when="20260401", trace="EFT0401001", handling="H") + REVERSAL
    body.append("PLB*1487654321*20261231*FB:SHP2026030400020*-98.40")
    return interchange(transaction(body), control="000000201")


def correction_file() -> bytes:
    """The correction, 2026-04-15, paying 88.40 and recovering the carried 98.40."""
    body = header(paid="0.00", when="20260415", trace="EFT0415001", handling="H") + CORRECTION
    body.append("PLB*1487654321*20261231*FB:SHP2026030400020*88.40")
    return interchange(transaction(body), control="000000301")


def other_visit_file() -> bytes:
    """Another payment (another trace): BP-1030, a different visit."""
    claim = [
        line.replace("BP-1020", "BP-1030").replace("SHP2026030400020", "SHP2026031100044")
        for line in ORIGINAL
    ]
    body = header(paid="98.40", when="20260311", trace="EFT0311001") + claim
    return interchange(transaction(body), control="000000401")


def corrupt_file() -> bytes:
    """The original file with one amount written the European way: an error, not a file."""
    return original_file().replace(b"CAS*CO*45*28.80", b"CAS*CO*45*28,80")
