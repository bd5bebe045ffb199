"""Stock levels and channel prices for generated product records.

Both read the product records a channel sent (`source_sku` is the product's `source_key` in
that channel), so they stream alongside any product stream: regenerate the products with the
same seed rather than keeping them in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from mdm.synthetic.records import SyntheticRecord
from mdm.synthetic.spelling import format_timestamp, random_instant
from mdm.synthetic.vocabulary import below, load_vocabulary

_DAY = 24 * 3600


def locations() -> list[dict[str, Any]]:
    """The warehouses and stores that hold stock: id, name, kind, city, coordinates, fulfilment
    kinds and the `source` that reports their stock levels."""
    return [dict(location) for location in load_vocabulary().locations]


def generate_stock(products: Iterable[SyntheticRecord], *, seed: int) -> Iterator[SyntheticRecord]:
    """Stock records for the products whose channel keeps stock, one per product and location.

    The web shop reports its warehouses, the tills their stores, each marketplace its own
    fulfilment warehouses; the app and the call centre report none. About one stock level in
    eight is zero. `entity_id` is the true product.
    """
    rng = random.Random(seed)
    by_source: dict[str, list[str]] = {}
    for location in load_vocabulary().locations:
        by_source.setdefault(location["source"], []).append(location["location_id"])
    for product in products:
        places = by_source.get(product.source)
        if not places:
            continue
        sku = product.record["source_key"]
        count = 1 + below(rng, min(3, len(places)))
        for location_id in rng.sample(places, count):
            on_hand = 0 if rng.random() < 0.12 else 1 + int(rng.expovariate(1 / 25))
            record = {"source_key": f"{location_id}/{sku}", "location_id": location_id,
                      "source_sku": sku, "on_hand": on_hand,
                      "updated_at": format_timestamp(random_instant(rng), "utc")}
            yield SyntheticRecord(product.source, "stock", record, product.entity_id)


def generate_prices(products: Iterable[SyntheticRecord], *, seed: int) -> Iterator[SyntheticRecord]:
    """Price records for every product record: one to three periods in its own channel.

    Periods follow one another (`valid_to` of one is `valid_from` of the next); the current
    one has `valid_to` None and the product record's price. `entity_id` is the true product.
    """
    rng = random.Random(seed)
    for product in products:
        sku, current = product.record["source_key"], product.record["price"]
        periods = 1 + below(rng, 3)
        start = random_instant(rng) - periods * 60 * _DAY
        for index in range(periods):
            is_current = index == periods - 1
            end = None if is_current else start + (30 + below(rng, 60)) * _DAY
            price = current if is_current else round(current * (0.85 + 0.3 * rng.random()), 2)
            record = {"source_key": f"{sku}/{index + 1}", "channel": product.source,
                      "source_sku": sku, "price": price, "currency": "RUB",
                      "valid_from": format_timestamp(start, "offset"),
                      "valid_to": None if end is None else format_timestamp(end, "offset")}
            yield SyntheticRecord(product.source, "price", record, product.entity_id)
            if end is not None:
                start = end
