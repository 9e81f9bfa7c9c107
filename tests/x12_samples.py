"""Small 835 documents for tests, written the way payers send them.

``interchange()`` wraps transaction bodies in a correct envelope (counts and control numbers), so
a test states only the segments it is about and breaks the envelope on purpose when it wants to.
"""

from __future__ import annotations

HEADER = [
    "BPR*I*{paid}*C*ACH*CCP*01*011000015*DA*123456789*1234567890**01*021000021*DA*987654321"
    "*20260304",
    "TRN*1*EFT0304001*1234567890",
    "DTM*405*20260302",
    "N1*PR*SUMMIT HEALTH PLAN",
    "N3*PO BOX 4410",
    "N4*DENVER*CO*80201",
    "REF*2U*SHP01",
    "PER*CX*PROVIDER SERVICES*TE*8005550142",
    "PER*BL*EDI SUPPORT*EM*edi@summit.example",
    "N1*PE*BRIGHTPATH PHYSICAL THERAPY*XX*1487654321",
    "N3*120 MAIN ST",
    "N4*BOULDER*CO*80302",
    "REF*TJ*841234567",
]

# Visit 21 of a 20-visit calendar-year cap: 97110 x2 + 97140, $185.00 billed, nothing paid.
VISIT_21 = [
    "LX*1",
    "CLP*BP-1021*1*185.00*0.00*0.00*12*SHP2026030400021*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "NM1*82*1*OKAFOR*DANIEL****XX*1912345678",
    "DTM*232*20260224",
    "DTM*233*20260224",
    "DTM*050*20260226",
    "SVC*HC:97110:GP*120.00*0.00**2",
    "DTM*472*20260224",
    "CAS*CO*119*120.00",
    "REF*6R*BP1021-1",
    "AMT*B6*0.00",
    "LQ*HE*N362",
    "SVC*HC:97140:GP*65.00*0.00**1",
    "DTM*472*20260224",
    "CAS*CO*119*65.00",
    "REF*6R*BP1021-2",
    "LQ*HE*N362",
]

# An ordinary paid visit: contractual write-down and a copay.
PAID_VISIT = [
    "CLP*BP-1020*1*185.00*98.40*25.00*12*SHP2026030400020*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*120.00*71.20**2",
    "DTM*472*20260217",
    "CAS*CO*45*28.80",
    "CAS*PR*3*20.00",
    "AMT*B6*91.20",
    "SVC*HC:97140:GP*65.00*27.20**1",
    "DTM*472*20260217",
    "CAS*CO*45*32.80*1",
    "CAS*PR*3*5.00",
    "AMT*B6*32.20",
]


def transaction(body: list[str], control: str = "0001", paid: str = "98.40") -> list[str]:
    segments = [f"ST*835*{control}*005010X221A1"]
    segments += [s.format(paid=paid) if s.startswith("BPR") else s for s in body]
    segments.append(f"SE*{len(segments) + 1}*{control}")
    return segments


def interchange(
    *transactions: list[str],
    control: str = "000000101",
    group: str = "101",
    term: str = "~",
    sep: str = "*",
    newline: bool = True,
) -> bytes:
    isa = (
        "ISA*00*          *00*          *ZZ*SUMMITHP       *ZZ*BRIGHTPATH     *260302*1200*^"
        f"*00501*{control}*0*P*:"
    )
    segments = [isa, f"GS*HP*SUMMITHP*BRIGHTPATH*20260302*1200*{group}*X*005010X221A1"]
    for tx in transactions:
        segments += tx
    segments += [f"GE*{len(transactions)}*{group}", f"IEA*1*{control}"]
    if sep != "*":
        segments = [s.replace("*", sep) for s in segments]
    joiner = term + ("\n" if newline else "")
    return (joiner.join(segments) + joiner).encode()


def seed_file(**kwargs: object) -> bytes:
    """The PT seed remittance: one paid visit and visit 21 denied CO-119."""
    return interchange(transaction(HEADER + ["LX*1"] + PAID_VISIT + VISIT_21[1:]), **kwargs)  # type: ignore[arg-type]
