"""Practice access in the store (SQLite and PostgreSQL): migration 0014 keeps every existing
user's reach (a grant of ``*``), grants and revocations, and the reads a user's practices keep
to (worklist, one denial, ids for a bulk action, My work, reminders, KPIs)."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine

from recoup import pipeline
from recoup.store import DenialQuery, Store
from recoup.store.migrate import alembic_config, current_revision, head_revision
from store_helpers import BRIGHTPATH, LITTLE_STEPS

TODAY = date(2026, 11, 23)
A = "1548213069"  # Brightpath
B = "1730496282"  # Little Steps
PASSWORD = "correct horse battery"


def _both(store: Store) -> None:
    for folder in (BRIGHTPATH, LITTLE_STEPS):
        paths = [folder, *sorted((folder / "remittances").glob("*.835"))]
        assert pipeline.import_paths(store, paths, today=TODAY).ok


def test_users_from_before_0014_keep_every_practice(db_url: str) -> None:
    with Store.open(db_url) as store:
        store.create_user("dana", PASSWORD, "biller")
        store.grant_practice("dana", A)
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0011")
        assert current_revision(conn) == "0011"
    engine.dispose()
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
        assert store.practice_grants("dana") == ["*"]
        assert store.allowed_practices("dana", "biller") is None
        store.create_user("eli", PASSWORD, "biller")  # a new account: nothing until granted
        assert store.allowed_practices("eli", "biller") == frozenset()


def test_grants_and_the_reads_they_keep_to(db_url: str) -> None:
    with Store.open(db_url) as store:
        _both(store)
        store.create_user("bo", PASSWORD, "biller")
        assert store.grant_practice("bo", B) is True
        assert store.grant_practice("bo", B) is False  # already
        assert store.allowed_practices("bo", "biller") == frozenset({B})
        assert store.allowed_practices("bo", "admin") is None
        mine = frozenset({B})
        every = store.all_denials(DenialQuery(status="all"), today=TODAY)
        kept = store.all_denials(DenialQuery(status="all", practice_keys=mine), today=TODAY)
        a_rows = [r for r in every if r.practice_key == A]
        assert a_rows and kept and {r.practice_key for r in kept} == {B}
        assert len(kept) == len(every) - len(a_rows)
        assert store.denial(a_rows[0].id, today=TODAY, practice_keys=mine) is None
        assert store.denial(a_rows[0].denial_id, today=TODAY, practice_keys=mine) is None
        assert store.denial(a_rows[0].id, today=TODAY) is not None
        chosen = [a_rows[0].id, kept[0].id, 999999]
        assert store.visible_ids(chosen, mine) == [kept[0].id]
        assert store.visible_ids(chosen, None) == [a_rows[0].id, kept[0].id]
        store.assign([a_rows[0].id, kept[0].id], "bo", "admin")
        store.set_follow_up([a_rows[0].id, kept[0].id], TODAY, "admin")
        work = store.my_work("bo", TODAY, 366, practice_keys=mine)
        assert [r.id for r in work.follow_ups] == [kept[0].id]
        assert {r.id for r in store.my_work("bo", TODAY, 366).follow_ups} == {
            a_rows[0].id,
            kept[0].id,
        }
        due = store.reminders(TODAY, 366, "bo", practice_keys=mine)["bo"]
        assert {i.row.id for i in due} == {kept[0].id}
        assert {i.row.id for i in store.reminders_by_access(store.reminders(TODAY, 366))["bo"]} == {
            kept[0].id
        }
        assert store.kpis(TODAY, practice_keys=mine).denied_lines < store.kpis(TODAY).denied_lines
        assert store.practice_key("little steps autism center") == B
        assert store.practice_key(A) == A and store.practice_key("*") == "*"
        assert store.practice_key("Nowhere") is None
        assert store.revoke_practice("bo", B) is True and store.revoke_practice("bo", B) is False
        assert store.allowed_practices("bo", "biller") == frozenset()
