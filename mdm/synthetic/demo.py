"""A small, complete data set for `mdm demo`: every source, every entity type."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from mdm.synthetic.customers import generate_customers
from mdm.synthetic.inventory import generate_prices, generate_stock
from mdm.synthetic.products import generate_products
from mdm.synthetic.records import SyntheticRecord

DEMO_CUSTOMERS = 1_650  # about 2,000 customer records at 20 % duplicates
DEMO_PRODUCTS = 300  # about 500 product records at 40 % duplicates


def generate_demo_records(seed: int = 0) -> Iterator[SyntheticRecord]:
    """The demo's records with their truth: customers, products, then stock and prices."""
    products = list(generate_products(DEMO_PRODUCTS, seed=seed, duplicate_rate=0.4))
    return itertools.chain(
        generate_customers(DEMO_CUSTOMERS, seed=seed, duplicate_rate=0.2), products,
        generate_stock(products, seed=seed), generate_prices(products, seed=seed))


def generate_demo(seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Records per source, ready to push: customers, products, then their stock and prices.

    Each record carries its `entity_type` (the record contract allows it in batches), and
    products come before the stock and prices that refer to them.
    """
    batches: dict[str, list[dict[str, Any]]] = {}
    for synthetic in generate_demo_records(seed):
        batches.setdefault(synthetic.source, []).append(
            {"entity_type": synthetic.entity_type, **synthetic.record})
    return batches
