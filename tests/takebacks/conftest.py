"""The store fixtures (``store_fixtures.py``): each test against SQLite and a real PostgreSQL."""

from store_fixtures import db_url, new_db_url, store

__all__ = ["db_url", "new_db_url", "store"]
