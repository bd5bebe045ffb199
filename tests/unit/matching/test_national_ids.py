"""A personal document number (national id): standardised, compared, blocked, and ruling.

Father and son share a surname, a flat and a family loyalty card; only their own document
numbers (and birth dates) tell them apart.
"""

import datetime as dt

import pytest

from matching.block import customer_keys
from matching.classify import score
from matching.compare import compare_customers, is_keying_slip
from matching.model import default_model, model_from_dict, model_to_dict
from matching.standardise import standardise_customer
from matching.standardise.national_ids import is_verified_national_id, standardise_national_id
from tests.unit.matching.sample_views import customer, name

CUSTOMERS = default_model("customer")
INN = "500100732259"        # a person's INN, check digits hold
OTHER_INN = "773605000069"  # another person's
SNILS = "11223344595"
SSN = "078051120"           # no check digit


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("ИНН 5001-0073-2259", INN),
        ("500100732259", INN),
        ("СНИЛС 112-233-445 95", SNILS),
        ("ssn: 078-05-1120", SSN),
        ("паспорт № 45 09 123456", "4509123456"),
        ("ab 123 4567", "AB1234567"),
    ],
)
def test_a_national_id_keeps_its_letters_and_digits_in_upper_case(written, number):
    assert standardise_national_id(written) == number


@pytest.mark.parametrize("written", ["500100732258", "000000000", "123456789", "12-3", "", None])
def test_a_failing_inn_a_dummy_or_a_stub_is_no_national_id(written):
    assert standardise_national_id(written) is None


def test_check_digits_verify_an_inn_and_a_snils_but_not_an_ssn():
    assert [is_verified_national_id(n) for n in (INN, OTHER_INN, SNILS, "11223344596", SSN)] == [
        True, True, True, False, False]


def test_the_customer_standardiser_reads_the_national_id_and_reports_a_bad_one():
    good = standardise_customer({"national_id": 500100732259}, record_id="1", source="crm")
    bad = standardise_customer({"national_id": "500100732258"}, record_id="2", source="crm")
    assert (good.national_id, good.invalid) == (INN, ())
    assert (bad.national_id, bad.invalid) == (None, ("national_id:invalid:500100732258",))


def level(a, b) -> str | None:
    return compare_customers(a, b).level("national_id")


def test_national_id_levels():
    ssn = customer(national_id=SSN)
    assert level(ssn, customer(national_id=SSN)) == "exact"
    assert level(ssn, customer(national_id="078051210")) == "slip"  # two neighbours swapped
    assert level(ssn, customer(national_id="078091120")) == "slip"  # one wrong before the end
    assert level(ssn, customer(national_id="078051129")) == "typo"  # the last one wrong
    assert level(ssn, customer(national_id="078051130")) == "typo"  # the last but one
    assert level(ssn, customer(national_id="912345678")) == "else"
    assert level(customer(national_id=INN), customer(national_id=OTHER_INN)) == "different"


@pytest.mark.parametrize(
    ("x", "y", "slip"),
    [
        ("7180320", "7180230", True),   # neighbours swapped
        ("7180320", "7186320", True),   # one wrong, not the last
        ("AB1234567", "BA1234567", True),
        ("7180320", "7180302", True),   # the last two swapped
        ("7180320", "7180321", False),  # the next number of a series
        ("7180320", "7180390", False),  # seventy numbers on
        ("7180329", "7180330", False),  # the next number, carried
        ("7180320", "7380120", False),  # swapped, but not neighbours
        ("7180320", "7180320", False),
        ("7180320", "718032", False),
    ],
)
def test_a_keying_slip_is_a_swap_of_neighbours_or_one_wrong_character_before_the_last_two(
        x, y, slip):
    assert is_keying_slip(x, y) is slip
    assert is_keying_slip(y, x) is slip


def test_different_kinds_of_document_are_not_compared():
    assert level(customer(national_id=INN), customer(national_id="4509123456")) is None
    assert level(customer(national_id=INN), customer(national_id=None)) is None


def test_a_national_id_is_a_blocking_key():
    assert "national_id:078051120" in customer_keys(customer(national_id=SSN))


@pytest.mark.parametrize("mistyped", ["078051210", "078091120", "078051129"])
def test_a_mistyped_national_id_shares_a_blocking_key_with_the_number_it_was_meant_to_be(mistyped):
    bare = {"emails": (), "phones": (), "loyalty_card": None, "address": None,
            "birth_date": None, "birth_date_swapped": None}
    keys_of = customer_keys(customer(national_id=SSN, **bare))
    shared = keys_of & customer_keys(customer(national_id=mistyped, **bare))
    assert {key.split(":")[0] for key in shared} >= {"national_id_typo"}
    assert not any(key.startswith("national_id:") for key in shared)


def test_numbers_two_characters_apart_share_no_national_id_key():
    keys_of = customer_keys(customer(national_id=SSN, first_name=None, last_name=None))
    other = customer_keys(customer(national_id="078051199", first_name=None, last_name=None))
    assert not {key for key in keys_of & other if key.startswith("national_id")}


def father_and_son(**son_changes):
    # Same name, surname, flat, landline and family card; neither gives an e-mail.
    father = customer(
        "crm:1", first_name=name("ivan", phonetic="IVAN"), last_name=name("petrov"),
        last_name_stem="petrov", middle_name=None, gender="m", emails=(),
        phones=("+74951234567",), birth_date=dt.date(1962, 5, 14), birth_date_swapped=None,
        loyalty_card="4000123", national_id=None,
    )
    son = customer("pos_store:2", **{**_fields(father), "birth_date": dt.date(1988, 9, 2),
                                     **son_changes})
    return father, son


def _fields(view) -> dict:
    keep = ("first_name", "last_name", "last_name_stem", "middle_name", "gender", "emails",
            "phones", "birth_date_swapped", "loyalty_card", "national_id")
    return {f: getattr(view, f) for f in keep}


def test_father_and_son_with_one_name_and_family_card_but_other_birth_dates_never_auto_link():
    father, son = father_and_son()
    assert score(compare_customers(father, son), CUSTOMERS).outcome != "auto_link"
    assert score(compare_customers(son, father), CUSTOMERS).outcome != "auto_link"


@pytest.mark.parametrize("son_born", [dt.date(1962, 5, 15), dt.date(1988, 9, 2)])
def test_the_same_national_id_links_despite_a_date_typo_or_another_date(son_born):
    father, same_man = father_and_son(birth_date=son_born, national_id=SSN)
    father = customer("crm:1", **{**_fields(father), "birth_date": father.birth_date,
                                  "national_id": SSN})
    result = score(compare_customers(father, same_man), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("auto_link", ())


def test_the_same_national_id_links_despite_another_given_name():
    anna, anya = customer(national_id=INN), customer(first_name=name("anya"), national_id=INN)
    assert score(compare_customers(anna, anya), CUSTOMERS).outcome == "auto_link"


def test_two_different_verified_national_ids_are_never_an_auto_link():
    result = score(compare_customers(customer(national_id=INN),
                                     customer("crm:9", national_id=OTHER_INN)), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("review", ("national_id",))


TWIN = {"gender": None, "middle_name": None, "emails": (), "loyalty_card": None}


@pytest.mark.parametrize(
    ("his", "hers"), [(SSN, "078051121"), ("078051129", "078051130"), (SSN, "078051150")])
def test_twins_with_consecutive_national_ids_stay_apart(his, hers):
    # Twins often get numbers of one series: the last two digits (or a carry) apart is no proof.
    brother = customer(first_name=name("ilya"), national_id=his, **TWIN)
    sister = customer(first_name=name("anna"), national_id=hers, **TWIN)
    assert score(compare_customers(brother, sister), CUSTOMERS).outcome == "distinct"


@pytest.mark.parametrize("slipped", ["078051210", "078091120"])
def test_a_slipped_national_id_links_despite_another_given_name(slipped):
    # Same surname, birth date, home and contacts, and a number no series explains: one
    # person whose given name was keyed as another (a second name, a nickname).
    yuliya = customer(national_id=SSN, **TWIN)
    other_name = customer("crm:5", first_name=name("anna"), national_id=slipped, **TWIN)
    result = score(compare_customers(yuliya, other_name), CUSTOMERS)
    assert (result.outcome, result.explanation.hard_conflicts) == ("auto_link", ())


def test_a_slipped_national_id_links_the_same_man_with_a_wrongly_keyed_birth_date():
    father, same_man = father_and_son(national_id="078051210")
    father = customer("crm:1", **{**_fields(father), "birth_date": father.birth_date,
                                  "national_id": SSN})
    assert score(compare_customers(father, same_man), CUSTOMERS).outcome == "auto_link"


def test_father_and_son_with_unrelated_national_ids_never_auto_link():
    father, son = father_and_son(national_id="078051199")
    father = customer("crm:1", **{**_fields(father), "birth_date": father.birth_date,
                                  "national_id": SSN})
    result = score(compare_customers(father, son), CUSTOMERS)
    assert result.outcome != "auto_link"
    assert "birth_date" in result.explanation.hard_conflicts


def test_a_model_stored_before_national_ids_gains_the_field_and_its_own_rules_only():
    stored = model_to_dict(CUSTOMERS)
    stored["fields"] = [f for f in stored["fields"] if f["name"] != "national_id"]
    stored["rules"] = {kind: [{k: v for k, v in rule.items() if k != "national_id"}
                              for rule in rules if set(rule) != {"national_id"}]
                       for kind, rules in stored["rules"].items()}
    upgraded = model_from_dict(stored)
    assert upgraded.field_names == CUSTOMERS.field_names
    assert (("national_id", ("different",)),) in upgraded.conflict_rules
    # The old date conflict keeps no exception for a field it never knew.
    assert (("birth_date", ("else",)),) in upgraded.conflict_rules
