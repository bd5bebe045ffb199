"""Properties: every standardiser is total on any input, and idempotent where that makes sense."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from matching.standardise import (
    infer_gender,
    last_name_stem,
    masked_phone_suffix,
    parse_title,
    standardise_address,
    standardise_birth_date,
    standardise_brand,
    standardise_customer,
    standardise_email,
    standardise_gtin,
    standardise_name,
    standardise_phone,
    standardise_product,
)
from matching.standardise.text import to_latin, words

# Cyrillic, Latin, digits, punctuation, emoji and lookalikes mixed, as channels send them.
messy_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x400, max_codepoint=0x4FF),
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,-+@*/()'’ёЁйЙ🙂\t\u200b"),
        st.characters(),
    ),
    max_size=40,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | messy_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(messy_text, inner, max_size=3),
    max_leaves=6,
)
CUSTOMER_FIELDS = ["first_name", "last_name", "middle_name", "email", "phone", "birth_date",
                   "address", "loyalty_card", "updated_at"]
PRODUCT_FIELDS = ["gtin", "brand", "title", "category", "attributes", "price", "updated_at"]


@pytest.mark.parametrize("standardise", [standardise_email, standardise_phone, standardise_brand])
@given(raw=messy_text)
@example(raw="Yulia.Ivanova+promo@GMail.com")
@example(raw="ivan.petrov@ya.ru")
@example(raw="8 (912) 345-67-89")
@example(raw="L’Oréal")
@example(raw="A:A")
def test_standardising_twice_changes_nothing(standardise, raw):
    once = standardise(raw)
    assert once is None or standardise(once) == once


@given(messy_text)
@example("4607123456781")
def test_gtin_standardisation_is_idempotent(raw):
    gtin, _ = standardise_gtin(raw)
    assert gtin is None or standardise_gtin(gtin) == (gtin, None)


@given(st.text(alphabet=st.characters(min_codepoint=0x430, max_codepoint=0x44F) | st.sampled_from(
    "abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=20))
@example("юлия")
@example("iwanow")
def test_latin_folding_is_idempotent(word):
    once = to_latin(word)
    assert to_latin(once) == once


@given(messy_text)
def test_name_latin_form_is_a_fixed_point(raw):
    name = standardise_name(raw)
    if name is not None and not name.is_initial:
        assert standardise_name(name.latin).latin == name.latin


@given(json_values)
def test_single_value_standardisers_never_raise(raw):
    standardise_name(raw)
    last_name_stem(raw)
    standardise_email(raw)
    standardise_phone(raw)
    masked_phone_suffix(raw)
    standardise_birth_date(raw)
    standardise_gtin(raw)
    standardise_brand(raw)
    standardise_address(raw)
    parse_title(raw, raw)
    infer_gender(raw, raw, raw)
    words(raw) if isinstance(raw, str) else None


@given(st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), json_values, max_size=9))
def test_customer_standardisation_never_raises(raw):
    view = standardise_customer(raw, record_id="r", source="web_shop")
    assert all(isinstance(problem, str) for problem in view.invalid)


@given(st.dictionaries(st.sampled_from(PRODUCT_FIELDS), json_values, max_size=7))
def test_product_standardisation_never_raises(raw):
    view = standardise_product(raw, record_id="p", source="web_shop")
    assert all(isinstance(problem, str) for problem in view.invalid)


@given(st.dictionaries(
    st.sampled_from(["country", "region", "city", "street", "house", "flat", "postcode"]),
    messy_text, max_size=7))
def test_address_key_is_stable_when_standardised_again(raw):
    address = standardise_address(raw)
    assert address is not None
    again = standardise_address(raw)
    assert again == address
