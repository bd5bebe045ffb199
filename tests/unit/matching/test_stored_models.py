"""A model stored by an earlier release (a trained, activated version) still loads and decides."""

import json
import math
from pathlib import Path

from matching.classify import score
from matching.compare import compare_customers, compare_products
from matching.model import default_model, model_from_dict, model_to_dict
from tests.unit.matching.sample_views import MILK, customer, name, product

STORED = Path(__file__).parent / "stored_models"


def stored_product_model() -> dict:
    """product-default-2 as shipped before `title` gained `same_variant` (81cd91d)."""
    return json.loads((STORED / "product-default-2.json").read_text(encoding="utf-8"))


def level_weight(field: dict, label: str) -> float:
    level = next(level for level in field["levels"] if level["label"] == label)
    return math.log2(level["m"] / level["u"])


def test_a_model_stored_before_a_new_level_loads_with_the_comparisons_levels():
    stored = stored_product_model()
    upgraded = model_from_dict(stored)
    assert upgraded.version == "product-default-2"
    shipped = default_model("product")
    assert [f.labels for f in upgraded.fields] == [f.labels for f in shipped.fields]
    untouched = [f for f in model_to_dict(upgraded)["fields"] if f["name"] != "title"]
    assert untouched == [f for f in stored["fields"] if f["name"] != "title"]


def test_the_new_level_weighs_as_the_level_it_was_carved_out_of_and_totals_stay():
    stored = stored_product_model()
    title = next(f for f in stored["fields"] if f["name"] == "title")
    upgraded = model_to_dict(model_from_dict(stored))
    new_title = next(f for f in upgraded["fields"] if f["name"] == "title")
    before = level_weight(title, "ts_0.95")
    assert level_weight(new_title, "same_variant") == before
    assert level_weight(new_title, "ts_0.95") == before
    for key in ("m", "u"):
        assert sum(level[key] for level in new_title["levels"]) == sum(
            level[key] for level in title["levels"])


def test_stored_rules_naming_the_refined_level_name_the_new_one_too():
    upgraded = model_from_dict(stored_product_model())
    assert (("title", ("same_variant", "ts_0.95")), ("brand", ("exact",))) in (
        upgraded.auto_link_requires)
    # The shipped rule linking a listing without GTIN is the new release's, not the stored one's.
    assert not any(dict(rule).get("title") == ("same_variant",) for rule in upgraded.match_rules)


def test_an_upgraded_model_decides_a_same_variant_pair_as_it_did_at_ts_095():
    upgraded = model_from_dict(stored_product_model())
    white = product(record_id="web_shop:sku-2", color="white")
    listing = product(gtin=None, color="white")
    result = score(compare_products(white, listing), upgraded)
    assert compare_products(white, listing).level("title") == "same_variant"
    title = next(f for f in stored_product_model()["fields"] if f["name"] == "title")
    weight = next(f.weight for f in result.explanation.fields if f.field == "title")
    assert math.isclose(weight, level_weight(title, "ts_0.95"))
    # product-default-2 sent a listing without GTIN to a steward, never to an auto-link.
    assert result.outcome == "review"
    assert score(compare_products(MILK, product()), upgraded).outcome == "auto_link"


def stored_customer_model() -> dict:
    """customer-default-4 as shipped before `national_id` gained `slip`."""
    return json.loads((STORED / "customer-default-4.json").read_text(encoding="utf-8"))


def test_a_customer_model_stored_before_slip_weighs_a_slip_as_its_old_typo():
    stored = stored_customer_model()
    national_id = next(f for f in stored["fields"] if f["name"] == "national_id")
    upgraded = model_to_dict(model_from_dict(stored))
    new_national_id = next(f for f in upgraded["fields"] if f["name"] == "national_id")
    assert [level["label"] for level in new_national_id["levels"]] == [
        "exact", "slip", "typo", "different", "else"]
    before = level_weight(national_id, "typo")
    assert level_weight(new_national_id, "slip") == before == level_weight(new_national_id, "typo")


def test_an_upgraded_customer_model_keeps_a_slip_and_another_given_name_apart_as_before():
    upgraded = model_from_dict(stored_customer_model())
    # customer-default-4 read a slip as a typo: no exception to another given name.
    assert {"national_id": ("slip", "exact", "typo")} in map(dict, upgraded.auto_link_requires)
    bare = {"gender": None, "middle_name": None, "emails": (), "loyalty_card": None}
    yuliya = customer(national_id="078051120", **bare)
    anna = customer("crm:5", first_name=name("anna"), national_id="078051210", **bare)
    assert compare_customers(yuliya, anna).level("national_id") == "slip"
    assert score(compare_customers(yuliya, anna), upgraded).outcome == "distinct"
    assert score(compare_customers(yuliya, anna), default_model("customer")).outcome == (
        "auto_link")


def test_a_stored_model_gains_the_shipped_limit_of_a_newer_key_kind_and_keeps_its_own():
    stored = stored_customer_model()
    stored["block_limits"]["address"] = 5
    upgraded = model_from_dict(stored)
    assert "national_id_typo" not in stored["block_limits"]
    assert upgraded.block_limit("national_id_typo") == 20
    assert upgraded.block_limit("address") == 5


def test_a_product_model_stored_before_the_whole_title_key_gains_its_shipped_limit():
    stored = json.loads((STORED / "product-default-3.json").read_text(encoding="utf-8"))
    assert "brand_words" not in stored["block_limits"]
    upgraded = model_from_dict(stored)
    assert upgraded.version == "product-default-3"
    assert upgraded.block_limit("brand_words") == default_model("product").block_limit(
        "brand_words") == 30
    assert upgraded.block_limit("brand_title") == stored["block_limits"]["brand_title"]
