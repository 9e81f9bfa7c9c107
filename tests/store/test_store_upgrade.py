"""A store made by recoup before migration 0002 opens, keeps its data, and says which files to
import again before they can be triaged."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, select

from recoup import pipeline
from recoup.store import DenialQuery, Store
from recoup.store.migrate import alembic_config, current_revision, head_revision
from recoup.store.tables import practices
from store_helpers import BRIGHTPATH

REMITTANCES = sorted((BRIGHTPATH / "remittances").glob("*.835"))
TODAY = date(2026, 11, 23)


def test_a_0001_store_upgrades_and_asks_for_files_again(db_url: str) -> None:
    with Store.open(db_url) as store:
        for path in [BRIGHTPATH, *REMITTANCES]:
            assert store.import_path(path).ok
        claims_before = store.row_counts()["claims"]
    # back to the first schema, data and all (a plain engine: SQLite's batch downgrade copies
    # tables, which it cannot do with foreign keys enforced)
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
        assert current_revision(conn) == "0001"
    engine.dispose()
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert conn.scalar(select(practices.c.folder)) is None
        counts = store.row_counts()
        assert counts["claims"] == claims_before and counts["denials"] == 0
        assert store.files_without_bytes() == [str(p) for p in REMITTANCES]
        assert pipeline.stored_worklist(store, TODAY).items == ()
        refreshed = pipeline.refresh_worklist(store, TODAY)
        assert refreshed.new == 0 and refreshed.missing_files == tuple(str(p) for p in REMITTANCES)
        # importing the same files again keeps their bytes: now they can be triaged
        again = [store.import_path(p) for p in [BRIGHTPATH, *REMITTANCES]]
        assert {r.status for r in again[1:]} == {"already imported"}
        assert store.files_without_bytes() == []
        assert pipeline.refresh_worklist(store, TODAY).missing_files == ()
        # 19 denials and one underpayment (fee_schedules/ back after the folder is imported again)
        assert store.denials(DenialQuery(today=TODAY)).total == 20
