"""A model stored by an earlier release (a trained, activated version) still loads and decides."""

import json
import math
from pathlib import Path

from matching.classify import score
from matching.compare import compare_products
from matching.model import default_model, model_from_dict, model_to_dict
from tests.unit.matching.sample_views import MILK, product

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
