"""Rebuild the fixture remittances from the Brightpath Medicare example (run from the repo root).

Each fixture changes only codes, modifiers and dates of one claim (BP26063, or BP26062 for the
KX fixture; no amounts, no segments added or removed), so the files still balance and their
envelope counts stay right.
"""

from __future__ import annotations

from pathlib import Path

SOURCE = Path("examples/brightpath-pt/remittances/2026-09-18_medicare-part-b.835")
HERE = Path(__file__).parent
CLAIM = "CLP*BP26063*1*250.00*0.00*0.00*MB*0226261952025*11*1"
KX_CLAIM = "CLP*BP26062*1*250.00*0.00*0.00*MB*0226261944106*11*1"


def _claim_part(text: str, first: str) -> tuple[str, str, str]:
    start = text.index(first)
    end = min(text.index(stop, start + 1) for stop in ("CLP*", "SE*") if stop in text[start + 1 :])
    return text[:start], text[start:end], text[end:]


def build(name: str, *replacements: tuple[str, str], claim_start: str = CLAIM) -> None:
    head, claim, tail = _claim_part(SOURCE.read_text(encoding="utf-8"), claim_start)
    for old, new in replacements:
        assert old in claim, old
        claim = claim.replace(old, new)
    (HERE / name).write_text(head + claim + tail, encoding="utf-8")


def main() -> None:
    no_ma130 = ("MOA***MA130*N286", "MOA***MA01")
    build("timely_filing_proof.835", ("CAS*CO*16*", "CAS*CO*29*"), no_ma130)
    build(
        "timely_filing_late.835",
        ("CAS*CO*16*", "CAS*CO*29*"),
        no_ma130,
        ("DTM*050*20260904", "DTM*050*20270920"),
    )
    build(
        "duplicate_resent.835",
        ("CAS*CO*16*", "CAS*OA*18*"),
        no_ma130,
        ("CLP*BP26063", "CLP*BP26060"),
    )
    build("duplicate_unknown.835", ("CAS*CO*16*", "CAS*OA*18*"), no_ma130)
    build("medical_necessity.835", ("CAS*CO*16*", "CAS*CO*50*"), no_ma130)
    build(
        "kx_billed.835",
        *((f"HC:{code}:GP*", f"HC:{code}:GP:KX*") for code in ("97110", "97112", "97530")),
        claim_start=KX_CLAIM,
    )


if __name__ == "__main__":
    main()
