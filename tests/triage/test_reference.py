"""docs/rules.md is generated from the rule registry and must match it."""

from __future__ import annotations

from pathlib import Path

from recoup.triage import registered_rules, rules_reference
from recoup.triage.reference import REGENERATE

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_reference(), (
        f"docs/rules.md is out of date with the rule registry: run `{REGENERATE}`"
    )


def test_reference_names_every_rule_and_its_codes() -> None:
    text = rules_reference()
    for info in registered_rules():
        assert f"## {info.id}: {info.name}" in text
        assert f"- reason codes (CARC): {', '.join(info.codes)}" in text
        assert info.doc, f"rule {info.id} has no docstring"
