"""Synthetic multichannel retail records (mdm.synthetic) as match views, with their truth.

Standardised twice, as ingestion would: a first pass finds the junk values shared by
unrelated owners (a store's landline, a dummy e-mail, a pick-up point), the second
drops them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matching.standardise import detect_junk, standardise_customer, standardise_product
from mdm.synthetic import SyntheticRecord, generate_customers, generate_products


def _customer_evidence(views: Iterable) -> dict[str, list[tuple[str, str]]]:
    # The surname stem tells owners apart: a family shares a phone, a shop's landline collects many.
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for view in views:
        owner = view.last_name_stem or ""
        found["phones"] += [(p, owner) for p in view.phones]
        found["emails"] += [(e, owner) for e in view.emails]
        if view.loyalty_card:
            found["loyalty_cards"].append((view.loyalty_card, owner))
        if view.address and view.address.key:
            found["addresses"].append((view.address.key, owner))
    return found


def customer_views(records: list[SyntheticRecord]) -> list:
    """Customer views of `records` (record id = source:index), junk detected from the data."""

    def views(junk=None):
        return [
            standardise_customer(r.record, record_id=f"{r.source}:{i}", source=r.source, junk=junk)
            for i, r in enumerate(records)
        ]

    return views(detect_junk(_customer_evidence(views())))


def product_views(records: list[SyntheticRecord]) -> list:
    """Product views of `records`, junk GTINs (one GTIN on many brands) detected from the data."""

    def views(junk=None):
        return [
            standardise_product(r.record, record_id=f"{r.source}:{i}", source=r.source, junk=junk)
            for i, r in enumerate(records)
        ]

    first = views()
    evidence = {"gtins": [(v.gtin, v.brand or "") for v in first if v.gtin]}
    return views(detect_junk(evidence))


def true_pairs(records: list[SyntheticRecord]) -> set[tuple[str, str]]:
    """Pairs of record ids describing the same true customer or product."""
    by_entity: dict[str, list[str]] = defaultdict(list)
    for i, r in enumerate(records):
        by_entity[r.entity_id].append(f"{r.source}:{i}")
    return {
        tuple(sorted((a, b)))
        for ids in by_entity.values()
        for j, a in enumerate(ids)
        for b in ids[j + 1 :]
    }


def retail_customers(count: int, seed: int) -> tuple[list, None, set]:
    """Views of `count` true customers' records and their true pairs."""
    records = list(generate_customers(count, seed=seed))
    return customer_views(records), None, true_pairs(records)


def retail_products(count: int, seed: int) -> tuple[list, None, set]:
    """Views of `count` true products' records and their true pairs."""
    records = list(generate_products(count, seed=seed))
    return product_views(records), None, true_pairs(records)
