import datetime as dt

import pytest

from matching.compare import compare_customers, compare_products, same_size
from matching.views import AddressView, Quantity
from tests.unit.matching.sample_views import MILK, MOSCOW_FLAT, YULIYA, customer, name, product


def level(field, other, base=YULIYA):
    return compare_customers(base, other).level(field)


@pytest.mark.parametrize(
    ("other_first", "expected"),
    [
        (name("yuliya", phonetic="YL"), "exact"),
        (name("yulia", phonetic="YLA"), "jw_0.92"),
        (name("iuliia", phonetic="YL"), "phonetic"),
        (name("julia", phonetic="JL"), "jw_0.80"),
        (name("y"), "initial"),
        (name("m"), "else"),
        (name("marina", phonetic="MRN"), "else"),
        (None, None),
    ],
)
def test_first_name_levels_from_exact_to_null(other_first, expected):
    assert level("first_name", customer(first_name=other_first)) == expected


def test_diminutive_with_the_same_canonical_name_is_an_exact_first_name():
    sasha = customer(first_name=name("sasha", canonical="aleksandr"))
    aleksandr = customer("web_shop:9", first_name=name("aleksandr"))
    assert compare_customers(sasha, aleksandr).level("first_name") == "exact"


def test_an_initial_agrees_with_the_full_name_a_diminutive_stands_for():
    # A marketplace writes "А. Макарова", the web shop "Саша Макарова": Саша is Александра.
    initial = customer(first_name=name("a"))
    sasha = customer("web_shop:9", first_name=name("sasha", canonical="aleksandra"))
    assert compare_customers(initial, sasha).level("first_name") == "initial"
    masha = customer("web_shop:10", first_name=name("masha", canonical="maria"))
    assert compare_customers(initial, masha).level("first_name") == "else"


def test_ivanov_and_ivanova_agree_exactly_through_the_last_name_stem():
    husband = customer(last_name=name("ivanov"), last_name_stem="ivanov")
    assert level("last_name", husband) == "exact"


def test_first_and_last_name_swapped_by_a_cashier_are_read_back_in_order():
    swapped = customer(
        first_name=name("ivanova", phonetic="IVANAV"),
        last_name=name("yuliya", phonetic="YL"),
        last_name_stem="yuliya",
    )
    vector = compare_customers(YULIYA, swapped)
    # Read crossed, the last name loses its stem: ivanova vs ivanov is near, not exact.
    assert (vector.level("first_name"), vector.level("last_name")) == ("exact", "jw_0.92")


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(1990, 3, 4), "exact"),
        (dt.date(1990, 4, 3), "swapped"),
        (dt.date(1990, 3, 5), "typo"),
        (dt.date(1991, 3, 4), "typo"),
        (dt.date(1990, 11, 28), "near"),
        (dt.date(1985, 7, 30), "near"),
        (dt.date(1965, 7, 30), "else"),
        (None, None),
    ],
)
def test_birth_date_levels(born, expected):
    assert level("birth_date", customer(birth_date=born, birth_date_swapped=None)) == expected


@pytest.mark.parametrize(
    ("emails", "expected"),
    [
        (("yuliya.ivanova@mail.ru", "yi@gmail.com"), "exact"),
        (("yuliya.ivanova@yandex.ru",), "local"),
        (("ivanovy.family@mail.ru",), "else"),
        ((), None),
    ],
)
def test_email_levels(emails, expected):
    assert level("email", customer(emails=emails)) == expected


@pytest.mark.parametrize(
    ("phones", "suffix", "expected"),
    [
        (("+79123456789",), None, "exact"),
        ((), "89", "suffix"),
        ((), "67", "else"),
        (("+79161112233",), None, "else"),
        ((), None, None),
    ],
)
def test_phone_levels_with_a_masked_marketplace_phone(phones, suffix, expected):
    assert level("phone", customer(phones=phones, phone_suffix=suffix)) == expected


@pytest.mark.parametrize(
    ("start", "suffix", "expected"),
    [
        ("+7912", "89", "masked"),
        ("+7916", "89", "suffix"),
        ("+7912", "67", "else"),
    ],
)
def test_a_masked_phone_showing_its_operator_code_agrees_more_than_by_its_tail(
    start, suffix, expected
):
    marketplace = customer(phones=(), phone_suffix=suffix, phone_prefix=start)
    assert level("phone", marketplace) == expected


def test_two_masked_phones_agree_when_code_and_tail_both_agree():
    buyer = customer(phones=(), phone_suffix="67", phone_prefix="+7916")
    assert compare_customers(buyer, customer(phones=(), phone_suffix="67", phone_prefix="+7916")
                             ).level("phone") == "masked"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (MOSCOW_FLAT, "exact"),
        (
            AddressView(city="moskva", street="tverskaja", house="7", key="moskva tverskaja 7"),
            "street_house",
        ),
        (
            AddressView(city="moskva", street="tverskaya", house="19", key="moskva tverskaya 19"),
            "street",
        ),
        (
            AddressView(city="moskva", street="tverskoj", house="7", key="moskva tverskoj 7"),
            "house",
        ),
        (AddressView(city="kazan", street="baumana", house="7", key="kazan baumana 7"), "else"),
        (None, None),
    ],
)
def test_address_levels(address, expected):
    assert level("address", customer(address=address)) == expected


@pytest.mark.parametrize(
    ("postcode", "expected"), [("125009", "exact"), ("125090", "typo"), ("420111", "else")]
)
def test_postcode_levels_tolerate_one_transposition(postcode, expected):
    address = AddressView(city="moskva", postcode=postcode, key=f"{postcode} moskva")
    assert level("postcode", customer(address=address)) == expected


@pytest.mark.parametrize(
    ("card", "expected"),
    [("4000123", "exact"), ("4000132", "typo"), ("7771234", "else"), (None, None)],
)
def test_loyalty_card_levels(card, expected):
    assert level("loyalty_card", customer(loyalty_card=card)) == expected


def test_gender_disagrees_for_aleksandr_and_aleksandra():
    sasha_m = customer(first_name=name("aleksandr"), gender="m")
    sasha_f = customer("web_shop:2", first_name=name("aleksandra"), gender="f")
    assert compare_customers(sasha_m, sasha_f).level("gender") == "else"


def test_comparison_is_symmetric_in_its_levels():
    other = customer(first_name=name("yulia", phonetic="YLA"), birth_date=dt.date(1990, 4, 3))
    assert compare_customers(YULIYA, other).levels == compare_customers(other, YULIYA).levels


@pytest.mark.parametrize(
    ("gtin", "expected"),
    [
        ("04607123456781", "exact"),
        ("04607123456798", "family"),
        ("05000112637922", "else"),
        (None, None),
    ],
)
def test_gtin_levels_see_a_sibling_variant_as_family_not_exact(gtin, expected):
    assert compare_products(MILK, product(gtin=gtin)).level("gtin") == expected


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (("pasterizovannoe", "moloko", "ultra"), "ts_0.95"),
        (("moloko", "sterilizovannoe"), "ts_0.85"),
        (("moloko", "pitevoe", "ultrapasterizovannoe"), "ts_0.70"),
        (("kefir", "biojogurt"), "else"),
    ],
)
def test_title_levels_by_token_set_ratio(tokens, expected):
    assert compare_products(MILK, product(title_tokens=tokens)).level("title") == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (Quantity(930.0, "ml"), "exact"),
        (Quantity(932.0, "ml"), "exact"),
        (Quantity(1000.0, "ml"), "else"),
        (Quantity(930.0, "g"), "else"),
        (None, None),
    ],
)
def test_quantity_levels_absorb_rounding_but_not_another_volume(quantity, expected):
    assert compare_products(MILK, product(quantity=quantity)).level("quantity") == expected


def test_variant_attributes_compare_exact_or_else():
    red_six = product(color="red", size="M", pack_count=6)
    blue_one = product("web_shop:sku-2", color="blue", size="L", pack_count=1)
    vector = compare_products(red_six, blue_one)
    assert [vector.level(f) for f in ("color", "size", "pack_count")] == ["else", "else", "else"]


def test_a_screen_in_centimetres_and_in_inches_is_one_size():
    # 127 cm is a 50" screen: the same television, whichever unit the shop writes.
    inches = product(title_tokens=("televizor", "kristal", "uhd"), size="50", quantity=None,
                     color=None, gtin=None)
    centimetres = product("web_shop:tv-1", title_tokens=("televizor", "kristal", "uhd"),
                          size="127cm", quantity=None, color=None, gtin=None)
    assert compare_products(inches, centimetres).level("size") == "exact"
    bigger = product("web_shop:tv-2", title_tokens=("televizor", "kristal", "uhd"),
                     size="140cm", quantity=None, color=None, gtin=None)
    assert compare_products(inches, bigger).level("size") == "else"


def test_same_size_converts_only_between_centimetres_and_inches():
    assert same_size("24cm", "24cm") and not same_size("24cm", "26cm")
    assert not same_size("24cm", "M") and not same_size("42", "42.5")
