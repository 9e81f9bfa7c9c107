"""The example practices' 837P batches (examples/*/claims/, read by recoup's 837P reader) scrub
to the same result as their visits.csv claims: every preventable denial flagged, no line paid in
full flagged. Skipped in a build without the 837P reader or the batches."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import pytest

from recoup.scrub import compare, read_837_claims, scrub
from scrub_helpers import EXAMPLES, load


@pytest.mark.parametrize(
    ("name", "prevented", "denials", "amount"),
    [("brightpath-pt", 10, 19, "941.00"), ("little-steps-aba", 3, 4, "520.00")],
)
def test_837_batches(name: str, prevented: int, denials: int, amount: str) -> None:
    batches = sorted((EXAMPLES / name / "claims").glob("*.837"))
    if importlib.util.find_spec("recoup.x12.reader837") is None or not batches:
        pytest.skip("no 837P reader or no example 837P batches in this build")
    practice, from_visits, history = load(name)
    claims, findings = read_837_claims(batches, practice)
    assert not [f for f in findings if f.severity == "error"]
    assert {c.claim_id for c in claims} == {c.claim_id for c in from_visits}
    assert all(c.patient_id for c in claims)
    report = scrub(claims, practice, history)
    result = compare(claims, report.issues, history)
    assert (result.prevented, result.denials, result.prevented_amount) == (
        prevented,
        denials,
        Decimal(amount),
    )
    assert result.flagged_paid == ()
