"""Keep what the channels send: verbatim, versioned, idempotent; then resolve golden records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from mdm import golden, matcher, resolve
from mdm.models import MATCHED_ENTITY_TYPES, Source, SourceRecord, SourceRecordVersion
from mdm.records import schema_for, validate_record
from mdm.sources import SourceRef
from mdm.store import erasure as erasure_store
from mdm.store import stored_keys
from mdm.store.insert_batch import InsertBatch, batch_for

OUTCOMES = ("created", "updated", "unchanged", "rejected")
ROUTING_FIELDS = ("source", "entity_type")


@dataclass
class RecordOutcome:
    index: int
    source_key: str | None
    outcome: str
    errors: dict[str, Any] | None = None
    golden_id: str | None = None
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value is not None}


@dataclass
class IngestSummary:
    outcomes: list[RecordOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome in self.outcomes:
            counts[outcome.outcome] += 1
        return counts

    @property
    def rejected(self) -> list[RecordOutcome]:
        return [outcome for outcome in self.outcomes if outcome.outcome == "rejected"]

    def extend(self, other: IngestSummary) -> None:
        self.outcomes.extend(other.outcomes)


@dataclass
class PreparedRecord:
    """One raw record validated and hashed: what ingestion can know without the store.

    `standardised` (the match view and blocking keys under a prospective record id) and
    `member_fields` (a customer's fields as its golden record shows them) are filled only when
    the chunk was prepared ahead, in a worker process; else `resolve` makes them after storing.
    """

    outcome: RecordOutcome
    payload: dict[str, Any]
    content_hash: str
    updated_at: dt.datetime | None
    standardised: matcher.Standardised | None = None
    member_fields: golden.MemberFields | None = None


def prepare_records(entity_type: str, source_name: str, raw_records: Iterable[Any], *,
                    first_index: int = 0, standardise: bool = False) -> list[PreparedRecord]:
    """Validate and hash a chunk of raw records (and standardise them when asked).

    Pure: no session, no clock. `mdm ingest` runs it in a worker process for the next chunk
    while this process stores the current one; what it returns does not depend on where it ran.
    """
    schema_for(entity_type)
    prepared = [_prepare(raw, index, entity_type, source_name)
                for index, raw in enumerate(raw_records, start=first_index)]
    if standardise and entity_type in MATCHED_ENTITY_TYPES:
        for item in prepared:
            if item.outcome.outcome != "rejected":
                item.standardised = matcher.standardise_new(entity_type, source_name,
                                                            item.payload)
                if entity_type == "customer":
                    item.member_fields = golden.member_fields(item.payload)
    return prepared


def ingest_records(session: Session, source: Source | SourceRef, entity_type: str,
                   raw_records: Iterable[Any], *, now: dt.datetime,
                   first_index: int = 0) -> IngestSummary:
    """Store a chunk of raw records of one source and type, then resolve golden records.

    Runs in the caller's transaction; the caller commits. Records in the chunk are applied in
    order, so a key sent twice ends as its last content.
    """
    prepared = prepare_records(entity_type, source.name, raw_records, first_index=first_index)
    return ingest_prepared(session, source, entity_type, prepared, now=now)


def ingest_prepared(session: Session, source: Source | SourceRef, entity_type: str,
                    prepared: Iterable[PreparedRecord], *, now: dt.datetime) -> IngestSummary:
    """`ingest_records` for records already through `prepare_records` (by `source`)."""
    schema_for(entity_type)
    summary = IngestSummary()
    incoming: dict[str, PreparedRecord] = {}
    for item in prepared:
        summary.outcomes.append(item.outcome)
        if item.outcome.outcome != "rejected":
            previous = incoming.get(item.outcome.source_key)
            if previous is not None:
                previous.outcome.outcome = "unchanged"
            incoming[item.outcome.source_key] = item
    stored = _refuse_erased(session, source, entity_type, incoming)
    if incoming:
        batch = batch_for(session, len(incoming))
        changed = _store(session, source, entity_type, incoming, stored.existing, now, batch)
        if entity_type in MATCHED_ENTITY_TYPES and changed:
            model = (matcher.model_of_active(session, entity_type, stored.active_model)
                     if stored.model_read else None)
            golden_ids = resolve.resolve_records(session, entity_type, changed, now=now,
                                                 batch=batch, model=model)
            for item in incoming.values():
                item.outcome.golden_id = golden_ids.get(item.outcome.source_key)
        batch.flush(session)
    return summary


def _refuse_erased(session: Session, source: Source | SourceRef, entity_type: str,
                   incoming: dict[str, PreparedRecord]) -> stored_keys.StoredKeys:
    """Reject the records whose source key was erased (GDPR) and not re-admitted.

    Returns what the store holds of the keys (and, on PostgreSQL, the active model's version),
    read in the same round trip.
    """
    if not incoming:
        return stored_keys.StoredKeys(set(), {})
    hashes = erasure_store.suppression_hashes(source.name, entity_type, incoming)
    stored = stored_keys.read_source_keys(session, source.id, entity_type, list(incoming),
                                          list(hashes))
    for key in sorted(hashes[key_hash] for key_hash in stored.erased):
        item = incoming.pop(key)
        item.outcome.outcome = "rejected"
        item.outcome.errors = {"source_key": [
            "This source key was erased and is refused until a steward re-admits it."]}
    return stored


def _prepare(raw: Any, index: int, entity_type: str, source_name: str) -> PreparedRecord:
    errors = validate_record(entity_type, raw, source_name)
    source_key = raw.get("source_key") if isinstance(raw, Mapping) else None
    source_key = source_key if isinstance(source_key, str) else None
    if errors:
        return PreparedRecord(RecordOutcome(index, source_key, "rejected", errors), {}, "", None)
    payload = {key: value for key, value in raw.items() if key not in ROUTING_FIELDS}
    return PreparedRecord(
        RecordOutcome(index, source_key, "created"),
        payload,
        content_hash(payload),
        parse_timestamp(payload.get("updated_at")),
    )


def content_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON: equal content, equal hash."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """A channel's ISO timestamp as aware UTC; naive values are taken as UTC."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _store(session: Session, source: Source | SourceRef, entity_type: str,
           incoming: dict[str, PreparedRecord], existing: dict[str, tuple], now: dt.datetime,
           batch: InsertBatch) -> list[resolve.ChangedRecord]:
    new_rows, new_versions, updates, changed = [], [], [], []
    for key, item in incoming.items():
        stored = existing.get(key)
        if stored is None:
            record_id = item.standardised.record_id if item.standardised else uuid.uuid4()
            version = 1
            new_rows.append(_record_row(record_id, source.id, entity_type, key, item, now))
        else:
            record_id, stored_hash, stored_version, stored_updated_at = stored
            if stored_hash == item.content_hash:
                item.outcome.outcome = "unchanged"
                item.outcome.version = stored_version
                continue
            if _is_stale(item.updated_at, stored_updated_at):
                item.outcome.outcome = "rejected"
                item.outcome.errors = {"updated_at": [
                    f"Older than the stored version ({stored_updated_at.isoformat()})."
                ]}
                continue
            version = stored_version + 1
            item.outcome.outcome = "updated"
            updates.append({"b_id": record_id, "payload": item.payload,
                            "content_hash": item.content_hash, "version": version,
                            "updated_at": item.updated_at, "received_at": now})
        item.outcome.version = version
        new_versions.append({"source_record_id": record_id, "version": version,
                             "payload": item.payload, "content_hash": item.content_hash,
                             "updated_at": item.updated_at, "received_at": now})
        changed.append(resolve.ChangedRecord(
            record_id, key, source.name, item.payload, item.updated_at or now,
            is_new=stored is None,
            standardised=item.standardised and item.standardised.for_record(record_id),
            member_fields=item.member_fields))
    _write(session, batch, new_rows, new_versions, updates)
    return changed


def _is_stale(incoming: dt.datetime | None, stored: dt.datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def _record_row(record_id, source_id, entity_type, key, item: PreparedRecord, now) -> dict:
    return {"id": record_id, "source_id": source_id, "entity_type": entity_type,
            "source_key": key, "payload": item.payload, "content_hash": item.content_hash,
            "version": 1, "updated_at": item.updated_at, "received_at": now}


def _write(session: Session, batch: InsertBatch, new_rows: list, new_versions: list,
           updates: list) -> None:
    records = SourceRecord.__table__
    batch.add(session, records, new_rows)
    if updates:
        session.execute(
            update(records).where(records.c.id == bindparam("b_id")),
            updates,
            execution_options={"synchronize_session": False},
        )
    batch.add(session, SourceRecordVersion.__table__, new_versions)


