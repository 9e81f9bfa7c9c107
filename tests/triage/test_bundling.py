"""The bundling rule (R097) on the example practices' CO-97 denials (situations 8–10, 13)."""

from __future__ import annotations

from datetime import date

import pytest

from recoup.denials import DeniedItem, denied_items
from recoup.practice import Practice, read_practice
from recoup.triage.model import Decision, DenialContext, rule_for
from recoup.triage.rules.bundling import bundling
from recoup.x12 import read_835

TODAY = date(2026, 11, 23)
ABA = "examples/little-steps-aba"
PT = "examples/brightpath-pt"
ABA_SEP = f"{ABA}/remittances/2026-09-01_prairie-mutual.835"
ABA_JUN = f"{ABA}/remittances/2026-06-30_prairie-mutual.835"
PT_OCT = f"{PT}/remittances/2026-10-02_summit-health-plan.835"


def _practice(folder: str) -> Practice:
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    return practice


def _context(
    folder: str, era: str, claim_id: str, practice: Practice | None = None
) -> DenialContext:
    for remittance in read_835(era).remittances:
        for claim in remittance.claims:
            if claim.patient_control_number != claim_id:
                continue
            item: DeniedItem = next(denied_items(claim))
            return DenialContext(item, remittance, practice or _practice(folder), (), TODAY, era)
    raise AssertionError(f"{claim_id} not in {era}")


def _text(decision: Decision) -> str:
    return "\n".join(
        [*decision.reasons, *(f"{e.text}: {e.fact}" for e in decision.evidence), decision.action]
    )


def test_registered_for_carc_97_and_236() -> None:
    for carc in ("97", "236"):
        info = rule_for(carc)
        assert info is not None and info.id == "R097" and info.func is bundling


def test_distinct_aba_sessions_without_modifier_get_a_corrected_claim() -> None:
    decision = bundling(_context(ABA, ABA_SEP, "LS4114"))

    assert decision.lane == "corrected_claim"
    assert "XE" in " ".join(decision.reasons)
    assert decision.action.startswith("add modifier XE (or 59, as the payer requires) to 97155")
    assert "frequency 7" in decision.action and "PM20260825001A" in decision.action
    sources = [e.text for e in decision.evidence]
    # sources name the file as a person finds it, never a machine path
    assert "2026-09-01_prairie-mutual.835 segment 37 (CAS)" in sources
    assert "visits.csv row 5" in sources and "visits.csv row 6" in sources
    timeline = " ".join(e.fact for e in decision.evidence if "visits.csv" in e.text)
    for moment in ("09:00", "11:00", "13:00", "14:00"):
        assert moment in timeline
    assert any("ptp_bundled.csv" in s and "illustrative" in s for s in sources)
    assert decision.missing == ()


def test_analyst_directing_the_technician_is_appealed_with_the_note() -> None:
    decision = bundling(_context(ABA, ABA_SEP, "LS4115"))

    assert decision.lane == "appeal"
    text = _text(decision)
    assert "lindgren_session_note_2026-08-13.md" in decision.action
    assert "ABA Services Workgroup" in text and "docs/domain.md §4.4" in text
    assert "10:00–10:30" in text and "09:00–11:00" in text
    sources = [e.text for e in decision.evidence]
    assert "records/index.csv row 3" in sources
    assert "visits.csv row 13" in sources


def test_overlap_without_documented_direction_is_written_off() -> None:
    decision = bundling(_context(ABA, ABA_JUN, "LS4110"))

    assert decision.lane == "write_off"
    text = _text(decision)
    assert "Prevention" in text and "start and stop times" in text
    assert "14:00–15:00" in text and "13:00–15:00" in text


def test_pt_blocks_back_to_back_get_a_corrected_claim() -> None:
    decision = bundling(_context(PT, PT_OCT, "BP26065"))

    assert decision.lane == "corrected_claim"
    assert "to 97530" in decision.action and "SHP26100200114" in decision.action
    assert "XU" in decision.action  # same encounter, non-overlapping 15-minute blocks
    sources = [e.text for e in decision.evidence]
    assert "visits.csv row 214" in sources and "visits.csv row 215" in sources
    assert any("row 2" in s and "ptp_bundled.csv" in s for s in sources)


def test_a_day_without_times_goes_to_review() -> None:
    practice = _practice(ABA)
    untimed = tuple(
        v._replace(start_time=None, end_time=None) if v.claim_id == "LS4114" else v
        for v in practice.visits
    )
    ctx = _context(ABA, ABA_SEP, "LS4114", practice._replace(visits=untimed))
    decision = bundling(ctx)

    assert decision.lane == "review"
    assert decision.missing == (
        "start and stop times for 97155 and 97153 on 2026-08-11 in visits.csv",
    )


def test_modifier_already_on_the_line_is_appealed() -> None:
    ctx = _context(ABA, ABA_SEP, "LS4114")
    line = ctx.item.line
    assert line is not None
    with_xe = line._replace(procedure=line.procedure._replace(modifiers=("XE",)))
    decision = bundling(ctx._replace(item=ctx.item._replace(line=with_xe)))

    assert decision.lane == "appeal"
    assert "97155-XE" in decision.action


def test_indicator_0_is_a_write_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from recoup.ncci import PtpTable, bundled_table
    from recoup.triage.rules import bundling as module

    table = bundled_table()
    strict = PtpTable(tuple(e._replace(modifier_indicator="0") for e in table.edits), table.name)
    monkeypatch.setattr(module, "ptp_table_for", lambda day, store=None: (strict, strict.name))
    decision = bundling(_context(ABA, ABA_SEP, "LS4114"))

    assert decision.lane == "write_off"
    assert "indicator 0" in " ".join(decision.reasons)


def test_without_a_practice_the_rule_asks_for_times() -> None:
    ctx = _context(ABA, ABA_SEP, "LS4114")
    decision = bundling(ctx._replace(practice=None))
    assert decision.lane == "review" and decision.missing
