"""Persist golden records: create, absorb (merge) and rebuild them from their members.

Survivorship is the core's (`golden_records.build_golden_record`) with the shipped rules and
each source's trust ranks; pins and absorbed ids live on the golden row, so every rebuild
keeps them. Every change writes a version row and outbox events in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_records import merge as core
from golden_records.survivorship import SurvivorshipConfig, load_default_config
from golden_records.types import Event as CoreEvent
from golden_records.types import GoldenState, MemberRecord
from matching.standardise.dates import standardise_birth_date
from matching.standardise.emails import standardise_email
from matching.standardise.phones import standardise_phone
from mdm import sources
from mdm.models import Event, GoldenRecord
from mdm.store import golden_state as store
from mdm.store.in_lists import padded
from mdm.store.insert_batch import InsertBatch, or_immediate

MATCHER = "matcher"


@dataclass(frozen=True)
class Member:
    source: str
    record_id: uuid.UUID
    payload: Mapping[str, Any]
    as_of: dt.datetime
    source_key: str = ""
    # `member_fields(payload)` when already known (made ahead by `mdm ingest`'s worker).
    fields: MemberFields | None = None


@lru_cache(maxsize=1)
def _shipped_config() -> SurvivorshipConfig:
    return load_default_config()


def survivorship_config(session: Session) -> SurvivorshipConfig:
    """Return the shipped survivorship rules with each source's own trust ranks applied.

    `sources.trust` says "higher wins" (`{"*": 5, "phone": 8}`); the core ranks "lower
    wins", so a stored trust becomes its negative, and a source with trust of its own
    outranks the shipped defaults (ranks 1 and up).
    """
    shipped = _shipped_config()
    own = {name: trust for name, trust in sources.trust_by_source(session).items() if trust}
    if not own:
        return shipped
    ranks = {name: {attribute: -rank for attribute, rank in trust.items()}
             for name, trust in own.items()}
    entity_types = {kind: replace(rules, trust={**rules.trust, **ranks})
                    for kind, rules in shipped.entity_types.items()}
    return SurvivorshipConfig(entity_types)


# A customer's fields in display form (E.164 phone, normalised e-mail) and their validity.
MemberFields = tuple[dict[str, Any], dict[str, bool]]


def member_fields(payload: Mapping[str, Any]) -> MemberFields:
    """Return the customer fields shown otherwise than sent (display form) and their validity.

    Pure: `mdm ingest`'s worker makes it beside the match view, where the standardisers'
    caches hold the record's values; here each would be a cache miss (~0.1 ms a phone).
    """
    shown, validity = {}, {}
    for name, standardise in (("email", standardise_email), ("phone", standardise_phone)):
        if payload.get(name):
            value = standardise(payload[name])
            validity[name] = value is not None
            shown[name] = value or payload[name]
    if payload.get("birth_date"):
        validity["birth_date"] = standardise_birth_date(payload["birth_date"])[0] is not None
    return shown, validity


def member_record(entity_type: str, member: Member) -> MemberRecord:
    """Return the core's view of a stored source record (a member of a golden record)."""
    if entity_type == "customer":
        shown, validity = member.fields or member_fields(member.payload)
        attributes = {**member.payload, **shown}
    else:
        attributes, validity = dict(member.payload), {}
    return MemberRecord(str(member.record_id), member.source, member.source_key, entity_type,
                        attributes, member.as_of, validity)


def member_from_row(entity_type: str, row: tuple) -> MemberRecord:
    """Return the MemberRecord of a `store.member_rows` row."""
    _golden_id, source, source_key, record_id, payload, as_of = row
    return member_record(entity_type, Member(source, record_id, payload, as_of, source_key))


def load_state(session: Session, golden_id: str | uuid.UUID, *, lock: bool = True
               ) -> GoldenState:
    """Return the stored state of a golden record; NotFoundError when there is none."""
    return store.load_state(session, golden_id, member_from_row, lock=lock)


def load_states(session: Session, golden_ids: Iterable[str | uuid.UUID], *,
                lock: bool = True) -> dict[str, GoldenState]:
    """Return the stored states of the golden records of `golden_ids`, by id text."""
    stored = store.load_stored_states(session, golden_ids, member_from_row, lock=lock)
    return {golden_id: entry.state for golden_id, entry in stored.items()}


def choose_survivors(session: Session, goldens_of: Mapping[int, set[uuid.UUID]],
                     *, now: dt.datetime, created: Mapping[uuid.UUID, dt.datetime] | None = None
                     ) -> tuple[dict[int, uuid.UUID], dict]:
    """Per component, the oldest existing golden id survives; returns targets and absorbed.

    `created` (golden id → created_at), when it holds every id, spares reading them.
    """
    all_ids = [golden_id for ids in goldens_of.values() for golden_id in ids]
    if not all_ids:
        return {}, {}
    if created is None or not created.keys() >= set(all_ids):
        table = GoldenRecord.__table__
        created = {golden_id: created_at for golden_id, created_at in session.execute(
            select(table.c.id, table.c.created_at).where(table.c.id.in_(padded(all_ids))))}
    targets, absorbed = {}, {}
    for component, ids in goldens_of.items():
        if not ids:
            continue
        # The core's order: older created_at, then id text; the core's merge agrees.
        survivor = min(ids, key=lambda golden_id: (created[golden_id], str(golden_id)))
        targets[component] = survivor
        for golden_id in ids - {survivor}:
            absorbed[golden_id] = survivor
    return targets, absorbed


def insert_new(session: Session, entity_type: str, members_of: Mapping[uuid.UUID, list[Member]],
               *, now: dt.datetime, batch: InsertBatch | None = None) -> None:
    """Create golden records whose members are all known in memory (rows through `batch`)."""
    config = survivorship_config(session)
    records, events = [], []
    for golden_id, members in members_of.items():
        result = core.create_golden(str(golden_id), entity_type,
                                    [member_record(entity_type, m) for m in members],
                                    config=config, now=now)
        records.append(result.state.record)
        events.extend(result.events)
    store.insert_records(session, records, cause="golden.created", now=now, batch=batch)
    write_events(session, events, now, batch=batch)


def absorb(session: Session, absorbed: Mapping[uuid.UUID, uuid.UUID], *,
           now: dt.datetime) -> None:
    """Merge each absorbed golden record into its survivor; the absorbed id redirects forever."""
    if not absorbed:
        return
    config = survivorship_config(session)
    for golden_id, survivor_id in sorted(absorbed.items(), key=lambda kv: str(kv[0])):
        states = load_states(session, [golden_id, survivor_id])
        survivor, gone = states[str(survivor_id)], states[str(golden_id)]
        pairs = store.not_a_match_pairs(session, survivor.member_ids | gone.member_ids)
        result = core.merge(survivor, gone, config=config, actor=MATCHER, reason="auto_link",
                            now=now, not_a_match=pairs)
        save_merge(session, result, survivor, gone, now=now)


def save_merge(session: Session, result: core.MergeResult, a: GoldenState, b: GoldenState,
               *, now: dt.datetime) -> None:
    """Store a core merge: both golden rows, their history, the xref and the events."""
    before = {a.golden_id: a.record.version, b.golden_id: b.record.version}
    store.update_records(session, [
        store.RecordChange(record, before[record.golden_id], "golden.merged")
        for record in (result.state.record, result.absorbed)], now=now)
    moved = a.member_ids | b.member_ids
    store.point_xref(session, result.state.golden_id, moved, now)
    write_events(session, result.events, now)


def rebuild(session: Session, entity_type: str, golden_ids: set[uuid.UUID], *,
            now: dt.datetime, batch: InsertBatch | None = None) -> None:
    """Recompute golden records from their stored members and pins; a change makes a version.

    The golden rows are updated at once; their history and events go through `batch`.
    """
    if not golden_ids:
        return
    config = survivorship_config(session)
    stored = [entry for entry in store.load_stored_states(
        session, golden_ids, member_from_row, lock=True).values() if entry.state.record.is_active]
    # One lookup of not-a-match pairs for every golden record gaining members: a pair counts
    # only when both its records are members of one golden record, so extra pairs are inert.
    pairs = store.not_a_match_pairs(session, {
        record_id for entry in stored if entry.arrivals
        for record_id in entry.state.member_ids | {m.record_id for m in entry.arrivals}})
    changes, events = [], []
    for entry in stored:
        state = entry.state
        # Attaching replaces members of the same id, so changed payloads are recomputed too.
        result = core.attach_records(state, entry.arrivals, config=config, now=now,
                                     not_a_match=pairs if entry.arrivals else ())
        if result.changed:
            changes.append(store.RecordChange(result.state.record, state.record.version,
                                              "golden.updated"))
            events.extend(result.events)
    store.update_records(session, changes, now=now, batch=batch)
    write_events(session, events, now, batch=batch)


def load_members(session: Session, golden_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[Member]]:
    """The source records linked to each golden record, as members."""
    result: dict[uuid.UUID, list[Member]] = {}
    for golden_id, source, key, record_id, payload, as_of in store.member_rows(session,
                                                                               golden_ids):
        result.setdefault(golden_id, []).append(Member(source, record_id, payload, as_of, key))
    return result


def event_row(event_type: str, entity_type: str, golden_id: uuid.UUID | None,
              version: int | None, now: dt.datetime, data: dict) -> dict:
    """An outbox row, to be inserted in the transaction of the change it describes."""
    return {"event_id": uuid.uuid4(), "type": event_type, "entity_type": entity_type,
            "golden_id": golden_id, "version": version, "occurred_at": now, "data": data,
            "feed_seq": None}


def event_rows(events: Iterable[CoreEvent], now: dt.datetime) -> list[dict]:
    """The outbox rows of the core's events."""
    return [event_row(e.type, e.entity_type, uuid.UUID(e.golden_id), e.version, now,
                      dict(e.data)) for e in events]


def write_events(session: Session, events: Iterable[CoreEvent], now: dt.datetime,
                 *, batch: InsertBatch | None = None) -> None:
    """Insert the core's events into the outbox, in the caller's transaction (or `batch`)."""
    or_immediate(batch).add(session, Event.__table__, event_rows(events, now))

