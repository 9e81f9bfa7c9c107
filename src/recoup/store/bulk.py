"""Many rows at once into one table, inside the caller's write transaction.

An import writes tens of thousands of claims, lines and adjustments. Inserting them through
SQLAlchemy one parameter set at a time (each asking for its new id back) cost more than
everything else together, so the import takes the fast road each database offers:

* ids are taken before the rows are written (:class:`IdSource`), so children can name their
  parents without a round trip: on SQLite from the table's largest id (the import holds the
  store's one writer lock, :mod:`recoup.store.engine`), on PostgreSQL from the table's own
  sequence (``nextval``), which is safe whoever else writes;
* the rows go in with ``executemany`` on the sqlite3 connection, and with ``COPY ... FROM
  STDIN`` on PostgreSQL (psycopg 3), both on the connection (and so in the transaction) of the
  caller: a failure anywhere still rolls the whole file back.

Values are converted by each column's own SQLAlchemy type (money as text on SQLite, dates as
SQLite stores them), so a row written here reads back exactly as one written by SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError

__all__ = ["BulkTable", "IdSource"]


class IdSource:
    """New ids for rows the caller writes itself, within one write transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._next: dict[str, int] = {}

    def take(self, table: Table, count: int) -> list[int]:
        """``count`` new ids of ``table``, ascending."""
        if count <= 0:
            return []
        if self.conn.dialect.name == "postgresql":
            found = self.conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": count},
            )
            return sorted(int(row[0]) for row in found)
        start = self._next.get(table.name)
        if start is None:
            start = int(self.conn.scalar(select(func.max(table.c.id))) or 0) + 1
        self._next[table.name] = start + count
        return list(range(start, start + count))


class BulkTable:
    """Rows of ``columns`` (tuples in that order) written to ``table`` in one statement."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        self.table = table
        self.columns = tuple(columns)
        dialect = conn.dialect
        self._convert: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(self.columns):
            column = table.c[name]
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self._convert.append((index, process))

    def _rows(self, rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
        if not self._convert:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, process in self._convert:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            converted.append(values)
        return converted

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Write the rows; the database refusing them raises SQLAlchemy's ``DBAPIError`` (as a
        statement through SQLAlchemy would), and the caller's transaction rolls back."""
        if not rows:
            return
        raw = self.conn.connection.driver_connection
        names = ", ".join(self.columns)
        dbapi_error: type[Exception] = self.conn.dialect.loaded_dbapi.Error
        if self.conn.dialect.name == "postgresql":
            statement = f"COPY {self.table.name} ({names}) FROM STDIN"
            try:
                with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                    for row in self._rows(rows):
                        copy.write_row(row)
            except dbapi_error as exc:
                raise DBAPIError.instance(statement, None, exc, dbapi_error) from exc
            return
        marks = ", ".join("?" for _ in self.columns)
        statement = f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})"
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(statement, self._rows(rows))
        except dbapi_error as exc:
            raise DBAPIError.instance(statement, None, exc, dbapi_error) from exc
        finally:
            cursor.close()
