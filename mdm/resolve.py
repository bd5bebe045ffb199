"""Link changed source records to golden records, in the ingestion transaction.

The rule here links records that share an exact strong identifier (normalised e-mail, E.164
phone, valid GTIN); the full matcher replaces `identifier_keys` and `_components` behind the
same `resolve_records` interface.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from mdm import golden
from mdm.models import MatchDecision, MatchKey, Xref
from mdm.strong_ids import identifier_keys


@dataclass(frozen=True)
class ChangedRecord:
    record_id: uuid.UUID
    source_key: str
    source: str
    payload: Mapping[str, Any]
    as_of: dt.datetime


def resolve_records(session: Session, entity_type: str, changed: list[ChangedRecord],
                    *, now: dt.datetime) -> dict[str, str]:
    """Link each changed record to a golden record; returns source_key → golden id."""
    keys = {record.record_id: identifier_keys(entity_type, record.payload) for record in changed}
    _replace_match_keys(session, entity_type, keys)
    current = _current_golden_ids(session, [record.record_id for record in changed])
    neighbours = _golden_ids_sharing_keys(session, entity_type, keys)
    guard = golden.not_a_match_guard(session, list(keys), {
        golden_id for ids in neighbours.values() for golden_id in ids} | set(current.values()))
    plan = _plan_links(changed, keys, current, neighbours, guard)
    targets, absorbed = golden.choose_survivors(session, plan.goldens_of, now=now)
    new_goldens = {targets.setdefault(component, uuid.uuid4()): [
        golden.Member(r.source, r.record_id, r.payload, r.as_of) for r in members]
        for component, members in plan.members_of.items() if component not in targets}
    golden.insert_new(session, entity_type, new_goldens, now=now)
    _write_xref(session, plan, targets, current, now)
    golden.absorb(session, absorbed, now=now)
    _record_decisions(session, entity_type, plan, targets, keys, current, now)
    golden.rebuild(session, entity_type, set(targets.values()) - set(new_goldens), now=now)
    return {record.source_key: str(targets[plan.component_of[record.record_id]])
            for record in changed}


def _replace_match_keys(session: Session, entity_type: str,
                        keys: dict[uuid.UUID, frozenset[str]]) -> None:
    table = MatchKey.__table__
    session.execute(delete(table).where(table.c.source_record_id.in_(list(keys))))
    rows = [{"entity_type": entity_type, "key": key, "source_record_id": record_id}
            for record_id, record_keys in keys.items() for key in record_keys]
    if rows:
        session.execute(insert(table), rows)


def _current_golden_ids(session: Session, record_ids: list[uuid.UUID]) -> dict:
    table = Xref.__table__
    rows = session.execute(select(table.c.source_record_id, table.c.golden_id)
                           .where(table.c.source_record_id.in_(record_ids)))
    return {record_id: golden_id for record_id, golden_id in rows}


def _golden_ids_sharing_keys(session: Session, entity_type: str,
                             keys: dict[uuid.UUID, frozenset[str]]) -> dict[str, set]:
    """key → golden ids of already linked records carrying that key."""
    all_keys = list({key for record_keys in keys.values() for key in record_keys})
    found: dict[str, set] = defaultdict(set)
    match_keys, xref = MatchKey.__table__, Xref.__table__
    for start in range(0, len(all_keys), 500):
        rows = session.execute(
            select(match_keys.c.key, xref.c.golden_id)
            .join(xref, xref.c.source_record_id == match_keys.c.source_record_id)
            .where(match_keys.c.entity_type == entity_type,
                   match_keys.c.key.in_(all_keys[start:start + 500]))
        )
        for key, golden_id in rows:
            found[key].add(golden_id)
    return found


@dataclass
class LinkPlan:
    """Connected components of changed records and the existing golden records they touch."""

    component_of: dict[uuid.UUID, int]
    goldens_of: dict[int, set[uuid.UUID]]
    members_of: dict[int, list[ChangedRecord]]


def _plan_links(changed: list[ChangedRecord], keys: dict, current: dict,
                neighbours: dict[str, set], guard: golden.NotAMatchGuard) -> LinkPlan:
    parent = list(range(len(changed)))
    # Record ids each component holds: a steward's not-a-match vetoes any link joining a pair.
    holds = [{str(record.record_id)} for record in changed]

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(node: int, other: int) -> None:
        small, large = sorted((find(node), find(other)), key=lambda root: len(holds[root]))
        if small != large and not guard.vetoes(holds[small], holds[large]):
            parent[small] = large
            holds[large] |= holds[small]

    owner_of_key: dict[str, int] = {}
    owner_of_golden: dict[uuid.UUID, int] = {}
    for index, record in enumerate(changed):
        touched = sorted(neighbours_for(keys[record.record_id], neighbours), key=str)
        if record.record_id in current:
            touched.insert(0, current[record.record_id])  # its own golden record first
        for golden_id in touched:
            if golden_id in owner_of_golden:
                union(index, owner_of_golden[golden_id])
            elif not guard.vetoes(holds[find(index)], guard.members(golden_id)):
                owner_of_golden[golden_id] = index
                holds[find(index)] |= guard.members(golden_id)
        for key in keys[record.record_id]:
            union(index, owner_of_key.setdefault(key, index))
    plan = LinkPlan({}, defaultdict(set), defaultdict(list))
    for index, record in enumerate(changed):
        root = find(index)
        plan.component_of[record.record_id] = root
        plan.members_of[root].append(record)
    for golden_id, index in owner_of_golden.items():
        plan.goldens_of[find(index)].add(golden_id)
    return plan


def neighbours_for(record_keys: frozenset[str], neighbours: dict[str, set]) -> set:
    return {golden_id for key in record_keys for golden_id in neighbours.get(key, ())}


def _write_xref(session: Session, plan: LinkPlan, targets: dict[int, uuid.UUID],
                current: dict, now: dt.datetime) -> None:
    table = Xref.__table__
    new_rows, moved = [], []
    for record_id, component in plan.component_of.items():
        target = targets[component]
        if record_id not in current:
            new_rows.append({"source_record_id": record_id, "golden_id": target, "linked_at": now})
        elif current[record_id] != target:
            moved.append({"b_id": record_id, "golden_id": target, "linked_at": now})
    if new_rows:
        session.execute(insert(table), new_rows)
    if moved:
        session.execute(update(table).where(table.c.source_record_id == bindparam("b_id")),
                        moved, execution_options={"synchronize_session": False})


def _record_decisions(session: Session, entity_type: str, plan: LinkPlan, targets: dict,
                      keys: dict, current: dict, now: dt.datetime) -> None:
    """An auto_link decision for every record that joined a golden record it was not in."""
    rows = []
    for component, members in plan.members_of.items():
        if len(members) == 1 and not plan.goldens_of.get(component):
            continue
        for record in members:
            if current.get(record.record_id) == targets[component]:
                continue
            rows.append({
                "id": uuid.uuid4(), "entity_type": entity_type, "kind": "auto_link",
                "left_record_id": record.record_id, "right_record_id": None,
                "left_golden_id": None, "right_golden_id": targets[component],
                "match_weight": None, "match_probability": 1.0,
                "explanation": {"rule": "exact_identifier",
                                "keys": sorted(keys[record.record_id])},
                "model_version": "exact-identifier-1", "actor": "matcher", "reason": "",
                "created_at": now,
            })
    if rows:
        session.execute(insert(MatchDecision.__table__), rows)

