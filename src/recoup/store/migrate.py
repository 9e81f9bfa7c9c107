"""Bringing a store's schema up to date: ``alembic upgrade head``, run on every open.

The migrations ship inside the package (``recoup/store/migrations``), so an installed recoup
needs no alembic.ini and no working directory of its own.
"""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from recoup.store.engine import StoreError, writing

__all__ = ["SCRIPT_LOCATION", "alembic_config", "current_revision", "head_revision", "upgrade"]

SCRIPT_LOCATION = "recoup.store:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


@cache
def _revisions() -> tuple[str, frozenset[str]]:
    """The head revision and every known one (read once per process)."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head, frozenset(s.revision for s in script.walk_revisions())


def head_revision() -> str:
    return _revisions()[0]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply every migration the store lacks, in one write transaction."""
    head, known = _revisions()
    with writing(engine) as conn:
        current = current_revision(conn)
        if current == head:
            return
        if current is not None and current not in known:
            raise StoreError(
                f"the store's schema ({current}) is newer than this recoup knows: upgrade recoup"
            )
        command.upgrade(alembic_config(conn), "head")
