"""New rows of one ingestion, held back and sent together: one statement on PostgreSQL.

A single record on the API inserts into up to ten tables (source record and version, match
keys and view, golden record, history, event, xref, decision, review task); each statement
cost a round trip of ~0.1 ms client CPU plus the waits. Folded, the rows go as one
data-modifying WITH whose parts read their rows from JSON parameters (`jsonb_to_recordset`,
as `operation_writes` does for steward operations): the text depends only on the tables and
columns, so the server prepares it once per connection. A read can ride in the same
statement (`Read`: the candidate lookup), seeing the store as it was before these rows.
Unfolded (SQLite, big chunks of `mdm ingest`), each `add` inserts at once through the driver
(`bulk`: executemany on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Result, Table, TextClause, bindparam, func, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from mdm.store import bulk, execute

# Above this many records a chunk's rows go table by table: `mdm ingest`'s executemany
# inserts of a thousand records are not a round-trip count problem.
FOLD_MAX_RECORDS = 50


def _json_ready(value: Any) -> Any:
    # What jsonb_to_recordset reads back into a timestamptz or uuid column.
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def json_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return `rows` with their timestamps and uuids as the JSON text PostgreSQL reads back."""
    return [{name: _json_ready(value) for name, value in row.items()} for row in rows]


def recordset(parameter: str, columns: Sequence) -> Any:
    """Return `jsonb_to_recordset(:parameter) AS parameter(column type, ...)`."""
    return (func.jsonb_to_recordset(bindparam(parameter, type_=JSONB))
            .table_valued(*columns, name=parameter).render_derived(with_types=True))


@dataclass(frozen=True)
class Read:
    """A read sent with a flush: its WITH parts and main query as SQL text, its result columns.

    In the same statement as the inserts, it does not see their rows.
    """

    ctes: str
    query: str
    columns: tuple[tuple[str, Any], ...]

    def statement(self) -> TextClause:
        """The read alone."""
        return _statement((), self)


@dataclass
class InsertBatch:
    """Rows waiting to be inserted, by table and columns, in the order first added.

    The caller flushes before any statement that must see them; parts of one statement see
    each other's rows only at its end, when foreign keys are checked, so the order of tables
    within a flush does not matter.
    """

    folded: bool
    pending: dict[tuple[Table, tuple[str, ...]], list[Mapping[str, Any]]] = field(
        default_factory=dict)

    def add(self, session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert `rows` (dicts of the same columns) now, or at the next flush when folded."""
        if not rows:
            return
        if not self.folded:
            bulk.insert_mappings(session, table, rows)
            return
        self.pending.setdefault((table, tuple(rows[0])), []).extend(rows)

    def flush(self, session: Session, read: Read | None = None,
              parameters: Mapping[str, Any] | None = None) -> Result | None:
        """Insert every pending row, in one statement with `read`; returns the read's rows."""
        if not self.pending and read is None:
            return None
        shape = tuple(self.pending)
        values = {**(parameters or {}), **{f"rows_{n}": json_rows(rows)
                                           for n, rows in enumerate(self.pending.values())}}
        self.pending = {}
        return execute(session, _statement(shape, read), values)


def or_immediate(batch: InsertBatch | None) -> InsertBatch:
    """`batch`, or when None one that inserts each `add` at once (callers outside ingestion)."""
    return batch if batch is not None else InsertBatch(folded=False)


def batch_for(session: Session, records: int) -> InsertBatch:
    """An InsertBatch for an ingestion of `records` records: folded on PostgreSQL when few."""
    return InsertBatch(folded=records <= FOLD_MAX_RECORDS
                       and session.get_bind().dialect.name == "postgresql")


_dialect = postgresql.dialect()


def _insert_sql(n: int, table: Table, names: tuple[str, ...]) -> str:
    quote = _dialect.identifier_preparer.quote
    listed = ", ".join(quote(name) for name in names)
    typed = ", ".join(f"{quote(name)} {table.c[name].type.compile(dialect=_dialect)}"
                      for name in names)
    # The rows carry every column they fill; no Python-side defaults to add.
    return (f"insert_{n} AS (INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} "
            f"FROM jsonb_to_recordset(CAST(:rows_{n} AS jsonb)) AS rows_{n}({typed}))")


@lru_cache(maxsize=64)
def _statement(shape: tuple[tuple[Table, tuple[str, ...]], ...], read: Read | None) -> TextClause:
    parts = [_insert_sql(n, table, names) for n, (table, names) in enumerate(shape)]
    if read is not None and read.ctes:
        parts.append(read.ctes)
    # Every insert runs, though the main query reads none of them.
    sql = (f"WITH {', '.join(parts)} " if parts else "") + (read.query if read else "SELECT 1")
    statement = text(sql).bindparams(*(bindparam(f"rows_{n}", type_=JSONB)
                                       for n in range(len(shape))))
    return statement if read is None else statement.columns(**dict(read.columns))
