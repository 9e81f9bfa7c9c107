"""No internal text reaches a payer or patient: every letter of both example practices, scanned.

The copy that is sent (``Packet.markdown``: letter.md, .docx, .pdf) may name no lane code, no
benefit or period key of the practice files, no practice.toml setting, none of the notes triage
writes for the biller ("Beware: ...", "contract not checked") and no practice file, row or
segment; the biller's copy keeps those, in its Sources section only.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from letter_helpers import EXAMPLES, PRACTICES, TODAY, example, groups, packet_for
from recoup.letters import build_packet
from recoup.letters.reader import INTERNAL_PATTERNS, for_payer, words
from recoup.practice import PeriodKind
from recoup.triage import LANES
from recoup.x12 import read_835_file


def _internal_words() -> set[str]:
    """Every key a practice folder or recoup uses that a reader must never see."""
    keys = {lane for lane in LANES if "_" in lane} | {str(k) for k in PeriodKind if "_" in k}
    for name in PRACTICES:
        practice = example(name)[0]
        keys |= {b.benefit for b in practice.benefits if "_" in b.benefit}
        settings = tomllib.loads((EXAMPLES / name / "practice.toml").read_text("utf-8"))
        keys |= {k for k in settings if "_" in k}
        for table in settings.get("payers", {}).values():
            keys |= {k for k in table if "_" in k}
    return keys


INTERNAL = re.compile(
    "|".join([*INTERNAL_PATTERNS, *(rf"\b{re.escape(k)}\b" for k in sorted(_internal_words()))])
)
# a practice file with its row, or a remittance segment: the biller's copy's business
FILE_REFS = re.compile(r"\.csv\b|\.835\b|\bsegment \d|\brecords/|\brow \d")

LETTERS = [
    (name, group[0].patient_account, group[0].lane) for name in PRACTICES for group in groups(name)
]


def _packet(name: str, claim: str, lane: str):  # type: ignore[no-untyped-def]
    group = next(g for g in groups(name) if g[0].patient_account == claim and g[0].lane == lane)
    return build_packet(group, example(name)[1], TODAY)


def test_the_internal_key_list_is_not_empty() -> None:
    keys = _internal_words()
    assert {"pt_ot", "calendar_year", "rolling_months", "appeal_days", "signer_name"} <= keys
    assert {"corrected_claim", "bill_other_payer"} <= keys


@pytest.mark.parametrize(("practice", "claim", "lane"), LETTERS)
def test_sent_letter_holds_no_internal_text(practice: str, claim: str, lane: str) -> None:
    packet = _packet(practice, claim, lane)
    for n, line in enumerate(packet.markdown.splitlines(), 1):
        found = INTERNAL.search(line) or FILE_REFS.search(line)
        assert found is None, f"{packet.key}/letter.md line {n}: {found.group()!r} in {line!r}"


@pytest.mark.parametrize(("practice", "claim", "lane"), LETTERS)
def test_biller_copy_keeps_files_only_in_its_sources(practice: str, claim: str, lane: str) -> None:
    packet = _packet(practice, claim, lane)
    body, _, sources = packet.biller_markdown.partition("\n## Sources\n")
    assert sources, "the biller's copy lists its sources"
    body = body.split("\n## To complete before sending\n")[0]  # the placeholders' hints
    for n, line in enumerate(body.splitlines(), 1):
        found = INTERNAL.search(line)
        assert found is None, f"{packet.key} biller copy line {n}: {found.group()!r}"
    assert FILE_REFS.search(sources), "the biller's sources name files, rows and segments"


def test_sent_notes_name_what_the_payer_can_see_and_packet_keeps_the_rest() -> None:
    packet = packet_for("little-steps-aba", "LS4109")
    notes = dict(packet.notes)
    assert "your remittance advice of June 30, 2026" in notes
    assert any(n.startswith("the enclosed treatment plan of January 5, 2026") for n in notes)
    behind = notes["your remittance advice of June 30, 2026"]
    assert any("segment" in s and "(SVC)" in s for s in behind), behind
    plan = next(b for n, b in notes.items() if n.startswith("the enclosed treatment plan"))
    assert all(s.startswith("records/brooks_treatment_plan_2026-01-05.md line") for s in plan)


def test_ls4109_shows_the_units_billed_from_svc07() -> None:
    # SVC*HC:97153*352.00*55.80**4**16: 4 units paid (SVC05) of 16 billed (SVC07)
    md = packet_for("little-steps-aba", "LS4109").markdown
    row = next(line for line in md.splitlines() if line.startswith("| June 12, 2026 | 97153"))
    assert "| 16 | 4 |" in row, row
    assert "| Units billed | Units paid |" in md


def test_bundling_letters_never_call_the_illustrative_pair_an_ncci_edit() -> None:
    for name in PRACTICES:
        for group in groups(name):
            packet = build_packet(group, example(name)[1], TODAY)
            if not any(i.reason_code in ("97", "236") for i in group):
                continue
            for text in (packet.markdown, packet.biller_markdown):
                assert "NCCI edit" not in text and "NCCI PTP edit" not in text, packet.key
                if packet.lane != "write_off":  # a payer letter leaves the pair out
                    assert "illustrative" not in text, packet.key


def test_concurrent_appeal_cites_only_the_97155_guidance() -> None:
    packet = packet_for("little-steps-aba", "LS4115")
    assert packet.lane == "appeal"
    policy = packet.markdown.split("## Policy")[1].split("\n## ")[0]
    assert "97155" in policy
    assert "MLN1783722" not in packet.markdown and "59, XE" not in packet.markdown
    assert not any("mln1783722" in s for s in packet.sources)


def test_distinct_services_corrected_claim_keeps_the_modifier_policy() -> None:
    packet = packet_for("little-steps-aba", "LS4114")
    assert "MLN1783722" in packet.markdown


def test_recount_states_our_count_and_dates_and_asks_for_the_accumulator() -> None:
    for claim in ("BP26049", "BP26059"):
        md = packet_for("brightpath-pt", claim).markdown
        assert "By our count," in md
        assert "(the member's benefit accumulator)" in md
        # no plan document on file: what counts is our count, not the plan's rule
        assert "does not count toward" not in md
        assert "no plan document on file" in md
    md = packet_for("brightpath-pt", "BP26049").markdown
    assert "19 visits were used before July 14, 2026" in md
    assert "May 7, 2026, May 12, 2026" in md


def test_vision_claim_is_billed_as_the_right_payer_not_a_secondary() -> None:
    group = next(g for g in groups("brightpath-pt") if g[0].patient_account == "BP26056")
    md = build_packet(group, example("brightpath-pt")[1], TODAY).markdown
    assert "# Claim for vision benefits" in md
    letter = md.split("\n## Remittance advice of ")[0]  # the medical plan's own status follows
    assert "secondary" not in letter.casefold() and "primary" not in letter.casefold()


def test_header_has_birth_date_subscriber_and_rendering_npi_or_placeholders() -> None:
    md = packet_for("little-steps-aba", "LS4115").markdown
    assert "**Date of birth:** January 9, 2022" in md
    assert "**Subscriber:** ERIK LINDGREN" in md
    assert "**Rendering provider NPI:** 1386204956" in md
    md = packet_for("brightpath-pt", "BP26049").markdown
    assert "**Subscriber:** [MISSING: the subscriber's name]" in md


def test_words_and_for_payer() -> None:
    assert words("cap of 20 visits per calendar_year") == "cap of 20 visits per calendar year"
    assert words("period rolling_months:12 for pt_ot") == (
        "period 12 rolling months for physical and occupational therapy"
    )
    assert words("see records/lindgren_session_note_2026-08-13.md") == (
        "see records/lindgren_session_note_2026-08-13.md"
    )
    assert words("bill it (CAS as received, docs/domain.md §7.2).") == "bill it (CAS as received)."
    kept = for_payer(["CO-297: no benefits. Beware: many pages say otherwise.", "Bill Aspen."])
    assert kept == ["CO-297: no benefits."]


def _excerpt(markdown: str) -> str:
    start = markdown.index("\n## Remittance advice of ")
    return markdown[start:].split("\n## Sources")[0].split("\n## To complete")[0]


@pytest.mark.parametrize(("practice", "claim", "lane"), LETTERS)
def test_enclosed_remittance_holds_only_the_patients_claim(
    practice: str, claim: str, lane: str
) -> None:
    group = next(g for g in groups(practice) if g[0].patient_account == claim and g[0].lane == lane)
    packet = build_packet(group, example(practice)[1], TODAY)
    if lane in ("write_off", "review"):  # memos for the file: nothing is enclosed
        assert "\n## Remittance advice of " not in packet.markdown
        return
    ctx = group[0].context
    assert ctx is not None
    excerpt = _excerpt(packet.markdown)
    this = ctx.item.claim
    others = [c for c in read_835_file(ctx.file).claims if c.patient_control_number != claim]
    assert others, "the remittance pays other claims too"
    for other in others:
        assert f" {other.patient_control_number}" not in excerpt
        if other.payer_claim_id:
            assert other.payer_claim_id not in excerpt
        if other.patient and other.patient.id and other.patient.id != this.patient.id:
            assert other.patient.id not in excerpt
            assert other.patient.last_name.casefold() not in excerpt.casefold()
    rows = [r for r in excerpt.splitlines() if r.startswith("| ") and "---" not in r]
    assert len(rows) == 1 + len(this.lines)  # the header and every line of this claim


@pytest.mark.parametrize(("practice", "claim", "lane"), LETTERS)
def test_checklist_names_lanes_and_keys_in_words(practice: str, claim: str, lane: str) -> None:
    from recoup.letters import checklist

    text = checklist(_packet(practice, claim, lane))
    keys = {k for k in _internal_words() if k in LANES or k in {str(p) for p in PeriodKind}}
    keys |= {"pt_ot"}
    for key in keys:
        assert not re.search(rf"\b{key}\b", text), (claim, key)
    assert "- Lane: " in text
