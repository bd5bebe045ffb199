"""Re-match stored records with the current model and report what would change.

The batch path over every stored record of one type: standardise, block, score
(`matching.batch`), then cluster in arrival order with the same placement rule as ingestion
(`golden_records.cluster.cluster_records`, steward not-a-match pairs honoured). The new
partition is compared with the xref: golden records that would merge, golden records that
would split, and review tasks that would appear.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_records.cluster import Link, cluster_records
from matching.batch import build_table, match_table
from matching.classify import OUTCOMES
from mdm import matcher
from mdm.models import SourceRecord, Xref
from mdm.store import golden_state as store


@dataclass(frozen=True)
class RematchReport:
    """What a re-match would do: golden id groups that merge, golden ids that split, tasks."""

    entity_type: str
    records: int
    merges: tuple[tuple[str, ...], ...]
    splits: tuple[str, ...]
    review_tasks: tuple[tuple[str, str], ...]


def rematch_report(session: Session, entity_type: str) -> RematchReport:
    """Returns what re-matching every stored `entity_type` record would change; writes nothing."""
    records = SourceRecord.__table__
    ids = list(session.scalars(select(records.c.id).where(records.c.entity_type == entity_type)
                               .order_by(records.c.received_at, records.c.id)))
    views = matcher.load_views(session, entity_type, ids)
    model = matcher.current_model(session, entity_type)
    table = build_table(entity_type, (views[record_id] for record_id in ids))
    matches, _ = match_table(table, model)
    links = [Link(a, b, float(w), o, bool(c)) for a, b, w, o, c in zip(
        table.record_ids[matches.left], table.record_ids[matches.right],
        matches.scores.match_weight, (OUTCOMES[i] for i in matches.scores.outcome),
        matches.scores.hard_conflict, strict=True)]
    record_ids = [str(record_id) for record_id in ids]
    clustering = cluster_records(record_ids, links, store.not_a_match_pairs(session, record_ids),
                                 model.thresholds)
    golden_of = {str(r): str(g) for r, g in session.execute(
        select(Xref.source_record_id, Xref.golden_id))}
    return RematchReport(entity_type, len(ids), *_changes(clustering.clusters, golden_of),
                         tuple(t.record_ids for t in clustering.review_tasks))


def _changes(clusters: dict[str, tuple[str, ...]], golden_of: dict[str, str]
             ) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """Groups of current golden ids one new cluster joins, and golden ids spread over clusters."""
    clusters_of_golden: dict[str, set[str]] = defaultdict(set)
    merges = []
    for cluster_id, members in clusters.items():
        goldens = sorted({golden_of[m] for m in members if m in golden_of})
        if len(goldens) > 1:
            merges.append(tuple(goldens))
        for golden_id in goldens:
            clusters_of_golden[golden_id].add(cluster_id)
    splits = tuple(sorted(g for g, found in clusters_of_golden.items() if len(found) > 1))
    return tuple(sorted(merges)), splits
