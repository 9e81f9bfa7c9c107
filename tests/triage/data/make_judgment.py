"""Write the remittances of the triage-judgment and auditor golden cases (run from the repo root).

Edited copies of the example remittances change codes or remarks of one claim only (no amounts,
no segments added or removed), so they still balance; the built ones compute every claim, the
payment and the envelope counts, so every file reads without findings.

- ``aba_auth_overrun.835``: Prairie Mutual pays Theo Marchetti's (C2001) 97153 on five days of
  the week of 2026-10-12 (16 units a day, the 80 units a week of authorisation PMA-26-00412) and
  denies the Saturday's 8 units CO-119 N640, with the 1,040-hour yearly cap far away.
- ``duplicate_exact.835``: Medicare denies OA-18 a resend of claim BP26060 identical to the one
  it paid on 2026-08-21 (same lines, dates, units, charges).
- ``n492.835``: the 2026-04-17 Summit remittance with RARC N492 on BP26021 instead of N362.
- ``coverage_ended.835``: Aspen Mutual, the secondary, answers the primary's copay of BP26044
  (2026-07-02) with OA-23 and CO-27 (coverage ended); ``coverage_not_begun.835`` the same with
  CO-26 (before coverage began), ``member_unknown.835`` with CO-31 and two digits of the member id
  swapped.
- ``medicaid_denial.835``: Texas Medicaid denies a 97153 of Sofia Ramirez (C2005) CO-50 on
  2026-10-05; ``medicaid_no_auth.835`` the same line CO-197 (no authorisation).
- ``ma44.835``: the medical-necessity fixture with remark MA44 (no appeal rights) on the claim.
- ``concurrent_n704.835``: the 2026-09-01 Prairie Mutual remittance with N704 (no appeal, may
  resubmit) on LS4115's bundled 97155 instead of N20.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).parent
BP = Path("examples/brightpath-pt/remittances")
LS = Path("examples/little-steps-aba/remittances")

Line = tuple[str, str, int, str, str, list[tuple[str, str, str]], str, str]
# code (with modifiers, "97110:GP"), date, units, charge, paid, CAS (group, reason, amount),
# allowed (AMT*B6), remark (LQ*HE) or ""


def _edit(source: Path, name: str, claim_start: str, *replacements: tuple[str, str]) -> None:
    text = source.read_text(encoding="utf-8")
    start = text.index(claim_start)
    end = min(text.index(stop, start + 1) for stop in ("CLP*", "SE*") if stop in text[start + 1 :])
    claim = text[start:end]
    for old, new in replacements:
        assert old in claim, old
        claim = claim.replace(old, new)
    (HERE / name).write_text(text[:start] + claim + text[end:], encoding="utf-8")


def _claim(
    n: int,
    number: str,
    status: str,
    filing: str,
    payer_claim: str,
    patient: str,
    lines: list[Line],
    moa: str = "",
) -> tuple[list[str], Decimal]:
    charge = sum((Decimal(ln[3]) for ln in lines), Decimal(0))
    paid = sum((Decimal(ln[4]) for ln in lines), Decimal(0))
    days = sorted(ln[1] for ln in lines)
    out = [
        f"LX*{n}",
        f"CLP*{number}*{status}*{charge}*{paid}*0.00*{filing}*{payer_claim}*11*1",
        patient,
    ]
    if moa:
        out.append(f"MOA***{moa}")
    out += [f"DTM*232*{days[0]}", f"DTM*233*{days[-1]}"]
    for i, (code, day, units, line_charge, line_paid, cas, allowed, remark) in enumerate(lines, 1):
        assert Decimal(line_charge) - Decimal(line_paid) == sum(Decimal(c[2]) for c in cas)
        out += [f"SVC*HC:{code}*{line_charge}*{line_paid}**{units}", f"DTM*472*{day}"]
        out += [f"CAS*{group}*{reason}*{amount}" for group, reason, amount in cas]
        out += [f"REF*6R*{number}-{i}", f"AMT*B6*{allowed}"]
        if remark:
            out.append(f"LQ*HE*{remark}")
    return out, paid


def _remit(
    payer: list[str],
    payee: list[str],
    claims: list[tuple[list[str], Decimal]],
    pay_date: str,
    ids: tuple[str, str, str],
) -> str:
    total = sum((paid for _, paid in claims), Decimal(0))
    method = (
        f"BPR*I*{total}*C*ACH*CCP*01*111000614*DA*6100338870*1746000171**01*111000025*DA"
        f"*3390175524*{pay_date}"
    )
    if total == 0:
        method = f"BPR*H*0.00*C*NON************{pay_date}"
    sender, receiver, control = ids
    body = [method, f"TRN*1*RC{pay_date}{control}*1746000171", f"DTM*405*{pay_date}"]
    body += payer + payee
    for segments, _ in claims:
        body += segments
    st = [f"ST*835*{control}", *body]
    st.append(f"SE*{len(st) + 1}*{control}")
    yymmdd = pay_date[2:]
    segments = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{yymmdd}*0900*^"
        f"*00501*000088{control}*0*P*:",
        f"GS*HP*{sender}*{receiver}*{pay_date}*0900*{control}*X*005010X221A1",
        *st,
        f"GE*1*{control}",
        f"IEA*1*000088{control}",
    ]
    return "~\n".join(segments) + "~\n"


PRAIRIE = ["N1*PR*PRAIRIE MUTUAL", "N3*PO BOX 91800", "N4*AUSTIN*TX*787091800", "REF*2U*58230"]
LITTLE_STEPS = ["N1*PE*LITTLE STEPS AUTISM CENTER*XX*1730496282", "REF*TJ*472281934"]
MEDICARE = [
    "N1*PR*MEDICARE PART B JURISDICTION H",
    "N3*PO BOX 3395",
    "N4*MECHANICSBURG*PA*170553395",
    "REF*2U*04112",
]
BRIGHTPATH = ["N1*PE*BRIGHTPATH PHYSICAL THERAPY*XX*1548213069", "REF*TJ*843921756"]


def aba_auth_overrun() -> str:
    theo = "NM1*QC*1*MARCHETTI*THEO****MI*PMX70219934-02"
    claims = []
    for n, day in enumerate(("20261012", "20261013", "20261014", "20261015", "20261016"), 1):
        line: Line = ("97153", day, 16, "352.00", "281.60", [("CO", "45", "70.40")], "281.60", "")
        claims.append(_claim(n, f"LS430{n}", "1", "12", f"PM2610300{n:02d}A", theo, [line]))
    denied: Line = (
        "97153",
        "20261017",
        8,
        "176.00",
        "0.00",
        [("CO", "119", "176.00")],
        "0.00",
        "N640",
    )
    claims.append(_claim(6, "LS4306", "1", "12", "PM261030006A", theo, [denied]))
    return _remit(PRAIRIE, LITTLE_STEPS, claims, "20261030", ("PRAIRIEMUT", "LITTLESTEPS", "401"))


def duplicate_exact() -> str:
    walter = "NM1*QC*1*KOWALSKI*WALTER****MI*7QX2HN4RT61"
    lines: list[Line] = []
    for day in ("20260818", "20260820"):
        for code, units, charge in (
            ("97110:GP", 2, "120.00"),
            ("97112:GP", 1, "62.00"),
            ("97530:GP", 1, "68.00"),
        ):
            lines.append((code, day, units, charge, "0.00", [("OA", "18", charge)], "0.00", ""))
    claim = _claim(1, "BP26060", "4", "MB", "0226289943999", walter, lines)
    return _remit(MEDICARE, BRIGHTPATH, [claim], "20261016", ("04112", "BRIGHTPATHPT", "402"))


def coverage_ended(reason: str = "27", member: str = "AMI7730051846") -> str:
    aspen = [
        "N1*PR*ASPEN MUTUAL INSURANCE",
        "N3*1200 MESA VERDE PARKWAY",
        "N4*GRAND JUNCTION*CO*81501",
        "REF*2U*41877",
    ]
    grace = f"NM1*QC*1*HALVORSEN*GRACE****MI*{member}"
    line: Line = (
        "97110:GP", "20260702", 2, "120.00", "0.00",
        [("OA", "23", "90.00"), ("CO", reason, "30.00")], "0.00", "",
    )  # fmt: skip
    claim = _claim(1, "BP26044", "4", "CI", "AMI2608120044", grace, [line])
    return _remit(aspen, BRIGHTPATH, [claim], "20260812", ("41877", "BRIGHTPATHPT", "403"))


def medicaid_denial(reason: str = "50") -> str:
    texas = [
        "N1*PR*TEXAS MEDICAID*XV*TXM01",
        "N3*PO BOX 200555",
        "N4*AUSTIN*TX*787200555",
    ]
    sofia = "NM1*QC*1*RAMIREZ*SOFIA****MI*518402736"
    line: Line = ("97153", "20261005", 12, "264.00", "0.00", [("CO", reason, "264.00")], "0.00", "")
    claim = _claim(1, "LS4312", "4", "MC", "626229281031399", sofia, [line])
    return _remit(texas, LITTLE_STEPS, [claim], "20261020", ("TXMCDEDI", "LITTLESTEPS", "404"))


def main() -> None:
    (HERE / "aba_auth_overrun.835").write_text(aba_auth_overrun(), encoding="utf-8")
    (HERE / "duplicate_exact.835").write_text(duplicate_exact(), encoding="utf-8")
    (HERE / "coverage_ended.835").write_text(coverage_ended(), encoding="utf-8")
    (HERE / "coverage_not_begun.835").write_text(coverage_ended("26"), encoding="utf-8")
    (HERE / "member_unknown.835").write_text(
        coverage_ended("31", "AMI7730051864"), encoding="utf-8"
    )
    (HERE / "medicaid_denial.835").write_text(medicaid_denial(), encoding="utf-8")
    (HERE / "medicaid_no_auth.835").write_text(medicaid_denial("197"), encoding="utf-8")
    _edit(BP / "2026-04-17_summit-health-plan.835", "n492.835", "CLP*BP26021", ("N362", "N492"))
    _edit(
        BP / "2026-09-18_medicare-part-b.835",
        "ma44.835",
        "CLP*BP26063*1*250.00*0.00*0.00*MB*0226261952025*11*1",
        ("CAS*CO*16*", "CAS*CO*50*"),
        ("MOA***MA130*N286", "MOA***MA44"),
    )
    _edit(
        LS / "2026-09-01_prairie-mutual.835", "concurrent_n704.835", "CLP*LS4115", ("N20", "N704")
    )


if __name__ == "__main__":
    main()
