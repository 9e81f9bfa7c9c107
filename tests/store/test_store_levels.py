"""Appeal levels and undo in the store, on SQLite and PostgreSQL: a lost appeal opens the next
level with its own deadline; a closed outcome is not overwritten without force; undo re-opens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from recoup import pipeline
from recoup.store import DenialQuery, Store
from store_helpers import BRIGHTPATH

TODAY = date(2026, 11, 23)
RECOUNT = "BP26049-1@SHP26080700114"  # Summit (commercial), recount dispute, $120.00


@pytest.fixture
def brightpath(store: Store) -> Store:
    remittances = sorted((BRIGHTPATH / "remittances").glob("*.835"))
    assert pipeline.import_paths(store, [BRIGHTPATH, *remittances], today=TODAY).ok
    return store


def _row_id(store: Store, denial_id: str) -> int:
    row = store.denial(denial_id, today=TODAY)
    assert row is not None
    return row.id


def test_a_lost_appeal_opens_the_next_level_from_the_decision_date(brightpath: Store) -> None:
    row_id = _row_id(brightpath, RECOUNT)
    first = brightpath.denial(row_id, today=TODAY)
    assert first is not None and first.payer_type == "commercial" and first.appeal_level == 1
    brightpath.mark_sent(row_id, date(2026, 11, 24), "portal", "dana")
    level2 = brightpath.record_outcome(
        row_id, "lost", Decimal("0"), date(2027, 1, 8), "dana", reference="APL-77120"
    )
    # commercial: internal -> second internal (180 days from the decision) -> external review
    assert (level2.status, level2.appeal_level, level2.deadline) == ("open", 2, date(2027, 7, 7))
    assert "second internal appeal" in level2.deadline_basis
    assert "the level-1 decision dated 2027-01-08" in level2.deadline_basis
    assert level2.outcome is None and level2.sent_date is None
    assert level2.outcome_reference == "APL-77120"
    # a refresh keeps the level's deadline (triage only knows the first level's)
    pipeline.refresh_worklist(brightpath, TODAY)
    kept = brightpath.denial(row_id, today=TODAY)
    assert kept is not None and (kept.appeal_level, kept.deadline) == (2, date(2027, 7, 7))
    brightpath.mark_sent(row_id, date(2027, 2, 1), "mail", "dana")
    level3 = brightpath.record_outcome(row_id, "lost", Decimal("0"), date(2027, 3, 15), "dana")
    assert (level3.appeal_level, level3.deadline) == (3, date(2027, 7, 15))  # 4 months
    assert "external review" in level3.deadline_basis.lower()
    brightpath.mark_sent(row_id, date(2027, 4, 1), "mail", "dana")
    last = brightpath.record_outcome(row_id, "lost", Decimal("0"), date(2027, 5, 3), "dana")
    assert (last.status, last.outcome, last.appeal_level) == ("closed", "lost", 3)
    steps = [(e.kind, e.level, e.on) for e in brightpath.events(row_id)]
    assert steps == [
        ("sent", 1, date(2026, 11, 24)),
        ("decision", 1, date(2027, 1, 8)),
        ("level_opened", 2, date(2027, 1, 8)),
        ("sent", 2, date(2027, 2, 1)),
        ("decision", 2, date(2027, 3, 15)),
        ("level_opened", 3, date(2027, 3, 15)),
        ("sent", 3, date(2027, 4, 1)),
        ("decision", 3, date(2027, 5, 3)),
    ]
    assert brightpath.events(row_id)[1].reference == "APL-77120"


def test_lost_without_an_appeal_sent_closes_and_other_lanes_have_no_levels(
    brightpath: Store,
) -> None:
    row_id = _row_id(brightpath, RECOUNT)
    closed = brightpath.record_outcome(row_id, "lost", Decimal("0"), TODAY, "dana")
    assert (closed.status, closed.appeal_level) == ("closed", 1)
    corrected = next(
        r
        for r in brightpath.denials(DenialQuery(lane="corrected_claim", today=TODAY)).rows
        if r.payer_type == "medicare"
    )
    brightpath.mark_sent(corrected.id, TODAY, "clearinghouse", "dana")
    lost = brightpath.record_outcome(corrected.id, "lost", Decimal("0"), TODAY, "dana")
    assert (lost.status, lost.appeal_level) == ("closed", 1)  # a corrected claim is no appeal


def test_a_closed_outcome_is_kept_unless_forced_and_undo_reopens(brightpath: Store) -> None:
    row_id = _row_id(brightpath, RECOUNT)
    brightpath.mark_sent(row_id, date(2026, 11, 24), "fax", "dana")
    brightpath.record_outcome(row_id, "won", Decimal("120.00"), date(2026, 12, 10), "dana")
    with pytest.raises(ValueError, match=r"closed already .*--force"):
        brightpath.record_outcome(row_id, "partly_won", Decimal("50.00"), TODAY, "lee")
    kept = brightpath.denial(row_id, today=TODAY)
    assert kept is not None and (kept.outcome, kept.outcome_amount) == ("won", Decimal("120.00"))
    forced = brightpath.record_outcome(
        row_id, "partly_won", Decimal("50.00"), date(2026, 12, 10), "lee", force=True
    )
    assert (forced.outcome, forced.outcome_amount, forced.closed_by) == (
        "partly_won",
        Decimal("50.00"),
        "lee",
    )
    undone = brightpath.undo_outcome(row_id, "lee", today=TODAY)
    # back to what it was before the forced outcome: won, closed
    assert (undone.status, undone.outcome) == ("closed", "won")
    again = brightpath.undo_outcome(row_id, "lee", today=TODAY)
    assert (again.status, again.outcome, again.outcome_amount) == ("sent", None, None)
    assert again.sent_date == date(2026, 11, 24)
    with pytest.raises(ValueError, match="no recorded outcome"):
        brightpath.undo_outcome(row_id, "lee", today=TODAY)
    actions = [e.action for e in brightpath.audit_entries()]
    assert actions[:2] == ["denial.outcome_undone", "denial.outcome_undone"]
    assert brightpath.kpis(date(2026, 12, 31)).recovered == Decimal("0")


def test_undo_of_a_lost_appeal_closes_the_level_it_opened(brightpath: Store) -> None:
    row_id = _row_id(brightpath, RECOUNT)
    before = brightpath.denial(row_id, today=TODAY)
    assert before is not None
    brightpath.mark_sent(row_id, date(2026, 11, 24), "fax", "dana")
    brightpath.record_outcome(row_id, "lost", Decimal("0"), date(2027, 1, 8), "dana")
    back = brightpath.undo_outcome(row_id, "dana", today=TODAY)
    assert (back.status, back.appeal_level, back.deadline) == ("sent", 1, before.deadline)
    assert back.deadline_basis == before.deadline_basis
    kinds = [(e.kind, e.undone) for e in brightpath.events(row_id)]
    assert kinds == [
        ("sent", False),
        ("decision", True),
        ("level_opened", True),
        ("undone", False),
    ]


def test_the_outcome_command_refuses_to_overwrite_without_force(
    brightpath: Store, db_url: str
) -> None:
    from typer.testing import CliRunner

    from recoup.cli import app

    runner = CliRunner()
    row_id = str(_row_id(brightpath, RECOUNT))
    base = ["--db", db_url, "--user", "dana"]
    sent = runner.invoke(app, ["sent", row_id, *base, "--date", "2026-11-24", "--channel", "fax"])
    assert sent.exit_code == 0, sent.output
    lost = runner.invoke(
        app,
        ["outcome", row_id, *base, "--result", "lost", "--amount", "0", "--date", "2027-01-08"]
        + ["--reference", "APL-77120"],
    )
    assert lost.exit_code == 0, lost.output
    assert "level 1 lost on 2027-01-08; level 2 open, deadline 2027-07-07" in lost.output
    won = ["outcome", row_id, *base, "--result", "won", "--amount", "120.00"]
    assert runner.invoke(app, [*won, "--date", "2027-03-01"]).exit_code == 0
    refused = runner.invoke(app, [*won, "--date", "2027-03-02"])
    assert refused.exit_code == 1 and "--force" in refused.output
    assert "Traceback" not in refused.output
    row = brightpath.denial(int(row_id), today=TODAY)
    assert row is not None and row.outcome_date == date(2027, 3, 1)
    forced = runner.invoke(app, [*won, "--date", "2027-03-02", "--force"])
    assert forced.exit_code == 0, forced.output
    row = brightpath.denial(int(row_id), today=TODAY)
    assert row is not None and row.outcome_date == date(2027, 3, 2)
    undone = runner.invoke(app, ["undo-outcome", row_id, *base])
    assert undone.exit_code == 0 and "outcome undone, closed again" in undone.output
    undone = runner.invoke(app, ["undo-outcome", row_id, *base])
    assert undone.exit_code == 0 and "outcome undone, open again" in undone.output
    row = brightpath.denial(int(row_id), today=TODAY)
    assert row is not None and (row.status, row.appeal_level) == ("open", 2)
