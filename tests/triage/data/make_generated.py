"""Write the generated golden-case remittances (run from the repo root).

- ``aba_same_day.835`` (scenarios 11 and 12): four Prairie Mutual claims for Noah Kim (C2004 in
  examples/little-steps-aba), one date each, where the payer paid one ABA code and bundled 97153
  (CO-97, N20). The matching visits.csv rows (with times, without times, overlapping, separate)
  are practice rows in ``cases/bundling.yaml``.
- ``plan_year.835`` (scenario 5): Summit pays eight PT visits of a patient whose plan year starts
  on July 1 and denies the ninth CO-119, having counted the five visits of March (the previous
  plan year). The patient, coverage, benefit and visits rows are in ``cases/benefit_max.yaml``.

Every claim and the payment balance, and the envelope counts are computed, so the files read
without findings.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).parent

# claim id, date, (code, units, charge, paid) of the paid line; the 97153 line is always denied.
CLAIMS = (
    ("LS4201", "20261005", ("97151", 4, "160.00", "128.00")),
    ("LS4202", "20261006", ("97151", 4, "160.00", "128.00")),
    ("LS4203", "20261007", ("97154", 4, "80.00", "64.00")),
    ("LS4204", "20261008", ("97154", 4, "80.00", "64.00")),
)
TECHNICIAN = ("97153", 8, "176.00")


def _claim(number: str, day: str, paid_line: tuple[str, int, str, str], n: int) -> list[str]:
    code, units, charge, paid = paid_line
    total = Decimal(charge) + Decimal(TECHNICIAN[2])
    return [
        f"LX*{n}",
        f"CLP*{number}*1*{total}*{paid}*0.00*12*PM2610200{n:02d}A*11*1",
        "NM1*QC*1*KIM*NOAH****MI*PMX70655120-02",
        "NM1*82*1*ORTIZ*DANIEL****XX*1558392019",
        f"DTM*232*{day}",
        f"DTM*233*{day}",
        "DTM*050*20261012",
        f"SVC*HC:{code}*{charge}*{paid}**{units}",
        f"DTM*472*{day}",
        f"CAS*CO*45*{Decimal(charge) - Decimal(paid)}",
        f"REF*6R*{number}-1",
        f"AMT*B6*{paid}",
        f"SVC*HC:{TECHNICIAN[0]}*{TECHNICIAN[2]}*0.00**{TECHNICIAN[1]}",
        f"DTM*472*{day}",
        f"CAS*CO*97*{TECHNICIAN[2]}",
        f"REF*6R*{number}-2",
        "AMT*B6*0.00",
        "LQ*HE*N20",
    ]


def build_aba() -> str:
    paid = sum(Decimal(c[2][3]) for c in CLAIMS)
    body = [
        f"BPR*I*{paid}*C*ACH*CCP*01*114000093*DA*8822015906*1741904462**01*111000025*DA"
        "*3390175524*20261020",
        "TRN*1*PM261020009*1741904462",
        "DTM*405*20261018",
        "N1*PR*PRAIRIE MUTUAL",
        "N3*PO BOX 91800",
        "N4*AUSTIN*TX*787091800",
        "REF*2U*58230",
        "PER*BL*EDI SUPPORT*TE*8885550161",
        "N1*PE*LITTLE STEPS AUTISM CENTER*XX*1730496282",
        "N3*88 BLUEBONNET WAY SUITE 4",
        "N4*ROUND ROCK*TX*786644021",
        "REF*TJ*472281934",
    ]
    for n, (number, day, line) in enumerate(CLAIMS, start=1):
        body += _claim(number, day, line, n)
    return _envelope(body, "PRAIRIEMUT", "LITTLESTEPS", "301")


def _envelope(body: list[str], sender: str, receiver: str, control: str) -> str:
    st = [f"ST*835*{control}", *body]
    st.append(f"SE*{len(st) + 1}*{control}")
    segments = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*261018*2240*^"
        f"*00501*000077{control}*0*P*:",
        f"GS*HP*{sender}*{receiver}*20261018*2240*{control}*X*005010X221A1",
        *st,
        f"GE*1*{control}",
        f"IEA*1*000077{control}",
    ]
    return "~\n".join(segments) + "~\n"


# Plan year from July 1: five visits in March (previous plan year), three in July paid, the
# fourth July visit denied as if the cap of 8 were reached.
PLAN_YEAR_PAID = ("0303", "0310", "0317", "0324", "0331", "0707", "0714", "0721")
PLAN_YEAR_DENIED = "0728"


def _pt_claim(n: int, mmdd: str, denied: bool) -> list[str]:
    number, day = f"BP269{n:02d}", f"2026{mmdd}"
    paid = "0.00" if denied else "90.00"
    cas = "CAS*CO*119*120.00" if denied else "CAS*CO*45*30.00"
    out = [
        f"LX*{n}",
        f"CLP*{number}*1*120.00*{paid}*0.00*12*SHP2608{n:02d}00107*11*1",
        "NM1*QC*1*SALAZAR*ELENA****MI*SHP771203455",
        f"DTM*232*{day}",
        f"DTM*233*{day}",
        f"SVC*HC:97110:GP*120.00*{paid}**2",
        f"DTM*472*{day}",
        cas,
        f"REF*6R*{number}-1",
        f"AMT*B6*{paid}" if not denied else "AMT*B6*0.00",
    ]
    return out + (["LQ*HE*N362"] if denied else [])


def build_plan_year() -> str:
    body = [
        "BPR*I*720.00*C*ACH*CCP*01*011000015*DA*123456789*1234567890**01*021000021*DA*987654321"
        "*20260812",
        "TRN*1*EFT0812001*1234567890",
        "DTM*405*20260810",
        "N1*PR*SUMMIT HEALTH PLAN",
        "REF*2U*73120",
        "PER*BL*EDI SUPPORT*TE*8005550142",
        "N1*PE*BRIGHTPATH PHYSICAL THERAPY*XX*1548213069",
        "REF*TJ*843921756",
    ]
    for n, mmdd in enumerate(PLAN_YEAR_PAID, start=1):
        body += _pt_claim(n, mmdd, denied=False)
    body += _pt_claim(len(PLAN_YEAR_PAID) + 1, PLAN_YEAR_DENIED, denied=True)
    return _envelope(body, "SUMMITHP", "BRIGHTPATHPT", "302")


def main() -> None:
    (HERE / "aba_same_day.835").write_text(build_aba(), encoding="utf-8")
    (HERE / "plan_year.835").write_text(build_plan_year(), encoding="utf-8")


if __name__ == "__main__":
    main()
