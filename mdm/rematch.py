"""Re-match stored records with a model: report what would change, or apply exactly that.

The batch path over every stored record of one type: standardise, block (a key's block as
ingestion counted it when the later record's chunk arrived, so a key crowded since still pairs
the records it paired then), score (`matching.batch`), then cluster in arrival order with the
same placement rule as ingestion (`golden_records.cluster.cluster_records`, steward
not-a-match pairs honoured). The new partition is compared with the xref: golden records that
would merge, golden records that would split, and review tasks that would appear. Steward
decisions bound it: a golden record a steward merged or unmerged is never split, and two of
them are never merged by the matcher. `apply_rematch` makes exactly the reported changes,
through the golden and stewardship services, audited and with their events.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from golden_records.cluster import Clustering, Link, cluster_records
from matching.batch import BatchMatches, Table, build_table, candidate_pairs, match_table
from matching.block import key_kind
from matching.classify import OUTCOMES
from matching.model import MatchModel
from mdm import golden, match_models, matcher, resolve, stewardship
from mdm.collector import rare_collections
from mdm.models import (
    AuditEntry,
    MatchDecision,
    ReviewTask,
    SourceRecord,
    SourceRecordVersion,
    Xref,
)
from mdm.store import golden_state as store

STEWARD_KINDS = ("steward_merge", "unmerge")


@dataclass(frozen=True)
class RematchReport:
    """What a re-match does: golden id groups that merge, golden ids that split, new tasks."""

    entity_type: str
    model_version: str
    records: int
    merges: tuple[tuple[str, ...], ...]
    splits: tuple[str, ...]
    review_tasks: tuple[tuple[str, str], ...]
    applied: bool = False


@dataclass(frozen=True)
class StoredTable:
    """Every stored record of one entity type, in arrival order, as match views and a Table.

    `chunks` numbers the ingestion chunk each record arrived in (records first stored at one
    moment), so that blocking sees each key's block as ingestion saw it then; two chunks
    stored at the very same moment (a frozen test clock) count as one.
    """

    record_ids: tuple[str, ...]
    views: dict[str, Any]
    table: Table
    chunks: np.ndarray


@dataclass
class RematchPlan:
    """The new partition beside the current one, and the steward decisions that bound it."""

    entity_type: str
    model: MatchModel
    stored: StoredTable
    links: dict[frozenset[str], Link]
    clustering: Clustering
    golden_of: dict[str, str]
    not_a_match: set[tuple[str, str]]
    steward_goldens: set[str]

    def cluster_of(self) -> dict[str, str]:
        """Record id → the id of its new cluster."""
        return {m: c for c, members in self.clustering.clusters.items() for m in members}


def load_stored_table(session: Session, entity_type: str) -> StoredTable:
    """Returns every stored record of `entity_type` standardised, oldest first."""
    records, versions = SourceRecord.__table__, SourceRecordVersion.__table__
    # First arrival, as ingestion placed them: the first version rows are numbered in push
    # order, while a chunk shares one received_at and updates move received_at on.
    first = (select(versions.c.source_record_id, func.min(versions.c.id).label("first_id"))
             .join(records, records.c.id == versions.c.source_record_id)
             .where(records.c.entity_type == entity_type)
             .group_by(versions.c.source_record_id).subquery())
    rows = session.execute(select(first.c.source_record_id, versions.c.received_at)
                           .join(versions, versions.c.id == first.c.first_id)
                           .order_by(first.c.first_id)).all()
    ids = [record_id for record_id, _ in rows]
    views = matcher.load_views(session, entity_type, ids)
    table = build_table(entity_type, (views[record_id] for record_id in ids))
    arrived = [received_at for _, received_at in rows]
    chunks = np.cumsum([0] + [arrived[i] != arrived[i - 1] for i in range(1, len(arrived))])
    return StoredTable(tuple(str(r) for r in ids),
                       {str(r): view for r, view in views.items()}, table, chunks[:len(ids)])


def match_stored(stored: StoredTable, model: MatchModel) -> BatchMatches:
    """Returns the scored candidate pairs of the stored records, blocked as ingestion blocked."""
    limits = cache(model.block_limit)
    pairs = candidate_pairs(stored.table.keys, model.max_block_size, chunks=stored.chunks,
                            limit_of=lambda key: limits(key_kind(key)))
    return match_table(stored.table, model, pairs)[0]


def plan_rematch(session: Session, entity_type: str, model: MatchModel) -> RematchPlan:
    """Returns the clustering `model` makes of the stored records, beside the xref; no writes."""
    with rare_collections():
        stored = load_stored_table(session, entity_type)
        matches = match_stored(stored, model)
        table = stored.table
        links = [Link(a, b, float(w), o, bool(c)) for a, b, w, o, c in zip(
            table.record_ids[matches.left], table.record_ids[matches.right],
            matches.scores.match_weight, (OUTCOMES[i] for i in matches.scores.outcome),
            matches.scores.hard_conflict, strict=True)]
        not_a_match = store.not_a_match_pairs(session, stored.record_ids)
        clustering = cluster_records(stored.record_ids, links, not_a_match, model.thresholds)
    return RematchPlan(entity_type, model, stored,
                       {frozenset((lk.record_a, lk.record_b)): lk for lk in links}, clustering,
                       current_golden_of(session, entity_type), not_a_match,
                       _steward_goldens(session, entity_type))


def current_golden_of(session: Session, entity_type: str) -> dict[str, str]:
    """Record id → golden id, from the xref, for every record of `entity_type`."""
    records, xref = SourceRecord.__table__, Xref.__table__
    rows = session.execute(select(xref.c.source_record_id, xref.c.golden_id)
                           .join(records, records.c.id == xref.c.source_record_id)
                           .where(records.c.entity_type == entity_type))
    return {str(record_id): str(golden_id) for record_id, golden_id in rows}


def _steward_goldens(session: Session, entity_type: str) -> set[str]:
    """Golden ids a steward merged or unmerged, with those holding records a steward moved."""
    table = MatchDecision.__table__
    rows = session.execute(select(table.c.left_golden_id, table.c.right_golden_id,
                                  table.c.left_record_id).where(
        table.c.entity_type == entity_type, table.c.kind.in_(STEWARD_KINDS),
        table.c.actor != golden.MATCHER)).all()
    named = {str(g) for row in rows for g in row[:2] if g is not None}
    moved = [row[2] for row in rows if row[2] is not None]
    named |= {str(g) for g in store.golden_ids_of_records(session, moved).values()}
    # A steward's golden record may since have been absorbed: its survivor inherits the care.
    return named | {str(stewardship.resolve_golden_id(session, uuid.UUID(g))) for g in named}


def merge_groups(plan: RematchPlan, golden_of: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """Groups of golden ids (by `golden_of`) that one new cluster joins and the rules allow."""
    members_of: dict[str, set[str]] = defaultdict(set)
    for record_id, golden_id in golden_of.items():
        members_of[golden_id].add(record_id)
    groups = set()
    for members in plan.clustering.clusters.values():
        goldens = tuple(sorted({golden_of[m] for m in members if m in golden_of}))
        if len(goldens) > 1 and _may_merge(plan, goldens, members_of):
            groups.add(goldens)
    return tuple(sorted(groups))


def _may_merge(plan: RematchPlan, goldens: tuple[str, ...],
               members_of: dict[str, set[str]]) -> bool:
    # Two golden records a steward shaped stay as the steward left them.
    if len(plan.steward_goldens.intersection(goldens)) > 1:
        return False
    # Not-a-match outlives re-matching, even inside a golden record a steward kept whole.
    together = set().union(*(members_of[g] for g in goldens))
    return not any(a in together and b in together for a, b in plan.not_a_match)


def split_parts(plan: RematchPlan) -> dict[str, list[tuple[str, ...]]]:
    """Golden id → its members grouped by new cluster, largest first, for each split."""
    cluster_of = plan.cluster_of()
    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for record_id, golden_id in plan.golden_of.items():
        if record_id in cluster_of:
            parts[golden_id][cluster_of[record_id]].append(record_id)
    return {golden_id: sorted((tuple(sorted(m)) for m in by_cluster.values()),
                              key=lambda m: (-len(m), m))
            for golden_id, by_cluster in sorted(parts.items())
            if len(by_cluster) > 1 and golden_id not in plan.steward_goldens}


def new_review_pairs(session: Session, plan: RematchPlan) -> tuple[tuple[str, str], ...]:
    """Record pairs the clustering leaves to a steward that no open task or decision covers."""
    pairs = {tuple(sorted(t.record_ids)) for t in plan.clustering.review_tasks}
    decided = {tuple(sorted(pair)) for pair in plan.not_a_match}
    kept_whole = {(a, b) for a, b in pairs if plan.golden_of.get(a) == plan.golden_of.get(b)
                  and plan.golden_of.get(a) in plan.steward_goldens}
    # Ingestion's own check, so a pair never gets a second open task from either path.
    open_pairs = resolve._open_review_pairs(session, {r for pair in pairs for r in pair})
    return tuple(sorted(pair for pair in pairs - decided - kept_whole
                        if frozenset(pair) not in open_pairs))


def report_of(session: Session, plan: RematchPlan) -> RematchReport:
    """Returns the changes `plan` makes: merges, splits and new review tasks."""
    return RematchReport(plan.entity_type, plan.model.version, len(plan.stored.record_ids),
                         merge_groups(plan, plan.golden_of), tuple(split_parts(plan)),
                         new_review_pairs(session, plan))


def model_for(session: Session, entity_type: str, version: str | None) -> MatchModel:
    """Returns the model of `version` (NotFoundError if unknown), or the current one."""
    if version is None:
        return matcher.current_model(session, entity_type)
    return match_models.model_of_version(session, entity_type, version)


def rematch_report(session: Session, entity_type: str, *,
                   model_version: str | None = None) -> RematchReport:
    """Returns what re-matching every stored `entity_type` record would change; writes nothing."""
    plan = plan_rematch(session, entity_type, model_for(session, entity_type, model_version))
    return report_of(session, plan)


def apply_rematch(session: Session, entity_type: str, *, actor: str, now: dt.datetime,
                  model_version: str | None = None) -> RematchReport:
    """Makes the changes `rematch_report` reports and returns that report; the caller commits.

    Splits first (each golden record keeps its largest part), then merges of the golden
    records each new cluster spans, then the new review tasks.
    """
    plan = plan_rematch(session, entity_type, model_for(session, entity_type, model_version))
    report = report_of(session, plan)
    reason = f"rematch with model {plan.model.version}"
    for golden_id, parts in split_parts(plan).items():
        for part in parts[1:]:
            stewardship.unmerge_records(session, uuid.UUID(golden_id),
                                        [uuid.UUID(r) for r in part], actor=golden.MATCHER,
                                        reason=reason, now=now)
    for group in merge_groups(plan, current_golden_of(session, entity_type)):
        _merge(session, plan, group, reason=reason, now=now)
    _add_review_tasks(session, plan, report.review_tasks, now)
    session.add(AuditEntry(occurred_at=now, actor=actor, action="rematch.apply",
                           target_type="entity_type", target_id=entity_type, reason=reason,
                           before=None, after=_summary(report)))
    session.flush()
    return RematchReport(**{**report.__dict__, "applied": True})


def _summary(report: RematchReport) -> dict[str, Any]:
    return {"model_version": report.model_version, "records": report.records,
            "merges": [list(g) for g in report.merges], "splits": list(report.splits),
            "review_tasks": [list(p) for p in report.review_tasks]}


def _merge(session: Session, plan: RematchPlan, group: tuple[str, ...], *, reason: str,
           now: dt.datetime) -> None:
    """Merge one group of golden records as the matcher does, with an auto_link decision."""
    ids = {stewardship.resolve_golden_id(session, uuid.UUID(g)) for g in group}
    targets, absorbed = golden.choose_survivors(session, {0: ids}, now=now)
    before = golden.load_states(session, ids)
    golden.absorb(session, absorbed, now=now)
    after = store.load_records(session, ids)
    for gone, survivor in sorted(absorbed.items(), key=lambda kv: str(kv[0])):
        link = _strongest_link(plan, before[str(gone)].member_ids,
                               before[str(survivor)].member_ids)
        _record_auto_link(session, plan, link, (gone, survivor), now)
    stewardship.audit(session, "golden.rematch_merge", targets[0], actor=golden.MATCHER,
                      reason=reason, before=[s.record for s in before.values()],
                      after=after.values(), now=now)


def _strongest_link(plan: RematchPlan, left: frozenset[str], right: frozenset[str]) -> Link:
    return max((plan.links[frozenset((a, b))] for a in left for b in right
                if frozenset((a, b)) in plan.links), key=lambda link: link.match_weight)


def _explained(plan: RematchPlan, pairs: list[tuple[str, str]]) -> list[Any]:
    stored = plan.stored
    row = {record_id: i for i, record_id in enumerate(stored.record_ids)}
    to_score = [matcher.PairToScore(stored.views[a], stored.views[b], tuple(sorted(
        stored.table.keys[row[a]] & stored.table.keys[row[b]]))) for a, b in pairs]
    return matcher.explain_pairs(plan.entity_type, to_score, plan.model)


def _record_auto_link(session: Session, plan: RematchPlan, link: Link,
                      goldens: tuple[uuid.UUID, uuid.UUID], now: dt.datetime) -> None:
    result = _explained(plan, [(link.record_a, link.record_b)])[0]
    session.execute(insert(MatchDecision.__table__), [{
        "id": uuid.uuid4(), "entity_type": plan.entity_type, "kind": "auto_link",
        "left_record_id": uuid.UUID(link.record_a), "right_record_id": uuid.UUID(link.record_b),
        "left_golden_id": goldens[0], "right_golden_id": goldens[1],
        "match_weight": result.match_weight, "match_probability": result.match_probability,
        "explanation": result.explanation.to_dict(), "model_version": plan.model.version,
        "actor": golden.MATCHER, "reason": "rematch", "created_at": now}])


def _add_review_tasks(session: Session, plan: RematchPlan, pairs: tuple[tuple[str, str], ...],
                      now: dt.datetime) -> None:
    reasons = {tuple(sorted(t.record_ids)): t.reason for t in plan.clustering.review_tasks}
    impact = business_impact(session, plan, pairs)
    rows = [{
        "id": uuid.uuid4(), "entity_type": plan.entity_type,
        "left_record_id": uuid.UUID(a), "right_record_id": uuid.UUID(b),
        "match_weight": result.match_weight, "match_probability": result.match_probability,
        "priority": resolve.review_priority(result.match_weight, plan.model, impact[(a, b)]),
        "explanation": {**result.explanation.to_dict(), "reason": reasons[(a, b)]},
        "status": "open", "created_at": now, "comment": "",
    } for (a, b), result in zip(pairs, _explained(plan, list(pairs)), strict=True)]
    if rows:
        session.execute(insert(ReviewTask.__table__), rows)


def business_impact(session: Session, plan: RematchPlan,
                    pairs: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], int]:
    """Impact per pair, as ingestion weighs it: for customers the other source records of
    both current golden records, for products the units on hand of both records' SKUs."""
    if plan.entity_type == "product":
        on_hand = resolve.stock_on_hand(session, {r for pair in pairs for r in pair})
        return {pair: sum(on_hand.get(r, 0) for r in pair) for pair in pairs}
    sizes = Counter(plan.golden_of.values())
    impact = {}
    for pair in pairs:
        goldens = {plan.golden_of.get(r, r) for r in pair}
        impact[pair] = max(sum(sizes.get(g, 1) for g in goldens) - 2, 0)
    return impact
