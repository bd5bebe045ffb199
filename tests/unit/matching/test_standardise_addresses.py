"""Addresses: abbreviations expanded in both languages, one key per place."""

from __future__ import annotations

import pytest

from matching.standardise import standardise_address
from matching.standardise.addresses import (
    standardise_city,
    standardise_country,
    standardise_postcode,
)

LENINA_5_12 = "moskva|lenina|5|12"


@pytest.mark.parametrize(
    "written",
    [{"city": "г. Москва", "street": "ул. Ленина, д. 5, кв. 12"},
     {"city": "Москва", "street": "улица Ленина", "house": "дом 5", "flat": "квартира 12"},
     {"city": "город Москва", "street": "Ленина ул.", "house": "д.5", "flat": "кв.12"},
     {"city": "Moscow", "street": "Lenina st.", "house": "5", "flat": "apt. 12"},
     {"city": "Moskva", "street": "ul. Lenina", "house": "d. 5", "flat": "kv. 12"},
     {"city": "МОСКВА", "street": "Ленина 5-12"},
     {"city": "Москва", "street": "Ленина", "house": "5", "flat": "12", "region": "Москва"}],
)
def test_one_flat_written_many_ways_has_one_key(written):
    assert standardise_address(written).key == LENINA_5_12


@pytest.mark.parametrize(
    ("street", "house", "code"),
    [("ул. Ленина", "д. 5 корп. 2", "5k2"), ("ул. Ленина", "5к2", "5k2"),
     ("ул. Ленина", "5 корпус 2 строение 1", "5k2s1"), ("ул. Ленина", "5 стр. 1", "5s1"),
     ("ул. Ленина", "5 bldg. 1", "5s1"), ("ул. Ленина", "5а", "5a"), ("ул. Ленина", "5 а", "5a"),
     ("ул. Ленина", "5/2", "5/2"), ("ул. Ленина, д. 5, корп. 2", None, "5k2")],
)
def test_house_corpus_and_building_get_one_code(street, house, code):
    assert standardise_address({"street": street, "house": house}).house == code


@pytest.mark.parametrize(
    ("street", "street_type"),
    [("ул. Мира", "ul"), ("пр-т Мира", "pr"), ("проспект Мира", "pr"), ("пр. Мира", "pr"),
     ("Mira ave.", "pr"), ("пер. Мира", "per"), ("Мира переулок", "per"), ("б-р Мира", "bul"),
     ("наб. Мира", "nab"), ("Мира ш.", "sh"), ("пл. Мира", "pl"), ("Мира", None)],
)
def test_street_type_is_taken_out_of_the_name(street, street_type):
    address = standardise_address({"street": street, "house": "1"})
    assert (address.street, address.street_type) == ("mira", street_type)


def test_numbered_street_keeps_its_number_wherever_it_is_written():
    first = standardise_address({"city": "Москва", "street": "1-я Тверская-Ямская ул., 12"})
    second = standardise_address({"city": "Москва", "street": "Тверская-Ямская 1-я", "house": "12"})
    assert first.key == second.key == "moskva|1 iamskaia tverskaia|12|"


def test_street_named_after_a_date_keeps_its_number():
    address = standardise_address({"street": "ул. 1 Мая", "house": "5"})
    assert (address.street, address.house) == ("1 maia", "5")


def test_english_ordinal_street():
    address = standardise_address({"street": "5th Avenue", "house": "725", "country": "US"})
    assert (address.street, address.street_type, address.house) == ("5", "pr", "725")


def test_different_flats_have_different_keys():
    first = standardise_address({"city": "Москва", "street": "Ленина", "house": "5", "flat": "12"})
    other = standardise_address({"city": "Москва", "street": "Ленина", "house": "5", "flat": "13"})
    assert first.key != other.key


def test_no_key_without_street_and_house():
    assert standardise_address({"city": "Москва", "street": "Ленина"}).key is None
    assert standardise_address({"city": "Москва"}).key is None


def test_key_falls_back_to_postcode_without_city():
    address = standardise_address({"street": "Ленина", "house": "5", "postcode": "101000"})
    assert address.key == "101000|lenina|5|"


@pytest.mark.parametrize("not_mapping", [None, "Москва, Ленина 5", 42, ["Ленина"]])
def test_address_that_is_not_a_mapping_is_none(not_mapping):
    assert standardise_address(not_mapping) is None


def test_wrong_types_inside_the_address_count_as_missing():
    address = standardise_address({"city": 42, "street": ["Ленина"], "house": None})
    assert (address.city, address.street, address.key) == (None, None, None)


@pytest.mark.parametrize(
    ("written", "city"),
    [("г. Москва", "moskva"), ("Moscow", "moskva"), ("СПб", "sankt peterburg"),
     ("Санкт-Петербург", "sankt peterburg"), ("Saint Petersburg", "sankt peterburg"),
     ("Питер", "sankt peterburg"), ("г Казань", "kazan"), ("", None)],
)
def test_city_is_canonical_latin_without_its_type(written, city):
    assert standardise_city(written) == city


@pytest.mark.parametrize(
    ("written", "code"),
    [("Россия", "RU"), ("РФ", "RU"), ("Russian Federation", "RU"), ("ru", "RU"), ("RUS", "RU"),
     ("Беларусь", "BY"), ("de", "DE"), ("Нарния", None), ("", None)],
)
def test_country_is_an_iso_code(written, code):
    assert standardise_country(written) == code


def test_missing_country_takes_the_default():
    assert standardise_address({"city": "Москва"}, default_country="RU").country == "RU"


@pytest.mark.parametrize(
    ("written", "country", "postcode"),
    [("101000", "RU", "101000"), (" 101 000 ", "RU", "101000"), ("1010", "RU", None),
     ("10100A", "RU", None), ("SW1A 1AA", "GB", "SW1A1AA"), ("", "RU", None)],
)
def test_postcode_is_six_digits_in_russia(written, country, postcode):
    assert standardise_postcode(written, country) == postcode


def test_region_type_words_are_dropped():
    address = standardise_address({"region": "Московская обл."})
    assert address.region == standardise_address({"region": "Московская область"}).region
