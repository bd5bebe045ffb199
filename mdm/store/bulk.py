"""Bulk inserts of plain rows through the driver: `executemany` on SQLite, `COPY` on PostgreSQL.

SQLAlchemy's executemany builds and processes a parameter dict per row (`construct_params`,
each UUID, timestamp and JSON bind through its type machinery): on a bulk load that cost more
CPU than the inserts themselves. Here each row is a tuple in a fixed column order; the values
go through the same bind processors of the same column types (so what is stored is what
`insert(table)` stores), called directly, and the driver gets the rows in one call. The rows
are written on the session's connection, in its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import DateTime, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (tuples of `columns`' values, in that order) into `table`.

    Columns left out get their server default (an autoincrement id, say), never a Python-side
    default of the model: a caller names every column the model fills in Python.
    """
    connection = session.connection()  # begins the session's transaction if none is open
    dialect = connection.dialect
    columns = tuple(columns)
    convert = _converter(table, columns, dialect)
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        _copy(driver, table, columns, (convert(row) for row in rows))
        return
    converted = [convert(row) for row in rows]
    if not converted:
        return
    placeholders = ", ".join("?" * len(columns))
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                           f"VALUES ({placeholders})", converted)
    finally:
        cursor.close()


def insert_mappings(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """`insert_rows` for rows made as dicts, each with the same keys (the first row's)."""
    if not rows:
        return
    columns = tuple(rows[0])
    if len(columns) == 1:
        values = [(row[columns[0]],) for row in rows]
    else:
        pick = itemgetter(*columns)
        values = [pick(row) for row in rows]
    insert_rows(session, table, columns, values)


def _copy(driver: Any, table: Table, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    with driver.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@lru_cache(maxsize=64)
def _processors(table: Table, columns: tuple[str, ...],
                dialect: Dialect) -> tuple[tuple[int, Callable[[Any], Any], bool], ...]:
    """(index, bind processor, is a timestamp) of each of `columns` that has a processor."""
    found = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            timestamp = isinstance(getattr(column_type, "impl", column_type), DateTime)
            found.append((index, process, timestamp))
    return tuple(found)


def _converter(table: Table, columns: tuple[str, ...],
               dialect: Dialect) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A function making one row's values what the driver gets from `insert(table)`.

    Made per write: the rows of one write mostly share their timestamp (the chunk's `now`), so
    a timestamp's processor answers again for the value it was last given, where each went
    through a type decorator and a string formatting (a tenth of a bulk load's conversions).
    """
    processors = [(index, _last_remembered(process) if timestamp else process)
                  for index, process, timestamp in _processors(table, columns, dialect)]
    if not processors:
        return tuple

    def convert(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for index, process in processors:
            values[index] = process(values[index])
        return values
    return convert


def _last_remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    last: list = [object(), None]

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]
    return remembered
