"""The fact check: a letter may state only dates, amounts, codes and numbers from its inputs."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from letter_helpers import TODAY, allowed_facts, example, groups, packet_for
from recoup.letters import AllowedFacts, FactCheckError, build_packet, check_letter
from recoup.letters.factcheck import facts_in


@pytest.mark.parametrize(
    ("inserted", "kind"),
    [
        ("The patient was also seen on March 3, 2026.", "date"),
        ("The patient was also seen on 2026-02-11.", "date"),
        ("The patient was also seen on 02/11/2026.", "date"),
        ("The plan owes a further $999.99.", "amount"),
        ("Your earlier claim SHP26999900999 was paid.", "code"),
        ("The session ran from 15:45 onwards.", "time"),
        ("We also billed 97999 that day.", "number"),
        ("The balance was moved to the patient as PR-119.", "code"),
        ("The payer took back -$182.00.", "amount"),
        ("The patient was also seen on December 25.", "monthday"),
        ("The plan changed in [2027].", "number"),
    ],
)
def test_an_inserted_fact_fails_the_check(inserted: str, kind: str) -> None:
    packet = packet_for("brightpath-pt", "BP26049")
    facts = allowed_facts("brightpath-pt", "BP26049")
    check_letter("BP26049", packet.markdown, facts)  # the letter as built passes
    tampered = packet.markdown.replace("## Requested action", f"{inserted}\n\n## Requested action")
    with pytest.raises(FactCheckError) as caught:
        check_letter("BP26049", tampered, facts)
    problems = caught.value.problems
    assert [p.kind for p in problems] == [kind]
    assert problems[0].text in inserted
    assert f"line {problems[0].line}" in str(caught.value)
    assert "not written" in str(caught.value)


def test_a_template_that_invents_a_fact_is_not_built(tmp_path, monkeypatch) -> None:
    """A practice's own template that states an amount from nowhere is refused, by name."""
    import shutil

    from recoup.letters import compose

    practice, records, worklist = example("little-steps-aba")
    folder = tmp_path / "practice"
    shutil.copytree(practice.folder, folder)
    (folder / "letter_templates").mkdir()
    (folder / "letter_templates" / "write_off.md.j2").write_text(
        '{% extends "_base.md.j2" %}{% block title %}Memo{% endblock %}'
        "{% block body %}We expect $12,345.67 from the payer on 2027-01-15.{% endblock %}\n",
        encoding="utf-8",
    )
    group = next(g for g in packets_group(worklist) if g[0].lane == "write_off")
    ctx = group[0].context
    assert ctx is not None
    moved = [
        i._replace(context=ctx._replace(practice=practice._replace(folder=str(folder))))
        for i in group
    ]
    compose._environment.cache_clear()
    with pytest.raises(FactCheckError) as caught:
        build_packet(moved, records, TODAY)
    assert {p.text for p in caught.value.problems} == {"$12,345.67", "2027-01-15"}


def packets_group(worklist):  # type: ignore[no-untyped-def]
    from recoup.letters import packets_for

    return packets_for(worklist.items)


def test_facts_found_in_text() -> None:
    text = "On March 4, 2026 (2026-03-04, 03/04/2026) at 09:30 we billed $1,900.00 for CO-119 [3]."
    found = {(kind, raw) for kind, _norm, raw, _line in facts_in(text)}
    assert found == {
        ("date", "March 4, 2026"),
        ("date", "2026-03-04"),
        ("date", "03/04/2026"),
        ("time", "09:30"),
        ("amount", "$1,900.00"),
        ("code", "CO-119"),
    }


def test_allowed_facts_normalise_numbers_dates_and_times() -> None:
    allowed = AllowedFacts().add(
        Decimal("1900.00"), date(2026, 3, 4), time(9, 30), "claim BP26021", ("20",)
    )
    check_letter("x", "Paid $1,900 on March 4, 2026 at 09:30 for BP26021, visit 20 of 20.", allowed)
    with pytest.raises(FactCheckError):
        check_letter("x", "Visit 21.", allowed)


def test_packet_names_cannot_leave_the_output_folder(tmp_path) -> None:
    from recoup.letters import write_packet
    from recoup.letters.compose import packet_key

    packet = packet_for("brightpath-pt", "BP26021")
    item = next(g for g in groups("brightpath-pt") if g[0].patient_account == "BP26021")[0]
    evil = item._replace(patient_account="./../../escaped", payer_claim_id="a/../b")
    key = packet_key(evil)
    assert "/" not in key and not key.startswith(".")
    packet.key = "../escaped"
    with pytest.raises(ValueError, match="would leave"):
        write_packet(packet, tmp_path / "out", formats=("md",))
    assert not (tmp_path / "escaped").exists()
