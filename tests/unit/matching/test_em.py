import numpy as np
import pytest

from matching.classify import classify_codes
from matching.em import estimate_u, make_monotone, train_em
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


def test_naive_em_with_u_fixed_at_random_pairs_would_take_the_household_for_the_match_class(
    household_heavy,
):
    # The guard above is not vacuous: with u frozen at random pairs, relatives become "matches".
    candidates, with_u = household_heavy
    naive = train_em(candidates, with_u, version="t", u_prior_pairs=1e12).model
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
