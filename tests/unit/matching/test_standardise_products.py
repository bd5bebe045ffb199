"""Products: GTIN-14, canonical brands, and titles parsed into quantity, pack, colour, size."""

from __future__ import annotations

import pytest

from matching.standardise import (
    JunkValues,
    parse_title,
    product_holds_junk,
    standardise_brand,
    standardise_gtin,
    standardise_product,
)
from matching.standardise.titles import parse_quantity, standardise_color, standardise_size
from matching.views import Quantity

HALF_LITRE = Quantity(500.0, "ml")


@pytest.mark.parametrize(
    ("written", "gtin14"),
    [("4607123456781", "04607123456781"), (" 4607123456781 ", "04607123456781"),
     ("460-712345678-1", "04607123456781"), ("96385074", "00000096385074"),
     ("036000291452", "00036000291452"), ("0036000291452", "00036000291452"),
     ("10036000291459", "10036000291459")],
)
def test_ean8_upca_ean13_and_gtin14_become_gtin14(written, gtin14):
    assert standardise_gtin(written) == (gtin14, None)


@pytest.mark.parametrize("bad", ["4607123456782", "460712345678", "abc", "12345", "46071234567811"])
def test_gtin_failing_its_check_is_kept_only_as_invalid(bad):
    assert standardise_gtin(bad) == (None, bad)


@pytest.mark.parametrize("empty", [None, "", "  ", 4607123456781, ["4607123456781"]])
def test_empty_or_non_string_gtin_is_nothing(empty):
    assert standardise_gtin(empty) == (None, None)


@pytest.mark.parametrize(
    ("written", "brand"),
    [("Samsung", "samsung"), ("SAMSUNG", "samsung"), ("Самсунг", "samsung"),
     ("L’Oréal", "loreal"), ("L'Oreal Paris", "loreal"), ("Лореаль", "loreal"),
     ("Coca-Cola", "cocacola"), ("Coca Cola", "cocacola"), ("Кока-Кола", "cocacola"),
     ("Nestlé", "nestle"), ("Нестле", "nestle"), ("P&G", "pg"), ("Ｓｏｎｙ", "sony")],
)
def test_brand_in_any_script_and_case_has_one_canonical_form(written, brand):
    assert standardise_brand(written) == brand


def test_unknown_brand_is_its_folded_latin_key():
    assert standardise_brand("Вкусвилл") == standardise_brand("Vkusvill") == "vkusvil"


@pytest.mark.parametrize("empty", [None, "", " ", "—", "🙂", 42])
def test_brand_without_letters_is_none(empty):
    assert standardise_brand(empty) is None


@pytest.mark.parametrize(
    "written", ["0,5 л", "0.5 л", "500 мл", "500ml", "0.5L", "0,5л", "50 cl", "0.5 литра",
                "0.5 liter"],
)
def test_half_litre_in_any_spelling_is_500_ml(written):
    assert parse_quantity(written) == HALF_LITRE


@pytest.mark.parametrize(
    ("written", "quantity"),
    [("1 кг", Quantity(1000.0, "g")), ("1000 г", Quantity(1000.0, "g")),
     ("1000гр", Quantity(1000.0, "g")), ("1kg", Quantity(1000.0, "g")),
     ("250 mg", Quantity(0.25, "g")), ("нет", None), ("", None), (None, None)],
)
def test_weight_is_in_grams(written, quantity):
    assert parse_quantity(written) == quantity


def test_bare_number_takes_the_unit_of_its_attribute():
    assert parse_quantity(500, "ml") == HALF_LITRE
    assert parse_quantity(500) is None
    assert parse_quantity(True, "ml") is None


@pytest.mark.parametrize(
    ("title", "pack"),
    [("Вода Боржоми 6 x 0,5 л", 6), ("Вода Боржоми 6х0,5л", 6), ("Вода Боржоми 0,5 л x 6", 6),
     ("Вода Боржоми 6 шт x 0,5 л", 6), ("Вода Боржоми 0,5 л 6шт", 6), ("Вода Боржоми 0,5 л", None),
     ("Borjomi water 6 pcs 500ml", 6)],
)
def test_pack_count_and_unit_volume_come_apart(title, pack):
    _, quantity, pack_count, _, _ = parse_title(title)
    assert (quantity, pack_count) == (HALF_LITRE, pack)


@pytest.mark.parametrize(
    ("written", "colour"),
    [("красный", "red"), ("красная", "red"), ("красные", "red"), ("Красное", "red"),
     ("чёрный", "black"), ("черная", "black"), ("синий", "blue"), ("синяя", "blue"),
     ("синее", "blue"), ("голубой", "light-blue"), ("темно-синий", "navy"), ("Gray", "grey"),
     ("хаки", "khaki"), ("бордо", "burgundy"), ("RED", "red"), ("Ярко-красный", "red"),
     ("papaya", "papaia"), ("", None), (None, None)],
)
def test_colour_in_russian_and_english_has_one_english_name(written, colour):
    assert standardise_color(written) == colour


@pytest.mark.parametrize(
    ("written", "size"),
    [("S", "S"), ("xl", "XL"), ("XXL", "XXL"), ("2XL", "XXL"), ("42", "42"), ("42,5", "42.5"),
     ("р. 44", "44"), ("размер 44", "44"), ("р-р 46", "46"), ("size M", "M"), (42, "42"),
     (42.5, "42.5"), ("", None), (None, None)],
)
def test_size_has_one_canonical_form(written, size):
    assert standardise_size(written) == size


@pytest.mark.parametrize(
    ("title", "colour", "size"),
    [("Футболка Nike красная XL", "red", "XL"), ("Футболка Nike красная M", "red", "M"),
     ("Кроссовки Nike Air Max 90 чёрные р. 42,5", "black", "42.5"),
     ("Кроссовки Nike Air Max 90 43", None, "43"), ("T-shirt Nike white S", "white", "S"),
     ("Смартфон Apple iPhone 15", None, None)],
)
def test_colour_and_size_keep_variants_apart(title, colour, size):
    _, _, _, found_colour, found_size = parse_title(title)
    assert (found_colour, found_size) == (colour, size)


def test_model_number_stays_a_token():
    tokens, *_ = parse_title("Кроссовки Nike Air Max 90 43")
    assert "90" in tokens and "43" not in tokens


def test_title_tokens_leave_out_brand_units_colour_and_size():
    tokens, *_ = parse_title("Футболка Nike красная XL 100% хлопок", brand="nike")
    assert tokens == ("futbolka", "100%", "hlopok")


def test_fat_content_stays_among_tokens():
    tokens, quantity, *_ = parse_title("Молоко Простоквашино 2,5% 930 мл")
    assert "2.5%" in tokens and quantity == Quantity(930.0, "ml")


def test_two_word_brand_is_removed_from_tokens():
    tokens, *_ = parse_title("Red Bull энергетик 250 мл", brand="redbull")
    assert tokens == ("energetik",)


def test_attributes_override_the_title():
    attributes = {"color": "синий", "size": "L", "volume": "1 л"}
    _, quantity, _, colour, size = parse_title("Футболка красная XL 0,5 л", attributes)
    assert (quantity, colour, size) == (Quantity(1000.0, "ml"), "blue", "L")


def test_weight_attribute_as_a_number_is_grams():
    assert parse_title("Сахар", {"weight": 900})[1] == Quantity(900.0, "g")


@pytest.mark.parametrize("title", [None, "", "   ", 42, "🙂🙂", "<img src=x onerror=alert(1)>"])
def test_odd_titles_never_crash(title):
    tokens, *_ = parse_title(title, ["not", "a", "mapping"])
    assert isinstance(tokens, tuple)


def test_product_view_of_a_full_record():
    view = standardise_product(
        {"gtin": "4607123456781", "brand": "Самсунг", "title": "Телевизор Samsung 55 чёрный",
         "category": "  Телевизоры ", "attributes": {"size": "55"}, "price": 49990,
         "currency": "RUB", "unknown_field": {"ignored": True}},
        record_id="tv-1", source="marketplace_ozon")
    assert (view.gtin, view.brand, view.color, view.size, view.category) == (
        "04607123456781", "samsung", "black", "55", "телевизоры")
    assert view.title_tokens == ("televizor",)
    assert view.invalid == ()


def test_product_with_a_bad_check_digit_keeps_it_only_as_invalid():
    view = standardise_product({"gtin": "4607123456782"}, record_id="1", source="pos_store")
    assert (view.gtin, view.gtin_invalid) == (None, "4607123456782")
    assert view.invalid == ("gtin:invalid:4607123456782",)


@pytest.mark.parametrize("dummy", ["0000000000000", "00000000", "1111111111116"])
def test_dummy_gtin_is_dropped_as_junk(dummy):
    view = standardise_product({"gtin": dummy}, record_id="1", source="pos_store")
    assert view.gtin is None
    assert view.invalid[0].startswith("gtin:junk:")


def test_gtin_shared_by_unrelated_brands_is_dropped_when_known_junk():
    junk = JunkValues(gtins=frozenset({"04607123456781"}))
    view = standardise_product({"gtin": "4607123456781"}, record_id="1", source="web", junk=junk)
    assert view.gtin is None and view.invalid == ("gtin:junk:04607123456781",)


def test_only_a_product_holding_a_junk_gtin_changes_with_junk():
    junk = JunkValues(gtins=frozenset({"04607123456781"}))
    holding = standardise_product({"gtin": "4607123456781"}, record_id="1", source="web")
    other = standardise_product({"gtin": "4600000000015"}, record_id="2", source="web")
    assert other.gtin is not None
    assert product_holds_junk(holding, junk) and not product_holds_junk(other, junk)
    assert standardise_product({"gtin": "4600000000015"}, record_id="2", source="web",
                               junk=junk) == other


def test_wrong_types_in_a_product_become_invalid_not_errors():
    view = standardise_product(
        {"gtin": 4607123456.781, "brand": ["Nike"], "title": {"ru": "Кроссовки"},
         "attributes": "red"}, record_id="1", source="web")
    assert (view.gtin, view.brand, view.title) == (None, None, None)
    assert set(view.invalid) == {"gtin:wrong_type:float", "brand:wrong_type:list",
                                 "attributes:wrong_type:str", "title:wrong_type:dict"}


def test_a_gtin_sent_as_a_json_number_is_read_like_its_digits():
    as_number = standardise_product({"gtin": 4607123456781}, record_id="1", source="api")
    as_text = standardise_product({"gtin": "4607123456781"}, record_id="2", source="api")
    assert (as_number.gtin, as_number.invalid) == (as_text.gtin, ()) == ("04607123456781", ())


def test_a_gtin_number_failing_its_check_digit_is_kept_only_as_invalid():
    view = standardise_product({"gtin": 4607123456782}, record_id="1", source="api")
    assert (view.gtin, view.gtin_invalid) == (None, "4607123456782")


def test_product_record_that_is_not_a_mapping_gives_an_empty_view():
    view = standardise_product(["gtin"], record_id="1", source="web")
    assert view.gtin is None and view.invalid == ("record:wrong_type:list",)


@pytest.mark.parametrize("title", [
    "Вода Aqua Minerale pro 2 0,5 л уп. 12 шт",
    "Aqua Minerale вода pro 2, 500 мл, уп. 12 шт",
    "вода aqua minerale pro 2 0,5л уп.12ш",
])
def test_a_pack_is_counted_after_its_label_not_from_the_model_number(title):
    tokens, _, pack_count, _, _ = parse_title(title, brand="aquaminerale")
    assert (pack_count, tokens[-2:]) == (12, ("pro", "2"))


def test_a_percentage_reads_the_same_with_or_without_a_space():
    assert parse_title("Молоко 2,5 %, 1 л")[0] == parse_title("Молоко 2.5% 1 л")[0]


def test_a_colour_cut_short_with_a_dot_is_the_colour_but_a_whole_word_is_not():
    tokens, _, _, colour, _ = parse_title("Смартфон Galaxy S24 128 гб черн.")
    assert (colour, "chern" in tokens) == ("black", False)
    assert parse_title("Кофе Черновар")[3] is None


@pytest.mark.parametrize("title", ['Телевизор LG OLED C3 55"', "Телевизор LG OLED C3 55 дюймов"])
def test_a_screen_diagonal_in_inches_is_the_size(title):
    tokens, _, _, _, size = parse_title(title, brand="lg")
    assert (tokens, size) == (("televizor", "oled", "k3"), "55")


def test_a_length_in_centimetres_is_the_size_not_title_words():
    # One shop gives a screen's diagonal in centimetres, another in inches: "127 см" left among
    # the words kept two listings of one television from ever having the same words.
    tokens, _, _, _, size = parse_title("Телевизор Samsung Crystal UHD CU7100 Pro 127 см",
                                        brand="samsung")
    assert (tokens, size) == (("televizor", "kristal", "uhd", "ku7100", "pro"), "127cm")
    assert parse_title("Телевизор LG OLED C3 140 см", {"size": '55"'}, brand="lg")[::4] == (
        ("televizor", "oled", "k3"), "55")
    assert parse_title("Сковорода Tefal 24см")[4] == "24cm"


def test_one_side_of_a_width_by_length_is_no_size():
    assert parse_title("Полотенце махровое 50x90 см")[4] is None
