"""Alembic migrations of the store, applied on open (see ``recoup.store.migrate``)."""
