"""Steward operations on golden records: merge, unmerge, not-a-match, review decisions, pins.

Every service loads the state it needs (locking the golden rows), calls the pure core, and
stores the result, the history, an audit row and the outbox events in the caller's
transaction: services flush, the caller commits. History reads live in `mdm.store.history`
and are re-exported here, so callers find every steward service in this one module.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_records import erasure
from golden_records import merge as core
from golden_records.erasure import SourceKey
from golden_records.types import (
    EntityTypeMismatchError,
    GoldenRecordError,
    GoldenRecordNotActiveError,
    GoldenState,
    InvalidOperationError,
    NotAMatchViolationError,
    Pin,
    UnknownAttributeError,
    record_pair,
)
from golden_records.types import StaleVersionError as CoreStaleVersionError
from mdm import golden
from mdm.errors import (
    ConflictError,
    NotFoundError,
    StaleVersionError,
    UnprocessableError,
)
from mdm.models import (
    AuditEntry,
    ErasureTombstone,
    NotAMatchPair,
    ReviewTask,
    SourceRecord,
)
from mdm.store import erasure as erasure_store
from mdm.store import golden_state as store
from mdm.store import not_a_match as not_a_match_store
from mdm.store import operation_writes
from mdm.store.audit import audit, audit_row, decision_rows, record_decision
from mdm.store.history import golden_as_of, golden_diff, golden_history

__all__ = [
    "audit", "decide_review_task", "erase_golden", "golden_as_of", "golden_diff",
    "golden_history", "mark_golden_not_a_match", "mark_not_a_match", "merge_golden",
    "pin_attribute", "readmit_source_key", "resolve_golden_id", "unmerge_records",
    "unpin_attribute",
]

REVIEW_DECISIONS = {"merge": "merged", "not_a_match": "not_a_match", "skip": "skipped"}


def shell_errors(service: Callable) -> Callable:
    """Wrap a service so the core's errors reach callers as the shell's (with HTTP statuses)."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except CoreStaleVersionError as error:
            raise StaleVersionError(str(error)) from error
        except NotAMatchViolationError as error:
            raise ConflictError(str(error), pairs=sorted(map(list, error.pairs))) from error
        except UnknownAttributeError as error:
            raise UnprocessableError(str(error)) from error
        except (GoldenRecordNotActiveError, EntityTypeMismatchError,
                InvalidOperationError) as error:
            raise ConflictError(str(error)) from error
        except GoldenRecordError as error:
            raise ConflictError(str(error)) from error

    return wrapper


def _stored_states(session: Session, golden_ids: Iterable[uuid.UUID], *,
                   flag_not_a_match: bool = False) -> list[store.StoredState]:
    ids = [store.as_uuid(g) for g in golden_ids]
    stored = store.load_stored_states(session, ids, golden.member_from_row, lock=True,
                                      flag_not_a_match=flag_not_a_match)
    missing = [str(g) for g in ids if str(g) not in stored]
    if missing:
        raise NotFoundError(f"no golden record {', '.join(missing)}")
    return [stored[str(g)] for g in ids]


def _states(session: Session, golden_ids: Iterable[uuid.UUID]) -> list[GoldenState]:
    return [entry.state for entry in _stored_states(session, golden_ids)]


def _not_a_match_among(session: Session, constrained: frozenset[str]) -> set[tuple[str, str]]:
    """Return the not-a-match pairs of the members flagged as being in one."""
    # A pair can lie inside the merged record only if both its records are flagged members:
    # most merges have none, and skip the lookup.
    return store.not_a_match_pairs(session, constrained) if len(constrained) > 1 else set()


@shell_errors
def merge_golden(session: Session, survivor_id: uuid.UUID, absorbed_id: uuid.UUID, *,
                 actor: str, reason: str = "",
                 expected_versions: Mapping[uuid.UUID, int] | None = None,
                 now: dt.datetime) -> uuid.UUID:
    """Merge two golden records; returns the surviving id (the older one, whatever the order).

    `expected_versions` maps golden id → the version the steward saw (StaleVersionError
    otherwise). ConflictError for a not-a-match pair, a merged-away or erased record, or two
    entity types.
    """
    if store.as_uuid(survivor_id) == store.as_uuid(absorbed_id):
        raise ConflictError("a golden record cannot merge with itself")
    stored = _stored_states(session, [survivor_id, absorbed_id], flag_not_a_match=True)
    a, b = (entry.state for entry in stored)
    expected = {str(k): v for k, v in (expected_versions or {}).items()}
    result = core.merge(a, b, config=golden.survivorship_config(session), actor=actor,
                        reason=reason, now=now,
                        not_a_match=_not_a_match_among(
                            session, stored[0].constrained | stored[1].constrained),
                        expected_versions=expected)
    survivor, gone = uuid.UUID(result.state.golden_id), uuid.UUID(result.absorbed.golden_id)
    before = {a.golden_id: a.record.version, b.golden_id: b.record.version}
    entity_type = a.record.entity_type
    operation_writes.save_operation(session, operation_writes.OperationWrites(
        changes=[store.RecordChange(record, before[record.golden_id], "golden.merged")
                 for record in (result.state.record, result.absorbed)],
        xref={result.state.golden_id: a.member_ids | b.member_ids},
        events=golden.event_rows(result.events, now),
        decisions=decision_rows("steward_merge", entity_type, actor=actor, reason=reason,
                                now=now, pairs=[((None, None), (survivor, gone))]),
        audit=[audit_row("golden.merge", survivor, actor=actor, reason=reason,
                         before=[a.record, b.record],
                         after=[result.state.record, result.absorbed], now=now)]), now=now)
    session.flush()
    return survivor


def _unmerge(session: Session, state: GoldenState, record_ids: frozenset[str], *, actor: str,
             reason: str, expected_version: int | None, now: dt.datetime) -> core.UnmergeResult:
    former_goldens, former_golden_ids = store.load_former_goldens(
        session, state.record.absorbed_ids, record_ids)
    result = core.unmerge(
        state, record_ids, former_golden_ids=former_golden_ids,
        former_goldens=former_goldens, new_id=lambda: str(uuid.uuid4()),
        config=golden.survivorship_config(session), actor=actor, reason=reason, now=now,
        expected_version=expected_version)
    changes = [store.RecordChange(result.state.record, state.record.version, "golden.unmerged")]
    changes += [store.RecordChange(part.record, former_goldens[part.golden_id].version,
                                   "golden.updated")
                for part in result.split_off if part.golden_id in former_goldens]
    operation_writes.save_operation(session, operation_writes.OperationWrites(
        changes=changes,
        created=[part.record for part in result.split_off
                 if part.golden_id not in former_goldens],
        xref={part.golden_id: part.member_ids for part in result.split_off},
        events=golden.event_rows(result.events, now),
        decisions=decision_rows(
            "unmerge", state.record.entity_type, actor=actor, reason=reason, now=now,
            pairs=[((uuid.UUID(record_id), None), (uuid.UUID(state.golden_id), None))
                   for record_id in sorted(record_ids)]),
        audit=[audit_row("golden.unmerge", state.golden_id, actor=actor, reason=reason,
                         before=[state.record, *former_goldens.values()],
                         after=[result.state.record, *(s.record for s in result.split_off)],
                         now=now)]), now=now)
    return result


@shell_errors
def unmerge_records(session: Session, golden_id: uuid.UUID, record_ids: Iterable[uuid.UUID], *,
                    actor: str, reason: str = "", expected_version: int | None = None,
                    now: dt.datetime) -> list[uuid.UUID]:
    """Split source records out of a golden record; returns the golden ids of the split-off side.

    Records go back to the former golden id they had before a merge, the others share one new
    id. ConflictError when a record is not a member or no member would be left.
    """
    state = _states(session, [golden_id])[0]
    ids = frozenset(str(store.as_uuid(r)) for r in record_ids)
    result = _unmerge(session, state, ids, actor=actor, reason=reason,
                      expected_version=expected_version, now=now)
    session.flush()
    return [uuid.UUID(part.golden_id) for part in result.split_off]


def _source_record(session: Session, record_id: uuid.UUID) -> SourceRecord:
    record = session.get(SourceRecord, store.as_uuid(record_id))
    if record is None:
        raise NotFoundError(f"no source record {record_id}")
    return record


@shell_errors
def mark_not_a_match(session: Session, left_record_id: uuid.UUID, right_record_id: uuid.UUID,
                     *, actor: str, reason: str = "", now: dt.datetime) -> list[uuid.UUID]:
    """Record that two source records never belong together; split them if they do now.

    Returns the golden ids split off (empty when they were apart). Every later matching run
    honours the pair. Marking a pair twice changes nothing.
    """
    left, right = _source_record(session, left_record_id), _source_record(session, right_record_id)
    if left.id == right.id or left.entity_type != right.entity_type:
        raise ConflictError("not-a-match needs two different records of one entity type")
    pair = record_pair(str(left.id), str(right.id))
    table = NotAMatchPair.__table__
    if session.execute(select(table.c.id).where(table.c.left_record_id == uuid.UUID(pair[0]),
                                                table.c.right_record_id == uuid.UUID(pair[1]))
                       ).first() is not None:
        return []
    goldens = _locked_goldens_of(session, [left.id, right.id])
    decision_id = record_decision(session, "not_a_match", left.entity_type, actor=actor,
                                  reason=reason, now=now, records=(left.id, right.id),
                                  goldens=(goldens.get(left.id), goldens.get(right.id)))
    session.add(NotAMatchPair(entity_type=left.entity_type, left_record_id=uuid.UUID(pair[0]),
                              right_record_id=uuid.UUID(pair[1]), decision_id=decision_id,
                              created_at=now))
    split: list[uuid.UUID] = []
    if goldens.get(left.id) is not None and goldens.get(left.id) == goldens.get(right.id):
        state = _states(session, [goldens[left.id]])[0]
        result = _unmerge(session, state, frozenset({str(right.id)}), actor=actor,
                          reason=reason, expected_version=None, now=now)
        split = [uuid.UUID(part.golden_id) for part in result.split_off]
    session.flush()
    return split


def _locked_goldens_of(session: Session, record_ids: list[uuid.UUID]
                       ) -> Mapping[uuid.UUID, uuid.UUID]:
    """Record id → golden id, with those golden rows locked until the transaction ends.

    A merge of the two golden records running at the same time then either committed
    before (and its xref is read here) or waits and sees the new pair in its member query.
    """
    goldens = store.golden_ids_of_records(session, record_ids)
    while True:
        store.load_records(session, goldens.values(), lock=True)
        # A merge that committed while this waited for the lock moved a record: lock anew.
        current = store.golden_ids_of_records(session, record_ids)
        if current == goldens:
            return goldens
        goldens = current


@shell_errors
def mark_golden_not_a_match(session: Session, left_golden_id: uuid.UUID,
                            right_golden_id: uuid.UUID, *, actor: str, reason: str = "",
                            now: dt.datetime) -> int:
    """Record that two golden records never belong together; returns the new record pairs.

    A golden record stands for all its members, so every cross pair of their source records
    becomes a not-a-match pair that every later matching run honours; pairs stored already
    are not counted. ConflictError for one record, a merged-away or erased one, or two
    entity types.
    """
    if store.as_uuid(left_golden_id) == store.as_uuid(right_golden_id):
        raise ConflictError("a golden record is always a match with itself")
    left, right = _states(session, [left_golden_id, right_golden_id])
    for state in (left, right):
        core.check_active(state)
    if left.record.entity_type != right.record.entity_type:
        raise ConflictError("not-a-match needs two golden records of one entity type")
    constraint = core.not_a_match(left, right, actor=actor, reason=reason, now=now)
    goldens = (uuid.UUID(left.golden_id), uuid.UUID(right.golden_id))
    decision_id = record_decision(session, "not_a_match", left.record.entity_type,
                                  actor=actor, reason=reason, now=now, goldens=goldens)
    added = not_a_match_store.add_pairs(session, constraint.pairs,
                                        entity_type=left.record.entity_type,
                                        decision_id=decision_id, now=now)
    audit(session, "golden.not_a_match", left.golden_id, actor=actor, reason=reason,
          before=[left.record, right.record], after=[left.record, right.record], now=now)
    session.flush()
    return added


@shell_errors
def decide_review_task(session: Session, task_id: uuid.UUID, decision: str, *, actor: str,
                       comment: str = "", now: dt.datetime) -> None:
    """Apply a steward's decision on a review task: merge, not_a_match or skip.

    ConflictError when the task was decided already; UnprocessableError for another decision.
    """
    if decision not in REVIEW_DECISIONS:
        raise UnprocessableError(f"decide with one of {', '.join(REVIEW_DECISIONS)}")
    task = session.scalar(select(ReviewTask).where(ReviewTask.id == store.as_uuid(task_id))
                          .with_for_update())
    if task is None:
        raise NotFoundError(f"no review task {task_id}")
    if task.status != "open":
        raise ConflictError(f"the review task was decided already ({task.status})")
    if decision == "merge":
        goldens = store.golden_ids_of_records(session, [task.left_record_id,
                                                        task.right_record_id])
        left, right = goldens.get(task.left_record_id), goldens.get(task.right_record_id)
        if left != right:
            merge_golden(session, left, right, actor=actor, reason=comment, now=now)
    elif decision == "not_a_match":
        mark_not_a_match(session, task.left_record_id, task.right_record_id, actor=actor,
                         reason=comment, now=now)
    task.status, task.decided_at = REVIEW_DECISIONS[decision], now
    task.decided_by, task.comment = actor, comment
    session.add(AuditEntry(occurred_at=now, actor=actor, action=f"review_task.{decision}",
                           target_type="review_task", target_id=str(task.id), reason=comment,
                           before={"status": "open"}, after={"status": task.status}))
    session.flush()


def _change_pins(session: Session, golden_id: uuid.UUID, operate: Callable, action: str, *,
                 actor: str, reason: str, now: dt.datetime) -> int:
    state = _states(session, [golden_id])[0]
    result = operate(state, golden.survivorship_config(session))
    if result.changed:
        store.update_record(session, result.state.record, previous_version=state.record.version,
                            cause="golden.updated", now=now)
        golden.write_events(session, result.events, now)
        audit(session, action, state.golden_id, actor=actor, reason=reason,
              before=[state.record], after=[result.state.record], now=now)
    session.flush()
    return result.state.record.version


@shell_errors
def pin_attribute(session: Session, golden_id: uuid.UUID, attribute: str, value: Any, *,
                  actor: str, reason: str = "", expected_version: int | None = None,
                  now: dt.datetime) -> int:
    """Pin a steward's value on an attribute; returns the golden record's version after it.

    The pin wins over every survivorship rule and survives every rebuild until unpinned.
    """
    new_pin = Pin(attribute, value, actor, now, reason)
    return _change_pins(
        session, golden_id,
        lambda state, config: core.pin(state, new_pin, config=config, now=now,
                                       expected_version=expected_version),
        "golden.pin", actor=actor, reason=reason, now=now)


@shell_errors
def unpin_attribute(session: Session, golden_id: uuid.UUID, attribute: str, *, actor: str,
                    reason: str = "", expected_version: int | None = None,
                    now: dt.datetime) -> int:
    """Remove the pin on an attribute; returns the version after it (ConflictError if unpinned)."""
    return _change_pins(
        session, golden_id,
        lambda state, config: core.unpin(state, attribute, config=config, now=now,
                                         expected_version=expected_version),
        "golden.unpin", actor=actor, reason=reason, now=now)


def resolve_golden_id(session: Session, golden_id: uuid.UUID) -> uuid.UUID:
    """Return the live id `golden_id` resolves to, following merges; NotFoundError if unknown."""
    current, seen = store.as_uuid(golden_id), set()
    while current not in seen:
        seen.add(current)
        row = store.redirect_of(session, current)
        if row is None:
            raise NotFoundError(f"no golden record {golden_id}")
        if row[1] is None:
            return current
        current = row[1]
    raise ConflictError(f"golden record {golden_id} redirects in a cycle")


@shell_errors
def erase_golden(session: Session, golden_id: uuid.UUID, *, actor: str, reason: str,
                 expected_version: int | None = None, now: dt.datetime) -> None:
    """Erase a customer golden record and all its source records (GDPR art. 17).

    Leaves a tombstone of ids, a `golden.erased` event and the suppression hashes of the erased
    source keys, which are then refused on push until re-admitted. ConflictError for a product.
    """
    state = _states(session, [golden_id])[0]
    result = erasure.erase(state, now=now, reason=reason, salt=erasure_store.suppression_salt(),
                           expected_version=expected_version)
    store.update_record(session, result.record, previous_version=state.record.version,
                        cause="golden.erased", now=now)
    erasure_store.scrub(session, result.scrub)
    tombstone = result.tombstone
    session.add(ErasureTombstone(
        golden_id=uuid.UUID(tombstone.golden_id), entity_type=tombstone.entity_type,
        absorbed_ids=sorted(tombstone.absorbed_ids), record_ids=sorted(tombstone.record_ids),
        erased_at=now, actor=actor, reason=reason))
    erasure_store.suppress(session, result.suppressions, uuid.UUID(state.golden_id), now)
    golden.write_events(session, [result.event], now)
    audit(session, "golden.erase", state.golden_id, actor=actor, reason=reason,
          before=[state.record], after=[result.record], now=now)
    session.flush()


def readmit_source_key(session: Session, source: str, entity_type: str, source_key: str, *,
                       actor: str, reason: str, now: dt.datetime) -> None:
    """Allow an erased source key to be pushed again; NotFoundError when it is not refused."""
    if not erasure_store.readmit(session, SourceKey(source, entity_type, source_key)):
        raise NotFoundError("that source key is not refused")
    # The key itself may be personal data: the audit names only the source and type.
    session.add(AuditEntry(occurred_at=now, actor=actor, action="source_key.readmit",
                           target_type="source", target_id=source, reason=reason,
                           before={"entity_type": entity_type, "refused": True},
                           after={"entity_type": entity_type, "refused": False}))
    session.flush()
