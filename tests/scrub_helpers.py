"""Helpers for the scrub tests: the example practices with their visits.csv claims and 835s."""

from __future__ import annotations

from pathlib import Path

from recoup.practice import Practice, read_practice
from recoup.scrub import History, ScrubClaim, claims_from_visits, read_history

EXAMPLES = Path(__file__).parents[1] / "examples"

Loaded = tuple[Practice, list[ScrubClaim], History]


def load(name: str) -> Loaded:
    folder = EXAMPLES / name
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    history, errors = read_history(sorted((folder / "remittances").glob("*.835")), practice)
    assert not errors
    return practice, claims_from_visits(practice), history
