"""Persist golden records: create, absorb (merge) and rebuild them from their members.

Every change writes a version row and an outbox event in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from mdm.models import Event, GoldenRecord, GoldenRecordVersion, Source, SourceRecord, Xref

# Interim survivorship: the freshest non-empty value of each field wins.
SKIPPED_FIELDS = {"source_key", "updated_at"}


@dataclass(frozen=True)
class Member:
    source: str
    record_id: uuid.UUID
    payload: Mapping[str, Any]
    as_of: dt.datetime


def build_attributes(members: list[Member]) -> tuple[dict, dict]:
    """Golden attributes and their lineage: the most recent non-empty value per field."""
    attributes: dict[str, Any] = {}
    lineage: dict[str, Any] = {}
    ordered = sorted(members, key=lambda m: (m.as_of, m.source, str(m.record_id)))
    for member in ordered:
        for name, value in member.payload.items():
            if name in SKIPPED_FIELDS or value in (None, "", {}, []):
                continue
            attributes[name] = value
            lineage[name] = {"source": member.source, "record_id": str(member.record_id),
                             "rule": "most_recent", "as_of": member.as_of.isoformat()}
    return attributes, lineage


def choose_survivors(session: Session, goldens_of: Mapping[int, set[uuid.UUID]],
                     *, now: dt.datetime) -> tuple[dict[int, uuid.UUID], dict]:
    """Per component, the oldest existing golden id survives; returns targets and absorbed."""
    all_ids = [golden_id for ids in goldens_of.values() for golden_id in ids]
    if not all_ids:
        return {}, {}
    table = GoldenRecord.__table__
    created = {golden_id: created_at for golden_id, created_at in session.execute(
        select(table.c.id, table.c.created_at).where(table.c.id.in_(all_ids)))}
    targets, absorbed = {}, {}
    for component, ids in goldens_of.items():
        if not ids:
            continue
        survivor = min(ids, key=lambda golden_id: (created[golden_id], str(golden_id)))
        targets[component] = survivor
        for golden_id in ids - {survivor}:
            absorbed[golden_id] = survivor
    return targets, absorbed


def insert_new(session: Session, entity_type: str, members_of: Mapping[uuid.UUID, list[Member]],
               *, now: dt.datetime) -> None:
    """Create golden records whose members are all known in memory."""
    goldens, versions, events = [], [], []
    for golden_id, members in members_of.items():
        attributes, lineage = build_attributes(members)
        goldens.append({"id": golden_id, "entity_type": entity_type, "status": "active",
                        "version": 1, "attributes": attributes, "lineage": lineage,
                        "merged_into": None, "created_at": now, "updated_at": now})
        versions.append(_version_row(golden_id, 1, "active", attributes, lineage,
                                     [m.record_id for m in members], "created", now))
        events.append(event_row("golden.created", entity_type, golden_id, 1, now,
                                {"attributes": attributes}))
    if goldens:
        session.execute(insert(GoldenRecord.__table__), goldens)
        session.execute(insert(GoldenRecordVersion.__table__), versions)
        session.execute(insert(Event.__table__), events)


def absorb(session: Session, absorbed: Mapping[uuid.UUID, uuid.UUID], *,
           now: dt.datetime) -> None:
    """Merge each absorbed golden record into its survivor; the absorbed id redirects forever."""
    if not absorbed:
        return
    table, xref = GoldenRecord.__table__, Xref.__table__
    rows = session.execute(select(table.c.id, table.c.entity_type, table.c.version,
                                  table.c.attributes, table.c.lineage)
                           .where(table.c.id.in_(list(absorbed)))).all()
    for golden_id, entity_type, version, attributes, lineage in rows:
        survivor = absorbed[golden_id]
        session.execute(update(xref).where(xref.c.golden_id == golden_id)
                        .values(golden_id=survivor, linked_at=now))
        # Flatten redirect chains: whatever pointed at the absorbed id now points at the survivor.
        session.execute(update(table).where(table.c.merged_into == golden_id)
                        .values(merged_into=survivor))
        session.execute(update(table).where(table.c.id == golden_id).values(
            status="merged", merged_into=survivor, version=version + 1, updated_at=now))
        session.execute(insert(GoldenRecordVersion.__table__), [_version_row(
            golden_id, version + 1, "merged", attributes, lineage, [], "merged", now)])
        session.execute(insert(Event.__table__), [event_row(
            "golden.merged", entity_type, survivor, None, now,
            {"survivor_id": str(survivor), "absorbed_id": str(golden_id)})])


def rebuild(session: Session, entity_type: str, golden_ids: set[uuid.UUID], *,
            now: dt.datetime) -> None:
    """Recompute golden records from their stored members; a change makes a new version."""
    if not golden_ids:
        return
    members = load_members(session, golden_ids)
    table = GoldenRecord.__table__
    current = session.execute(select(table.c.id, table.c.version, table.c.attributes,
                                     table.c.lineage).where(table.c.id.in_(list(golden_ids))))
    updates, versions, events = [], [], []
    for golden_id, version, old_attributes, old_lineage in current:
        attributes, lineage = build_attributes(members.get(golden_id, []))
        ids = sorted(str(m.record_id) for m in members.get(golden_id, []))
        if attributes == old_attributes and lineage == old_lineage:
            continue
        updates.append({"b_id": golden_id, "version": version + 1, "attributes": attributes,
                        "lineage": lineage, "updated_at": now})
        versions.append(_version_row(golden_id, version + 1, "active", attributes, lineage,
                                     ids, "updated", now))
        events.append(event_row("golden.updated", entity_type, golden_id, version + 1, now,
                                {"attributes": attributes}))
    if updates:
        session.execute(update(table).where(table.c.id == bindparam("b_id")), updates,
                        execution_options={"synchronize_session": False})
        session.execute(insert(GoldenRecordVersion.__table__), versions)
        session.execute(insert(Event.__table__), events)


def load_members(session: Session, golden_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[Member]]:
    """The source records linked to each golden record, as members."""
    xref, records, sources = Xref.__table__, SourceRecord.__table__, Source.__table__
    result: dict[uuid.UUID, list[Member]] = {}
    ids = list(golden_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(xref.c.golden_id, sources.c.name, records.c.id, records.c.payload,
                   records.c.updated_at, records.c.received_at)
            .join(records, records.c.id == xref.c.source_record_id)
            .join(sources, sources.c.id == records.c.source_id)
            .where(xref.c.golden_id.in_(ids[start:start + 500])))
        for golden_id, source, record_id, payload, updated_at, received_at in rows:
            result.setdefault(golden_id, []).append(
                Member(source, record_id, payload, updated_at or received_at))
    return result


def event_row(event_type: str, entity_type: str, golden_id: uuid.UUID | None,
              version: int | None, now: dt.datetime, data: dict) -> dict:
    """An outbox row, to be inserted in the transaction of the change it describes."""
    return {"event_id": uuid.uuid4(), "type": event_type, "entity_type": entity_type,
            "golden_id": golden_id, "version": version, "occurred_at": now, "data": data,
            "feed_seq": None}


def _version_row(golden_id, version, status, attributes, lineage, member_ids, cause, now):
    return {"golden_id": golden_id, "version": version, "status": status,
            "attributes": attributes, "lineage": lineage,
            "member_ids": [str(member_id) for member_id in member_ids], "cause": cause,
            "recorded_at": now}
