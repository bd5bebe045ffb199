"""Golden records as the core sees them: rows → `GoldenState`, and `GoldenRecord` → rows.

Loading can lock the golden rows (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite takes the
write lock with `BEGIN IMMEDIATE`), and every update is conditional on the version read, so
two writers never both win: the loser gets StaleVersionError.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import Session

from golden_records.history import GoldenVersion
from golden_records.types import GoldenRecord, GoldenState, MemberRecord, Pin, lineage_from_json
from mdm.errors import NotFoundError, StaleVersionError
from mdm.models import GoldenRecord as GoldenRow
from mdm.models import GoldenRecordVersion, NotAMatchPair, Source, SourceRecord, Xref
from mdm.store import execute
from mdm.store.in_lists import padded_chunks
from mdm.store.insert_batch import InsertBatch, or_immediate

CHUNK = 500


def as_uuid(value: str | uuid.UUID) -> uuid.UUID:
    """Return `value` as a UUID; NotFoundError when it is not one (an id that cannot exist)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise NotFoundError(f"{value!r} is not a golden record or source record id") from error


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    return padded_chunks(items, size)


# What `record_from_row` reads of a golden row.
_READ_COLUMNS = ("id", "entity_type", "version", "created_at", "updated_at", "attributes",
                 "lineage", "member_ids", "pins", "status", "merged_into", "absorbed_ids")


def record_from_row(row: GoldenRow) -> GoldenRecord:
    """Return the core's golden record stored in `row` (an ORM object or a plain row)."""
    return GoldenRecord(
        golden_id=str(row.id), entity_type=row.entity_type, version=row.version,
        created_at=row.created_at, updated_at=row.updated_at, attributes=dict(row.attributes),
        lineage={name: lineage_from_json(entry) for name, entry in row.lineage.items()},
        member_ids=frozenset(row.member_ids or ()),
        pins=tuple(Pin.from_dict(pin) for pin in row.pins or ()), status=row.status,
        merged_into=str(row.merged_into) if row.merged_into else None,
        absorbed_ids=frozenset(row.absorbed_ids or ()),
    )


# Reads of every steward operation, built once with the ids as an expanding parameter:
# building a statement per call cost about as much CPU as running it.
_golden = GoldenRow.__table__
_READ = (select(*(_golden.c[name] for name in _READ_COLUMNS))
         .where(_golden.c.id.in_(bindparam("ids", expanding=True))).order_by(_golden.c.id))
_READ_LOCKED = _READ.with_for_update()


def load_records(session: Session, golden_ids: Iterable[str | uuid.UUID], *,
                 lock: bool = False) -> dict[str, GoldenRecord]:
    """Return the stored golden records of `golden_ids` by id; unknown ids are left out.

    With `lock`, rows are locked in id order (a fixed order: no deadlock between stewards).
    """
    ids = sorted({as_uuid(golden_id) for golden_id in golden_ids}, key=str)
    found: dict[str, GoldenRecord] = {}
    for part in _chunks(ids):
        # Plain rows, not ORM objects: no identity map to fill or refresh, and no search_text.
        for row in execute(session, _READ_LOCKED if lock else _READ, {"ids": part}):
            found[str(row.id)] = record_from_row(row)
    return found


def has_not_a_match(record_id) -> Any:
    """Return `EXISTS` a not-a-match pair naming `record_id` (a column or value)."""
    pairs = NotAMatchPair.__table__
    return exists().where((pairs.c.left_record_id == record_id)
                          | (pairs.c.right_record_id == record_id))


_records, _sources = SourceRecord.__table__, Source.__table__
_MEMBERS = (select(Xref.__table__.c.golden_id, _sources.c.name, _records.c.source_key,
                   _records.c.id, _records.c.payload, _records.c.updated_at,
                   _records.c.received_at)
            .join(_records, _records.c.id == Xref.__table__.c.source_record_id)
            .join(_sources, _sources.c.id == _records.c.source_id)
            .where(Xref.__table__.c.golden_id.in_(bindparam("ids", expanding=True))))
_MEMBERS_FLAGGED = _MEMBERS.add_columns(has_not_a_match(_records.c.id))


def member_rows(session: Session, golden_ids: Iterable[uuid.UUID], *,
                flag_not_a_match: bool = False) -> list[tuple]:
    """Return (golden_id, source, source_key, record_id, payload, as_of) of every xref member.

    With `flag_not_a_match` each row ends in one more value: whether the record is in any
    not-a-match pair.
    """
    query = _MEMBERS_FLAGGED if flag_not_a_match else _MEMBERS
    rows = []
    for part in _chunks(list(golden_ids)):
        rows.extend(execute(session, query, {"ids": part}))
    return [(golden_id, source, key, record_id, payload, updated_at or received_at, *flag)
            for golden_id, source, key, record_id, payload, updated_at, received_at, *flag
            in rows]


@dataclass(frozen=True)
class StoredState:
    """A golden state as stored, and the records the xref links to it beyond its stored members.

    Ingestion points the xref of a newly linked record at its golden record before the
    golden record is rebuilt: those records are `arrivals` until the rebuild attaches them.
    `constrained` holds the members in a not-a-match pair, when asked for.
    """

    state: GoldenState
    arrivals: tuple[MemberRecord, ...] = ()
    constrained: frozenset[str] = frozenset()


def load_stored_states(session: Session, golden_ids: Iterable[str | uuid.UUID], to_member,
                       *, lock: bool = False,
                       flag_not_a_match: bool = False) -> dict[str, StoredState]:
    """Return each stored golden record of `golden_ids` with its members and arrivals.

    `to_member(entity_type, row)` turns a `member_rows` row into a MemberRecord. A stored
    member whose xref moved elsewhere is left out of the state. With `flag_not_a_match`,
    each state says which of its members are in a not-a-match pair (same round trip).
    """
    records = load_records(session, golden_ids, lock=lock)
    linked: dict[str, list[MemberRecord]] = {golden_id: [] for golden_id in records}
    constrained: dict[str, set[str]] = {golden_id: set() for golden_id in records}
    for row in member_rows(session, [uuid.UUID(golden_id) for golden_id in records],
                           flag_not_a_match=flag_not_a_match):
        golden_id = str(row[0])
        linked[golden_id].append(to_member(records[golden_id].entity_type, row[:6]))
        if flag_not_a_match and row[6]:
            constrained[golden_id].add(str(row[3]))
    found = {}
    for golden_id, record in records.items():
        members = sorted(linked[golden_id], key=lambda m: m.record_id)
        present = tuple(m for m in members if m.record_id in record.member_ids)
        record = replace(record, member_ids=frozenset(m.record_id for m in present))
        found[golden_id] = StoredState(
            GoldenState(record, present),
            tuple(m for m in members if m.record_id not in record.member_ids),
            frozenset(constrained[golden_id] & record.member_ids))
    return found


def load_state(session: Session, golden_id: str | uuid.UUID, to_member, *,
               lock: bool = True) -> GoldenState:
    """Return the state of one golden record; NotFoundError when there is none."""
    states = load_stored_states(session, [golden_id], to_member, lock=lock)
    if not states:
        raise NotFoundError(f"no golden record {golden_id}")
    return next(iter(states.values())).state


def fold_for_search(text: str) -> str:
    """Return `text` as the stewards' search compares it: casefolded, ё read as е.

    >>> fold_for_search("Юлия ЁЛКИНА")
    'юлия елкина'
    """
    return text.casefold().replace("ё", "е")


def _scalars(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            yield from _scalars(item)
    elif value is not None:
        yield str(value)


def search_text(attributes: Mapping[str, Any]) -> str:
    """Return the searchable text of golden attributes: every value, nested ones too, folded."""
    return fold_for_search(" ".join(_scalars(attributes)))


def row_values(record: GoldenRecord, data: Mapping[str, Any]) -> dict[str, Any]:
    """The golden row of `record`; `data` is its `to_dict()`, made once for row and history."""
    return {"entity_type": record.entity_type, "status": record.status,
            "search_text": search_text(record.attributes), "version": record.version,
            "attributes": data["attributes"],
            "lineage": data["lineage"],
            "merged_into": uuid.UUID(record.merged_into) if record.merged_into else None,
            "created_at": record.created_at, "updated_at": record.updated_at,
            "pins": data["pins"], "member_ids": data["member_ids"],
            "absorbed_ids": data["absorbed_ids"]}


_ROW_COLUMNS = ("entity_type", "status", "version", "attributes", "lineage", "merged_into",
                "created_at", "updated_at", "pins", "member_ids", "absorbed_ids", "search_text")


def version_row(record: GoldenRecord, data: Mapping[str, Any], cause: str,
                now: dt.datetime) -> dict[str, Any]:
    """The history row of `record`; `data` is its `to_dict()`."""
    return {"golden_id": uuid.UUID(record.golden_id), "version": record.version,
            "status": record.status, "attributes": data["attributes"],
            "lineage": data["lineage"], "member_ids": data["member_ids"], "cause": cause,
            "recorded_at": now}


def insert_records(session: Session, records: list[GoldenRecord], *, cause: str,
                   now: dt.datetime, batch: InsertBatch | None = None) -> None:
    """Store new golden records and their first history entries (through `batch`, if given)."""
    if records:
        batch = or_immediate(batch)
        data = [record.to_dict() for record in records]
        batch.add(session, GoldenRow.__table__,
                  [{"id": uuid.UUID(r.golden_id), **row_values(r, d)}
                   for r, d in zip(records, data, strict=True)])
        batch.add(session, GoldenRecordVersion.__table__,
                  [version_row(r, d, cause, now) for r, d in zip(records, data, strict=True)])


def update_record(session: Session, record: GoldenRecord, *, previous_version: int,
                  cause: str, now: dt.datetime) -> None:
    """Store a new version of a golden record, only if the stored one is still `previous_version`.

    Raises StaleVersionError when another transaction got there first.
    """
    update_records(session, [RecordChange(record, previous_version, cause)], now=now)


@dataclass(frozen=True)
class RecordChange:
    """A new version of a stored golden record, the version it replaces, and why."""

    record: GoldenRecord
    previous_version: int
    cause: str


def update_records(session: Session, changes: list[RecordChange], *, now: dt.datetime,
                   batch: InsertBatch | None = None) -> None:
    """Store new versions of golden records in one batch, each only if still at its version.

    One executemany of updates and one insert of history rows (through `batch`, if given), so
    an operation on several golden records costs two round trips. StaleVersionError when any
    row changed meanwhile.
    """
    if not changes:
        return
    table = GoldenRow.__table__
    statement = (update(table).where(table.c.id == bindparam("b_id"),
                                     table.c.version == bindparam("b_previous"))
                 .values({name: bindparam(f"b_{name}") for name in _ROW_COLUMNS}))
    data = [change.record.to_dict() for change in changes]
    rows = [{"b_id": uuid.UUID(change.record.golden_id), "b_previous": change.previous_version,
             **{f"b_{name}": value for name, value in row_values(change.record, d).items()}}
            for change, d in zip(changes, data, strict=True)]
    # Each row is matched by primary key, so the total is the number of rows still current.
    result = session.connection().execute(statement, rows)
    if result.rowcount != len(rows):
        names = ", ".join(change.record.golden_id for change in changes)
        raise StaleVersionError(f"golden record {names} changed meanwhile")
    or_immediate(batch).add(
        session, GoldenRecordVersion.__table__,
        [version_row(change.record, d, change.cause, now)
         for change, d in zip(changes, data, strict=True)])


def point_xref(session: Session, golden_id: str, record_ids: Iterable[str],
               now: dt.datetime) -> None:
    """Make the xref of `record_ids` point at `golden_id`; rows pointing there already stay.

    A merge names every member of the survivor too: leaving those rows alone halves the
    rows written (and keeps their `linked_at`, the time they were really linked).
    """
    table, target = Xref.__table__, uuid.UUID(golden_id)
    for part in _chunks(sorted(record_ids)):
        session.execute(update(table)
                        .where(table.c.source_record_id.in_([uuid.UUID(r) for r in part]),
                               table.c.golden_id != target)
                        .values(golden_id=target, linked_at=now))


def load_versions(session: Session, golden_id: uuid.UUID) -> list[GoldenVersion]:
    """Return every stored version of a golden record, oldest first."""
    rows = session.scalars(select(GoldenRecordVersion)
                           .where(GoldenRecordVersion.golden_id == golden_id)
                           .order_by(GoldenRecordVersion.version))
    return [GoldenVersion(str(row.golden_id), row.version, dict(row.attributes),
                          {k: lineage_from_json(v) for k, v in row.lineage.items()},
                          frozenset(row.member_ids), row.recorded_at, row.cause, row.status)
            for row in rows]


_pairs = NotAMatchPair.__table__
# Built once: ingestion runs these per record on the API, where building a statement cost
# about as much as running it.
_NOT_A_MATCH = select(_pairs.c.left_record_id, _pairs.c.right_record_id).where(
    _pairs.c.left_record_id.in_(bindparam("ids", expanding=True))
    | _pairs.c.right_record_id.in_(bindparam("ids", expanding=True)))


def not_a_match_pairs(session: Session, record_ids: Iterable[str | uuid.UUID]
                      ) -> set[tuple[str, str]]:
    """Return every not-a-match pair (as record id text) that involves one of `record_ids`."""
    ids = sorted({as_uuid(r) for r in record_ids}, key=str)
    pairs: set[tuple[str, str]] = set()
    for part in _chunks(ids):
        rows = execute(session, _NOT_A_MATCH, {"ids": part})
        pairs.update((str(left), str(right)) for left, right in rows)
    return pairs


_xref = Xref.__table__
_GOLDEN_IDS = select(_xref.c.source_record_id, _xref.c.golden_id).where(
    _xref.c.source_record_id.in_(bindparam("ids", expanding=True)))


def golden_ids_of_records(session: Session, record_ids: Iterable[uuid.UUID]
                          ) -> Mapping[uuid.UUID, uuid.UUID]:
    """Return record id → current golden id, through the xref."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    for part in _chunks(list(record_ids)):
        found.update(execute(session, _GOLDEN_IDS, {"ids": part}).all())
    return found


def redirect_of(session: Session, golden_id: uuid.UUID) -> tuple | None:
    """Return (id, merged_into) of a stored golden record, or None when there is none."""
    table = GoldenRow.__table__
    return session.execute(select(table.c.id, table.c.merged_into)
                           .where(table.c.id == golden_id)).first()


_versions = GoldenRecordVersion.__table__
_FORMER_GOLDENS = (select(*(_golden.c[name] for name in _READ_COLUMNS),
                          _versions.c.id.label("version_row"),
                          _versions.c.member_ids.label("version_members"))
                   .outerjoin(_versions, _versions.c.golden_id == _golden.c.id)
                   .where(_golden.c.id.in_(bindparam("ids", expanding=True)))
                   .order_by(_golden.c.id).with_for_update(of=_golden))


def load_former_goldens(session: Session, golden_ids: Iterable[str],
                        record_ids: Iterable[str]) -> tuple[dict[str, GoldenRecord],
                                                            dict[str, str]]:
    """Return the golden records of `golden_ids` (locked, in id order) and record id → the one
    among them whose history holds the record last.

    That is the golden record a source record belonged to just before it was merged here:
    an unmerge gives it back that id, so undoing a merge restores both sides exactly. One
    query reads the rows and their history.
    """
    ids = sorted({as_uuid(golden_id) for golden_id in golden_ids}, key=str)
    records: dict[str, GoldenRecord] = {}
    history = []
    for part in _chunks(ids):
        for row in session.execute(_FORMER_GOLDENS, {"ids": part}):
            if str(row.id) not in records:
                records[str(row.id)] = record_from_row(row)
            if row.version_row is not None:
                history.append((row.version_row, str(row.id), row.version_members))
    wanted, found = set(record_ids), {}
    for _row, golden_id, member_ids in sorted(history):
        for record_id in wanted.intersection(member_ids):
            found[record_id] = golden_id
    return records, found
