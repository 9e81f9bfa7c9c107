"""Property tests: whatever date, amount or number is slipped into a real letter, the fact check
finds it unless the inputs hold it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from letter_helpers import allowed_facts, packet_for
from recoup.letters import FactCheckError, check_letter
from recoup.letters.compose import format_date, format_usd

LETTER = packet_for("brightpath-pt", "BP26049").markdown
ALLOWED = allowed_facts("brightpath-pt", "BP26049")


def _caught(sentence: str) -> bool:
    tampered = LETTER.replace("## Requested action", f"{sentence}\n\n## Requested action")
    try:
        check_letter("x", tampered, ALLOWED)
    except FactCheckError:
        return True
    return False


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_any_date_not_in_the_inputs_is_caught(day: date) -> None:
    for written in (day.isoformat(), format_date(day), f"{day:%m/%d/%Y}"):
        assert _caught(f"The patient was seen on {written}.") == (day not in ALLOWED.dates)


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_any_amount_not_in_the_inputs_is_caught(amount: Decimal) -> None:
    caught = _caught(f"The plan owes {format_usd(amount)}.")
    assert caught == (amount.normalize() not in ALLOWED.numbers)


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"[A-Z]{2,3}[0-9]{6,12}", fullmatch=True))
def test_any_claim_number_not_in_the_inputs_is_caught(number: str) -> None:
    assert _caught(f"See claim {number}.") == (number not in ALLOWED.tokens)
