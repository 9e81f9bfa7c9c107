"""Alembic environment: runs the migrations on the connection ``recoup.store.migrate`` passes.

That connection is already inside the store's write transaction (holding the writer lock), so
two processes opening a new store at once migrate it once, one after the other.
"""

from __future__ import annotations

from alembic import context

from recoup.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
