"""Synthetic multichannel retail records (mdm.synthetic) as match views, with their truth.

Standardised twice, as ingestion would: a first pass finds the junk values shared by
unrelated owners (a store's landline, a dummy e-mail, a pick-up point), the second
drops them (redoing only the records that hold one: the others come out the same).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from matching.standardise import (
    JunkValues,
    customer_holds_junk,
    detect_junk,
    product_holds_junk,
    standardise_customer,
    standardise_product,
)
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

    def view(i, junk=None):
        r = records[i]
        return standardise_customer(
            r.record, record_id=f"{r.source}:{i}", source=r.source, junk=junk
        )

    first = [view(i) for i in range(len(records))]
    return _without_junk(first, detect_junk(_customer_evidence(first)), view, customer_holds_junk)


def product_views(records: list[SyntheticRecord]) -> list:
    """Product views of `records`, junk GTINs (one GTIN on many brands) detected from the data."""

    def view(i, junk=None):
        r = records[i]
        return standardise_product(
            r.record, record_id=f"{r.source}:{i}", source=r.source, junk=junk
        )

    first = [view(i) for i in range(len(records))]
    evidence = {"gtins": [(v.gtin, v.brand or "") for v in first if v.gtin]}
    return _without_junk(first, detect_junk(evidence), view, product_holds_junk)


def _without_junk(
    first: list, junk: JunkValues, view: Callable, holds_junk: Callable[[Any, JunkValues], bool]
) -> list:
    # The second pass: only views holding a junk value change, so only they are redone.
    return [view(i, junk) if holds_junk(v, junk) else v for i, v in enumerate(first)]


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
