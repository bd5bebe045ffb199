"""The synthetic multichannel generator: contract, truth, determinism and channel habits."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import importlib.util
import json
import random
import re
from pathlib import Path

import phonenumbers
import pytest
from stdnum import ean

from mdm.synthetic import (
    CUSTOMER_SOURCES,
    PRODUCT_SOURCES,
    generate_customer_records,
    generate_customers,
    generate_demo,
    generate_prices,
    generate_products,
    generate_stock,
    locations,
)
from mdm.synthetic.catalogue import Catalogue
from mdm.synthetic.people import PeopleFactory
from mdm.synthetic.vocabulary import load_vocabulary

CUSTOMER_KEYS = {"source_key", "first_name", "last_name", "middle_name", "email", "phone",
                 "birth_date", "address", "loyalty_card", "updated_at"}
ADDRESS_KEYS = {"country", "region", "city", "street", "house", "flat", "postcode"}
PRODUCT_KEYS = {"source_key", "gtin", "brand", "title", "category", "attributes", "price",
                "currency", "updated_at"}
ATTRIBUTE_KEYS = {"color", "size", "volume", "weight"}
STOCK_KEYS = {"source_key", "location_id", "source_sku", "on_hand", "updated_at"}
PRICE_KEYS = {"source_key", "channel", "source_sku", "price", "currency", "valid_from",
              "valid_to"}
MASKED_PHONE = re.compile(r"^\+7 9\d\d \*\*\*-\*\*-\d\d$")


@pytest.fixture(scope="module")
def customers():
    return list(generate_customers(3_000, seed=11))


@pytest.fixture(scope="module")
def products():
    return list(generate_products(600, seed=11))


def by_source(records, source):
    return [synthetic.record for synthetic in records if synthetic.source == source]


def is_optional(value, kind):
    return value is None or isinstance(value, kind)


def test_the_same_seed_gives_the_same_records_and_another_seed_other_records():
    first = list(generate_customers(200, seed=5))
    assert first == list(generate_customers(200, seed=5))
    assert first != list(generate_customers(200, seed=6))
    assert list(generate_products(50, seed=5)) == list(generate_products(50, seed=5))


def test_every_customer_record_has_exactly_the_contract_keys_with_string_values(customers):
    for synthetic in customers:
        record = synthetic.record
        assert synthetic.entity_type == "customer" and set(record) == CUSTOMER_KEYS
        assert isinstance(record["source_key"], str) and record["source_key"]
        assert all(is_optional(record[key], str) for key in CUSTOMER_KEYS - {"address"})
        if record["address"] is not None:
            assert set(record["address"]) == ADDRESS_KEYS
            assert all(is_optional(value, str) for value in record["address"].values())
        if record["birth_date"] is not None:
            dt.date.fromisoformat(record["birth_date"])
        dt.datetime.fromisoformat(record["updated_at"].replace("Z", "+00:00"))


def test_every_product_stock_and_price_record_has_exactly_the_contract_keys(products):
    for synthetic in products:
        record = synthetic.record
        assert set(record) == PRODUCT_KEYS and set(record["attributes"]) == ATTRIBUTE_KEYS
        assert is_optional(record["gtin"], str) and isinstance(record["title"], str)
        assert isinstance(record["price"], float) and record["currency"] == "RUB"
    for synthetic in generate_stock(products, seed=11):
        assert set(synthetic.record) == STOCK_KEYS and synthetic.entity_type == "stock"
        assert isinstance(synthetic.record["on_hand"], int) and synthetic.record["on_hand"] >= 0
    for synthetic in generate_prices(products, seed=11):
        assert set(synthetic.record) == PRICE_KEYS and synthetic.entity_type == "price"
        assert isinstance(synthetic.record["price"], float) and synthetic.record["price"] > 0


def test_source_keys_are_unique_per_source_and_entity_type(customers, products):
    records = [*customers, *products, *generate_stock(products, seed=1),
               *generate_prices(products, seed=1)]
    keys = [(r.source, r.entity_type, r.record["source_key"]) for r in records]
    assert len(keys) == len(set(keys))


def test_truth_names_every_requested_customer_and_product_and_nothing_else(customers, products):
    assert {r.entity_id for r in customers} == {f"customer-{n:07d}" for n in range(1, 3_001)}
    assert len({r.entity_id for r in products}) == 600


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_duplicates_make_up_about_the_requested_share_of_records_across_sources(rate):
    records = list(generate_customers(4_000, seed=3, duplicate_rate=rate))
    share = (len(records) - 4_000) / len(records)
    assert rate - 0.03 < share < rate + 0.03
    sources_per_customer = collections.defaultdict(set)
    for synthetic in records:
        sources_per_customer[synthetic.entity_id].add(synthetic.source)
    assert sum(len(found) > 1 for found in sources_per_customer.values()) > 4_000 * rate / 2


def test_a_record_count_for_speed_benchmarks_is_met_exactly_with_a_fifth_duplicates():
    records = list(generate_customer_records(5_000, seed=2))
    assert len(records) == 5_000
    assert 0.17 < 1 - len({r.entity_id for r in records}) / 5_000 < 0.23


def test_sources_can_be_narrowed_and_unknown_sources_or_rates_are_refused():
    records = list(generate_customers(300, seed=1, sources=["pos_store", "call_centre"]))
    assert {r.source for r in records} == {"pos_store", "call_centre"}
    with pytest.raises(ValueError, match="telegram_bot"):
        generate_customers(10, seed=1, sources=["telegram_bot"])
    with pytest.raises(ValueError, match="duplicate_rate"):
        generate_customers(10, seed=1, duplicate_rate=0.95)


def make_people(count, seed=4):
    factory = PeopleFactory(random.Random(seed), load_vocabulary())
    people = []
    while len(people) < count:
        people.append(factory.household())
    return people


def test_households_share_flat_and_gendered_surname_yet_are_different_customers():
    families = [members for members in make_people(3_000) if len(members) > 1]
    assert len(families) > 600
    for members in families:
        assert len({m.entity_id for m in members}) == len(members)
        assert len({m.home for m in members}) == 1
    ivanovs = [m for members in families for m in members if m.last_name in ("Иванов", "Иванова")]
    assert {m.gender for m in ivanovs} == {"m", "f"}
    assert any(members[0].landline and members[0].landline == members[1].landline
               for members in families)
    assert any(members[0].family_email for members in families)


def test_a_son_may_carry_his_fathers_name_and_a_couple_may_both_be_sasha():
    families = [members for members in make_people(5_000) if len(members) > 2]
    assert any(child.first_name == members[0].first_name and child.gender == "m"
               for members in families for child in members[2:])
    couples = {(members[0].first_name, members[1].first_name)
               for members in make_people(5_000) if len(members) > 1}
    assert ("Александр", "Александра") in couples


def test_namesakes_share_a_full_name_but_not_phone_or_birth_date():
    people = [person for members in make_people(5_000) for person in members]
    by_name = collections.defaultdict(list)
    for person in people:
        by_name[(person.first_name, person.middle_name, person.last_name)].append(person)
    namesakes = [group for group in by_name.values() if len(group) > 1]
    assert len(namesakes) > 50
    for group in namesakes:
        assert len({p.mobile for p in group}) == len(group)
        assert len({p.email for p in group}) == len(group)


def test_marketplaces_mask_phones_shorten_names_and_deliver_to_shared_pick_up_points(customers):
    records = by_source(customers, "marketplace_ozon") + by_source(customers, "marketplace_wb")
    assert all(r["email"] is None and r["birth_date"] is None for r in records)
    masked = [r for r in records if r["phone"] and MASKED_PHONE.match(r["phone"])]
    assert len(masked) > 0.3 * len(records)
    assert any(r["last_name"] and re.fullmatch(r"[А-ЯЁ]\.", r["last_name"]) for r in records)
    assert any(r["first_name"] and re.fullmatch(r"[А-ЯЁ]\.", r["first_name"]) for r in records)
    addresses = collections.Counter(
        (r["address"]["city"], r["address"]["street"], r["address"]["house"])
        for r in records if r["address"] and r["address"]["flat"] is None)
    assert addresses.most_common(1)[0][1] >= 10


def test_cashiers_type_upper_case_without_yo_and_use_the_store_phone_or_a_dummy_email(customers):
    records = by_source(customers, "pos_store")
    assert all(r["last_name"] == r["last_name"].upper() and "Ё" not in r["last_name"]
               for r in records)
    store_phones = {location["phone"] for location in locations() if location["phone"]}
    assert sum(r["phone"] in store_phones for r in records) > 0.1 * len(records)
    assert any(r["email"] and r["email"].lower() in ("noemail@mail.ru", "net@net.ru")
               for r in records)
    assert sum(r["loyalty_card"] is not None for r in records) > 0.3 * len(records)


def test_cashiers_sometimes_swap_day_and_month_of_the_birth_date(customers):
    true_dates = {}
    for synthetic in customers:
        if synthetic.source != "pos_store" and synthetic.record["birth_date"]:
            true_dates[synthetic.entity_id] = synthetic.record["birth_date"]
    swapped = [r for r in customers if r.source == "pos_store" and r.record["birth_date"]
               and r.entity_id in true_dates and r.record["birth_date"] != true_dates[r.entity_id]]
    assert any(r.record["birth_date"][5:7] == true_dates[r.entity_id][8:10] for r in swapped)


def test_the_call_centre_writes_diminutives_latin_spellings_and_swapped_names(customers):
    names = collections.Counter(r["first_name"] for r in by_source(customers, "call_centre"))
    assert {"Саша", "Лёша", "Катя", "Маша", "Дима"} & set(names)
    assert any(re.fullmatch(r"[A-Za-z'’]+", name or "") for name in names)
    surnames = {s for v in load_vocabulary().surnames.items for s in (v.male, v.female)}
    assert any(name in surnames for name in names)  # first and last name swapped


def test_phones_are_valid_russian_numbers_in_several_formats(customers):
    phones = [r.record["phone"] for r in customers
              if r.record["phone"] and "*" not in r.record["phone"]]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, "RU")) for p in phones)
    shapes = {re.sub(r"\d", "0", phone) for phone in phones}
    assert {"+0 000 000-00-00", "00000000000", "0 (000) 000 00 00"} <= shapes


def test_emails_come_with_plus_tags_and_upper_case(customers):
    emails = [r.record["email"] for r in customers if r.record["email"]]
    assert any("+" in email for email in emails)
    assert any(email != email.lower() for email in emails)


def test_timestamps_come_with_offsets_with_z_and_naive(customers):
    stamps = [r.record["updated_at"] for r in customers]
    assert any(s.endswith("Z") for s in stamps)
    assert any(s.endswith("+05:00") or s.endswith("+07:00") for s in stamps)
    assert any(dt.datetime.fromisoformat(s).tzinfo is None for s in stamps if not s.endswith("Z"))


def test_variants_of_one_model_have_distinct_valid_consecutive_gtins():
    catalogue = Catalogue(random.Random(1), load_vocabulary())
    models = [catalogue.model() for _ in range(300)]
    gtins = [variant.gtin for model in models for variant in model]
    assert len(gtins) == len(set(gtins)) and all(ean.is_valid(gtin) for gtin in gtins)
    for model in models:
        items = [int(variant.gtin[:-1]) for variant in model]
        assert items == list(range(items[0], items[0] + len(items)))
        assert len({tuple(variant.axes.items()) for variant in model}) == len(model)


def test_gtins_come_as_ean13_gtin14_upca_with_wrong_check_digits_or_missing(products):
    gtins = [r.record["gtin"] for r in products]
    lengths = collections.Counter(len(g) if g else None for g in gtins)
    assert lengths[13] and lengths[14] and lengths[12] and lengths[None]
    assert any(g and not ean.is_valid(g) for g in gtins)


def test_some_marketplace_listing_carries_a_sibling_variants_gtin():
    records = list(generate_products(2_000, seed=8))
    owner = {}
    for r in records:
        gtin = r.record["gtin"]
        if r.source in ("web_shop", "pos_store") and gtin and len(gtin) == 13:
            owner.setdefault(gtin, r.entity_id)
    borrowed = [r for r in records if r.source.startswith("marketplace") and r.record["gtin"]
                and owner.get(r.record["gtin"][-13:], r.entity_id) != r.entity_id]
    assert borrowed


def test_brands_titles_and_units_differ_between_channels(products):
    brands = {r.record["brand"] for r in products}
    assert {"Samsung", "SAMSUNG", "Самсунг"} & brands and len(brands) > 60
    titles = " ".join(r.record["title"] for r in products)
    for unit in (r"\d,\d+ л\b", r"\d+ мл\b", r"\d+ml\b", r"\d+(\.\d+)?L\b", r"\d+ г\b"):
        assert re.search(unit, titles), unit


def test_stock_and_prices_refer_to_the_product_records_of_their_own_source(products):
    skus = {(r.source, r.record["source_key"]): r.entity_id for r in products}
    stock = list(generate_stock(products, seed=2))
    assert {r.source for r in stock} == {"web_shop", "pos_store", "marketplace_ozon",
                                         "marketplace_wb"}
    known_locations = {location["location_id"] for location in locations()}
    for r in stock:
        assert skus[(r.source, r.record["source_sku"])] == r.entity_id
        assert r.record["location_id"] in known_locations
    for r in generate_prices(products, seed=2):
        assert skus[(r.source, r.record["source_sku"])] == r.entity_id
        assert r.record["channel"] == r.source


def test_price_periods_follow_one_another_and_only_the_last_is_open(products):
    periods = collections.defaultdict(list)
    for r in generate_prices(products, seed=2):
        periods[(r.source, r.record["source_sku"])].append(r.record)
    for history in periods.values():
        assert [p["valid_to"] is None for p in history] == [False] * (len(history) - 1) + [True]
        for earlier, later in zip(history, history[1:], strict=False):
            assert earlier["valid_to"] == later["valid_from"]


def test_the_demo_has_every_source_about_2000_customers_and_500_products():
    demo = generate_demo(seed=7)
    assert set(demo) == set(CUSTOMER_SOURCES)
    counts = collections.Counter(r["entity_type"] for records in demo.values() for r in records)
    assert 1_800 < counts["customer"] < 2_300 and 400 < counts["product"] < 600
    assert counts["stock"] and counts["price"]
    assert set(PRODUCT_SOURCES) < set(CUSTOMER_SOURCES)


def load_datagen():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "datagen.py"
    spec = importlib.util.spec_from_file_location("datagen", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_datagen_writes_json_lines_per_source_and_type_and_truth_for_every_record(tmp_path, capsys):
    datagen = load_datagen()
    datagen.main([str(tmp_path), "--customers", "300", "--products", "60", "--seed", "4"])
    truth = list(csv.DictReader((tmp_path / "truth.csv").open(encoding="utf-8")))
    lines = [json.loads(line) for path in sorted(tmp_path.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(truth)
    assert {(t["source"], t["entity_type"], t["source_key"]) for t in truth} == {
        (line["source"], line["entity_type"], line["source_key"]) for line in lines}
    assert (tmp_path / "web_shop.customer.jsonl").exists()
    assert "records/s" in capsys.readouterr().out
