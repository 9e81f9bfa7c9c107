"""Golden letters: every packet of the two example practices, compared with tests/letters/golden.

After an intended change, regenerate them with ``RECOUP_UPDATE_GOLDEN=1 make unit`` (or the
same variable on a pytest run of this file) and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letter_helpers import PRACTICES, TODAY, example, groups
from recoup.letters import build_packet
from recoup.letters.compose import packet_key

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RECOUP_UPDATE_GOLDEN") == "1"

# a remittance from the triage tests whose CO-18 has no earlier payment: the review lane
REVIEW_ERA = ("tests/triage/data/duplicate_unknown.835",)

CASES = [(name, g[0].patient_account, g[0].lane, ()) for name in PRACTICES for g in groups(name)]
CASES += [
    ("brightpath-pt", g[0].patient_account, g[0].lane, REVIEW_ERA)
    for g in groups("brightpath-pt", REVIEW_ERA)
    if g[0].lane == "review"
]


@pytest.mark.parametrize(("practice", "claim", "lane", "extra"), CASES)
def test_letter_matches_golden(
    practice: str, claim: str, lane: str, extra: tuple[str, ...]
) -> None:
    records = example(practice, extra)[1]
    group = next(
        g for g in groups(practice, extra) if g[0].patient_account == claim and g[0].lane == lane
    )
    packet = build_packet(group, records, TODAY)
    # the copy that is sent (<key>.md) and the biller's copy (<key>.biller.md)
    for path, text in (
        (GOLDEN / f"{packet.key}.md", packet.markdown),
        (GOLDEN / f"{packet.key}.biller.md", packet.biller_markdown),
    ):
        if UPDATE or not path.exists():
            if not UPDATE:
                pytest.fail(f"no golden letter {path.name}; run with RECOUP_UPDATE_GOLDEN=1")
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), (
            f"{path.name}: the letter changed; if intended, regenerate with RECOUP_UPDATE_GOLDEN=1"
        )


def test_golden_letters_cover_the_lanes() -> None:
    lanes = {lane for _, _, lane, _ in CASES}
    assert lanes >= {
        "review",
        "recount_dispute",
        "exception_appeal",
        "appeal",
        "corrected_claim",
        "bill_other_payer",
        "bill_patient",
        "write_off",
    }


def test_no_stale_golden_files() -> None:
    keys = {
        f"{packet_key(g[0])}{suffix}"
        for practice, claim, lane, extra in CASES
        for g in groups(practice, extra)
        if g[0].patient_account == claim and g[0].lane == lane
        for suffix in (".md", ".biller.md")
    }
    stale = sorted(p.name for p in GOLDEN.glob("*.md") if p.name not in keys)
    assert not stale, f"golden letters with no packet any more: {stale}"
