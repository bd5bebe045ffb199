"""Operations on golden records: create, attach, recompute, pin, merge, unmerge, not-a-match.

Each takes the current state and returns the new state plus the events it
causes; nothing is patched in place: every golden record is rebuilt from its
members and pins, which is what makes an unmerge lossless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from golden_records.events import (
    GOLDEN_CREATED,
    GOLDEN_MERGED,
    GOLDEN_UNMERGED,
    GOLDEN_UPDATED,
    changed_attributes,
    event_for,
)
from golden_records.survivorship import SurvivorshipConfig, build_golden_record
from golden_records.types import (
    Decision,
    EntityTypeMismatchError,
    Event,
    GoldenRecord,
    GoldenRecordError,
    GoldenRecordNotActiveError,
    GoldenState,
    InvalidOperationError,
    MemberRecord,
    MergeResult,
    NotAMatch,
    NotAMatchViolationError,
    Pin,
    PinConflict,
    RecordPair,
    StaleVersionError,
    UnmergeResult,
    UpdateResult,
    check_attribute,
    record_pair,
)


def check_version(state: GoldenState, expected_version: int | None) -> None:
    """Return None when `expected_version` is None or current; raise StaleVersionError else."""
    if expected_version is not None and expected_version != state.record.version:
        raise StaleVersionError(
            f"golden record {state.golden_id} is at version {state.record.version}, "
            f"not {expected_version}"
        )


def check_active(state: GoldenState) -> None:
    """Return None when the golden record is active; raise GoldenRecordNotActiveError else."""
    if not state.record.is_active:
        raise GoldenRecordNotActiveError(
            f"golden record {state.golden_id} is {state.record.status}")


def check_constraints(member_ids: Iterable[str], pairs: Iterable[RecordPair]) -> None:
    """Return None when no not-a-match pair lies inside `member_ids`.

    Raises NotAMatchViolationError naming every violated pair.
    """
    members = frozenset(member_ids)
    violated = frozenset(record_pair(*p) for p in pairs if p[0] in members and p[1] in members)
    if violated:
        raise NotAMatchViolationError(violated)


def resolve(redirects: Mapping[str, str], golden_id: str) -> str:
    """Return the golden id that `golden_id` resolves to, following chains of merges."""
    seen = {golden_id}
    while golden_id in redirects:
        golden_id = redirects[golden_id]
        if golden_id in seen:
            raise GoldenRecordError(f"redirect cycle through {golden_id}")
        seen.add(golden_id)
    return golden_id


def _rebuild(state: GoldenState, config: SurvivorshipConfig, now: dt.datetime, *,
             members: Sequence[MemberRecord] | None = None, pins: Iterable[Pin] | None = None,
             absorbed_ids: frozenset[str] | None = None) -> GoldenState:
    """Return the state recomputed at the next version, keeping what is not given."""
    old = state.record
    members = tuple(state.members if members is None else members)
    record = build_golden_record(
        old.golden_id, old.entity_type, members, old.pins if pins is None else pins, config,
        version=old.version + 1, now=now, created_at=old.created_at,
        absorbed_ids=old.absorbed_ids if absorbed_ids is None else absorbed_ids,
    )
    return GoldenState(record, tuple(sorted(members, key=lambda m: m.record_id)))


def _is_same_content(old: GoldenRecord, new: GoldenRecord) -> bool:
    return (old.attributes, old.lineage, old.member_ids, old.pins, old.absorbed_ids) == (
        new.attributes, new.lineage, new.member_ids, new.pins, new.absorbed_ids)


def _update(state: GoldenState, new: GoldenState, **data: Any) -> UpdateResult:
    """Return `new` with a golden.updated event, or the old state when nothing changed."""
    if _is_same_content(state.record, new.record):
        return UpdateResult(state)
    changed = changed_attributes(state.record, new.record)
    return UpdateResult(new, (event_for(GOLDEN_UPDATED, new.record, attributes=changed, **data),))


def create_golden(golden_id: str, entity_type: str, members: Iterable[MemberRecord], *,
                  config: SurvivorshipConfig, now: dt.datetime,
                  not_a_match: Iterable[RecordPair] = ()) -> UpdateResult:
    """Return a new golden record (version 1) of `members` and its golden.created event."""
    members = tuple(members)
    if not members:
        raise InvalidOperationError("a golden record needs at least one member")
    check_constraints((m.record_id for m in members), not_a_match)
    record = build_golden_record(golden_id, entity_type, members, (), config, version=1, now=now)
    state = GoldenState(record, tuple(sorted(members, key=lambda m: m.record_id)))
    return UpdateResult(state, (event_for(GOLDEN_CREATED, record),))


def attach_records(state: GoldenState, members: Iterable[MemberRecord], *,
                   config: SurvivorshipConfig, now: dt.datetime,
                   not_a_match: Iterable[RecordPair] = (),
                   expected_version: int | None = None) -> UpdateResult:
    """Return the state with `members` added, or replacing members of the same record id.

    Used for an auto-link of a new record and for an update of a member record.
    """
    check_active(state)
    check_version(state, expected_version)
    incoming = {m.record_id: m for m in members}
    kept = [m for m in state.members if m.record_id not in incoming]
    combined = (*kept, *incoming.values())
    check_constraints((m.record_id for m in combined), not_a_match)
    return _update(state, _rebuild(state, config, now, members=combined))


def recompute(state: GoldenState, config: SurvivorshipConfig, now: dt.datetime, *,
              expected_version: int | None = None) -> UpdateResult:
    """Return the state rebuilt under `config` (after a rule change); an event only on change."""
    check_active(state)
    check_version(state, expected_version)
    return _update(state, _rebuild(state, config, now))


def pin(state: GoldenState, new_pin: Pin, *, config: SurvivorshipConfig, now: dt.datetime,
        expected_version: int | None = None) -> UpdateResult:
    """Return the state with `new_pin` replacing any pin on its attribute."""
    check_active(state)
    check_version(state, expected_version)
    check_attribute(state.record.entity_type, new_pin.attribute)
    pins = [p for p in state.record.pins if p.attribute != new_pin.attribute]
    return _update(state, _rebuild(state, config, now, pins=[*pins, new_pin]))


def edit(state: GoldenState, attribute: str, value: Any, *, actor: str, reason: str,
         config: SurvivorshipConfig, now: dt.datetime,
         expected_version: int | None = None) -> UpdateResult:
    """Return the state with a steward's `value` for `attribute`: a pin made now by `actor`."""
    return pin(state, Pin(attribute, value, actor, now, reason), config=config, now=now,
               expected_version=expected_version)


def unpin(state: GoldenState, attribute: str, *, config: SurvivorshipConfig, now: dt.datetime,
          expected_version: int | None = None) -> UpdateResult:
    """Return the state without the pin on `attribute`; the rules decide it again."""
    check_active(state)
    check_version(state, expected_version)
    if state.record.pin_for(attribute) is None:
        raise InvalidOperationError(f"{attribute!r} is not pinned on {state.golden_id}")
    pins = [p for p in state.record.pins if p.attribute != attribute]
    return _update(state, _rebuild(state, config, now, pins=pins))


def _combine_pins(survivor: Sequence[Pin],
                  absorbed: Sequence[Pin]) -> tuple[list[Pin], tuple[PinConflict, ...]]:
    kept = {p.attribute: p for p in survivor}
    conflicts = tuple(PinConflict(p.attribute, kept[p.attribute], p)
                      for p in absorbed if p.attribute in kept and kept[p.attribute] != p)
    carried = [p for p in absorbed if p.attribute not in kept]
    return [*survivor, *carried], conflicts


def _check_mergeable(a: GoldenState, b: GoldenState,
                     expected_versions: Mapping[str, int] | None) -> None:
    for state in (a, b):
        check_active(state)
        check_version(state, (expected_versions or {}).get(state.golden_id))
    if a.golden_id == b.golden_id:
        raise InvalidOperationError(f"golden record {a.golden_id} cannot merge with itself")
    if a.record.entity_type != b.record.entity_type:
        raise EntityTypeMismatchError(
            f"cannot merge a {a.record.entity_type} with a {b.record.entity_type}")


def merge(a: GoldenState, b: GoldenState, *, config: SurvivorshipConfig, actor: str,
          reason: str, now: dt.datetime, not_a_match: Iterable[RecordPair] = (),
          expected_versions: Mapping[str, int] | None = None,
          kind: str = "steward_merge") -> MergeResult:
    """Return the merge of two golden records; the order of `a` and `b` does not matter.

    The survivor keeps the older id (by created_at, then id); the other becomes
    a redirect to it. Pins of both are kept; where both pinned one attribute the
    survivor's pin wins and the result lists the conflict. Raises
    NotAMatchViolationError, StaleVersionError, EntityTypeMismatchError.
    `kind` is the decision recorded: "steward_merge" or "auto_link".
    """
    _check_mergeable(a, b, expected_versions)
    survivor, absorbed = sorted((a, b), key=lambda s: (s.record.created_at, s.golden_id))
    check_constraints(survivor.member_ids | absorbed.member_ids, not_a_match)
    pins, conflicts = _combine_pins(survivor.record.pins, absorbed.record.pins)
    absorbed_ids = (survivor.record.absorbed_ids | absorbed.record.absorbed_ids
                    | {absorbed.golden_id})
    merged = _rebuild(survivor, config, now, members=survivor.members + absorbed.members,
                      pins=pins, absorbed_ids=absorbed_ids)
    # The absorbed record keeps its pins and absorbed ids: an unmerge restores them.
    gone = replace(absorbed.record, version=absorbed.record.version + 1, updated_at=now,
                   status="merged", merged_into=survivor.golden_id, attributes={},
                   lineage={}, member_ids=frozenset())
    event = event_for(GOLDEN_MERGED, merged.record, absorbed_id=gone.golden_id,
                      absorbed_version=gone.version, record_ids=sorted(absorbed.member_ids))
    decision = Decision(kind, actor, reason, now, (survivor.golden_id, gone.golden_id),
                        tuple(sorted(merged.member_ids)))
    return MergeResult(merged, gone, {gone.golden_id: survivor.golden_id}, conflicts, (event,),
                       decision)


# Members leaving in an unmerge, by the former golden id they return to (None: a new id).
SplitPlan = Mapping[str | None, tuple[MemberRecord, ...]]


def _plan_split(state: GoldenState, record_ids: frozenset[str],
                former_golden_ids: Mapping[str, str]) -> SplitPlan:
    unknown = record_ids - state.member_ids
    if not record_ids or unknown:
        raise InvalidOperationError(f"not members of {state.golden_id}: {sorted(unknown)}")
    if record_ids == state.member_ids:
        raise InvalidOperationError("an unmerge must leave at least one member behind")
    groups: dict[str | None, list[MemberRecord]] = {}
    for member in state.members:
        if member.record_id in record_ids:
            former = former_golden_ids.get(member.record_id)
            if former is not None and former not in state.record.absorbed_ids:
                raise InvalidOperationError(f"{former} was never merged into {state.golden_id}")
            groups.setdefault(former, []).append(member)
    return {key: tuple(members) for key, members in groups.items()}


def _first_restored_on_chain(golden_id: str, restored: frozenset[str],
                             stored: Mapping[str, GoldenRecord]) -> str | None:
    """Return the first restored id the redirect chain from `golden_id` reaches, if any."""
    seen = set()
    while golden_id not in seen and golden_id in stored:
        seen.add(golden_id)
        golden_id = stored[golden_id].merged_into
        if golden_id in restored:
            return golden_id
    return None


def _absorbed_by_restored(state: GoldenState, restored: frozenset[str],
                          stored: Mapping[str, GoldenRecord]) -> dict[str, frozenset[str]]:
    # An absorbed id goes with a restored record when its redirects lead there first.
    moving: dict[str, set[str]] = {golden_id: set() for golden_id in restored}
    for golden_id in state.record.absorbed_ids - restored:
        target = _first_restored_on_chain(golden_id, restored, stored)
        if target is not None:
            moving[target].add(golden_id)
    return {golden_id: frozenset(ids) for golden_id, ids in moving.items()}


def _restore(state: GoldenState, former: GoldenRecord, members: Sequence[MemberRecord],
             absorbed_ids: frozenset[str], config: SurvivorshipConfig,
             now: dt.datetime) -> GoldenState:
    if former.status != "merged" or former.entity_type != state.record.entity_type:
        raise InvalidOperationError(
            f"{former.golden_id} is not a merged {state.record.entity_type}")
    revived = replace(former, status="active", merged_into=None, absorbed_ids=absorbed_ids)
    return _rebuild(GoldenState(revived), config, now, members=members)


def _create_split(state: GoldenState, golden_id: str, members: Sequence[MemberRecord],
                  config: SurvivorshipConfig, now: dt.datetime) -> GoldenState:
    if golden_id == state.golden_id or golden_id in state.record.absorbed_ids:
        raise InvalidOperationError(f"golden id {golden_id} is taken; ids are never reused")
    return create_golden(golden_id, state.record.entity_type, members, config=config,
                         now=now).state


def _split_off(state: GoldenState, plan: SplitPlan, former_goldens: Mapping[str, GoldenRecord],
               new_id: Callable[[], str], config: SurvivorshipConfig,
               now: dt.datetime) -> list[GoldenState]:
    restored = frozenset(former_id for former_id in plan if former_id is not None)
    if missing := restored - set(former_goldens):
        raise InvalidOperationError(f"the stored golden records {sorted(missing)} are needed")
    absorbed = _absorbed_by_restored(state, restored, former_goldens)
    split = []
    for former_id, members in sorted(plan.items(), key=lambda kv: kv[0] or ""):
        if former_id is None:
            split.append(_create_split(state, new_id(), members, config, now))
        else:
            split.append(_restore(state, former_goldens[former_id], members,
                                  absorbed[former_id], config, now))
    return split


def unmerge(state: GoldenState, record_ids: Iterable[str], *,
            former_golden_ids: Mapping[str, str], former_goldens: Mapping[str, GoldenRecord],
            new_id: Callable[[], str], config: SurvivorshipConfig, actor: str, reason: str,
            now: dt.datetime, expected_version: int | None = None) -> UnmergeResult:
    """Return the golden record without `record_ids` and the golden records they form.

    Records whose former golden id (`former_golden_ids`, record id → golden id)
    was merged into this one return to it, rebuilt with its own pins; the
    others together get one new id from `new_id`. `former_goldens` holds the
    stored merged-status records of `state.record.absorbed_ids` (at least the
    restored ones); their `merged_into` chains decide which absorbed ids go
    along with a restored record. The pins a restored record brought in leave
    with it, so merge then unmerge gives back both sides exactly.
    """
    check_active(state)
    check_version(state, expected_version)
    record_ids = frozenset(record_ids)
    plan = _plan_split(state, record_ids, former_golden_ids)
    split = _split_off(state, plan, former_goldens, new_id, config, now)
    restored = [s for s in split if s.golden_id in plan]
    # A list, not a set: a pinned value may be a dict (an address).
    leaving_pins = [p for s in restored for p in s.record.pins]
    leaving_ids = {s.golden_id for s in restored} | {i for s in restored
                                                      for i in s.record.absorbed_ids}
    rest = _rebuild(state, config, now,
                    members=[m for m in state.members if m.record_id not in record_ids],
                    pins=[p for p in state.record.pins if p not in leaving_pins],
                    absorbed_ids=state.record.absorbed_ids - leaving_ids)
    decision = Decision("unmerge", actor, reason, now,
                        (state.golden_id, *(s.golden_id for s in split)), tuple(sorted(record_ids)))
    return UnmergeResult(rest, tuple(split), frozenset(s.golden_id for s in restored),
                         _unmerge_events(rest, split, plan), decision)


def _unmerge_events(rest: GoldenState, split: Sequence[GoldenState],
                    plan: SplitPlan) -> tuple[Event, ...]:
    moved = sorted(m.record_id for members in plan.values() for m in members)
    events = [event_for(GOLDEN_UNMERGED, rest.record, record_ids=moved,
                        split_into=[s.golden_id for s in split])]
    for part in split:
        if part.golden_id in plan:
            events.append(event_for(GOLDEN_UPDATED, part.record, unmerged_from=rest.golden_id,
                                    attributes=sorted(part.record.attributes)))
        else:
            events.append(event_for(GOLDEN_CREATED, part.record, unmerged_from=rest.golden_id))
    return tuple(events)


def _record_ids(side: GoldenState | str) -> frozenset[str]:
    return side.member_ids if isinstance(side, GoldenState) else frozenset({side})


def not_a_match(a: GoldenState | str, b: GoldenState | str, *, actor: str, reason: str,
                now: dt.datetime) -> NotAMatch:
    """Return the not-a-match constraint between two records or golden records.

    A golden record stands for all its members: the constraint holds every
    cross pair. Raises InvalidOperationError when the two sides already share
    a record (unmerge first).
    """
    left, right = _record_ids(a), _record_ids(b)
    if left & right or not left or not right:
        raise InvalidOperationError("not-a-match needs two disjoint, non-empty sides")
    pairs = frozenset(record_pair(x, y) for x in left for y in right)
    return NotAMatch(pairs, actor, now, reason)
