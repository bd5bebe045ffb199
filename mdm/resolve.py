"""Link changed source records to golden records with the matcher, in the ingestion transaction.

Each changed record is standardised, its blocking keys stored, its candidates (records sharing
a key) loaded and scored, and the record placed by `golden_records.cluster.place_record` against
the candidates' golden records, one record after another in chunk order (a later record sees
the earlier ones). Auto-links join or merge golden records; review-level links become review
tasks; both keep the matcher's explanation.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from golden_records.cluster import (
    AUTO_LINK,
    ClusterState,
    Link,
    Placement,
    ReviewTask,
    place_record,
)
from matching.classify import Explanation
from matching.model import MatchModel
from mdm import golden, match_views, matcher
from mdm.models import GoldenRecord, MatchDecision, SourceRecord, Xref
from mdm.models import ReviewTask as ReviewTaskRow
from mdm.store import execute
from mdm.store import golden_state as store
from mdm.store.in_lists import padded_chunks
from mdm.store.insert_batch import InsertBatch, or_immediate


@dataclass(frozen=True)
class ChangedRecord:
    record_id: uuid.UUID
    source_key: str
    source: str
    payload: Mapping[str, Any]
    as_of: dt.datetime
    # Stored just now: it has no keys, view or golden record yet.
    is_new: bool = False
    # Its view and keys when standardised ahead (`mdm ingest`'s worker); else made here.
    standardised: matcher.Standardised | None = None
    # Its `golden.member_fields` when made ahead, likewise.
    member_fields: golden.MemberFields | None = None


@dataclass
class MatchRun:
    """What one resolve run saw and decided, before anything is written."""

    entity_type: str
    model: MatchModel
    views: dict[uuid.UUID, Any]
    shared: dict[uuid.UUID, dict[uuid.UUID, set[str]]]
    current: dict[uuid.UUID, uuid.UUID]
    state: ClusterState
    links: dict[str, list[Link]]
    # When each of the candidates' golden records was created (survivors are the oldest).
    created: dict[uuid.UUID, dt.datetime]
    explained: dict[frozenset[str], Any] = field(default_factory=dict)
    joins: list[tuple[str, Link]] = field(default_factory=list)
    tasks: list[ReviewTask] = field(default_factory=list)


def resolve_records(session: Session, entity_type: str, changed: list[ChangedRecord],
                    *, now: dt.datetime, batch: InsertBatch | None = None,
                    model: MatchModel | None = None) -> dict[str, str]:
    """Link each changed record to a golden record; returns source_key → golden id.

    New rows go through `batch` (the caller flushes it; inserted at once when None). `model`
    is the active one when the caller read it already.
    """
    batch = or_immediate(batch)
    run = match_changed(session, entity_type, changed, batch=batch, model=model)
    plan = _plan(run, changed)
    targets, absorbed = golden.choose_survivors(session, plan.goldens_of, now=now,
                                                created=run.created)
    new_goldens = {targets.setdefault(component, uuid.uuid4()): [
        golden.Member(r.source, r.record_id, r.payload, r.as_of, fields=r.member_fields)
        for r in members]
        for component, members in plan.members_of.items() if component not in targets}
    golden.insert_new(session, entity_type, new_goldens, now=now, batch=batch)
    _write_xref(session, batch, plan, targets, run.current, now)
    _record_decisions(session, batch, run, plan, targets, now)
    _record_review_tasks(session, batch, run, now)
    rebuilt = set(targets.values()) - set(new_goldens)
    if absorbed or rebuilt:
        batch.flush(session)  # both read the golden rows and the xref written above
    golden.absorb(session, absorbed, now=now)
    golden.rebuild(session, entity_type, rebuilt, now=now, batch=batch)
    return {record.source_key: str(targets[plan.component_of[record.record_id]])
            for record in changed}


def match_changed(session: Session, entity_type: str, changed: list[ChangedRecord],
                  *, batch: InsertBatch | None = None,
                  model: MatchModel | None = None) -> MatchRun:
    """Standardise, block, score and place the changed records; writes only their keys and views.

    `batch` (flushed here, with the candidates' lookup) may hold the records' rows.
    """
    batch = or_immediate(batch)
    model = model if model is not None else matcher.current_model(session, entity_type)
    ready = {r.record_id: r.standardised or _standardise(entity_type, r) for r in changed}
    views = {record_id: item.view for record_id, item in ready.items()}
    keys = {record_id: item.keys for record_id, item in ready.items()}
    new = {r.record_id for r in changed if r.is_new}
    matcher.replace_match_keys(session, entity_type, keys, new=new, batch=batch)
    match_views.save_views(session, entity_type, views, new=new, batch=batch)
    candidates = matcher.find_candidates(session, entity_type, keys, model,
                                         known_views=views.keys(), batch=batch)
    others = {c for found in candidates.shared.values() for c in found} - views.keys()
    views.update({record_id: candidates.views[record_id]
                  for record_id in others if record_id in candidates.views})
    views.update(matcher.load_views(session, entity_type, others - views.keys()))
    current = {record_id: candidates.golden_ids[record_id]
               for record_id in others if record_id in candidates.golden_ids}
    current.update(store.golden_ids_of_records(session, [r.record_id for r in changed
                                                         if not r.is_new]))
    state, created = _seed_state(session, current, candidates.members)
    explained: dict[frozenset[str], Any] = {}
    run = MatchRun(entity_type, model, views, candidates.shared, current, state,
                   _score(entity_type, views, candidates.shared, model, explained), created,
                   explained)
    for record in changed:
        _place(run, str(record.record_id))
    return run


def _standardise(entity_type: str, record: ChangedRecord) -> matcher.Standardised:
    view = matcher.standardise(entity_type, record.record_id, record.source, record.payload)
    return matcher.Standardised(record.record_id, view, matcher.stored_keys(view))


_xref, _goldens = Xref.__table__, GoldenRecord.__table__
# Built once, like the other statements a single API record runs (building cost ~0.1 ms each).
_MEMBERS = (select(_xref.c.golden_id, _xref.c.source_record_id, _goldens.c.created_at,
                    store.has_not_a_match(_xref.c.source_record_id))
            .join(_goldens, _goldens.c.id == _xref.c.golden_id)
            .where(_xref.c.golden_id.in_(bindparam("golden_ids", expanding=True))))


def _seed_state(session: Session, current: Mapping[uuid.UUID, uuid.UUID],
                known_members: Iterable[tuple] | None = None
                ) -> tuple[ClusterState, dict[uuid.UUID, dt.datetime]]:
    """Clusters = the candidates' golden records with all their members; not-a-match vetoes.

    Seeded oldest first, so a record linked equally to two golden records joins the older.
    Also returns when each of those golden records was created. `known_members` (rows of
    `_MEMBERS`, read with the candidates) spares reading the golden records they cover.
    """
    members: dict[str, list[str]] = defaultdict(list)
    created: dict[uuid.UUID, dt.datetime] = {}
    constrained = False
    wanted = set(current.values())
    known = [row for row in known_members or () if row[0] in wanted]
    golden_ids = sorted(wanted - {row[0] for row in known}, key=str)
    for part in padded_chunks(golden_ids, 500):
        known.extend(execute(session, _MEMBERS, {"golden_ids": part}))
    for golden_id, record_id, created_at, has_pair in known:
        members[str(golden_id)].append(str(record_id))
        created[golden_id] = created_at
        constrained = constrained or has_pair
    seen = {r for ids in members.values() for r in ids}
    everyone = seen | {str(r) for r in current}
    # Not-a-match pairs are a steward's rare decisions: read them only when a member has one
    # (or when a record is not among the members read, which the xref should not allow).
    pairs = (store.not_a_match_pairs(session, everyone) if constrained or everyone - seen
             else set())
    state = ClusterState(pairs)
    for golden_id in sorted(created, key=lambda g: (created[g], str(g))):
        state.add_cluster(str(golden_id), sorted(members[str(golden_id)]))
    return state, created


def _score(entity_type: str, views: Mapping[uuid.UUID, Any],
           shared: Mapping[uuid.UUID, Mapping[uuid.UUID, set[str]]],
           model: MatchModel, explained: dict) -> dict[str, list[Link]]:
    """Each candidate pair scored once; links listed under both of their records."""
    pairs, seen = [], set()
    for record_id, found in shared.items():
        for other, keys in found.items():
            pair = tuple(sorted((str(record_id), str(other))))
            if pair not in seen and other in views:
                seen.add(pair)
                pairs.append(matcher.PairToScore(views[record_id], views[other],
                                                 tuple(sorted(keys))))
    links: dict[str, list[Link]] = defaultdict(list)
    for link in matcher.score_pairs(entity_type, pairs, model, explained):
        links[link.record_a].append(link)
        links[link.record_b].append(link)
    return links


def _place(run: MatchRun, record_id: str) -> None:
    """Place one record; a record already linked stays in its golden record (see below)."""
    state = run.state
    home = state.member_of.pop(record_id, None)
    if home is not None:
        state.members[home].remove(record_id)
    placement = place_record(record_id, run.links.get(record_id, ()), state,
                             run.model.thresholds)
    run.tasks.extend(placement.review_tasks)
    if home is None:
        _note_joins(run, placement)  # before apply: absorbed clusters still list their members
        state.apply(placement)
        return
    # An updated record keeps its golden record: moving it would split one without a steward,
    # so other golden records it now links to go to review instead.
    state.member_of[record_id] = home
    state.members[home].append(record_id)
    for cluster_id in {placement.cluster_id, *placement.absorbed} - {home, record_id}:
        link = _best_link_to(run, record_id, cluster_id)
        run.tasks.append(ReviewTask((record_id, link.other(record_id)), "two_clusters",
                                    link.match_weight))


def _best_link_to(run: MatchRun, record_id: str, cluster_id: str) -> Link:
    members = set(run.state.members.get(cluster_id, ())) | {cluster_id}
    return max((lk for lk in run.links.get(record_id, ()) if lk.other(record_id) in members
                and lk.outcome == AUTO_LINK), key=lambda lk: lk.match_weight)


def _note_joins(run: MatchRun, placement: Placement) -> None:
    if placement.is_new_cluster:
        return
    record_id = placement.record_id
    for cluster_id in (placement.cluster_id, *placement.absorbed):
        run.joins.append((record_id, _best_link_to(run, record_id, cluster_id)))


@dataclass
class LinkPlan:
    """Final clusters of the changed records and the existing golden records they hold."""

    component_of: dict[uuid.UUID, str]
    goldens_of: dict[str, set[uuid.UUID]]
    members_of: dict[str, list[ChangedRecord]]


def _plan(run: MatchRun, changed: list[ChangedRecord]) -> LinkPlan:
    plan = LinkPlan({}, defaultdict(set), defaultdict(list))
    for record in changed:
        component = run.state.member_of[str(record.record_id)]
        plan.component_of[record.record_id] = component
        plan.members_of[component].append(record)
    existing = {str(g): g for g in run.current.values()}
    for component, members in list(run.state.members.items()):
        if component not in plan.members_of:
            continue
        for member in members:
            golden_id = run.current.get(uuid.UUID(member))
            if golden_id is not None and str(golden_id) in existing:
                plan.goldens_of[component].add(golden_id)
    return plan


def _write_xref(session: Session, batch: InsertBatch, plan: LinkPlan,
                targets: dict[str, uuid.UUID], current: dict, now: dt.datetime) -> None:
    table = Xref.__table__
    new_rows, moved = [], []
    for record_id, component in plan.component_of.items():
        target = targets[component]
        if record_id not in current:
            new_rows.append({"source_record_id": record_id, "golden_id": target, "linked_at": now})
        elif current[record_id] != target:
            moved.append({"b_id": record_id, "golden_id": target, "linked_at": now})
    batch.add(session, table, new_rows)
    if moved:
        session.execute(update(table).where(table.c.source_record_id == bindparam("b_id")),
                        moved, execution_options={"synchronize_session": False})


def _explain(run: MatchRun, pairs: list[tuple[str, str]]) -> list[Any]:
    """The matcher's results, with explanations, for record-id pairs of this run."""
    missing = [pair for pair in pairs if frozenset(pair) not in run.explained]
    for pair, result in zip(missing, _explain_afresh(run, missing), strict=True):
        run.explained[frozenset(pair)] = result
    return [run.explained[frozenset(pair)] for pair in pairs]


def _explain_afresh(run: MatchRun, pairs: list[tuple[str, str]]) -> list[Any]:
    to_score = []
    for record_id, other in pairs:
        left, right = uuid.UUID(record_id), uuid.UUID(other)
        keys = run.shared.get(left, {}).get(right) or run.shared.get(right, {}).get(left) or ()
        to_score.append(matcher.PairToScore(run.views[left], run.views[right],
                                            tuple(sorted(keys))))
    return matcher.explain_pairs(run.entity_type, to_score, run.model)


def _record_decisions(session: Session, batch: InsertBatch, run: MatchRun, plan: LinkPlan,
                      targets: dict, now: dt.datetime) -> None:
    """An auto_link decision, with its explanation, for every golden record a record joined."""
    rows = []
    results = _explain(run, [(record_id, link.other(record_id)) for record_id, link in run.joins])
    for (record_id, link), result in zip(run.joins, results, strict=True):
        target = targets[plan.component_of[uuid.UUID(record_id)]]
        rows.append({
            "id": uuid.uuid4(), "entity_type": run.entity_type, "kind": "auto_link",
            "left_record_id": uuid.UUID(record_id),
            "right_record_id": uuid.UUID(link.other(record_id)),
            "left_golden_id": None, "right_golden_id": target,
            "match_weight": result.match_weight, "match_probability": result.match_probability,
            "explanation": explanation_json(result.explanation), "model_version": run.model.version,
            "actor": golden.MATCHER, "reason": "", "created_at": now,
        })
    batch.add(session, MatchDecision.__table__, rows)


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    """Returns `explanation.to_dict()`, built without `dataclasses.asdict`'s deep copies.

    asdict copied every value of thousands of explanations per chunk (a tenth of ingestion).
    """
    data = dict(explanation.__dict__)
    data["fields"] = tuple(dict(field_weight.__dict__) for field_weight in explanation.fields)
    return data


def review_priority(match_weight: float, model: MatchModel, impact: float = 0.0) -> float:
    """Returns the priority of a review task: uncertainty times business impact.

    Uncertainty is 1 on a threshold, falling as the weight leaves it; `impact` (records behind
    a customer, units in stock of a product) raises it logarithmically, so a busy customer or a
    stocked product is decided first without drowning every other task.
    """
    distance = min(abs(match_weight - model.thresholds.auto_link),
                   abs(match_weight - model.thresholds.review))
    return (1.0 + math.log1p(max(impact, 0.0))) / (1.0 + distance)


def _business_impact(session: Session, run: MatchRun, tasks: list[ReviewTask]) -> dict:
    """Impact per task pair: for customers the other records of both golden records, for
    products the units on hand of both records' SKUs."""
    if run.entity_type == "product":
        on_hand = stock_on_hand(session, {r for task in tasks for r in task.record_ids})
        return {task.record_ids: sum(on_hand.get(r, 0) for r in task.record_ids)
                for task in tasks}
    impact = {}
    for task in tasks:
        clusters = {run.state.member_of.get(r, r) for r in task.record_ids}
        records = sum(len(run.state.members.get(c, ())) for c in clusters)
        impact[task.record_ids] = max(records - 2, 0)
    return impact


def stock_on_hand(session: Session, product_record_ids: set[str]) -> dict[str, int]:
    """Units on hand reported for each product source record (its source's stock rows)."""
    if not product_record_ids:
        return {}
    records = SourceRecord.__table__
    products = session.execute(
        select(records.c.id, records.c.source_id, records.c.source_key)
        .where(records.c.id.in_([uuid.UUID(r) for r in product_record_ids]))).all()
    sku = records.c.payload["source_sku"].as_string()
    units = records.c.payload["on_hand"].as_integer()
    totals: dict[str, int] = {}
    for record_id, source_id, source_key in products:
        total = session.execute(select(func.coalesce(func.sum(units), 0)).where(
            records.c.entity_type == "stock", records.c.source_id == source_id,
            sku == source_key)).scalar()
        totals[str(record_id)] = int(total or 0)
    return totals


def _record_review_tasks(session: Session, batch: InsertBatch, run: MatchRun,
                         now: dt.datetime) -> None:
    """A review task per pair left undecided, unless one is already open for that pair."""
    pairs: dict[frozenset[str], ReviewTask] = {}
    for task in run.tasks:
        left, right = task.record_ids
        if run.state.member_of.get(left) != run.state.member_of.get(right):
            pairs.setdefault(frozenset(task.record_ids), task)
    open_pairs = _open_review_pairs(session, {r for pair in pairs for r in pair})
    new_tasks = [task for pair, task in pairs.items() if pair not in open_pairs]
    rows = []
    impact = _business_impact(session, run, new_tasks)
    for task, result in zip(new_tasks, _explain(run, [t.record_ids for t in new_tasks]),
                            strict=True):
        rows.append({
            "id": uuid.uuid4(), "entity_type": run.entity_type,
            "left_record_id": uuid.UUID(task.record_ids[0]),
            "right_record_id": uuid.UUID(task.record_ids[1]),
            "match_weight": result.match_weight, "match_probability": result.match_probability,
            "priority": review_priority(result.match_weight, run.model,
                                        impact[task.record_ids]),
            "explanation": {**explanation_json(result.explanation), "reason": task.reason},
            "status": "open", "created_at": now, "comment": "",
        })
    batch.add(session, ReviewTaskRow.__table__, rows)


_tasks = ReviewTaskRow.__table__
_OPEN_TASKS = select(_tasks.c.left_record_id, _tasks.c.right_record_id).where(
    _tasks.c.status == "open",
    or_(_tasks.c.left_record_id.in_(bindparam("ids", expanding=True)),
        _tasks.c.right_record_id.in_(bindparam("ids", expanding=True))))


def _open_review_pairs(session: Session, record_ids: set[str]) -> set[frozenset[str]]:
    ids = [uuid.UUID(r) for r in record_ids]
    found = set()
    for part in padded_chunks(ids, 500):
        rows = execute(session, _OPEN_TASKS, {"ids": part})
        found.update(frozenset((str(left), str(right))) for left, right in rows)
    return found
