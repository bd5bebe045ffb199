"""Customer views and junk values: what the matcher gets from a raw customer record."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.standardise import (
    JunkValues,
    customer_holds_junk,
    detect_junk,
    standardise_customer,
)
from matching.standardise.junk import (
    is_dummy_card,
    is_dummy_email,
    is_dummy_phone,
    junk_from_owner_counts,
)

YULIA = {
    "first_name": "Юлия", "last_name": "Иванова", "middle_name": "Сергеевна",
    "email": "Yulia.Ivanova@Mail.ru", "phone": "+7 912 345-67-89", "birth_date": "05.03.1987",
    "address": {"country": "Россия", "city": "г. Москва", "street": "ул. Ленина", "house": "5",
                "flat": "12", "postcode": "101000"},
    "loyalty_card": "2900 0123 4567 8", "updated_at": "2026-01-15T10:00:00Z",
}


def view_of(raw, **options):
    return standardise_customer(raw, record_id="r1", source="web_shop", **options)


def test_full_record_becomes_a_complete_view():
    view = view_of(YULIA)
    assert (view.record_id, view.source) == ("r1", "web_shop")
    assert (view.first_name.canonical, view.last_name.latin, view.middle_name.latin) == (
        "iulia", "ivanova", "sergevna")
    assert (view.last_name_stem, view.gender) == ("ivanov", "f")
    assert view.emails == ("yulia.ivanova@mail.ru",)
    assert view.phones == ("+79123456789",)
    assert (view.birth_date, view.birth_date_swapped) == (dt.date(1987, 3, 5), dt.date(1987, 5, 3))
    assert view.address.key == "moskva|lenina|5|12"
    assert view.address.country == "RU"
    assert view.loyalty_card == "2900012345678"
    assert view.invalid == ()


def test_latin_spelling_of_the_same_person_gives_the_same_keys():
    latin = view_of({"first_name": "Yuliya", "last_name": "Ivanova", "phone": "89123456789",
                     "email": "yulia.ivanova+shop@mail.ru",
                     "address": {"city": "Moscow", "street": "Lenina st.", "house": "5",
                                 "flat": "12"}})
    cyrillic = view_of(YULIA)
    for part in ("emails", "phones", "last_name_stem", "gender"):
        assert getattr(latin, part) == getattr(cyrillic, part)
    assert latin.first_name.canonical == cyrillic.first_name.canonical
    assert latin.address.key == cyrillic.address.key


def test_swapped_names_are_repaired_and_the_diminutive_resolved_by_gender():
    view = view_of({"first_name": "Иванова", "last_name": "Саша"})
    assert (view.first_name.canonical, view.last_name.latin, view.gender) == (
        "aleksandra", "ivanova", "f")


def test_surname_is_not_read_as_a_diminutive():
    assert view_of({"first_name": "Анна", "last_name": "Саша"}).last_name.canonical == "sasha"


def test_several_phones_and_emails_in_one_field_are_all_kept():
    view = view_of({"phone": "8 912 345-67-89, 8 (495) 223-45-67; +7 912 345 67 89",
                    "email": ["yulia@mail.ru", "Yulia.Ivanova@gmail.com; yulia@mail.ru"]})
    assert view.phones == ("+79123456789", "+74952234567")
    assert view.emails == ("yulia@mail.ru", "yuliaivanova@gmail.com")


def test_masked_phone_gives_only_its_visible_start_and_suffix():
    view = view_of({"phone": "+7 916 ***-**-67"})
    assert (view.phones, view.phone_prefix, view.phone_suffix, view.invalid) == (
        (), "+7916", "67", ())


def test_masked_phone_written_with_the_trunk_prefix_starts_like_its_e164_form():
    assert view_of({"phone": "8 (916) ***-**-67"}).phone_prefix == "+7916"


def test_invalid_values_are_reported_not_kept():
    view = view_of({"email": "yulia@", "phone": "12345", "birth_date": "31.02.1987",
                    "address": {"city": "Москва", "postcode": "1010"}})
    assert (view.emails, view.phones, view.birth_date) == ((), (), None)
    assert view.invalid == ("email:invalid:yulia@", "phone:invalid:12345",
                            "birth_date:invalid:31.02.1987", "address.postcode:invalid:1010")


def test_birth_date_after_the_record_was_updated_is_invalid():
    view = view_of({"birth_date": "2026-02-01", "updated_at": "2026-01-15T10:00:00Z"})
    assert view.birth_date is None and view.invalid == ("birth_date:invalid:2026-02-01",)


def test_today_overrides_updated_at_for_the_birth_date_check():
    view = view_of({"birth_date": "2026-02-01"}, today=dt.date(2026, 3, 1))
    assert view.birth_date == dt.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [("email", "noemail@mail.ru", "email:junk:noemail@mail.ru"),
     ("email", "test@test.ru", "email:junk:test@test.ru"),
     ("email", "NoEmail@Mail.RU", "email:junk:noemail@mail.ru"),
     ("phone", "+7 911 111-11-11", "phone:junk:+79111111111"),
     ("phone", "8 912 123-45-67", "phone:junk:+79121234567"),
     ("loyalty_card", "0000000", "loyalty_card:junk:0000000"),
     ("loyalty_card", "123456", "loyalty_card:junk:123456"),
     ("loyalty_card", "12", "loyalty_card:junk:12")],
)
def test_obvious_dummies_are_dropped_and_reported(field, value, reported):
    view = view_of({field: value})
    assert (view.emails, view.phones, view.loyalty_card) == ((), (), None)
    assert view.invalid == (reported,)


def test_values_known_as_junk_are_dropped_and_reported():
    junk = JunkValues(emails=frozenset({"shop@mail.ru"}), phones=frozenset({"+74952234567"}),
                      loyalty_cards=frozenset({"2900012345678"}),
                      addresses=frozenset({"moskva|lenina|5|12"}))
    raw = {**YULIA, "email": "shop@mail.ru", "phone": "8 (495) 223-45-67"}
    view = view_of(raw, junk=junk)
    assert (view.emails, view.phones, view.loyalty_card, view.address) == ((), (), None, None)
    assert view.invalid == ("email:junk:shop@mail.ru", "phone:junk:+74952234567",
                            "address:junk:moskva|lenina|5|12", "loyalty_card:junk:2900012345678")


@pytest.mark.parametrize(
    "junk",
    [JunkValues(emails=frozenset({"yulia.ivanova@mail.ru"})),
     JunkValues(phones=frozenset({"+79123456789"})),
     JunkValues(loyalty_cards=frozenset({"2900012345678"})),
     JunkValues(addresses=frozenset({"moskva|lenina|5|12"}))])
def test_a_view_holding_a_junk_value_is_the_one_that_changes_with_junk(junk):
    without = view_of(YULIA)
    assert customer_holds_junk(without, junk)
    assert view_of(YULIA, junk=junk) != without


def test_a_view_holding_no_junk_value_comes_out_the_same_with_junk():
    junk = JunkValues(emails=frozenset({"shop@mail.ru"}), phones=frozenset({"+74952234567"}),
                      loyalty_cards=frozenset({"0000001"}),
                      addresses=frozenset({"moskva|lenina|7"}))
    without = view_of(YULIA)
    assert not customer_holds_junk(without, junk)
    assert view_of(YULIA, junk=junk) == without


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [("first_name", 42, "first_name:wrong_type:int"),
     ("phone", 79123456789, "phone:wrong_type:int"),
     ("email", {"a": 1}, "email:wrong_type:dict"),
     ("birth_date", 19870305, "birth_date:wrong_type:int"),
     ("address", "Москва, Ленина 5", "address:wrong_type:str"),
     ("loyalty_card", 2900012345678, "loyalty_card:wrong_type:int"),
     ("first_name", "Ю" * 501, "first_name:too_long:501")],
)
def test_wrong_types_become_invalid_not_errors(field, value, reported):
    assert view_of({field: value}).invalid == (reported,)


def test_wrong_type_inside_the_address_is_reported_with_its_path():
    view = view_of({"address": {"city": "Москва", "house": 5}})
    assert view.invalid == ("address.house:wrong_type:int",)


def test_unknown_fields_are_ignored():
    assert view_of({"favourite_colour": "red", "first_name": "Юлия"}).invalid == ()


@pytest.mark.parametrize("not_mapping", [None, "Юлия", 42, ["Юлия"]])
def test_record_that_is_not_a_mapping_gives_an_empty_view(not_mapping):
    view = view_of(not_mapping)
    assert view.first_name is None and len(view.invalid) == 1


def test_empty_record_gives_an_empty_view():
    view = view_of({})
    assert (view.first_name, view.emails, view.address, view.invalid) == (None, (), None, ())


def test_phone_without_country_code_uses_the_region():
    assert view_of({"phone": "020 7946 0958"}, region="GB").phones == ("+442079460958",)


def test_shop_landline_shared_by_many_surnames_is_detected_as_junk():
    shop = [("+74951234567", surname)
            for surname in ("ivanov", "petrov", "sidorov", "kuznetsov", "smirnov", "popov")]
    family = [("+79123456789", "ivanov"), ("+79123456789", "ivanov"), ("+79123456789", "petrov")]
    junk = detect_junk({"phones": shop + family})
    assert junk.phones == frozenset({"+74951234567"})
    assert junk.emails == frozenset()


def test_unknown_owners_do_not_count_towards_junk():
    pairs = [("noreply@shop.ru", "")] * 10
    assert detect_junk({"emails": pairs}).emails == frozenset()


def test_junk_threshold_is_adjustable():
    pairs = [("+74951234567", "ivanov"), ("+74951234567", "petrov")]
    assert detect_junk({"phones": pairs}, min_distinct_owners=2).phones == {"+74951234567"}


def test_unknown_junk_field_is_refused():
    with pytest.raises(ValueError, match="not junk fields"):
        detect_junk({"faxes": []})


def test_junk_values_combine():
    combined = JunkValues(phones=frozenset({"+74951234567"})).union(
        JunkValues(emails=frozenset({"shop@mail.ru"})))
    assert (combined.phones, combined.emails) == ({"+74951234567"}, {"shop@mail.ru"})


@pytest.mark.parametrize(
    ("check", "value", "is_junk"),
    [(is_dummy_email, "noemail@mail.ru", True), (is_dummy_email, "no-reply@shop.ru", True),
     (is_dummy_email, "yulia@example.com", True), (is_dummy_email, "yulia@mail.ru", False),
     (is_dummy_phone, "+70000000000", True), (is_dummy_phone, "+79123456789", False),
     (is_dummy_card, "1111111", True), (is_dummy_card, "987654321", True),
     (is_dummy_card, "2900012345678", False)],
)
def test_builtin_dummy_lists(check, value, is_junk):
    assert check(value) is is_junk


def test_junk_from_counts_the_store_made_follows_the_same_rule():
    counts = {"phones": {"+74952234567": 12, "+79123456789": 2}, "loyalty_cards": {"777": 5}}
    junk = junk_from_owner_counts(counts)
    assert (junk.phones, junk.loyalty_cards) == ({"+74952234567"}, {"777"})
    with pytest.raises(ValueError, match="not junk fields"):
        junk_from_owner_counts({"faxes": {}})
