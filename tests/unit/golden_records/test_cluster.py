import pytest

from golden_records import GoldenRecordError
from golden_records.cluster import ClusterState, Link, cluster_records, place_record
from matching.model import Thresholds

THRESHOLDS = Thresholds(auto_link=10.0, review=0.0, strong_merge=6.0)
WEB, POS, APP, OZON = (
    "web_shop:yuliya",
    "pos_store:yuliya",
    "mobile_app:yuliya",
    "marketplace_ozon:yu",
)


def auto(a, b, weight=20.0, conflict=False):
    return Link(a, b, weight, "review" if conflict else "auto_link", conflict)


def weak(a, b, weight=5.0):
    return Link(a, b, weight, "review")


def clusters_of(result):
    return sorted(tuple(sorted(members)) for members in result.clusters.values())


def test_a_chain_of_weak_links_never_becomes_one_auto_merged_cluster():
    result = cluster_records([WEB, POS, APP], [weak(WEB, POS), weak(POS, APP)], (), THRESHOLDS)
    assert clusters_of(result) == [(APP,), (POS,), (WEB,)]
    assert {t.record_ids for t in result.review_tasks} == {(POS, WEB), (APP, POS)}


def test_strong_links_join_one_cluster():
    result = cluster_records([WEB, POS, APP], [auto(WEB, POS), auto(POS, APP)], (), THRESHOLDS)
    assert clusters_of(result) == [tuple(sorted((WEB, POS, APP)))]


def test_a_record_scored_distinct_against_a_member_does_not_join_through_another_member():
    links = [auto(WEB, POS), auto(POS, APP), Link(WEB, APP, -8.0, "distinct")]
    result = cluster_records([WEB, POS, APP], links, (), THRESHOLDS)
    assert clusters_of(result) == [(APP,), tuple(sorted((WEB, POS)))]
    assert [t.reason for t in result.review_tasks] == ["conflicts_with_cluster"]


def test_not_a_match_is_honoured_even_against_a_strong_link():
    result = cluster_records([WEB, POS], [auto(WEB, POS, 40.0)], [(WEB, POS)], THRESHOLDS)
    assert clusters_of(result) == [(POS,), (WEB,)]


def test_not_a_match_with_one_member_keeps_a_record_out_of_the_whole_cluster():
    links = [auto(WEB, POS), auto(POS, APP)]
    result = cluster_records([WEB, POS, APP], links, [(APP, WEB)], THRESHOLDS)
    assert clusters_of(result) == [(APP,), tuple(sorted((WEB, POS)))]


def test_a_hard_conflict_with_a_member_keeps_a_record_out():
    links = [auto(WEB, POS), auto(POS, APP), auto(WEB, APP, 25.0, conflict=True)]
    result = cluster_records([WEB, POS, APP], links, (), THRESHOLDS)
    assert clusters_of(result) == [(APP,), tuple(sorted((WEB, POS)))]


def test_a_record_linking_strongly_to_two_clusters_merges_them_only_far_above_the_threshold():
    state = ClusterState()
    for record in (WEB, POS):
        state.apply(place_record(record, [], state, THRESHOLDS))
    placement = place_record(APP, [auto(APP, WEB, 30.0), auto(APP, POS, 17.0)], state, THRESHOLDS)
    assert (placement.cluster_id, placement.absorbed) == (WEB, (POS,))


@pytest.mark.parametrize("older", ["cluster-z", "cluster-a"])
def test_a_record_linking_equally_to_two_clusters_joins_the_older_whatever_their_ids(older):
    state = ClusterState()
    younger = "cluster-a" if older == "cluster-z" else "cluster-z"
    state.add_cluster(older, [WEB])
    state.add_cluster(younger, [POS])
    placement = place_record(APP, [auto(APP, POS, 14.0), auto(APP, WEB, 14.0)], state, THRESHOLDS)
    assert (placement.cluster_id, placement.absorbed) == (older, ())
    assert [t.record_ids for t in placement.review_tasks] == [(APP, POS)]


def test_a_record_linking_to_two_clusters_with_one_link_near_the_threshold_asks_a_steward():
    state = ClusterState()
    for record in (WEB, POS):
        state.apply(place_record(record, [], state, THRESHOLDS))
    placement = place_record(APP, [auto(APP, WEB, 30.0), auto(APP, POS, 12.0)], state, THRESHOLDS)
    assert (placement.cluster_id, placement.absorbed) == (WEB, ())
    assert [(t.record_ids, t.reason) for t in placement.review_tasks] == [
        ((APP, POS), "two_clusters")
    ]


def test_two_clusters_with_a_not_a_match_between_them_are_never_merged():
    state = ClusterState([(WEB, POS)])
    for record in (WEB, POS):
        state.apply(place_record(record, [], state, THRESHOLDS))
    placement = place_record(APP, [auto(APP, WEB, 30.0), auto(APP, POS, 30.0)], state, THRESHOLDS)
    assert placement.absorbed == ()


def test_a_new_record_without_links_starts_its_own_cluster():
    placement = place_record(OZON, [], ClusterState(), THRESHOLDS)
    assert placement.is_new_cluster


def test_placing_a_record_twice_is_refused():
    state = ClusterState()
    state.apply(place_record(WEB, [], state, THRESHOLDS))
    with pytest.raises(GoldenRecordError):
        place_record(WEB, [], state, THRESHOLDS)


def test_a_batch_listing_a_record_twice_is_refused_even_without_links():
    with pytest.raises(GoldenRecordError):
        cluster_records([WEB, POS, WEB], [], (), THRESHOLDS)


def test_batch_clustering_equals_placing_records_one_by_one():
    links = [auto(WEB, POS), weak(POS, APP), auto(APP, OZON), Link(WEB, OZON, -3.0, "distinct")]
    batch = cluster_records([WEB, POS, APP, OZON], links, (), THRESHOLDS)
    state = ClusterState()
    for record in (WEB, POS, APP, OZON):
        state.apply(
            place_record(
                record,
                [lk for lk in links if record in (lk.record_a, lk.record_b)],
                state,
                THRESHOLDS,
            )
        )
    assert batch.clusters == {c: tuple(m) for c, m in state.members.items()}


def test_a_record_near_one_golden_record_opens_one_review_task_for_its_strongest_member():
    members = [f"web_shop:ivanova-{n}" for n in range(4)]
    links = [auto(members[0], m) for m in members[1:]]
    links += [weak(OZON, m, 3.0 + n) for n, m in enumerate(members)]
    result = cluster_records([*members, OZON], links, (), THRESHOLDS)
    assert [t.record_ids for t in result.review_tasks] == [(OZON, members[3])]


def test_a_record_near_a_crowd_opens_only_its_best_few_review_tasks():
    # A pick-up point's buyers: each a golden record of their own, all weakly like the newcomer.
    buyers = [f"marketplace_ozon:buyer-{n}" for n in range(10)]
    links = [weak(WEB, b, 1.0 + n) for n, b in enumerate(buyers)]
    result = cluster_records([*buyers, WEB], links, (), THRESHOLDS)
    assert [t.match_weight for t in result.review_tasks] == [10.0, 9.0, 8.0]
