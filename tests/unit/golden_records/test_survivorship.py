"""Survivorship: each strategy, pins, lineage, determinism and the config format."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from golden_records.survivorship import (
    EntityRules,
    SurvivorshipConfig,
    SurvivorshipConfigError,
    SurvivorshipRule,
    build_golden_record,
    count_filled_parts,
    survive_attribute,
)
from golden_records.types import (
    ENTITY_ATTRIBUTES,
    GoldenRecord,
    GoldenRecordError,
    Lineage,
    Pin,
    UnknownAttributeError,
)
from tests.unit.golden_records.conftest import T0

TRUST = {"web_shop": {"*": 1}, "pos_store": {"*": 2, "loyalty_card": 1},
         "marketplace_ozon": {"*": 4}}


def rules(strategy: str, *, validated_first: bool = False, window_days: float | None = None):
    window = None if window_days is None else dt.timedelta(days=window_days)
    return EntityRules(default=SurvivorshipRule(strategy, validated_first, window), trust=TRUST)


def test_the_most_trusted_source_wins_and_lineage_names_it(customer):
    shop = customer("r1", "web_shop", last_name="Иванова")
    ozon = customer("r2", "marketplace_ozon", days=5, last_name="Иванова-Петрова")
    value, lineage = survive_attribute("last_name", [ozon, shop], rules("source_trust"))
    assert value == "Иванова"
    assert lineage == Lineage("web_shop", "r1", "source_trust", T0)


def test_equal_trust_is_broken_by_the_fresher_record(customer):
    older = customer("r1", "web_shop", first_name="Юлия")
    newer = customer("r2", "web_shop", days=1, first_name="Юля")
    assert survive_attribute("first_name", [older, newer], rules("source_trust"))[0] == "Юля"


def test_a_source_missing_from_the_trust_table_loses_to_every_named_one(customer):
    named = customer("r1", "marketplace_ozon", first_name="Yuliya")
    unnamed = customer("r2", "call_centre", days=30, first_name="Julia")
    assert survive_attribute("first_name", [named, unnamed], rules("source_trust"))[0] == "Yuliya"


def test_a_rank_for_the_attribute_overrides_the_sources_wildcard(customer):
    shop = customer("r1", "web_shop", loyalty_card="7700000001")
    store = customer("r2", "pos_store", loyalty_card="7700123456")
    value, _ = survive_attribute("loyalty_card", [shop, store], rules("source_trust"))
    assert value == "7700123456"


def test_the_freshest_value_wins_under_most_recent_whatever_the_trust(customer):
    shop = customer("r1", "web_shop", loyalty_card="7700000001")
    ozon = customer("r2", "marketplace_ozon", days=1, loyalty_card="7700123456")
    value, lineage = survive_attribute("loyalty_card", [shop, ozon], rules("most_recent"))
    assert value == "7700123456"
    assert (lineage.rule, lineage.source) == ("most_recent", "marketplace_ozon")


def test_a_value_fresher_by_more_than_the_window_beats_a_stale_trusted_one(product):
    stale = product("p1", "web_shop", price="89.90")
    fresh = product("p2", "marketplace_ozon", days=10, price="99.90")
    winner = survive_attribute("price", [stale, fresh], rules("most_recent", window_days=7))
    assert winner[0] == "99.90"


def test_inside_the_window_the_trusted_value_beats_a_fresher_one(product):
    trusted = product("p1", "web_shop", price="89.90")
    fresh = product("p2", "marketplace_ozon", days=3, price="99.90")
    winner = survive_attribute("price", [trusted, fresh], rules("most_recent", window_days=7))
    assert winner[0] == "89.90"


def test_the_birth_date_most_records_agree_on_wins(customer):
    members = [customer("r1", "web_shop", birth_date="1987-05-03"),
               customer("r2", "pos_store", birth_date="1987-03-05"),
               customer("r3", "marketplace_ozon", birth_date="1987-03-05")]
    value, lineage = survive_attribute("birth_date", members, rules("most_frequent"))
    assert value == "1987-03-05"
    assert lineage.record_id == "r2"  # the most trusted of the records that agree


def test_the_address_with_most_filled_parts_wins_under_most_complete(customer):
    short = customer("r1", "web_shop", address={"city": "Москва", "street": "", "house": None})
    full = customer("r2", "marketplace_ozon",
                    address={"city": "Москва", "street": "Тверская", "house": "12", "flat": "45"})
    value, lineage = survive_attribute("address", [short, full], rules("most_complete"))
    assert value["street"] == "Тверская" and lineage.record_id == "r2"


def test_filled_parts_are_counted_through_nested_values():
    address = {"city": "Казань", "street": " ", "house": "7",
               "extra": {"entrance": "2", "floor": None}}
    assert count_filled_parts(address) == 3


def test_a_valid_value_beats_an_invalid_one_from_a_more_trusted_source(customer):
    broken = customer("r1", "web_shop", birth_date="1987-02-30", validity={"birth_date": False})
    valid = customer("r2", "marketplace_ozon", birth_date="1987-03-05")
    assert survive_attribute("birth_date", [broken, valid],
                             rules("source_trust", validated_first=True))[0] == "1987-03-05"
    without_check = survive_attribute("birth_date", [broken, valid], rules("source_trust"))
    assert without_check[0] == "1987-02-30"


def test_an_invalid_value_still_survives_when_it_is_the_only_one(customer):
    broken = customer("r1", "web_shop", birth_date="1987-02-30", validity={"birth_date": False})
    assert survive_attribute("birth_date", [broken],
                             rules("source_trust", validated_first=True))[0] == "1987-02-30"


def test_every_distinct_email_is_kept_with_each_of_its_sources(customer):
    members = [customer("r1", "web_shop", email="yulia.ivanova@example.ru"),
               customer("r2", "pos_store", email="y.ivanova@mail.ru"),
               customer("r3", "marketplace_ozon", email="yulia.ivanova@example.ru")]
    value, lineage = survive_attribute("email", members, rules("aggregate"))
    assert value == ["yulia.ivanova@example.ru", "y.ivanova@mail.ru"]
    assert [(e.record_id, e.value_index) for e in lineage] == [("r1", 0), ("r2", 1), ("r3", 0)]


def test_aggregated_valid_phones_come_before_invalid_ones(customer):
    members = [customer("r1", "web_shop", phone="+7912000", validity={"phone": False}),
               customer("r2", "marketplace_ozon", phone="+79123456789")]
    value, _ = survive_attribute("phone", members, rules("aggregate", validated_first=True))
    assert value == ["+79123456789", "+7912000"]


def test_a_record_with_several_phones_contributes_each_of_them(customer):
    member = customer("r1", "mobile_app", phone=["+79123456789", "+74951234567"])
    value, lineage = survive_attribute("phone", [member], rules("aggregate"))
    assert sorted(value) == ["+74951234567", "+79123456789"] and len(lineage) == 2


def test_blank_values_never_survive(customer):
    members = [customer("r1", "web_shop", middle_name="  "),
               customer("r2", "pos_store", middle_name=None)]
    assert survive_attribute("middle_name", members, rules("source_trust")) is None


def test_a_pin_wins_over_every_rule_and_lineage_names_the_steward(customer, config):
    members = [customer("r1", "web_shop", first_name="Юлия")]
    pin = Pin("first_name", "Юля", "steward.petrova", T0, "клиентка попросила")
    record = build_golden_record("g1", "customer", members, [pin], config, version=1, now=T0)
    assert record.attributes["first_name"] == "Юля"
    assert record.lineage["first_name"] == Lineage(None, None, "pin", T0, "steward.petrova")


def test_a_pin_sets_an_attribute_no_member_has(customer, config):
    pin = Pin("middle_name", "Сергеевна", "steward.petrova", T0)
    record = build_golden_record("g1", "customer", [customer("r1", first_name="Юлия")], [pin],
                                 config, version=1, now=T0)
    assert record.attributes["middle_name"] == "Сергеевна"


def test_fields_outside_the_record_contract_do_not_reach_the_golden_record(customer, config):
    member = customer("r1", first_name="Юлия", favourite_shop="Тверская, 12")
    record = build_golden_record("g1", "customer", [member], [], config, version=1, now=T0)
    assert set(record.attributes) == {"first_name"}


def test_the_golden_record_does_not_depend_on_the_order_of_members(customer, config):
    members = [customer("r1", "web_shop", first_name="Юлия", phone="+79123456789"),
               customer("r2", "pos_store", days=2, first_name="Julia", phone="+79123456780",
                        address={"city": "Москва"}),
               customer("r3", "marketplace_ozon", days=1, first_name="Юля",
                        address={"city": "Москва", "street": "Тверская"})]
    built = [build_golden_record("g1", "customer", order, [], config, version=1, now=T0)
             for order in itertools.permutations(members)]
    assert all(record == built[0] for record in built)


def test_records_of_another_entity_type_are_refused(customer, product, config):
    with pytest.raises(GoldenRecordError):
        build_golden_record("g1", "customer", [customer("r1"), product("p1")], [], config,
                            version=1, now=T0)


def test_a_pin_on_an_attribute_outside_the_contract_is_refused(customer, config):
    with pytest.raises(UnknownAttributeError):
        build_golden_record("g1", "customer", [customer("r1")], [Pin("gtin", "1", "s", T0)],
                            config, version=1, now=T0)


def test_the_golden_record_json_exposes_lineage_and_reads_back_equal(customer, config):
    members = [customer("r1", "web_shop", first_name="Юлия", email="yulia.ivanova@example.ru"),
               customer("r2", "pos_store", email="y.ivanova@mail.ru")]
    pin = Pin("last_name", "Иванова", "steward.petrova", T0, "паспорт")
    record = build_golden_record("g1", "customer", members, [pin], config, version=3, now=T0)
    data = record.to_dict()
    assert data["lineage"]["first_name"]["source"] == "web_shop"
    assert data["lineage"]["email"][1]["record_id"] == "r2"
    assert GoldenRecord.from_dict(data) == record


def test_the_default_config_has_a_rule_for_every_contract_attribute(config):
    for entity_type, attributes in ENTITY_ATTRIBUTES.items():
        assert set(config.for_entity(entity_type).rules) == attributes


def test_the_config_reads_back_equal_from_its_json_form(config):
    assert SurvivorshipConfig.from_dict(config.to_dict()) == config


def test_a_bad_config_reports_every_problem_at_once():
    with pytest.raises(SurvivorshipConfigError) as caught:
        SurvivorshipConfig.from_dict({
            "customer": {"rules": {"phone": {"strategy": "loudest"},
                                   "shoe_size": {"strategy": "most_recent"},
                                   "email": {"strategy": "aggregate", "recency_window_days": 3}},
                         "trust": {"web_shop": {"*": "first"}}},
            "spaceship": {},
        })
    assert len(caught.value.problems) == 5
