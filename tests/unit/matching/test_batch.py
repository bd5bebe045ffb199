import numpy as np
import pytest

from matching.batch import build_table, candidate_pairs, compare_rows, match_table, random_pairs
from matching.block import blocking_keys
from matching.classify import (
    OUTCOMES,
    classify_codes,
    codes_of_levels,
    explain_codes,
    level_codes,
    score,
)
from matching.compare import COMPARISONS, compare_customers, compare_products, levels_of_pairs
from matching.model import default_model
from matching.standardise import standardise_customer, standardise_product
from mdm.synthetic.customers import generate_customers
from mdm.synthetic.products import generate_products


def views(entity_type, count, seed):
    if entity_type == "customer":
        records = generate_customers(count, seed=seed, duplicate_rate=0.4)
        return [
            standardise_customer(r.record, record_id=f"{r.source}:{i}", source=r.source)
            for i, r in enumerate(records)
        ]
    records = generate_products(count, seed=seed, duplicate_rate=0.5)
    return [
        standardise_product(r.record, record_id=f"{r.source}:{i}", source=r.source)
        for i, r in enumerate(records)
    ]


def blocked_and_random_pairs(entity_type, *, seed, random_seed):
    """400 views, their table, and the pairs blocking finds plus 300 random ones."""
    sample = views(entity_type, 400, seed=seed)
    table = build_table(entity_type, sample)
    blocked = candidate_pairs(table.keys, default_model(entity_type).max_block_size)
    randomly = random_pairs(len(table), 300, seed=random_seed)
    left = np.concatenate([blocked[0], randomly[0]])
    right = np.concatenate([blocked[1], randomly[1]])
    return sample, table, left, right


@pytest.mark.parametrize("entity_type", ["customer", "product"])
def test_batch_path_gives_the_same_levels_weights_and_outcomes_as_the_single_record_path(
    entity_type,
):
    sample, table, left, right = blocked_and_random_pairs(entity_type, seed=17, random_seed=5)
    model = default_model(entity_type)
    matches, _ = match_table(table, model, (left, right))
    compare = compare_customers if entity_type == "customer" else compare_products
    for row, (a, b) in enumerate(zip(left, right, strict=True)):
        single = score(compare(sample[a], sample[b]), model)
        assert (
            level_codes(compare(sample[a], sample[b]), model).tolist()
            == matches.codes[row].tolist()
        )
        assert single.match_weight == matches.scores.match_weight[row]
        assert single.outcome == OUTCOMES[matches.scores.outcome[row]]


def test_the_sample_exercises_every_outcome_and_many_levels():
    # Guards the test above against a sample where both paths would trivially agree.
    sample = views("customer", 400, seed=17)
    model = default_model("customer")
    table = build_table("customer", sample)
    matches, _ = match_table(table, model)
    assert set(matches.scores.outcome.tolist()) == {0, 1, 2}
    assert len({tuple(r) for r in matches.codes.tolist()}) > 30


def test_batch_blocking_finds_the_pairs_the_single_path_would_find_by_index_lookups():
    sample = views("customer", 300, seed=3)
    model = default_model("customer")
    table = build_table("customer", sample)
    left, right = candidate_pairs(table.keys, model.max_block_size)
    index: dict[str, list[int]] = {}
    for row, view in enumerate(sample):
        for key in blocking_keys(view):
            index.setdefault(key, []).append(row)
    looked_up = {
        (min(row, other), max(row, other))
        for key, rows in index.items()
        if len(rows) <= model.max_block_size
        for row in rows
        for other in rows
        if other != row
    }
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == looked_up


def test_comparing_no_pairs_gives_an_empty_code_matrix():
    table = build_table("product", views("product", 5, seed=1))
    codes = compare_rows(table, np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert codes.shape == (0, len(default_model("product").fields))


@pytest.mark.parametrize("entity_type", ["customer", "product"])
def test_a_pair_compares_the_same_whichever_record_comes_first(entity_type):
    # Ingestion compares the new record with the stored one, the batch path the older with
    # the newer: a comparison that depended on the order made the two paths disagree.
    sample = views(entity_type, 1_500, seed=29)
    table = build_table(entity_type, sample)
    left, right = candidate_pairs(table.keys, default_model(entity_type).max_block_size)
    assert len(left) > 500
    assert compare_rows(table, left, right).tolist() == compare_rows(table, right, left).tolist()


def test_masha_orlova_with_crossed_names_meets_maria_orlova_on_the_same_levels_both_ways():
    masha = standardise_customer(
        {"first_name": "Орлова", "last_name": "Мша", "phone": "+7 977 769-30-76"},
        record_id="call_centre:302",
        source="call_centre",
    )
    maria = standardise_customer(
        {"first_name": "Мария", "last_name": "Орлова", "phone": "+7 977 769-30-76"},
        record_id="mobile_app:2251",
        source="mobile_app",
    )
    model = default_model("customer")
    one_way = score(compare_customers(masha, maria), model)
    other_way = score(compare_customers(maria, masha), model)
    assert one_way.explanation.fields == other_way.explanation.fields
    assert one_way.outcome == other_way.outcome


def test_a_table_built_without_keys_compares_pairs_as_the_full_table_does():
    sample = views("customer", 200, seed=23)
    full = build_table("customer", sample)
    bare = build_table("customer", sample, with_keys=False)
    left, right = candidate_pairs(full.keys, default_model("customer").max_block_size)
    assert len(left) > 0
    assert bare.keys == ()
    assert compare_rows(bare, left, right).tolist() == compare_rows(full, left, right).tolist()


@pytest.mark.parametrize("entity_type", ["customer", "product"])
def test_few_pairs_scored_one_by_one_get_the_codes_weights_and_outcomes_of_the_vectorised_path(
    entity_type,
):
    # The single-record path compares a few pairs in plain Python and reads the rules row by
    # row; the batch path does both with numpy over every pair at once.
    sample, table, left, right = blocked_and_random_pairs(entity_type, seed=23, random_seed=7)
    model = default_model(entity_type)
    vectorised = compare_rows(table, left, right)
    scores = classify_codes(vectorised, model)
    names = [c.name for c in COMPARISONS[entity_type]]
    pairs = [(sample[a], sample[b]) for a, b in zip(left, right, strict=True)]
    one_by_one = codes_of_levels(model, names, levels_of_pairs(entity_type, pairs))
    assert one_by_one.tolist() == vectorised.tolist()
    assert (vectorised == -1).any(axis=0).sum() >= len(names) // 2  # nulls on both paths
    for start in range(0, len(pairs), 6):
        few = slice(start, start + 6)
        ids = [(a.record_id, b.record_id) for a, b in pairs[few]]
        explained = explain_codes(one_by_one[few], model, ids, [()] * len(ids))
        assert [r.match_weight for r in explained] == scores.match_weight[few].tolist()
        assert [r.outcome for r in explained] == [OUTCOMES[o] for o in scores.outcome[few]]
        assert [r.explanation.hard_match for r in explained] == scores.hard_match[few].tolist()
