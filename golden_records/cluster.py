"""Scored links + not-a-match constraints → clusters of source records, without chaining.

One rule, used by both entry points (`place_record` for one new record on
ingestion, `cluster_records` for a batch, which places records one by one):

* a record joins a cluster only through an auto-link to one of its members,
  and only when no member has a hard conflict, a not-a-match decision or a
  `distinct` score against it ("agrees with the cluster");
* when a record could join two or more clusters, it joins the one it links
  to most strongly (the oldest of equally strong ones); the clusters merge
  only when every one of those links is at least `strong_merge` above the
  auto-link threshold, otherwise each other cluster becomes a review task;
* a review-level link never joins anything: it becomes a review task, so a
  chain of weak links (A~B, B~C) never turns into one auto-merged cluster;
* a record opens at most one review task per cluster (its strongest link there)
  and at most `thresholds.review_tasks` in all, the strongest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from golden_records import GoldenRecordError
from matching.model import Thresholds

AUTO_LINK, REVIEW, DISTINCT = "auto_link", "review", "distinct"


@dataclass(frozen=True)
class Link:
    """A scored candidate pair, as decided by `matching.classify`."""

    record_a: str
    record_b: str
    match_weight: float
    outcome: str
    hard_conflict: bool = False

    def other(self, record_id: str) -> str:
        """The end of the link that is not `record_id`."""
        return self.record_b if self.record_a == record_id else self.record_a


@dataclass(frozen=True)
class ReviewTask:
    """A pair a steward must decide, and why the matcher would not."""

    record_ids: tuple[str, str]
    reason: str  # weak_link | two_clusters | conflicts_with_cluster
    match_weight: float


@dataclass(frozen=True)
class Placement:
    """Where one new record goes: `cluster_id` (its own id when new), clusters absorbed into it."""

    record_id: str
    cluster_id: str
    absorbed: tuple[str, ...]
    review_tasks: tuple[ReviewTask, ...]

    @property
    def is_new_cluster(self) -> bool:
        """True when the record starts a cluster of its own."""
        return self.cluster_id == self.record_id and not self.absorbed


@dataclass(frozen=True)
class Clustering:
    """Clusters (cluster id → member ids, in placement order) and the review tasks left."""

    clusters: dict[str, tuple[str, ...]]
    review_tasks: tuple[ReviewTask, ...]


class ClusterState:
    """Mutable working state of a clustering: who is in which cluster, and vetoed pairs."""

    def __init__(self, not_a_match: Iterable[tuple[str, str]] = ()) -> None:
        self.member_of: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.vetoed: dict[str, set[str]] = defaultdict(set)
        # Cluster id → its age rank (0 = oldest): equally strong links go to the older cluster,
        # so a placement never depends on how random ids happen to sort.
        self.seniority: dict[str, int] = {}
        for a, b in not_a_match:
            self.vetoed[a].add(b)
            self.vetoed[b].add(a)

    def add_cluster(self, cluster_id: str, member_ids: Iterable[str]) -> None:
        """Seed an existing cluster; clusters added earlier count as older."""
        self.members[cluster_id] = list(member_ids)
        self.member_of.update(dict.fromkeys(self.members[cluster_id], cluster_id))
        self.seniority.setdefault(cluster_id, len(self.seniority))

    def apply(self, placement: Placement) -> None:
        """Record `placement` in the state."""
        if placement.cluster_id not in self.members:
            self.members[placement.cluster_id] = []
            self.seniority.setdefault(placement.cluster_id, len(self.seniority))
        target = self.members[placement.cluster_id]
        for absorbed in placement.absorbed:
            for member in self.members.pop(absorbed):
                self.member_of[member] = placement.cluster_id
                target.append(member)
        self.member_of[placement.record_id] = placement.cluster_id
        target.append(placement.record_id)


def _vetoes(record_id: str, link: Link | None, other: str, state: ClusterState) -> bool:
    if other in state.vetoed.get(record_id, ()):
        return True  # A steward said not-a-match: the model may not undo it.
    return link is not None and (link.hard_conflict or link.outcome == DISTINCT)


def _agrees(
    record_id: str, cluster_id: str, by_other: Mapping[str, Link], state: ClusterState
) -> bool:
    return not any(_vetoes(record_id, by_other.get(m), m, state) for m in state.members[cluster_id])


def place_record(
    record_id: str, links: Sequence[Link], state: ClusterState, thresholds: Thresholds
) -> Placement:
    """The placement of a new record given its links to records already in `state`."""
    if record_id in state.member_of:
        raise GoldenRecordError(f"record {record_id!r} is already clustered")
    by_other = {
        link.other(record_id): link for link in links if link.other(record_id) in state.member_of
    }
    best: dict[str, float] = {}
    tasks: list[ReviewTask] = []
    for other, link in by_other.items():
        cluster_id = state.member_of[other]
        if link.outcome != AUTO_LINK:
            continue
        if _agrees(record_id, cluster_id, by_other, state):
            best[cluster_id] = max(best.get(cluster_id, link.match_weight), link.match_weight)
        else:
            tasks.append(
                ReviewTask((record_id, other), "conflicts_with_cluster", link.match_weight)
            )
    ranked = sorted(best, key=lambda c: (-best[c], state.seniority.get(c, len(state.seniority)), c))
    strong = thresholds.auto_link + thresholds.strong_merge
    absorbed: tuple[str, ...] = ()
    if len(ranked) > 1 and all(best[c] >= strong for c in ranked) and _mergeable(ranked, state):
        absorbed = tuple(ranked[1:])
    else:
        tasks += [_cluster_task(record_id, c, by_other, state) for c in ranked[1:]]
    cluster_id = ranked[0] if ranked else record_id
    joined = {cluster_id, *absorbed}
    tasks += [
        ReviewTask((record_id, other), "weak_link", link.match_weight)
        for other, link in by_other.items()
        if link.outcome == REVIEW and state.member_of[other] not in joined
    ]
    return Placement(record_id, cluster_id, absorbed, _best_tasks(tasks, state, thresholds))


def _best_tasks(
    tasks: Sequence[ReviewTask], state: ClusterState, thresholds: Thresholds
) -> tuple[ReviewTask, ...]:
    # A steward decides a record against a golden record once, not once per member, and
    # a record near a crowd (a pick-up point, a common name) asks about its best few only.
    best: dict[str, ReviewTask] = {}
    for task in sorted(tasks, key=lambda t: (-t.match_weight, t.record_ids)):
        best.setdefault(state.member_of[task.record_ids[1]], task)
    return tuple(best.values())[: thresholds.review_tasks]


def _mergeable(cluster_ids: Sequence[str], state: ClusterState) -> bool:
    members = [m for c in cluster_ids for m in state.members[c]]
    return not any(state.vetoed.get(m, set()).intersection(members) for m in members)


def _cluster_task(
    record_id: str, cluster_id: str, by_other: Mapping[str, Link], state: ClusterState
) -> ReviewTask:
    link = max(
        (by_other[m] for m in state.members[cluster_id] if m in by_other),
        key=lambda lk: lk.match_weight,
    )
    return ReviewTask((record_id, link.other(record_id)), "two_clusters", link.match_weight)


def cluster_records(
    record_ids: Sequence[str],
    links: Iterable[Link],
    not_a_match: Iterable[tuple[str, str]],
    thresholds: Thresholds,
) -> Clustering:
    """Clusters of `record_ids` built by placing each record in order with `place_record`."""
    by_record: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_record[link.record_a].append(link)
        by_record[link.record_b].append(link)
    state = ClusterState(not_a_match)
    tasks: list[ReviewTask] = []
    for record_id in record_ids:
        record_links = by_record.pop(record_id, ())
        if not record_links and record_id not in state.member_of:
            # Most records of a batch link to none: a cluster of their own, as place_record says.
            state.apply(Placement(record_id, record_id, (), ()))
            continue
        placement = place_record(record_id, record_links, state, thresholds)
        state.apply(placement)
        tasks += placement.review_tasks
    # A task whose two records ended up together was settled by a later, stronger link.
    open_tasks = tuple(
        t for t in tasks if state.member_of[t.record_ids[0]] != state.member_of[t.record_ids[1]]
    )
    return Clustering({c: tuple(m) for c, m in state.members.items()}, open_tasks)
