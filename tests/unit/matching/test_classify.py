import dataclasses
import datetime as dt
import json

import numpy as np
import pytest

from matching.classify import explain_codes, level_codes, rule_holds, score
from matching.compare import compare_customers, compare_products
from matching.model import ModelError, default_model, dump_model, load_model, model_to_dict
from tests.unit.matching.sample_views import MILK, MOSCOW_FLAT, YULIYA, customer, name, product

CUSTOMERS = default_model("customer")
PRODUCTS = default_model("product")


def test_match_weight_is_the_prior_plus_the_weights_of_every_field():
    result = score(compare_customers(YULIYA, customer()), CUSTOMERS)
    total = result.explanation.prior_weight + sum(f.weight for f in result.explanation.fields)
    assert result.match_weight == pytest.approx(total)


def test_the_same_person_in_two_channels_is_an_auto_link():
    result = score(compare_customers(YULIYA, customer()), CUSTOMERS)
    assert (result.outcome, result.match_probability > 0.999) == ("auto_link", True)


def test_a_null_field_weighs_nothing():
    result = score(compare_customers(YULIYA, customer(emails=())), CUSTOMERS)
    email = next(f for f in result.explanation.fields if f.field == "email")
    assert (email.level, email.weight) == (None, 0.0)


def test_two_different_birth_dates_are_never_an_auto_link_however_much_else_agrees():
    namesake = customer(birth_date=dt.date(1961, 8, 15), birth_date_swapped=None)
    result = score(compare_customers(YULIYA, namesake), CUSTOMERS)
    assert result.outcome == "review"
    assert result.explanation.hard_conflicts == ("birth_date",)


def test_mother_and_daughter_sharing_surname_patronymic_flat_and_landline_are_never_auto_linked():
    # Mother and daughter: same surname, flat and landline, no birth dates given.
    daughter = customer(
        first_name=name("mariya", phonetic="MR"),
        middle_name=None,
        emails=(),
        phones=("+74951234567",),
        birth_date=None,
        birth_date_swapped=None,
        loyalty_card=None,
    )
    mother = dataclasses.replace(
        daughter, record_id="web_shop:5", first_name=name("yuliya", phonetic="YL")
    )
    result = score(compare_customers(mother, daughter), CUSTOMERS)
    # Another given name tells relatives apart: no doubt, so no review task either. The
    # unknown card, e-mail and birth date are absent exceptions, not reasons.
    assert (result.outcome, result.explanation.hard_conflicts) == ("distinct", ("first_name",))


def test_twins_sharing_a_birth_date_surname_flat_and_landline_are_never_auto_linked():
    brother = customer(
        first_name=name("ilya", phonetic="IL"),
        middle_name=None,
        gender="m",
        last_name=name("ivanov"),
        emails=(),
        phones=("+74951234567",),
        loyalty_card=None,
    )
    sister = dataclasses.replace(
        brother, record_id="web_shop:6", first_name=name("anna", phonetic="AN")
    )
    assert score(compare_customers(brother, sister), CUSTOMERS).outcome != "auto_link"


def test_a_different_given_name_is_tolerated_when_the_loyalty_card_agrees():
    # A call-centre operator typed the given name she heard; the card and birth date are hers.
    misheard = customer(first_name=name("uliana", phonetic="ULN"))
    assert score(compare_customers(YULIYA, misheard), CUSTOMERS).outcome == "auto_link"


def test_an_auto_link_needs_an_identifier_to_agree():
    # Names, patronymic and address agree, but no birth date, e-mail, phone or card is shared.
    sparse = customer(
        emails=(), phones=(), birth_date=None, birth_date_swapped=None, loyalty_card=None
    )
    result = score(compare_customers(YULIYA, sparse), CUSTOMERS)
    assert (result.outcome, result.explanation.has_identifier) == ("review", False)


def test_same_valid_gtin_and_brand_is_a_match_by_rule():
    bare = product(title_tokens=("tovar",), title="tovar", category=None, quantity=None)
    result = score(compare_products(MILK, bare), PRODUCTS)
    assert (result.outcome, result.explanation.hard_match) == ("auto_link", True)


def test_same_gtin_and_brand_with_another_volume_goes_to_a_steward():
    litre = product(quantity=dataclasses.replace(MILK.quantity, amount=1000.0))
    result = score(compare_products(MILK, litre), PRODUCTS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("review", ("quantity",))


def test_a_sibling_variant_with_a_consecutive_gtin_and_another_size_is_distinct():
    sibling = product(
        gtin="04607123456798", size="L", quantity=dataclasses.replace(MILK.quantity, amount=1450.0)
    )
    result = score(
        compare_products(MILK.__class__(**{**MILK.__dict__, "size": "M"}), sibling), PRODUCTS
    )
    assert result.outcome == "distinct"


def test_explanation_is_json_and_names_the_keys_the_version_and_thresholds():
    vector = compare_customers(YULIYA, customer(), blocking_keys=("email:yuliya.ivanova@mail.ru",))
    stored = json.loads(json.dumps(score(vector, CUSTOMERS).explanation.to_dict()))
    assert stored["blocking_keys"] == ["email:yuliya.ivanova@mail.ru"]
    assert (stored["model_version"], stored["auto_link_threshold"]) == (
        CUSTOMERS.version,
        CUSTOMERS.thresholds.auto_link,
    )
    assert {f["field"] for f in stored["fields"]} == set(CUSTOMERS.field_names)


def test_a_model_survives_its_json_round_trip():
    assert load_model(dump_model(PRODUCTS)) == PRODUCTS


def test_a_model_naming_an_unknown_level_is_refused_with_every_problem_listed():
    data = model_to_dict(CUSTOMERS)
    data["fields"][0]["levels"][0]["label"] = "identical"
    data["rules"]["conflict"].append({"shoe_size": ["else"]})
    with pytest.raises(ModelError, match="first_name.*shoe_size"):
        load_model(json.dumps(data))


def test_a_birth_year_off_by_one_with_the_same_card_is_still_an_auto_link():
    typo = customer(birth_date=dt.date(1991, 3, 4), birth_date_swapped=dt.date(1991, 4, 3))
    result = score(compare_customers(YULIYA, typo), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("auto_link", ())


def test_a_wrong_birth_date_a_few_years_off_does_not_block_an_agreeing_card_and_email():
    wrong_date = customer(birth_date=dt.date(1987, 9, 21), birth_date_swapped=None)
    result = score(compare_customers(YULIYA, wrong_date), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("auto_link", ())


def test_a_father_and_son_of_one_name_and_card_a_generation_apart_are_never_auto_linked():
    father = customer(
        first_name=name("ivan"), last_name=name("ivanov"), middle_name=None, gender="m",
        birth_date=dt.date(1962, 5, 1), birth_date_swapped=dt.date(1962, 1, 5),
    )
    son = dataclasses.replace(
        father, record_id="web_shop:9", birth_date=dt.date(1990, 5, 1), birth_date_swapped=None
    )
    result = score(compare_customers(father, son), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("review", ("birth_date",))


def test_another_patronymic_tells_a_son_named_after_his_father_apart():
    father = customer(first_name=name("ivan"), middle_name=name("petrovich"), gender="m")
    son = customer("app:3", first_name=name("ivan"), middle_name=name("ivanovich"), gender="m")
    result = score(compare_customers(father, son), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("distinct", ("middle_name",))


def test_a_marketplace_buyer_with_an_initial_and_a_masked_phone_links_to_the_full_profile():
    buyer = customer(
        "marketplace_ozon:48000001", last_name=name("i"), last_name_stem=None,
        middle_name=None, emails=(), phones=(), phone_suffix="89", phone_prefix="+7912",
        birth_date=None, birth_date_swapped=None, address=None, loyalty_card=None,
    )
    result = score(compare_customers(YULIYA, buyer), CUSTOMERS)
    assert (result.outcome, result.explanation.has_identifier) == ("auto_link", True)


def test_explain_codes_gives_for_each_row_what_score_gives_for_its_pair():
    pairs = [customer(), customer(birth_date=dt.date(1961, 8, 15), birth_date_swapped=None)]
    singles = [score(compare_customers(YULIYA, other), CUSTOMERS) for other in pairs]
    codes = np.stack([level_codes(compare_customers(YULIYA, o), CUSTOMERS) for o in pairs])
    ids = [(YULIYA.record_id, o.record_id) for o in pairs]
    assert explain_codes(codes, CUSTOMERS, ids, [(), ()]) == singles


def test_a_namesake_in_the_same_big_city_with_nothing_else_shared_is_distinct_not_review():
    # Юлия Иванова in Москва: many strangers share that; a steward could not tell them apart.
    city_only = dataclasses.replace(MOSCOW_FLAT, street=None, house=None, flat=None,
                                    postcode=None, key=None)
    namesake = customer(emails=(), phones=(), birth_date=None, birth_date_swapped=None,
                        loyalty_card=None, middle_name=None, address=city_only)
    result = score(compare_customers(YULIYA, namesake), CUSTOMERS)
    assert result.match_weight >= CUSTOMERS.thresholds.review
    assert result.outcome == "distinct"


def test_names_and_a_home_address_without_an_identifier_are_evidence_enough_for_review():
    at_home = customer(emails=(), phones=(), birth_date=None, birth_date_swapped=None,
                       loyalty_card=None)
    assert score(compare_customers(YULIYA, at_home), CUSTOMERS).outcome == "review"


def test_a_listing_without_gtin_in_another_colour_is_distinct_not_review():
    white = product(record_id="web_shop:sku-2", color="white")
    pink = product(gtin=None, color="pink")
    assert score(compare_products(white, pink), PRODUCTS).outcome == "distinct"


def test_a_sibling_with_another_valid_gtin_and_the_same_title_is_distinct_not_review():
    sibling = product(gtin="04607123456798")
    assert score(compare_products(MILK, sibling), PRODUCTS).outcome == "distinct"


def test_a_listing_without_gtin_naming_the_same_variant_is_an_auto_link():
    white = product(record_id="web_shop:sku-2", color="white")
    listing = product(gtin=None, color="white")
    result = score(compare_products(white, listing), PRODUCTS)
    assert (result.outcome, result.explanation.hard_match) == ("auto_link", True)


def test_a_listing_without_gtin_and_one_variant_attribute_unsaid_goes_to_a_steward():
    white = product(record_id="web_shop:sku-2", color="white", size="M")
    listing = product(gtin=None, color="white")
    assert score(compare_products(white, listing), PRODUCTS).outcome == "review"


def test_a_sibling_gtin_with_the_same_words_and_variant_is_never_the_same_variant():
    sibling = product(gtin="04607123456798")
    assert compare_products(MILK, sibling).level("title") == "ts_0.95"
    assert score(compare_products(MILK, sibling), PRODUCTS).outcome == "distinct"


def test_a_stranger_sharing_only_a_first_name_and_birth_date_is_never_an_auto_link():
    # Юлия Петрова, born the same day as Юлия Иванова: no e-mail, phone or card in common.
    stranger = customer(last_name=name("petrova", phonetic="PTRAV"), last_name_stem="petrov",
                        emails=(), phones=(), loyalty_card=None, address=None, middle_name=None)
    result = score(compare_customers(YULIYA, stranger), CUSTOMERS)
    assert result.match_weight >= CUSTOMERS.thresholds.auto_link
    assert (result.outcome, result.explanation.hard_conflicts[0]) == ("review", "last_name")


def test_a_married_name_with_the_same_phone_and_birth_date_is_still_an_auto_link():
    married = customer(last_name=name("petrova", phonetic="PTRAV"), last_name_stem="petrov",
                       emails=(), loyalty_card=None, address=None)
    assert score(compare_customers(YULIYA, married), CUSTOMERS).outcome == "auto_link"


@pytest.mark.parametrize("model", [CUSTOMERS, PRODUCTS], ids=lambda m: m.entity_type)
def test_a_rule_holds_exactly_where_each_named_field_has_one_of_its_levels(model):
    rng = np.random.default_rng(7)
    # Every level of every field, null (-1) included, in random combinations.
    codes = np.stack([rng.integers(-1, len(f.levels), size=400) for f in model.fields], axis=1)
    labels = {f.name: (f.labels, i) for i, f in enumerate(model.fields)}

    def by_labels(row, rule):
        return all((labels[name][0][row[labels[name][1]]] if row[labels[name][1]] >= 0
                    else "null") in wanted for name, wanted in rule)

    rules = (model.match_rules + model.conflict_rules + model.distinct_rules
             + model.auto_link_requires + model.review_requires)
    for rule in rules:
        expected = [by_labels(row, rule) for row in codes]
        assert rule_holds(codes, model, rule).tolist() == expected


def married(**changes):
    """Юлия after marriage: Петрова, with no e-mail, phone or card in common."""
    return customer(last_name=name("petrova", phonetic="PTRAV"), last_name_stem="petrov",
                    emails=(), phones=(), loyalty_card=None, middle_name=None, **changes)


@pytest.mark.parametrize("flat", ["12", "40"])
def test_a_married_name_at_the_same_home_with_the_same_given_name_and_birth_date_is_an_auto_link(
        flat):
    # Nobody in a household shares both given name and birth date: a new surname is a marriage.
    home = dataclasses.replace(MOSCOW_FLAT, flat=flat, key=f"125009 moskva tverskaya 7 {flat}")
    assert score(compare_customers(YULIYA, married(address=home)), CUSTOMERS).outcome == (
        "auto_link")


ARBAT = dataclasses.replace(MOSCOW_FLAT, street="arbat", house="3", key="125009 moskva arbat 3 12")


@pytest.mark.parametrize(
    "changes",
    [
        {"address": ARBAT},
        {"birth_date": dt.date(1991, 6, 4), "birth_date_swapped": None},
        {"first_name": name("yelena", phonetic="ELN")},
        {"first_name": name("y")},
    ],
)
def test_another_surname_unless_given_name_birth_date_and_home_all_agree_is_never_an_auto_link(
        changes):
    result = score(compare_customers(YULIYA, married(**changes)), CUSTOMERS)
    assert result.outcome != "auto_link"
    assert "last_name" in result.explanation.hard_conflicts or result.outcome == "distinct"
