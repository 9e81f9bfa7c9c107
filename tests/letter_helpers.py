"""Building the example practices' worklists and packets once per test session."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from recoup.letters import AllowedFacts, Packet, build_packet, packets_for
from recoup.practice import Practice, read_practice
from recoup.records_text import RecordSet, read_records
from recoup.triage import WorkItem, Worklist, triage
from recoup.x12 import read_835_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = date(2026, 11, 23)
PRACTICES = ("brightpath-pt", "little-steps-aba")


@cache
def example(name: str, extra: tuple[str, ...] = ()) -> tuple[Practice, RecordSet, Worklist]:
    """A practice's worklist from its remittances, plus ``extra`` 835 files (repo-relative)."""
    practice, findings = read_practice(EXAMPLES / name)
    assert practice is not None, findings
    paths = [*sorted((EXAMPLES / name / "remittances").glob("*.835")), *(ROOT / e for e in extra)]
    results = [read_835_file(p) for p in paths]
    return practice, read_records(practice), triage(results, practice, TODAY)


def groups(name: str, extra: tuple[str, ...] = ()) -> list[list[WorkItem]]:
    return packets_for(example(name, extra)[2].items)


def packet_for(name: str, claim: str) -> Packet:
    records = example(name)[1]
    group = next(g for g in groups(name) if g[0].patient_account == claim)
    return build_packet(group, records, TODAY)


def allowed_facts(name: str, claim: str) -> AllowedFacts:
    """The facts the composer gathers for a claim's letter, as the fact check sees them."""
    from recoup.letters.compose import _enclosures, _variables
    from recoup.letters.context import LetterFacts

    records = example(name)[1]
    group = next(g for g in groups(name) if g[0].patient_account == claim)
    facts = LetterFacts(group, TODAY)
    _, out = _variables(facts, records, 6)
    _enclosures(facts, records, out)
    for source in build_packet(group, records, TODAY).sources:
        facts.allowed.add_text(source)
    return facts.allowed
