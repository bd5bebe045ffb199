"""What one steward operation stores, sent to the database in one round trip on PostgreSQL.

A merge or an unmerge writes a few golden rows and their history, moves xref rows, and adds
events, match decisions and an audit row. On PostgreSQL they go as one statement of fixed
text: a data-modifying WITH whose parts read their rows from JSON parameters
(`jsonb_to_recordset`), so the statement is compiled once and prepared by the server, however
many rows an operation has. Elsewhere they go one statement each. On a busy machine every
round trip waits for a CPU twice (the server's, then ours): their count sets the tail latency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    Uuid,
    bindparam,
    column,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from golden_records.types import GoldenRecord
from mdm.errors import StaleVersionError
from mdm.models import AuditEntry, Event, GoldenRecordVersion, MatchDecision, Xref
from mdm.models import GoldenRecord as GoldenRow
from mdm.store.golden_state import (
    RecordChange,
    insert_records,
    point_xref,
    row_values,
    update_records,
    version_row,
)
from mdm.store.insert_batch import json_rows, recordset


@dataclass(frozen=True)
class OperationWrites:
    """The rows of one operation: changed and new golden records, xref moves, outbox events,
    match decisions and audit rows (rows as dicts of their table's columns)."""

    changes: Sequence[RecordChange] = ()
    created: Sequence[GoldenRecord] = ()
    xref: Mapping[str, Collection[str]] = field(default_factory=dict)
    events: Sequence[dict[str, Any]] = ()
    decisions: Sequence[dict[str, Any]] = ()
    audit: Sequence[dict[str, Any]] = ()


def _insert_from(table: Table, names: Sequence[str]) -> Any:
    rows = recordset(f"{table.name}_rows", [column(n, table.c[n].type) for n in names])
    # The rows carry every column they fill; no Python-side defaults to add.
    return insert(table).from_select(list(names), select(*(rows.c[n] for n in names)),
                                     include_defaults=False)


# The row layout of each table, as the row builders make them.
_GOLDEN_COLUMNS = ("entity_type", "status", "search_text", "version", "attributes", "lineage",
                   "merged_into", "created_at", "updated_at", "pins", "member_ids",
                   "absorbed_ids")
_VERSION_COLUMNS = ("golden_id", "version", "status", "attributes", "lineage", "member_ids",
                    "cause", "recorded_at")


@lru_cache(maxsize=8)
def _folded_statement(event_columns: tuple[str, ...], decision_columns: tuple[str, ...],
                      audit_columns: tuple[str, ...]) -> Any:
    """Return the one statement of every write; it counts the golden rows still current."""
    golden = GoldenRow.__table__
    changed = recordset("changed_rows", [column("id", Uuid), column("previous_version", Integer),
                                         *(column(n, golden.c[n].type) for n in _GOLDEN_COLUMNS)])
    # Conditional on the version read: a row changed meanwhile is not updated, nor counted.
    updated = (update(golden).where(golden.c.id == changed.c.id,
                                    golden.c.version == changed.c.previous_version)
               .values({n: changed.c[n] for n in _GOLDEN_COLUMNS})
               .returning(golden.c.id).cte("updated_golden"))
    xref = Xref.__table__
    moves = recordset("xref_moves", [column("source_record_id", Uuid), column("golden_id", Uuid)])
    # Rows pointing at the target already stay, with the time they were really linked.
    moved = (update(xref).where(xref.c.source_record_id == moves.c.source_record_id,
                                xref.c.golden_id != moves.c.golden_id)
             .values(golden_id=moves.c.golden_id, linked_at=bindparam("linked_at",
                                                                      type_=xref.c.linked_at.type)))
    # Every part runs, referenced or not; they share one snapshot and no two touch one row.
    parts = [_insert_from(golden, ("id", *_GOLDEN_COLUMNS)),
             _insert_from(GoldenRecordVersion.__table__, _VERSION_COLUMNS), moved,
             *(_insert_from(table, names) for table, names in (
                 (Event.__table__, event_columns), (MatchDecision.__table__, decision_columns),
                 (AuditEntry.__table__, audit_columns)) if names)]
    return (select(func.count()).select_from(updated)
            .add_cte(*(part.cte(f"write_{n}") for n, part in enumerate(parts))))


def _columns(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(rows[0]) if rows else ()


def _save_folded(session: Session, writes: OperationWrites, now: dt.datetime) -> int:
    changed = [(c, c.record.to_dict()) for c in writes.changes]
    created = [(r, r.to_dict()) for r in writes.created]
    statement = _folded_statement(_columns(writes.events), _columns(writes.decisions),
                                  _columns(writes.audit))
    return session.execute(statement, {
        "changed_rows": json_rows([{"id": c.record.golden_id,
                                     "previous_version": c.previous_version,
                                     **row_values(c.record, d)} for c, d in changed]),
        "golden_records_rows": json_rows([{"id": r.golden_id, **row_values(r, d)}
                                           for r, d in created]),
        "golden_record_versions_rows": json_rows(
            [version_row(c.record, d, c.cause, now) for c, d in changed]
            + [version_row(r, d, "golden.created", now) for r, d in created]),
        "xref_moves": [{"source_record_id": r, "golden_id": g}
                       for g, ids in sorted(writes.xref.items()) for r in sorted(ids)],
        "linked_at": now,
        "events_rows": json_rows(writes.events),
        "match_decisions_rows": json_rows(writes.decisions),
        "audit_log_rows": json_rows(writes.audit),
    }).scalar_one()


def _save_one_by_one(session: Session, writes: OperationWrites, now: dt.datetime) -> None:
    update_records(session, list(writes.changes), now=now)
    insert_records(session, list(writes.created), cause="golden.created", now=now)
    for golden_id, record_ids in sorted(writes.xref.items()):
        point_xref(session, golden_id, record_ids, now)
    for table, rows in ((Event.__table__, writes.events),
                        (MatchDecision.__table__, writes.decisions),
                        (AuditEntry.__table__, writes.audit)):
        if rows:
            session.execute(insert(table), list(rows))


def save_operation(session: Session, writes: OperationWrites, *, now: dt.datetime) -> None:
    """Store every row of one operation in the caller's transaction.

    Each changed golden row is written only if still at its `previous_version`;
    StaleVersionError otherwise (the caller then rolls the whole operation back).
    """
    if session.get_bind().dialect.name != "postgresql":
        _save_one_by_one(session, writes, now)
        return
    if _save_folded(session, writes, now) != len(writes.changes):
        names = ", ".join(change.record.golden_id for change in writes.changes)
        raise StaleVersionError(f"golden record {names} changed meanwhile")
