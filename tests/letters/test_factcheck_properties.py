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


# the scan as it was before tokens without a digit were skipped by the pattern itself: the same
# alternatives, every word matched and the digit-free ones dropped afterwards
def _reference_facts(text: str) -> list[tuple[str, object, str, int]]:
    import re

    from recoup.letters import factcheck

    pattern = factcheck._FACT.pattern.split("|(?P<token>")[0] + (
        r"|(?P<token>[A-Za-z0-9§][A-Za-z0-9§\-./,]*)"
    )
    original = factcheck._FACT
    factcheck._FACT = re.compile(pattern)
    try:
        return factcheck._facts(text)
    finally:
        factcheck._FACT = original


# words as letters write them, separated by a space or a line break; a digit-free prefix glued to
# a date ("a-May 4, 2026") is read as the date now (before: "4" and "2026" as numbers)
_WORD = st.sampled_from(
    [
        *"aZx§0919-./,:$",
        "May 4, 2026",
        "May 4",
        "CO-119",
        "12:30",
        "2026-01-05",
        "03/04/2026",
        "$1,234.50",
        "-$12.00",
        "97155-XE",
        "x/12",
        "a-b",
        "§1833(g)",
        "PMX70412856-02",
        "claim",
        "e.g.",
        "1.5",
        "1,000",
    ]
)
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from([" ", "\n", ", ", ". "])), max_size=30).map(
    lambda pairs: "".join(w + sep for w, sep in pairs)
)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_the_scan_finds_what_a_word_by_word_scan_finds(text: str) -> None:
    from recoup.letters.factcheck import _facts

    assert _facts(text) == _reference_facts(text)
