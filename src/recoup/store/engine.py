"""Where the store lives, and the one writer through which every change goes.

The store is SQLite by default (a file ``recoup.db`` in the working directory, nothing to
install), or PostgreSQL when the URL says so. The URL comes from ``--db``, else the
``RECOUP_DATABASE_URL`` environment variable, else ``./recoup.db``; a plain path means a SQLite
file.

Writes are serialised on both: a SQLite write transaction starts with ``BEGIN IMMEDIATE`` (it
takes the database's write lock at once, and a second writer waits up to the busy timeout
instead of failing halfway), and a PostgreSQL write transaction first takes a transaction-level
advisory lock. So two imports running at the same time land one after the other, each whole.
Reads never wait for a writer (SQLite runs in WAL mode).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "StoreError",
    "create_store_engine",
    "display_url",
    "reading",
    "resolve_url",
    "writing",
]

ENV_VAR = "RECOUP_DATABASE_URL"
DEFAULT_DB = "recoup.db"
BUSY_TIMEOUT_SECONDS = 120.0
# Any fixed 64-bit number: the PostgreSQL advisory lock all recoup writers take.
WRITER_LOCK = 0x7265_636F_7570  # "recoup"


class StoreError(Exception):
    """The store cannot be opened or used (bad URL, server down, newer schema, ...)."""


def resolve_url(db: str | None = None) -> str:
    """``--db`` if given, else ``$RECOUP_DATABASE_URL``, else ``./recoup.db``; paths become URLs."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _url(value: str) -> URL:
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {value}") from exc
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # the driver recoup ships with
    elif backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {backend!r}: use a SQLite file or PostgreSQL")
    return url


def display_url(value: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return value


def create_store_engine(value: str) -> Engine:
    url = _url(value)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=2, max_overflow=4)
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
    )
    in_memory = url.database in (None, "", ":memory:")
    event.listen(engine, "connect", lambda conn, _record: _sqlite_connect(conn, in_memory))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, in_memory: bool) -> None:
    # recoup emits BEGIN itself (see _sqlite_begin); the sqlite3 module must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if not in_memory:
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Put the database in WAL mode (once per file; it stays so).

    The switch needs the file to itself for a moment, and SQLite does not wait on the busy
    timeout for it: when several processes open a new store at once, the losers retry.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(conn: Connection) -> None:
    writer = conn.get_execution_options().get("recoup_writer", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction, holding the store's single writer lock: all of it lands or none."""
    with engine.connect() as conn:
        conn = conn.execution_options(recoup_writer=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: a consistent view that never waits for a writer."""
    with engine.connect() as conn, conn.begin():
        yield conn
