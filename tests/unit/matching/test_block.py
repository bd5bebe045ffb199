import dataclasses
import datetime as dt

import numpy as np

from matching.batch import candidate_pairs
from matching.block import (
    blocking_keys,
    customer_keys,
    drop_crowded_keys,
    key_kind,
    product_keys,
)
from matching.model import default_model
from matching.views import AddressView
from tests.unit.matching.sample_views import MILK, YULIYA, customer, name, product


def test_every_customer_key_carries_its_kind():
    kinds = {key_kind(k) for k in customer_keys(YULIYA)}
    assert kinds == {
        "email",
        "phone",
        "card",
        "name_dob",
        "phonetic_dob",
        "name_postcode",
        "dob_postcode",
        "name_city",
        "address",
        "surname_phone",
        "given_phone",
        "surname_city",
    }


def test_email_phone_and_card_keys_hold_the_standardised_values():
    keys = customer_keys(YULIYA)
    assert {"email:yuliya.ivanova@mail.ru", "phone:+79123456789", "card:4000123"} <= keys


def test_swapped_first_and_last_names_share_a_name_dob_key():
    swapped = customer(first_name=name("ivanov"), last_name=name("yuliya"), last_name_stem="yuliya")
    shared = {key_kind(k) for k in customer_keys(YULIYA) & customer_keys(swapped)}
    assert "name_dob" in shared


def test_a_cashier_swapping_day_and_month_still_meets_the_web_record():
    cashier = customer(
        birth_date=dt.date(1990, 4, 3),
        birth_date_swapped=dt.date(1990, 3, 4),
        emails=(),
        phones=(),
        loyalty_card=None,
        address=None,
    )
    assert any(k.startswith("name_dob:") for k in customer_keys(YULIYA) & customer_keys(cashier))


def test_an_initial_makes_no_name_key():
    initial = customer(first_name=name("y"), birth_date=None, birth_date_swapped=None)
    assert not {
        k
        for k in customer_keys(initial)
        if key_kind(k) in {"name_dob", "name_postcode", "name_city"}
    }


def test_a_customer_without_identifiers_or_names_has_no_keys():
    empty = customer(
        first_name=None,
        last_name=None,
        last_name_stem=None,
        middle_name=None,
        emails=(),
        phones=(),
        birth_date=None,
        birth_date_swapped=None,
        address=None,
        loyalty_card=None,
    )
    assert customer_keys(empty) == frozenset()


def test_a_masked_phone_makes_no_phone_key_but_meets_the_full_phone_by_surname_and_last_digits():
    marketplace = customer(
        first_name=name("y"),
        middle_name=None,
        emails=(),
        phones=(),
        phone_suffix="89",
        birth_date=None,
        birth_date_swapped=None,
        address=None,
        loyalty_card=None,
    )
    keys = customer_keys(marketplace)
    assert not any(key_kind(k) == "phone" for k in keys)
    assert keys & customer_keys(YULIYA) == {"surname_phone:ivanov|y|89"}


def test_sibling_variants_of_another_volume_do_not_share_a_title_key():
    litre = product(quantity=MILK.quantity.__class__(1000.0, "ml"))
    assert not {k for k in product_keys(MILK) & product_keys(litre) if key_kind(k) == "brand_title"}


def test_an_address_key_needs_house_street_and_city():
    no_house = customer(
        address=AddressView(city="moskva", street="tverskaya", key="moskva tverskaya")
    )
    assert not any(key_kind(k) == "address" for k in customer_keys(no_house))


def test_product_keys_carry_gtin_and_brand_with_title_words():
    keys = product_keys(MILK)
    assert "gtin:04607123456781" in keys
    assert "brand_title:prostokvashino|moloko|pasterizovannoe|930ml|-|-" in keys
    assert "brand_quantity:prostokvashino|930ml|1|moloko" in keys


def test_a_product_without_a_valid_gtin_makes_no_gtin_key():
    invalid = product(gtin=None, gtin_invalid="4607123456782")
    assert not any(key_kind(k) == "gtin" for k in product_keys(invalid))


def test_blocking_keys_dispatches_on_the_view_type():
    assert (blocking_keys(YULIYA), blocking_keys(MILK)) == (
        customer_keys(YULIYA),
        product_keys(MILK),
    )


def test_candidate_pairs_are_every_pair_sharing_a_key_once():
    keys = [
        frozenset({"email:a", "phone:1"}),
        frozenset({"email:a", "phone:1"}),
        frozenset({"phone:1"}),
        frozenset({"card:9"}),
    ]
    left, right = candidate_pairs(keys, max_block_size=10)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]


def test_a_key_shared_by_more_records_than_the_block_size_is_ignored_as_junk():
    # A store's own phone typed on every walk-in customer's profile.
    keys = [frozenset({"phone:+74950000000", f"card:{i}"}) for i in range(5)] + [
        frozenset({"card:1"})
    ]
    left, right = candidate_pairs(keys, max_block_size=4)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(1, 5)]


def test_linkage_keeps_only_pairs_across_the_two_sides():
    keys = [frozenset({"email:a"})] * 4
    left, right = candidate_pairs(keys, 10, sides=np.array([0, 0, 1, 1]))
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 2), (0, 3), (1, 2), (1, 3)]


def test_a_pick_up_point_address_past_its_kind_limit_is_dropped_while_a_phone_of_as_many_stays():
    model = dataclasses.replace(default_model("customer"), block_limits=(("address", 3),))
    pick_up = "address:7|tverskaia|moskva"
    keys = [frozenset({pick_up, "phone:+79123456789"}) for _ in range(4)]
    kept = drop_crowded_keys(keys, model)
    assert kept == (frozenset({"phone:+79123456789"}),) * 4


def test_a_kind_limit_never_exceeds_the_model_block_size():
    model = dataclasses.replace(
        default_model("product"), max_block_size=5, block_limits=(("brand_title", 50),)
    )
    assert (model.block_limit("brand_title"), model.block_limit("gtin")) == (5, 5)


def test_the_shipped_models_keep_general_keys_in_small_blocks():
    customers, products = default_model("customer"), default_model("product")
    assert customers.block_limit("address") < customers.block_limit("email") <= 20
    assert max(products.block_limit(kind) for kind in ("brand_title", "brand_quantity")) <= 30


def test_the_whole_title_keys_a_listing_whose_first_words_crowd_their_block():
    # "Смартфон iPhone 15 ..." starts the titles of every memory size and colour of a model;
    # all the words in any order, with the variant, meet only the same listing.
    phone = product(brand="apple", title_tokens=("smartfon", "ifone", "15", "pro", "512", "gb"),
                    quantity=None, color="black")
    reordered = product("web_shop:sku-9", brand="apple",
                        title_tokens=("ifone", "15", "pro", "512", "gb", "smartfon"),
                        quantity=None, color="black")
    shared = {k for k in product_keys(phone) & product_keys(reordered)
              if key_kind(k) == "brand_words"}
    assert shared == {"brand_words:apple|15 512 gb ifone pro smartfon|-|black|-|1"}
    smaller = dataclasses.replace(reordered, title_tokens=("ifone", "15", "pro", "256", "gb"))
    white = dataclasses.replace(reordered, color="white")
    for other in (smaller, white):
        assert not {k for k in product_keys(phone) & product_keys(other)
                    if key_kind(k) == "brand_words"}
