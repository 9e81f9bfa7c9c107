"""Generate large, realistic, balanced X12 835 files for benchmarks.

Each file is one interchange of several transaction sets (a payer's weekly batch), with payer and
payee loops, LX groups, claims of one to four service lines, contractual write-downs, copays,
deductibles, and denials (CO-119 with N362, CO-97 with N20, CO-16 with MA130, CO-50). Every line,
claim and transaction balances, and the envelope counts are right, so every parser can read it.

    python benchmarks/generate_835.py OUT.835 --claims 200000
    python benchmarks/generate_835.py OUTDIR --claims 200000 --files 8
"""

from __future__ import annotations

import argparse
import random
from decimal import Decimal
from pathlib import Path

CODES = [
    ("97110", "GP", Decimal("60.00")),
    ("97112", "GP", Decimal("62.00")),
    ("97140", "GP", Decimal("65.00")),
    ("97530", "GP", Decimal("70.00")),
    ("97161", "GP", Decimal("150.00")),
    ("98941", "", Decimal("55.00")),
    ("97153", "HN", Decimal("18.50")),
    ("97155", "HO", Decimal("24.75")),
    ("90837", "", Decimal("160.00")),
]
LAST = ["RIVERA", "NGUYEN", "OKAFOR", "LINDQVIST", "BRANDT", "DELGADO", "KOWALSKI", "MORALES"]
FIRST = ["ANA", "MARCUS", "PRIYA", "THOMAS", "GRACE", "OWEN", "WALTER", "JENNA", "THEO", "AVA"]
CENT = Decimal("0.01")


def _claim(rng: random.Random, n: int, day: str) -> tuple[list[str], Decimal]:
    """Segments of one claim and what it pays."""
    lines: list[str] = []
    charge_total = Decimal(0)
    paid_total = Decimal(0)
    scenario = rng.random()
    for i in range(rng.choice((1, 2, 2, 3, 4))):
        code, modifier, unit_price = rng.choice(CODES)
        units = rng.choice((1, 1, 2, 4)) if code not in ("97153", "97155") else rng.choice((4, 8))
        charge = unit_price * units
        allowed = (charge * Decimal("0.72")).quantize(CENT)
        cas: list[str] = []
        if scenario < 0.06:  # benefit maximum
            cas.append(f"CAS*CO*119*{charge}")
            paid = Decimal("0.00")
            remark = "N362"
        elif scenario < 0.09 and i > 0:  # bundled with the first line
            cas.append(f"CAS*CO*97*{charge}")
            paid = Decimal("0.00")
            remark = "N20"
        elif scenario < 0.10:
            cas.append(f"CAS*CO*50*{charge}")
            paid = Decimal("0.00")
            remark = "N115"
        else:
            copay = Decimal("15.00") if i == 0 and scenario < 0.5 else Decimal("0.00")
            deductible = (allowed / 2).quantize(CENT) if 0.5 <= scenario < 0.55 else Decimal(0)
            cas.append(f"CAS*CO*45*{charge - allowed}")
            if copay or deductible:
                parts = []
                if deductible:
                    parts.append(f"1*{deductible}")
                if copay:
                    parts.append(f"3*{copay}")
                cas.append("CAS*PR*" + "**".join(parts))
            paid = allowed - copay - deductible
            remark = ""
        mod = f":{modifier}" if modifier else ""
        lines.append(f"SVC*HC:{code}{mod}*{charge}*{paid}**{units}")
        lines.append(f"DTM*472*{day}")
        lines.extend(cas)
        lines.append(f"REF*6R*{n}-{i + 1}")
        lines.append(f"AMT*B6*{allowed if paid else Decimal('0.00')}")
        if remark:
            lines.append(f"LQ*HE*{remark}")
        charge_total += charge
        paid_total += paid
    patient_share = sum(
        (Decimal(s.split("*")[-1]) for s in lines if s.startswith("CAS*PR")), Decimal(0)
    )
    last, first = rng.choice(LAST), rng.choice(FIRST)
    head = [
        f"CLP*PCN{n:08d}*1*{charge_total}*{paid_total}*{patient_share}*12*ICN{n:012d}*11*1",
        f"NM1*QC*1*{last}*{first}****MI*M{rng.randrange(10**8):08d}",
        f"NM1*IL*1*{last}*{rng.choice(FIRST)}****MI*M{rng.randrange(10**8):08d}",
        "NM1*82*1*OKAFOR*DANIEL****XX*1912345678",
        f"DTM*232*{day}",
        f"DTM*233*{day}",
        f"REF*1L*GRP{rng.randrange(10**5):05d}",
    ]
    return head + lines, paid_total


def generate(path: Path, claims: int, seed: int = 835, per_transaction: int = 10_000) -> None:
    rng = random.Random(seed)
    out: list[str] = [
        "ISA*00*          *00*          *ZZ*SUMMITHP       *ZZ*BRIGHTPATH     *261120*0800*^*00501"
        "*000004242*0*P*:",
        "GS*HP*SUMMITHP*BRIGHTPATH*20261120*0800*4242*X*005010X221A1",
    ]
    sets = 0
    n = 0
    with path.open("w", encoding="ascii", newline="") as fh:
        while n < claims:
            sets += 1
            body: list[str] = []
            paid_total = Decimal(0)
            for _ in range(min(per_transaction, claims - n)):
                n += 1
                if n % 500 == 1:
                    body.append(f"LX*{n // 500 + 1}")
                day = f"2026{rng.randrange(1, 12):02d}{rng.randrange(1, 28):02d}"
                segments, paid = _claim(rng, n, day)
                body.extend(segments)
                paid_total += paid
            header = [
                f"ST*835*{sets:04d}",
                f"BPR*I*{paid_total}*C*ACH*CCP*01*011000015*DA*123456789*1234567890**01"
                f"*021000021*DA*987654321*20261120",
                f"TRN*1*EFT{sets:08d}*1234567890",
                "DTM*405*20261118",
                "N1*PR*SUMMIT HEALTH PLAN",
                "N3*PO BOX 4410",
                "N4*DENVER*CO*80201",
                "REF*2U*SHP01",
                "PER*CX*PROVIDER SERVICES*TE*8005550142",
                "N1*PE*BRIGHTPATH PHYSICAL THERAPY*XX*1487654321",
                "N3*120 MAIN ST",
                "N4*BOULDER*CO*80302",
                "REF*TJ*841234567",
            ]
            segments = header + body
            segments.append(f"SE*{len(segments) + 1}*{sets:04d}")
            out.extend(segments)
            fh.write("~\n".join(out) + "~\n")
            out = []
        fh.write(f"GE*{sets}*4242~\nIEA*1*000004242~\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="file to write, or a folder with --files")
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--seed", type=int, default=835)
    args = parser.parse_args()
    if args.files == 1:
        generate(args.out, args.claims, args.seed)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.files):
        generate(args.out / f"batch-{i + 1:02d}.835", args.claims // args.files, args.seed + i)


if __name__ == "__main__":
    main()
