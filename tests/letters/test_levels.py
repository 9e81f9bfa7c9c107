"""Letters for appeal levels 2 and 3: the lane's grounds again, answering the earlier decision
(its date and reference), with the level's deadline; golden files and the fact check."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from letter_helpers import TODAY, example, groups
from recoup.appeal_levels import level_deadline, level_of
from recoup.letters import AppealStage, FactCheckError, build_packet, check_letter

GOLDEN = Path(__file__).parent / "golden" / "levels"
UPDATE = os.environ.get("RECOUP_UPDATE_GOLDEN") == "1"


def _stage(payer_type: str, number: int, decided: date, reference: str) -> AppealStage:
    level, earlier = level_of(payer_type, number), level_of(payer_type, number - 1)
    due = level_deadline(payer_type, level, decided)
    return AppealStage(
        number=number,
        name=level.name,
        earlier_name=earlier.name,
        decided_on=decided,
        reference=reference,
        recorded_by="dana",
        deadline=due.date,
        deadline_basis=due.basis,
        reviewer=level.reviewer,
    )


def _group(practice: str, claim: str) -> list:  # type: ignore[type-arg]
    return next(g for g in groups(practice) if g[0].patient_account == claim)


CASES = [
    ("little-steps-aba", "LS4115", "commercial", 2, date(2026, 12, 15), "PM-APL-20931"),
    ("brightpath-pt", "BP26049", "commercial", 3, date(2027, 3, 15), "SHP-2L-5531"),
]


@pytest.mark.parametrize(("practice", "claim", "kind", "number", "decided", "ref"), CASES)
def test_level_letters_match_golden(
    practice: str, claim: str, kind: str, number: int, decided: date, ref: str
) -> None:
    stage = _stage(kind, number, decided, ref)
    packet = build_packet(_group(practice, claim), example(practice)[1], TODAY, stage=stage)
    assert packet.key.endswith(f"-level{number}")
    assert packet.title.startswith(f"Level {number} appeal")
    assert packet.deadline == stage.deadline
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


def test_a_level_two_letter_cites_the_first_decision() -> None:
    stage = _stage("commercial", 2, date(2026, 12, 15), "PM-APL-20931")
    packet = build_packet(
        _group("little-steps-aba", "LS4115"), example("little-steps-aba")[1], TODAY, stage=stage
    )
    text = packet.markdown
    assert "# Level 2 appeal (Second internal appeal) of claim LS4115" in text
    assert "on December 15, 2026 at the first level (Internal appeal), reference PM-APL-20931" in (
        text
    )
    # the sent copy names the decision; the biller's copy where it was recorded
    assert "your decision of December 15, 2026, reference PM-APL-20931" in text
    assert "level-1 decision of 2026-12-15 recorded by dana" in packet.biller_markdown
    assert "counted from your decision of December 15, 2026" in text
    # the first letter's grounds are still there
    first = build_packet(
        _group("little-steps-aba", "LS4115"), example("little-steps-aba")[1], TODAY
    )
    grounds = first.markdown.split("## Grounds", 1)[1].split("## Requested action", 1)[0]
    unmarked = re.compile(r"\[\d+(?:, \d+)*\]")  # source numbers shift by the new cite
    assert unmarked.sub("", grounds.strip().splitlines()[0]) in unmarked.sub("", text)


def test_a_missing_reference_is_a_visible_placeholder() -> None:
    stage = _stage("commercial", 3, date(2027, 3, 15), "")
    packet = build_packet(
        _group("brightpath-pt", "BP26049"), example("brightpath-pt")[1], TODAY, stage=stage
    )
    assert "[MISSING: the reference number of the level-2 decision]" in packet.markdown
    assert "[MISSING: the address of the independent review organization" in packet.markdown
    assert any("reference number of the level-2 decision" in m for m in packet.missing)


def test_the_fact_check_refuses_a_decision_date_that_is_not_on_record() -> None:
    from recoup.letters.compose import _enclosures, _stage_vars, _variables
    from recoup.letters.context import LetterFacts

    stage = _stage("commercial", 2, date(2026, 12, 15), "PM-APL-20931")
    group = _group("little-steps-aba", "LS4115")
    records = example("little-steps-aba")[1]
    packet = build_packet(group, records, TODAY, stage=stage)
    facts = LetterFacts(group, TODAY)
    _, out = _variables(facts, records, 6)
    _stage_vars(facts, stage, out)
    _enclosures(facts, records, out)
    check_letter("level2.md", packet.markdown, facts.allowed)  # as built: passes
    tampered = packet.markdown.replace("December 15, 2026", "December 16, 2026")
    with pytest.raises(FactCheckError, match="December 16, 2026"):
        check_letter("level2.md", tampered, facts.allowed)
    wrong_ref = packet.markdown.replace("PM-APL-20931", "PM-APL-20932")
    with pytest.raises(FactCheckError, match="20932"):
        check_letter("level2.md", wrong_ref, facts.allowed)


def test_no_stale_level_golden_files() -> None:
    keys = set()
    for practice, claim, kind, number, decided, ref in CASES:
        stage = _stage(kind, number, decided, ref)
        key = build_packet(_group(practice, claim), example(practice)[1], TODAY, stage=stage).key
        keys |= {f"{key}.md", f"{key}.biller.md"}
    assert sorted(p.name for p in GOLDEN.glob("*.md")) == sorted(keys)
