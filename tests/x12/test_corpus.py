"""Every real public 835 sample parses; claim counts and money totals match hand counts.

The expected values below were added up by hand from the CLP and BPR segments of each file
(see tests/data/era/SOURCES.md for where the files come from). The findings are the defects the
samples really have.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from recoup.x12 import read_835

DATA = Path(__file__).parent.parent / "data" / "era"

# file: (claims, sum of CLP03, sum of CLP04, BPR02, PLB total, finding codes)
EXPECTED = {
    "e835p-blue_cross_nc_sample.835": (
        1, "2100", "1922.86", "1922.86", "0",
        # no envelope; one SVC with empty charge and payment; SE01 says 33 for 32 segments
        {"x12.envelope.missing", "x835.svc.empty", "x12.se.count"},
    ),
    "e835p-emedny_sample.835": (3, "102.50", "45.75", "45.75", "0", set()),
    "e835p-united_healthcare_legacy_sample.835": (2, "1157.52", "349.99", "349.99", "0", set()),
    "lfh-cob-contractural-adjustment.835": (1, "541.00", "34.00", "34.00", "0",
                                            {"x835.svc.component"}),
    "lfh-managed-care.835": (2, "2000.00", "945.00", "945.00", "0", {"x835.bpr.date"}),
    "lfh-medicare-part-a.835": (2, "226366.97", "149998.73", "150000.00", "-1.27", set()),
    "lfh-secondary-payment.835": (2, "11075.14", "1222.00", "1222.00", "0",
                                  {"x835.svc.component"}),
    "lfh-tertiary-payment.835": (1, "1766.50", "187.50", "187.50", "0",
                                 {"x835.svc.procedure", "x835.balance.line"}),
    "pyx12-835_mult_loops.835": (1, "915.39", "0", "0", "0", set()),
}  # fmt: skip


def test_every_corpus_file_is_listed() -> None:
    assert sorted(p.name for p in DATA.glob("*.835")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    claims, charge, paid, bpr, plb, finding_codes = EXPECTED[name]
    result = read_835(DATA / name)
    assert len(result.remittances) == 1
    remit = result.remittances[0]
    assert len(remit.claims) == claims
    assert sum((c.charge for c in remit.claims), Decimal(0)) == Decimal(charge)
    assert sum((c.paid for c in remit.claims), Decimal(0)) == Decimal(paid)
    assert remit.payment_amount == Decimal(bpr)
    assert sum((p.amount for p in remit.provider_adjustments), Decimal(0)) == Decimal(plb)
    assert {f.code for f in result.findings} == finding_codes


def test_medicare_part_a_claim_level_details() -> None:
    remit = read_835(DATA / "lfh-medicare-part-a.835").remittances[0]
    first = remit.claims[0]
    assert first.lines == ()  # institutional: adjudicated at claim level only
    assert first.filing_indicator == "MA"
    assert first.inpatient_remarks == ()  # MIA*0***138018.40 carries no remark code
    assert remit.claims[1].outpatient_remarks == ("MA02",)
    assert [s.header_number for s in remit.provider_summaries] == ["110212", "130212"]
    (plb,) = remit.provider_adjustments
    assert (plb.reason, plb.reference, plb.amount) == ("CV", "CP", Decimal("-1.27"))


def test_denied_claim_with_line_remarks() -> None:
    claim = read_835(DATA / "pyx12-835_mult_loops.835").remittances[0].claims[0]
    assert claim.status == "4" and claim.paid == Decimal(0)
    assert [line.remarks for line in claim.lines] == [("N14",), ("N14",), ("N14",)]
    assert [a.key for line in claim.lines for a in line.adjustments] == ["CO-16", "OA-A7", "OA-A7"]
    assert claim.lines[0].units == Decimal("68")
