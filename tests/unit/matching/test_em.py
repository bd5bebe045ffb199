import dataclasses

import numpy as np
import pytest

from matching.classify import classify_codes
from matching.em import estimate_u, identifier_fields, make_monotone, train_em
from matching.model import default_model

MODEL = default_model("customer")
FIELDS = MODEL.field_names
NULL = -1


def simulate(rng, count, levels):
    """Level codes for `count` pairs; `levels` maps a field to {code: probability}."""
    codes = np.full((count, len(FIELDS)), NULL, dtype=np.int8)
    for field, distribution in levels.items():
        choices, weights = zip(*distribution.items(), strict=True)
        codes[:, FIELDS.index(field)] = rng.choice(choices, size=count, p=weights)
    return codes


DUPLICATE = {
    "first_name": {0: 0.9, 1: 0.1},
    "last_name": {0: 0.9, 1: 0.1},
    "birth_date": {0: 0.95, 2: 0.05},
    "phone": {0: 0.6, 2: 0.4},
    "address": {0: 0.7, 4: 0.3},
    "postcode": {0: 0.9, 2: 0.1},
    "city": {0: 0.95, 2: 0.05},
}
# Relatives: same surname, flat and often landline; another given name and birth date.
HOUSEHOLD = {
    "first_name": {5: 0.9, 3: 0.1},
    "last_name": {0: 0.95, 1: 0.05},
    "birth_date": {4: 0.95, 3: 0.05},
    "phone": {0: 0.5, 2: 0.5},
    "address": {0: 0.95, 4: 0.05},
    "postcode": {0: 1.0},
    "city": {0: 1.0},
}
RANDOM = {
    "first_name": {0: 0.005, 5: 0.995},
    "last_name": {0: 0.003, 5: 0.997},
    "birth_date": {0: 0.0003, 4: 0.9997},
    "phone": {0: 0.0001, 2: 0.9999},
    "address": {0: 0.0001, 4: 0.9999},
    "postcode": {0: 0.002, 2: 0.998},
    "city": {0: 0.02, 2: 0.98},
}


@pytest.fixture(scope="module")
def household_heavy():
    rng = np.random.default_rng(7)
    candidates = np.concatenate([simulate(rng, 1_000, DUPLICATE), simulate(rng, 6_000, HOUSEHOLD)])
    with_u = estimate_u(simulate(rng, 200_000, RANDOM), MODEL)
    return candidates, with_u


def weight(model, field, label):
    f = model.fields[FIELDS.index(field)]
    return f.levels[f.labels.index(label)].weight


def test_em_on_household_heavy_data_does_not_learn_surname_and_address_as_a_match(household_heavy):
    candidates, with_u = household_heavy
    trained = train_em(candidates, with_u, version="t").model
    relatives = simulate(
        np.random.default_rng(1),
        1,
        {
            "first_name": {5: 1},
            "last_name": {0: 1},
            "address": {0: 1},
            "postcode": {0: 1},
            "city": {0: 1},
            "phone": {0: 1},
        },
    )
    assert classify_codes(relatives, trained).outcome[0] != 0  # not auto_link
    assert weight(trained, "first_name", "else") < -3
    assert weight(trained, "birth_date", "exact") > weight(trained, "last_name", "exact")


def test_naive_em_without_the_rules_and_u_at_random_pairs_takes_the_household_for_a_match(
    household_heavy,
):
    # The guards above are not vacuous: with no rule telling relatives apart and u frozen at
    # random pairs, relatives become "matches".
    candidates, with_u = household_heavy
    ruleless = dataclasses.replace(with_u, distinct_rules=(), conflict_rules=())
    naive = train_em(candidates, ruleless, version="t", u_prior_pairs=1e12).model
    assert naive.prior == 0.5
    assert weight(naive, "first_name", "else") > -3


def test_em_recovers_the_share_of_duplicates_among_candidates(household_heavy):
    candidates, with_u = household_heavy
    result = train_em(candidates, with_u, version="t")
    assert result.converged
    assert result.model.prior == pytest.approx(1_000 / 7_000, rel=0.05)


def test_steward_not_a_match_decisions_on_relatives_lower_the_weight_of_a_shared_landline(
    household_heavy,
):
    _, with_u = household_heavy
    rng = np.random.default_rng(3)
    candidates = np.concatenate([simulate(rng, 1_000, DUPLICATE), simulate(rng, 300, HOUSEHOLD)])
    relatives = simulate(rng, 2_000, dict(HOUSEHOLD, phone={0: 1.0}))
    plain = train_em(candidates, with_u, version="t")
    labelled = train_em(
        candidates, with_u, version="t", labels=(relatives, np.zeros(len(relatives)))
    )
    assert weight(labelled.model, "phone", "exact") < weight(plain.model, "phone", "exact") - 1


def test_learnt_levels_are_monotone_a_weaker_agreement_never_weighs_more():
    m = np.array([[0.5, 0.3, 0.2]])
    u = np.array([[0.01, 0.001, 0.989]])  # the middle level would weigh more than the top one
    fixed = make_monotone(m, u, np.ones_like(m, dtype=bool))
    ratios = fixed[0] / u[0]
    assert ratios[0] >= ratios[1] >= ratios[2]
    assert fixed.sum() == pytest.approx(1.0)


def test_a_field_whose_agreement_would_count_against_a_match_is_made_neutral():
    rng = np.random.default_rng(5)
    # Every duplicate disagrees on the city, every non-duplicate agrees: nonsense to learn.
    odd = dict(DUPLICATE, city={2: 1.0})
    candidates = np.concatenate(
        [simulate(rng, 1_000, odd), simulate(rng, 3_000, dict(RANDOM, city={0: 1.0}))]
    )
    result = train_em(candidates, MODEL, version="t")
    assert any(p.startswith("city:") for p in result.problems)
    assert {lv.weight for lv in result.model.fields[FIELDS.index("city")].levels} == {0.0}


def test_u_from_random_pairs_is_each_levels_frequency():
    rng = np.random.default_rng(11)
    with_u = estimate_u(simulate(rng, 100_000, RANDOM), MODEL)
    first = with_u.fields[FIELDS.index("first_name")]
    assert first.levels[0].u == pytest.approx(0.005, rel=0.15)


# Duplicates show their e-mail and card when both records carry one; a household shares a
# family e-mail now and then and a landline often, never a birth date.
DUPLICATE_WITH_IDS = dict(
    DUPLICATE, email={0: 0.8, 2: 0.2}, loyalty_card={0: 0.85, 2: 0.15}, phone={0: 0.8, 3: 0.2}
)
HOUSEHOLD_WITH_IDS = dict(
    HOUSEHOLD, email={0: 0.3, 2: 0.7}, loyalty_card={0: 0.2, 2: 0.8}, phone={0: 0.6, 3: 0.4}
)
RANDOM_WITH_IDS = dict(
    RANDOM,
    email={0: 0.0001, 2: 0.9999},
    loyalty_card={0: 0.0001, 2: 0.9999},
    phone={0: 0.0001, 3: 0.9999},
)


@pytest.fixture(scope="module")
def household_heavy_with_identifiers():
    rng = np.random.default_rng(17)
    candidates = np.concatenate(
        [simulate(rng, 800, DUPLICATE_WITH_IDS), simulate(rng, 8_000, HOUSEHOLD_WITH_IDS)]
    )
    with_u = estimate_u(simulate(rng, 200_000, RANDOM_WITH_IDS), MODEL)
    return candidates, with_u, train_em(candidates, with_u, version="t").model


@pytest.mark.parametrize(
    ("field", "label"),
    [("email", "exact"), ("phone", "exact"), ("loyalty_card", "exact"), ("birth_date", "exact")],
)
def test_em_on_household_heavy_data_keeps_strong_identifiers_strong(
    household_heavy_with_identifiers, field, label
):
    _, with_u, trained = household_heavy_with_identifiers
    # Shipped weights are +11 to +16 bits; relatives sharing a family e-mail must not erase them.
    assert weight(trained, field, label) > 10
    assert weight(trained, field, label) > weight(with_u, field, label) - 6


def test_em_on_household_heavy_data_does_not_learn_a_shared_surname_as_a_match(
    household_heavy_with_identifiers,
):
    _, _, trained = household_heavy_with_identifiers
    surname_only = simulate(np.random.default_rng(2), 1, {"last_name": {0: 1}})
    surname_and_flat = simulate(
        np.random.default_rng(2),
        1,
        {"last_name": {0: 1}, "address": {0: 1}, "postcode": {0: 1}, "city": {0: 1}},
    )
    for pattern in (surname_only, surname_and_flat):
        scores = classify_codes(pattern, trained)
        assert scores.outcome[0] != 0  # not auto_link
        assert scores.match_weight[0] < trained.thresholds.auto_link


def test_em_keeps_the_random_pair_u_of_identifiers_when_no_steward_labelled_a_pair(
    household_heavy_with_identifiers,
):
    _, with_u, trained = household_heavy_with_identifiers
    for name in identifier_fields(MODEL):
        before, after = with_u.fields[FIELDS.index(name)], trained.fields[FIELDS.index(name)]
        random_u = [lv.u for lv in before.levels]
        assert [lv.u for lv in after.levels] == pytest.approx(random_u, rel=1e-3)


def test_the_identifiers_are_the_fields_that_alone_allow_an_auto_link():
    assert set(identifier_fields(MODEL)) == {
        "birth_date", "email", "phone", "loyalty_card", "national_id"}
